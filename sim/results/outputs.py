"""A run's output files: their names, the atomic writers, and the readers `analysis/` uses.

A run folder holds `timeseries.parquet` (the scenario, one row per week x
group), `timeseries_by_region.parquet` (one row per week x region x
household type), the same two for its paired counterpart when
`paired=true` (`timeseries_baseline.parquet`,
`timeseries_by_region_baseline.parquet`: the run under its `baseline` regime,
the firewall unless set) and `summary.json` (metrics and
provenance), written last so
that its presence means the run is complete. Each parquet file carries the
run's version, commit, seed, config hash and policy in its schema metadata.

This module is the one place that knows these names and formats. It imports
neither the model nor anything that imports Mesa, so analysis code and
notebooks read outputs without loading the simulation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config.paths import BASELINE_ARM
from sim.results.provenance import write_atomic, write_json
from sim.source import source_fingerprint

# The two arms of a run: its own scenario, and (when paired) its counterpart under the `baseline` regime.
SCENARIO = "scenario"
ARMS = (SCENARIO, BASELINE_ARM)

SUMMARY = "summary.json"
TIMESERIES = "timeseries.parquet"
BASELINE_TIMESERIES = f"timeseries_{BASELINE_ARM}.parquet"
REGION_TIMESERIES = "timeseries_by_region.parquet"  # week x region x household type
BASELINE_REGION_TIMESERIES = f"timeseries_by_region_{BASELINE_ARM}.parquet"
META_PREFIX = "uptake_sim."
META_KEYS = ("version", "git_commit", "dirty", "source_sha", "seed", "config_hash", "policy")
# The provenance keys that say which model made a run (`sim.results.provenance.model_fingerprint`): a finished run is
# reused only when its source_sha is the current one.
FINGERPRINT_KEYS = ("git_commit", "dirty", "source_sha")


@dataclass
class RunResult:
    """What one run produces: its weekly table, its summary, and its paired counterpart's table (if paired)."""

    timeseries: pd.DataFrame
    summary: dict[str, Any]
    baseline: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None  # by week x region x household type
    baseline_regions: pd.DataFrame | None = None


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
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prov = result.summary["provenance"]
    meta = {f"{META_PREFIX}{k}": str(prov.get(k)) for k in META_KEYS}
    write_atomic(out_dir / TIMESERIES, _parquet_writer(result.timeseries, meta))
    base_meta = {**meta, f"{META_PREFIX}policy": str(result.summary.get("baseline_policy", ""))}
    if result.baseline is not None:
        write_atomic(out_dir / BASELINE_TIMESERIES, _parquet_writer(result.baseline, base_meta))
    if result.regions is not None:
        write_atomic(out_dir / REGION_TIMESERIES, _parquet_writer(result.regions, meta))
    if result.baseline_regions is not None:
        write_atomic(out_dir / BASELINE_REGION_TIMESERIES, _parquet_writer(result.baseline_regions, base_meta))
    write_json(out_dir / SUMMARY, result.summary)


def read_summary(run_dir: Path) -> dict[str, Any]:
    """A run's summary.json, checked to hold metrics and provenance; raises ValueError if missing or damaged."""
    path = Path(run_dir) / SUMMARY
    if not path.exists():
        raise ValueError(f"incomplete: no {SUMMARY}")
    try:
        summary = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{SUMMARY} is corrupt ({err})") from err
    if not isinstance(summary, dict) or "metrics" not in summary or "provenance" not in summary:
        raise ValueError(f"{SUMMARY} lacks metrics or provenance")
    return summary


def read_timeseries(path: Path, weeks: int, config_hash: str) -> pd.DataFrame:
    """A run's weekly table, checked to be whole and to belong to the run (same config hash); else ValueError."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for damaged files
        raise ValueError(f"{path.name} is unreadable ({type(err).__name__}: {err})") from err
    meta = table.schema.metadata or {}
    written_for = meta.get(f"{META_PREFIX}config_hash".encode(), b"").decode()
    if written_for != config_hash:
        raise ValueError(f"{path.name} was written for config {written_for or '?'}, not this run's {config_hash}")
    df = table.to_pandas()
    if df.empty or "week" not in df.columns or df["week"].nunique() != weeks:
        raise ValueError(f"{path.name} does not hold {weeks} weeks")
    return df


def completed_summary(out_dir: Path, config_hash: str, source_sha: str | None = None) -> dict[str, Any] | None:
    """The summary of a finished run of this exact config, made by this source, in `out_dir`; or None.

    A sweep resumes by skipping the runs this returns. A run of the same config made by other code (another
    `source_sha`; the current one unless given) is not reused: its numbers may not be what the model now gives.
    """
    out_dir = Path(out_dir)
    try:
        summary = json.loads((out_dir / SUMMARY).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or not (out_dir / TIMESERIES).exists():
        return None
    prov = summary.get("provenance", {})
    current = source_sha or source_fingerprint()
    return summary if prov.get("config_hash") == config_hash and prov.get("source_sha") == current else None


def made_by(summary: dict[str, Any]) -> dict[str, Any]:
    """The fingerprint of the model that made a run (`FINGERPRINT_KEYS` of its provenance; None where absent)."""
    prov = summary.get("provenance", {}) if isinstance(summary, dict) else {}
    return {k: prov.get(k) for k in FINGERPRINT_KEYS}


def fingerprint_text(fingerprint: dict[str, Any]) -> str:
    """`source 1a2b... (commit 3c4d5e6f, uncommitted changes)`: one model's fingerprint, for a message."""
    commit = str(fingerprint.get("git_commit") or "?")[:8]
    dirty = {True: ", uncommitted changes", False: "", None: ""}.get(fingerprint.get("dirty"), "")
    return f"source {fingerprint.get('source_sha') or '?'} (commit {commit}{dirty})"
