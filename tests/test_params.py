"""Config declared once: the declarations, what derives from them, and dated events past the horizon."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pytest

from sim.config import (
    NONE_WEEK,
    Config,
    ConfigError,
    OfficeOpening,
    Role,
    default_config,
    validate,
    walk,
)
from sim.params import BEGIN, END, ODD, allowed, declared, markdown, odd_with_tables, parameters, plausible, priors
from sim.paths import ROOT
from sim.policy import build_schedule, unreached_events
from tests.conftest import small_config

BASE = default_config(**{"population.n_people": 300, "weeks": 20})
DEFAULT = default_config()  # composed once: read, never changed, by the tests of every field
EVENT_WEEKS = ["policy.start_week", "policy.injunction_week", "policy.outreach_week", "enforcement.openings[0].week"]


def _set(cfg: Config, path: str, value) -> None:
    if path.startswith("enforcement.openings[0]"):
        cfg.enforcement.openings = [OfficeOpening(week=value)]
        return
    *parents, leaf = path.split(".")
    node = cfg
    for part in parents:
        node = getattr(node, part)
    setattr(node, leaf, value)


# ------------------------------------------------------------ declarations


def test_docs_odd_tables_are_generated_from_the_declarations() -> None:
    text = ODD.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert odd_with_tables(text, markdown()) == text, "run `python -m sim.params --write-odd`"


def test_check_command_passes() -> None:
    proc = subprocess.run([sys.executable, "-m", "sim.params", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_field_has_a_role_and_a_table_row() -> None:
    table = markdown()
    for name, _, p in walk(BASE):
        assert isinstance(p.role, Role), name
        head = name.split(".")[0] if "." in name else name
        assert f"`{name}" in table or f"`{head}" in table, name
    for path in parameters():
        stem = path.rsplit(".", 1)[0]
        assert f"`{path}`" in table or f"`{stem}." in table, path


@pytest.mark.parametrize("path", parameters())
def test_numeric_plausible_ranges_lie_inside_allowed_ranges_and_hold_the_default(path: str) -> None:
    try:
        lo, hi = plausible(path)
    except ValueError:
        return  # a text (a path, a label, "0 to weeks-1") or nothing
    assert lo <= hi, path
    a_lo, a_hi = allowed(path)
    assert (a_lo is None or a_lo <= lo) and (a_hi is None or hi <= a_hi), path
    if path == "behavior.loss_scale":
        assert lo <= 1.0 <= hi
        return
    node = DEFAULT
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    assert lo <= node <= hi, f"{path}: default {node} outside its plausible range [{lo}, {hi}]"


def test_roles_are_the_documented_ones() -> None:
    assert declared("policy.rules.disclosure_prob").role is Role.LEVER
    assert declared("policy.remote_share.interpreter").role is Role.LEVER
    assert declared("behavior.w_announcement").role is Role.UNCERTAINTY
    assert declared("behavior.loss_scale").role is Role.UNCERTAINTY
    assert declared("weeks").role is Role.SETTING and declared("engine").role is Role.SETTING
    assert declared("policy.description").role is Role.SETTING
    assert "behavior.w_announcement" in parameters(Role.UNCERTAINTY) and "seed" not in parameters(Role.UNCERTAINTY)


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
    code = "import sys, sim.config; assert not {'sim.params', 'sim.posterior'} & set(sys.modules), sys.modules"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------ events past the horizon


def test_an_injunction_past_the_horizon_is_not_reached_not_an_error() -> None:
    cfg = default_config("injunction", weeks=40)
    assert validate(cfg) is cfg
    assert unreached_events(cfg) == ["policy.injunction_week = 60 is past the horizon (weeks = 40): not reached"]
    assert unreached_events(default_config("injunction", weeks=100)) == []


def test_every_dated_event_past_the_horizon_is_named() -> None:
    cfg = copy.deepcopy(BASE)
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


@pytest.mark.parametrize("path", EVENT_WEEKS)
@pytest.mark.parametrize("value", [-2, -5, 1.5, "3", None, True])
def test_impossible_weeks_are_config_errors_naming_the_field(path: str, value) -> None:
    cfg = copy.deepcopy(BASE)
    _set(cfg, path, value)
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert err.value.field_name == path


@pytest.mark.parametrize("path", ["policy.start_week", "enforcement.openings[0].week"])
def test_minus_one_means_none_only_where_documented(path: str) -> None:
    cfg = copy.deepcopy(BASE)
    _set(cfg, path, NONE_WEEK)
    with pytest.raises(ConfigError, match="integer in"):
        validate(cfg)
    for optional in ("policy.injunction_week", "policy.outreach_week"):
        ok = copy.deepcopy(BASE)
        _set(ok, optional, NONE_WEEK)
        validate(ok)


def test_schedule_and_presence_ignore_events_past_the_horizon() -> None:
    from sim.enforcement import build_presence

    cfg = copy.deepcopy(BASE)
    weeks, n_regions = cfg.weeks, cfg.population.n_regions
    office_region = np.repeat(np.arange(n_regions), 2)
    u = np.linspace(0.1, 0.9, len(office_region))
    kwargs = {"news_halflife": 8.0, "office_u": u}
    never = copy.deepcopy(cfg.policy)
    never.start_week, never.injunction_week, never.outreach_week = weeks, weeks + 5, 2**31 - 1
    with np.errstate(over="ignore"):
        sched = build_schedule(never, weeks, n_regions, office_region, **kwargs)
    base = copy.deepcopy(cfg.policy)
    base.start_week = weeks  # never active: the firewall's rules throughout
    base.injunction_week = base.outreach_week = NONE_WEEK
    ref = build_schedule(base, weeks, n_regions, office_region, **kwargs)
    assert not sched.outreach_reach.any() and not sched.court.any() and not sched.announcement.any()
    np.testing.assert_array_equal(sched.disclosure, ref.disclosure)
    e = copy.deepcopy(cfg.enforcement)
    ru = np.full(n_regions, 0.5)
    plain = build_presence(e, weeks, n_regions, ru)
    e.openings = [OfficeOpening(week=weeks, region=1, increment=0.5), OfficeOpening(week=10**6, region=0)]
    np.testing.assert_array_equal(build_presence(e, weeks, n_regions, ru), plain)


def test_a_short_injunction_run_completes() -> None:
    from sim.simulate import run_scenario

    cfg = small_config("injunction", n_people=500, weeks=12)
    assert unreached_events(cfg)
    result = run_scenario(cfg)
    assert result.timeseries["week"].nunique() == 12
