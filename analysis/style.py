"""Figure style for briefs: a colour-blind-safe palette, one colour and label per regime, saving with the data.

Regimes are discovered from conf/policy/*.yaml (`sim.config.paths.regimes`), never listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.config.paths import BASELINE, regimes  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = "viridis"

BASELINE_COLOR = "#7f7f7f"  # grey: the firewall, the reference every regime is compared against
EXTRA_COLORS = list(matplotlib.colormaps["tab10"].colors)  # beyond the palette, so every regime keeps its own


def regime_order(names: Iterable[str] = ()) -> list[str]:
    """Regimes in figure order: the baseline first, then conf/policy/*.yaml sorted, then any others in `names`."""
    known = [BASELINE, *(r for r in regimes() if r != BASELINE)]
    return known + sorted(set(names) - set(known))


def regime_colors(names: Iterable[str] = ()) -> dict[str, str]:
    """One colour per regime, the same in every figure: the baseline grey, the others from the palette in order.

    Colours follow the discovery order of conf/policy/*.yaml, so a new YAML file gets a colour of its own; a
    regime that is not in conf/policy (a user's folder on Hydra's search path) is coloured after them.
    """
    order = regime_order(names)
    others = [matplotlib.colors.to_hex(c) for c in (*PALETTE, *EXTRA_COLORS)]
    colors = {BASELINE: BASELINE_COLOR}
    for i, name in enumerate(r for r in order if r != BASELINE):
        colors[name] = others[i % len(others)]
    return colors


def regime_label(name: str) -> str:
    """A regime's name as words for a legend: the file name, spaced and capitalised; the baseline says so."""
    label = str(name).replace("_", " ").strip().capitalize()
    return f"{label} (baseline)" if name == BASELINE else label


def new_figure(ncols: int = 1, width: float = 6.5, height: float = 4.0) -> tuple[Figure, list]:
    plt.rcParams.update({"axes.spines.top": False, "axes.spines.right": False, "font.size": 9})
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols if ncols > 1 else width, height), squeeze=False)
    return fig, list(axes[0])


def attach(
    fig: Figure, data: pd.DataFrame, unit: str | dict[str, str], by: str | None = None, interval: str | None = None
) -> Figure:
    """Keep the numbers a figure plots with it, saved beside it, each row saying its unit and what its interval is.

    `unit` is one unit for every row, or a unit per value of the column `by`
    (for example per `metric`). A table with `lo` and `hi` must say what they
    carry (`interval`): the mean's confidence interval is not the spread of
    outcomes.
    """
    data = data.reset_index(drop=True).copy()
    data["unit"] = unit if isinstance(unit, str) else data[by].map(unit)
    if data["unit"].isna().any():
        raise ValueError(f"no unit for {sorted(set(data.loc[data['unit'].isna(), by]))}")
    bounds = {"lo", "hi", "ci_lo", "ci_hi", "pi_lo", "pi_hi"} & set(data.columns)
    if bounds:
        if not interval and "interval" not in data.columns:
            raise ValueError(f"a table with {sorted(bounds)} must say what its intervals carry")
        if interval:
            data["interval"] = interval
    fig.plotted = data
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
