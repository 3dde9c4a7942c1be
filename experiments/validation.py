"""Validation: what the calibrated model says about statistics it was not fitted to.

Parameters come from the calibrated posterior, one draw per seed, exactly as
`behavior=posterior` draws them (`sim.launch.posterior.apply_posterior` on a config
with `behavior.posterior_file` set and `behavior.transfer_uncertain` true): each
seed draws one particle with its `posterior` stream and its own
`behavior.announcement_transfer` from the transfer's plausible range, so every
interval carries parameter uncertainty, the transfer and chance together. The
same draw serves every scenario of a seed. No parameter is tuned to these
statistics, and nothing here feeds back into the fit.

Family types are the survey's (Urban Institute WBNS), mapped onto the household
types the population builds (`sim.config.HOUSEHOLD_TYPES`, `sim.model.build.population`;
one mask per type from `experiments.survey.family_types`):

- `avoidance_all_citizen` -> `all_citizen_immigrant`: every member a citizen, at
  least one naturalized. Not `us_born` households, which the survey does not ask.
- `avoidance_lpr_citizen` -> `green_card_citizen`: lawful permanent residents
  (or refugees, whom the model files with them) with or without citizens,
  nobody undocumented or on a temporary visa.
- `avoidance_mixed_status` -> `mixed_status` + `visa_holder`: at least one
  member without legal status (`mixed_status`) or on a temporary student or
  work visa (`visa_holder`), whoever else lives there (about two thirds of the
  former and half of the latter hold a citizen).

Avoidance is the calibration's counterpart of the survey question, computed by
`experiments.survey.net_avoidance` (the one rule): the share of adults
(sampling weight x adults) whose family's decider, in some week of the window,
missed a benefit contact or skipped a clinic visit that the paired firewall run
on the same seed did not miss. Five runs per seed, each to `HORIZON` (178) weeks
(about 5 s of one core per seed at 20,000 people, so the full size's 60 seeds
take about 3 min on 2 cores; estimated under load, not timed on an idle machine):

- `survey`: the calibration's directive and its paired firewall run: avoidance
  by family type in the calibration's December 2018 window
  (`TARGETS["avoid_2018"].window`), and the noncitizens' relative uptake loss
  over the citizens', from the directive to the December 2020 wave.
- `reversal`: the directive, then a court blocks sharing everywhere at the
  2018 survey week: immigrant families' avoidance in a trailing window of the
  2018 window's length, 104 weeks after its peak as a share of the peak (the
  peak is the first week the trailing share reaches its maximum; measured from
  the peak, not from the court's order, while the share may still be rising).
- `surge`: the directive, and ICE presence jumps in half the regions at week
  100: the missed-appointment rate there 8 weeks after over 8 weeks before.
- `jurisdiction`: a court blocks sharing in half the regions at the 2018 survey
  week: uptake there minus elsewhere, in percentage points, over the year
  before the December 2020 wave (the 2020 window).

Outputs (each records the seeds, posterior file, model version, commit and wall
time): in the output folder `validation.json` (per statistic: what it is, unit,
mean, ci_lo, ci_hi (95% CI of the mean over seeds, t), pi_lo, pi_hi (5th and
95th percentiles over seeds, each its own draw), median, n; plus provenance),
`validation.csv` (the same, one row per statistic) and `validation_runs.csv`
(one row per seed: its draw and every statistic), each stamped with the code
that made it (commit, `dirty`, `source_sha`); the output folder is a new one
(outputs/validation/<stamp>) unless `--out` names one. With `--figures DIR`
also `DIR/validation.csv` (`make validation` names figures/). The old code compared no statistic with a published
figure, so the `published` and `published_source` columns are empty.

    python -m experiments.validation            # full: 20,000 people, 60 seeds, 2 processes: about 3 min
    python -m experiments.validation --tiny     # CI size: 3,000 people, 2 seeds: about 10 s
    python -m experiments.validation --posterior /path/to/posterior.csv --out DIR

Sizes in conf/experiment/sizes/validation.yaml. Every seed's scenarios are configured (validated) before the
first runs: a bad one stops the command with one line and exit status 2, nothing written. The seeds done so far
are kept in `validation.checkpoint.jsonl` in the output folder, so the same command with the same `--out` goes
on after a stop (`experiments.design.run_points`).
"""

from __future__ import annotations

import argparse
import copy
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import design
from experiments.calibration.targets import START, SURVEY_2018, SURVEY_2020, TARGETS
from experiments.survey import Record, net_avoidance, track, track_pair, uptake
from sim import MODEL_VERSION
from sim.config import Config, OfficeOpening
from sim.config.compose import default_config
from sim.config.params import TRANSFER
from sim.launch.posterior import DEFAULT_POSTERIOR, apply_posterior, require_posterior
from sim.results.intervals import t_half_width
from sim.results.provenance import model_fingerprint, write_atomic, write_json

KEYS = (
    "avoidance_all_citizen",
    "avoidance_lpr_citizen",
    "avoidance_mixed_status",
    "persistence_104w",
    "surge_missed_ratio",
    "jurisdiction_gap_pp",
    "noncitizen_citizen_loss_ratio",
)
# Each avoidance statistic's survey family type -> the household types (sim.config.HOUSEHOLD_TYPES) it covers.
FAMILIES: dict[str, tuple[str, ...]] = {
    "avoidance_all_citizen": ("all_citizen_immigrant",),
    "avoidance_lpr_citizen": ("green_card_citizen",),
    "avoidance_mixed_status": ("mixed_status", "visa_holder"),
}
WINDOW = TARGETS["avoid_2018"].window  # the calibration's December 2018 window
WINDOW_WEEKS = WINDOW[1] - WINDOW[0]
LAST_YEAR = TARGETS["avoid_2020_children"].window  # the twelve months before the December 2020 wave
LOSS_WEEKS = (START, SURVEY_2020)  # from the directive to the December 2020 wave
REVERSAL = SURVEY_2018
PERSISTENCE_LAG = 104
PEAK_ALLOWANCE = 26  # the trailing share's peak may fall this long after the reversal and still be followed 104 weeks
SURGE_WEEK = 100
SURGE_INCREMENT = 0.4
SURGE_SPAN = 8
HORIZON = REVERSAL + PEAK_ALLOWANCE + PERSISTENCE_LAG  # the last trailing window ends here
assert max(LAST_YEAR[1], LOSS_WEEKS[1], SURGE_WEEK + SURGE_SPAN) <= HORIZON

_AVOID = "share of adults in these families (sampling weight x adults)"
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "avoidance_all_citizen": (
        "all-citizen immigrant families (all_citizen_immigrant: every member a citizen, one or more naturalized): "
        "the decider missed a benefit contact or clinic visit the paired firewall run did not, in the 2018 window "
        f"(weeks {WINDOW[0]}-{WINDOW[1] - 1})",
        _AVOID,
    ),
    "avoidance_lpr_citizen": (
        "green-card holders and citizens (green_card_citizen: LPRs or refugees, nobody undocumented or on a "
        f"visa): avoided in the 2018 window (weeks {WINDOW[0]}-{WINDOW[1] - 1})",
        _AVOID,
    ),
    "avoidance_mixed_status": (
        "mixed-status families (mixed_status + visa_holder: a member without legal status or on a temporary "
        f"visa): avoided in the 2018 window (weeks {WINDOW[0]}-{WINDOW[1] - 1})",
        _AVOID,
    ),
    "persistence_104w": (
        f"court blocks sharing everywhere at week {REVERSAL}: immigrant families' avoidance (trailing "
        f"{WINDOW_WEEKS}-week window) {PERSISTENCE_LAG} weeks after its peak, over the peak",
        "ratio (share of the peak)",
    ),
    "surge_missed_ratio": (
        f"ICE presence +{SURGE_INCREMENT} in half the regions at week {SURGE_WEEK}: missed over due appointments "
        f"there, {SURGE_SPAN} weeks after over {SURGE_SPAN} weeks before",
        "ratio",
    ),
    "jurisdiction_gap_pp": (
        f"court blocks sharing in half the regions at week {REVERSAL}: uptake there minus elsewhere, weeks "
        f"{LAST_YEAR[0]}-{LAST_YEAR[1] - 1}",
        "percentage points",
    ),
    "noncitizen_citizen_loss_ratio": (
        "directive vs paired firewall: noncitizens' relative uptake loss over citizens', weeks "
        f"{LOSS_WEEKS[0]}-{LOSS_WEEKS[1] - 1}",
        "ratio",
    ),
}
# Published figures to set beside a statistic, with their source: the previous code compared none.
PUBLISHED: dict[str, tuple[float, str]] = {}
SUMMARY_COLUMNS = (
    "key", "what", "unit", "mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "n", "published", "published_source",
)  # fmt: skip
CI_LEVEL = 0.95  # confidence interval of the mean over seeds (t)
PI_LEVEL = 0.90  # predictive interval: 5th to 95th percentile of the seeds' values


CHECKPOINT = "validation.checkpoint.jsonl"  # the seeds done so far, in the output folder: a stopped run resumes
SCENARIOS = ("appointment_disclosure", "injunction")  # the regimes a seed's runs start from


@dataclass(frozen=True)
class Size:
    n_people: int
    seeds: int
    n_jobs: int


FULL = design.load_size("validation", Size, "full")  # conf/experiment/sizes/validation.yaml
TINY = design.load_size("validation", Size, "tiny")


# ------------------------------------------------------------------ configs


@lru_cache(maxsize=8)
def _base(policy: str, n_people: int, posterior: str) -> Config:
    """Composed once per process (Hydra's compose costs more than a small run's week)."""
    return default_config(
        policy,
        **{
            "population.n_people": n_people,
            "weeks": HORIZON,
            "behavior.posterior_file": posterior,
            "behavior.transfer_uncertain": True,
        },
    )


def scenario(policy: str, n_people: int, posterior: str, seed: int) -> tuple[Config, dict[str, float]]:
    """`policy` at validation size on `seed`, with the seed's posterior and transfer draws applied."""
    cfg = copy.deepcopy(_base(policy, n_people, posterior))
    cfg.seed = seed
    return apply_posterior(cfg)


def half_regions(cfg: Config) -> list[int]:
    return list(range(cfg.population.n_regions // 2))


# ------------------------------------------------------------------ statistics


def family_masks(families: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each avoidance statistic's households: the union of its household types' masks (`FAMILIES`)."""
    return {key: np.logical_or.reduce([families[t] for t in types]) for key, types in FAMILIES.items()}


def survey_measures(rec: Record, base: Record) -> dict[str, float]:
    """Avoidance by family type in the 2018 window, and the noncitizen/citizen loss ratio."""
    rec.families.update(family_masks(rec.families))
    base.families.update(family_masks(base.families))
    out = {key: net_avoidance(rec, base, key, *WINDOW) for key in FAMILIES}
    weeks = slice(*LOSS_WEEKS)
    loss = {nc: 1.0 - uptake(rec, weeks, noncitizen=nc) / uptake(base, weeks, noncitizen=nc) for nc in (True, False)}
    out["noncitizen_citizen_loss_ratio"] = loss[True] / loss[False] if loss[False] > 0 else float("nan")
    return out


def from_peak(series: pd.Series, lag: int = PERSISTENCE_LAG) -> tuple[float, float]:
    """(value `lag` weeks after the peak over the peak, the peak's week) of a series indexed by week.

    The peak is the first week the series reaches its maximum. NaN when the series never rises above 0 or
    ends before the lag is over.
    """
    s = series.dropna()
    if s.empty or s.max() <= 0:
        return float("nan"), float("nan")
    peak = int(s.idxmax())
    later = peak + lag
    if later not in s.index:
        return float("nan"), float(peak)
    return float(s[later] / s[peak]), float(peak)


def avoidance_series(rec: Record, base: Record, family: str = "immigrant") -> pd.Series:
    """Net avoidance in the trailing window of the 2018 window's length, by the week the window ends."""
    n_weeks = rec.missed.shape[0]
    ends = range(START + WINDOW_WEEKS, n_weeks + 1)
    return pd.Series({t: net_avoidance(rec, base, family, t - WINDOW_WEEKS, t) for t in ends}, dtype=float)


def persistence(rec: Record, base: Record) -> tuple[float, float]:
    """Immigrant families' avoidance 104 weeks after its peak over the peak, and the peak's week."""
    return from_peak(avoidance_series(rec, base))


def surge_ratio(rec: Record, regions: list[int]) -> float:
    """Missed over due in the surge regions, 8 weeks after over 8 weeks before the surge."""

    def rate(weeks: slice) -> float:
        due = rec.due_region[weeks, regions].sum()
        return rec.missed_region[weeks, regions].sum() / due if due else float("nan")

    before = rate(slice(SURGE_WEEK - SURGE_SPAN, SURGE_WEEK))
    return rate(slice(SURGE_WEEK, SURGE_WEEK + SURGE_SPAN)) / before if before > 0 else float("nan")


def jurisdiction_gap(rec: Record, blocked: list[int], n_regions: int) -> float:
    """Uptake where a court blocks sharing minus elsewhere, percentage points, over the 2020 window."""
    weeks = slice(*LAST_YEAR)
    others = [r for r in range(n_regions) if r not in blocked]
    return 100.0 * (uptake(rec, weeks, np.array(blocked)) - uptake(rec, weeks, np.array(others)))


def one_seed(seed: int, n_people: int, posterior: str) -> dict[str, Any]:
    """Every validation statistic for one seed and its posterior (and transfer) draw."""
    start = time.perf_counter()
    cfg, drawn = scenario("appointment_disclosure", n_people, posterior, seed)
    rec, base = track_pair(cfg)
    out: dict[str, Any] = survey_measures(rec, base)

    rev, rev_draw = scenario("injunction", n_people, posterior, seed)
    rev.policy.injunction_week, rev.policy.injunction_regions = REVERSAL, []
    out["persistence_104w"], out["persistence_peak_week"] = persistence(track(rev), base)

    surge = copy.deepcopy(cfg)
    regions = half_regions(cfg)
    surge.enforcement.openings = [OfficeOpening(SURGE_WEEK, r, SURGE_INCREMENT) for r in regions]
    out["surge_missed_ratio"] = surge_ratio(track(surge), regions)

    court, court_draw = scenario("injunction", n_people, posterior, seed)
    court.policy.injunction_week, court.policy.injunction_regions = REVERSAL, regions
    out["jurisdiction_gap_pp"] = jurisdiction_gap(track(court), regions, cfg.population.n_regions)
    if not drawn == rev_draw == court_draw:
        raise RuntimeError(f"seed {seed}: the scenarios drew different parameters")  # one draw per seed
    return {"seed": seed, **drawn, **out, "wall_s": round(time.perf_counter() - start, 2)}


# ------------------------------------------------------------------ summary and outputs


def intervals(values: np.ndarray) -> dict[str, float]:
    """Mean; its 95% CI over seeds (t); the 90% predictive interval (5th and 95th percentiles, numpy's linear
    interpolation); n. Undefined runs (NaN, infinite ratios) are left out; under two runs, no interval.
    The rule of the figures' tables (`analysis.stats`)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    out = {"mean": float(v.mean()) if n else float("nan")}
    if n > 1:
        half = float(t_half_width(v.std(ddof=1), n, CI_LEVEL))
        lo, hi = np.quantile(v, [(1 - PI_LEVEL) / 2, (1 + PI_LEVEL) / 2])
        out.update(ci_lo=out["mean"] - half, ci_hi=out["mean"] + half, pi_lo=float(lo), pi_hi=float(hi))
    else:
        out.update(ci_lo=float("nan"), ci_hi=float("nan"), pi_lo=float("nan"), pi_hi=float("nan"))
    return {**out, "n": n, "median": float(np.median(v)) if n else float("nan")}


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per statistic: what and unit, mean, both intervals, n, the published comparison, median."""
    rows = []
    for key in KEYS:
        what, unit = DESCRIPTIONS[key]
        published, source = PUBLISHED.get(key, (float("nan"), ""))
        stat = intervals(runs[key].to_numpy(dtype=float))
        median = stat.pop("median")
        rows.append(
            {"key": key, "what": what, "unit": unit, **stat, "published": published, "published_source": source,
             "median": median}
        )  # fmt: skip
    return pd.DataFrame(rows)


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda tmp: df.to_csv(tmp, index=False))


def validate_model(
    size: Size, posterior: str, out_dir: Path, figures_dir: Path | None = None, command: str = ""
) -> dict[str, Any]:
    """Run every seed with its draws; write validation.json, validation.csv and validation_runs.csv to
    `out_dir` (and validation.csv to `figures_dir`, when given). Returns what validation.json holds.

    A missing posterior, one fitted to another model, or a scenario that does not validate raises before any
    run, with nothing written."""
    start = time.perf_counter()
    made_by = model_fingerprint()  # the code that runs, read when it starts
    require_posterior(posterior)  # a missing file or another model's fit stops here, before any run
    seeds = list(range(size.seeds))
    design.check_points([(p, size.n_people, posterior, s) for s in seeds for p in SCENARIOS], scenario, "scenario")
    jobs = [(s, size.n_people, posterior) for s in seeds]
    rows = design.run_points(one_seed, jobs, size.n_jobs, out_dir / CHECKPOINT)
    runs = pd.DataFrame(rows)
    summary = summarise(runs)
    wall = round(time.perf_counter() - start, 1)
    prov = {
        "seeds": design.seed_text(seeds),
        "posterior": posterior,
        "model_version": MODEL_VERSION,
        "commit": made_by["git_commit"],
        "dirty": made_by["dirty"],
        "source_sha": made_by["source_sha"],
        "wall_s": wall,
    }
    result = {
        "statistics": {r["key"]: {k: v for k, v in r.items() if k != "key"} for r in summary.to_dict("records")},
        "intervals": "ci_lo to ci_hi: 95% CI of the mean over seeds (t); pi_lo to pi_hi: 90% predictive interval "
        "(5th to 95th percentile over seeds, each with its own posterior and transfer draw); n: seeds with a value",
        **prov,
        "seed_list": seeds,
        "transfer": f"{TRANSFER} drawn per seed from its plausible range",
        "size": asdict(size),
        "horizon_weeks": HORIZON,
        "command": command,
    }
    table = summary[list(SUMMARY_COLUMNS)].assign(**prov)
    runs = runs.assign(posterior=posterior, model_version=MODEL_VERSION, commit=prov["commit"])
    runs = runs.assign(dirty=prov["dirty"], source_sha=prov["source_sha"])
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(out_dir / "validation_runs.csv", runs)
    _write_csv(out_dir / "validation.csv", table)
    write_json(out_dir / "validation.json", result)
    if figures_dir is not None:
        _write_csv(figures_dir / "validation.csv", table)
    (out_dir / CHECKPOINT).unlink(missing_ok=True)
    return result


def table_text(result: dict[str, Any]) -> str:
    lines = [f"{'statistic':<32}{'mean':>9}   {'95% CI of mean':<20}{'90% predictive':<20}{'n':>4}"]
    for k, v in result["statistics"].items():
        lines.append(
            f"{k:<32}{v['mean']:>9.3f}   [{v['ci_lo']:.3f}, {v['ci_hi']:.3f}]".ljust(64)
            + f"[{v['pi_lo']:.3f}, {v['pi_hi']:.3f}]".ljust(20)
            + f"{v['n']:>4}"
        )
    lines.append(
        f"seeds {result['seeds']}; posterior {result['posterior']}; model version {result['model_version']}; "
        f"commit {result['commit']}; wall {result['wall_s']} s"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(
        prog="python -m experiments.validation", description="Validation against statistics the model was not fitted to"
    )
    design.add_options(parser, "tiny", tiny="CI size (a few seconds)")
    parser.add_argument("--posterior", default=DEFAULT_POSTERIOR, help="posterior particles (CSV)")
    design.add_options(
        parser, "out", "figures", out="output folder",
        figures="also write validation.csv here (e.g. figures; default: only --out)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    tiny = design.wants_tiny(args)
    out = design.output_folder("validation", args.out, tiny)
    figures_dir = args.figures  # figures/validation.csv only when named, as `make figures` names it
    command = design.command_line("validation", argv)
    with design.exit_on_bad_input("validation"):
        result = validate_model(TINY if tiny else FULL, args.posterior, out, figures_dir, command.strip())
    print(table_text(result))
    print(f"\nValidation: {out / 'validation.json'}")
    if figures_dir is not None:
        print(f"Table: {figures_dir / 'validation.csv'}")
    return out


if __name__ == "__main__":
    main()
