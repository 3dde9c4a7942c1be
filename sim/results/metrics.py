"""Per-run metrics of one run, and of a run against its paired firewall run, from the weekly tables.

Counts are weighted (people represented) and rounded to whole people;
uptake is a share, losses are in percentage points. `run_metrics` reads one
run's tables (`sim.results.outcomes`), `paired_metrics` a run's against its
paired counterpart on the same seed, `coverage_gap` the loss where a rule
applies against where it does not, `recovery` the loss after a court's
order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.config import NEEDS
from sim.model.build.population import CITIZEN, MIXED_STATUS
from sim.results.intervals import welch_half_width
from sim.results.outcomes import MIN_AGENTS, eligible_agents_by, small_groups, uptake_by, uptake_series


def citizen_children_without_benefit(m: Any) -> float:
    """Eligible US-citizen children in mixed-status households not receiving at the end (weighted)."""
    pop, p = m.pop, m.people
    mixed = pop.hh_type[pop.household] == MIXED_STATUS
    eligible = pop.eligible_ever & (pop.eligible_week <= m.week - 1)
    mask = pop.is_child & (pop.status == CITIZEN) & mixed & eligible & ~p.receiving
    return float(pop.weight[pop.household[mask]].sum())


def _take_up(df: pd.DataFrame) -> float | None:
    due = float(df["applications_due"].sum())
    return float(df["applications_made"].sum()) / due if due > 0 else None


def _uptake_by_region(regions: pd.DataFrame) -> dict[str, float]:
    """Final-week uptake by region (share), regions without eligible people left out."""
    return uptake_by(regions.assign(region=regions["region"].astype(str)), "region", int(regions["week"].max()))


def run_metrics(df: pd.DataFrame, children_lost: float, regions: pd.DataFrame | None = None) -> dict[str, Any]:
    """Headline metrics of one run (weighted counts, rounded to whole people represented; uptake as a share)."""
    uptake = uptake_series(df)
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    forgone = float(df["forgone_usd"].sum())

    def total(col: str) -> int:
        return int(round(float(df[col].sum())))

    return {
        "uptake_final": float(uptake.iloc[-1]),
        "uptake_mean": float(uptake.mean()),
        "take_up_applications": _take_up(df),
        "appointments_due": total("due"),
        "appointments_attended": total("attended"),
        "appointments_remote": total("remote"),
        "appointments_missed": total("missed"),
        "appointments_missed_by_need": {need: total(f"missed_{need}") for need in NEEDS},
        "benefit_appointments_due": total("benefit_due"),
        "benefit_appointments_attended": total("benefit_attended"),
        "benefit_appointments_missed": total("benefit_missed"),
        "requests": total("requests"),
        "disclosures": total("disclosures"),
        "encounters": total("encounters"),
        "arrests": total("arrests"),
        "clinic_encounters": total("clinic_encounters"),
        "clinic_visits": total("clinic_visits"),
        "benefits_paid_usd": float(df["paid_usd"].sum()),
        "benefits_forgone_usd": forgone,
        "forgone_usd_per_1000_eligible": 1000.0 * forgone / eligible_mean if eligible_mean else 0.0,
        "citizen_children_without_benefit": int(round(children_lost)),
        "uptake_final_by_group": uptake_by(df, "group", last),
        "uptake_final_by_household_type": uptake_by(df, "household_type", last),
        "eligible_by_group": eligible_agents_by(df, "group", last),
        "eligible_by_household_type": eligible_agents_by(df, "household_type", last),
        "small_groups": small_groups(df),
        "small_group_threshold_agents": MIN_AGENTS,
        **(_region_metrics(regions) if regions is not None else {}),
    }


def _region_metrics(regions: pd.DataFrame) -> dict[str, Any]:
    last = regions[regions["week"] == regions["week"].max()]
    agents = last.groupby("region")["eligible_agents"].sum()
    return {
        "uptake_final_by_region": _uptake_by_region(regions),
        "eligible_by_region": {str(k): int(v) for k, v in agents.items()},
    }


def coverage_gap(loss_by_region_pp: dict[str, float], covered: list[int], level: float = 0.95) -> dict[str, Any]:
    """Final-week loss in the regions a rule covers against the others, regions weighted equally (pp).

    The interval is Welch's t-interval of the difference of the two means
    across regions: it carries the spread between regions of one run, not
    the spread over seeds or parameters (None with fewer than two regions on
    a side).
    """
    covered_set = {int(r) for r in covered}
    inside = np.array([v for k, v in loss_by_region_pp.items() if int(k) in covered_set])
    outside = np.array([v for k, v in loss_by_region_pp.items() if int(k) not in covered_set])
    out: dict[str, Any] = {
        "covered_regions": sorted(int(r) for r in covered),
        "covered_loss_pp": float(inside.mean()) if len(inside) else None,
        "uncovered_loss_pp": float(outside.mean()) if len(outside) else None,
        "gap_pp": None,
        "gap_pp_ci": None,
        "interval": f"{level:.0%} Welch t-interval across regions (one run: between-region spread only)",
    }
    if len(inside) and len(outside):
        out["gap_pp"] = float(inside.mean() - outside.mean())
    welch = welch_half_width(inside, outside, level)
    if welch is not None:
        out["gap_pp_ci"] = [out["gap_pp"] - welch[1], out["gap_pp"] + welch[1]]
    return out


def _loss_by_region_pp(regions: pd.DataFrame, base_regions: pd.DataFrame) -> dict[str, float]:
    now, then = _uptake_by_region(regions), _uptake_by_region(base_regions)
    return {k: 100.0 * (then[k] - v) for k, v in now.items() if k in then}


def recovery(loss_pp: pd.Series, injunction_week: int) -> dict[str, Any]:
    """Recovery after an injunction, measured from the peak loss, not from the injunction week.

    The loss can go on rising after a court's order (conviction outlasts the
    news), so the peak is the largest loss at or after the injunction week;
    the half-life is the weeks from that peak until the loss first falls to
    half of it. A run that never gets there is reported as not recovered
    (`recovered: false`), never dropped.
    """
    out: dict[str, Any] = {"recovery_half_life_weeks": None, "recovered": None}
    if injunction_week < 0 or injunction_week > int(loss_pp.index.max()):
        return out
    after_court = loss_pp.loc[injunction_week:].dropna()
    if after_court.empty:  # nobody eligible: there is no loss to recover from
        return out
    peak_week = int(after_court.idxmax())
    peak = float(loss_pp.loc[peak_week])
    out.update(peak_loss_pp=peak, peak_loss_week=peak_week)
    if peak <= 0:
        return out
    after = after_court.loc[peak_week:]
    below = after[after <= peak / 2.0]
    out["recovered"] = bool(len(below))
    out["recovery_half_life_weeks"] = float(below.index[0] - peak_week) if len(below) else None
    return out


def paired_metrics(
    df: pd.DataFrame,
    base: pd.DataFrame,
    children_lost: float,
    base_children_lost: float,
    injunction_week: int,
    regions: pd.DataFrame | None = None,
    base_regions: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Metrics against the paired firewall run (same seed); losses in percentage points."""
    loss_pp = 100.0 * (uptake_series(base) - uptake_series(df))
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    extra_forgone = float(df["forgone_usd"].sum() - base["forgone_usd"].sum())
    deterred = float(base["benefit_attended"].sum() - df["benefit_attended"].sum())
    encounters = float(df["encounters"].sum())

    def loss_by(column: str) -> dict[str, float]:
        now, then = uptake_by(df, column, last), uptake_by(base, column, last)
        return {k: 100.0 * (then[k] - v) for k, v in now.items() if k in then}

    take_up, base_take_up = _take_up(df), _take_up(base)
    return {
        "uptake_loss_final_pp": float(loss_pp.iloc[-1]),
        "uptake_loss_mean_pp": float(loss_pp.mean()),
        "uptake_loss_final_by_group_pp": loss_by("group"),
        "uptake_loss_final_by_household_type_pp": loss_by("household_type"),
        **(
            {}
            if regions is None or base_regions is None
            else {"uptake_loss_final_by_region_pp": _loss_by_region_pp(regions, base_regions)}
        ),
        "extra_missed_by_need": {
            need: int(round(float(df[f"missed_{need}"].sum() - base[f"missed_{need}"].sum()))) for need in NEEDS
        },
        "take_up_loss_pp": None if take_up is None or base_take_up is None else 100.0 * (base_take_up - take_up),
        "extra_forgone_usd": extra_forgone,
        "extra_forgone_usd_per_1000_eligible": 1000.0 * extra_forgone / eligible_mean if eligible_mean else 0.0,
        "benefit_visits_deterred": int(round(deterred)),
        "chilling_ratio": deterred / encounters if encounters else None,
        "citizen_children_lost_benefit": int(round(children_lost - base_children_lost)),
        **recovery(loss_pp, injunction_week),
    }
