"""Ranges and help from the one declaration (sim/config.py).

The ranges docs/ODD.md documents are the ranges validation enforces: each
numeric field's allowed range, read from the ODD table, is refused just
outside and accepted at the bound. A value inside the allowed range but
outside the meaningful one runs, with a one-line warning saying what it
understates. `python -m sim.run --help` prints every field's meaning, unit
and ranges, generated from the same declarations.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import (
    NEEDS,
    Config,
    ConfigError,
    LeverChange,
    OfficeOpening,
    Param,
    allowed_text,
    check_fields,
    default_config,
    field_types,
    meaningful_warnings,
    optional_of,
    validate,
    walk,
)
from sim.params import BEGIN, END, ODD, declared, help_text, parameters
from tests.conftest import run_cli, set_path

BASE = default_config(**{"population.n_people": 300, "weeks": 20})
DEFAULT = default_config()  # composed once: read, never changed, by the tests of every field
# One item of each list of configs, for its `[i]` fields (a timeline change must change something to be valid).
ITEMS = {"enforcement.openings": OfficeOpening, "policy.timeline": lambda: LeverChange(records_kept=True)}


# ------------------------------------------------------------ helpers


def _leaf_type(path: str) -> Any:
    """The Python type of a numeric leaf (`behavior.loss.lpr` -> float, `enforcement.openings[i].week` -> int)."""
    cls: Any = Config
    for part in path.replace("[i]", "").split("."):
        typ = field_types(cls)[part]
        typ = optional_of(typ) or typ
        if typing.get_origin(typ) is list:
            typ = typing.get_args(typ)[0]
        if dataclasses.is_dataclass(typ):
            cls = typ
            continue
        while typing.get_origin(typ) is dict:
            typ = typing.get_args(typ)[1]
        return typ
    raise KeyError(path)


def _with(path: str, value: Any) -> Config:
    """BASE with one field set (an `openings[i]` or `timeline[i]` field is set on a single item of its list)."""
    cfg = copy.deepcopy(BASE)
    if "[i]" in path:
        head, leaf = path.split("[i].")
        item = ITEMS[head]()
        set_path(cfg, head, [item])
        set_path(item, leaf, value)
    else:
        set_path(cfg, path, value)
    return cfg


def _refused_on_range(cfg: Config, path: str) -> ConfigError | None:
    """The error when validation refuses `path` for its own range; None when it accepts the value.

    A cross-field rule (shares summing to 1, an injunction before the start)
    may refuse a value the field's range accepts: that is not a range refusal.
    """
    typ = _leaf_type(path)
    try:
        validate(cfg)
    except ConfigError as err:
        field = path.replace("[i]", "[0]")
        if err.field_name == field and err.allowed == allowed_text(declared(path), typ):
            return err
    return None


def _inside(value: Any, typ: Any, p: Param) -> bool:
    """The declared allowed range, restated: what validation must accept."""
    if typ is int and p.none is not None and value == p.none:
        return True
    if typ is float and not math.isfinite(value):
        return False
    lo, hi = p.bounds or (None, None)
    above = lo is None or (value > lo if p.strict else value >= lo)
    return above and (hi is None or value <= hi)


# ------------------------------------------------------------ the ODD's ranges are enforced

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


ODD_RANGES = odd_ranges()
NUMERIC = sorted(p for p in ODD_RANGES if not p.startswith("behavior.loss_scale"))  # loss_scale is not a config field


def test_the_odd_documents_every_numeric_field_with_its_declared_range() -> None:
    declared_numeric = {
        path
        for path in parameters()
        if path != "behavior.loss_scale" and declared(path).bounds is not None and not declared(path).region
    } | {"enforcement.openings[i].week", "enforcement.openings[i].increment"}
    declared_numeric |= {"policy.timeline[i].week", "policy.timeline[i].outreach_reach"}
    declared_numeric |= {f"policy.timeline[i].remote_share.{k}" for k in NEEDS}
    assert set(NUMERIC) == declared_numeric
    for path in NUMERIC:
        (lo, hi, strict, none), meaningful = ODD_RANGES[path]
        p = declared(path)
        assert (lo, hi, strict, none) == (*p.bounds, p.strict, p.none), path
        if p.meaningful is None:
            assert meaningful == "-", path
        else:
            assert meaningful.startswith(f">= {p.meaningful[0]:,}") and p.understates in meaningful, path


def _just_outside(lo: float | None, hi: float | None, strict: bool, none: int | None, typ: Any) -> list[Any]:
    values = []
    if lo is not None:
        below = lo if strict else (int(lo) - 1 if typ is int else math.nextafter(lo, -math.inf))
        values.append(below - 1 if below == none else below)  # -1 means "none" where documented
    if hi is not None:
        values.append(int(hi) + 1 if typ is int else math.nextafter(hi, math.inf))
    return values


def _at_bounds(lo: float | None, hi: float | None, strict: bool, typ: Any) -> list[Any]:
    values = []
    if lo is not None:
        values.append(math.nextafter(lo, math.inf) if strict else typ(lo))
    if hi is not None:
        values.append(typ(hi))
    return values


@pytest.mark.parametrize("path", NUMERIC)
def test_validation_refuses_just_outside_and_accepts_at_each_documented_bound(path: str) -> None:
    """The bounds come from the ODD's table, not from the code: what the ODD says is what is enforced."""
    (lo, hi, strict, none), _ = ODD_RANGES[path]
    typ = _leaf_type(path)
    for value in _just_outside(lo, hi, strict, none, typ):
        err = _refused_on_range(_with(path, value), path)
        assert err is not None, f"{path}={value!r} is outside the ODD's range but validation accepts it"
        assert path.replace("[i]", "[0]") in str(err) and repr(value) in str(err) and err.allowed in str(err)
    for value in _at_bounds(lo, hi, strict, typ):
        cfg = _with(path, value)
        check_fields(cfg)  # the field's own check accepts it outright
        assert _refused_on_range(cfg, path) is None, f"{path}={value!r} is at the ODD's bound but refused"


def _values(typ: Any) -> st.SearchStrategy:
    if typ is int:
        return st.one_of(st.integers(-3, 3), st.integers(-(2**40), 2**40), st.sampled_from([5_199, 5_200, 5_201]))
    return st.one_of(
        st.floats(-2.0, 3.0),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0.0, -0.0, 1.0, 5e-324, -5e-324, math.nextafter(1.0, 2.0), 20.0, 50.0, 200.0]),
    )


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_validation_refuses_a_value_exactly_when_it_is_outside_the_declared_range(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(NUMERIC), label="path")
    typ = _leaf_type(path)
    value = data.draw(_values(typ), label="value")
    refused = _refused_on_range(_with(path, value), path)
    assert (refused is None) == _inside(value, typ, declared(path)), f"{path}={value!r}: {refused}"


# ------------------------------------------------------------ meaningful ranges

MEANINGFUL = [(name, p) for name, _, p in walk(BASE) if p.meaningful is not None]


def test_the_horizon_and_the_population_have_meaningful_ranges() -> None:
    assert {name for name, _ in MEANINGFUL} == {"weeks", "population.n_people"}
    assert declared("weeks").meaningful == (52, None) and declared("population.n_people").meaningful == (1_000, None)


@pytest.mark.parametrize(("path", "p"), MEANINGFUL, ids=[n for n, _ in MEANINGFUL])
def test_meaningful_range_sits_inside_allowed_and_holds_the_default_and_plausible_range(path: str, p: Param) -> None:
    (lo, hi), (a_lo, a_hi) = p.meaningful, p.bounds
    assert lo is None or (a_lo is not None and a_lo < lo)
    assert hi is None or (a_hi is not None and hi < a_hi)
    default = DEFAULT
    node: Any = default
    for part in path.split("."):
        node = getattr(node, part)
    p_lo, p_hi = p.plausible
    for x in (node, p_lo, p_hi):
        assert (lo is None or x >= lo) and (hi is None or x <= hi), (path, x)
    assert meaningful_warnings(default) == []


@pytest.mark.parametrize(("path", "p"), MEANINGFUL, ids=[n for n, _ in MEANINGFUL])
def test_a_value_under_the_meaningful_range_warns_once_and_the_bound_does_not(path: str, p: Param) -> None:
    lo = p.meaningful[0]
    assert meaningful_warnings(_with(path, lo)) == [w for w in meaningful_warnings(BASE) if not w.startswith(path)]
    below = _with(path, lo - 1)
    validate(below)  # accepted: a warning, not a refusal
    lines = [w for w in meaningful_warnings(below) if w.startswith(f"{path}=")]
    assert lines == [f"{path}={lo - 1} is under {lo:,}: {p.understates}"]
    assert "\n" not in lines[0]


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


def test_a_population_under_the_meaningful_range_says_groups_are_too_small() -> None:
    lines = meaningful_warnings(_with("population.n_people", 500))
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


def test_every_field_has_a_one_line_meaning() -> None:
    cfg = copy.deepcopy(BASE)
    cfg.enforcement.openings = [OfficeOpening()]
    cfg.policy.timeline = [LeverChange(remote_share={"ssn": 0.5}, outreach_reach=0.2, records_kept=True)]
    for name, _, p in walk(cfg):
        assert p.doc and "\n" not in p.doc, f"{name}: no one-line meaning (doc=...) in its declaration"


def test_help_gives_each_field_its_path_default_unit_ranges_and_meaning() -> None:
    cfg = default_config()
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
