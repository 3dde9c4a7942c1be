"""Words of a sweep command Hydra's grammar lacks (`--force-new`, `<regime>:<key>=<value>`); overrides as words.

Hydra's override grammar has neither a flag of ours nor a scope, so `python -m sim.run` and the experiment
drivers rewrite the command's words (`command_line`) before Hydra parses them: `--force-new` becomes
`hydra.callbacks.sweep_guard.force_new=true`, and the scoped overrides one `hydra.callbacks.sweep_guard.scoped=[...]`
that the sweep guard reads. The rest of the sweep guard reads overrides as plain words too: the key one sets
(`override_key`), the value a job's overrides give a key (`override_value`).

This module imports neither Hydra nor the model: the experiment drivers import it for the flag and the names.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from sim.launch.errors import EXIT_INVALID, SweepError

GUARD = "hydra.callbacks.sweep_guard"
SCOPED_KEY = f"{GUARD}.scoped"
FORCE_NEW_KEY = f"{GUARD}.force_new"
FORCE_NEW_FLAG = "--force-new"
SWEEP_DIR_ENV = "UPTAKE_SWEEP_DIR_FILE"  # if set, the guard writes the folder it chose there (the drivers read it)

_SCOPED = re.compile(r"^(?P<arm>[A-Za-z0-9_-]+):(?P<override>[A-Za-z_][\w.]*=.*)$", re.S)


def override_key(item: str) -> str:
    """The key an override sets (`+a.b=1` -> `a.b`)."""
    return item.partition("=")[0].lstrip("+~")


def override_value(job: Sequence[str], key: str) -> str | None:
    """The value a job's overrides give `key`, or None."""
    for item in job:
        if override_key(item) == key:
            return item.partition("=")[2]
    return None


def split_scoped(item: str) -> tuple[str, str] | None:
    """`injunction:policy.injunction_week=20` -> ("injunction", "policy.injunction_week=20"); None if not scoped."""
    match = _SCOPED.match(item)
    return (match["arm"], match["override"]) if match else None


def quoted(value: str) -> str:
    """A string as a quoted Hydra override value (so commas, brackets and `=` inside it stay part of it)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def command_line(argv: Sequence[str]) -> list[str]:
    """Command-line words for Hydra: `--force-new` and every `<regime>:<key>=<value>` turned into overrides.

    Hydra's grammar has neither a flag of ours nor a scope, so `python -m sim.run` and the experiment drivers
    rewrite the words before Hydra parses them: `--force-new` becomes `hydra.callbacks.sweep_guard.force_new=true`
    and the scoped overrides one `hydra.callbacks.sweep_guard.scoped=[...]`. Giving scoped overrides both ways
    at once is refused (SweepError, exit 2).
    """
    words: list[str] = []
    scoped: list[str] = []
    force_new, at = False, None
    for word in argv:
        if word == FORCE_NEW_FLAG:
            force_new, at = True, len(words) if at is None else at
        elif not word.startswith("-") and split_scoped(word) is not None:
            scoped.append(word)
            at = len(words) if at is None else at
        else:
            words.append(word)
    if scoped and any(override_key(w) == SCOPED_KEY for w in words):
        raise SweepError(
            f"scoped overrides given both as <regime>:<key>=<value> ({' '.join(scoped)}) and as {SCOPED_KEY}=[...]; "
            "use one form",
            EXIT_INVALID,
        )
    added = [f"{SCOPED_KEY}=[{','.join(quoted(s) for s in scoped)}]"] if scoped else []
    added += [f"{FORCE_NEW_KEY}=true"] if force_new else []
    if not added:
        return words
    # beside the other overrides: Hydra's parser takes them as one run of positional words
    plain = [i for i, w in enumerate(words) if "=" in w and not w.startswith("-")]
    at = plain[0] if plain else at
    return [*words[:at], *added, *words[at:]]


def hydra_words(argv: Sequence[str]) -> list[str]:
    """`command_line` for `python -m sim.run`: a malformed scope stops with one line and exit status 2."""
    try:
        return command_line(argv)
    except SweepError as err:
        print(f"uptake-sim: {err}", file=sys.stderr)
        sys.exit(err.exit_code)
