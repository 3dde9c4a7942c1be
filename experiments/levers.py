"""Does every lever move the outcome, and which way? Paired runs, one lever at a time, with the agents behind them.

Writes three CSVs into the figures folder (`--figures`; default a new folder outputs/levers/<date_time>), and
MANIFEST.json entries there with the code that made them (commit, `dirty`, `source_sha`):

- `levers.csv`: for each lever setting, the uptake loss against the paired
  firewall run (pp: final week and mean over weeks), encounters at the
  agency and community arrests per run; mean over seeds and the 95%
  confidence interval of that mean. Every run is the calibrated model
  (`behavior=posterior`: one posterior draw and one announcement transfer per
  seed), and every setting of a lever uses the same seeds, so the same draws;
- `levers_surge.csv`: an ICE office opening in one region: missed benefit
  appointments there in the 8 weeks after against the 8 weeks before, with
  and without the opening, on the same seeds;
- `group_sizes.csv`: eligible agents and people represented by household
  type at the default population (50,000 people, seed 0).

    python -m experiments.levers [--seeds 4] [--people 20000] [--weeks 104] [--figures DIR] [--tiny]

Sizes in conf/experiment/sizes/levers.yaml (`--tiny`: a check in seconds). Every run's config is composed and
validated before the first runs: a bad one stops the command with one line and exit status 2, nothing written.
The runs done so far are kept in `levers.checkpoint.jsonl` in the figures folder until the tables are written,
so the same command with the same `--figures` goes on after a stop (`experiments.design.run_points`).
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.stats import interval_text, mean_intervals, spread_carries
from experiments import design
from experiments.common import behavior_record, figures_folder, update_manifest
from sim import __version__
from sim.config import NEEDS, Config, validate
from sim.config.compose import default_config
from sim.config.paths import BASELINE, ROOT, regimes
from sim.results.provenance import config_hash, model_fingerprint, write_atomic

NAME = "levers"
CHECKPOINT = "levers.checkpoint.jsonl"  # the runs done so far, beside the tables: a stopped run resumes
POLICY = "appointment_disclosure"
BEHAVIOR = "posterior"  # the calibrated model: one posterior draw per seed
FLAT = {"enforcement.growth_per_year": 0.0}
REMOTE = {f"policy.remote_share.{k}": 0.5 for k in NEEDS if k not in ("ssn", "interpreter")}
OUTREACH = {"policy.outreach_week": 12, "policy.outreach_weeks": 52, "policy.outreach_reach": 0.3}
# lever -> [(setting label, regime, overrides)], in rising order of the lever
LEVERS: dict[str, list[tuple[str, str, dict]]] = {
    "stated disclosure (policy.rules.disclosure_prob)": [
        (f"{p:g}", POLICY, {"policy.rules.disclosure_prob": p}) for p in (0.0, 0.4, 0.8, 1.0)
    ],
    "ICE presence (enforcement.base_presence, no growth)": [
        (f"{p:g}", POLICY, {**FLAT, "enforcement.base_presence": p}) for p in (0.1, 0.3, 0.6)
    ],
    "record-keeping (policy.rules.records_kept)": [
        (str(k).lower(), POLICY, {"policy.rules.records_kept": k}) for k in (False, True)
    ],
    "outreach (reach 0.3 a week from week 12 for 52 weeks)": [("none", POLICY, {}), ("on", POLICY, OUTREACH)],
    "remote service (half of reviews and deposit changes)": [("none", POLICY, {}), ("half", POLICY, REMOTE)],
    "regime": [(r, r, {}) for r in regimes() if r != BASELINE],
}


@dataclass(frozen=True)
class Size:
    seeds: int  # seeds 0..seeds-1 of every lever setting
    people: int
    weeks: int
    n_jobs: int


FULL = design.load_size(NAME, Size, "full")  # conf/experiment/sizes/levers.yaml
TINY = design.load_size(NAME, Size, "tiny")


def _behavior_record() -> dict:
    """MANIFEST.json's record of the behaviour every lever run uses (`BEHAVIOR`), as the sweeps record theirs."""
    b = default_config(POLICY, behavior=BEHAVIOR).behavior
    runs = pd.DataFrame(
        [{"behavior.posterior_file": b.posterior_file, "behavior.transfer_uncertain": b.transfer_uncertain}]
    )
    return behavior_record(runs)


@lru_cache(maxsize=64)
def _composed(regime: str, overrides: tuple[tuple[str, object], ...], paired: bool) -> Config:
    """A run's config without its seed, composed once per process: the seeds of a setting share it."""
    extra = {"paired": True} if paired else {}
    return default_config(regime, seed=0, behavior=BEHAVIOR, **extra, **dict(overrides))


def _check(regime: str, overrides: dict, seed: int, paired: bool = True) -> Config:
    """The config a run makes (`_paired`, `_regional_misses`), validated and its memory checked: every run
    checked before any runs."""
    from sim.model.build.resources import check_resources

    cfg = copy.deepcopy(_composed(regime, tuple(overrides.items()), paired))
    cfg.seed = seed
    return check_resources(validate(cfg))


def _paired(job: tuple[str, dict, int, int, int]) -> dict:
    from sim.launch.simulate import run_scenario

    regime, overrides, seed, people, weeks = job
    cfg = default_config(
        regime,
        seed=seed,
        paired=True,
        behavior=BEHAVIOR,
        **{"population.n_people": people, "weeks": weeks, **overrides},
    )
    m = run_scenario(cfg).summary["metrics"]
    return {
        "seed": seed,
        "config_hash": config_hash(cfg),
        "loss_final_pp": m["uptake_loss_final_pp"],
        "loss_mean_pp": m["uptake_loss_mean_pp"],
        "encounters_at_agency": m["encounters"],
        "community_arrests": m["arrests"],
    }


def _regional_misses(job: tuple[dict, int, int, int, int]) -> dict:
    from sim.launch.simulate import build_model
    from sim.model.data.state import OUTCOME_MISSED, SSN

    overrides, seed, people, week, region = job
    model = build_model(
        default_config(
            POLICY, seed=seed, behavior=BEHAVIOR, **{"population.n_people": people, "weeks": week + 8, **overrides}
        )
    )
    w, misses = model.world, []
    for _ in range(week + 8):
        model.step()
        due = w.work.due
        missed = (w.people.outcome[due] == OUTCOME_MISSED) & (w.people.need[due] != SSN)
        misses.append(int((missed & (w.person_region[due] == region)).sum()))
    return {
        "seed": seed,
        "missed_agents_8wk_before": sum(misses[week - 8 : week]),
        "missed_agents_8wk_after": sum(misses[week : week + 8]),
    }


def lever_jobs(seeds: int) -> list[tuple[str, str, str, dict, int]]:
    """(lever, setting, regime, overrides, seed) of every lever run, in the table's order."""
    return [
        (lever, label, regime, overrides, seed)
        for lever, settings in LEVERS.items()
        for label, regime, overrides in settings
        for seed in range(seeds)
    ]


def surge_jobs(seeds: int, week: int = 40, region: int = 0) -> list[tuple[str, dict, int]]:
    """(arm, overrides, seed) of every surge run: the same seeds with and without an ICE office opening."""
    base = {"population.n_regions": 2, "policy.start_week": 0, **FLAT}
    opening = f"[{{week: {week}, region: {region}, increment: 0.6}}]"
    arms = {"no opening": base, "opening (+0.6 presence)": {**base, "enforcement.openings": opening}}
    return [(arm, kw, seed) for arm, kw in arms.items() for seed in range(seeds)]


def check(seeds: int, people: int, weeks: int, surge_seeds: int, surge_people: int, week: int = 40) -> None:
    """Every run of both tables composed and validated, before the first runs (ConfigError on the first bad one)."""
    size = {"population.n_people": people, "weeks": weeks}
    design.check_points([(r, {**size, **o}, s) for _, _, r, o, s in lever_jobs(seeds)], _check, "lever run")
    surge = {"population.n_people": surge_people, "weeks": week + 8}
    design.check_points([(POLICY, {**surge, **kw}, s, False) for _, kw, s in surge_jobs(surge_seeds)], _check)


def lever_table(seeds: int, people: int, weeks: int, n_jobs: int, checkpoint: Path | None = None) -> pd.DataFrame:
    jobs = lever_jobs(seeds)
    rows = design.run_points(_paired, [((r, o, s, people, weeks),) for _, _, r, o, s in jobs], n_jobs, checkpoint)
    runs = pd.DataFrame([{"lever": j[0], "setting": j[1], **row} for j, row in zip(jobs, rows, strict=True)])
    metrics = ["loss_final_pp", "loss_mean_pp", "encounters_at_agency", "community_arrests"]
    out = []
    for (lever, setting), g in runs.groupby(["lever", "setting"], sort=False):
        row = {"lever": lever, "setting": setting, "seeds": len(g), "people": people, "weeks": weeks}
        for metric in metrics:
            iv = mean_intervals(g, [], metric).iloc[0]
            row[metric] = iv["mean"]
            row.update({f"{metric}_{k}": iv[k] for k in ("ci_lo", "ci_hi", "pi_lo", "pi_hi")})
        row["interval"] = interval_text(spread_carries(posterior=True, transfer=True))
        out.append(row)
    return pd.DataFrame(out)


def surge_table(
    seeds: int, people: int, n_jobs: int, week: int = 40, region: int = 0, checkpoint: Path | None = None
) -> pd.DataFrame:
    jobs = surge_jobs(seeds, week, region)
    rows = design.run_points(
        _regional_misses, [((kw, s, people, week, region),) for _, kw, s in jobs], n_jobs, checkpoint
    )
    df = pd.DataFrame([{"arm": a, **r} for (a, _, _), r in zip(jobs, rows, strict=True)])
    change = df["missed_agents_8wk_after"] - df["missed_agents_8wk_before"]
    df = df.assign(change_agents=change, region=region, opening_week=week, people=people)
    return df


def group_sizes(people: int = 50_000, seed: int = 0) -> pd.DataFrame:
    from sim.model.engine.week import UptakeModel
    from sim.results.outcomes import MIN_AGENTS

    model = UptakeModel(default_config(POLICY, seed=seed, **{"population.n_people": people, "weeks": 1}))
    model.step()
    w = model.weekly
    g = model.groups
    df = pd.DataFrame(
        {
            "household_type": g.household_type,
            "eligible_agents": w["eligible_agents"],
            "eligible_weighted": w["eligible"],
        }
    )
    out = df.groupby("household_type", sort=False).sum().reset_index()
    return out.assign(people=people, seed=seed, small_group_threshold_agents=MIN_AGENTS)


def _write(df: pd.DataFrame, path: Path) -> Path:
    write_atomic(path, lambda tmp: df.to_csv(tmp, index=False, float_format="%.6g"))
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m experiments.{NAME}", description=__doc__.splitlines()[0])
    design.add_options(
        parser, "tiny", "seeds", "people", "weeks", "jobs", "figures", tiny="a check in seconds (the tiny size)",
        figures="folder for the CSVs (default: a new folder outputs/levers/<date_time>; figures/ only when named)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with design.exit_on_bad_input(NAME):
        size = design.load_size(
            NAME, Size, "tiny" if design.wants_tiny(args) else "full", seeds=args.seeds, people=args.people,
            weeks=args.weeks, n_jobs=args.jobs,
        )  # fmt: skip
        surge_seeds, surge_people = max(size.seeds, 3), max(size.people // 3, 3000)
        check(size.seeds, size.people, size.weeks, surge_seeds, surge_people)
    out = figures_folder(args.figures, ROOT / "outputs" / NAME / time.strftime("%Y-%m-%d_%H-%M-%S"))
    checkpoint = out / CHECKPOINT
    tables = {
        "levers.csv": lever_table(size.seeds, size.people, size.weeks, size.n_jobs, checkpoint),
        "levers_surge.csv": surge_table(surge_seeds, surge_people, size.n_jobs, checkpoint=checkpoint),
        "group_sizes.csv": group_sizes(),
    }
    out.mkdir(parents=True, exist_ok=True)
    paths = [_write(df, out / name) for name, df in tables.items()]
    checkpoint.unlink(missing_ok=True)
    wall = time.perf_counter() - start
    entry = {
        "experiment": NAME,
        "seeds": list(range(size.seeds)),
        "people": size.people,
        "weeks": size.weeks,
        "version": __version__,
        **model_fingerprint(),  # the runs are made in this call, by this code
        "runtime_s": round(wall, 1),
    }
    calibrated, counts = _behavior_record(), "none: counts of the synthetic population, no behaviour is run"
    update_manifest(
        out,
        {
            p.stem: {**entry, "behavior": counts if p.stem == "group_sizes" else calibrated, "files": [p.name]}
            for p in paths
        },
    )
    for p in paths:
        print(f"\n{p}:\n{pd.read_csv(p).to_string(index=False)}")
    print(f"\n[{NAME}] {out}; {wall:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
