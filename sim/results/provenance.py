"""Provenance of a run and atomic file writes.

Every output records its seed, config hash, package version, the model that made it (commit, uncommitted
changes, a hash of the source: `model_fingerprint`) and the versions of the libraries it ran on.
Files are written to a temporary name and renamed, so an interrupted run
never leaves a half file that looks whole.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim import __version__
from sim.source import git_commit, source_dirty, source_fingerprint

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


DEPENDENCIES = ("numpy", "numba", "scipy", "pandas", "pyarrow", "mesa", "hydra-core", "omegaconf")


@functools.cache
def environment() -> dict[str, str | None]:
    """The versions of Python and of the libraries a run's numbers depend on (None where not installed)."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def model_fingerprint() -> dict[str, Any]:
    """Which code made a result: the commit, whether the tree had uncommitted changes, and the source's hash.

    Two results were made by the same model exactly when their `source_sha` agree (sim.source); the commit
    alone cannot say so for a tree with uncommitted changes.
    """
    return {"git_commit": git_commit(), "dirty": source_dirty(), "source_sha": source_fingerprint()}


def provenance(cfg: Any, wall_s: float) -> dict[str, Any]:
    return {
        "version": __version__,
        **model_fingerprint(),
        "seed": cfg.seed,
        "config_hash": config_hash(cfg),
        "engine": cfg.engine,
        "wall_s": round(wall_s, 4),
        "policy": cfg.policy.name,
        "n_people": cfg.population.n_people,
        "weeks": cfg.weeks,
        "environment": environment(),
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
