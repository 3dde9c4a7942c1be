"""How a launch stops: its exit statuses, the error of a sweep that must not start, and one-line messages.

The exit status tells the experiment drivers (and CI) whether a rerun could
help: invalid input (2) fails the same way every time, an unwritable folder
(3) may not, and a folder holding another run or sweep (4) is left alone
until another folder is given. Every message is one line, so `sim.run`, the
Hydra callbacks and the sweep guard say a config error the same way
(`error_line`).
"""

from __future__ import annotations

from omegaconf.errors import OmegaConfBaseException

EXIT_GUARD_FAILED = 1  # the sweep could not be checked before it starts (an unexpected error in the guard)
EXIT_INVALID = 2  # invalid input, a job that can never run, a malformed command: a rerun fails the same way
EXIT_UNWRITABLE = 3  # the run or sweep folder cannot be written
EXIT_OTHER_RUN = 4  # the run folder holds another run: nothing was written
EXIT_OTHER_SWEEP = 4  # the sweep folder holds another sweep (as EXIT_OTHER_RUN for a run folder): nothing was written


class SweepError(Exception):
    """A sweep that must not start; `exit_code` tells the drivers whether a rerun could help (it cannot)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def error_line(err: BaseException) -> str:
    """One line for a config error: OmegaConf's offending key first; Hydra's multi-line messages joined."""
    if isinstance(err, OmegaConfBaseException):
        key = getattr(err, "full_key", None)
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"{key}: {first}" if key else first
    text = str(err).split("Config search path:")[0]  # Hydra lists its search path after a missing option
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) or type(err).__name__
