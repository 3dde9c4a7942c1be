"""Which folder a sweep goes to: the one asked for if it is free or holds this same sweep, else beside it or none.

Hydra's basic sweeper numbers a sweep's job folders 0, 1, ..., N-1 whatever the sweep is. Sent to a folder
that holds another sweep, job 0 of the new one would land in the old run 0's folder, find a summary of another
config and replace it: that is how a second `seed=range(...)` once replaced a first one without a word. So
`choose_folder` compares the plan with what the folder holds (`sweep.json`: `sim.launch.sweeps.manifest`, and
each numbered run folder: `sim.launch.sweeps.runs`). The same sweep resumes (finished runs are skipped by
`sim.run`); another sweep, or runs made by another model, are refused, naming the folder and the difference;
with `--force-new` the sweep goes beside the old one, in `<folder>-2` (or `-3`, ...: the first that is free or
holds this same sweep, so rerunning the command resumes it).
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

from sim.launch.errors import EXIT_OTHER_SWEEP, SweepError
from sim.launch.sweeps.manifest import manifest_difference, read_manifest
from sim.launch.sweeps.plan import SweepPlan
from sim.launch.sweeps.runs import OTHER_MODEL, runs_difference
from sim.launch.sweeps.words import FORCE_NEW_FLAG


def folder_difference(folder: Path, plan: SweepPlan) -> str | None:
    """Why `folder` cannot take this sweep (it holds another one), or None (free, or this same sweep)."""
    folder = Path(folder)
    if not folder.exists():
        return None
    if not folder.is_dir():
        return "it is a file, not a folder"
    manifest = read_manifest(folder)
    if manifest is not None:
        said = manifest_difference(manifest, plan)
        if said is not None:
            return said
    return runs_difference(folder, plan)


def beside(base: Path, plan: SweepPlan) -> Path:
    """The first of `<base>-2`, `<base>-3`, ... that is free or already holds this same sweep."""
    for i in count(2):
        candidate = base.with_name(f"{base.name}-{i}")
        try:
            if folder_difference(candidate, plan) is None:
                return candidate
        except SweepError:
            continue
    raise AssertionError("unreachable")


def choose_folder(base: Path, plan: SweepPlan, force_new: bool) -> Path:
    """The folder this sweep goes to: `base` if free or holding this same sweep; else beside it, or SweepError."""
    base = Path(base)
    try:
        said = folder_difference(base, plan)
    except SweepError as err:
        said = str(err)
    if said is None:
        return base
    if force_new:
        return beside(base, plan)
    what = said if said.startswith(OTHER_MODEL) else f"another sweep: {said}"
    raise SweepError(
        f"{base} holds {what}. Refused, so that no result is overwritten or mixed; nothing was "
        f"written. To keep both, add {FORCE_NEW_FLAG} to write this sweep beside it, in {beside(base, plan)}, "
        "or give another folder (hydra.sweep.dir=...; experiment drivers: --sweep-dir)",
        EXIT_OTHER_SWEEP,
    )
