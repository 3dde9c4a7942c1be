"""Validation: what the calibrated model says about statistics it was not fitted to.

Parameters are drawn from the saved posterior, one draw per seed (as
`behavior=posterior` does), so each interval carries parameter uncertainty and
chance together. Nothing here feeds back into the fit. Four scenarios:

- `survey`: the calibration's directive, paired with the firewall: avoidance
  by family type (the calibration's definition) and the relative uptake loss
  of noncitizens over that of citizens.
- `reversal`: the directive, then a court blocks sharing everywhere at the
  survey date: avoidance 104 weeks later as a share of its peak.
- `surge`: the directive, and ICE presence jumps in half the regions: the
  missed-appointment rate in those regions 8 weeks after over 8 weeks before.
- `jurisdiction`: a court blocks sharing in half the regions; communities
  span regions, so both halves hold the same communities: uptake there minus
  elsewhere, in percentage points, over the last year.

    python -m experiments.validation [--tiny] [--posterior data/posterior/posterior.csv]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibrate import START, SURVEY_2018, TARGETS
from experiments.survey import Record, net_avoidance, track, uptake
from sim.config import Config, OfficeOpening, default_config
from sim.paths import ROOT
from sim.posterior import DEFAULT_POSTERIOR, apply_parameters, draw, load_posterior
from sim.simulate import paired_counterpart

KEYS = (
    "avoidance_all_citizen_immigrant",
    "avoidance_green_card_citizen",
    "avoidance_mixed_status",
    "persistence_104w",
    "surge_missed_ratio",
    "jurisdiction_gap_pp",
    "noncitizen_citizen_loss_ratio",
)
WINDOW = TARGETS["avoid_2018"].window
WINDOW_WEEKS = WINDOW[1] - WINDOW[0]
REVERSAL = SURVEY_2018
PERSISTENCE_LAG = 104
SURGE_WEEK = 100
SURGE_INCREMENT = 0.4
SURGE_SPAN = 8
HORIZON = REVERSAL + PERSISTENCE_LAG + 1


@dataclass(frozen=True)
class Size:
    n_people: int
    seeds: int
    n_jobs: int


FULL = Size(n_people=20_000, seeds=40, n_jobs=2)
TINY = Size(n_people=2_000, seeds=3, n_jobs=1)


@lru_cache(maxsize=8)
def _base(policy: str, n_people: int) -> Config:
    return default_config(policy, **{"population.n_people": n_people, "weeks": HORIZON})


def _config(policy: str, n_people: int, params: dict[str, float], seed: int) -> Config:
    cfg = apply_parameters(copy.deepcopy(_base(policy, n_people)), params)
    cfg.seed = seed
    return cfg


def half_regions(cfg: Config) -> list[int]:
    return list(range(cfg.population.n_regions // 2))


def survey_measures(rec: Record, base: Record) -> dict[str, float]:
    """Avoidance by family type at the survey date, and the noncitizen/citizen loss ratio."""
    out = {
        f"avoidance_{f}": net_avoidance(rec, base, f, *WINDOW)
        for f in ("all_citizen_immigrant", "green_card_citizen", "mixed_status")
    }
    after = slice(START, None)
    loss = {nc: 1.0 - uptake(rec, after, noncitizen=nc) / uptake(base, after, noncitizen=nc) for nc in (True, False)}
    out["noncitizen_citizen_loss_ratio"] = loss[True] / loss[False] if loss[False] > 0 else float("nan")
    return out


def persistence(rec: Record, base: Record) -> float:
    """Avoidance (trailing calibration window) 104 weeks after the reversal over its peak."""
    ends = range(START + WINDOW_WEEKS, REVERSAL + PERSISTENCE_LAG + 1)
    series = {t: net_avoidance(rec, base, "immigrant", t - WINDOW_WEEKS, t) for t in ends}
    peak = max(series.values())
    return series[REVERSAL + PERSISTENCE_LAG] / peak if peak > 0 else float("nan")


def surge_ratio(rec: Record, regions: list[int]) -> float:
    """Missed over due in the surge regions, 8 weeks after over 8 weeks before the surge."""

    def rate(weeks: slice) -> float:
        due = rec.due_region[weeks, regions].sum()
        return rec.missed_region[weeks, regions].sum() / due if due else float("nan")

    before = rate(slice(SURGE_WEEK - SURGE_SPAN, SURGE_WEEK))
    return rate(slice(SURGE_WEEK, SURGE_WEEK + SURGE_SPAN)) / before if before > 0 else float("nan")


def jurisdiction_gap(rec: Record, blocked: list[int], n_regions: int) -> float:
    """Uptake where a court blocks sharing minus elsewhere, percentage points, over the last year."""
    last_year = slice(HORIZON - 52, HORIZON)
    others = [r for r in range(n_regions) if r not in blocked]
    return 100.0 * (uptake(rec, last_year, np.array(blocked)) - uptake(rec, last_year, np.array(others)))


def one_seed(seed: int, params: dict[str, float], n_people: int) -> dict[str, float]:
    """All validation statistics for one seed and its posterior draw."""
    cfg = _config("appointment_disclosure", n_people, params, seed)
    base = track(paired_counterpart(cfg))
    out = survey_measures(track(cfg), base)

    rev = _config("injunction", n_people, params, seed)
    rev.policy.injunction_week, rev.policy.injunction_regions = REVERSAL, []
    out["persistence_104w"] = persistence(track(rev), base)

    surge = copy.deepcopy(cfg)
    regions = half_regions(cfg)
    surge.enforcement.openings = [OfficeOpening(SURGE_WEEK, r, SURGE_INCREMENT) for r in regions]
    out["surge_missed_ratio"] = surge_ratio(track(surge), regions)

    court = _config("injunction", n_people, params, seed)
    court.policy.injunction_week, court.policy.injunction_regions = REVERSAL, regions
    out["jurisdiction_gap_pp"] = jurisdiction_gap(track(court), regions, cfg.population.n_regions)
    return {"seed": seed, **params, **out}


def interval(values: pd.Series) -> dict[str, float]:
    """Median and 90% interval, ignoring runs where a ratio is undefined."""
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return {"median": float("nan"), "lo": float("nan"), "hi": float("nan")}
    lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
    return {"median": float(med), "lo": float(lo), "hi": float(hi)}


def validate_model(size: Size, posterior: str, out_dir: Path) -> dict[str, dict[str, float]]:
    """Run every seed with its posterior draw; write validation.json and the per-seed table."""
    from joblib import Parallel, delayed

    start = time.perf_counter()
    post = load_posterior(posterior)
    rows = Parallel(n_jobs=size.n_jobs)(delayed(one_seed)(s, draw(post, s), size.n_people) for s in range(size.seeds))
    runs = pd.DataFrame(rows)
    result = {k: interval(runs[k]) for k in KEYS}
    out_dir.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out_dir / "validation_runs.csv", index=False)
    (out_dir / "validation.json").write_text(json.dumps(result, indent=2) + "\n")
    meta = {"posterior": posterior, "size": size.__dict__, "wall_s": round(time.perf_counter() - start, 1)}
    (out_dir / "validation_meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return result


def table(result: dict[str, dict[str, float]]) -> str:
    lines = [f"{'statistic':<32}{'median':>10}{'90% interval':>24}"]
    for k, v in result.items():
        lines.append(f"{k:<32}{v['median']:>10.3f}      [{v['lo']:.3f}, {v['hi']:.3f}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Validation against statistics the model was not fitted to")
    parser.add_argument("--tiny", action="store_true", help="CI size")
    parser.add_argument("--posterior", default=DEFAULT_POSTERIOR, help="posterior particles (CSV)")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    args = parser.parse_args(argv)
    tiny = args.tiny or os.environ.get("UPTAKE_TINY", "") not in ("", "0")
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    out = args.out or ROOT / "outputs" / "validation" / (("tiny_" if tiny else "") + stamp)
    result = validate_model(TINY if tiny else FULL, args.posterior, out)
    print(table(result))
    print(f"\nValidation: {out / 'validation.json'}")
    return out


if __name__ == "__main__":
    # Run the importable module, so that parallel workers can unpickle its functions.
    from experiments.validation import main as _main

    _main()
