"""Config declared once: the declarations, what derives from them, and dated events past the horizon.

Whether validation enforces each declared range is tests/config/test_ranges.py's; here, whether the declarations
themselves hold together (a default inside its ranges, a plausible range inside the allowed one).
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np
import pytest

from sim.config import (
    NONE_WEEK,
    PARAM,
    UNCERTAINTY,
    Config,
    OfficeOpening,
    Param,
    Role,
    param,
    validate,
    walk,
)
from sim.config.compose import default_config
from sim.config.params import DERIVED, LOSS_SCALE, TRANSFER, declared, names_with_role, parameters, plausible
from sim.config.paths import ROOT
from sim.config.priors import priors
from sim.config.tables import BEGIN, END, ODD, markdown, odd_with_tables
from sim.model.build.schedule import build_schedule, unreached_events
from tests.conftest import get_path, small_config

# A derived parameter's value when nothing sets it: a loss scale of 1 leaves every declared loss as it is.
DERIVED_DEFAULTS = {LOSS_SCALE: 1.0}


# ------------------------------------------------------------ declarations


def test_docs_odd_tables_are_generated_from_the_declarations() -> None:
    text = ODD.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert odd_with_tables(text, markdown()) == text, "run `python -m sim.config.tables --write-odd`"


def test_check_command_passes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim.config.tables", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


def test_every_field_has_a_role_and_a_table_row(base: Config) -> None:
    table = markdown()
    for name, _, p in walk(base):
        assert isinstance(p.role, Role), name
        head = name.split(".")[0] if "." in name else name
        assert f"`{name}" in table or f"`{head}" in table, name
    for path in parameters():
        stem = path.rsplit(".", 1)[0]
        assert f"`{path}`" in table or f"`{stem}." in table, path


def _numeric_plausible(path: str) -> tuple[float, float] | None:
    """A parameter's numeric plausible range, or None where it declares a text ("0 to weeks-1") or nothing."""
    try:
        return plausible(path)
    except ValueError:
        return None


def _in(x: float, lo: float | None, hi: float | None, strict: bool = False) -> bool:
    return (lo is None or x > lo or (x == lo and not strict)) and (hi is None or x <= hi)


def plausible_failures(fields: Iterable[tuple[str, Any, tuple[float, float] | None, Param]]) -> list[str]:
    """One line per (path, default, numeric plausible range or None, declaration) that breaks the range rules.

    A numeric field's default lies inside its allowed range (or is its declared
    "none" value, -1 for an event that does not happen); a numeric plausible
    range (what calibration and sensitivity sample) is not empty, lies inside the
    allowed range and holds the default; an uncertainty has one.
    """
    failures = []
    for path, default, rng, p in fields:
        (a_lo, a_hi), strict = p.bounds, p.strict
        allowed_text = f"[{a_lo}, {a_hi}]" if a_hi is not None else f"{'>' if strict else '>='} {a_lo}"
        if default != p.none and not _in(default, a_lo, a_hi, strict):
            failures.append(f"{path}: default {default!r} outside its allowed range {allowed_text}")
        if rng is None:
            if p.role is Role.UNCERTAINTY:
                failures.append(f"{path}: an uncertainty without a numeric plausible range (nothing to sample)")
            continue
        lo, hi = rng
        if not lo <= hi:
            failures.append(f"{path}: plausible range [{lo:g}, {hi:g}] is empty")
        if not (_in(lo, a_lo, a_hi, strict) and _in(hi, a_lo, a_hi, strict)):
            failures.append(f"{path}: plausible range [{lo:g}, {hi:g}] outside its allowed range {allowed_text}")
        if not lo <= default <= hi:
            failures.append(f"{path}: default {default!r} outside its plausible range [{lo:g}, {hi:g}]")
    return failures


def test_numeric_plausible_ranges_lie_inside_allowed_ranges_and_hold_the_default(default: Config) -> None:
    fields = [
        (path, DERIVED_DEFAULTS[path] if path in DERIVED else get_path(default, path), _numeric_plausible(path), p)
        for path in parameters()
        if (p := declared(path)).bounds is not None and not p.region
    ]
    checked = {path for path, _, rng, _ in fields if rng is not None}
    assert {"behavior.w_announcement", "population.household_type_shares.us_born", LOSS_SCALE} <= checked
    failures = plausible_failures(fields)
    assert not failures, f"{len(failures)} declarations break the range rules:\n" + "\n".join(failures)


def test_the_range_check_names_every_field_that_breaks_a_rule() -> None:
    """The check above can fail: made-up declarations that break each rule are each named with value and rule."""
    w_a = param(UNCERTAINTY, allowed=(0.0, None), plausible=(0.0, 2.0))[PARAM]
    share = param(UNCERTAINTY, allowed=(0.0, 1.0), plausible=(0.5, 1.5))[PARAM]
    fields = [
        ("behavior.w_A", 3.0, (0.0, 2.0), w_a),
        ("behavior.w_ok", 1.0, (0.0, 2.0), w_a),
        ("behavior.share", 1.2, (0.5, 1.5), share),
        ("behavior.unsampled", 0.5, None, share),
        ("behavior.empty", 0.5, (0.6, 0.4), share),
    ]
    assert plausible_failures(fields) == [
        "behavior.w_A: default 3.0 outside its plausible range [0, 2]",
        "behavior.share: default 1.2 outside its allowed range [0.0, 1.0]",
        "behavior.share: plausible range [0.5, 1.5] outside its allowed range [0.0, 1.0]",
        "behavior.unsampled: an uncertainty without a numeric plausible range (nothing to sample)",
        "behavior.empty: plausible range [0.6, 0.4] is empty",
        "behavior.empty: default 0.5 outside its plausible range [0.6, 0.4]",
    ]


def _source(path: str) -> str:
    """A parameter's source text (a mapping entry's: parameters() lists a mapping's entries by their full keys)."""
    p = declared(path)
    keys = tuple(path.split(".")[-len(p.keys) :]) if p.keys else ()
    return p.source_for(keys)


def test_every_lever_and_uncertainty_names_its_source() -> None:
    """The ODD's source column says where each value an analyst may question comes from ("assumption" included)."""
    missing = [
        path
        for path in parameters()
        if path not in DERIVED and declared(path).role in (Role.LEVER, Role.UNCERTAINTY) and not _source(path)
    ]
    assert not missing, f"levers and uncertainties without a source: {', '.join(missing)}"


def test_roles_are_the_documented_ones() -> None:
    assert declared("policy.rules.disclosure_prob").role is Role.LEVER
    assert declared("policy.remote_share.interpreter").role is Role.LEVER
    assert declared("behavior.w_announcement").role is Role.UNCERTAINTY
    assert declared("behavior.loss_scale").role is Role.UNCERTAINTY
    assert declared("weeks").role is Role.SETTING and declared("engine").role is Role.SETTING
    assert declared("policy.description").role is Role.SETTING
    assert "behavior.w_announcement" in parameters(Role.UNCERTAINTY) and "seed" not in parameters(Role.UNCERTAINTY)


def test_a_field_may_carry_more_than_one_role() -> None:
    """Scenario discovery's levers include two uncertainties an analyst may also set: both roles, one declaration."""
    levers, uncertain = names_with_role(Role.LEVER), names_with_role(Role.UNCERTAINTY)
    for both in ("policy.compliance_mean", "enforcement.base_presence"):
        assert declared(both).role is Role.UNCERTAINTY and declared(both).roles == (Role.UNCERTAINTY, Role.LEVER)
        assert both in levers and both in uncertain
    assert "policy.rules.disclosure_prob" in levers and "policy.rules.disclosure_prob" not in uncertain
    assert "policy.remote_share.ssn" in levers and "seed" not in levers + uncertain
    assert levers == [path for path in parameters() if path in levers]  # declaration order
    assert priors(["policy.compliance_mean"], roles=[Role.LEVER]) == {"policy.compliance_mean": (0.3, 1.0)}
    assert TRANSFER == "behavior.announcement_transfer" and TRANSFER in uncertain


def test_priors_are_plausible_ranges_and_refuse_levers_when_asked() -> None:
    assert priors(["behavior.fast_memory", "behavior.loss.lpr"]) == {
        "behavior.fast_memory": (0.6, 0.95),
        "behavior.loss.lpr": (5.0, 60.0),
    }
    with pytest.raises(ValueError, match="role"):
        priors(["policy.rules.disclosure_prob"], roles=[Role.UNCERTAINTY])
    with pytest.raises(KeyError):
        declared("behavior.no_such_field")
    with pytest.raises(KeyError):
        declared("behavior.loss.alien")


def test_a_list_items_fields_are_declared_by_their_item_path() -> None:
    assert declared("enforcement.openings[i].week").event and declared("enforcement.openings[i].week").unit == "week"
    assert declared("enforcement.openings[i].increment").bounds == (0.0, 1.0)
    for wrong in ("enforcement.openings.week", "weeks[i]", "enforcement.openings[i].alien"):
        with pytest.raises(KeyError):
            declared(wrong)


def test_config_imports_neither_params_nor_posterior() -> None:
    code = "import sys, sim.config\nassert not {'sim.config.params', 'sim.launch.posterior'} & set(sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------ events past the horizon


def test_an_injunction_past_the_horizon_is_not_reached_not_an_error() -> None:
    cfg = default_config("injunction", weeks=40)
    assert validate(cfg) is cfg
    assert unreached_events(cfg) == ["policy.injunction_week = 60 is past the horizon (weeks = 40): not reached"]
    assert unreached_events(default_config("injunction", weeks=100)) == []


def test_every_dated_event_past_the_horizon_is_named(base: Config) -> None:
    cfg = copy.deepcopy(base)
    cfg.policy.start_week, cfg.policy.injunction_week, cfg.policy.outreach_week = 20, 25, 30
    cfg.enforcement.openings = [OfficeOpening(week=3), OfficeOpening(week=99)]
    validate(cfg)
    lines = unreached_events(cfg)
    assert [line.split(" = ")[0] for line in lines] == [
        "policy.start_week",
        "policy.injunction_week",
        "policy.outreach_week",
        "enforcement.openings[1].week",
    ]
    assert all("(weeks = 20): not reached" in line for line in lines)


def test_schedule_and_presence_ignore_events_past_the_horizon(base: Config) -> None:
    from sim.model.build.presence import build_presence

    cfg = copy.deepcopy(base)
    weeks, n_regions = cfg.weeks, cfg.population.n_regions
    office_region = np.repeat(np.arange(n_regions), 2)
    u = np.linspace(0.1, 0.9, len(office_region))
    kwargs = {"news_halflife": 8.0, "office_u": u}
    never = copy.deepcopy(cfg.policy)
    never.start_week, never.injunction_week, never.outreach_week = weeks, weeks + 5, 2**31 - 1
    with np.errstate(over="ignore"):
        sched = build_schedule(never, weeks, n_regions, office_region, **kwargs)
    firewall_only = copy.deepcopy(cfg.policy)
    firewall_only.start_week = weeks  # never active: the firewall's rules throughout
    firewall_only.injunction_week = firewall_only.outreach_week = NONE_WEEK
    ref = build_schedule(firewall_only, weeks, n_regions, office_region, **kwargs)
    assert not sched.outreach_reach.any() and not sched.court.any() and not sched.announcement.any()
    np.testing.assert_array_equal(sched.disclosure, ref.disclosure)
    e = copy.deepcopy(cfg.enforcement)
    ru = np.full(n_regions, 0.5)
    plain = build_presence(e, weeks, n_regions, ru)
    e.openings = [OfficeOpening(week=weeks, region=1, increment=0.5), OfficeOpening(week=10**6, region=0)]
    np.testing.assert_array_equal(build_presence(e, weeks, n_regions, ru), plain)


def test_a_short_injunction_run_completes() -> None:
    from sim.launch.simulate import run_scenario

    cfg = small_config("injunction", n_people=500, weeks=12)
    assert unreached_events(cfg)
    result = run_scenario(cfg)
    assert result.timeseries["week"].nunique() == 12
