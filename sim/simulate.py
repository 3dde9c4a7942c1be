"""Run one configured scenario (and its paired firewall run); `sim.outputs` writes what it returns."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from sim.config import Config, PolicyConfig
from sim.model import UptakeModel
from sim.outcomes import citizen_children_without_benefit, paired_metrics, run_metrics, timeseries_frame
from sim.outputs import RunResult
from sim.paths import BASELINE, policy_file
from sim.posterior import apply_posterior
from sim.provenance import provenance

__all__ = ["RunResult", "baseline_policy", "firewall_counterpart", "run_scenario", "simulate"]


def baseline_policy(policy_dir: Path | None = None) -> PolicyConfig:
    """The baseline regime as conf/policy/firewall.yaml states it, on the PolicyConfig schema."""
    node = policy_file(BASELINE, policy_dir)
    return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(PolicyConfig), node))


# What the counterpart keeps of the run's policy: the services on offer and how far staff follow the rules.
RUN_FIELDS = ("remote_share", "compliance_mean", "compliance_sd")


def firewall_counterpart(cfg: Config, policy_dir: Path | None = None) -> Config:
    """The same run under the firewall, on the same seed: the paired baseline of `cfg`.

    The counterpart keeps everything of the run outside its policy (seed,
    population, network, enforcement, behaviour, horizon, engine) and, of the
    run's policy, what is not a data-sharing rule (`RUN_FIELDS`): the
    services on offer (`remote_share`) and how far staff follow the rules
    (`compliance_mean`, `compliance_sd`). So a paired loss is that of the
    sharing alone, given the services. Everything else of the policy (name,
    rules and baseline rules, start week and regions, court order, outreach
    campaign, clinic sharing, and any field a regime file may set in future)
    comes from conf/policy/firewall.yaml, the one source of the baseline:
    edit that file and every paired run changes with it.
    """
    policy = baseline_policy(policy_dir)
    for name in RUN_FIELDS:
        setattr(policy, name, copy.deepcopy(getattr(cfg.policy, name)))
    base = copy.copy(cfg)
    base.policy = policy
    return copy.deepcopy(base)


def simulate(cfg: Config) -> tuple[pd.DataFrame, dict[str, Any], int]:
    """Build and run one model; return its timeseries, metrics and children who lost benefits."""
    model = UptakeModel(cfg)
    model.run()
    df = timeseries_frame(model)
    children = citizen_children_without_benefit(model)
    return df, run_metrics(df, children), children


def run_scenario(cfg: Config) -> RunResult:
    """Run `cfg`, and its firewall counterpart on the same seed when `cfg.paired`."""
    start = time.perf_counter()
    posterior_file = cfg.behavior.posterior_file
    cfg, drawn = apply_posterior(cfg)  # one parameter draw per seed when behavior=posterior
    df, metrics, children = simulate(cfg)
    base_df = None
    summary: dict[str, Any] = {"metrics": metrics}
    if cfg.paired:
        base_df, base_metrics, base_children = simulate(firewall_counterpart(cfg))
        metrics.update(paired_metrics(df, base_df, children, base_children, cfg.policy.injunction_week))
        summary["baseline_metrics"] = base_metrics
    if drawn:
        summary["posterior_draw"] = {"file": posterior_file, **drawn}
    summary["provenance"] = provenance(cfg, time.perf_counter() - start)
    return RunResult(df, summary, base_df)
