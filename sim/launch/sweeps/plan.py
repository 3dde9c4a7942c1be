"""A sweep's plan: every job, as the sweeper will launch it, composed and checked before the first one runs.

`plan_sweep` lists the jobs exactly as Hydra's basic sweeper will launch them (every combination of the swept
values: `sim.launch.sweeps.hydra_jobs`), composes each job's config and checks it with the function `sim.run`
checks one run with (`sim.launch.simulate.prepare`: types, ranges, the RAM guard, the posterior). A job that
can never run stops the sweep before anything runs or is written, with its overrides and the field named; so
does a scoped override that would not reach its regime (`sim.launch.sweeps.scopes`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError
from sim.config.compose import to_config
from sim.config.paths import BASELINE
from sim.launch.errors import EXIT_INVALID, SweepError, error_line
from sim.launch.posterior import apply_posterior
from sim.launch.simulate import prepare
from sim.launch.sweeps.hydra_jobs import JobComposer, expand_jobs, sweep_overrides
from sim.launch.sweeps.scopes import ARM_KEY, arms_of, held_instead, scoped_rules, with_searchpath, write_arm_configs
from sim.launch.sweeps.words import override_value, split_scoped
from sim.results.provenance import config_hash


@dataclass
class Job:
    """One job of the sweep: its number (its folder's name), its overrides and its config's hash."""

    num: int
    overrides: list[str]
    config_hash: str = ""
    paired: bool = False
    baseline: str = ""  # the regime of its paired run ("" when not paired)
    scoped: list[str] = field(default_factory=list)  # the scoped overrides of its arm


@dataclass
class SweepPlan:
    """Every job of a sweep, as the sweeper will launch them, with the overrides they came from."""

    overrides: list[str]  # the sweeper's params (an experiment's sweep), then the command line's (later wins)
    scoped: list[str] = field(default_factory=list)  # `<regime>:<key>=<value>`
    arm_key: str = ARM_KEY
    jobs: list[Job] = field(default_factory=list)


def check_job(compose: JobComposer, overrides: Sequence[str]) -> tuple[str, str, DictConfig]:
    """Compose one job's config and check it as `sim.run` does: its config hash, its paired run's regime ("" if
    not paired), the config.

    Raises what `sim.run` would stop on (ConfigError, a Hydra composition error, an OmegaConf error).
    """
    job_cfg = compose(overrides)
    config = prepare(compose.typed(job_cfg, to_config), warn=False)  # the checks sim.run makes before a run
    drawn = apply_posterior(config)[0]  # summaries hash the drawn config, as sim.run compares them
    baseline = str(getattr(config, "baseline", BASELINE)) if config.paired else ""
    return config_hash(drawn), baseline, job_cfg


def plan_sweep(loader: Any, master: DictConfig, scoped: Sequence[str] = ()) -> tuple[SweepPlan, dict]:
    """Every job of the sweep, each config composed and checked; and the scoped rules by regime.

    SweepError (exit 2) names the first job that can never run (its overrides and the field), or a scoped
    override that is malformed or would not take effect.
    """
    overrides = sweep_overrides(master)
    parser = OverridesParser.create(config_loader=loader)
    try:
        jobs = expand_jobs(overrides, parser)
    except HydraException as err:
        raise SweepError(f"invalid sweep: {error_line(err)}", EXIT_INVALID) from err
    rules = scoped_rules(scoped, arms_of(jobs))
    plan = SweepPlan(overrides=overrides, scoped=[str(s) for s in scoped])
    with tempfile.TemporaryDirectory(prefix="uptake-sim-scoped.") as tmp:
        if rules:
            write_arm_configs(Path(tmp), rules)
            master = with_searchpath(master, Path(tmp))
        compose = JobComposer(loader, master)
        for num, job in enumerate(jobs):
            arm = override_value(job, ARM_KEY) or ""
            try:
                chash, baseline, job_cfg = check_job(compose, job)
            except (ConfigError, OmegaConfBaseException, HydraException) as err:
                raise SweepError(
                    f"invalid config: job {num} of {len(jobs)} ({' '.join(job)}): {error_line(err)}; "
                    "no job was run and nothing was written",
                    EXIT_INVALID,
                ) from err
            for key, value in rules.get(arm, {}).items():
                held = held_instead(job_cfg, key, value)
                if held is not None:
                    raise SweepError(
                        f"scoped override {arm}:{key}={value} does not take effect in job {num} "
                        f"({' '.join(job)}): {key} is {held} there, set after the scope (an override of every "
                        "regime, or the experiment's config); give the key one way",
                        EXIT_INVALID,
                    )
            own = [s for s in plan.scoped if (split_scoped(s) or ("",))[0] == arm]
            plan.jobs.append(Job(num, list(job), chash, bool(baseline), baseline, own))
    return plan, rules
