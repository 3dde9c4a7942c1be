"""Provenance of a run and atomic file writes.

Every output records its seed, config hash, package version and git commit.
Files are written to a temporary name and renamed, so an interrupted run
never leaves a half file that looks whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim import __version__
from sim.paths import ROOT

_UNHASHED = ("progress",)


def config_dict(cfg: Any) -> dict[str, Any]:
    """The config as plain data (dataclass or mapping)."""
    if dataclasses.is_dataclass(cfg):
        return dataclasses.asdict(cfg)
    return dict(cfg)


def config_hash(cfg: Any) -> str:
    """A short, stable hash of everything that can change the results."""
    data = {k: v for k, v in config_dict(cfg).items() if k not in _UNHASHED}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def git_commit() -> str | None:
    """The checkout's commit, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def provenance(cfg: Any, wall_s: float) -> dict[str, Any]:
    return {
        "version": __version__,
        "git_commit": git_commit(),
        "seed": cfg.seed,
        "config_hash": config_hash(cfg),
        "engine": cfg.engine,
        "wall_s": round(wall_s, 4),
        "policy": cfg.policy.name,
        "n_people": cfg.population.n_people,
        "weeks": cfg.weeks,
    }


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        _flush(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _flush(tmp: Path) -> None:
    """Give the file the usual permissions (mkstemp makes it private) and force it to disk before the rename,
    so that after a power cut the final name never holds an empty or partial file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())


def _strict(value: Any) -> Any:
    """NaN and infinities become null, so the file is strict JSON (jq and browsers reject NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write strict JSON atomically."""

    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(_strict(data), indent=2, sort_keys=False, allow_nan=False) + "\n")

    write_atomic(path, write)
