"""`sweep.json`: the one sweep a folder holds, written before its first job and compared with any later sweep.

`write_manifest` records (atomically) the sweep's overrides and each job's overrides and config hash;
`manifest_difference` says how another sweep sent to the folder differs from the one recorded there (which
overrides, and the first job whose config differs), so that the refusal names the difference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim import __version__
from sim.launch.errors import EXIT_OTHER_SWEEP, SweepError
from sim.launch.sweeps.plan import SweepPlan
from sim.launch.sweeps.words import override_key, split_scoped
from sim.results.provenance import model_fingerprint, write_json

SWEEP_MANIFEST = "sweep.json"
MANIFEST_FORMAT = 1


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's sweep.json, or None if it has none; SweepError if it cannot be read (never guessed at)."""
    path = Path(folder) / SWEEP_MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SweepError(f"{path} cannot be read ({err}); it is left as it is", EXIT_OTHER_SWEEP) from err
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise SweepError(f"{path} is not a sweep manifest (no jobs); it is left as it is", EXIT_OTHER_SWEEP)
    return data


def write_manifest(folder: Path, plan: SweepPlan) -> Path:
    """Record in `folder/sweep.json` (atomically) what the folder holds: the overrides and each job's config."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SWEEP_MANIFEST
    write_json(
        path,
        {
            "format": MANIFEST_FORMAT,
            "about": "the one sweep this folder holds; a different sweep sent here is refused (sim.launch.sweeps)",
            "overrides": plan.overrides,
            "scoped": plan.scoped,
            "arm_key": plan.arm_key,
            "jobs": [
                {"num": j.num, "overrides": j.overrides, "scoped": j.scoped, "config_hash": j.config_hash}
                for j in plan.jobs
            ],
            "version": __version__,
            **model_fingerprint(),  # the model the sweep started with; each run records its own
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return path


def _by_key(items: Iterable[str]) -> dict[str, str]:
    """Overrides as {key: value}, a later value of a key winning (as the sweeper applies them)."""
    out: dict[str, str] = {}
    for item in items:
        scope = split_scoped(item)
        key = f"{scope[0]}:{override_key(scope[1])}" if scope else override_key(item)
        out[key] = item.partition("=")[2] if scope is None else scope[1].partition("=")[2]
    return out


def _overrides_difference(there: Iterable[str], now: Iterable[str]) -> str:
    """`seed: range(0,2) there, range(2,4) now; weeks: only there (30)`, or "" if the overrides agree."""
    a, b = _by_key(there), _by_key(now)
    parts = []
    for key in dict.fromkeys([*a, *b]):
        if key not in b:
            parts.append(f"{key}: only there ({a[key]})")
        elif key not in a:
            parts.append(f"{key}: only now ({b[key]})")
        elif a[key] != b[key]:
            parts.append(f"{key}: {a[key]} there, {b[key]} now")
    return "; ".join(parts)


def manifest_difference(manifest: dict[str, Any], plan: SweepPlan) -> str | None:
    """How the plan differs from the sweep `manifest` records (its overrides, then the first differing job)."""
    old = [(j.get("config_hash"), j.get("overrides", [])) for j in manifest["jobs"]]
    if [h for h, _ in old] == [j.config_hash for j in plan.jobs]:
        return None
    said = _overrides_difference(
        [*manifest.get("overrides", []), *manifest.get("scoped", [])], [*plan.overrides, *plan.scoped]
    )
    if len(old) != len(plan.jobs):
        counts = f"it holds {len(old)} jobs, this sweep has {len(plan.jobs)}"
    else:
        num = next(i for i, (h, _) in enumerate(old) if h != plan.jobs[i].config_hash)
        counts = (
            f"job {num} there ran {' '.join(old[num][1])} (config {old[num][0]}), "
            f"here it would run {' '.join(plan.jobs[num].overrides)} (config {plan.jobs[num].config_hash})"
        )
    if not said:
        said = "the same overrides, but the configs differ (the model's defaults or conf/ changed since)"
    return f"{said} ({counts})"
