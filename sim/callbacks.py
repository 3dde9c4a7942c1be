"""Hydra callbacks: fail early, with one clear line, before Hydra writes anything.

Hydra creates the run or sweep folder before any of our code runs, so an
unwritable location would otherwise surface as a traceback from inside
Hydra. `OutputCheck` runs before that and exits with status 3 naming the path.

`SweepGuard` runs at the start of every multirun, before the sweeper makes
the sweep folder: it checks every job's config (exit 2, naming the job and
the field, if one can never run), keeps the folder to one sweep (exit 4 if it
holds another; `--force-new` writes beside it), records the sweep in
`sweep.json`, gives scoped overrides to their regime only and says which
overrides reach which regime (`sim.sweeps`).
Hydra turns an exception raised in a callback into a warning and carries on,
so both exit themselves rather than raise.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

EXIT_INVALID = 2  # as sim.run exits on invalid input
EXIT_UNWRITABLE = 3
EXIT_GUARD_FAILED = 1


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


class SweepGuard(Callback):
    """Before any job of a multirun: check every job, keep the folder to one sweep, record it (`sim.sweeps`).

    `scoped` holds the `<regime>:<key>=<value>` overrides and `force_new` says to write beside a folder that
    holds another sweep (`python -m sim.run` fills both from the command line: `sim.sweeps.command_line`).
    """

    def __init__(self, scoped: Sequence[str] = (), force_new: bool = False) -> None:
        self.scoped = [str(s) for s in (scoped or [])]
        self.force_new = bool(force_new)

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        if self.scoped or self.force_new:
            given = " ".join([*self.scoped, *(["--force-new"] if self.force_new else [])])
            print(
                f"uptake-sim: {given}: scoped overrides and --force-new apply to a sweep over several regimes "
                "(python -m sim.run -m ...); a single run takes plain overrides",
                file=sys.stderr,
            )
            sys.exit(EXIT_INVALID)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from hydra.core.global_hydra import GlobalHydra

        from sim.sweeps import SweepError, guard_sweep

        try:
            guard_sweep(config, GlobalHydra.instance().config_loader(), self.scoped, self.force_new)
        except SweepError as err:
            print(f"uptake-sim: {err}", file=sys.stderr)
            sys.exit(err.exit_code)
        except OSError as err:
            exit_unwritable(Path(str(config.hydra.sweep.dir)), str(err.strerror or err))
        except Exception as err:  # an unchecked sweep must not start (Hydra would only warn and go on)
            print(
                f"uptake-sim: the sweep could not be checked before it starts: {type(err).__name__}: {err}",
                file=sys.stderr,
            )
            sys.exit(EXIT_GUARD_FAILED)
