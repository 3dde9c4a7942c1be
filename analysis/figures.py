"""One function per figure: each takes a sweep's tidy table and returns a matplotlib Figure.

The numbers a figure plots are attached to it (`fig.plotted`) and saved as a
CSV beside the PNG and PDF by `analysis.style.save_figure`. Losses are paired
(same run, firewall arm) and in percentage points (pp).

Every band and every number with an interval gives both kinds, from one rule
(`analysis.stats.mean_intervals`): the mean over seeds with its 95% confidence
interval (`ci_lo`, `ci_hi`: drawn dark, or as thick whiskers) and the 90%
predictive interval, the 5th to 95th percentile of the per-seed outcomes
(`pi_lo`, `pi_hi`: drawn light, or as thin whiskers). Both are in every
legend; each CSV's `interval` column says which pair is which and what the
spread over seeds carries (`uncertainty_note`: with `behavior=posterior` each
seed draws its own parameters, so parameter uncertainty and chance; with
behaviour at its defaults, chance only).

Every per-group number carries the eligible agents behind it
(`eligible_agents`: the fewest over the runs) and a `small` flag for fewer
than `MIN_AGENTS`; a small group is drawn hatched and grey, marked "n<50", and
is never plotted as a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from analysis.stats import (
    CI_LEVEL,
    INTERVAL_COLUMNS,
    MIN_AGENTS,
    PI_LEVEL,
    PI_PERCENTILES,
    agents_behind,
    interval_text,
    label_intervals,
    mean_intervals,
    paired_loss,
    segment_rows,
    spread_carries,
    uptake,
)
from analysis.style import PALETTE, SEQUENTIAL, attach, new_figure, regime_colors, regime_label, regime_order
from sim.config.paths import BASELINE, BASELINE_ARM
from sim.results.outcomes import recovery
from sim.results.outputs import SCENARIO

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
HALFLIFE = "halflife_from_peak_weeks"  # weeks from a run's peak loss after the injunction to half of it

CI_LABEL = f"{CI_LEVEL:.0%} CI of the mean over seeds"
PI_LABEL = (
    f"{PI_LEVEL:.0%} predictive interval ({PI_PERCENTILES[0]:.0f}th-{PI_PERCENTILES[1]:.0f}th percentile of runs)"
)
CI_ALPHA, PI_ALPHA = 0.35, 0.12
KEY_COLOR = "0.3"  # the interval key is drawn in grey: colours belong to regimes


def regime_color(regime: str) -> str:
    """One colour per regime, the same in every figure (`analysis.style.regime_colors`)."""
    return regime_colors([regime])[regime]


def _regimes(values: pd.Series) -> list[str]:
    present = set(values.unique())
    return [r for r in regime_order(present) if r in present]


def uncertainty_note(table: pd.DataFrame) -> str:
    """What the spread over seeds carries (`analysis.stats.spread_carries`), read from the runs' config columns."""

    def drawn(column: str) -> bool:
        if column not in table:
            return False
        values = table[column].fillna("").astype(str).str.strip().str.lower()
        return bool((~values.isin(["", "false", "0", "none", "nan"])).any())

    return spread_carries(drawn("behavior.posterior_file"), drawn("behavior.transfer_uncertain"))


def interval_note(table: pd.DataFrame) -> str:
    """The `interval` column of a figure's CSV: which pair is which, and what they carry."""
    return interval_text(uncertainty_note(table))


def bands_title(table: pd.DataFrame, kind: str = "band") -> str:
    """One line for a title: how the intervals are drawn and what they carry."""
    mean, dark, light = (
        ("Line", "dark band", "light band") if kind == "band" else ("Bar", "thick whisker", "thin whisker")
    )
    return f"{mean}: mean; {dark}: {CI_LABEL}; {light}: {PI_LABEL}\n({uncertainty_note(table)})"


def interval_key(kind: str = "band") -> list:
    """Legend entries for the two intervals, in grey (bands: dark and light patches; whiskers: thick and thin)."""
    if kind == "band":
        return [
            Patch(color=KEY_COLOR, alpha=CI_ALPHA, label=CI_LABEL),
            Patch(color=KEY_COLOR, alpha=PI_ALPHA, label=PI_LABEL),
        ]
    return [
        Line2D([], [], color="black", lw=2.2, label=CI_LABEL),
        Line2D([], [], color="0.55", lw=0.9, marker="|", markersize=6, label=PI_LABEL),
    ]


def attach_intervals(
    fig: Figure, data: pd.DataFrame, unit: str | dict[str, str], carries: str, by: str | None = None
) -> Figure:
    """`analysis.style.attach`, with the `interval` column saying what `ci_*` and `pi_*` are and carry.

    `carries` is `uncertainty_note` of the runs. A table with `lo`/`hi` is refused (they do not say which).
    """
    labelled = label_intervals(data, carries)  # refuses lo/hi before anything is attached
    return attach(fig, data, unit, by=by, interval=interval_text(carries) if "interval" in labelled else None)


def _agents_label(segment: str, agents: pd.DataFrame) -> str:
    """A segment's name with the eligible agents behind it (the fewest over runs), marked when too few."""
    n = int(agents["eligible_agents"].min()) if len(agents) else 0
    if n < MIN_AGENTS:
        return f"{segment}\n({SMALL_MARK}: {n} eligible agents, not a finding)"
    return f"{segment} (n={n:,})"


def _band(ax, data: pd.DataFrame, x: str, label: str, color: str, scale: float = 1.0, **kw) -> None:
    """The mean as a line, the CI of the mean as a dark band, the predictive interval as a light band."""
    ax.fill_between(data[x], scale * data["pi_lo"], scale * data["pi_hi"], color=color, alpha=PI_ALPHA, lw=0)
    ax.fill_between(data[x], scale * data["ci_lo"], scale * data["ci_hi"], color=color, alpha=CI_ALPHA, lw=0)
    ax.plot(data[x], scale * data["mean"], color=color, label=label, lw=1.6, **kw)


def _whiskers(ax, x, y, row: pd.Series, color: str = "black", horizontal: bool = True) -> None:
    """Thin whiskers for the predictive interval, thick ones for the CI of the mean, at (x, y)."""
    for lo, hi, lw, c in (("pi_lo", "pi_hi", 0.9, "0.55"), ("ci_lo", "ci_hi", 2.2, color)):
        if not (np.isfinite(row[lo]) and np.isfinite(row[hi])):
            continue
        err = [[row["mean"] - row[lo]], [row[hi] - row["mean"]]]
        kw = {"xerr": err} if horizontal else {"yerr": err}
        ax.errorbar(x, y, fmt="none", ecolor=c, elinewidth=lw, capsize=2 if lw < 1 else 0, zorder=3, **kw)


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
        for regime in _regimes(data["policy"]):
            one = rows[rows["policy"] == regime]
            color = SMALL_COLOR if small else regime_color(regime)
            _band(ax, one, "week", regime_label(regime), color, scale=100.0, ls="--" if small else "-")
        if small:
            ax.text(0.5, 0.5, f"{SMALL_MARK}: not a finding", transform=ax.transAxes, ha="center", color="0.35")
        title = _agents_label(segment, rows.drop_duplicates("policy"))
        ax.set(title=title, xlabel="Week", ylabel="Uptake (% of eligible people receiving)")
    handles = [Patch(color=regime_color(r), label=regime_label(r)) for r in _regimes(data["policy"])]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.0), ncol=3, fontsize=8, frameon=False)
    fig.legend(handles=interval_key(), loc="lower right", bbox_to_anchor=(0.98, 0.0), fontsize=8, frameon=False)
    fig.suptitle(f"Benefit uptake over time by data-sharing regime (weighted)\n{bands_title(table)}", fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 0.88))
    columns = ["segment", "policy", "week", "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    return attach_intervals(fig, data[columns], "share of eligible people receiving", uncertainty_note(table))


def loss_by_group(table: pd.DataFrame, segments: tuple[str, ...] = LOSS_SEGMENTS) -> Figure:
    """Final-week uptake loss against the paired firewall run (pp), by group and regime, with the agents behind.

    Bars are the mean over seeds; thick whiskers its 95% CI, thin whiskers the 90% predictive interval.

    Groups with fewer than `MIN_AGENTS` eligible agents are hatched grey and marked "n<50": a flag, not a finding.
    """
    last = table[table["week"] == table["week"].max()]
    frames = []
    for segment in segments:
        loss = paired_loss(last, ["policy", "run"], segment).dropna(subset=["loss"])
        agents = agents_behind(table, ["policy"], segment)
        if loss.empty:
            frames.append(agents.assign(segment=segment, mean=np.nan, **dict.fromkeys(INTERVAL_COLUMNS, np.nan), n=0))
            continue
        ci = mean_intervals(loss, ["policy"], "loss").merge(agents, on="policy", how="left")
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
                color=SMALL_COLOR if small else regime_color(regime),
                hatch="///" if small else None,
                edgecolor=regime_color(regime) if small else None,
            )
            _whiskers(ax, row["mean"], y[j] + i * height, row, color="0.5" if small else "black")
            if small:
                end = np.nanmax([row["mean"], row["ci_hi"], row["pi_hi"]])
                ax.text(end, y[j] + i * height, f" {SMALL_MARK}", va="center", fontsize=6, color="0.3")
    labels = [_agents_label(s, data[data["segment"] == s]) for s in segments]
    ax.set_yticks(y + height * (len(regimes) - 1) / 2, labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set(
        xlabel="Uptake loss vs the paired firewall run, final week (percentage points)",
        title=f"Who loses benefits (n = eligible agents behind each group)\n{bands_title(table, 'whisker')}",
    )
    ax.title.set_fontsize(8)
    # the interval key under the regimes' legend, as a legend of its own: the axes' legend lists regimes only
    key = ax.legend(handles=interval_key("whisker"), fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 0.8))
    key.set_frame_on(False)
    ax.add_artist(key)
    handles = [Patch(color=regime_color(r), label=regime_label(r)) for r in regimes]
    handles.append(Patch(facecolor=SMALL_COLOR, hatch="///", edgecolor="0.3", label=f"{SMALL_MARK}: not a finding"))
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    columns = ["segment", "policy", "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    unit = "pp (final-week uptake loss vs the paired run)"
    return attach_intervals(fig, data[columns], unit, uncertainty_note(table))


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


def _recovery_by_run(weekly: pd.DataFrame, key: str, weeks: int) -> pd.DataFrame:
    """Per run: its recovery, measured from the run's PEAK loss after the injunction, with a status saying what it is.

    `weekly` holds each run's paired loss by week (pp); `key` the injunction week. The rule is
    `sim.results.outcomes.recovery` (the run's `recovered` and `recovery_half_life_weeks` in summary.json): the peak is
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
        _band(axes[0], rows, "week", f"injunction at week {week:g}", color)
        axes[0].axvline(week, color=color, ls=":", lw=0.8)
    title = _agents_label(segment, agents)
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
            _whiskers(axes[1], row["weeks_under_policy"], row["mean"], row, horizontal=False)
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
        _band(ax, rows, kappa, label, SMALL_COLOR if small else PALETTE[i % len(PALETTE)], ls="--" if small else "-")
    ax.set(
        xlabel="Fear generalised from the agency to the clinic (kappa)",
        ylabel="Clinic visits lost vs firewall (% of the firewall run's visits)",
        title=f"Spillover: {_agents_label(segment.lower(), data)}\n{bands_title(table)}",
    )
    ax.title.set_fontsize(8)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=[*handles, *interval_key()], fontsize=7)
    columns = [disc, kappa, "mean", *INTERVAL_COLUMNS, "n", "eligible_agents", "small"]
    unit = "% of the paired run's clinic visits lost"
    return attach_intervals(fig, data[columns], unit, uncertainty_note(table))


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


HEADLINE_COLUMNS = ["metric", "mean", *INTERVAL_COLUMNS, "n"]


def headline_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Per-run headline metrics by regime: `mean`, `ci_lo`, `ci_hi`, `pi_lo`, `pi_hi`, `n` (`mean_intervals`).

    `mean` is the mean over seeds; `ci_lo`-`ci_hi` its 95% confidence interval (t); `pi_lo`-`pi_hi` the 90%
    predictive interval, the 5th to 95th percentile of the per-seed values: with `behavior=posterior` (one draw
    per seed) where one run falls given parameter uncertainty and chance. `n` is the runs behind each row.
    `policy_comparison` saves it with `unit` and `interval` (`attach_intervals`).

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
        frames.append(mean_intervals(rows, [by], "value").assign(metric=label))
    columns = [HEADLINE_COLUMNS[0], by, *HEADLINE_COLUMNS[1:]]
    return pd.concat(frames, ignore_index=True)[columns]
