"""The figures the experiments draw, by name: one function per figure, each taking a sweep's tidy table.

This module is the catalogue the experiments call (`from analysis import figures`); each figure is written
in the module of its kind:

- over the weeks (`analysis.over_time`): `uptake_over_time`, `reversal`;
- by group of people (`analysis.by_group`): `loss_by_group`;
- over a grid of two swept parameters (`analysis.grids`): `dose_response`, `network`, `spillover`;
- the headline table of per-run metrics by regime (`analysis.headline`): `headline_table`.

Each returns a matplotlib Figure whose numbers (`fig.plotted`) `analysis.style.save_figure` writes as a CSV
beside the PNG and PDF. Losses are paired (same run, firewall arm) and in percentage points (pp). How every
mean's two intervals and every small group are drawn, labelled and saved is `analysis.drawing`'s.
"""

from __future__ import annotations

from analysis.by_group import LOSS_SEGMENTS, loss_by_group
from analysis.drawing import CI_LABEL, PI_LABEL, SMALL_MARK, attach_intervals, uncertainty_note
from analysis.grids import dose_response, network, spillover
from analysis.headline import HEADLINE_METRICS, HEADLINE_UNITS, headline_table
from analysis.over_time import NOT_RECOVERED, reversal, uptake_over_time
from analysis.stats import MIN_AGENTS

__all__ = [
    "CI_LABEL",
    "HEADLINE_METRICS",
    "HEADLINE_UNITS",
    "LOSS_SEGMENTS",
    "MIN_AGENTS",
    "NOT_RECOVERED",
    "PI_LABEL",
    "SMALL_MARK",
    "attach_intervals",
    "dose_response",
    "headline_table",
    "loss_by_group",
    "network",
    "reversal",
    "spillover",
    "uncertainty_note",
    "uptake_over_time",
]
