"""Figures over a grid of two swept parameters: dose-response, the network's spread of fear, the clinic spillover.

Each function takes a sweep's tidy table and returns a matplotlib Figure carrying the numbers it plots
(`fig.plotted`), with both intervals of every mean drawn and labelled as `analysis.drawing` says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.drawing import (
    ALL,
    CI_LABEL,
    IMMIGRANT,
    PI_LABEL,
    SMALL_COLOR,
    SMALL_MARK,
    US_BORN,
    agents_label,
    attach_intervals,
    band,
    bands_title,
    interval_key,
    uncertainty_note,
)
from analysis.stats import INTERVAL_COLUMNS, agents_behind, mean_intervals, paired_loss, segment_rows
from analysis.style import PALETTE, SEQUENTIAL, new_figure
from sim.config.paths import BASELINE_ARM
from sim.results.outputs import SCENARIO


def _annotated_heatmap(ax, fig, grid: pd.DataFrame, small: pd.DataFrame, fmt: str, cmap: str = SEQUENTIAL, spread=None):
    """A heatmap of `grid` (index y, columns x) with each cell's number written in it; small cells hatched.

    `spread`, a pair of grids like `grid` (the predictive interval's ends), is written small under each number.
    """
    values = grid.to_numpy(dtype=float)
    masked = np.ma.masked_invalid(values)
    im = ax.imshow(masked, origin="lower", aspect="auto", cmap=cmap)
    im.set_array(values)  # the plotted numbers, as the CSV holds them
    finite = values[np.isfinite(values)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for (i, j), value in np.ndenumerate(values):
        flagged = bool(small.iloc[i, j]) if small is not None else False
        text = fmt.format(value) + (f"\n{SMALL_MARK}" if flagged else "") if np.isfinite(value) else "n/a"
        color = "white" if np.isfinite(value) and value < mid else "black"
        ax.text(j, i, text, ha="center", va="center", fontsize=7, color=color)
        if spread is not None and np.isfinite(spread[0].iloc[i, j]) and np.isfinite(spread[1].iloc[i, j]):
            lo, hi = fmt.format(spread[0].iloc[i, j]), fmt.format(spread[1].iloc[i, j])
            ax.text(j, i - 0.28, f"{lo} to {hi}", ha="center", va="center", fontsize=5.5, color=color)
        if flagged:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.6", lw=0))
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    return fig.colorbar(im, ax=ax, shrink=0.85)


def dose_response(table: pd.DataFrame, segment: str = ALL) -> Figure:
    """Heatmaps over stated disclosure probability x ICE presence: uptake loss (pp) and encounters at the agency.

    Both axes act in the model: the stated disclosure drives the regime's announcement and the offices'
    disclosures; ICE presence drives requests at the agency, community arrests and perceived activity.
    The loss is that of the final week against the paired firewall run (for all eligible people it is the
    run's `uptake_loss_final_pp`); encounters are those at the agency only (not community arrests), summed
    over the run, per 100,000 people represented (weighted). Each cell is the mean over seeds, written in it;
    its 90% predictive interval is written small under it, and both intervals are in the CSV (`ci_*`, `pi_*`).
    """
    x, y = "policy.rules.disclosure_prob", "enforcement.base_presence"
    weeks = int(table["week"].max()) + 1
    last = table[table["week"] == table["week"].max()]
    loss = paired_loss(last, [x, y, "run"], segment)
    loss = mean_intervals(loss, [x, y], "loss").assign(metric="uptake_loss_final_pp")
    scenario = table[table["arm"] == SCENARIO]
    enc = scenario.groupby([x, y, "run"])["encounters"].sum()
    people = scenario[scenario["week"] == scenario["week"].max()].groupby([x, y, "run"])["people"].sum()
    per_run = (1e5 * enc / people).rename("per_100k").reset_index()
    enc = mean_intervals(per_run, [x, y], "per_100k").assign(metric="encounters_per_100k_people")
    agents = agents_behind(table, [x, y], segment)
    data = pd.concat([loss, enc], ignore_index=True).merge(agents, on=[x, y], how="left")
    fig, axes = new_figure(2, width=5.0, height=4.4)
    panels = {
        "uptake_loss_final_pp": (f"Uptake loss, final week: {segment.lower()}", "percentage points", "{:.2f}"),
        "encounters_per_100k_people": (
            f"Encounters at the agency over {weeks} weeks",
            "per 100,000 people, weighted",
            "{:.0f}",
        ),
    }
    for ax, (metric, (title, unit, fmt)) in zip(axes, panels.items(), strict=True):
        rows = data[data["metric"] == metric]
        grid = rows.pivot(index=y, columns=x, values="mean")
        small = rows.pivot(index=y, columns=x, values="small").reindex_like(grid)
        spread = [rows.pivot(index=y, columns=x, values=c).reindex_like(grid) for c in ("pi_lo", "pi_hi")]
        bar = _annotated_heatmap(ax, fig, grid, small, fmt, spread=spread)
        bar.set_label(unit)
        ax.set(
            xlabel="Stated disclosure probability (P office discloses | ICE asks)",
            ylabel="ICE presence (enforcement.base_presence)",
            title=f"{title}\n({unit})",
        )
    n = int(data["n"].min())
    fig.suptitle(
        "Dose-response: stated disclosure x ICE presence\n"
        f"Each cell: the mean of {n} seed{'s' if n != 1 else ''}; under it, small: the {PI_LABEL}\n"
        f"({CI_LABEL} in the CSV; {uncertainty_note(table)})",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    units = {"uptake_loss_final_pp": "pp", "encounters_per_100k_people": "per 100,000 people (weighted), whole run"}
    columns = ["metric", x, y, "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    return attach_intervals(fig, data[columns], units, uncertainty_note(table), by="metric")


def _weighted_mean(rows: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    """Mean of a per-person column over the people represented (weighted), per `keys`."""
    rows = rows.assign(weighted=rows[column] * rows["people"])
    sums = rows.groupby(keys)[["weighted", "people"]].sum().reset_index()
    return sums.assign(value=100.0 * sums["weighted"] / sums["people"].where(sums["people"] > 0))


def network(table: pd.DataFrame) -> Figure:
    """Spread of fear by mean degree and homophily.

    Left: the perceived disclosure (delta_hat, `perceived_disclosure_mean`) of people in US-born households,
    who are not exposed themselves, in the final week, under the regime (solid) and in the paired firewall
    run (dashed): how far the fear spreads to people it does not concern. Right: the uptake loss of all eligible
    people against the firewall, mean over weeks (pp; the run's `uptake_loss_mean_pp`).
    """
    deg, hom = "network.mean_degree", "network.within_block"
    last = table[table["week"] == table["week"].max()]
    us_born = segment_rows(last, US_BORN)
    fear = []
    for arm in (SCENARIO, BASELINE_ARM):
        per_run = _weighted_mean(us_born[us_born["arm"] == arm], "perceived_disclosure_mean", [deg, hom, "run"])
        fear.append(mean_intervals(per_run, [deg, hom], "value").assign(metric=f"perceived_disclosure_us_born_{arm}"))
    weekly = paired_loss(table, [deg, hom, "run", "week"], ALL)
    per_run = weekly.groupby([deg, hom, "run"], dropna=False)["loss"].mean().reset_index()
    loss = mean_intervals(per_run, [deg, hom], "loss").assign(metric="uptake_loss_mean_pp")
    fear_agents = agents_behind(table, [deg, hom], US_BORN)
    fear = pd.concat(fear).merge(fear_agents, on=[deg, hom])
    data = pd.concat([fear, loss.merge(agents_behind(table, [deg, hom]), on=[deg, hom])], ignore_index=True)
    fig, axes = new_figure(2, width=4.6, height=4.2)
    for i, h in enumerate(sorted(data[hom].unique())):
        color = PALETTE[i % len(PALETTE)]
        for arm, ls in ((SCENARIO, "-"), (BASELINE_ARM, "--")):
            rows = data[(data["metric"] == f"perceived_disclosure_us_born_{arm}") & (data[hom] == h)].sort_values(deg)
            label = f"within-block share {h:g}" + ("" if arm == SCENARIO else " (paired baseline)")
            band(axes[0], rows, deg, label, color, ls=ls)
        rows = data[(data["metric"] == "uptake_loss_mean_pp") & (data[hom] == h)].sort_values(deg)
        band(axes[1], rows, deg, f"within-block share {h:g}", color)
    axes[0].set(
        xlabel="Mean number of ties per household",
        ylabel="Perceived disclosure, final week (%)",
        title=agents_label("Fear reaches US-born households", fear_agents),
    )
    axes[1].set(
        xlabel="Mean number of ties per household",
        ylabel="Uptake loss vs firewall, mean over weeks (pp)",
        title="Uptake lost, all eligible people",
    )
    handles, _ = axes[0].get_legend_handles_labels()
    axes[0].legend(handles=[*handles, *interval_key()], fontsize=6)
    fig.suptitle(f"Network: how ties and homophily spread fear\n{bands_title(table)}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    units = {m: "% (mean perceived probability that the agency tells ICE)" for m in data["metric"].unique()}
    units["uptake_loss_mean_pp"] = "pp (mean over weeks)"
    columns = ["metric", deg, hom, "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    return attach_intervals(fig, data[columns], units, uncertainty_note(table), by="metric")


def spillover(table: pd.DataFrame, segment: str = IMMIGRANT) -> Figure:
    """Clinic visits lost against the firewall (% of the firewall run's), by the clinic's rule and kappa.

    Line: mean over seeds; dark band: its 95% CI; light band: the 90% predictive interval.
    """
    disc, kappa = "policy.clinic_disclosure_prob", "behavior.kappa"
    rows = segment_rows(table, segment)
    visits = rows.groupby([disc, kappa, "run", "arm"])["clinic_visits"].sum().unstack("arm").reset_index()
    visits["lost"] = 100.0 * (1.0 - visits[SCENARIO] / visits[BASELINE_ARM].where(visits[BASELINE_ARM] > 0))
    data = mean_intervals(visits, [disc, kappa], "lost")
    data = data.merge(agents_behind(table, [disc, kappa], segment), on=[disc, kappa])
    fig, (ax,) = new_figure(1, width=6.4, height=4.4)
    for i, d in enumerate(sorted(data[disc].unique())):
        rows = data[data[disc] == d].sort_values(kappa)
        small = bool(rows["small"].any())
        label = f"clinic discloses: {d:g}" + (f" ({SMALL_MARK}: not a finding)" if small else "")
        band(ax, rows, kappa, label, SMALL_COLOR if small else PALETTE[i % len(PALETTE)], ls="--" if small else "-")
    ax.set(
        xlabel="Fear generalised from the agency to the clinic (kappa)",
        ylabel="Clinic visits lost vs firewall (% of the firewall run's visits)",
        title=f"Spillover: {agents_label(segment.lower(), data)}\n{bands_title(table)}",
    )
    ax.title.set_fontsize(8)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, *interval_key()], fontsize=7)
    columns = [disc, kappa, "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    unit = "% of the paired run's clinic visits lost"
    return attach_intervals(fig, data[columns], unit, uncertainty_note(table))
