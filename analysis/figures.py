"""One function per figure: each takes a sweep's tidy table and returns a matplotlib Figure.

The numbers a figure plots are attached to it (`fig.plotted`) and saved as a
CSV beside the PNG and PDF by `analysis.style.save_figure`. Losses are paired
(same run, firewall arm) and in percentage points (pp). Intervals are the 95%
t-interval of the mean over seeds (`uncertainty_note` says what they carry).
Every per-group number carries the eligible agents behind it
(`eligible_agents`: the fewest over the runs) and a `small` flag for fewer
than `MIN_AGENTS`; a small group is drawn hatched and grey, marked "n<50", and
is never plotted as a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from analysis.stats import MIN_AGENTS, agents_behind, mean_ci, paired_loss, segment_rows, uptake
from analysis.style import PALETTE, SEQUENTIAL, attach, new_figure, regime_colors, regime_label, regime_order
from sim.outcomes import recovery
from sim.outputs import SCENARIO
from sim.paths import BASELINE, BASELINE_ARM

ALL = "All eligible people"
IMMIGRANT = "Immigrant households"
US_BORN = "US-born households"
SMALL_MARK = f"n<{MIN_AGENTS}"
SMALL_COLOR = "#bdbdbd"

TIME_PANELS = (ALL, "All noncitizens", "Citizens in mixed-status households")
LOSS_SEGMENTS = (
    ALL,
    US_BORN,
    "All-citizen immigrant households",
    "Green card and citizen households",
    "Citizens in mixed-status households",
    "Noncitizens in mixed-status households",
    "Visa-holder households",
    "People needing an interpreter",
)
NOT_RECOVERED = "not recovered by the horizon"


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
        return "mean's 95% CI over seeds, each seed with its own posterior draw: parameter uncertainty and chance"
    return "mean's 95% CI over seeds; chance only: behaviour at assumed defaults, not calibrated"


def _agents_label(segment: str, agents: pd.DataFrame) -> str:
    """A segment's name with the eligible agents behind it (the fewest over runs), marked when too few."""
    n = int(agents["eligible_agents"].min()) if len(agents) else 0
    if n < MIN_AGENTS:
        return f"{segment}\n({SMALL_MARK}: {n} eligible agents, not a finding)"
    return f"{segment} (n={n:,})"


def _band(ax, data: pd.DataFrame, x: str, label: str, color: str, scale: float = 1.0, **kw) -> None:
    ax.plot(data[x], scale * data["mean"], color=color, label=label, lw=1.6, **kw)
    ax.fill_between(data[x], scale * data["lo"], scale * data["hi"], color=color, alpha=0.2, lw=0)


def uptake_over_time(table: pd.DataFrame) -> Figure:
    """Uptake by week under each regime (scenario arm), mean and 95% band over seeds, for three groups.

    A panel whose group has fewer than `MIN_AGENTS` eligible agents is drawn in grey, dashed, and says so.
    """
    policy = table[table["arm"] == SCENARIO]
    frames = []
    for segment in TIME_PANELS:
        up = uptake(policy, ["policy", "run", "week"], segment)
        ci = mean_ci(up, ["policy", "week"], "uptake")
        agents = agents_behind(table, ["policy"], segment)
        frames.append(ci.merge(agents, on="policy", how="left").assign(segment=segment))
    data = pd.concat(frames, ignore_index=True)
    fig, axes = new_figure(len(TIME_PANELS), width=4.2, height=4.4)
    for ax, segment in zip(axes, TIME_PANELS, strict=True):
        rows = data[data["segment"] == segment]
        small = bool(rows["small"].any())
        for regime in _regimes(data["policy"]):
            one = rows[rows["policy"] == regime]
            color = SMALL_COLOR if small else regime_color(regime)
            _band(ax, one, "week", regime_label(regime), color, scale=100.0, ls="--" if small else "-")
        if small:
            ax.text(0.5, 0.5, f"{SMALL_MARK}: not a finding", transform=ax.transAxes, ha="center", color="0.35")
        title = _agents_label(segment, rows.drop_duplicates("policy"))
        ax.set(title=title, xlabel="Week", ylabel="Uptake (% of eligible people receiving)")
    handles = [Patch(color=regime_color(r), label=regime_label(r)) for r in _regimes(data["policy"])]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(
        f"Benefit uptake over time by data-sharing regime (weighted)\nBands: {uncertainty_note(table)}", fontsize=10
    )
    fig.tight_layout(rect=(0, 0.1, 1, 0.9))
    columns = ["segment", "policy", "week", "mean", "lo", "hi", "n", "eligible_agents", "small"]
    return attach(fig, data[columns], "share of eligible people receiving", interval=uncertainty_note(table))


def loss_by_group(table: pd.DataFrame, segments: tuple[str, ...] = LOSS_SEGMENTS) -> Figure:
    """Final-week uptake loss against the paired firewall run (pp), by group and regime, with the agents behind.

    Groups with fewer than `MIN_AGENTS` eligible agents are hatched grey and marked "n<50": a flag, not a finding.
    """
    last = table[table["week"] == table["week"].max()]
    frames = []
    for segment in segments:
        loss = paired_loss(last, ["policy", "run"], segment).dropna(subset=["loss"])
        agents = agents_behind(table, ["policy"], segment)
        if loss.empty:
            frames.append(agents.assign(segment=segment, mean=np.nan, lo=np.nan, hi=np.nan, n=0))
            continue
        ci = mean_ci(loss, ["policy"], "loss").merge(agents, on="policy", how="left")
        frames.append(ci.assign(segment=segment))
    data = pd.concat(frames, ignore_index=True)
    data = data[data["policy"] != BASELINE]
    data["small"] = data["small"].fillna(True).astype(bool)
    regimes = _regimes(data["policy"])
    fig, (ax,) = new_figure(1, width=8.0, height=5.4)
    height = 0.8 / max(len(regimes), 1)
    y = np.arange(len(segments))
    for i, regime in enumerate(regimes):
        rows = data[data["policy"] == regime].set_index("segment").reindex(list(segments))
        for j, (_, row) in enumerate(rows.iterrows()):
            if pd.isna(row["mean"]):
                ax.text(0, y[j] + i * height, " no eligible people", va="center", fontsize=6, color="0.4")
                continue
            small = bool(row["small"])
            ax.barh(
                y[j] + i * height,
                row["mean"],
                height=height,
                xerr=[[row["mean"] - row["lo"]], [row["hi"] - row["mean"]]],
                color=SMALL_COLOR if small else regime_color(regime),
                hatch="///" if small else None,
                edgecolor=regime_color(regime) if small else None,
                error_kw={"lw": 0.8, "ecolor": "0.5" if small else "black"},
            )
            if small:
                ax.text(row["hi"], y[j] + i * height, f" {SMALL_MARK}", va="center", fontsize=6, color="0.3")
    labels = [_agents_label(s, data[data["segment"] == s]) for s in segments]
    ax.set_yticks(y + height * (len(regimes) - 1) / 2, labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set(
        xlabel="Uptake loss vs the paired firewall run, final week (percentage points)",
        title=f"Who loses benefits (n = eligible agents behind each group)\nBars: {uncertainty_note(table)}",
    )
    handles = [Patch(color=regime_color(r), label=regime_label(r)) for r in regimes]
    handles.append(Patch(facecolor=SMALL_COLOR, hatch="///", edgecolor="0.3", label=f"{SMALL_MARK}: not a finding"))
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    columns = ["segment", "policy", "mean", "lo", "hi", "n", "eligible_agents", "small"]
    return attach(fig, data[columns], "pp (final-week uptake loss vs the paired run)", interval=uncertainty_note(table))


def _annotated_heatmap(ax, fig, grid: pd.DataFrame, small: pd.DataFrame, fmt: str, cmap: str = SEQUENTIAL):
    """A heatmap of `grid` (index y, columns x) with each cell's number written in it; small cells hatched."""
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
    over the run, per 100,000 people represented (weighted). Each cell is the mean over seeds, written in it.
    """
    x, y = "policy.rules.disclosure_prob", "enforcement.base_presence"
    weeks = int(table["week"].max()) + 1
    last = table[table["week"] == table["week"].max()]
    loss = mean_ci(paired_loss(last, [x, y, "run"], segment), [x, y], "loss").assign(metric="uptake_loss_final_pp")
    scenario = table[table["arm"] == SCENARIO]
    enc = scenario.groupby([x, y, "run"])["encounters"].sum()
    people = scenario[scenario["week"] == scenario["week"].max()].groupby([x, y, "run"])["people"].sum()
    per_run = (1e5 * enc / people).rename("per_100k").reset_index()
    enc = mean_ci(per_run, [x, y], "per_100k").assign(metric="encounters_per_100k_people")
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
        bar = _annotated_heatmap(ax, fig, grid, small, fmt)
        bar.set_label(unit)
        ax.set(
            xlabel="Stated disclosure probability (P office discloses | ICE asks)",
            ylabel="ICE presence (enforcement.base_presence)",
            title=f"{title}\n({unit})",
        )
    n = int(data["n"].min())
    fig.suptitle(
        f"Dose-response: stated disclosure x ICE presence (mean of {n} seed{'s' if n != 1 else ''} per cell; "
        f"intervals in the CSV)\n{uncertainty_note(table)}",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    units = {"uptake_loss_final_pp": "pp", "encounters_per_100k_people": "per 100,000 people (weighted), whole run"}
    columns = ["metric", x, y, "mean", "lo", "hi", "n", "eligible_agents", "small"]
    return attach(fig, data[columns], units, by="metric", interval=uncertainty_note(table))


def _recovery_by_run(weekly: pd.DataFrame, key: str, weeks: int) -> pd.DataFrame:
    """Per run: the recovery of `sim.outcomes.recovery` (from the peak loss), with a status that says what it is."""
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
                "half_life": rec["recovery_half_life_weeks"],
                "peak_loss_pp": rec.get("peak_loss_pp"),
                "peak_loss_week": peak_week,
                "weeks_observed_after_peak": None if peak_week is None else weeks - 1 - peak_week,
            }
        )
    return pd.DataFrame(rows)


def reversal(table: pd.DataFrame, segment: str = ALL) -> Figure:
    """Recovery after an injunction at different weeks: loss curves, and the half-life measured from the peak loss.

    The recovery is `sim.outcomes.recovery` (for all eligible people it is the run's `recovered` and
    `recovery_half_life_weeks`): the weeks from the peak loss at or after the injunction until the loss first
    falls to half of it. A run that never gets there is plotted as not recovered by the horizon (an open
    triangle at the weeks it was observed after its peak: the half-life is longer than that), never dropped.
    """
    key = "policy.injunction_week"
    weeks = int(table["week"].max()) + 1
    weekly = paired_loss(table, [key, "run", "week"], segment)
    curves = mean_ci(weekly, [key, "week"], "loss").assign(kind="loss_curve")
    per_run = _recovery_by_run(weekly, key, weeks)
    start = table["policy.start_week"].iloc[0] if "policy.start_week" in table else 0
    per_run["weeks_under_policy"] = per_run[key] - start
    done = per_run[per_run["status"] == "recovered"].assign(half_life=lambda d: d["half_life"].astype(float))
    hl = mean_ci(done, [key], "half_life") if len(done) else pd.DataFrame(columns=[key, "mean", "lo", "hi", "n"])
    counts = per_run.groupby(key)["status"].value_counts().unstack(fill_value=0)
    hl = counts.reindex(columns=["recovered", NOT_RECOVERED], fill_value=0).reset_index().merge(hl, on=key, how="left")
    hl = hl.rename(columns={"recovered": "runs_recovered", NOT_RECOVERED: "runs_not_recovered"})
    hl = hl.assign(kind="half_life_recovered_runs", weeks_under_policy=hl[key] - start)
    runs = per_run.rename(columns={"half_life": "mean"}).assign(kind="run")
    agents = agents_behind(table, [key], segment)

    fig, axes = new_figure(2, width=4.8, height=4.2)
    for i, week in enumerate(sorted(curves[key].unique())):
        rows = curves[curves[key] == week]
        color = PALETTE[i % len(PALETTE)]
        _band(axes[0], rows, "week", f"injunction at week {week:g}", color)
        axes[0].axvline(week, color=color, ls=":", lw=0.8)
    title = _agents_label(segment, agents)
    axes[0].set(xlabel="Week", ylabel="Uptake loss vs firewall (percentage points)", title=title)
    axes[0].legend(fontsize=7)
    rng = np.random.default_rng(0)  # jitter only, so seeds at the same week do not hide each other
    xs = np.unique(runs["weeks_under_policy"].to_numpy(dtype=float))
    jitter = 0.04 * (np.min(np.diff(xs)) if len(xs) > 1 else 10.0)
    for status, marker, fill in (("recovered", "o", True), (NOT_RECOVERED, "^", False)):
        rows = runs[runs["status"] == status]
        if rows.empty:
            continue
        yv = rows["mean"] if status == "recovered" else rows["weeks_observed_after_peak"]
        xv = rows["weeks_under_policy"] + rng.uniform(-jitter, jitter, len(rows))
        axes[1].scatter(
            xv,
            yv.astype(float),
            marker=marker,
            facecolors=PALETTE[0] if fill else "none",
            edgecolors=PALETTE[0] if fill else PALETTE[1],
            alpha=0.7,
            label="run: half-life" if fill else f"run {NOT_RECOVERED} (half-life > weeks observed after peak)",
        )
    ok = hl.dropna(subset=["mean"])
    if len(ok):
        err = np.vstack([ok["mean"] - ok["lo"], ok["hi"] - ok["mean"]])
        axes[1].errorbar(
            ok["weeks_under_policy"], ok["mean"], yerr=err, fmt="s-", color="black", capsize=3, ms=4,
            label="mean of recovered runs (95% CI)",
        )  # fmt: skip
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
        ylabel="Recovery half-life from the peak loss (weeks)",
        title="Longer under the policy, slower recovery?",
    )
    if axes[1].get_legend_handles_labels()[0]:
        axes[1].legend(fontsize=6)
    else:  # no run had a loss to recover from: say so rather than show an empty panel
        told = ", ".join(f"{k}: {v}" for k, v in per_run["status"].value_counts().items())
        axes[1].text(0.5, 0.5, f"no run to measure\n({told})", transform=axes[1].transAxes, ha="center", fontsize=7)
    note = uncertainty_note(table)
    fig.suptitle(f"Reversal: recovery after a court blocks sharing\nBands and bars: {note}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    data = pd.concat([curves, hl, runs], ignore_index=True).merge(agents, on=key, how="left")
    columns = [
        "kind", key, "week", "run", "weeks_under_policy", "mean", "lo", "hi", "n", "status", "runs_recovered",
        "runs_not_recovered", "peak_loss_pp", "peak_loss_week", "weeks_observed_after_peak", "eligible_agents", "small",
    ]  # fmt: skip
    units = {
        "loss_curve": "pp (uptake loss vs the paired run)",
        "half_life_recovered_runs": "weeks",
        "run": "weeks (half-life of this run; empty if not recovered)",
    }
    return attach(fig, data.reindex(columns=columns), units, by="kind", interval=uncertainty_note(table))


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
        fear.append(mean_ci(per_run, [deg, hom], "value").assign(metric=f"perceived_disclosure_us_born_{arm}"))
    weekly = paired_loss(table, [deg, hom, "run", "week"], ALL)
    per_run = weekly.groupby([deg, hom, "run"], dropna=False)["loss"].mean().reset_index()
    loss = mean_ci(per_run, [deg, hom], "loss").assign(metric="uptake_loss_mean_pp")
    fear_agents = agents_behind(table, [deg, hom], US_BORN)
    fear = pd.concat(fear).merge(fear_agents, on=[deg, hom])
    data = pd.concat([fear, loss.merge(agents_behind(table, [deg, hom]), on=[deg, hom])], ignore_index=True)
    fig, axes = new_figure(2, width=4.6, height=4.2)
    for i, h in enumerate(sorted(data[hom].unique())):
        color = PALETTE[i % len(PALETTE)]
        for arm, ls in ((SCENARIO, "-"), (BASELINE_ARM, "--")):
            rows = data[(data["metric"] == f"perceived_disclosure_us_born_{arm}") & (data[hom] == h)].sort_values(deg)
            label = f"within-block share {h:g}" + ("" if arm == SCENARIO else " (paired baseline)")
            _band(axes[0], rows, deg, label, color, ls=ls)
        rows = data[(data["metric"] == "uptake_loss_mean_pp") & (data[hom] == h)].sort_values(deg)
        _band(axes[1], rows, deg, f"within-block share {h:g}", color)
    axes[0].set(
        xlabel="Mean number of ties per household",
        ylabel="Perceived disclosure, final week (%)",
        title=_agents_label("Fear reaches US-born households", fear_agents),
    )
    axes[1].set(
        xlabel="Mean number of ties per household",
        ylabel="Uptake loss vs firewall, mean over weeks (pp)",
        title="Uptake lost, all eligible people",
    )
    axes[0].legend(fontsize=6)
    fig.suptitle(f"Network: how ties and homophily spread fear\nBands: {uncertainty_note(table)}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    units = {m: "% (mean perceived probability that the agency tells ICE)" for m in data["metric"].unique()}
    units["uptake_loss_mean_pp"] = "pp (mean over weeks)"
    columns = ["metric", deg, hom, "mean", "lo", "hi", "n", "eligible_agents", "small"]
    return attach(fig, data[columns], units, by="metric", interval=uncertainty_note(table))


def spillover(table: pd.DataFrame, segment: str = IMMIGRANT) -> Figure:
    """Clinic visits lost against the firewall (% of the firewall run's), by the clinic's rule and kappa."""
    disc, kappa = "policy.clinic_disclosure_prob", "behavior.kappa"
    rows = segment_rows(table, segment)
    visits = rows.groupby([disc, kappa, "run", "arm"])["clinic_visits"].sum().unstack("arm").reset_index()
    visits["lost"] = 100.0 * (1.0 - visits[SCENARIO] / visits[BASELINE_ARM].where(visits[BASELINE_ARM] > 0))
    data = mean_ci(visits, [disc, kappa], "lost").merge(agents_behind(table, [disc, kappa], segment), on=[disc, kappa])
    fig, (ax,) = new_figure(1, width=6.4, height=4.4)
    for i, d in enumerate(sorted(data[disc].unique())):
        rows = data[data[disc] == d].sort_values(kappa)
        small = bool(rows["small"].any())
        label = f"clinic discloses: {d:g}" + (f" ({SMALL_MARK}: not a finding)" if small else "")
        _band(ax, rows, kappa, label, SMALL_COLOR if small else PALETTE[i % len(PALETTE)], ls="--" if small else "-")
    ax.set(
        xlabel="Fear generalised from the agency to the clinic (kappa)",
        ylabel="Clinic visits lost vs firewall (% of the firewall run's visits)",
        title=f"Spillover: {_agents_label(segment.lower(), data)}\nBands: {uncertainty_note(table)}",
    )
    ax.title.set_fontsize(8)
    ax.legend(fontsize=7)
    columns = [disc, kappa, "mean", "lo", "hi", "n", "eligible_agents", "small"]
    unit = "% of the paired run's clinic visits lost"
    return attach(fig, data[columns], unit, interval=uncertainty_note(table))


# Per-run metrics of summary.json (`m.` in the sweep's runs table): label and scale.
HEADLINE_METRICS = {  # column: (label, scale, unit)
    "m.uptake_loss_final_pp": ("Uptake loss, final week (pp)", 1.0, "pp"),
    "m.uptake_loss_mean_pp": ("Uptake loss, mean over weeks (pp)", 1.0, "pp"),
    "m.take_up_loss_pp": ("Take-up loss of new applications (pp)", 1.0, "pp"),
    "m.extra_forgone_usd_per_1000_eligible": (
        "Extra benefits forgone per 1,000 eligible (USD)",
        1.0,
        "USD per 1,000 eligible people",
    ),
    "m.citizen_children_lost_benefit": (
        "Citizen children in mixed-status households who lost benefits",
        1.0,
        "children (weighted)",
    ),
    "m.benefit_visits_deterred": ("Benefit visits deterred", 1.0, "visits (weighted)"),
    "m.encounters": ("Encounters at the agency", 1.0, "encounters (weighted)"),
    "m.chilling_ratio": (
        "Chilling ratio (benefit visits deterred per encounter at the agency)",
        1.0,
        "visits per encounter",
    ),
    "m.arrests": ("Community arrests (apart from the agency)", 1.0, "arrests (weighted)"),
    "m.peak_loss_pp": ("Peak loss after the injunction (pp)", 1.0, "pp"),
    "m.recovered": ("Runs recovered by the horizon (share)", 1.0, "share of runs"),
    "m.recovery_half_life_weeks": ("Recovery half-life from the peak, recovered runs only (weeks)", 1.0, "weeks"),
}
HEADLINE_UNITS = {label: unit for label, _, unit in HEADLINE_METRICS.values()}


def headline_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Per-run headline metrics by regime: mean and 95% CI of the mean over seeds, with n (runs behind each).

    A run without a value (no encounters for a chilling ratio, no injunction for a recovery) is left out of
    that metric, and `n` says how many runs are behind it; `m.recovered` is the share of runs with an
    injunction in the horizon that recovered, so not-recovered runs count against it.
    """
    frames = []
    for column, (label, scale, _) in HEADLINE_METRICS.items():
        if column not in runs:
            continue
        rows = runs[[by, column]].dropna()
        if rows.empty:
            continue
        rows = rows.assign(value=rows[column].astype(float) * scale)
        frames.append(mean_ci(rows, [by], "value").assign(metric=label))
    return pd.concat(frames, ignore_index=True)[["metric", by, "mean", "lo", "hi", "n"]]
