"""The mitigations of conf/mitigation/: their names, files and the words that name them.

A mitigation is a YAML file of overrides (Hydra's `mitigation` group, `# @package _global_`) applied on top of
a regime: `+mitigation=<name>` on the command line, `mitigation: <name>` in a sweep. Its `# family:` and
`# label:` comment lines name it in tables, figures and the explorer. Read here once, for the experiment's
table (`analysis.mitigation`) and the explorer's list (`sim.explorer.dashboard`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sim.config.paths import CONF_DIR

MITIGATION_DIR = CONF_DIR / "mitigation"
NONE = "none"  # the directive without mitigation: every mitigation is measured against it, seed by seed
DEFAULT_FAMILY = "combination"
_HEADER = re.compile(r"^#\s*(family|label):\s*(.+?)\s*$")


def mitigation_names(folders: Sequence[Path] = (MITIGATION_DIR,)) -> list[str]:
    """Every mitigation defined in the folders (conf/mitigation/ by default; one per YAML file), sorted by name."""
    return sorted({p.stem for f in folders for p in Path(f).glob("*.yaml") if not p.name.startswith((".", "_"))})


def mitigation_file(name: str, folders: Sequence[Path] = (MITIGATION_DIR,)) -> Path:
    """The file defining a mitigation: the first folder holding `<name>.yaml`, as Hydra's search path finds it.

    A user's folder (`python -m experiments.mitigation --conf DIR`: DIR/mitigation/) comes before conf/mitigation/.
    """
    for folder in folders:
        path = Path(folder) / f"{name}.yaml"
        if path.exists():
            return path
    where = " or ".join(str(Path(f) / f"{name}.yaml") for f in folders)
    raise ValueError(f"mitigation {name!r}: no file {where} (mitigations: {', '.join(mitigation_names(folders))})")


def header(name: str, folders: Sequence[Path] = (MITIGATION_DIR,)) -> dict[str, str]:
    """A mitigation's `family` and `label` from its comment lines (a family of its own and its name if absent)."""
    found = {}
    for line in mitigation_file(name, folders).read_text().splitlines():
        match = _HEADER.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return {"family": found.get("family", DEFAULT_FAMILY), "label": found.get("label", name.replace("_", " "))}
