"""Figures of the global sensitivity analysis: Sobol indices with intervals, and their convergence.

Each function takes the tidy table written by experiments/sensitivity.py
(`sobol.csv`: N, output, parameter, order, index, lo, hi) and returns a
Figure carrying the numbers it plots (`fig.plotted`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.calibration import BLUE, GREY, VERMILION, save_figure  # noqa: F401  (re-exported for callers)

OUTPUT_LABELS = {
    "uptake_loss_pp": "uptake loss, mean over weeks (pp)",
    "mixed_child_loss_pp": "loss, citizens in mixed-status households (pp)",
    "encounters": "encounters",
    "chilling_ratio": "chilling ratio",
}
ORDER_STYLE = {"first": (BLUE, "first order S1"), "total": (VERMILION, "total order ST")}


def _label(parameter: str) -> str:
    return parameter.split(".", 1)[-1]


def indices_figure(sobol: pd.DataFrame) -> Figure:
    """One panel per output: first- and total-order indices of each parameter with 95% bootstrap intervals."""
    import matplotlib.pyplot as plt

    outputs = [o for o in OUTPUT_LABELS if o in set(sobol["output"])]
    params = sorted(set(sobol["parameter"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.0 * len(outputs), 0.45 * len(params) + 1.5), sharey=True)
    axes = np.atleast_1d(axes)
    y = np.arange(len(params))
    for ax, out in zip(axes, outputs, strict=True):
        for k, (order, (colour, label)) in enumerate(ORDER_STYLE.items()):
            d = sobol[(sobol["output"] == out) & (sobol["order"] == order)].set_index("parameter").reindex(params)
            err = [d["index"] - d["lo"], d["hi"] - d["index"]]
            ax.errorbar(d["index"], y + (0.15 if k else -0.15), xerr=err, fmt="o", color=colour, label=label, ms=4)
        ax.axvline(0, color=GREY, lw=0.8)
        ax.set_title(OUTPUT_LABELS[out], fontsize=9)
        ax.set_xlabel("Sobol index")
    axes[0].set_yticks(y, [_label(p) for p in params])
    axes[0].legend(frameon=False, fontsize=8, loc="lower right")
    n = int(sobol["N"].max())
    fig.suptitle(f"Sobol indices with 95% bootstrap intervals (N = {n})", fontsize=10)
    fig.tight_layout()
    fig.plotted = sobol.reset_index(drop=True)
    return fig


def convergence_figure(sobol: pd.DataFrame) -> Figure:
    """Total-order indices at the two sample sizes, side by side: converged indices barely move."""
    import matplotlib.pyplot as plt

    outputs = [o for o in OUTPUT_LABELS if o in set(sobol["output"])]
    params = sorted(set(sobol["parameter"]))
    sizes = sorted(set(sobol["N"]))
    colours = [GREY, BLUE]
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.0 * len(outputs), 0.45 * len(params) + 1.5), sharey=True)
    axes = np.atleast_1d(axes)
    y = np.arange(len(params))
    total = sobol[sobol["order"] == "total"]
    for ax, out in zip(axes, outputs, strict=True):
        for k, n in enumerate(sizes):
            d = total[(total["output"] == out) & (total["N"] == n)].set_index("parameter").reindex(params)
            err = [d["index"] - d["lo"], d["hi"] - d["index"]]
            ax.errorbar(
                d["index"], y + 0.3 * (k - 0.5), xerr=err, fmt="o", ms=4, color=colours[k % 2], label=f"N = {n}"
            )
        ax.set_title(OUTPUT_LABELS[out], fontsize=9)
        ax.set_xlabel("total-order index ST")
    axes[0].set_yticks(y, [_label(p) for p in params])
    axes[0].legend(frameon=False, fontsize=8, loc="lower right")
    fig.suptitle("Convergence: total-order indices at two sample sizes", fontsize=10)
    fig.tight_layout()
    fig.plotted = total.reset_index(drop=True)
    return fig
