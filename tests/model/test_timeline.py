"""Levers that change over time: `policy.timeline`, dated changes of remote service, outreach and record-keeping.

The restore case (phone service cut at week 0, restored at week 52) must
leave every week before 52 exactly as the cut-only run has it, and give more
remote service and no lower uptake after. A change to the value a lever
already has must change nothing, bit for bit; a bad entry is refused naming
its path; both engines agree; and the paired firewall run keeps the run's
remote-share changes, so a paired loss is that of the sharing alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf

from sim.config import ConfigError, LeverChange, PolicyConfig, validate
from sim.launch.simulate import paired_counterpart, run_scenario
from sim.model.build.schedule import build_schedule, keep_remote_changes, unreached_events
from sim.model.engine.week import UptakeModel
from sim.results.outcomes import COUNT_COLUMNS, FLOAT_COLUMNS, timeseries_frame
from tests.conftest import ROOT, run_cli, small_config
from tests.model.test_equivalence import _assert_same_state

N, WEEKS, SEEDS = 3000, 80, range(3)  # at or above the meaningful minimum (1,000 people, 52 weeks): no warning
RESTORE_WEEK = 52
PHONE = {"eligibility": 0.6, "child_review": 0.6, "direct_deposit": 0.5}  # needs phone service can meet
ON = {f"policy.remote_share.{k}": v for k, v in PHONE.items()}  # the regime offers phone service ...
CUT = "{week: 0, remote_share: {eligibility: 0, child_review: 0, direct_deposit: 0}}"  # ... cut at week 0
RESTORE = f"{{week: {RESTORE_WEEK}, remote_share: {{eligibility: 0.6, child_review: 0.6, direct_deposit: 0.5}}}}"
GUIDE = ROOT / "docs" / "guide.md"
HEADING = "### Levers that change over time"


def _config(timeline: str = "[]", policy: str = "appointment_disclosure", **kw):  # noqa: ANN202
    return small_config(policy, n_people=N, **{"weeks": WEEKS, "policy.timeline": timeline, **kw})


def _weekly(cfg) -> pd.DataFrame:  # noqa: ANN001
    """One run's timeseries summed over groups, week by week, with uptake (receiving / eligible)."""
    model = UptakeModel(cfg)
    model.run()
    weekly = timeseries_frame(model).groupby("week")[["remote", "receiving", "eligible", "benefit_missed"]].sum()
    return weekly.assign(uptake=weekly["receiving"] / weekly["eligible"])


def _frame(cfg) -> pd.DataFrame:  # noqa: ANN001
    model = UptakeModel(cfg)
    model.run()
    return timeseries_frame(model)


# ------------------------------------------------------------ the restore case


def test_restoring_phone_service_changes_nothing_before_its_week_and_helps_after() -> None:
    """Cut at week 0, restored at week 52, against cut only, on the same seeds."""
    gains = []
    for seed in SEEDS:
        cut = _weekly(_config(f"[{CUT}]", seed=seed, **ON))
        restored = _weekly(_config(f"[{CUT}, {RESTORE}]", seed=seed, **ON))
        before = slice(0, RESTORE_WEEK - 1)  # .loc is inclusive: weeks 0 to 51
        pd.testing.assert_frame_equal(cut.loc[before], restored.loc[before])  # every week before 52, bit for bit
        after = slice(RESTORE_WEEK, None)
        assert restored.loc[after, "remote"].sum() > cut.loc[after, "remote"].sum() + 10, seed
        assert restored.loc[after, "benefit_missed"].sum() < cut.loc[after, "benefit_missed"].sum(), seed
        gains.append(restored.loc[after, "uptake"].mean() - cut.loc[after, "uptake"].mean())
    assert np.mean(gains) >= 0, gains  # no lower uptake after the restore, on average over the paired seeds
    assert min(gains) > -1e-3, gains  # and no seed loses more than a tenth of a point


def test_a_change_at_week_0_is_the_regime_with_that_value() -> None:
    """Phone service offered and cut at week 0 is the same run as never offered: the timeline is only a schedule."""
    cut = _frame(_config(f"[{CUT}]", **ON))
    never = _frame(_config())
    pd.testing.assert_frame_equal(cut, never)


# ------------------------------------------------------------ no change, no difference


@pytest.mark.parametrize(
    ("timeline", "kw"),
    [
        ("[{week: 20, remote_share: {eligibility: 0.0, interpreter: 0.1}}]", {}),
        ("[{week: 10, records_kept: false}, {week: 30, outreach_reach: 0.0}]", {}),
        (
            "[{week: 20, outreach_reach: 0.3}, {week: 30, remote_share: {eligibility: 0.6}}]",
            {"policy.outreach_week": 12, "policy.outreach_weeks": 40, "policy.outreach_reach": 0.3, **ON},
        ),
        ("[{week: 40, records_kept: true}]", {"policy.rules.records_kept": True}),
    ],
    ids=["remote_share", "records_and_outreach_off", "outreach_during_campaign", "records_kept"],
)
def test_a_change_to_the_current_value_changes_nothing(timeline: str, kw: dict) -> None:
    """Each lever set to what it already is gives the same timeseries, bit for bit, as no timeline."""
    assert validate(_config(timeline, **kw)).policy.timeline  # the changes are there ...
    pd.testing.assert_frame_equal(_frame(_config(timeline, **kw)), _frame(_config(**kw)))  # ... and change nothing


# ------------------------------------------------------------ the schedule


def _schedule(timeline: list[LeverChange], weeks: int = 60, **policy):  # noqa: ANN003, ANN202
    cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(PolicyConfig), {"name": "t", **policy}))
    cfg.timeline = timeline
    n_regions, offices = 3, np.array([0, 1, 2])
    return build_schedule(cfg, weeks, n_regions, offices, 8.0, np.full(3, 0.5))


def test_each_change_holds_until_the_next_change_of_the_same_lever() -> None:
    s = _schedule(
        [
            LeverChange(week=30, remote_share={"ssn": 0.2}),
            LeverChange(week=10, remote_share={"ssn": 0.5, "eligibility": 0.4}, records_kept=False),
            LeverChange(week=45, records_kept=True),
        ],
        start_week=5,
        outreach_week=20,
        outreach_weeks=10,
        outreach_reach=0.1,
        outreach_regions=[1],
    )
    ssn, elig = 3, 0  # positions in sim.config.NEEDS
    assert s.remote_share.shape == (60, 7)
    assert (s.remote_share[:10, ssn] == 0).all() and (s.remote_share[10:30, ssn] == 0.5).all()
    assert (s.remote_share[30:, ssn] == 0.2).all() and (s.remote_share[10:, elig] == 0.4).all()
    # records: the firewall's before week 5, the regime's (kept by default) until 10, not kept until 45
    assert s.recovering[:10].all() and not s.recovering[10:45].any() and s.recovering[45:].all()
    assert (s.outreach_reach[20:30, 1] == 0.1).all() and not s.outreach_reach[:20].any()
    assert not s.outreach_reach[30:].any() and not s.outreach_reach[:, [0, 2]].any()


def test_outreach_changes_and_the_campaign_take_turns() -> None:
    """A change during a campaign lasts until it ends; one after it stands; a later change (0) stops it."""
    s = _schedule(
        [LeverChange(week=15, outreach_reach=0.4), LeverChange(week=40, outreach_reach=0.2)],
        outreach_week=10,
        outreach_weeks=10,
        outreach_reach=0.1,
    )
    level = s.outreach_reach[:, 0]
    assert (level[10:15] == 0.1).all() and (level[15:20] == 0.4).all() and not level[20:40].any()
    assert (level[40:] == 0.2).all()
    stop = _schedule([LeverChange(week=15, outreach_reach=0.0)], outreach_week=10, outreach_weeks=20)
    assert (stop.outreach_reach[10:15] == 0.1).all() and not stop.outreach_reach[15:].any()


def test_record_keeping_changes_only_where_the_regime_is_in_force() -> None:
    s = _schedule([LeverChange(week=0, records_kept=False)], start_week=20, regions=[0, 1])
    assert s.recovering[:20].all()  # before the start: the firewall's rules, which keep records
    assert not s.recovering[20:, :2].any() and s.recovering[20:, 2].all()  # region 2 keeps the firewall's


def test_a_change_past_the_horizon_is_not_reached_and_says_so() -> None:
    cfg = _config(f"[{RESTORE}, {{week: 200, records_kept: true}}]", weeks=60)
    assert unreached_events(cfg) == ["policy.timeline[1].week = 200 is past the horizon (weeks = 60): not reached"]
    late = _schedule([LeverChange(week=200, remote_share={"ssn": 1.0})])
    assert np.array_equal(late.remote_share, _schedule([]).remote_share)


# ------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("timeline", "field", "says"),
    [
        (
            "[{week: 0, records_kept: true}, {week: 52, remote_share: {ssn: 1.5}}]",
            "policy.timeline[1].remote_share.ssn",
            "policy.timeline[1].remote_share.ssn = 1.5: must be a probability in [0, 1]",
        ),
        (
            "[{week: 52, remote_share: {phone: 0.5}}]",
            "policy.timeline[0].remote_share.phone",
            "unknown key; allowed: eligibility, direct_deposit, interpreter, ssn",
        ),
        ("[{week: -3, outreach_reach: 0.2}]", "policy.timeline[0].week", "= -3: must be an integer in [0, "),
        ("[{week: 5, outreach_reach: 1.2}]", "policy.timeline[0].outreach_reach", "= 1.2: must be a probability"),
        ("[{week: 5}]", "policy.timeline[0]", "changes nothing: give at least one of remote_share, outreach_reach"),
        (
            "[{week: 5, remote_share: {ssn: 0.2}}, {week: 9, records_kept: true}, {week: 5, remote_share: {ssn: 0.3}}]",
            "policy.timeline[2].remote_share.ssn",
            "policy.timeline[0] already changes it at week 5",
        ),
    ],
    ids=["share_out_of_range", "unknown_need", "negative_week", "reach_out_of_range", "empty", "same_week_twice"],
)
def test_a_bad_entry_is_refused_naming_its_path_value_and_what_is_allowed(timeline: str, field: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        _config(timeline)
    assert err.value.field_name == field and says in str(err.value), str(err.value)


@pytest.mark.slow
def test_the_command_line_refuses_a_bad_entry_with_its_path_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "bad"
    proc = run_cli(
        "policy.timeline=[{week: 0, records_kept: true}, {week: 52, remote_share: {ssn: 1.5}}]", f"hydra.run.dir={out}"
    )
    assert proc.returncode == 2, proc.stderr
    assert "policy.timeline[1].remote_share.ssn = 1.5: must be a probability in [0, 1]" in proc.stderr
    assert not out.exists()


# ------------------------------------------------------------ both engines, the paired run


def test_both_engines_agree_with_a_timeline() -> None:
    timeline = (
        "[{week: 5, remote_share: {eligibility: 0.5, ssn: 0.3}}, {week: 12, outreach_reach: 0.4}, "
        "{week: 20, records_kept: true}, {week: 30, remote_share: {eligibility: 0.1}, outreach_reach: 0.0}]"
    )
    models = []
    for engine in ("vectorized", "agents"):
        cfg = small_config("appointment_disclosure", n_people=2500, weeks=40, engine=engine, seed=11, **{
            "policy.start_week": 2, "policy.timeline": timeline,
        })  # fmt: skip
        model = UptakeModel(cfg)
        model.run()
        models.append(model)
    vec, agt = models
    a, b = timeseries_frame(vec), timeseries_frame(agt)
    pd.testing.assert_frame_equal(a[["week", "group", *COUNT_COLUMNS]], b[["week", "group", *COUNT_COLUMNS]])
    for col in FLOAT_COLUMNS:
        np.testing.assert_allclose(a[col], b[col], rtol=0, atol=1e-9, err_msg=col)
    _assert_same_state(vec, agt)
    assert a["remote"].sum() > 0 and a["attended"].sum() > 0 and a["missed"].sum() > 0


def test_the_paired_firewall_run_keeps_the_remote_share_changes_only() -> None:
    cfg = _config(f"[{CUT}, {{week: 30, outreach_reach: 0.3}}, {RESTORE}, {{week: 40, records_kept: true}}]", **ON)
    base = paired_counterpart(cfg)
    assert base.policy.name == "firewall" and base.policy.remote_share == cfg.policy.remote_share
    assert base.policy.timeline == [LeverChange(week=0, remote_share=dict.fromkeys(PHONE, 0.0)), cfg.policy.timeline[2]]
    own = [LeverChange(week=3, remote_share={"ssn": 1.0}, outreach_reach=0.2)]
    assert keep_remote_changes(own, []) == [LeverChange(week=3, outreach_reach=0.2)]  # the baseline's own outreach


def test_under_the_firewall_a_remote_timeline_costs_no_paired_loss() -> None:
    """The firewall against itself with phone service cut and restored: the arms are the same run, loss 0."""
    result = run_scenario(_config(f"[{CUT}, {RESTORE}]", policy="firewall", paired=True, **ON))
    pd.testing.assert_frame_equal(result.timeseries, result.baseline)
    assert result.timeseries.groupby("week")["remote"].sum().loc[RESTORE_WEEK:].sum() > 0


# ------------------------------------------------------------ the guide


def _guide_section() -> str:
    text = GUIDE.read_text()
    start = text.index(HEADING)
    end = min(i for i in (text.find("\n## ", start), text.find("\n### ", start + 1)) if i > 0)
    return text[start:end]


@pytest.mark.slow
def test_the_guide_command_runs_the_restore_case(tmp_path: Path) -> None:
    """The documented command parses (Hydra's list syntax) and runs at its small size, paired, with the timeline."""
    block = re.search(r"```bash\n(python -m sim\.run .*?)```", _guide_section(), re.S)
    assert block, "the guide's section needs a runnable `python -m sim.run` block"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `python` is this environment's
    proc = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", block.group(1)],
        cwd=tmp_path,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    resolved = yaml.safe_load((tmp_path / "runs" / "phone_restored" / ".hydra" / "config.yaml").read_text())
    weeks = [change["week"] for change in resolved["policy"]["timeline"]]
    assert weeks == [0, RESTORE_WEEK] and resolved["paired"] is True
    assert (tmp_path / "runs" / "phone_restored" / "summary.json").exists()
    assert "warning" not in proc.stderr  # a size the ODD calls meaningful


def test_the_guide_regime_file_example_is_a_valid_timeline() -> None:
    block = re.search(r"```yaml\n(.*?)```", _guide_section(), re.S)
    assert block, "the guide's section needs the regime-file form as a yaml block"
    node = OmegaConf.merge(OmegaConf.structured(PolicyConfig), {"name": "t", **yaml.safe_load(block.group(1))})
    policy = OmegaConf.to_object(node)
    cfg = _config()
    cfg.policy.timeline = policy.timeline
    assert len(validate(cfg).policy.timeline) >= 2
