"""Figures of the global sensitivity analysis: Morris screening and Sobol indices with their intervals.

Each function takes a tidy table written by experiments/sensitivity/ and
returns a Figure carrying the numbers behind it (`fig.plotted`, the whole
table with its `unit` and `interval` columns), which `save_figure` writes as
CSV beside the PNG and PDF:

- `morris_figure` (`sensitivity_morris`): mu* of each parameter with its 95%
  bootstrap interval, per output, the largest `top` by the screen and the
  announcement transfer always shown; the chance level as a dashed line;
- `sobol_figure` (`sensitivity_sobol`): first- and total-order indices of the
  screened parameters at the larger sample size with 95% bootstrap
  intervals, and the total-order index at half that size (convergence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.calibration import BLUE, GREY, VERMILION, save_figure  # noqa: F401  (re-exported for callers)
from sim.config.params import TRANSFER

OUTPUT_LABELS = {
    "uptake_loss_final_pp": "uptake loss, final week (pp)",
    "uptake_loss_last_year_pp": "uptake loss, mean of last year (pp)",
    "mixed_child_loss_last_year_pp": "citizens in mixed-status households,\nloss over last year (pp)",
}
ORDER_STYLE = {"first": (BLUE, "first order S1"), "total": (VERMILION, "total order ST")}


def _label(parameter: str) -> str:
    return parameter.split(".", 1)[-1]


def _outputs(df: pd.DataFrame) -> list[str]:
    present = set(df["output"])
    return [o for o in OUTPUT_LABELS if o in present] + sorted(present - set(OUTPUT_LABELS))


def morris_figure(morris: pd.DataFrame, top: int = 30) -> Figure:
    """Per output, mu* with its 95% bootstrap interval for the `top` parameters by screen rank (and the transfer)."""
    import matplotlib.pyplot as plt

    ranked = morris.drop_duplicates("parameter").sort_values("screen_rank")
    shown = list(ranked["parameter"].iloc[:top])
    if TRANSFER in set(ranked["parameter"]) and TRANSFER not in shown:
        shown.append(TRANSFER)
    outputs = _outputs(morris)
    y = np.arange(len(shown))[::-1]
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.3 * len(outputs), 0.22 * len(shown) + 1.8), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, out in zip(axes, outputs, strict=True):
        d = morris[morris["output"] == out].set_index("parameter").reindex(shown)
        colours = [
            VERMILION if p == TRANSFER else (BLUE if s else GREY) for p, s in zip(shown, d["in_sobol"], strict=True)
        ]
        err = [d["mu_star"] - d["mu_star_lo"], d["mu_star_hi"] - d["mu_star"]]
        ax.barh(y, d["mu_star"], color=colours, height=0.7)
        ax.errorbar(d["mu_star"], y, xerr=err, fmt="none", ecolor="black", lw=0.7, capsize=1.5)
        if "chance_mu_star" in d and np.isfinite(d["chance_mu_star"].iloc[0]):
            ax.axvline(d["chance_mu_star"].iloc[0], color="black", ls="--", lw=0.8, label="chance (upper bound)")
        ax.set_title(OUTPUT_LABELS.get(out, out), fontsize=9)
        ax.set_xlabel("mu* (pp per plausible range)", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(y, [_label(p) for p in shown])
    axes[0].legend(frameon=False, fontsize=7, loc="lower right")
    n_all = morris["parameter"].nunique()
    fig.suptitle(
        f"Morris screening: {len(shown)} of {n_all} parameters by mean scaled mu* (blue: Sobol set; "
        "vermilion: announcement transfer); 95% bootstrap intervals",
        fontsize=9,
    )
    fig.tight_layout()
    fig.plotted = morris.reset_index(drop=True)
    return fig


def sobol_figure(sobol: pd.DataFrame) -> Figure:
    """Per output: S1 and ST at the larger N with 95% bootstrap intervals; ST at N/2 hollow, for convergence."""
    import matplotlib.pyplot as plt

    outputs = _outputs(sobol)
    big_n = int(sobol["N"].max())
    small = sobol[(sobol["N"] < big_n) & (sobol["order"] == "total")]
    big = sobol[sobol["N"] == big_n]
    params = list(big.drop_duplicates("parameter")["parameter"])
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.3 * len(outputs), 0.5 * len(params) + 1.8), sharey=True)
    axes = np.atleast_1d(axes)
    y = np.arange(len(params))[::-1]
    for ax, out in zip(axes, outputs, strict=True):
        for k, (order, (colour, label)) in enumerate(ORDER_STYLE.items()):
            d = big[(big["output"] == out) & (big["order"] == order)].set_index("parameter").reindex(params)
            err = [d["index"] - d["lo"], d["hi"] - d["index"]]
            ax.errorbar(d["index"], y + (0.12 if k else -0.12), xerr=err, fmt="o", color=colour, label=label, ms=4)
        if len(small):
            d = small[small["output"] == out]
            n_small = int(d["N"].max())
            d = d[d["N"] == n_small].set_index("parameter").reindex(params)
            ax.plot(d["index"], y + 0.3, "o", mfc="none", color=GREY, ms=4, label=f"ST at N = {n_small}")
        ax.axvline(0, color=GREY, lw=0.8)
        ax.set_title(OUTPUT_LABELS.get(out, out), fontsize=9)
        ax.set_xlabel("Sobol index (share of variance)", fontsize=8)
    axes[0].set_yticks(y, [_label(p) for p in params])
    axes[0].legend(frameon=False, fontsize=7, loc="lower right")
    fig.suptitle(f"Sobol indices of the screened parameters, 95% bootstrap intervals (N = {big_n})", fontsize=9)
    fig.tight_layout()
    fig.plotted = sobol.reset_index(drop=True)
    return fig
