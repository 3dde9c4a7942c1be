"""Readable tables of a run's results for the terminal."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.outcomes import uptake_by
from sim.paths import BASELINE

SEGMENTS = {
    "citizen_only": "Citizen-only households",
    "mixed_status": "Mixed-status households",
    "lawful_noncitizen": "Lawful noncitizen households",
    "visa_holder": "Visa-holder households",
}


def segment_table(df: pd.DataFrame, base: pd.DataFrame | None) -> pd.DataFrame:
    """Final-week uptake by household type and by citizen/noncitizen, with the loss against firewall."""
    last = int(df["week"].max())
    df = df.assign(citizenship=df["status"].where(df["status"] == "citizen", "noncitizen"))
    rows = []
    for column in ("household_type", "citizenship"):
        policy = uptake_by(df, column, last)
        firewall = {}
        if base is not None:
            base = base.assign(citizenship=base["status"].where(base["status"] == "citizen", "noncitizen"))
            firewall = uptake_by(base, column, last)
        eligible = df[df["week"] == last].groupby(column)["eligible"].sum()
        for key, value in policy.items():
            row = {"group": SEGMENTS.get(key, key.capitalize()), "eligible": int(eligible[key]), "uptake": value}
            if key in firewall:
                row[BASELINE] = firewall[key]
                row["loss_pp"] = 100 * (firewall[key] - value)
            rows.append(row)
    return pd.DataFrame(rows)


def format_report(summary: dict[str, Any], df: pd.DataFrame, base: pd.DataFrame | None) -> str:
    """The table `make run` prints: uptake by group and the headline metrics."""
    prov, m = summary["provenance"], summary["metrics"]
    table = segment_table(df, base)
    fmt = {"uptake": "{:.1%}".format, BASELINE: "{:.1%}".format, "loss_pp": "{:+.2f}".format}
    lines = [
        f"uptake-sim {prov['version']}  policy={prov['policy']}  people={prov['n_people']:,}  "
        f"weeks={prov['weeks']}  seed={prov['seed']}  engine={prov['engine']}  config={prov['config_hash']}",
        "",
        "Uptake in the final week (receiving / eligible)"
        + (", against the paired firewall run:" if base is not None else ":"),
        table.to_string(index=False, formatters=fmt),
        "",
        "Headline metrics:",
    ]
    headline = [
        ("uptake, final week", f"{m['uptake_final']:.2%}"),
        ("uptake, mean over weeks", f"{m['uptake_mean']:.2%}"),
        (
            "appointments due / attended / missed",
            f"{m['appointments_due']:,} / {m['appointments_attended']:,} / {m['appointments_missed']:,}",
        ),
        ("ICE requests / disclosures / encounters", f"{m['requests']:,} / {m['disclosures']:,} / {m['encounters']:,}"),
        ("benefits forgone (USD)", f"{m['benefits_forgone_usd']:,.0f}"),
    ]
    if "uptake_loss_final" in m:
        ratio = m["chilling_ratio"]
        half = m["recovery_half_life_weeks"]
        headline += [
            ("uptake loss vs firewall, final week (pp)", f"{100 * m['uptake_loss_final']:.2f}"),
            ("uptake loss vs firewall, mean (pp)", f"{100 * m['uptake_loss_mean']:.2f}"),
            ("extra forgone per 1,000 eligible (USD)", f"{m['extra_forgone_usd_per_1000_eligible']:,.0f}"),
            ("citizen children in mixed-status families who lost benefits", f"{m['citizen_children_lost_benefit']:,}"),
            ("eligible visits deterred", f"{m['visits_deterred']:,}"),
            ("chilling ratio (visits deterred per encounter)", "n/a" if ratio is None else f"{ratio:.1f}"),
            ("recovery half-life after injunction (weeks)", "n/a" if half is None else f"{half:.0f}"),
        ]
    width = max(len(k) for k, _ in headline)
    lines += [f"  {k:<{width}}  {v}" for k, v in headline]
    lines.append(f"  {'wall time (s)':<{width}}  {prov['wall_s']:.2f}")
    return "\n".join(lines)
