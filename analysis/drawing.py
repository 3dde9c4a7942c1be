"""How every figure draws a mean with its two intervals, and a group too small to be a finding.

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

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.stats import (
    CI_LEVEL,
    MIN_AGENTS,
    PI_LEVEL,
    PI_PERCENTILES,
    interval_text,
    label_intervals,
    spread_carries,
)
from analysis.style import attach, regime_colors, regime_order

# the segments (`analysis.stats.SEGMENTS`) the figures draw by default
ALL = "All eligible people"
IMMIGRANT = "Immigrant households"
US_BORN = "US-born households"
SMALL_MARK = f"n<{MIN_AGENTS}"
SMALL_COLOR = "#bdbdbd"

CI_LABEL = f"{CI_LEVEL:.0%} CI of the mean over seeds"
PI_LABEL = (
    f"{PI_LEVEL:.0%} predictive interval ({PI_PERCENTILES[0]:.0f}th-{PI_PERCENTILES[1]:.0f}th percentile of runs)"
)
CI_ALPHA, PI_ALPHA = 0.35, 0.12
KEY_COLOR = "0.3"  # the interval key is drawn in grey: colours belong to regimes


def regime_color(regime: str) -> str:
    """One colour per regime, the same in every figure (`analysis.style.regime_colors`)."""
    return regime_colors([regime])[regime]


def regimes_in(values: pd.Series) -> list[str]:
    """The regimes present in `values`, in figure order (`analysis.style.regime_order`): the same in every legend."""
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


def agents_label(segment: str, agents: pd.DataFrame) -> str:
    """A segment's name with the eligible agents behind it (the fewest over runs), marked when too few."""
    n = int(agents["eligible_agents"].min()) if len(agents) else 0
    if n < MIN_AGENTS:
        return f"{segment}\n({SMALL_MARK}: {n} eligible agents, not a finding)"
    return f"{segment} (n={n:,})"


def band(ax: Any, data: pd.DataFrame, x: str, label: str, color: str, scale: float = 1.0, **kw) -> None:
    """The mean as a line, the CI of the mean as a dark band, the predictive interval as a light band."""
    ax.fill_between(data[x], scale * data["pi_lo"], scale * data["pi_hi"], color=color, alpha=PI_ALPHA, lw=0)
    ax.fill_between(data[x], scale * data["ci_lo"], scale * data["ci_hi"], color=color, alpha=CI_ALPHA, lw=0)
    ax.plot(data[x], scale * data["mean"], color=color, label=label, lw=1.6, **kw)


def whiskers(ax: Any, x: Any, y: Any, row: pd.Series, color: str = "black", horizontal: bool = True) -> None:
    """Thin whiskers for the predictive interval, thick ones for the CI of the mean, at (x, y)."""
    for lo, hi, lw, c in (("pi_lo", "pi_hi", 0.9, "0.55"), ("ci_lo", "ci_hi", 2.2, color)):
        if not (np.isfinite(row[lo]) and np.isfinite(row[hi])):
            continue
        err = [[row["mean"] - row[lo]], [row[hi] - row["mean"]]]
        kw = {"xerr": err} if horizontal else {"yerr": err}
        ax.errorbar(x, y, fmt="none", ecolor=c, elinewidth=lw, capsize=2 if lw < 1 else 0, zorder=3, **kw)
