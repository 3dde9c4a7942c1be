"""The README's table of what the model produces, generated from the CSVs `make figures` writes.

Every number in the block between `<!-- findings:begin -->` and
`<!-- findings:end -->` in README.md comes from `figures/levers.csv`,
`figures/levers_surge.csv` and `figures/group_sizes.csv` (experiments/levers.py);
tests/test_findings.py fails when the README and the CSVs disagree.

    python -m analysis.findings            # print the block
    python -m analysis.findings --write    # rewrite it in README.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sim.paths import ROOT

README = ROOT / "README.md"
FIGURES = ROOT / "figures"
BEGIN, END = "<!-- findings:begin -->", "<!-- findings:end -->"


def _interval(row: pd.Series, metric: str) -> str:
    return f"{row[metric]:.2f} ({row[f'{metric}_ci_lo']:.2f} to {row[f'{metric}_ci_hi']:.2f})"


def lever_rows(levers: pd.DataFrame) -> list[str]:
    lines = [
        "| lever | setting | uptake loss, final week (pp) | uptake loss, mean over weeks (pp) "
        "| encounters at the agency per run | community arrests per run |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in levers.iterrows():
        lines.append(
            f"| {r['lever']} | {r['setting']} | {_interval(r, 'loss_final_pp')} | {_interval(r, 'loss_mean_pp')} "
            f"| {r['encounters_at_agency']:.1f} | {r['community_arrests']:.1f} |"
        )
    return lines


def surge_line(surge: pd.DataFrame) -> str:
    change = surge.groupby("arm")["change_agents"].mean()
    first = surge.iloc[0]
    opened = [a for a in change.index if a != "no opening"][0]
    return (
        f"A regional surge (an ICE office opening in region {first['region']} of 2 at week {first['opening_week']}, "
        f"{first['people']:,} people, {surge['seed'].nunique()} seeds): missed benefit appointments in that region "
        f"in the 8 weeks after against the 8 weeks before changed by {change[opened]:+.1f} with the opening and "
        f"{change['no opening']:+.1f} without it (agents, mean over seeds; `figures/levers_surge.csv`)."
    )


def group_lines(groups: pd.DataFrame) -> list[str]:
    first = groups.iloc[0]
    lines = [
        f"Eligible agents behind each household type at the default population ({first['people']:,} people, "
        f"seed {first['seed']}; groups under {first['small_group_threshold_agents']} are flagged in every table):",
        "",
        "| household type | eligible agents | eligible people represented |",
        "|---|---|---|",
    ]
    lines += [
        f"| {r['household_type']} | {r['eligible_agents']:,} | {r['eligible_weighted']:,.0f} |"
        for _, r in groups.iterrows()
    ]
    return lines


def block(figures: Path = FIGURES) -> str:
    levers = pd.read_csv(figures / "levers.csv")
    first = levers.iloc[0]
    head = (
        f"Paired runs against the firewall on the same seeds ({first['people']:,} people, {first['weeks']} weeks, "
        f"{first['seeds']} seeds per setting; `figures/levers.csv`). Intervals are the 95% confidence interval of "
        "the mean over seeds: chance only, with behaviour at the declared defaults (assumptions, not calibrated)."
    )
    lines = [BEGIN, head, "", *lever_rows(levers), "", surge_line(pd.read_csv(figures / "levers_surge.csv")), ""]
    lines += [*group_lines(pd.read_csv(figures / "group_sizes.csv")), END]
    return "\n".join(lines)


def readme_block(text: str) -> str:
    return text[text.index(BEGIN) : text.index(END) + len(END)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.findings", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the block in README.md")
    args = parser.parse_args(argv)
    new = block()
    if not args.write:
        print(new)
        return
    text = README.read_text()
    README.write_text(text.replace(readme_block(text), new))
    print(f"wrote {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
