"""Hydra callbacks: fail early, with one clear line, before Hydra writes anything.

Hydra creates the run or sweep folder before any of our code runs, so an
unwritable location would otherwise surface as a traceback from inside
Hydra. `OutputCheck` runs before that and exits with status 3 naming the path.

`SweepGuard` runs at the start of every multirun, before the sweeper makes
the sweep folder: it checks every job's config (exit 2, naming the job and
the field, if one can never run), keeps the folder to one sweep (exit 4 if it
holds another; `--force-new` writes beside it), records the sweep in
`sweep.json`, gives scoped overrides to their regime only and says which
overrides reach which regime (`sim.launch.sweeps`). Before a single run, it looks
at the run folder (`check_run_folder`): the same run, finished by the same
source, is named and left alone (exit 0); another run there is refused
(exit 4), before Hydra rewrites its `.hydra/` files.
Hydra turns an exception raised in a callback into a warning and carries on,
so both exit themselves rather than raise.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra.core.global_hydra import GlobalHydra
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, open_dict, read_write

from sim.launch.errors import (
    EXIT_GUARD_FAILED,
    EXIT_INVALID,
    EXIT_OTHER_RUN,
    EXIT_UNWRITABLE,
    SweepError,
    error_line,
)
from sim.launch.posterior import apply_posterior
from sim.launch.simulate import prepare
from sim.launch.sweeps.guard import guard_sweep
from sim.results.outputs import SUMMARY, completed_summary, fingerprint_text, made_by
from sim.results.provenance import config_hash, model_fingerprint


def unwritable_reason(path: Path) -> str | None:
    """Why outputs cannot go to `path` (probing its nearest existing ancestor), or None if they can."""
    probe = Path(path).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a folder"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".uptake-sim-probe.", dir=probe)
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        return f"{probe}: {err.strerror or err}"
    return None


def exit_unwritable(path: Path, reason: str) -> None:
    print(f"uptake-sim: cannot write outputs to {path}: {reason}", file=sys.stderr)
    sys.exit(EXIT_UNWRITABLE)


class OutputCheck(Callback):
    """Check that the run (or sweep) folder can be written before Hydra creates it."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(Path(str(config.hydra.run.dir)))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(Path(str(config.hydra.sweep.dir)))

    @staticmethod
    def _check(path: Path) -> None:
        reason = unwritable_reason(path)
        if reason is not None:
            exit_unwritable(path, reason)


class SweepGuard(Callback):
    """Before any job of a multirun: check every job, keep the folder to one sweep, record it (`sim.launch.sweeps`).

    `scoped` holds the `<regime>:<key>=<value>` overrides and `force_new` says to write beside a folder that
    holds another sweep (`python -m sim.run` fills both from the command line: `sim.launch.sweeps.words.command_line`).
    """

    def __init__(self, scoped: Sequence[str] = (), force_new: bool = False) -> None:
        self.scoped = [str(s) for s in (scoped or [])]
        self.force_new = bool(force_new)

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._refuse_sweep_words()
        check_run_folder(config)

    def _refuse_sweep_words(self) -> None:
        if self.scoped or self.force_new:
            given = " ".join([*self.scoped, *(["--force-new"] if self.force_new else [])])
            print(
                f"uptake-sim: {given}: scoped overrides and --force-new apply to a sweep over several regimes "
                "(python -m sim.run -m ...); a single run takes plain overrides",
                file=sys.stderr,
            )
            sys.exit(EXIT_INVALID)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            guard_sweep(config, GlobalHydra.instance().config_loader(), self.scoped, self.force_new)
        except SweepError as err:
            print(f"uptake-sim: {err}", file=sys.stderr)
            sys.exit(err.exit_code)
        except OSError as err:
            exit_unwritable(Path(str(config.hydra.sweep.dir)), str(err.strerror or err))
        except Exception as err:  # an unchecked sweep must not start (Hydra would only warn and go on)
            print(
                f"uptake-sim: the sweep could not be checked before it starts: {type(err).__name__}: {err}",
                file=sys.stderr,
            )
            sys.exit(EXIT_GUARD_FAILED)


def job_hash(cfg: DictConfig) -> str:
    """The config hash a run of `cfg` records (its seed's posterior draw applied); raises what `sim.run` stops on."""
    return config_hash(apply_posterior(prepare(cfg, warn=False))[0])


def run_folder_verdict(out_dir: Path, chash: str, overrides: Sequence[str]) -> tuple[int, str] | None:
    """What a single run into `out_dir` must do, as (exit status, one line); None when the folder is free.

    A finished run of this config by this source: exit 0, naming it (nothing is rerun or rewritten). A finished
    run of another config or made by another source, or a run started with other overrides: exit 4, naming the
    folder and the difference, so that Hydra does not rewrite its files.
    """
    out_dir = Path(out_dir)
    advice = "Refused, so that nothing of it is overwritten; nothing was written. Give another hydra.run.dir"
    try:
        summary = json.loads((out_dir / SUMMARY).read_text())
        prov = summary["provenance"]
        held, by = str(prov["config_hash"]), made_by(summary)
    except (OSError, ValueError, KeyError, TypeError):
        summary = None
    if summary is not None:
        done = completed_summary(out_dir, chash)
        if done is not None:
            return 0, (
                f"uptake-sim: {out_dir} already holds this run, complete (config {chash}, seed {prov.get('seed')}, "
                f"policy {prov.get('policy')}, {fingerprint_text(by)}); nothing was rerun or rewritten: "
                f"{out_dir / SUMMARY}"
            )
        if held != chash:
            return EXIT_OTHER_RUN, (
                f"uptake-sim: {out_dir} holds another run (config {held}, seed {prov.get('seed')}, policy "
                f"{prov.get('policy')}); this run is config {chash}. {advice}"
            )
        return EXIT_OTHER_RUN, (
            f"uptake-sim: {out_dir} holds this config's run made by another model ({fingerprint_text(by)}; the "
            f"model now is {fingerprint_text(model_fingerprint())}); its results are not reused. {advice}"
        )
    try:
        started = yaml.safe_load((out_dir / ".hydra" / "overrides.yaml").read_text()) or []
    except (OSError, yaml.YAMLError):
        return None
    if [str(o) for o in started] != list(overrides):
        return EXIT_OTHER_RUN, (
            f"uptake-sim: {out_dir} holds a run started with {' '.join(map(str, started)) or 'no overrides'}; "
            f"this run is {' '.join(overrides) or 'without overrides'}. {advice}"
        )
    return None  # the same run, not finished: it runs again


def check_run_folder(config: DictConfig) -> None:
    """Before Hydra writes into a single run's folder: leave with one line if it holds a run (`run_folder_verdict`)."""
    out_dir = Path(str(config.hydra.run.dir))
    if not ((out_dir / SUMMARY).exists() or (out_dir / ".hydra" / "overrides.yaml").exists()):
        return  # nothing of a run there: Hydra's files and the outputs overwrite nothing
    overrides = [str(o) for o in config.hydra.overrides.task]
    job_cfg = copy.deepcopy(config)
    with read_write(job_cfg), open_dict(job_cfg):
        job_cfg.pop("hydra", None)
    try:
        chash = job_hash(job_cfg)
    except Exception as err:  # invalid input: sim.run's own check names it, and the folder is still looked after
        print(f"uptake-sim: invalid config: {error_line(err)}", file=sys.stderr)
        sys.exit(EXIT_INVALID)
    verdict = run_folder_verdict(out_dir, chash, overrides)
    if verdict is not None:
        code, line = verdict
        print(line, file=sys.stderr if code else sys.stdout, flush=True)
        sys.exit(code)
