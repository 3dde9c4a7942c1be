"""Ranges and help from the one declaration (sim/config/__init__.py).

The ranges that docs/ODD.md and `--help` print are generated from the
declarations, and the declarations are what validation enforces: each
numeric field is refused just outside its declared allowed range, naming the
field, and accepted at each bound. A value inside the allowed range but
outside the meaningful one runs, with a one-line warning saying what it
understates. `python -m sim.run --help` prints every field's meaning, unit
and ranges, generated from the same declarations.

The per-field checks run inside one test per property: each collects every
failing field, so one run names them all.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import re
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import (
    NONE_WEEK,
    Config,
    ConfigError,
    LeverChange,
    OfficeOpening,
    Param,
    allowed_text,
    field_types,
    meaningful_warnings,
    optional_of,
    validate,
    walk,
)
from sim.config.help_text import help_text
from sim.config.params import DERIVED, declared, parameters
from sim.config.tables import BEGIN, END, ODD
from tests.conftest import get_path, run_cli, set_path

# One item of each list of configs, for its `[i]` fields (a timeline change must change something to be valid).
ITEMS = {"enforcement.openings": OfficeOpening, "policy.timeline": lambda: LeverChange(records_kept=True)}


# ------------------------------------------------------------ helpers


def _leaf(path: str) -> tuple[Any, bool]:
    """(the Python type of a leaf, whether None is allowed as "no change"): `behavior.loss.lpr` -> (float, False)."""
    cls: Any = Config
    parts = path.replace("[i]", "").split(".")
    for i, part in enumerate(parts):
        declared_type = field_types(cls)[part]
        typ = optional_of(declared_type) or declared_type
        if typing.get_origin(typ) is list:
            typ = typing.get_args(typ)[0]
        if dataclasses.is_dataclass(typ) and i < len(parts) - 1:
            cls = typ
            continue
        while typing.get_origin(typ) is dict:
            typ = typing.get_args(typ)[1]
        return typ, optional_of(declared_type) is not None
    raise KeyError(path)


def _leaf_type(path: str) -> Any:
    return _leaf(path)[0]


def _item_paths() -> list[str]:
    """The declared leaves of one item of each list of configs (`enforcement.openings[i].week`, ...)."""
    paths = []
    for head, make in ITEMS.items():
        for name, _, p in walk(make(), f"{head}[i]."):
            paths += [".".join((name, *keys)) for keys in itertools.product(*p.keys)]
    return paths


def _leaves() -> list[str]:
    """Every declared config leaf, mapping entries and list items' fields included (derived parameters not)."""
    return [path for path in parameters() if path not in DERIVED] + _item_paths()


def _with(base: Config, path: str, value: Any) -> Config:
    """A copy of `base` with one field set (an `[i]` field is set on a single item of its list)."""
    cfg = copy.deepcopy(base)
    if "[i]" in path:
        head, leaf = path.split("[i].")
        item = ITEMS[head]()
        set_path(cfg, head, [item])
        set_path(item, leaf, value)
    else:
        set_path(cfg, path, value)
    return cfg


def _refusal(cfg: Config, path: str) -> ConfigError | None:
    """The error when validation refuses the config naming `path` (its `[0]` item for an `[i]` field), else None.

    A cross-field rule (shares summing to 1) may refuse a value the field's own
    range accepts, naming another field: that is not a refusal of this one.
    """
    try:
        validate(cfg)
    except ConfigError as err:
        if err.field_name == path.replace("[i]", "[0]"):
            return err
    return None


def _refused_on_range(cfg: Config, path: str, p: Param) -> ConfigError | None:
    """The error when validation refuses `path` for its declared range (not for a cross-field rule), else None."""
    err = _refusal(cfg, path)
    return err if err is not None and err.allowed == allowed_text(p, _leaf_type(path)) else None


def _inside(value: Any, path: str, p: Param) -> bool:
    """The declaration restated as a predicate: what validation must accept for the field."""
    typ, optional = _leaf(path)
    if value is None:
        return optional
    if typ is bool:
        return isinstance(value, bool)
    if p.choices:
        return isinstance(value, str) and value in p.choices
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if typ is int:
        if not isinstance(value, int):
            return False
        if p.none is not None and value == p.none:
            return True
    elif not math.isfinite(value):
        return False
    lo, hi = p.bounds or (None, None)
    above = lo is None or (value > lo if p.strict else value >= lo)
    return above and (hi is None or value <= hi)


def _numeric(path: str) -> bool:
    p = declared(path)
    return p.bounds is not None and not p.region and _leaf_type(path) in (int, float)


# Every numeric leaf with an allowed interval (regions are checked against n_regions instead).
NUMERIC = [path for path in _leaves() if _numeric(path)]
# Every leaf validation checks on its own: the numeric ones, the choices among names, the flags.
CHECKED = NUMERIC + [path for path in _leaves() if declared(path).choices or _leaf_type(path) is bool]
EVENT_WEEKS = [path for path in NUMERIC if declared(path).event]


# ------------------------------------------------------------ the ODD's ranges are the declared ones

NUMBER = r"-?[\d,]+(?:\.\d+)?(?:e-?\d+)?"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def odd_ranges() -> dict[str, tuple[tuple[float | None, float | None, bool, int | None], str]]:
    """{path: ((lo, hi, strict, none), meaningful cell)} for every numeric row of docs/ODD.md's tables."""
    text = ODD.read_text()
    block = text[text.index(BEGIN) : text.index(END)]
    out: dict[str, tuple[tuple[float | None, float | None, bool, int | None], str]] = {}
    columns: list[str] = []
    for line in block.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells[0] == "name":
            columns = cells
            continue
        row = dict(zip(columns, cells, strict=True))
        allowed, name = row["allowed"], row["name"].strip("`")
        lo = hi = None
        strict = False
        if m := re.search(rf"\[({NUMBER}), ({NUMBER})\]", allowed):
            lo, hi = _number(m.group(1)), _number(m.group(2))
        elif m := re.search(rf"(>=?) ({NUMBER})", allowed):
            lo, strict = _number(m.group(2)), m.group(1) == ">"
        else:
            continue  # true/false, names, text, lists, regions
        none = int(m.group(1)) if (m := re.search(r"or (-?\d+) for none", allowed)) else None
        paths = [name]
        if m := re.fullmatch(r"(.*)\.\{(.*)\}", name):  # one row for a mapping's zero entries
            paths = [f"{m.group(1)}.{key}" for key in m.group(2).split(", ")]
        for path in paths:
            out[path] = ((lo, hi, strict, none), row["meaningful"])
    return out


def test_the_odd_documents_every_numeric_field_with_its_declared_range() -> None:
    """What the ODD prints is what validation enforces: the ODD's rows are the declarations the tests below check."""
    odd = {path: row for path, row in odd_ranges().items() if path not in DERIVED}
    assert {"weeks", "behavior.loss.lpr", "policy.timeline[i].remote_share.ssn"} <= set(NUMERIC)
    assert set(odd) == set(NUMERIC), set(odd) ^ set(NUMERIC)
    failures = []
    for path in NUMERIC:
        (lo, hi, strict, none), meaningful = odd[path]
        p = declared(path)
        if (lo, hi, strict, none) != (*p.bounds, p.strict, p.none):
            failures.append(
                f"{path}: the ODD says {(lo, hi, strict, none)}, the declaration {p.bounds, p.strict, p.none}"
            )
        expected_meaningful = "-" if p.meaningful is None else f">= {p.meaningful[0]:,}"
        if not meaningful.startswith(expected_meaningful) or p.understates not in meaningful:
            failures.append(f"{path}: the ODD's meaningful cell {meaningful!r} is not the declared one")
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------ validation enforces the declared ranges


def _just_outside(p: Param, typ: Any) -> list[Any]:
    """The nearest values outside the declared allowed range, one per finite end."""
    lo, hi = p.bounds
    values = []
    if lo is not None:
        below = lo if p.strict else (int(lo) - 1 if typ is int else math.nextafter(lo, -math.inf))
        values.append(below - 1 if below == p.none else below)  # -1 means "none" where declared
    if hi is not None:
        values.append(int(hi) + 1 if typ is int else math.nextafter(hi, math.inf))
    return values


def _at_bounds(p: Param, typ: Any) -> list[Any]:
    """The declared allowed range's ends (the nearest value inside, for an exclusive end)."""
    lo, hi = p.bounds
    values = []
    if lo is not None:
        values.append(math.nextafter(lo, math.inf) if p.strict else typ(lo))
    if hi is not None:
        values.append(typ(hi))
    return values


def bound_failures(base: Config, fields: Iterable[tuple[str, Param]]) -> list[str]:
    """One line per field whose declared allowed range validation does not enforce as declared.

    Just outside each end, validation must refuse the value with a `ConfigError`
    naming the field, the value and the declared range; at each end it must
    not refuse it on the field's range.
    """
    failures = []
    for path, p in fields:
        typ, expected = _leaf_type(path), allowed_text(p, _leaf_type(path))
        for value in _just_outside(p, typ):
            err = _refusal(_with(base, path, value), path)
            if err is None:
                failures.append(f"{path} = {value!r}: outside its allowed range ({expected}) but not refused")
            elif err.allowed != expected:
                failures.append(f"{path} = {value!r}: refused saying {err.allowed!r}, not its range ({expected})")
            elif repr(value) not in str(err):
                failures.append(f"{path} = {value!r}: refused without naming the value ({err})")
        for value in _at_bounds(p, typ):
            if (err := _refused_on_range(_with(base, path, value), path, p)) is not None:
                failures.append(f"{path} = {value!r}: at its allowed bound but refused ({err})")
    return failures


def test_validation_refuses_just_outside_and_accepts_at_each_declared_bound(base: Config) -> None:
    """The range a user reads in `--help` and the ODD (both generated from the declaration) is the one enforced."""
    failures = bound_failures(base, ((path, declared(path)) for path in NUMERIC))
    assert not failures, f"{len(failures)} declared bounds not enforced:\n" + "\n".join(failures)


def test_the_bound_check_names_a_field_whose_declared_range_validation_does_not_enforce(base: Config) -> None:
    """The check above can fail: a declaration narrower than what validation enforces is reported by name."""
    narrower = dataclasses.replace(declared("behavior.fast_memory"), allowed=(0.0, 0.5))
    failures = bound_failures(base, [("behavior.fast_memory", narrower), ("weeks", declared("weeks"))])
    assert failures == [
        "behavior.fast_memory = -5e-324: refused saying 'must be a probability in [0, 1]', not its range "
        "(must be a finite number in [0, 0.5])",
        "behavior.fast_memory = 0.5000000000000001: outside its allowed range (must be a finite number in "
        "[0, 0.5]) but not refused",
    ]


def test_impossible_weeks_are_config_errors_naming_the_field(base: Config) -> None:
    """A dated event's week must be a whole week: negatives, fractions, text, null and booleans are refused."""
    assert set(EVENT_WEEKS) == {
        "policy.start_week",
        "policy.injunction_week",
        "policy.outreach_week",
        "enforcement.openings[i].week",
        "policy.timeline[i].week",
    }
    failures = []
    for path, value in itertools.product(EVENT_WEEKS, [-2, -5, 1.5, "3", None, True]):
        if _refusal(_with(base, path, value), path) is None:
            failures.append(f"{path} = {value!r}: not refused naming the field")
    assert not failures, "\n".join(failures)


def test_minus_one_means_none_only_where_declared(base: Config) -> None:
    """-1 is "no such event" for the optional events only; elsewhere it is refused like any negative week."""
    assert {path for path in EVENT_WEEKS if declared(path).none == NONE_WEEK} == {
        "policy.injunction_week",
        "policy.outreach_week",
    }
    failures = []
    for path in EVENT_WEEKS:
        err = _refusal(_with(base, path, NONE_WEEK), path)
        if declared(path).none == NONE_WEEK and err is not None:
            failures.append(f"{path} = -1: refused, but -1 is declared to mean none ({err})")
        if declared(path).none is None and (err is None or "integer in" not in str(err)):
            failures.append(f"{path} = -1: not refused as outside its range ({err})")
    assert not failures, "\n".join(failures)


def _values(path: str) -> st.SearchStrategy:
    """Values for a field: inside and outside its range, and of the wrong type."""
    typ, p = _leaf_type(path), declared(path)
    wrong = st.sampled_from([None, True, False, "1", 1.5 if typ is int else "0.5"])
    if typ is int:
        ints = st.one_of(st.integers(-3, 3), st.integers(-(2**40), 2**40), st.sampled_from([5_199, 5_200, 5_201]))
        return st.one_of(ints, wrong)
    if typ is float:
        floats = st.one_of(
            st.floats(-2.0, 3.0),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-3, 300),
            st.sampled_from([0.0, -0.0, 1.0, 5e-324, -5e-324, math.nextafter(1.0, 2.0), 20.0, 50.0, 200.0]),
        )
        return st.one_of(floats, wrong)
    if p.choices:
        return st.one_of(st.sampled_from(p.choices), st.text(max_size=8), wrong)
    return st.one_of(st.booleans(), st.sampled_from([0, 1, "true", None]))


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validation_refuses_a_value_exactly_when_it_is_outside_the_declared_range(
    base: Config, data: st.DataObject
) -> None:
    """Any field, any value: refused (naming the field, the value and its range) exactly when the declaration says."""
    path = data.draw(st.sampled_from(CHECKED), label="path")
    value = data.draw(_values(path), label="value")
    p = declared(path)
    refused = _refused_on_range(_with(base, path, value), path, p)
    if _inside(value, path, p):
        assert refused is None, f"{path} = {value!r} is inside its declared range but refused: {refused}"
    else:
        assert refused is not None, f"{path} = {value!r} is outside its declared range but not refused on it"
        assert repr(value) in str(refused), str(refused)


# ------------------------------------------------------------ meaningful ranges

MEANINGFUL = [path for path in _leaves() if declared(path).meaningful is not None]


def test_the_horizon_and_the_population_have_meaningful_ranges() -> None:
    assert set(MEANINGFUL) == {"weeks", "population.n_people"}
    assert declared("weeks").meaningful == (52, None) and declared("population.n_people").meaningful == (1_000, None)


def test_meaningful_ranges_sit_inside_allowed_and_hold_the_default_and_plausible_range(default: Config) -> None:
    failures = []
    for path in MEANINGFUL:
        p = declared(path)
        (lo, hi), (a_lo, a_hi) = p.meaningful, p.bounds
        if not (lo is None or (a_lo is not None and a_lo < lo)) or not (hi is None or (a_hi is not None and hi < a_hi)):
            failures.append(f"{path}: meaningful range {p.meaningful} not strictly inside allowed {p.bounds}")
        p_lo, p_hi = p.plausible
        for what, x in (("default", get_path(default, path)), ("plausible low", p_lo), ("plausible high", p_hi)):
            if not ((lo is None or x >= lo) and (hi is None or x <= hi)):
                failures.append(f"{path}: {what} {x} outside its meaningful range {p.meaningful}")
    assert not failures, "\n".join(failures)
    assert meaningful_warnings(default) == []


def test_a_value_under_the_meaningful_range_warns_once_and_the_bound_does_not(base: Config) -> None:
    failures = []
    for path in MEANINGFUL:
        p = declared(path)
        lo = p.meaningful[0]
        others = [w for w in meaningful_warnings(base) if not w.startswith(path)]
        if meaningful_warnings(_with(base, path, lo)) != others:
            failures.append(f"{path} = {lo}: warns at its meaningful bound")
        below = _with(base, path, lo - 1)
        validate(below)  # accepted: a warning, not a refusal
        lines = [w for w in meaningful_warnings(below) if w.startswith(f"{path}=")]
        if lines != [f"{path}={lo - 1} is under {lo:,}: {p.understates}"] or "\n" in lines[0]:
            failures.append(f"{path} = {lo - 1}: warns {lines!r}, not once with what it understates")
    assert not failures, "\n".join(failures)


def test_a_short_small_run_warns_what_it_understates(tmp_path: Path) -> None:
    """weeks=10 and n_people=500 run (exit 0, outputs written) with one warning line each, on stderr."""
    out = tmp_path / "short"
    proc = run_cli("weeks=10", "population.n_people=500", f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "uptake-sim: warning: weeks=10 is under 52: a horizon under a year understates losses (the yearly "
        "eligibility and child reviews, where visits are missed and benefits suspended, fall only partly inside "
        "it, and conviction builds over months)",
        "uptake-sim: warning: population.n_people=500 is under 1,000: groups too small (about one person in ten is "
        "an eligible agent: under 1,000 people fewer than 100 stand behind the headline uptake and every household "
        "type has fewer than 50; at the default shares all reach 50 from about 7,500 people)",
    ], proc.stderr
    assert "warning" not in proc.stdout and "Uptake in the final week" in proc.stdout  # the report is untouched
    assert (out / "summary.json").exists()


def test_a_population_under_the_meaningful_range_says_groups_are_too_small(base: Config) -> None:
    lines = meaningful_warnings(_with(base, "population.n_people", 500))
    assert lines[1:] == [
        "population.n_people=500 is under 1,000: groups too small (about one person in ten is an eligible agent: "
        "under 1,000 people fewer than 100 stand behind the headline uptake and every household type has fewer "
        "than 50; at the default shares all reach 50 from about 7,500 people)"
    ]


# ------------------------------------------------------------ --help


def _entries(text: str) -> dict[str, str]:
    """{path: the entry's text, lines joined} for every field entry of the help."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and (" = " in line or ".<" in line):
            current = re.split(r" = |\.<|  \[", line.strip())[0]
            entries[current] = [line.strip()]
        elif line.startswith("      ") and current is not None:
            entries[current].append(line.strip())
        else:
            current = None
    return {k: " ".join(v) for k, v in entries.items()}


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def test_every_field_has_a_one_line_meaning(base: Config) -> None:
    cfg = copy.deepcopy(base)
    cfg.enforcement.openings = [OfficeOpening()]
    cfg.policy.timeline = [LeverChange(remote_share={"ssn": 0.5}, outreach_reach=0.2, records_kept=True)]
    for name, _, p in walk(cfg):
        assert p.doc and "\n" not in p.doc, f"{name}: no one-line meaning (doc=...) in its declaration"


def test_help_gives_each_field_its_path_default_unit_ranges_and_meaning(default: Config) -> None:
    cfg = default
    entries = _entries(help_text(cfg))
    with_opening = copy.deepcopy(cfg)
    with_opening.enforcement.openings = [OfficeOpening()]
    with_opening.policy.timeline = [LeverChange(records_kept=True)]
    for name, value, p in walk(with_opening):
        path = name.replace("[0]", "[i]")
        assert path in entries, f"{path} missing from --help"
        entry = entries[path]
        assert _plain(p.doc) in entry, path
        if p.unit and p.unit != "-":
            assert f"unit: {_plain(p.unit)};" in entry, path
        typ = field_types(type(getattr(cfg, name.split(".")[0]))) if "." in name else None
        if p.bounds is not None and not isinstance(value, dict | list) and typ is not None:
            assert "allowed: " in entry, path
        if isinstance(value, dict) and value:
            first_key = next(iter(value))
            assert "default: " in entry and first_key in entry, path
        elif not isinstance(value, list) and "[0]" not in name and isinstance(value, int | float):
            assert f"{path} = " in entry, path
    weeks = entries["weeks"]
    assert weeks.startswith("weeks = 156") and "allowed: integer [1, 5,200]" in weeks
    assert "meaningful: >= 52" in weeks and _plain(declared("weeks").understates) in weeks
    people = entries["population.n_people"]
    assert people.startswith("population.n_people = 50,000") and "unit: people" in people
    assert "allowed: integer [1, 400,000,000]" in people and "meaningful: >= 1,000" in people
    assert "allowed: [0, 1]" in entries["behavior.fast_memory"]
    assert "or -1 for none" in entries["policy.injunction_week"]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_cli_help_prints_the_generated_field_help_not_the_config(flag: str) -> None:
    proc = run_cli(flag)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == help_text() + "\n"
    assert "== Config ==" not in proc.stdout and "Powered by Hydra" not in proc.stdout
