"""Where the project's configs live, found from the package itself, and which regimes they define.

This module imports nothing of the project and nothing heavy, so analysis code,
experiments and notebooks can discover regimes without loading the model.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF_DIR = ROOT / "conf"
POLICY_DIR = CONF_DIR / "policy"

# The one regime Python names: the firewall, whose file (conf/policy/firewall.yaml) holds the baseline rules
# every paired run is compared against, and whose name labels the paired arm and its output file.
BASELINE = "firewall"
# The paired arm of a run (`paired=true`): its regime is the run's `baseline` (the firewall unless set); its tables
# are labelled with this arm name and written to files named after it (sim.results.outputs).
BASELINE_ARM = "baseline"


def regimes(policy_dir: Path | None = None) -> list[str]:
    """The regimes defined in conf/policy/ (one per YAML file), sorted by name; a new file is a new regime."""
    folder = POLICY_DIR if policy_dir is None else Path(policy_dir)
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith((".", "_")))


def default_regime(conf_dir: Path | None = None) -> str:
    """The regime conf/config.yaml selects by default (its `policy:` entry in `defaults`)."""
    import yaml

    text = ((CONF_DIR if conf_dir is None else Path(conf_dir)) / "config.yaml").read_text()
    for entry in yaml.safe_load(text).get("defaults", []):
        if isinstance(entry, dict) and "policy" in entry:
            return str(entry["policy"])
    raise ValueError("conf/config.yaml selects no policy in its defaults")


SCHEMA = "base_policy"  # the PolicyConfig schema's name in Hydra's config store (sim.config.store.register_configs)


def policy_file(name: str, policy_dir: Path | None = None) -> dict:
    """conf/policy/<name>.yaml as plain data, with its `defaults` (other files of the group) merged as Hydra does.

    The schema's defaults (`base_policy`) are not filled in: this is what the files themselves state. Read
    without OmegaConf (the model reads regimes, and loads no framework) but as OmegaConf reads YAML: the same
    numbers, a repeated key refused, later files' values over earlier ones, lists replaced whole.
    """
    folder = POLICY_DIR if policy_dir is None else Path(policy_dir)

    def load(regime: str, seen: tuple[str, ...]) -> dict:
        if regime in seen:
            raise ValueError(f"policy defaults loop: {' -> '.join((*seen, regime))}")
        node = read_yaml(folder / f"{regime}.yaml")
        defaults = list(node.pop("defaults", None) or [])
        if "_self_" not in defaults:
            defaults.append("_self_")  # Hydra >= 1.1: the file's own values come last
        merged: dict = {}
        for entry in defaults:
            if entry == "_self_":
                merged = _merge(merged, node)
            elif entry != SCHEMA:
                merged = _merge(merged, load(str(entry), (*seen, regime)))
        return merged

    return load(name, ())


def _merge(base: dict, over: dict) -> dict:
    """`over` onto `base` as OmegaConf.merge does for plain data: mappings key by key, anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(out.get(key), dict) and isinstance(value, dict)
        out[key] = _merge(out[key], value) if both else copy.deepcopy(value)
    return out


def read_yaml(path: Path) -> dict:
    """A YAML file of plain data, parsed as OmegaConf parses it; an interpolation (`${...}`) is refused."""
    import yaml

    data = yaml.load(path.read_text(), Loader=_loader()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    if "${" in repr(data):
        raise ValueError(f"{path}: interpolations (${{...}}) are not read here; write the value itself")
    return data


@functools.cache
def _loader() -> type:
    """PyYAML's safe loader with OmegaConf's changes: its float syntax (1e-3, 1_000.5), no dates, no repeated keys."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
            keys = set()
            for key_node, _ in node.value:
                if key_node.tag == yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG:
                    if key_node.value in keys:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping",
                            node.start_mark,
                            f"found duplicate key {key_node.value}",
                            key_node.start_mark,
                        )
                    keys.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }
    return Loader


# OmegaConf's float syntax (omegaconf._utils.get_yaml_loader), which YAML 1.1's misses (1e-3 would be a string)
_FLOAT = re.compile(
    r"""^(?:
     [-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+)
    |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


def resolve_path(path: str | Path) -> Path:
    """A relative path in a config is taken from the project root, so runs from any folder find the file."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p
