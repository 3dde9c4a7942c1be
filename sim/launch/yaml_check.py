"""A malformed YAML file of the config search path, named in one line before Hydra composes anything.

Hydra reads a config file only when it composes it, and a file it cannot
parse surfaces as a long traceback from inside Hydra, after the run folder is
made. Every YAML file of the search path can be reached by a command (an
override chooses any option of a group; a sweep's `glob(*)` takes them all),
so `malformed_yaml` parses each of them first, as OmegaConf does, and reports
the first that fails: the file, the line and the problem. A file of
conf/policy/ is named as the regime it defines. `python -m sim.run` and the
experiment drivers call `exit_on_malformed_yaml` before anything else, which
leaves with status 2 and writes nothing.

The search path is conf/, the folders given by `--config-dir`/`-cd` and
`--config-path`/`-cp`, and the `file://` entries of a `hydra.searchpath=[...]`
override.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf

from sim.config.paths import CONF_DIR, ROOT
from sim.launch.errors import EXIT_INVALID

EXIT_MALFORMED = EXIT_INVALID  # as every other invalid input: a rerun fails the same way until the file is fixed
REGIME_GROUP = "policy"  # the config group whose files are the regimes a comparison sweeps
_SEARCHPATH = re.compile(r"^\+*hydra\.searchpath=\[?(?P<paths>.*?)\]?$")


def search_dirs(argv: Sequence[str]) -> list[Path]:
    """The config folders a command with these words reads: conf/, then those its words add."""
    dirs = [CONF_DIR]
    words = list(argv)
    for i, word in enumerate(words):
        flag, sep, value = word.partition("=")
        if flag in ("--config-dir", "-cd", "--config-path", "-cp"):
            value = value if sep else (words[i + 1] if i + 1 < len(words) else "")
            if value:
                dirs.append(Path(value))
        match = _SEARCHPATH.match(word)
        if match:
            for entry in match["paths"].split(","):
                entry = entry.strip().strip("'\"")
                if entry.startswith("file://"):
                    dirs.append(Path(entry.removeprefix("file://")))
                elif entry and "://" not in entry:
                    dirs.append(Path(entry))
    return list(dict.fromkeys(d.absolute() for d in dirs))


def _shown(path: Path) -> str:
    """The path as a user in the project would type it (relative to the checkout when inside it)."""
    try:
        return str(path.absolute().relative_to(ROOT))
    except ValueError:
        return str(path)


def _what(path: Path, root: Path) -> str:
    """`regime file conf/policy/x.yaml (policy=x)`, `conf/mitigation/y.yaml (mitigation=y)` or the file."""
    relative = path.relative_to(root)
    if len(relative.parts) < 2:
        return _shown(path)
    group = "/".join(relative.parts[:-1])
    kind = "regime file " if group == REGIME_GROUP else ""
    return f"{kind}{_shown(path)} ({group}={path.stem})"


def file_problem(path: Path) -> str | None:
    """What stops OmegaConf (so Hydra) reading `path`: `line 3: mapping values are not allowed here`; or None."""
    try:
        node = OmegaConf.load(path)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = err.problem or err.context or type(err).__name__
        context = ""
        if err.context and err.problem:
            at = err.context_mark
            started = f" at line {at.line + 1}" if at is not None and mark is not None and at.line != mark.line else ""
            context = f" ({err.context}{started})"
        return f"{where}{problem}{context}"
    except yaml.YAMLError as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    except (OSError, UnicodeDecodeError) as err:
        return f"cannot be read ({err})"
    if not isinstance(node, DictConfig):
        return "line 1: the file holds a list, not a mapping of keys to values (a config must be a mapping)"
    return None


def malformed_yaml(dirs: Iterable[Path]) -> str | None:
    """One line naming the first YAML file of `dirs` that cannot be parsed, its line and the problem; or None."""
    for root in dirs:
        root = Path(root)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.yaml")):
            problem = file_problem(path)
            if problem is not None:
                return f"malformed YAML in {_what(path, root)}, {problem}; nothing was run or written"
    return None


def exit_on_malformed_yaml(argv: Sequence[str]) -> None:
    """Leave with one line on stderr and status 2 if a config file the command can reach is malformed."""
    said = malformed_yaml(search_dirs(argv))
    if said is not None:
        print(f"uptake-sim: {said}", file=sys.stderr)
        sys.exit(EXIT_MALFORMED)
