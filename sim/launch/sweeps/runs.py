"""The numbered run folders of a sweep folder: whose runs they are, and which of them are done.

A finished run (its `summary.json`) names the config it ran and the source that made it. A run folder that
belongs to another job, or whose run was made by another model (another `source_sha`: its numbers may not be
what the code now gives), makes the folder another sweep's: it is neither reused nor overwritten. A run
folder without a summary was not finished; `sim.run` reruns it if it is this sweep's job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from sim.launch.sweeps.plan import SweepPlan
from sim.results.outputs import completed_summary, fingerprint_text, made_by
from sim.results.provenance import model_fingerprint
from sim.source import source_fingerprint

OTHER_MODEL = "runs made by another model"  # how runs_difference begins when the runs' source differs


def run_folders(folder: Path) -> list[Path]:
    """The numbered run folders of a sweep folder, in job order."""
    return sorted((p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))


def other_model(run: Path, summary: dict[str, Any]) -> str:
    """What `runs_difference` says of a finished run of the same config made by other code (another source)."""
    return (
        f"{OTHER_MODEL}: run {run.name} was made by {fingerprint_text(made_by(summary))}, "
        f"the model now is {fingerprint_text(model_fingerprint())}; its results are not reused"
    )


def runs_difference(folder: Path, plan: SweepPlan) -> str | None:
    """A numbered run folder that does not belong to this plan's job of the same number, described; or None."""
    for run in run_folders(folder):
        num = int(run.name)
        if num >= len(plan.jobs):
            return f"it holds run {num}, and this sweep has only {len(plan.jobs)} jobs (0 to {len(plan.jobs) - 1})"
        job = plan.jobs[num]
        try:
            summary = json.loads((run / "summary.json").read_text())
            held = summary["provenance"]["config_hash"]
        except (OSError, ValueError, KeyError, TypeError):
            summary, held = {}, None  # not finished (or damaged): sim.run reruns it if it is this job
        try:
            ran = yaml.safe_load((run / ".hydra" / "overrides.yaml").read_text()) or []
        except (OSError, yaml.YAMLError):
            ran = None
        if held is not None and held != job.config_hash:
            what = f" ({' '.join(map(str, ran))})" if ran else ""
            return (
                f"run {num} holds config {held}{what}; this sweep's job {num} is config {job.config_hash} "
                f"({' '.join(job.overrides)})"
            )
        if held is None and ran is not None and [str(o) for o in ran] != job.overrides:
            started = " ".join(map(str, ran))
            return f"run {num} was started with {started}; this sweep's job {num} is {' '.join(job.overrides)}"
        if held is not None and summary.get("provenance", {}).get("source_sha") != source_fingerprint():
            return other_model(run, summary)
    return None


def completed_jobs(folder: Path, plan: SweepPlan) -> int:
    """How many of the plan's jobs already have their summary in `folder` (they will be skipped)."""
    return sum(completed_summary(Path(folder) / str(j.num), j.config_hash) is not None for j in plan.jobs)
