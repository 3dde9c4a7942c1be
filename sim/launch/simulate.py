"""Run one configured scenario (and its paired baseline run); `sim.results.outputs` writes what it returns.

`run_config(cfg)` is the one way in from Python: it does what
`python -m sim.run` does (validation, the resource check, the posterior
draw, the same warnings) and returns the run's tables and summary, writing
them to a folder when asked.
"""

from __future__ import annotations

import copy
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from sim.config import Config, meaningful_warnings, validate
from sim.config.compose import baseline_policy, to_config
from sim.launch.posterior import apply_posterior
from sim.model.build.resources import check_resources
from sim.model.build.schedule import keep_remote_changes, unreached_events
from sim.model.engine.week import UptakeModel
from sim.results.metrics import citizen_children_without_benefit, coverage_gap, paired_metrics, run_metrics
from sim.results.outcomes import region_frame, timeseries_frame
from sim.results.outputs import RunResult, save
from sim.results.provenance import provenance

__all__ = [
    "Arm",
    "build_model",
    "RunResult",
    "baseline_policy",
    "paired_counterpart",
    "prepare",
    "print_warnings",
    "run_config",
    "run_scenario",
    "simulate",
]

# What the counterpart keeps of the run's policy: the services on offer and how far staff follow the rules.
RUN_FIELDS = ("remote_share", "compliance_mean", "compliance_sd")


def paired_counterpart(cfg: Config, policy_dir: Path | None = None) -> Config:
    """The same run under its `baseline` regime (the firewall unless set), on the same seed: its paired arm.

    The counterpart keeps everything of the run outside its policy (seed,
    population, network, enforcement, behaviour, horizon, engine) and, of the
    run's policy, what is not a data-sharing rule (`RUN_FIELDS`): the
    services on offer (`remote_share`) and how far staff follow the rules
    (`compliance_mean`, `compliance_sd`). It keeps the run's remote-share
    timeline too (the `remote_share` of each `policy.timeline` change: phone
    service cut, then restored), so a paired loss is that of the sharing
    alone, given the services week by week. Everything else of the policy
    (name, rules and baseline rules, start week and regions, court order,
    outreach campaign, the timeline's outreach and record-keeping changes,
    clinic sharing, and any field a regime file may set in future) comes from
    the baseline's file, conf/policy/<baseline>.yaml (firewall.yaml unless
    `baseline=` names another regime), the one source of the baseline: edit
    that file and every paired run changes with it. So `baseline=injunction`
    compares a regime with a court's order directly, on the same seeds.
    """
    policy = baseline_policy(policy_dir, cfg.baseline)
    for name in RUN_FIELDS:
        setattr(policy, name, copy.deepcopy(getattr(cfg.policy, name)))
    policy.timeline = keep_remote_changes(policy.timeline, cfg.policy.timeline)
    base = copy.copy(cfg)
    base.policy = policy
    return copy.deepcopy(base)


@dataclass
class Arm:
    """One simulated arm: its weekly tables (by group, by region x household type) and its metrics."""

    timeseries: pd.DataFrame
    regions: pd.DataFrame
    metrics: dict[str, Any]
    children_lost: float


def simulate(cfg: Config, like: UptakeModel | None = None) -> Arm:
    """Build and run one model; return its tables, metrics and the citizen children who lost benefits.

    `like`: the other arm of a pair, whose population and network the model reuses (`UptakeModel`).
    """
    return _run_arm(UptakeModel(cfg, like))


def _run_arm(model: UptakeModel) -> Arm:
    model.run()
    df, regions = timeseries_frame(model), region_frame(model)
    children = citizen_children_without_benefit(model)
    return Arm(df, regions, run_metrics(df, children, regions), children)


def run_scenario(cfg: Config) -> RunResult:
    """Run `cfg`, and its counterpart under `cfg.baseline` on the same seed when `cfg.paired`."""
    start = time.perf_counter()
    posterior_file = cfg.behavior.posterior_file
    cfg, drawn = apply_posterior(cfg)  # one parameter draw per seed when behavior=posterior
    model = UptakeModel(cfg)
    run = _run_arm(model)
    metrics = run.metrics
    base = None
    summary: dict[str, Any] = {"metrics": metrics}
    if cfg.paired:
        base = simulate(paired_counterpart(cfg), like=model)  # the same population, network and starting beliefs
        metrics.update(
            paired_metrics(
                run.timeseries,
                base.timeseries,
                run.children_lost,
                base.children_lost,
                cfg.policy.injunction_week,
                run.regions,
                base.regions,
            )
        )
        summary["baseline_policy"] = cfg.baseline
        summary["baseline_metrics"] = base.metrics
        metrics.update(_coverage(cfg, metrics["uptake_loss_final_by_region_pp"]))
    if drawn:
        summary["posterior_draw"] = {"file": posterior_file, **drawn}
    summary["provenance"] = provenance(cfg, time.perf_counter() - start)
    return RunResult(
        run.timeseries,
        summary,
        None if base is None else base.timeseries,
        run.regions,
        None if base is None else base.regions,
    )


def _coverage(cfg: Config, loss_by_region_pp: dict[str, float]) -> dict[str, Any]:
    """Covered-versus-uncovered loss for a regime, or a court's order, in force in some regions only."""
    n, p, out = cfg.population.n_regions, cfg.policy, {}
    if p.regions and len(set(p.regions)) < n:
        out["regime_coverage_gap"] = coverage_gap(loss_by_region_pp, list(p.regions))
    if 0 <= p.injunction_week < cfg.weeks and p.injunction_regions and len(set(p.injunction_regions)) < n:
        out["court_coverage_gap"] = coverage_gap(loss_by_region_pp, list(p.injunction_regions))
    return out


def prepare(cfg: Config | DictConfig, warn: bool = True) -> Config:
    """The checked config of a run: validated, within this machine's memory, its posterior (if any) usable.

    Raises `sim.config.ConfigError` (or an OmegaConf error) naming the field,
    the value and what is allowed. With `warn`, prints what `python -m
    sim.run` prints before a run: dated events past the horizon (stdout), and
    a horizon or population too small to read at face value (stderr).
    """
    config = check_resources(validate(to_config(cfg)))
    apply_posterior(config)  # a posterior fitted to another model is refused here, before anything runs
    if warn:
        print_warnings(config)
    return config


def print_warnings(config: Config) -> None:
    """What a run prints before it starts: events past the horizon (stdout), a run too short or small (stderr)."""
    for line in unreached_events(config):
        print(line, flush=True)
    for line in meaningful_warnings(config):  # accepted, but the results would mislead if read at face value
        print(f"uptake-sim: warning: {line}", file=sys.stderr, flush=True)


def build_model(cfg: Config | DictConfig) -> UptakeModel:
    """The model `run_config` would run for `cfg` (same checks, same posterior draw), built but not run.

    For inspecting agents step by step (notebooks/explore_agents.py) without
    skipping what a run applies: building `UptakeModel` directly from a config
    would not draw the calibrated behaviour.
    """
    return UptakeModel(apply_posterior(prepare(cfg, warn=False))[0])


def run_config(cfg: Config | DictConfig, out_dir: str | Path | None = None, warn: bool = True) -> RunResult:
    """Run a config exactly as `python -m sim.run` does (posterior draw included); write outputs to `out_dir` if given.

    `cfg` is a `Config` (for example from `sim.config.compose.default_config`) or a
    composed Hydra config. Returns the run's weekly tables and summary.
    """
    result = run_scenario(prepare(cfg, warn))
    if out_dir is not None:
        save(result, Path(out_dir))
    return result
