"""The sweep guard: what the Hydra callback `sim.launch.callbacks.SweepGuard` runs before the sweeper starts.

`guard_sweep` puts the pieces of `sim.launch.sweeps` together, in the order that writes nothing until every
check has passed: the plan (every job composed and checked), the report of which overrides reach which
regime, the folder (this same sweep's, free, or beside one that holds another), then `sweep.json` and the
scoped overrides' config folder. It changes the master config the sweeper reads, so that the jobs go to the
folder chosen and find their scoped overrides.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, open_dict, read_write

from sim.launch.sweeps.folder import choose_folder
from sim.launch.sweeps.hydra_jobs import check_sweeper
from sim.launch.sweeps.manifest import read_manifest, write_manifest
from sim.launch.sweeps.plan import plan_sweep
from sim.launch.sweeps.report import arm_report
from sim.launch.sweeps.runs import completed_jobs
from sim.launch.sweeps.scopes import use_scoped
from sim.launch.sweeps.words import SWEEP_DIR_ENV, override_key, quoted
from sim.results.provenance import write_atomic


def _redirect(master: DictConfig, folder: Path) -> None:
    """Send the sweep to `folder`: the sweeper reads hydra.sweep.dir, and each job's config is recomposed from
    hydra.overrides.hydra, so both change."""
    with read_write(master.hydra), open_dict(master.hydra):
        master.hydra.sweep.dir = str(folder)
        kept = [str(o) for o in master.hydra.overrides.hydra if override_key(str(o)) != "hydra.sweep.dir"]
        master.hydra.overrides.hydra = [*kept, f"hydra.sweep.dir={quoted(str(folder))}"]


def guard_sweep(master: DictConfig, loader: Any, scoped: Sequence[str] = (), force_new: bool = False) -> Path:
    """Check every job, choose the folder, record the sweep there and say which overrides reach which regime.

    Returns the folder; raises SweepError when the sweep must not start (nothing is written then).
    """
    check_sweeper(master)
    plan, rules = plan_sweep(loader, master, scoped)
    lines, warnings = arm_report(plan)  # before the folder check: a refused sweep's overrides are seen too
    for line in lines:
        print(line, flush=True)
    for line in warnings:
        print(line, file=sys.stderr, flush=True)
    base = Path(str(master.hydra.sweep.dir))
    folder = choose_folder(base, plan, force_new)
    done = completed_jobs(folder, plan) if folder.exists() else 0
    if folder != base:
        _redirect(master, folder)
    if read_manifest(folder) is None:
        write_manifest(folder, plan)
    if rules:
        use_scoped(master, folder, rules)
    where = f"{folder} (beside {base}, which holds another sweep)" if folder != base else str(folder)
    state = f"resuming: {done} of {len(plan.jobs)} already complete" if done else "starting"
    print(f"uptake-sim: {len(plan.jobs)} jobs checked; sweep folder {where}; {state}", flush=True)
    out = os.environ.get(SWEEP_DIR_ENV)
    if out:
        write_atomic(Path(out), lambda tmp: tmp.write_text(str(folder.absolute())))
    return folder
