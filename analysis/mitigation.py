"""What would undo the directive: the mitigation table and its ranked dot-and-interval chart.

Each mitigation is a file of conf/mitigation/ (`describe` reads its `family`, `label` and overrides); the
experiment (`experiments.mitigation`, conf/experiment/mitigation.yaml) runs every mitigation under the
directive on the same seeds as the directive without mitigation (`none`). Everything here is per seed first,
then over seeds:

- `per_seed`: for each mitigation and seed, what it recovered against `none` on the same seed (the same
  people, network, random numbers and posterior draw): uptake (pp, final week and mean over weeks), people
  receiving per 100,000 eligible (final week), benefit dollars kept (USD per 100,000 eligible, whole run)
  and citizen children kept on benefits (final week; people represented, and per 100,000 eligible). The row
  `directive_withdrawn` is the directive's whole loss against its paired firewall run: what withdrawing it
  would recover (remote service can recover more: it also helps people who would miss an in-person visit
  without the directive).
- `mitigation_table`: mean, 95% CI of the mean and 90% predictive interval over seeds (the one rule,
  `analysis.stats.mean_intervals`), n, the `interval` words, and the eligible agents behind each number.
- `figure`: the ranked chart of people recovered per 100,000 eligible (final week).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.drawing import CI_LABEL, PI_LABEL
from analysis.stats import INTERVAL_COLUMNS, MIN_AGENTS, mean_intervals
from analysis.style import PALETTE, attach, new_figure
from sim.config.mitigations import MITIGATION_DIR, NONE, header, mitigation_file

WITHDRAWN = "directive_withdrawn"  # the directive's whole loss (its paired firewall run): withdrawing it
# Not a ceiling for remote service, which also helps people who would miss an in-person visit without the directive.
WITHDRAWN_LABEL = "Directive withdrawn: its whole loss (against the firewall on the same seed)"
REFERENCE = "reference"
PER = 100_000  # "per 100,000 eligible"

# metric -> unit; every value is the mitigated run minus the directive without mitigation, same seed, so that
# a positive number is recovered (uptake, people) or kept (dollars, children)
METRICS = {
    "uptake_recovered_final_pp": "pp of eligible people receiving, final week (mitigated minus unmitigated)",
    "uptake_recovered_mean_pp": "pp of eligible people receiving, mean over weeks (mitigated minus unmitigated)",
    "people_recovered_final_per_100k_eligible": "people receiving per 100,000 eligible, final week",
    "benefits_kept_usd_per_100k_eligible": "USD of benefits kept per 100,000 eligible, whole run (all weeks)",
    "citizen_children_kept_people": "citizen children in mixed-status households kept on benefits, final week "
    "(people represented in the simulated population of `people`)",
    "citizen_children_kept_per_100k_eligible": "citizen children in mixed-status households kept on benefits "
    "per 100,000 eligible, final week",
}
MAIN_METRIC = "people_recovered_final_per_100k_eligible"
CHILD_METRICS = ("citizen_children_kept_people", "citizen_children_kept_per_100k_eligible")
ALL_SEGMENT, CHILD_SEGMENT = "All eligible people", "Citizens in mixed-status households"
FAMILY_COLORS = {
    "remote service": PALETTE[0],
    "video interpreting": PALETTE[5],
    "records and oversight": PALETTE[2],
    "outreach": PALETTE[4],
    "court order": PALETTE[1],
    "combination": PALETTE[3],
    REFERENCE: "#7f7f7f",
}


# ------------------------------------------------------------ the mitigations


def _merged(name: str, folders: Sequence[Path], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """A mitigation's values with those of the mitigations its defaults list names, in Hydra's order."""
    if name in seen:
        raise ValueError(f"mitigation {name!r}: its defaults list includes itself ({' -> '.join((*seen, name))})")
    data = yaml.safe_load(mitigation_file(name, folders).read_text()) or {}
    out: dict[str, Any] = {}
    defaults = data.pop("defaults", []) or ["_self_"]
    if "_self_" not in defaults:
        defaults = [*defaults, "_self_"]
    for entry in defaults:
        if entry == "_self_":
            _merge(out, data)
        elif isinstance(entry, str):
            _merge(out, _merged(entry, folders, (*seen, name)))
        else:
            raise ValueError(f"mitigation {name!r}: defaults entry {entry!r}: name another mitigation of this folder")
    return out


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def describe(name: str, folders: Sequence[Path] = (MITIGATION_DIR,)) -> dict[str, Any]:
    """A mitigation's family, label and overrides (dotted keys, its defaults list resolved), from its file.

    The family and the label are the file's `# family: ...` and `# label: ...` comment lines.
    """
    head = header(name, folders)
    overrides = _flatten(_merged(name, folders))
    return {
        "mitigation": name,
        "family": head["family"],
        "label": head["label"],
        "overrides": overrides,
    }


def overrides_text(overrides: dict[str, Any]) -> str:
    """Overrides as `key=value` words, in the form the command line takes."""

    def word(v: Any) -> str:
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, list):
            return "[" + ",".join(str(x) for x in v) + "]"
        return f"{v:g}" if isinstance(v, float) else str(v)

    return " ".join(f"{k}={word(v)}" for k, v in overrides.items())


# ------------------------------------------------------------ per seed, then over seeds


def per_seed(runs: pd.DataFrame, eligible: pd.Series) -> pd.DataFrame:
    """What each mitigation recovered against `none` on the same seed: one row per mitigation x seed x metric.

    `runs`: one row per run with `mitigation`, `seed` and the summary metrics (`m.uptake_final`, ...; the
    `none` runs paired, with `m.uptake_loss_final_pp`, ...). `eligible`: eligible people (weighted) in the
    final week of each seed's `none` run, indexed by seed. Raises ValueError if a seed has no `none` run.
    """
    none = runs[runs["mitigation"] == NONE].set_index("seed")
    missing = sorted(set(runs["seed"]) - set(none.index))
    if missing:
        raise ValueError(f"seeds {missing} have no run without mitigation ({NONE!r}): nothing to measure against")
    rows = []
    for _, r in runs[runs["mitigation"] != NONE].iterrows():
        base, seed = none.loc[r["seed"]], r["seed"]
        final = float(r["m.uptake_final"]) - float(base["m.uptake_final"])
        children = float(base["m.citizen_children_without_benefit"]) - float(r["m.citizen_children_without_benefit"])
        values = {
            "uptake_recovered_final_pp": 100.0 * final,
            "uptake_recovered_mean_pp": 100.0 * (float(r["m.uptake_mean"]) - float(base["m.uptake_mean"])),
            "people_recovered_final_per_100k_eligible": PER * final,
            "benefits_kept_usd_per_100k_eligible": (PER / 1000.0)
            * (float(base["m.forgone_usd_per_1000_eligible"]) - float(r["m.forgone_usd_per_1000_eligible"])),
            "citizen_children_kept_people": children,
            "citizen_children_kept_per_100k_eligible": PER * children / float(eligible.loc[seed]),
        }
        rows += [{"mitigation": r["mitigation"], "seed": seed, "metric": k, "value": v} for k, v in values.items()]
    for seed, base in none.iterrows():  # what withdrawing the directive recovers
        if "m.uptake_loss_final_pp" not in base or pd.isna(base["m.uptake_loss_final_pp"]):
            continue
        loss = float(base["m.uptake_loss_final_pp"])
        children = float(base["m.citizen_children_lost_benefit"])
        values = {
            "uptake_recovered_final_pp": loss,
            "uptake_recovered_mean_pp": float(base["m.uptake_loss_mean_pp"]),
            "people_recovered_final_per_100k_eligible": PER * loss / 100.0,
            "benefits_kept_usd_per_100k_eligible": (PER / 1000.0)
            * float(base["m.extra_forgone_usd_per_1000_eligible"]),
            "citizen_children_kept_people": children,
            "citizen_children_kept_per_100k_eligible": PER * children / float(eligible.loc[seed]),
        }
        rows += [{"mitigation": WITHDRAWN, "seed": seed, "metric": k, "value": v} for k, v in values.items()]
    return pd.DataFrame(rows, columns=["mitigation", "seed", "metric", "value"])


def mitigation_table(
    seeds: pd.DataFrame,
    order: Sequence[str],
    interval: str,
    agents: dict[str, int],
    folders: Sequence[Path] = (MITIGATION_DIR,),
) -> pd.DataFrame:
    """One row per mitigation x metric: mean, ci_lo, ci_hi, pi_lo, pi_hi, n over seeds, with unit and words.

    `seeds`: `per_seed`'s rows. `order`: the mitigations in the order of the table (`none` left out; the
    reference `directive_withdrawn` goes first). `interval`: the `interval` column (`analysis.stats.interval_text`).
    `agents`: the fewest eligible agents in any run's final week, per segment (`ALL_SEGMENT`, `CHILD_SEGMENT`).
    """
    stats = mean_intervals(seeds, ["mitigation", "metric"], "value")
    names = [WITHDRAWN, *(m for m in order if m != NONE)]
    info = {WITHDRAWN: {"family": REFERENCE, "label": WITHDRAWN_LABEL, "overrides": "policy=firewall (the paired run)"}}
    for name in names[1:]:
        d = describe(name, folders)
        info[name] = {"family": d["family"], "label": d["label"], "overrides": overrides_text(d["overrides"])}
    rows = []
    for name in names:
        for metric, unit in METRICS.items():
            hit = stats[(stats["mitigation"] == name) & (stats["metric"] == metric)]
            if hit.empty:
                continue
            s = hit.iloc[0]
            segment = CHILD_SEGMENT if metric in CHILD_METRICS else ALL_SEGMENT
            rows.append(
                {
                    "mitigation": name,
                    **info[name],
                    "metric": metric,
                    "unit": unit,
                    "mean": float(s["mean"]),
                    **{c: float(s[c]) for c in INTERVAL_COLUMNS},
                    "n": int(s["n"]),
                    "interval": interval,
                    "segment": segment,
                    "eligible_agents": int(agents[segment]),
                    "small": bool(agents[segment] < MIN_AGENTS),
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------ the figure


def figure(table: pd.DataFrame, note: str = "", metric: str = MAIN_METRIC) -> Figure:
    """Ranked dot-and-interval chart of `metric` (people receiving per 100,000 eligible, final week).

    Each mitigation: the mean over seeds (dot), the 95% CI of the mean (thick whisker) and the 90% predictive
    interval (thin whisker), coloured by family; ranked by the mean, the directive's whole loss (withdrawing it)
    on top and as a dashed line. `note`: the size, the agents behind and what the spread carries.
    """
    data = table[table["metric"] == metric].copy()
    if data.empty:
        raise ValueError(f"the table has no rows of {metric!r}")
    ceiling = data[data["mitigation"] == WITHDRAWN]
    ranked = data[data["mitigation"] != WITHDRAWN].sort_values("mean", kind="stable")
    plotted = pd.concat([ranked, ceiling], ignore_index=True)
    fig, (ax,) = new_figure(width=8.0, height=0.32 * len(plotted) + 2.2)
    y = np.arange(len(plotted))
    for i, (_, r) in enumerate(plotted.iterrows()):
        color = FAMILY_COLORS.get(r["family"], "black")
        ax.plot([r["pi_lo"], r["pi_hi"]], [i, i], color=color, lw=1.0, alpha=0.8, solid_capstyle="butt")
        ax.plot([r["ci_lo"], r["ci_hi"]], [i, i], color=color, lw=4.0, alpha=0.9, solid_capstyle="butt")
        ax.plot([r["mean"]], [i], "o", color=color, markersize=6, markeredgecolor="white", zorder=3)
    ax.axvline(0, color="black", lw=0.8)
    if not ceiling.empty:
        ax.axvline(float(ceiling["mean"].iloc[0]), color=FAMILY_COLORS[REFERENCE], lw=0.9, ls="--")
    ax.set_yticks(y, [_short(label) for label in plotted["label"]], fontsize=7.5)
    ax.set_ylim(-0.7, len(plotted) - 0.3)
    n = int(plotted["n"].max())
    ax.set_xlabel(
        "Uptake recovered: people receiving benefits per 100,000 eligible in the final week,\n"
        "against the directive without mitigation on the same seed (positive = recovered)"
    )
    ax.set_title("What would undo the directive: each mitigation, ranked", fontsize=10, loc="left")
    families = [f for f in FAMILY_COLORS if f in set(plotted["family"])]
    handles = [
        Line2D([], [], color="black", marker="o", lw=0, markersize=6, label=f"mean over {n} seeds"),
        Line2D([], [], color="black", lw=4.0, label=f"thick: {CI_LABEL}"),
        Line2D([], [], color="black", lw=1.0, label=f"thin: {PI_LABEL}: where one run falls"),
        *(Line2D([], [], color=FAMILY_COLORS[f], lw=4.0, label=f) for f in families),
    ]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if note:
        ax.annotate(
            textwrap.fill(note, 150),
            xy=(0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0, -48),
            textcoords="offset points",
            fontsize=7,
            va="top",
            ha="left",
        )
    columns = ["mitigation", "family", "label", "overrides", "metric", "mean", *INTERVAL_COLUMNS, "n"]
    extra = [c for c in ("segment", "eligible_agents", "small", "interval") if c in plotted]
    return attach(fig, plotted[columns + extra], METRICS[metric])


def _short(label: str, width: int = 95) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"
