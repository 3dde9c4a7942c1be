"""The Hydra entry point: `python -m sim.run [overrides]`.

Composes conf/config.yaml, validates it, runs the scenario and writes its
outputs (`sim.results.outputs`: `timeseries.parquet`, `summary.json`, and with
`paired=true` the firewall counterpart's timeseries) into Hydra's run folder.
A dated event past the horizon is not an error: one line says it is not
reached, and the run goes ahead. So does a value outside a field's meaningful
range (a horizon under a year, a population under 1,000), with a one-line
warning on stderr saying what it understates. `--help` prints every field's
meaning, unit and ranges from the declarations in the schema modules of sim/config/
(`sim.config.help_text`; `--hydra-help` is Hydra's own). Invalid input exits with status 2 and one
message naming the field, the value and what is allowed, and leaves no
output folder behind; so does a malformed YAML file of the config search path
(`sim.launch.yaml_check`: the file, the line and the problem). A run folder that
already holds a run (`hydra.run.dir=...`) is never written into: a finished
run of the same config by the same source is named and left as it is (exit
0), any other run is refused with exit 4 (`sim.launch.callbacks.check_run_folder`).
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from sim.config import ConfigError
from sim.config.help_text import help_text
from sim.config.paths import CONF_DIR
from sim.config.store import register_configs
from sim.launch.callbacks import exit_unwritable
from sim.launch.errors import EXIT_INVALID, error_line
from sim.launch.posterior import apply_posterior
from sim.launch.simulate import prepare, print_warnings, run_scenario
from sim.launch.sweeps.words import hydra_words
from sim.launch.yaml_check import exit_on_malformed_yaml
from sim.model.engine.week import format_week
from sim.results.outputs import SUMMARY, completed_summary, save
from sim.results.provenance import config_hash
from sim.results.report import format_report

log = logging.getLogger("sim.run")
register_configs()


def _discard(out_dir: Path) -> None:
    """Remove a run folder that holds only Hydra's own files."""
    hydra_only = all(p.name == ".hydra" or p.suffix == ".log" for p in out_dir.iterdir()) if out_dir.exists() else False
    if hydra_only:
        shutil.rmtree(out_dir, ignore_errors=True)


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def main(cfg: DictConfig) -> float:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    try:
        config = prepare(cfg, warn=False)  # the checks run_config makes, before any output
    except (ConfigError, OmegaConfBaseException) as err:
        _discard(out_dir)
        print(f"uptake-sim: invalid config: {error_line(err)}", file=sys.stderr)
        sys.exit(EXIT_INVALID)
    multirun = hc.mode is not None and hc.mode.name == "MULTIRUN"
    print_warnings(config)  # the lines run_config prints: events past the horizon, a run too short or too small
    drawn = apply_posterior(config)[0]
    done = completed_summary(out_dir, config_hash(drawn))  # summaries hash the drawn config
    if done is not None:
        which = f"run {hc.job.num}" if multirun else f"run of config {done['provenance']['config_hash']}"
        log.info("%s already complete, skipped: %s", which, out_dir / SUMMARY)
        return done["metrics"]["uptake_final"]
    result = run_scenario(config)
    try:
        save(result, out_dir)
    except OSError as err:  # full disk, read-only or vanished folder: no summary.json, so the run counts as not done
        exit_unwritable(out_dir, str(err.strerror or err))
    metrics = result.summary["metrics"]
    if multirun:
        log.info("run %s done: uptake_final=%.4f -> %s", hc.job.num, metrics["uptake_final"], out_dir / SUMMARY)
    else:
        print(format_report(result.summary, result.timeseries, result.baseline))
        print(f"\nOutputs: {out_dir}")
    return metrics["uptake_final"]


def show_week() -> None:
    """`python -m sim.run --show-week`: print the week, phase by phase, and exit."""
    print(format_week())


if __name__ == "__main__":
    if "--show-week" in sys.argv[1:]:
        show_week()
        sys.exit(0)
    if {"--help", "-h"} & set(sys.argv[1:]):  # every field's meaning, unit and ranges, not Hydra's config dump
        print(help_text())
        sys.exit(0)
    exit_on_malformed_yaml(sys.argv[1:])  # one line naming the file and line, before Hydra makes any folder
    sys.argv[1:] = hydra_words(sys.argv[1:])  # --force-new and <regime>:<key>=<value> as Hydra overrides
    main()
