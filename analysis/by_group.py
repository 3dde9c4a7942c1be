"""Who loses: the final-week uptake loss by group of people and regime, each with the agents behind it.

The loss is paired (same run, firewall arm) and in percentage points; both intervals of every mean are drawn
and labelled as `analysis.drawing` says, and a group under `MIN_AGENTS` eligible agents is flagged, not plotted
as a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.drawing import (
    ALL,
    SMALL_COLOR,
    SMALL_MARK,
    US_BORN,
    agents_label,
    attach_intervals,
    bands_title,
    interval_key,
    regime_color,
    regimes_in,
    uncertainty_note,
    whiskers,
)
from analysis.stats import INTERVAL_COLUMNS, agents_behind, mean_intervals, paired_loss
from analysis.style import new_figure, regime_label
from sim.config.paths import BASELINE

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
    regimes = regimes_in(data["policy"])
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
            whiskers(ax, row["mean"], y[j] + i * height, row, color="0.5" if small else "black")
            if small:
                end = np.nanmax([row["mean"], row["ci_hi"], row["pi_hi"]])
                ax.text(end, y[j] + i * height, f" {SMALL_MARK}", va="center", fontsize=6, color="0.3")
    labels = [agents_label(s, data[data["segment"] == s]) for s in segments]
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
