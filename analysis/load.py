"""Load a multirun folder into one tidy table.

One row per run x arm x week x group. `arm` is "scenario" for the run's own
scenario and "baseline" (`sim.config.paths.BASELINE_ARM`) for its paired
counterpart (when the run was paired), the run under its `baseline` regime
(the firewall unless set). File names and formats come from `sim.results.outputs`.
Every override of the run (the swept parameters and the fixed ones) becomes a
column. A run whose files are missing, truncated or inconsistent is reported
by name and left out, loudly: it is never mixed in silently.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.config.paths import BASELINE_ARM
from sim.results.outputs import (
    BASELINE_TIMESERIES,
    FINGERPRINT_KEYS,
    SCENARIO,
    TIMESERIES,
    read_summary,
    read_timeseries,
)

log = logging.getLogger(__name__)


class BadRunWarning(UserWarning):
    """A run folder in a sweep could not be used."""


@dataclass
class SweepTable:
    """The tidy table of a sweep, with its per-run summaries and what was left out."""

    table: pd.DataFrame
    runs: pd.DataFrame  # one row per usable run: parameters, metrics, provenance
    bad_runs: dict[str, str] = field(default_factory=dict)  # run folder -> reason
    parameters: list[str] = field(default_factory=list)


def _overrides(run_dir: Path) -> dict[str, Any]:
    """The run's Hydra overrides as {name: value}, without config-group selectors like +experiment."""
    path = run_dir / ".hydra" / "overrides.yaml"
    items = yaml.safe_load(path.read_text()) if path.exists() else []
    params: dict[str, Any] = {}
    for item in items or []:
        key, _, value = item.partition("=")
        key = key.lstrip("+~")
        if key.startswith("hydra") or key == "experiment":
            continue
        parsed = yaml.safe_load(value) if value else None
        params[key] = parsed if isinstance(parsed, (int, float, bool, str)) else value
    return params


CONFIG_COLUMNS = (
    "policy.name",
    "policy.start_week",
    "policy.injunction_week",
    "population.n_people",
    "weeks",
    "behavior.posterior_file",
    "behavior.transfer_uncertain",
)


def _config_values(run_dir: Path) -> dict[str, Any]:
    """A few resolved config values every figure may need, from Hydra's saved config."""
    path = run_dir / ".hydra" / "config.yaml"
    cfg = yaml.safe_load(path.read_text()) if path.exists() else {}
    out = {}
    for key in CONFIG_COLUMNS:
        node = cfg
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            out[key] = node
    return out


def load_run(run_dir: Path) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """One run's tidy rows, its summary and its parameters; raises ValueError if unusable."""
    summary = read_summary(run_dir)
    weeks, chash = int(summary["provenance"]["weeks"]), str(summary["provenance"]["config_hash"])
    frames = [read_timeseries(run_dir / TIMESERIES, weeks, chash).assign(arm=SCENARIO)]
    baseline = run_dir / BASELINE_TIMESERIES
    if baseline.exists():
        frames.append(read_timeseries(baseline, weeks, chash).assign(arm=BASELINE_ARM))
    elif "baseline_metrics" in summary:
        raise ValueError(f"{BASELINE_TIMESERIES} is missing although the run was paired")
    params = {**_config_values(run_dir), **_overrides(run_dir)}
    params.setdefault("policy", params.get("policy.name"))
    return pd.concat(frames, ignore_index=True), summary, params


def run_dirs(sweep_dir: Path) -> list[Path]:
    """Hydra's numbered job folders of a sweep, in job order."""
    dirs = [p for p in Path(sweep_dir).iterdir() if p.is_dir() and p.name.isdigit()]
    return sorted(dirs, key=lambda p: int(p.name))


def load_sweep(sweep_dir: Path | str, strict: bool = False) -> SweepTable:
    """Every usable run of a sweep in one table; bad runs are warned about and excluded (or raise if strict)."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise FileNotFoundError(f"no sweep folder at {sweep_dir}")
    frames, rows, bad = [], [], {}
    for run_dir in run_dirs(sweep_dir):
        try:
            df, summary, params = load_run(run_dir)
        except (ValueError, OSError, yaml.YAMLError) as err:
            bad[str(run_dir)] = str(err)
            continue
        run = int(run_dir.name)
        frames.append(df.assign(run=run, **params))
        rows.append({"run": run, **params, **_flat_metrics(summary)})
    if bad:
        listing = "\n".join(f"  {k}: {v}" for k, v in bad.items())
        message = f"{len(bad)} run(s) in {sweep_dir} left out:\n{listing}"
        if strict:
            raise ValueError(message)
        warnings.warn(message, BadRunWarning, stacklevel=2)
        log.warning(message)
    if not frames:
        raise ValueError(f"no usable runs in {sweep_dir}")
    table = pd.concat(frames, ignore_index=True)
    params = sorted({k for r in rows for k in r} - {"run"} - set(_flat_metrics_keys(rows)))
    return SweepTable(table=table, runs=pd.DataFrame(rows), bad_runs=bad, parameters=params)


def _flat_metrics(summary: dict[str, Any]) -> dict[str, Any]:
    """Scalar metrics and provenance, prefixed, for the per-run table.

    Every run gets the model's fingerprint (`p.git_commit`, `p.dirty`, `p.source_sha`; None for a run from
    before they were recorded), so that what is made from a sweep can say which code made its runs; the
    library versions become `p.environment.<library>`.
    """
    out = {f"m.{k}": v for k, v in summary["metrics"].items() if not isinstance(v, dict)}
    prov = {**dict.fromkeys(FINGERPRINT_KEYS), **summary["provenance"]}
    for key, value in prov.items():
        if isinstance(value, dict):
            out.update({f"p.{key}.{k}": v for k, v in value.items()})
        else:
            out[f"p.{key}"] = value
    return out


def _flat_metrics_keys(rows: list[dict[str, Any]]) -> set[str]:
    return {k for r in rows for k in r if k.startswith(("m.", "p."))}
