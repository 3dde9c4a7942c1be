"""Figures over the weeks of a run: uptake by regime, and the recovery after a court blocks sharing.

Each function takes a sweep's tidy table and returns a matplotlib Figure carrying the numbers it plots
(`fig.plotted`), with both intervals of every mean drawn and labelled as `analysis.drawing` says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.drawing import (
    ALL,
    CI_LABEL,
    PI_LABEL,
    SMALL_COLOR,
    SMALL_MARK,
    agents_label,
    attach_intervals,
    band,
    bands_title,
    interval_key,
    regime_color,
    regimes_in,
    uncertainty_note,
    whiskers,
)
from analysis.stats import INTERVAL_COLUMNS, agents_behind, mean_intervals, paired_loss, uptake
from analysis.style import PALETTE, new_figure, regime_label
from sim.results.metrics import recovery
from sim.results.outputs import SCENARIO

TIME_PANELS = (ALL, "All noncitizens", "Citizens in mixed-status households")
NOT_RECOVERED = "not recovered by the horizon"
HALFLIFE = "halflife_from_peak_weeks"  # weeks from a run's peak loss after the injunction to half of it


def uptake_over_time(table: pd.DataFrame) -> Figure:
    """Uptake by week under each regime (scenario arm): mean over seeds, its 95% CI and the 90% predictive band.

    A panel whose group has fewer than `MIN_AGENTS` eligible agents is drawn in grey, dashed, and says so.
    """
    policy = table[table["arm"] == SCENARIO]
    frames = []
    for segment in TIME_PANELS:
        up = uptake(policy, ["policy", "run", "week"], segment)
        ci = mean_intervals(up, ["policy", "week"], "uptake")
        agents = agents_behind(table, ["policy"], segment)
        frames.append(ci.merge(agents, on="policy", how="left").assign(segment=segment))
    data = pd.concat(frames, ignore_index=True)
    fig, axes = new_figure(len(TIME_PANELS), width=4.2, height=4.4)
    for ax, segment in zip(axes, TIME_PANELS, strict=True):
        rows = data[data["segment"] == segment]
        small = bool(rows["small"].any())
        for regime in regimes_in(data["policy"]):
            one = rows[rows["policy"] == regime]
            color = SMALL_COLOR if small else regime_color(regime)
            band(ax, one, "week", regime_label(regime), color, scale=100.0, ls="--" if small else "-")
        if small:
            ax.text(0.5, 0.5, f"{SMALL_MARK}: not a finding", transform=ax.transAxes, ha="center", color="0.35")
        title = agents_label(segment, rows.drop_duplicates("policy"))
        ax.set(title=title, xlabel="Week", ylabel="Uptake (% of eligible people receiving)")
    handles = [Patch(color=regime_color(r), label=regime_label(r)) for r in regimes_in(data["policy"])]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.0), ncol=3, fontsize=8, frameon=False)
    fig.legend(handles=interval_key(), loc="lower right", bbox_to_anchor=(0.98, 0.0), fontsize=8, frameon=False)
    fig.suptitle(f"Benefit uptake over time by data-sharing regime (weighted)\n{bands_title(table)}", fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 0.88))
    columns = ["segment", "policy", "week", "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    return attach_intervals(fig, data[columns], "share of eligible people receiving", uncertainty_note(table))


def _recovery_by_run(weekly: pd.DataFrame, key: str, weeks: int) -> pd.DataFrame:
    """Per run: its recovery, measured from the run's PEAK loss after the injunction, with a status saying what it is.

    `weekly` holds each run's paired loss by week (pp); `key` the injunction week. The rule is
    `sim.results.metrics.recovery` (the run's `recovered` and `recovery_half_life_weeks` in summary.json): the peak is
    the largest loss at or after the injunction week (the loss can go on rising for weeks after the court's
    order), and `halflife_from_peak_weeks` is the weeks from that peak until the loss first falls to half of
    it. It is never measured from the injunction week: while the loss still rises that would count the rise as
    slow recovery. `peak_weeks_after_injunction` says how long the loss kept rising.
    """
    rows = []
    for (week, run), one in weekly.groupby([key, "run"]):
        rec = recovery(one.set_index("week")["loss"], int(week))
        if rec["recovered"] is None:
            status = "injunction past the horizon" if "peak_loss_pp" not in rec else "no loss after the injunction"
        else:
            status = "recovered" if rec["recovered"] else NOT_RECOVERED
        peak_week = rec.get("peak_loss_week")
        rows.append(
            {
                key: week,
                "run": run,
                "status": status,
                "recovered": rec["recovered"],
                HALFLIFE: rec["recovery_half_life_weeks"],
                "peak_loss_pp": rec.get("peak_loss_pp"),
                "peak_loss_week": peak_week,
                "peak_weeks_after_injunction": None if peak_week is None else peak_week - int(week),
                "weeks_observed_after_peak": None if peak_week is None else weeks - 1 - peak_week,
            }
        )
    return pd.DataFrame(rows)


def reversal(table: pd.DataFrame, segment: str = ALL) -> Figure:
    """Recovery after an injunction at different weeks: loss curves, and the half-life measured from the PEAK loss.

    The half-life (`halflife_from_peak_weeks`, `_recovery_by_run`; for all eligible people it is the run's
    `recovery_half_life_weeks`) counts the weeks from each run's peak loss at or after the injunction until the
    loss first falls to half of that peak, not from the injunction week: the loss keeps rising for a while after
    the court's order, and counting that rise as recovery made "recovery is slower after a short spell under the
    policy" an artefact. A run that never gets there is plotted as not recovered by the horizon (an open
    triangle at the weeks it was observed after its peak: the half-life is longer than that), never dropped.

    The CSV's `kind` says what a row is: `loss_curve` (mean loss by week with both intervals),
    `halflife_from_peak_recovered_runs` (mean half-life from the peak over the recovered runs, with both
    intervals and the runs recovered and not), `run` (one row per run: `halflife_from_peak_weeks`, peak loss and
    its week, `peak_weeks_after_injunction`, status).
    """
    key = "policy.injunction_week"
    weeks = int(table["week"].max()) + 1
    weekly = paired_loss(table, [key, "run", "week"], segment)
    curves = mean_intervals(weekly, [key, "week"], "loss").assign(kind="loss_curve")
    per_run = _recovery_by_run(weekly, key, weeks)
    start = table["policy.start_week"].iloc[0] if "policy.start_week" in table else 0
    per_run["weeks_under_policy"] = per_run[key] - start
    done = per_run[per_run["status"] == "recovered"].assign(**{HALFLIFE: lambda d: d[HALFLIFE].astype(float)})
    hl = mean_intervals(done, [key], HALFLIFE) if len(done) else pd.DataFrame(columns=[key, "mean", "n"])
    counts = per_run.groupby(key)["status"].value_counts().unstack(fill_value=0)
    hl = counts.reindex(columns=["recovered", NOT_RECOVERED], fill_value=0).reset_index().merge(hl, on=key, how="left")
    hl = hl.rename(columns={"recovered": "runs_recovered", NOT_RECOVERED: "runs_not_recovered"})
    hl = hl.reindex(columns=[*hl.columns, *(c for c in INTERVAL_COLUMNS if c not in hl)])
    hl = hl.assign(kind="halflife_from_peak_recovered_runs", weeks_under_policy=hl[key] - start)
    runs = per_run.assign(kind="run")
    agents = agents_behind(table, [key], segment)

    fig, axes = new_figure(2, width=4.8, height=5.0)
    for i, week in enumerate(sorted(curves[key].unique())):
        rows = curves[curves[key] == week]
        color = PALETTE[i % len(PALETTE)]
        band(axes[0], rows, "week", f"injunction at week {week:g}", color)
        axes[0].axvline(week, color=color, ls=":", lw=0.8)
    title = agents_label(segment, agents)
    axes[0].set(xlabel="Week", ylabel="Uptake loss vs firewall (percentage points)", title=title)
    handles, _ = axes[0].get_legend_handles_labels()
    axes[0].legend(handles=[*handles, *interval_key()], fontsize=6)
    rng = np.random.default_rng(0)  # jitter only, so seeds at the same week do not hide each other
    xs = np.unique(runs["weeks_under_policy"].to_numpy(dtype=float))
    jitter = 0.04 * (np.min(np.diff(xs)) if len(xs) > 1 else 10.0)
    for status, marker, fill in (("recovered", "o", True), (NOT_RECOVERED, "^", False)):
        rows = runs[runs["status"] == status]
        if rows.empty:
            continue
        yv = rows[HALFLIFE] if status == "recovered" else rows["weeks_observed_after_peak"]
        xv = rows["weeks_under_policy"] + rng.uniform(-jitter, jitter, len(rows))
        axes[1].scatter(
            xv,
            yv.astype(float),
            marker=marker,
            facecolors=PALETTE[0] if fill else "none",
            edgecolors=PALETTE[0] if fill else PALETTE[1],
            alpha=0.7,
            label="run: half-life from its peak"
            if fill
            else f"run {NOT_RECOVERED} (half-life > weeks observed after peak)",
        )
    ok = hl.dropna(subset=["mean"])
    if len(ok):
        for _, row in ok.iterrows():
            whiskers(axes[1], row["weeks_under_policy"], row["mean"], row, horizontal=False)
        axes[1].plot(ok["weeks_under_policy"], ok["mean"], "s-", color="black", ms=4, label="mean of recovered runs")
    runs_at = per_run.groupby(key)["run"].count()
    for _, row in hl.iterrows():
        others = int(runs_at[row[key]] - row["runs_recovered"] - row["runs_not_recovered"])
        axes[1].annotate(
            f"{int(row['runs_not_recovered'])}/{int(runs_at[row[key]])} not rec."
            + (f"\n{others} no loss" if others else ""),
            (row["weeks_under_policy"], 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize=6,
        )
    pad = 2 * jitter + 1.0
    axes[1].set_xlim(xs.min() - pad, xs.max() + pad)
    axes[1].set_ylim(bottom=0)  # a half-life is not negative; the interval's lower end is in the CSV
    axes[1].set(
        xlabel="Weeks under the directive before the injunction",
        ylabel="Half-life from each run's peak loss (weeks)",
        title="Longer under the policy, slower recovery?",
    )
    if axes[1].get_legend_handles_labels()[0]:
        handles, _ = axes[1].get_legend_handles_labels()
        extra = interval_key("whisker") if len(ok) else []
        axes[1].legend(
            handles=[*handles, *extra], fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False
        )
    else:  # no run had a loss to recover from: say so rather than show an empty panel
        told = ", ".join(f"{k}: {v}" for k, v in per_run["status"].value_counts().items())
        axes[1].text(0.5, 0.5, f"no run to measure\n({told})", transform=axes[1].transAxes, ha="center", fontsize=7)
    fig.suptitle(
        "Reversal: recovery after a court blocks sharing\n"
        f"Left: line, mean; dark band: {CI_LABEL}; light band: {PI_LABEL}\n"
        f"Right: square, mean of recovered runs; thick whisker: {CI_LABEL}; thin whisker: {PI_LABEL}\n"
        f"({uncertainty_note(table)})",
        fontsize=8,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    data = pd.concat([curves, hl, runs], ignore_index=True).merge(agents, on=key, how="left")
    columns = [
        "kind", key, "week", "run", "weeks_under_policy", "mean", *INTERVAL_COLUMNS, "n", HALFLIFE, "status",
        "runs_recovered", "runs_not_recovered", "peak_loss_pp", "peak_loss_week", "peak_weeks_after_injunction",
        "weeks_observed_after_peak", "eligible_agents", "small",
    ]  # fmt: skip
    units = {
        "loss_curve": "pp (uptake loss vs the paired run)",
        "halflife_from_peak_recovered_runs": "weeks (from each run's peak loss after the injunction to half of it)",
        "run": "weeks (halflife_from_peak_weeks of this run; empty if not recovered); peak_loss_pp in pp",
    }
    return attach_intervals(fig, data.reindex(columns=columns), units, uncertainty_note(table), by="kind")
