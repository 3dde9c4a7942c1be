"""Figures of scenario discovery: PRIM's boxes, its peeling trajectories and the feature scores.

Each function takes a tidy table written by experiments/discovery/ and
returns a Figure carrying the numbers it plots (`fig.plotted`, with its `unit`
column), which `analysis.style.save_figure` writes as CSV beside the PNG and
PDF:

- `box_figure` (`discovery_box`): each restricted dimension of each chosen
  box, its limits as a share of the declared range, against the range sampled
  (narrower than the declared one for the posterior's parameters), with the
  limits in the parameter's unit and the quasi-p value of each restriction
  (faint when it is 0.05 or more: the restriction may be noise);
- `peeling_figure` (`discovery_peeling`): density against coverage for every
  step of each box's peeling trajectory, coloured by the number of restricted
  dimensions, the chosen step circled, the minimum density dashed;
- `feature_scores_figure` (`discovery_feature_scores`): the extra-trees score
  of the best-scored inputs for telling the cases of interest apart and for
  the loss itself, coloured by kind (posterior, assumption, lever), with the
  noise level (the best score of a column of pure noise) dashed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.calibration import BLUE, GREEN, GREY, VERMILION

KIND_COLOURS = {"posterior": BLUE, "assumption": VERMILION, "lever": GREEN}
LIGHT = "#dddddd"


def _label(parameter: str) -> str:
    return parameter.split(".", 1)[-1]


def _share(value: pd.Series, lo: pd.Series, hi: pd.Series) -> pd.Series:
    """A value as a share of the declared range [lo, hi]."""
    width = (hi - lo).where(hi > lo)
    return ((value - lo) / width).fillna(0.0)


def _qp(r: pd.Series) -> str:
    parts = [f"{v:.2g}" for v in (r["qp_lower"], r["qp_upper"]) if pd.notna(v)]
    return "qp " + "/".join(parts) if parts else ""


def box_figure(boxes: pd.DataFrame, min_density: float | None = None) -> Figure:
    """One panel per box: the limits of each restricted dimension against its declared and sampled ranges."""
    import matplotlib.pyplot as plt

    data = boxes.copy()
    for col in ("lower", "upper", "sampled_lo", "sampled_hi"):
        data[f"{col}_share"] = _share(data[col], data["range_lo"], data["range_hi"])
    numbers = list(dict.fromkeys(data["box"])) if len(data) else []
    if not numbers:
        fig, ax = plt.subplots(figsize=(6.5, 1.6))
        what = f" with density >= {min_density:g}" if min_density is not None else ""
        ax.text(0.5, 0.5, f"PRIM found no box{what}", ha="center", va="center", fontsize=10)
        ax.set_axis_off()
        fig.plotted = data.reset_index(drop=True)
        return fig
    heights = [max(1, int((data["box"] == b).sum())) for b in numbers]
    fig, axes = plt.subplots(
        len(numbers), 1, figsize=(10.0, 0.38 * sum(heights) + 1.1 * len(numbers) + 0.4),
        gridspec_kw={"height_ratios": heights}, squeeze=False,
    )  # fmt: skip
    for ax, number in zip(axes[:, 0], numbers, strict=True):
        d = data[data["box"] == number].reset_index(drop=True)
        y = np.arange(len(d))[::-1]
        ax.barh(y, 1.0, left=0.0, height=0.7, color=LIGHT, label="declared range")
        ax.barh(
            y, d["sampled_hi_share"] - d["sampled_lo_share"], left=d["sampled_lo_share"], height=0.7, color="#bbbbbb",
            label="sampled",
        )  # fmt: skip
        colours = [KIND_COLOURS.get(k, GREY) for k in d["kind"]]
        strong = d["significant"].astype(bool).to_numpy() if "significant" in d else np.ones(len(d), bool)
        for keep, alpha in ((strong, 1.0), (~strong, 0.35)):  # faint: a restriction whose quasi-p is 0.05 or more
            ax.barh(
                y[keep], (d["upper_share"] - d["lower_share"])[keep], left=d["lower_share"][keep], height=0.4,
                color=[c for c, k in zip(colours, keep, strict=True) if k], alpha=alpha,
            )  # fmt: skip
        for yi, r in zip(y, d.to_dict("records"), strict=True):
            unit = "" if r["unit"] in ("-", "") else f" ({r['unit']})"
            ax.text(1.02, yi, f"{r['lower']:.3g} to {r['upper']:.3g}{unit}; {_qp(pd.Series(r))}", va="center",
                    fontsize=6.5)  # fmt: skip
        ax.set_yticks(y, [_label(p) for p in d["parameter"]], fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"], fontsize=7)
        first = d.iloc[0]
        ax.set_title(
            f"Box {number} (peeling step {int(first['step'])}): coverage {first['coverage']:.2f}, density "
            f"{first['density']:.2f}, mass {first['mass']:.2f}, {int(first['n_restricted'])} restricted",
            fontsize=8.5, loc="left",
        )  # fmt: skip
    axes[-1, 0].set_xlabel("share of the declared plausible range (the calibration's prior for posterior inputs)",
                           fontsize=7.5)  # fmt: skip
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in (LIGHT, "#bbbbbb", *KIND_COLOURS.values())]
    labels = ["declared range", "sampled range", *(f"box: {k}" for k in KIND_COLOURS)]
    fig.text(0.01, 0.0, "faint: quasi-p >= 0.05 (the restriction may be noise)", fontsize=6.5, va="top")
    axes[0, 0].legend(handles, labels, frameon=False, fontsize=6.5, ncol=5, loc="lower left", bbox_to_anchor=(0, 1.12))
    fig.tight_layout()
    fig.plotted = data.reset_index(drop=True)
    return fig


def peeling_figure(peeling: pd.DataFrame) -> Figure:
    """Per box: density against coverage at every step, coloured by restricted dimensions, the chosen one circled."""
    import matplotlib.pyplot as plt

    numbers = list(dict.fromkeys(peeling["box"])) if len(peeling) else []
    fig, axes = plt.subplots(1, max(1, len(numbers)), figsize=(3.6 * max(1, len(numbers)) + 0.8, 3.4), squeeze=False)
    if not numbers:
        axes[0, 0].text(0.5, 0.5, "PRIM found no box", ha="center", va="center")
        axes[0, 0].set_axis_off()
        fig.plotted = peeling.reset_index(drop=True)
        return fig
    top = max(1, int(peeling["n_restricted"].max()))
    for ax, number in zip(axes[0], numbers, strict=True):
        d = peeling[peeling["box"] == number]
        points = ax.scatter(d["coverage"], d["density"], c=d["n_restricted"], cmap="viridis", vmin=0, vmax=top, s=14)
        chosen = d[d["chosen"].astype(bool)]
        ax.scatter(chosen["coverage"], chosen["density"], s=90, facecolors="none", edgecolors=VERMILION, lw=1.4,
                   label="chosen box")  # fmt: skip
        for r in chosen.to_dict("records"):
            ax.annotate(f"step {int(r['step'])}", (r["coverage"], r["density"]), xytext=(6, -10),
                        textcoords="offset points", fontsize=7, color=VERMILION)  # fmt: skip
        ax.axhline(float(d["min_density"].iloc[0]), color="black", ls="--", lw=0.8, label="minimum density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("coverage (share of the cases of interest in the box)", fontsize=7.5)
        ax.set_title(f"Box {number}", fontsize=9)
    axes[0, 0].set_ylabel("density (share of the box's runs that are cases)", fontsize=7.5)
    axes[0, 0].legend(frameon=False, fontsize=7, loc="lower left")
    fig.colorbar(points, ax=list(axes[0]), label="restricted dimensions", shrink=0.85)
    fig.suptitle("PRIM peeling trajectories: the coverage-density trade-off", fontsize=9)
    fig.plotted = peeling.reset_index(drop=True)
    return fig


def feature_scores_figure(scores: pd.DataFrame, top: int = 25) -> Figure:
    """The `top` inputs by their score for telling the cases apart; beside it, their score for the loss."""
    import matplotlib.pyplot as plt

    shown = scores.sort_values("rank_cases").head(top).reset_index(drop=True)
    y = np.arange(len(shown))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 0.2 * len(shown) + 1.6), sharey=True)
    colours = [KIND_COLOURS.get(k, GREY) for k in shown["kind"]]
    for ax, col, title in (
        (axes[0], "score_cases", "telling the cases of interest apart"),
        (axes[1], "score_loss", "the loss itself (regression)"),
    ):
        ax.barh(y, shown[col], color=colours, height=0.7)
        level = col.replace("score", "noise")
        if level in shown:
            ax.axvline(float(shown[level].iloc[0]), color="black", ls="--", lw=0.8, label="noise level (best probe)")
        ax.set_title(title, fontsize=8.5)
        ax.set_xlabel("feature score (share of impurity decrease)", fontsize=7.5)
        ax.tick_params(labelsize=7)
    in_prim = shown["in_prim"] if "in_prim" in shown else pd.Series(False, index=shown.index)
    labels = [_label(p) + (" *" if s else "") for p, s in zip(shown["parameter"], in_prim, strict=True)]
    axes[0].set_yticks(y, labels)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLOURS.values()]
    lines = [plt.Line2D([], [], color="black", ls="--", lw=0.8)]
    axes[1].legend(handles + lines, [*KIND_COLOURS, "noise level"], frameon=False, fontsize=7, loc="lower right")
    fig.suptitle(
        f"Extra-trees feature scores, the {len(shown)} best of {len(scores)} inputs (* : PRIM looks at it)", fontsize=9
    )
    fig.tight_layout()
    fig.plotted = scores.reset_index(drop=True)
    return fig
