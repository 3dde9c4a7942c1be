"""Sweeps that never lose or mix results, check every job before the first runs, and scope overrides to one arm.

Hydra's basic sweeper numbers a sweep's job folders 0, 1, ..., N-1 whatever
the sweep is. Sent to a folder that holds another sweep, job 0 of the new one
would land in the old run 0's folder, find a summary of another config and
replace it: that is how a second `seed=range(...)` once replaced a first one
without a word. So every multirun goes through `guard_sweep`, which the Hydra
callback `sim.launch.callbacks.SweepGuard` runs before the sweeper starts:

- `plan_sweep` lists the jobs exactly as the basic sweeper will launch them
  (every combination of the swept values), composes each job's config and
  checks it with the function `sim.run` checks one run with
  (`sim.launch.simulate.prepare`: types, ranges, the RAM guard, the posterior). A
  job that can never run stops the sweep before anything runs or is written,
  with its overrides and the field named.
- `choose_folder` compares the plan with what the folder holds (`sweep.json`,
  and the summary or overrides of each numbered run folder). The same sweep
  resumes (finished runs are skipped by `sim.run`); another sweep is refused,
  naming the folder and the difference, and so is a folder whose finished runs
  were made by another model (another `source_sha`: their numbers may not be
  what the code now gives, so they are neither reused nor overwritten); with
  `force_new` it goes beside the old one, in `<folder>-2` (or `-3`, ...: the
  first that is free or holds this same sweep, so rerunning the command
  resumes it).
- `write_manifest` records in `sweep.json` (atomically) the sweep's overrides
  and each job's overrides and config hash.
- `arm_report` says, before anything runs, which overrides reach which arm of
  a comparison (the regimes swept as `policy=a,b,...`), and warns when a
  `policy.*` override reaches every regime.

An ordinary override reaches every job, so an injunction week given to a
comparison also gives the directive a court order. A scoped override,
`<regime>:<key>=<value>` (`injunction:policy.injunction_week=20`), reaches the
jobs of that regime only. Hydra's grammar has no scope, so `command_line`
gathers them into `hydra.callbacks.sweep_guard.scoped`, and the guard writes
them as `arm/<regime>.yaml` in the sweep folder's `.scoped/` config folder,
which conf/config.yaml's defaults list loads for the job's regime (`optional
arm: ${policy}`); each job's composed config is checked to hold the scoped
values. Job folders stay numbered as Hydra numbers them (`hydra.sweep.subdir`),
which is what `analysis.load.run_dirs` reads.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict, read_write
from omegaconf.errors import OmegaConfBaseException

from sim.config.paths import BASELINE
from sim.source import source_fingerprint

SWEEP_MANIFEST = "sweep.json"
MANIFEST_FORMAT = 1
ARM_KEY = "policy"  # the config group whose swept values are a comparison's arms (the regimes)
ARM_GROUP = "arm"  # conf/config.yaml: `optional arm: ${policy}`; scoped overrides are its options
SCOPED_DIR = ".scoped"  # in the sweep folder: the config folder holding arm/<regime>.yaml
GUARD = "hydra.callbacks.sweep_guard"
SCOPED_KEY = f"{GUARD}.scoped"
FORCE_NEW_KEY = f"{GUARD}.force_new"
FORCE_NEW_FLAG = "--force-new"
OTHER_MODEL = "runs made by another model"  # how folder_difference begins when the runs' source differs
SWEEP_DIR_ENV = "UPTAKE_SWEEP_DIR_FILE"  # if set, the guard writes the folder it chose there (the drivers read it)

EXIT_INVALID = 2  # a job can never run, or the command is malformed: a rerun fails the same way
EXIT_OTHER_SWEEP = 4  # the folder holds another sweep: nothing was written

_SCOPED = re.compile(r"^(?P<arm>[A-Za-z0-9_-]+):(?P<override>[A-Za-z_][\w.]*=.*)$", re.S)


class SweepError(Exception):
    """A sweep that must not start; `exit_code` tells the drivers whether a rerun could help (it cannot)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


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


# ------------------------------------------------------------------ overrides and scopes


def override_key(item: str) -> str:
    """The key an override sets (`+a.b=1` -> `a.b`)."""
    return item.partition("=")[0].lstrip("+~")


def split_scoped(item: str) -> tuple[str, str] | None:
    """`injunction:policy.injunction_week=20` -> ("injunction", "policy.injunction_week=20"); None if not scoped."""
    match = _SCOPED.match(item)
    return (match["arm"], match["override"]) if match else None


def _quoted(value: str) -> str:
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
    added = [f"{SCOPED_KEY}=[{','.join(_quoted(s) for s in scoped)}]"] if scoped else []
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


def _value(job: Sequence[str], key: str) -> str | None:
    """The value a job's overrides give `key`, or None."""
    for item in job:
        if override_key(item) == key:
            return item.partition("=")[2]
    return None


def arms_of(jobs: Sequence[Sequence[str]], arm_key: str = ARM_KEY) -> list[str]:
    """The regimes a sweep's jobs run (values of `arm_key` in their overrides), in job order."""
    return list(dict.fromkeys(v for v in (_value(job, arm_key) for job in jobs) if v is not None))


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
    from sim.results.provenance import write_atomic

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


def _with_searchpath(master: DictConfig, conf_dir: Path) -> DictConfig:
    """A copy of the master config whose Hydra overrides add `conf_dir` to the search path (after the user's).

    Hydra reads only the first `hydra.searchpath` override, so the user's list is extended, not shadowed.
    """
    out = copy.deepcopy(master)
    paths = [str(p) for p in (master.hydra.get("searchpath") or [])]
    entry = f"file://{Path(conf_dir).absolute()}"
    searchpath = f"hydra.searchpath=[{','.join(_quoted(p) for p in [*paths, entry])}]"
    with read_write(out.hydra), open_dict(out.hydra):
        kept = [str(o) for o in out.hydra.overrides.hydra if override_key(str(o)) != "hydra.searchpath"]
        out.hydra.overrides.hydra = [*kept, searchpath]
        out.hydra.searchpath = [*paths, entry]
    return out


# ------------------------------------------------------------------ checking every job


def error_line(err: BaseException) -> str:
    """One line for a config error: OmegaConf's offending key first; Hydra's multi-line messages joined."""
    if isinstance(err, OmegaConfBaseException):
        key = getattr(err, "full_key", None)
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"{key}: {first}" if key else first
    text = str(err).split("Config search path:")[0]  # Hydra lists its search path after a missing option
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) or type(err).__name__


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
        from hydra._internal.config_loader_impl import ConfigLoaderImpl

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


def check_job(compose: JobComposer, overrides: Sequence[str]) -> tuple[str, str, DictConfig]:
    """Compose one job's config and check it as `sim.run` does: its config hash, its paired run's regime ("" if
    not paired), the config.

    Raises what `sim.run` would stop on (ConfigError, a Hydra composition error, an OmegaConf error).
    """
    from sim.config import to_config
    from sim.launch.posterior import apply_posterior
    from sim.launch.simulate import prepare
    from sim.results.provenance import config_hash

    job_cfg = compose(overrides)
    config = prepare(compose.typed(job_cfg, to_config), warn=False)  # the checks sim.run makes before a run
    drawn = apply_posterior(config)[0]  # summaries hash the drawn config, as sim.run compares them
    baseline = str(getattr(config, "baseline", BASELINE)) if config.paired else ""
    return config_hash(drawn), baseline, job_cfg


def _took_effect(job_cfg: DictConfig, key: str, value: Any) -> Any:
    """The value `key` has in the job (None when it is what the scoped override set)."""
    held = OmegaConf.select(job_cfg, key, default=None)
    held = OmegaConf.to_container(held, resolve=True) if OmegaConf.is_config(held) else held
    if isinstance(value, str) and "${" in value:
        return None  # an interpolation: resolved in context, nothing to compare
    return None if held == value else held


def plan_sweep(loader: Any, master: DictConfig, scoped: Sequence[str] = ()) -> tuple[SweepPlan, dict]:
    """Every job of the sweep, each config composed and checked; and the scoped rules by regime.

    SweepError (exit 2) names the first job that can never run (its overrides and the field), or a scoped
    override that is malformed or would not take effect.
    """
    from sim.config import ConfigError

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
            master = _with_searchpath(master, Path(tmp))
        compose = JobComposer(loader, master)
        for num, job in enumerate(jobs):
            arm = _value(job, ARM_KEY) or ""
            try:
                chash, baseline, job_cfg = check_job(compose, job)
            except (ConfigError, OmegaConfBaseException, HydraException) as err:
                raise SweepError(
                    f"invalid config: job {num} of {len(jobs)} ({' '.join(job)}): {error_line(err)}; "
                    "no job was run and nothing was written",
                    EXIT_INVALID,
                ) from err
            for key, value in rules.get(arm, {}).items():
                held = _took_effect(job_cfg, key, value)
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


# ------------------------------------------------------------------ what a folder holds


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's sweep.json, or None if it has none; SweepError if it cannot be read (never guessed at)."""
    path = Path(folder) / SWEEP_MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SweepError(f"{path} cannot be read ({err}); it is left as it is", EXIT_OTHER_SWEEP) from err
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise SweepError(f"{path} is not a sweep manifest (no jobs); it is left as it is", EXIT_OTHER_SWEEP)
    return data


def _by_key(items: Iterable[str]) -> dict[str, str]:
    """Overrides as {key: value}, a later value of a key winning (as the sweeper applies them)."""
    out: dict[str, str] = {}
    for item in items:
        scope = split_scoped(item)
        key = f"{scope[0]}:{override_key(scope[1])}" if scope else override_key(item)
        out[key] = item.partition("=")[2] if scope is None else scope[1].partition("=")[2]
    return out


def _overrides_difference(there: Iterable[str], now: Iterable[str]) -> str:
    """`seed: range(0,2) there, range(2,4) now; weeks: only there (30)`, or "" if the overrides agree."""
    a, b = _by_key(there), _by_key(now)
    parts = []
    for key in dict.fromkeys([*a, *b]):
        if key not in b:
            parts.append(f"{key}: only there ({a[key]})")
        elif key not in a:
            parts.append(f"{key}: only now ({b[key]})")
        elif a[key] != b[key]:
            parts.append(f"{key}: {a[key]} there, {b[key]} now")
    return "; ".join(parts)


def _manifest_difference(manifest: dict[str, Any], plan: SweepPlan) -> str | None:
    old = [(j.get("config_hash"), j.get("overrides", [])) for j in manifest["jobs"]]
    if [h for h, _ in old] == [j.config_hash for j in plan.jobs]:
        return None
    said = _overrides_difference(
        [*manifest.get("overrides", []), *manifest.get("scoped", [])], [*plan.overrides, *plan.scoped]
    )
    if len(old) != len(plan.jobs):
        counts = f"it holds {len(old)} jobs, this sweep has {len(plan.jobs)}"
    else:
        num = next(i for i, (h, _) in enumerate(old) if h != plan.jobs[i].config_hash)
        counts = (
            f"job {num} there ran {' '.join(old[num][1])} (config {old[num][0]}), "
            f"here it would run {' '.join(plan.jobs[num].overrides)} (config {plan.jobs[num].config_hash})"
        )
    if not said:
        said = "the same overrides, but the configs differ (the model's defaults or conf/ changed since)"
    return f"{said} ({counts})"


def _run_folders(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))


def _runs_difference(folder: Path, plan: SweepPlan) -> str | None:
    """A numbered run folder that does not belong to this plan's job of the same number, described; or None."""
    import yaml

    for run in _run_folders(folder):
        num = int(run.name)
        if num >= len(plan.jobs):
            return f"it holds run {num}, and this sweep has only {len(plan.jobs)} jobs (0 to {len(plan.jobs) - 1})"
        job = plan.jobs[num]
        try:
            summary = json.loads((run / "summary.json").read_text())
            held = summary["provenance"]["config_hash"]
        except (OSError, ValueError, KeyError, TypeError):
            summary, held = {}, None  # not finished (or damaged): sim.run reruns it if it is this job
        try:
            ran = yaml.safe_load((run / ".hydra" / "overrides.yaml").read_text()) or []
        except (OSError, yaml.YAMLError):
            ran = None
        if held is not None and held != job.config_hash:
            what = f" ({' '.join(map(str, ran))})" if ran else ""
            return (
                f"run {num} holds config {held}{what}; this sweep's job {num} is config {job.config_hash} "
                f"({' '.join(job.overrides)})"
            )
        if held is None and ran is not None and [str(o) for o in ran] != job.overrides:
            started = " ".join(map(str, ran))
            return f"run {num} was started with {started}; this sweep's job {num} is {' '.join(job.overrides)}"
        if held is not None and summary.get("provenance", {}).get("source_sha") != source_fingerprint():
            return other_model(run, summary)
    return None


def other_model(run: Path, summary: dict[str, Any]) -> str:
    """What `folder_difference` says of a finished run of the same config made by other code (another source)."""
    from sim.results.outputs import fingerprint_text, made_by
    from sim.results.provenance import model_fingerprint

    return (
        f"{OTHER_MODEL}: run {run.name} was made by {fingerprint_text(made_by(summary))}, "
        f"the model now is {fingerprint_text(model_fingerprint())}; its results are not reused"
    )


def folder_difference(folder: Path, plan: SweepPlan) -> str | None:
    """Why `folder` cannot take this sweep (it holds another one), or None (free, or this same sweep)."""
    folder = Path(folder)
    if not folder.exists():
        return None
    if not folder.is_dir():
        return "it is a file, not a folder"
    manifest = read_manifest(folder)
    if manifest is not None:
        said = _manifest_difference(manifest, plan)
        if said is not None:
            return said
    return _runs_difference(folder, plan)


def _beside(base: Path, plan: SweepPlan) -> Path:
    """The first of `<base>-2`, `<base>-3`, ... that is free or already holds this same sweep."""
    for i in count(2):
        candidate = base.with_name(f"{base.name}-{i}")
        try:
            if folder_difference(candidate, plan) is None:
                return candidate
        except SweepError:
            continue
    raise AssertionError("unreachable")


def choose_folder(base: Path, plan: SweepPlan, force_new: bool) -> Path:
    """The folder this sweep goes to: `base` if free or holding this same sweep; else beside it, or SweepError."""
    base = Path(base)
    try:
        said = folder_difference(base, plan)
    except SweepError as err:
        said = str(err)
    if said is None:
        return base
    if force_new:
        return _beside(base, plan)
    what = said if said.startswith(OTHER_MODEL) else f"another sweep: {said}"
    raise SweepError(
        f"{base} holds {what}. Refused, so that no result is overwritten or mixed; nothing was "
        f"written. To keep both, add {FORCE_NEW_FLAG} to write this sweep beside it, in {_beside(base, plan)}, "
        "or give another folder (hydra.sweep.dir=...; experiment drivers: --sweep-dir)",
        EXIT_OTHER_SWEEP,
    )


def completed_jobs(folder: Path, plan: SweepPlan) -> int:
    """How many of the plan's jobs already have their summary in `folder` (they will be skipped)."""
    from sim.results.outputs import completed_summary

    return sum(completed_summary(Path(folder) / str(j.num), j.config_hash) is not None for j in plan.jobs)


def write_manifest(folder: Path, plan: SweepPlan) -> Path:
    """Record in `folder/sweep.json` (atomically) what the folder holds: the overrides and each job's config."""
    from sim import __version__
    from sim.results.provenance import model_fingerprint, write_json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SWEEP_MANIFEST
    write_json(
        path,
        {
            "format": MANIFEST_FORMAT,
            "about": "the one sweep this folder holds; a different sweep sent here is refused (sim.launch.sweeps)",
            "overrides": plan.overrides,
            "scoped": plan.scoped,
            "arm_key": plan.arm_key,
            "jobs": [
                {"num": j.num, "overrides": j.overrides, "scoped": j.scoped, "config_hash": j.config_hash}
                for j in plan.jobs
            ],
            "version": __version__,
            **model_fingerprint(),  # the model the sweep started with; each run records its own
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return path


# ------------------------------------------------------------------ which overrides reach which arm


def _firewall_fields() -> tuple[str, ...]:
    """The policy fields a paired run takes from its own run (`sim.launch.simulate.RUN_FIELDS`)."""
    from sim.launch.simulate import RUN_FIELDS

    return tuple(f"{ARM_KEY}.{f}" for f in RUN_FIELDS)


def arm_report(plan: SweepPlan) -> tuple[list[str], list[str]]:
    """(lines, warnings) saying which overrides reach which regime; nothing when the sweep runs one regime.

    Printed before any job runs, so that an override meant for one regime that reaches them all is seen
    before the runs, not afterwards in identical rows.
    """
    arms: dict[str, list[Job]] = {}
    for job in plan.jobs:
        arm = _value(job.overrides, plan.arm_key)
        if arm is not None:
            arms.setdefault(arm, []).append(job)
    if len(arms) < 2:
        return [], []

    def fixed(jobs: list[Job]) -> dict[str, str]:
        """The overrides every job of `jobs` has, with the same value."""
        first = {override_key(o): o for o in jobs[0].overrides}
        return {
            k: o
            for k, o in first.items()
            if k != plan.arm_key and all(_value(j.overrides, k) == o.partition("=")[2] for j in jobs)
        }

    per_arm = {arm: fixed(jobs) for arm, jobs in arms.items()}
    common = {k: o for k, o in next(iter(per_arm.values())).items() if all(p.get(k) == o for p in per_arm.values())}
    keys = dict.fromkeys(override_key(o) for j in plan.jobs for o in j.overrides)
    swept = [
        k
        for k in keys
        if k != plan.arm_key and k not in common and len({_value(j.overrides, k) for j in plan.jobs}) > 1
    ]
    width = max(len(a) for a in arms) + 2
    lines = [f"Overrides by regime ({plan.arm_key}=...), before any run:"]
    lines.append(
        f"  {'every regime:':<{width}} {' '.join(common.values()) or '-'}"
        + (f"   [swept: {', '.join(swept)}]" if swept else "")
    )
    for arm, jobs in arms.items():
        own = [o for k, o in per_arm[arm].items() if k not in common]
        own += [f"{split_scoped(s)[1]} (scoped)" for s in jobs[0].scoped]  # type: ignore[index]
        lines.append(f"  {arm + ':':<{width}} {' '.join(own) or '(nothing of its own)'}")
    policy_wide = [o for k, o in common.items() if k.startswith(f"{plan.arm_key}.")]
    baselines = sorted({j.baseline for j in plan.jobs if j.paired})
    if baselines:
        own_fields = _firewall_fields()
        kept_off = [o for o in policy_wide if not override_key(o).startswith(own_fields)]
        files = ", ".join(f"conf/policy/{b}.yaml" for b in baselines)
        lines.append(
            f"  paired {'/'.join(baselines)} run of each job: the overrides of its run, except policy fields other "
            f"than {', '.join(own_fields)} (the rest of its policy is {files})"
            + (f"; so not {' '.join(kept_off)}" if kept_off else "")
        )
    warnings = [
        f"warning: {o} reaches every regime of this sweep ({', '.join(arms)}), whatever each regime's own file "
        f"says; to give it to one regime only, scope it: <regime>:{o} (e.g. {_example_arm(list(arms), o)}:{o})"
        for o in policy_wide
    ]
    return lines, warnings


def _example_arm(arms: list[str], override: str) -> str:
    """The regime whose own file sets the override's field (the one it is likely meant for), else the first."""
    from sim.config.paths import policy_file

    path = override_key(override).split(".")[1:]
    for arm in arms:
        try:
            node: Any = policy_file(arm)
        except (OSError, ValueError, KeyError):
            continue
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return arm
    return arms[0]


# ------------------------------------------------------------------ the guard


def _redirect(master: DictConfig, folder: Path) -> None:
    """Send the sweep to `folder`: the sweeper reads hydra.sweep.dir, and each job's config is recomposed from
    hydra.overrides.hydra, so both change."""
    with read_write(master.hydra), open_dict(master.hydra):
        master.hydra.sweep.dir = str(folder)
        kept = [str(o) for o in master.hydra.overrides.hydra if override_key(str(o)) != "hydra.sweep.dir"]
        master.hydra.overrides.hydra = [*kept, f"hydra.sweep.dir={_quoted(str(folder))}"]


def _use_scoped(master: DictConfig, folder: Path, rules: dict[str, dict[str, Any]]) -> None:
    """Write the scoped overrides into the sweep folder's config folder and put it on every job's search path."""
    conf_dir = folder / SCOPED_DIR
    write_arm_configs(conf_dir, rules)
    scoped = _with_searchpath(master, conf_dir)
    with read_write(master.hydra), open_dict(master.hydra):
        master.hydra.overrides.hydra = scoped.hydra.overrides.hydra
        master.hydra.searchpath = scoped.hydra.searchpath


def guard_sweep(master: DictConfig, loader: Any, scoped: Sequence[str] = (), force_new: bool = False) -> Path:
    """Check every job, choose the folder, record the sweep there and say which overrides reach which regime.

    Returns the folder; raises SweepError when the sweep must not start (nothing is written then).
    """
    target = str(master.hydra.sweeper.get("_target_", ""))
    if target != "hydra._internal.core_plugins.basic_sweeper.BasicSweeper":
        raise SweepError(
            f"hydra.sweeper is {target}: the sweep guard lists jobs as Hydra's basic sweeper does, and cannot "
            "check another sweeper's jobs or guard its folder; use the basic sweeper",
            EXIT_INVALID,
        )
    plan, rules = plan_sweep(loader, master, scoped)
    lines, warnings = arm_report(plan)  # before the folder check: a refused sweep's overrides are seen too
    for line in lines:
        print(line, flush=True)
    for line in warnings:
        print(line, file=sys.stderr, flush=True)
    base = Path(str(master.hydra.sweep.dir))
    folder = choose_folder(base, plan, force_new)
    done = completed_jobs(folder, plan) if folder.exists() else 0
    if folder != base:
        _redirect(master, folder)
    if read_manifest(folder) is None:
        write_manifest(folder, plan)
    if rules:
        _use_scoped(master, folder, rules)
    where = f"{folder} (beside {base}, which holds another sweep)" if folder != base else str(folder)
    state = f"resuming: {done} of {len(plan.jobs)} already complete" if done else "starting"
    print(f"uptake-sim: {len(plan.jobs)} jobs checked; sweep folder {where}; {state}", flush=True)
    out = os.environ.get(SWEEP_DIR_ENV)
    if out:
        from sim.results.provenance import write_atomic

        write_atomic(Path(out), lambda tmp: tmp.write_text(str(folder.absolute())))
    return folder
