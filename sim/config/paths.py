"""Where the project's configs live, found from the package itself, and which regimes they define.

This module imports nothing of the project and nothing heavy, so analysis code,
experiments and notebooks can discover regimes without loading the model.
"""

from __future__ import annotations

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


SCHEMA = "base_policy"  # the PolicyConfig schema's name in Hydra's config store (sim.config.register_configs)


def policy_file(name: str, policy_dir: Path | None = None) -> dict:
    """conf/policy/<name>.yaml as plain data, with its `defaults` (other files of the group) merged as Hydra does.

    The schema's defaults (`base_policy`) are not filled in: this is what the files themselves state.
    """
    from omegaconf import OmegaConf

    folder = POLICY_DIR if policy_dir is None else Path(policy_dir)

    def load(regime: str, seen: tuple[str, ...]):
        if regime in seen:
            raise ValueError(f"policy defaults loop: {' -> '.join((*seen, regime))}")
        node = OmegaConf.load(folder / f"{regime}.yaml")
        defaults = list(node.pop("defaults", None) or [])
        if "_self_" not in defaults:
            defaults.append("_self_")  # Hydra >= 1.1: the file's own values come last
        merged = OmegaConf.create()
        for entry in defaults:
            if entry == "_self_":
                merged = OmegaConf.merge(merged, node)
            elif entry != SCHEMA:
                merged = OmegaConf.merge(merged, load(str(entry), (*seen, regime)))
        return merged

    return OmegaConf.to_container(load(name, ()), resolve=True)
