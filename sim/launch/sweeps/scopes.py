"""Overrides scoped to one arm of a comparison: `<regime>:<key>=<value>` reaches the jobs of that regime only.

An ordinary override reaches every job, so an injunction week given to a comparison also gives the directive a
court order. Hydra's grammar has no scope, so `sim.launch.sweeps.words.command_line` gathers the scoped
overrides into `hydra.callbacks.sweep_guard.scoped`; they are checked here (`scoped_rules`), written as
`arm/<regime>.yaml` in a config folder (`write_arm_configs`: the sweep folder's `.scoped/`), and that folder is
put on every job's search path (`use_scoped`), where conf/config.yaml's defaults list loads the file of the
job's regime (`optional arm: ${policy}`). Each job's composed config is then checked to hold the scoped values
(`held_instead`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.launch.errors import EXIT_INVALID, SweepError, error_line
from sim.launch.sweeps.words import override_key, override_value, quoted, split_scoped
from sim.results.provenance import write_atomic

ARM_KEY = "policy"  # the config group whose swept values are a comparison's arms (the regimes)
ARM_GROUP = "arm"  # conf/config.yaml: `optional arm: ${policy}`; scoped overrides are its options
SCOPED_DIR = ".scoped"  # in the sweep folder: the config folder holding arm/<regime>.yaml


def arms_of(jobs: Sequence[Sequence[str]], arm_key: str = ARM_KEY) -> list[str]:
    """The regimes a sweep's jobs run (values of `arm_key` in their overrides), in job order."""
    return list(dict.fromkeys(v for v in (override_value(job, arm_key) for job in jobs) if v is not None))


def scoped_rules(scoped: Sequence[str], arms: Sequence[str], arm_key: str = ARM_KEY) -> dict[str, dict[str, Any]]:
    """{regime: {key: value}} from `<regime>:<key>=<value>` items, each checked; SweepError (exit 2) otherwise.

    A scoped override must name a regime the sweep runs (two or more are swept), set a plain key (not the regime
    itself, not a `+`/`~` override) to one value (not a sweep), and be given once per regime and key.
    """
    parser = OverridesParser.create()
    rules: dict[str, dict[str, Any]] = {}
    for item in scoped:
        parts = split_scoped(str(item))
        if parts is None:
            raise SweepError(
                f"scoped override {item!r} is not of the form <regime>:<key>=<value> "
                "(e.g. injunction:policy.injunction_week=20)",
                EXIT_INVALID,
            )
        arm, override = parts
        if len(arms) < 2:
            raise SweepError(
                f"scoped override {item!r}: a scope picks one of the regimes a sweep compares ({arm_key}=a,b,...), "
                f"and this sweep runs {'only ' + arms[0] if arms else 'one regime'}: give {override} without the scope",
                EXIT_INVALID,
            )
        if arm not in arms:
            raise SweepError(
                f"scoped override {item!r} names the regime {arm!r}, which this sweep does not run; "
                f"its regimes ({arm_key}=...) are: {', '.join(arms)}",
                EXIT_INVALID,
            )
        key = override_key(override)
        if key in (arm_key, ARM_GROUP) or key.startswith(("hydra.", f"{ARM_GROUP}.")):
            raise SweepError(f"scoped override {item!r} sets {key}, which cannot differ by regime", EXIT_INVALID)
        try:
            parsed = parser.parse_override(override)
        except HydraException as err:
            raise SweepError(f"scoped override {item!r}: {error_line(err)}", EXIT_INVALID) from err
        if parsed.is_sweep_override():
            raise SweepError(
                f"scoped override {item!r} sweeps several values inside one regime; a scope gives one value "
                "(sweep the key for every regime, or write a regime file for each variant)",
                EXIT_INVALID,
            )
        if key in rules.get(arm, {}):
            raise SweepError(f"scoped override {item!r}: {arm}:{key} is given twice", EXIT_INVALID)
        rules.setdefault(arm, {})[key] = parsed.value()
    return rules


def write_arm_configs(conf_dir: Path, rules: dict[str, dict[str, Any]]) -> None:
    """`conf_dir/arm/<regime>.yaml` for each regime with scoped overrides (global package; atomic writes)."""
    folder = Path(conf_dir) / ARM_GROUP
    folder.mkdir(parents=True, exist_ok=True)
    for arm, values in rules.items():
        node = OmegaConf.create()
        for key, value in values.items():
            OmegaConf.update(node, key, value, force_add=True)
        text = (
            "# @package _global_\n"
            f"# Overrides scoped to the regime {arm} in this sweep (written by sim.launch.sweeps; loaded when\n"
            f"# policy={arm} by conf/config.yaml's `optional arm: ${{policy}}`).\n" + OmegaConf.to_yaml(node)
        )
        write_atomic(folder / f"{arm}.yaml", lambda tmp, text=text: tmp.write_text(text))


def with_searchpath(master: DictConfig, conf_dir: Path) -> DictConfig:
    """A copy of the master config whose Hydra overrides add `conf_dir` to the search path (after the user's).

    Hydra reads only the first `hydra.searchpath` override, so the user's list is extended, not shadowed.
    """
    out = copy.deepcopy(master)
    paths = [str(p) for p in (master.hydra.get("searchpath") or [])]
    entry = f"file://{Path(conf_dir).absolute()}"
    searchpath = f"hydra.searchpath=[{','.join(quoted(p) for p in [*paths, entry])}]"
    with read_write(out.hydra), open_dict(out.hydra):
        kept = [str(o) for o in out.hydra.overrides.hydra if override_key(str(o)) != "hydra.searchpath"]
        out.hydra.overrides.hydra = [*kept, searchpath]
        out.hydra.searchpath = [*paths, entry]
    return out


def use_scoped(master: DictConfig, folder: Path, rules: dict[str, dict[str, Any]]) -> None:
    """Write the scoped overrides into the sweep folder's config folder and put it on every job's search path."""
    conf_dir = folder / SCOPED_DIR
    write_arm_configs(conf_dir, rules)
    scoped = with_searchpath(master, conf_dir)
    with read_write(master.hydra), open_dict(master.hydra):
        master.hydra.overrides.hydra = scoped.hydra.overrides.hydra
        master.hydra.searchpath = scoped.hydra.searchpath


def held_instead(job_cfg: DictConfig, key: str, value: Any) -> Any:
    """What `key` holds in the job instead of the scoped value (set after the scope); None when the scope holds."""
    held = OmegaConf.select(job_cfg, key, default=None)
    held = OmegaConf.to_container(held, resolve=True) if OmegaConf.is_config(held) else held
    if isinstance(value, str) and "${" in value:
        return None  # an interpolation: resolved in context, nothing to compare
    return None if held == value else held
