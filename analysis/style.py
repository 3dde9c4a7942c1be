"""Figure style for briefs: a colour-blind-safe palette, labels, and saving with the plotted numbers."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = "viridis"

REGIME_LABELS = {
    "firewall": "Firewall (before the directive)",
    "formal_agreements": "Formal agreements",
    "appointment_disclosure": "Appointment disclosure (directive)",
    "routine_sharing": "Routine sharing",
    "gc_discretionary": "General-counsel discretion",
    "injunction": "Directive, then injunction",
}


def new_figure(ncols: int = 1, width: float = 6.5, height: float = 4.0) -> tuple[Figure, list]:
    plt.rcParams.update({"axes.spines.top": False, "axes.spines.right": False, "font.size": 9})
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols if ncols > 1 else width, height), squeeze=False)
    return fig, list(axes[0])


def attach(fig: Figure, data: pd.DataFrame) -> Figure:
    """Keep the numbers a figure plots with it, so they are saved beside it."""
    fig.plotted = data.reset_index(drop=True)
    return fig


def save_figure(fig: Figure, stem: Path | str) -> list[Path]:
    """Write `stem`.png, .pdf and .csv (the plotted numbers); returns the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".pdf"), stem.with_suffix(".csv")]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Creator": None, "Producer": None, "CreationDate": None})
    fig.plotted.to_csv(paths[2], index=False, float_format="%.10g")
    plt.close(fig)
    return paths
