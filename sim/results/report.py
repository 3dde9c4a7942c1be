"""Readable tables of a run's results for the terminal.

Counts are weighted (people represented); every row says the eligible agents behind it, and a row with fewer
than `sim.results.outcomes.MIN_AGENTS` is flagged: a number to ignore, not a finding. Losses are in percentage points.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.config import HOUSEHOLD_TYPES
from sim.config.paths import BASELINE
from sim.results.outcomes import MIN_AGENTS, eligible_agents_by, uptake_by

BASE_COLUMN = "baseline"  # the paired arm's uptake, headed by its regime in the printed table

SEGMENTS = {
    "us_born": "US-born households",
    "all_citizen_immigrant": "All-citizen immigrant households",
    "green_card_citizen": "Green card and citizen households",
    "mixed_status": "Mixed-status households",
    "visa_holder": "Visa-holder households",
    "us_born_citizen": "US-born citizens",
    "naturalized": "Naturalized citizens",
    "noncitizen": "Noncitizens",
}
SMALL_FLAG = f"n<{MIN_AGENTS}: not a finding"


def _citizenship(df: pd.DataFrame) -> pd.DataFrame:
    kind = df["status"].map({"citizen": "us_born_citizen", "naturalized": "naturalized"}).fillna("noncitizen")
    return df.assign(citizenship=kind)


def segment_table(df: pd.DataFrame, base: pd.DataFrame | None) -> pd.DataFrame:
    """Final-week uptake by household type and by citizenship, the eligible agents behind each row, the loss in pp."""
    last = int(df["week"].max())
    df = _citizenship(df)
    base = _citizenship(base) if base is not None else None
    rows = []
    for column, order in (("household_type", HOUSEHOLD_TYPES), ("citizenship", ("us_born_citizen", "naturalized"))):
        policy = uptake_by(df, column, last)
        paired = uptake_by(base, column, last) if base is not None else {}
        agents = eligible_agents_by(df, column, last)
        eligible = df[df["week"] == last].groupby(column)["eligible"].sum()
        keys = [k for k in order if k in policy] + sorted(k for k in policy if k not in order)
        for key in keys:
            value = policy[key]
            n = agents.get(key, 0)
            row = {
                "group": SEGMENTS.get(key, key),
                "eligible agents": n,
                "eligible (people)": int(round(float(eligible[key]))),
                "uptake": value,
            }
            if base is not None:
                row[BASE_COLUMN] = paired.get(key, float("nan"))
                row["loss_pp"] = 100 * (paired[key] - value) if key in paired else float("nan")
            row["flag"] = SMALL_FLAG if n < MIN_AGENTS else ""
            rows.append(row)
    return pd.DataFrame(rows)


def _recovery(m: dict[str, Any]) -> str:
    recovered, half = m.get("recovered"), m.get("recovery_half_life_weeks")
    if recovered is None:
        return "n/a (no loss after the injunction)" if "peak_loss_pp" in m else "n/a (no injunction in the horizon)"
    peak = f"peak {m['peak_loss_pp']:.2f} pp at week {m['peak_loss_week']}"
    if not recovered:
        return f"not recovered by the horizon ({peak})"
    return f"{half:.0f} weeks from the peak ({peak})"


def _gap(g: dict[str, Any]) -> str:
    """One line: covered vs uncovered loss, the gap and its interval (across regions of this run)."""
    regions = ",".join(str(r) for r in g["covered_regions"])
    if g["gap_pp"] is None:
        return f"regions {regions}: n/a (every region on one side)"
    ci = g["gap_pp_ci"]
    interval = f" (95% CI {ci[0]:+.2f} to {ci[1]:+.2f}, across regions of this run)" if ci else " (too few regions)"
    return (
        f"regions {regions}: {g['covered_loss_pp']:.2f} vs {g['uncovered_loss_pp']:.2f}; "
        f"gap {g['gap_pp']:+.2f}{interval}"
    )


def format_report(summary: dict[str, Any], df: pd.DataFrame, base: pd.DataFrame | None) -> str:
    """The table `python -m sim.run` prints: uptake by group with the agents behind it, and the headline metrics."""
    prov, m = summary["provenance"], summary["metrics"]
    table = segment_table(df, base)
    fmt = {"uptake": "{:.1%}".format, BASE_COLUMN: "{:.1%}".format, "loss_pp": "{:+.2f}".format}
    baseline = summary.get("baseline_policy", BASELINE)
    table = table.rename(columns={BASE_COLUMN: baseline})
    fmt[baseline] = fmt.pop(BASE_COLUMN)
    lines = [
        f"uptake-sim {prov['version']}  policy={prov['policy']}  people={prov['n_people']:,}  "
        f"weeks={prov['weeks']}  seed={prov['seed']}  engine={prov['engine']}  config={prov['config_hash']}",
        "",
        "Uptake in the final week (weighted receiving / eligible; eligible agents behind each row)"
        + (f", loss against the paired {baseline} run in percentage points:" if base is not None else ":"),
        table.to_string(index=False, formatters=fmt),
    ]
    small = m.get("small_groups", [])
    if small:
        lines.append(
            f"{len(small)} group(s) of status x household type have fewer than {MIN_AGENTS} eligible agents "
            f"(small_groups in summary.json): flags, not findings."
        )
    lines += ["", "Headline metrics (weighted: people represented):"]
    headline = [
        ("uptake, final week", f"{m['uptake_final']:.2%}"),
        ("uptake, mean over weeks", f"{m['uptake_mean']:.2%}"),
        (
            "appointments due / attended / missed",
            f"{m['appointments_due']:,} / {m['appointments_attended']:,} / {m['appointments_missed']:,}",
        ),
        (
            "benefit appointments due / attended / missed",
            f"{m['benefit_appointments_due']:,} / {m['benefit_appointments_attended']:,} / "
            f"{m['benefit_appointments_missed']:,}",
        ),
        (
            "missed appointments by type",
            ", ".join(f"{k} {v:,}" for k, v in m.get("appointments_missed_by_need", {}).items() if v) or "none",
        ),
        (
            "at the agency: ICE requests / disclosures / encounters",
            f"{m['requests']:,} / {m['disclosures']:,} / {m['encounters']:,}",
        ),
        ("community arrests (apart from the agency)", f"{m['arrests']:,}"),
        ("clinic encounters (apart)", f"{m['clinic_encounters']:,}"),
        ("benefits forgone (USD)", f"{m['benefits_forgone_usd']:,.0f}"),
    ]
    if "uptake_loss_final_pp" in m:
        ratio = m["chilling_ratio"]
        take_up = m.get("take_up_loss_pp")
        headline += [
            (f"uptake loss vs {baseline}, final week (pp)", f"{m['uptake_loss_final_pp']:.2f}"),
            (f"uptake loss vs {baseline}, mean over weeks (pp)", f"{m['uptake_loss_mean_pp']:.2f}"),
            ("take-up loss of new applications (pp)", "n/a" if take_up is None else f"{take_up:.2f}"),
            ("extra forgone per 1,000 eligible (USD)", f"{m['extra_forgone_usd_per_1000_eligible']:,.0f}"),
            (
                "citizen children in mixed-status households who lost benefits",
                f"{m['citizen_children_lost_benefit']:,}",
            ),
            ("benefit visits deterred", f"{m['benefit_visits_deterred']:,}"),
            (
                "chilling ratio (benefit visits deterred per encounter at the agency)",
                "n/a (no encounters at the agency)" if ratio is None else f"{ratio:.1f}",
            ),
            ("recovery after the injunction (half-life from the peak loss)", _recovery(m)),
        ]
        for key, label in (("regime_coverage_gap", "regime"), ("court_coverage_gap", "court order")):
            if key in m:
                headline.append((f"loss in regions the {label} covers vs the others (pp)", _gap(m[key])))
        if "extra_missed_by_need" in m:
            extra = ", ".join(f"{k} {v:+,}" for k, v in m["extra_missed_by_need"].items() if v)
            headline.append((f"extra missed appointments by type (vs {baseline})", extra or "none"))
    width = max(len(k) for k, _ in headline)
    lines += [f"  {k:<{width}}  {v}" for k, v in headline]
    lines.append(f"  {'wall time (s)':<{width}}  {prov['wall_s']:.2f}")
    return "\n".join(lines)
