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

    python -m experiments.levers [--seeds 4] [--people 20000] [--weeks 104] [--figures DIR]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.stats import interval_text, mean_intervals, spread_carries
from experiments.common import behavior_record, figures_folder, update_manifest
from sim import __version__
from sim.config import NEEDS
from sim.config.compose import default_config
from sim.config.paths import BASELINE, ROOT, regimes
from sim.results.provenance import config_hash, model_fingerprint, write_atomic

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


def _behavior_record() -> dict:
    """MANIFEST.json's record of the behaviour every lever run uses (`BEHAVIOR`), as the sweeps record theirs."""
    b = default_config(POLICY, behavior=BEHAVIOR).behavior
    runs = pd.DataFrame(
        [{"behavior.posterior_file": b.posterior_file, "behavior.transfer_uncertain": b.transfer_uncertain}]
    )
    return behavior_record(runs)


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


def lever_table(seeds: int, people: int, weeks: int, n_jobs: int) -> pd.DataFrame:
    from joblib import Parallel, delayed

    jobs = [
        (lever, label, regime, overrides, seed)
        for lever, settings in LEVERS.items()
        for label, regime, overrides in settings
        for seed in range(seeds)
    ]
    rows = Parallel(n_jobs=n_jobs)(delayed(_paired)((r, o, s, people, weeks)) for _, _, r, o, s in jobs)
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


def surge_table(seeds: int, people: int, n_jobs: int, week: int = 40, region: int = 0) -> pd.DataFrame:
    from joblib import Parallel, delayed

    base = {"population.n_regions": 2, "policy.start_week": 0, **FLAT}
    opening = f"[{{week: {week}, region: {region}, increment: 0.6}}]"
    arms = {"no opening": base, "opening (+0.6 presence)": {**base, "enforcement.openings": opening}}
    jobs = [(arm, kw, seed) for arm, kw in arms.items() for seed in range(seeds)]
    rows = Parallel(n_jobs=n_jobs)(delayed(_regional_misses)((kw, s, people, week, region)) for _, kw, s in jobs)
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
    parser = argparse.ArgumentParser(prog="python -m experiments.levers", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--figures",
        type=Path,
        default=None,
        help="folder for the CSVs (default: a new folder outputs/levers/<date_time>; figures/ only when named)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = figures_folder(args.figures, ROOT / "outputs" / "levers" / time.strftime("%Y-%m-%d_%H-%M-%S"))
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        _write(lever_table(args.seeds, args.people, args.weeks, args.jobs), out / "levers.csv"),
        _write(surge_table(max(args.seeds, 3), max(args.people // 3, 3000), args.jobs), out / "levers_surge.csv"),
        _write(group_sizes(), out / "group_sizes.csv"),
    ]
    wall = time.perf_counter() - start
    entry = {
        "experiment": "levers",
        "seeds": list(range(args.seeds)),
        "people": args.people,
        "weeks": args.weeks,
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
    print(f"\n[levers] {out}; {wall:.0f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
