"""A sweep's jobs as Hydra's basic sweeper makes them: the one module that leans on Hydra's private API.

The sweep guard must see every job before the sweeper launches any, exactly as the sweeper will: the same
list in the same order (the job numbers are the folder names), each config composed as the launcher composes
it. Hydra has no public API for either, so this module borrows the basic sweeper's own `split_arguments` and
the config loader's `_apply_overrides_to_config` (`hydra._internal`), and refuses any other sweeper
(`check_sweeper`). A Hydra upgrade that moves them breaks here, and only here.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException

from sim.launch.errors import EXIT_INVALID, SweepError

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


def check_sweeper(master: DictConfig) -> None:
    """SweepError (exit 2) unless the sweep runs on the basic sweeper, the only one whose jobs are listed here."""
    target = str(master.hydra.sweeper.get("_target_", ""))
    if target != BASIC_SWEEPER:
        raise SweepError(
            f"hydra.sweeper is {target}: the sweep guard lists jobs as Hydra's basic sweeper does, and cannot "
            "check another sweeper's jobs or guard its folder; use the basic sweeper",
            EXIT_INVALID,
        )


def sweep_overrides(master: DictConfig) -> list[str]:
    """The sweep's overrides as the basic sweeper reads them: its params (an experiment's sweep), then the
    command line's."""
    params = master.hydra.sweeper.get("params") or {}
    return [f"{k}={v}" for k, v in params.items()] + [str(o) for o in master.hydra.overrides.task]


def expand_jobs(overrides: Sequence[str], parser: OverridesParser | None = None) -> list[list[str]]:
    """Each job's overrides, in the basic sweeper's order (its job numbers): every combination of swept values.

    `parser` resolves `glob(...)` over a config group (it needs Hydra's config loader).
    """
    parser = parser or OverridesParser.create()
    return BasicSweeper.split_arguments(parser.parse_overrides(list(overrides)), None)[0]


class JobComposer:
    """Each job's config exactly as Hydra composes it, composing each distinct set of group choices once.

    Hydra builds a job's config in two steps: the defaults list (the config groups chosen: `policy=...`,
    `+experiment=...`) is composed, then the value overrides (`seed=3`, `population.n_people=1000`) are set on
    it. A sweep's jobs mostly share their group choices and differ in values, so the first step is done once
    per distinct set of choices and the second per job, with Hydra's own override code. Whatever this shortcut
    cannot take (an error) is composed by Hydra in full, whose error is then the one reported.
    """

    def __init__(self, loader: Any, master: DictConfig) -> None:
        self.loader, self.master = loader, master
        self.apply = ConfigLoaderImpl._apply_overrides_to_config
        self.parser = OverridesParser.create()
        self.bases: dict[tuple[str, ...], DictConfig] = {}
        self.typed_cache: dict[str, Any] = {}

    def _is_value(self, item: str) -> bool:
        """A plain value override (`a.b=1`, `seed=3`), not a group choice, an addition or a deletion."""
        key, sep, _ = item.partition("=")
        if not sep or key.startswith(("+", "~")) or "@" in key or "/" in key:
            return False
        return "." in key or (key in self.master and not OmegaConf.is_config(self.master[key]))

    def full(self, overrides: Sequence[str]) -> DictConfig:
        """Hydra's own composition of the job (what the launcher does)."""
        cfg = self.loader.load_sweep_config(master_config=self.master, sweep_overrides=list(overrides))
        with read_write(cfg), open_dict(cfg):
            cfg.pop("hydra", None)
        return cfg

    def typed(self, job_cfg: DictConfig, to_config: Any) -> Any:
        """`to_config(job_cfg)`, done once for jobs that differ only in their seed (the usual sweep).

        The seed is a plain integer field that Hydra's schema has already checked, so a job that differs from
        an earlier one only by its seed gets that job's typed config with its own seed; the rest is converted.
        """
        data = OmegaConf.to_container(job_cfg, resolve=True)
        seed = data.pop("seed", None)
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in self.typed_cache or not isinstance(seed, int) or isinstance(seed, bool):
            config = to_config(job_cfg)
            self.typed_cache[key] = config
            return config
        return dataclasses.replace(self.typed_cache[key], seed=seed)

    def __call__(self, overrides: Sequence[str]) -> DictConfig:
        choices = tuple(o for o in overrides if not self._is_value(o))
        values = [o for o in overrides if self._is_value(o)]
        try:
            if choices not in self.bases:
                self.bases[choices] = self.full(choices)
            cfg = copy.deepcopy(self.bases[choices])
            self.apply(self.parser.parse_overrides(values), cfg)
            return cfg
        except (HydraException, OmegaConfBaseException):
            return self.full(overrides)
