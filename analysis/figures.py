"""One function per figure: each takes a sweep's tidy table and returns a matplotlib Figure.

The numbers a figure plots are attached to it (`fig.plotted`) and saved as a
CSV beside the PNG and PDF by `analysis.style.save_figure`. Intervals are
95% t-intervals across seeds; losses are paired (same run, firewall arm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.stats import SEGMENTS, mean_ci, paired_loss, uptake
from analysis.style import PALETTE, SEQUENTIAL, attach, new_figure, regime_colors, regime_label, regime_order
from sim.outcomes import recovery_half_life
from sim.outputs import SCENARIO
from sim.paths import BASELINE

IMMIGRANT = "Immigrant families"

TIME_PANELS = ("All eligible people", "All noncitizens", "Citizens in mixed-status families")
LOSS_SEGMENTS = (
    "All eligible people",
    "Citizen-only households",
    "Citizens in mixed-status families",
    "Noncitizens in mixed-status families",
    "Lawful noncitizen families",
    "Visa-holder families",
    "People needing an interpreter",
)


def regime_color(regime: str) -> str:
    """One colour per regime, the same in every figure (`analysis.style.regime_colors`)."""
    return regime_colors([regime])[regime]


def _regimes(values: pd.Series) -> list[str]:
    present = set(values.unique())
    return [r for r in regime_order(present) if r in present]


def uncertainty_note(table: pd.DataFrame) -> str:
    """What the 95% intervals carry: chance alone, or posterior parameter draws and chance together."""
    files = table["behavior.posterior_file"] if "behavior.posterior_file" in table else pd.Series(dtype=object)
    if files.fillna("").astype(str).str.len().gt(0).any():
        return (
            "95% intervals across seeds, each with its own calibrated-posterior draw: parameter uncertainty and chance"
        )
    return "95% intervals across seeds: chance only, parameters fixed at their defaults"


def _band(ax, data: pd.DataFrame, x: str, label: str, color: str, scale: float = 100.0) -> None:
    ax.plot(data[x], scale * data["mean"], color=color, label=label, lw=1.6)
    ax.fill_between(data[x], scale * data["lo"], scale * data["hi"], color=color, alpha=0.2, lw=0)


def uptake_over_time(table: pd.DataFrame) -> Figure:
    """Uptake by week under each regime (policy arm), mean and 95% band across seeds, for three groups."""
    policy = table[table["arm"] == SCENARIO]
    frames = []
    for segment in TIME_PANELS:
        up = uptake(policy, ["policy", "run", "week"], segment)
        frames.append(mean_ci(up, ["policy", "week"], "uptake").assign(segment=segment))
    data = pd.concat(frames, ignore_index=True)
    fig, axes = new_figure(len(TIME_PANELS), width=4.2, height=4.2)
    for ax, segment in zip(axes, TIME_PANELS, strict=True):
        for regime in _regimes(data["policy"]):
            rows = data[(data["segment"] == segment) & (data["policy"] == regime)]
            _band(ax, rows, "week", regime_label(regime), regime_color(regime))
        ax.set(title=segment, xlabel="Week", ylabel="Uptake (% of eligible receiving)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(f"Benefit uptake over time by data-sharing regime\n{uncertainty_note(table)}", fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 0.92))
    return attach(fig, data[["segment", "policy", "week", "mean", "lo", "hi", "n"]])


def loss_by_group(table: pd.DataFrame) -> Figure:
    """Final-week uptake loss against the paired firewall run, by group and regime."""
    last = table[table["week"] == table["week"].max()]
    frames = []
    for segment in LOSS_SEGMENTS:
        loss = paired_loss(last, ["policy", "run"], segment).dropna(subset=["loss"])
        if loss.empty:
            continue
        frames.append(mean_ci(loss, ["policy"], "loss").assign(segment=segment))
    data = pd.concat(frames, ignore_index=True)
    data = data[data["policy"] != BASELINE]
    regimes = _regimes(data["policy"])
    fig, (ax,) = new_figure(1, width=7.5, height=4.8)
    height = 0.8 / max(len(regimes), 1)
    y = np.arange(len(LOSS_SEGMENTS))
    for i, regime in enumerate(regimes):
        rows = data[data["policy"] == regime].set_index("segment").reindex(LOSS_SEGMENTS)
        rows = rows.fillna({"mean": 0.0, "lo": 0.0, "hi": 0.0})
        err = 100 * np.vstack([rows["mean"] - rows["lo"], rows["hi"] - rows["mean"]])
        ax.barh(
            y + i * height,
            100 * rows["mean"],
            height=height,
            xerr=err,
            color=regime_color(regime),
            label=regime_label(regime),
            error_kw={"lw": 0.8},
        )
    ax.set_yticks(y + height * (len(regimes) - 1) / 2, LOSS_SEGMENTS)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set(
        xlabel="Uptake loss vs firewall, final week (percentage points)",
        title=f"Who loses benefits\n{uncertainty_note(table)}",
    )
    ax.legend(fontsize=7, loc="lower right")
    return attach(fig, data[["segment", "policy", "mean", "lo", "hi", "n"]])


def _per_run_loss(table: pd.DataFrame, params: list[str], segment: str = IMMIGRANT) -> pd.DataFrame:
    """Mean paired uptake loss over all weeks, per run."""
    weekly = paired_loss(table, [*params, "run", "week"], segment)
    return weekly.groupby([*params, "run"], dropna=False)["loss"].mean().reset_index()


def dose_response(table: pd.DataFrame) -> Figure:
    """Heatmaps over disclosure probability x ICE presence: uptake loss and encounters."""
    x, y = "policy.rules.disclosure_prob", "enforcement.base_presence"
    loss = mean_ci(_per_run_loss(table, [x, y]), [x, y], "loss").assign(metric="uptake_loss_pp")
    loss[["mean", "lo", "hi"]] *= 100
    policy = table[(table["arm"] == SCENARIO) & SEGMENTS[IMMIGRANT](table)]
    per_run = policy.groupby([x, y, "run"])[["encounters", "clinic_encounters"]].sum().reset_index()
    eligible = policy[policy["week"] == policy["week"].max()].groupby("run")["eligible"].sum()
    per_run["per_1000"] = 1000 * (per_run["encounters"] + per_run["clinic_encounters"]) / per_run["run"].map(eligible)
    enc = mean_ci(per_run, [x, y], "per_1000").assign(metric="encounters_per_1000_eligible")
    data = pd.concat([loss, enc], ignore_index=True)
    fig, axes = new_figure(2, width=4.4, height=3.8)
    titles = {
        "uptake_loss_pp": "Uptake loss, immigrant families (pp, mean over weeks)",
        "encounters_per_1000_eligible": "Encounters per 1,000 eligible in immigrant families",
    }
    for ax, (metric, title) in zip(axes, titles.items(), strict=True):
        grid = data[data["metric"] == metric].pivot(index=y, columns=x, values="mean")
        im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap=SEQUENTIAL)
        ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
        ax.set(xlabel="P(office discloses | ICE asks)", ylabel="ICE presence at start (0-1)", title=title)
        fig.colorbar(im, ax=ax, shrink=0.85)
    fig.suptitle("Dose-response: disclosure and enforcement presence (mean across seeds)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return attach(fig, data[["metric", x, y, "mean", "lo", "hi", "n"]])


def reversal(table: pd.DataFrame) -> Figure:
    """Recovery after an injunction at different weeks: loss curves and recovery half-life."""
    key = "policy.injunction_week"
    weekly = paired_loss(table, [key, "run", "week"], IMMIGRANT)
    curves = mean_ci(weekly, [key, "week"], "loss").assign(kind="loss_curve")
    halves = []
    for (week, run), rows in weekly.groupby([key, "run"]):
        half = recovery_half_life(rows.set_index("week")["loss"], int(week))
        halves.append({key: week, "run": run, "half_life": np.nan if half is None else half})
    halves = pd.DataFrame(halves)
    start = table["policy.start_week"].iloc[0] if "policy.start_week" in table else 0
    hl = mean_ci(halves.dropna(), [key], "half_life").assign(kind="half_life")
    hl["weeks_under_policy"] = hl[key] - start
    fig, axes = new_figure(2, width=4.6, height=3.8)
    for i, week in enumerate(sorted(curves[key].unique())):
        rows = curves[curves[key] == week]
        color = PALETTE[i % len(PALETTE)]
        _band(axes[0], rows, "week", f"injunction at week {week:g}", color)
        axes[0].axvline(week, color=color, ls=":", lw=0.8)
    axes[0].set(xlabel="Week", ylabel="Uptake loss vs firewall (pp)", title="Loss in immigrant families")
    axes[0].legend(fontsize=7)
    err = np.vstack([hl["mean"] - hl["lo"], hl["hi"] - hl["mean"]])
    axes[1].errorbar(hl["weeks_under_policy"], hl["mean"], yerr=err, marker="o", color=PALETTE[0], capsize=3)
    axes[1].set(
        xlabel="Weeks under the directive before the injunction",
        ylabel="Recovery half-life (weeks)",
        title="Longer under the policy, slower recovery?",
    )
    fig.suptitle("Reversal: recovery after a court blocks sharing (mean, 95% interval across seeds)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    data = pd.concat([curves, hl], ignore_index=True)
    return attach(fig, data[["kind", key, "week", "weeks_under_policy", "mean", "lo", "hi", "n"]])


def _weighted_risk(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = rows.assign(weighted=rows["risk_mean"] * rows["people"])
    sums = rows.groupby(keys)[["weighted", "people"]].sum().reset_index()
    return sums.assign(risk=sums["weighted"] / sums["people"])


def network(table: pd.DataFrame) -> Figure:
    """Spread of fear by mean degree and homophily: perceived risk of citizen-only households, and loss."""
    deg, hom = "network.mean_degree", "network.within_block"
    last = table[(table["week"] == table["week"].max()) & (table["arm"] == SCENARIO)]
    citizen = last[SEGMENTS["Citizen-only households"](last)]
    risk = mean_ci(_weighted_risk(citizen, [deg, hom, "run"]), [deg, hom], "risk").assign(metric="risk_citizen_only")
    loss = mean_ci(_per_run_loss(table, [deg, hom]), [deg, hom], "loss").assign(metric="uptake_loss")
    data = pd.concat([risk, loss], ignore_index=True)
    fig, axes = new_figure(2, width=4.4, height=3.8)
    labels = {
        "risk_citizen_only": ("Perceived risk, citizen-only households (%)", "Fear reaches citizen households"),
        "uptake_loss": ("Uptake loss, immigrant families (pp)", "Uptake lost"),
    }
    for ax, (metric, (ylabel, title)) in zip(axes, labels.items(), strict=True):
        for i, h in enumerate(sorted(data[hom].unique())):
            rows = data[(data["metric"] == metric) & (data[hom] == h)].sort_values(deg)
            _band(ax, rows, deg, f"within-block share {h:g}", PALETTE[i % len(PALETTE)])
        ax.set(xlabel="Mean number of ties per household", ylabel=ylabel, title=title)
    axes[0].legend(fontsize=7)
    fig.suptitle("Network: how ties and homophily spread fear (final week; mean, 95% band)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return attach(fig, data[["metric", deg, hom, "mean", "lo", "hi", "n"]])


def spillover(table: pd.DataFrame) -> Figure:
    """Clinic visits lost against the firewall, by the clinic's own sharing rule and fear generalisation kappa."""
    disc, kappa = "policy.clinic_disclosure_prob", "behavior.kappa"
    rows = table[SEGMENTS[IMMIGRANT](table)]
    visits = rows.groupby([disc, kappa, "run", "arm"])["clinic_visits"].sum().unstack("arm").reset_index()
    visits["lost"] = 1.0 - visits[SCENARIO] / visits[BASELINE]
    data = mean_ci(visits, [disc, kappa], "lost")
    fig, (ax,) = new_figure(1, width=6.0, height=4.0)
    for i, d in enumerate(sorted(data[disc].unique())):
        _band(ax, data[data[disc] == d].sort_values(kappa), kappa, f"clinic discloses: {d:g}", PALETTE[i])
    ax.set(
        xlabel="Fear generalised from SSA to the clinic (kappa)",
        ylabel="Clinic visits lost vs firewall (%)",
        title="Spillover: immigrant families' clinic visits lost (mean, 95% band)",
    )
    ax.legend(fontsize=7)
    return attach(fig, data[[disc, kappa, "mean", "lo", "hi", "n"]])


HEADLINE_METRICS = {
    "m.uptake_loss_final": ("Uptake loss, final week (pp)", 100.0),
    "m.uptake_loss_mean": ("Uptake loss, mean over weeks (pp)", 100.0),
    "m.extra_forgone_usd_per_1000_eligible": ("Extra benefits forgone per 1,000 eligible (USD)", 1.0),
    "m.citizen_children_lost_benefit": ("Citizen children in mixed-status families who lost benefits", 1.0),
    "m.encounters": ("Enforcement encounters", 1.0),
    "m.chilling_ratio": ("Chilling ratio (eligible visits deterred per encounter)", 1.0),
}


def headline_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Per-run headline metrics by regime: mean and 95% interval across seeds."""
    frames = []
    for column, (label, scale) in HEADLINE_METRICS.items():
        if column not in runs:
            continue
        rows = runs[[by, column]].dropna().assign(value=lambda d, c=column, s=scale: d[c].astype(float) * s)
        frames.append(mean_ci(rows, [by], "value").assign(metric=label))
    return pd.concat(frames, ignore_index=True)[["metric", by, "mean", "lo", "hi", "n"]]
