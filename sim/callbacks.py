"""Hydra callbacks: fail early, with one clear line, when outputs cannot be written.

Hydra creates the run or sweep folder before any of our code runs, so an
unwritable location would otherwise surface as a traceback from inside
Hydra. The check runs before that and exits with status 3 naming the path.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

EXIT_UNWRITABLE = 3


def unwritable_reason(path: Path) -> str | None:
    """Why outputs cannot go to `path` (probing its nearest existing ancestor), or None if they can."""
    probe = Path(path).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a folder"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".uptake-sim-probe.", dir=probe)
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        return f"{probe}: {err.strerror or err}"
    return None


def exit_unwritable(path: Path, reason: str) -> None:
    print(f"uptake-sim: cannot write outputs to {path}: {reason}", file=sys.stderr)
    sys.exit(EXIT_UNWRITABLE)


class OutputCheck(Callback):
    """Check that the run (or sweep) folder can be written before Hydra creates it."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(Path(str(config.hydra.run.dir)))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(Path(str(config.hydra.sweep.dir)))

    @staticmethod
    def _check(path: Path) -> None:
        reason = unwritable_reason(path)
        if reason is not None:
            exit_unwritable(path, reason)
