"""The model's source as a fingerprint, and where its compiled code is kept.

A result is only as current as the code that made it. `source_fingerprint`
hashes the model's source: every Python file of the `sim` package and every
YAML file of `conf/` (path and bytes), so two checkouts with the same source
give the same fingerprint, whatever their commit, and any edit, committed or
not, gives another. A run records it (`source_sha`); a sweep reuses only runs
of the same fingerprint, and the committed figures must carry the current one.

Numba's on-disk cache is keyed on the file that holds a compiled function,
not on the kernels it inlines from other modules: an edit to a kernel could
leave an old compiled loop running. `numba_cache_dir` gives every source
fingerprint its own cache folder, so an edit (or its revert) always runs the
code on disk, and going back to a source already compiled reuses its cache
(an edit to conf/ also compiles afresh: rare, and a minute at most).

This module imports nothing of the project and nothing heavy: `sim/__init__.py`
calls it before any compiled function is declared.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
CACHE_ENV = "UPTAKE_SIM_CACHE_DIR"  # where compiled code is kept; default ~/.cache/uptake-sim (XDG_CACHE_HOME)
# What a run's numbers depend on besides its config: the model's code and the configs it composes from.
SOURCES = (("sim", "*.py"), ("conf", "*.yaml"))


def _source_files(root: Path) -> list[Path]:
    files = (p for folder, pattern in SOURCES for p in (root / folder).rglob(pattern))
    return sorted(p for p in files if "__pycache__" not in p.parts)


@functools.cache
def source_fingerprint(root: Path = ROOT) -> str:
    """A 16-hex-digit hash of the model's source under `root`: every `sim/**/*.py` and `conf/**/*.yaml`."""
    digest = hashlib.sha256()
    for path in _source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def git_commit(root: Path = ROOT) -> str | None:
    """The checkout's commit, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def source_dirty(root: Path = ROOT) -> bool | None:
    """Whether the model's source (sim/, conf/) differs from the commit (None outside a git checkout).

    Only the source counts: results being written into tracked folders (figures/) do not make a run dirty.
    """
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--", *(folder for folder, _ in SOURCES)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.stdout.strip())


def numba_cache_dir(fingerprint: str | None = None) -> Path:
    """The folder numba caches this source's compiled functions in: one per source fingerprint."""
    base = os.environ.get(CACHE_ENV) or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uptake-sim"
    return Path(base) / "numba" / (fingerprint or source_fingerprint())


def use_fingerprinted_cache() -> None:
    """Point numba's cache at this source's own folder before any compiled function is declared.

    Numba reads `config.CACHE_DIR` when a function with `cache=True` is decorated, so setting it here covers
    every compiled function of the package; the environment variable carries it to worker processes. A
    NUMBA_CACHE_DIR set by the user gets a fingerprinted sub-folder.
    """
    import numba

    fingerprint = source_fingerprint()
    user = os.environ.get("NUMBA_CACHE_DIR")
    if user and Path(user).name == fingerprint:
        folder = Path(user)  # set by a parent process of the same source
    elif user:
        folder = Path(user) / fingerprint
    else:
        folder = numba_cache_dir(fingerprint)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    numba.config.CACHE_DIR = str(folder)
