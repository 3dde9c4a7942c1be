"""Figures of the calibration: posterior marginals against their priors, and the predictive check.

Each function takes a table and returns a matplotlib Figure carrying the
numbers it plots (`fig.plotted`), which `save_figure` writes as CSV beside
the PNG and PDF.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.style import PALETTE  # noqa: E402

# The palette of every figure (`analysis.style.PALETTE`, Okabe & Ito), by name, and a neutral grey.
BLUE, VERMILION, GREEN, GREY = PALETTE[0], PALETTE[1], PALETTE[2], "#999999"


def save_figure(fig: Figure, stem: Path) -> list[Path]:
    """Write PNG, PDF and the plotted numbers as CSV; return the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".pdf"), stem.with_suffix(".csv")]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    getattr(fig, "plotted", pd.DataFrame()).to_csv(paths[2], index=False)
    plt.close(fig)
    return paths


def posterior_figure(post: pd.DataFrame, priors: dict[str, tuple[float, float]], bins: int = 15) -> Figure:
    """Weighted histogram of each fitted parameter over its uniform prior range."""
    names = list(priors)
    ncols = 3
    nrows = int(np.ceil(len(names) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(9, 2.6 * nrows), squeeze=False)
    rows = []
    for ax, name in zip(axes.flat, names, strict=False):
        lo, hi = priors[name]
        edges = np.linspace(lo, hi, bins + 1)
        dens, _ = np.histogram(post[name], bins=edges, weights=post["weight"], density=True)
        ax.stairs(dens, edges, fill=True, color=BLUE, alpha=0.7, label="posterior")
        ax.hlines(1.0 / (hi - lo), lo, hi, color=GREY, linestyles="--", label="prior")
        ax.set_title(name.removeprefix("behavior."), fontsize=9)
        ax.set_yticks([])
        rows += [
            {"parameter": name, "bin_lo": a, "bin_hi": b, "density": d}
            for a, b, d in zip(edges[:-1], edges[1:], dens, strict=True)
        ]
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize=8)
    fig.suptitle("Calibrated parameters: posterior (weighted particles) against the uniform prior", fontsize=10)
    fig.tight_layout()
    fig.plotted = pd.DataFrame(rows)
    return fig


def predictive_figure(check: pd.DataFrame) -> Figure:
    """Survey figure with its tolerance beside the model's 90% interval over posterior draws and seeds."""
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    y = np.arange(len(check))
    ax.errorbar(
        100 * check["survey"],
        y + 0.12,
        xerr=100 * 1.645 * check["survey_sd"],
        fmt="s",
        color=VERMILION,
        label="survey (90% tolerance)",
    )
    med = 100 * check["model_median"]
    err = [med - 100 * check["model_lo"], 100 * check["model_hi"] - med]
    ax.errorbar(med, y - 0.12, xerr=err, fmt="o", color=BLUE, label="model, posterior draws x seeds (90%)")
    ax.set_yticks(y, check["target"])
    ax.set_xlabel("adults in immigrant families who avoided a benefit (%)")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title("Posterior predictive check: parameter uncertainty and chance together", fontsize=10)
    fig.tight_layout()
    fig.plotted = check.copy()
    return fig
