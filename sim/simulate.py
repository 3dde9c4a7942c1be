"""Run one configured scenario (and its paired firewall run) and save the outputs."""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config import Config
from sim.model import UptakeModel
from sim.outcomes import citizen_children_without_benefit, paired_metrics, run_metrics, timeseries_frame
from sim.posterior import apply_posterior
from sim.provenance import provenance, write_atomic, write_json

SUMMARY = "summary.json"
TIMESERIES = "timeseries.parquet"
BASELINE_TIMESERIES = "timeseries_firewall.parquet"


@dataclass
class RunResult:
    timeseries: pd.DataFrame
    summary: dict[str, Any]
    baseline: pd.DataFrame | None = None


def firewall_counterpart(cfg: Config) -> Config:
    """The same run under the firewall: baseline rules throughout, no court, no outreach, no clinic sharing."""
    base = copy.deepcopy(cfg)
    base.policy.name = "firewall"
    base.policy.rules = copy.deepcopy(cfg.policy.baseline)
    base.policy.injunction_week = -1
    base.policy.outreach_week = -1
    base.policy.clinic_disclosure_prob = 0.0
    return base


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


def _parquet_writer(df: pd.DataFrame, meta: dict[str, str]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
        pq.write_table(table, tmp)

    return write


def save(result: RunResult, out_dir: Path) -> None:
    """Write the outputs atomically; summary.json last, so its presence means complete."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prov = result.summary["provenance"]
    meta = {f"uptake_sim.{k}": str(prov[k]) for k in ("version", "git_commit", "seed", "config_hash", "policy")}
    write_atomic(out_dir / TIMESERIES, _parquet_writer(result.timeseries, meta))
    if result.baseline is not None:
        base_meta = {**meta, "uptake_sim.policy": "firewall"}
        write_atomic(out_dir / BASELINE_TIMESERIES, _parquet_writer(result.baseline, base_meta))
    write_json(out_dir / SUMMARY, result.summary)


def completed_summary(out_dir: Path, config_hash: str) -> dict[str, Any] | None:
    """The summary of a finished run of this exact config in `out_dir`, or None (so a sweep can resume)."""
    try:
        summary = json.loads((out_dir / SUMMARY).read_text())
    except (OSError, ValueError):
        return None
    same = isinstance(summary, dict) and summary.get("provenance", {}).get("config_hash") == config_hash
    return summary if same and (out_dir / TIMESERIES).exists() else None
