"""The explorer: Mesa's SolaraViz page for one scenario against its firewall run.

Start it with `make app` (or `solara run sim/explorer/app.py`). Change the controls in
the sidebar, press Reset to rebuild the model with them, then Step or play.
Every control is bounded (a slider or a list), so the page cannot build a
config that `sim.config.validate` would reject: each slider spans its
field's plausible range as declared in its section's schema module under
`sim/config/` (capped where the explorer must stay quick), and the regimes are the files in conf/policy/.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.config.mitigations import NONE
from sim.config.params import allowed, plausible
from sim.config.paths import BASELINE
from sim.explorer.dashboard import (
    AGENT_ENGINE_MAX,
    BEHAVIORS,
    DEFAULT_REGIME,
    GROUP_LABELS,
    GROUPS,
    MITIGATIONS,
    OUTREACH_WEEK,
    RECORDS,
    REGIME_NOTES,
    REGIMES,
    RUNS,
    ExplorerModel,
)
from sim.results.outcomes import MIN_AGENTS

TITLE = "Benefit uptake when appointments are shared with ICE"
# Okabe & Ito colours, one per household type (sim.config.HOUSEHOLD_TYPES)
COLOURS = {
    "mixed_status": "#D55E00",
    "visa_holder": "#CC79A7",
    "green_card_citizen": "#0072B2",
    "all_citizen_immigrant": "#E69F00",
    "us_born": "#009E73",
}
RUN_STYLE = {"policy": "-", BASELINE: ":"}
MARKERS = {
    "mixed_status": "o",
    "visa_holder": "D",
    "green_card_citizen": "s",
    "all_citizen_immigrant": "v",
    "us_born": "^",
}
EXPLORER_MAX_PEOPLE = 100_000  # beyond this a rebuild takes too long for an interactive page
EXPLORER_MAX_SEED = 999


def slider(path: str, value: float, step: float, label: str, cap: float | None = None, integer: bool = False) -> dict:
    """A slider over the field's plausible range (its allowed range where it has no numeric plausible one)."""
    try:
        lo, hi = plausible(path)
    except ValueError:
        lo, hi = allowed(path)
    hi = cap if hi is None else (hi if cap is None else min(hi, cap))
    cast = int if integer else float
    return {
        "type": "SliderInt" if integer else "SliderFloat",
        "value": cast(value),
        "min": cast(lo),
        "max": cast(hi),
        "step": cast(step),
        "label": label,
    }


model_params = {
    "policy": {
        "type": "Select",
        "value": DEFAULT_REGIME,
        "values": list(REGIMES),
        "label": "Policy regime (data-sharing rules)",
    },
    "mitigation": {
        "type": "Select",
        "value": NONE,
        "values": list(MITIGATIONS),
        "label": "Mitigation laid on the regime (a file of conf/mitigation/; the sliders below apply on top)",
    },
    "behavior": {
        "type": "Select",
        "value": next(iter(BEHAVIORS)),
        "values": list(BEHAVIORS),
        "label": "Behaviour: the calibrated model (one posterior draw per seed) or the assumed defaults",
    },
    "disclosure_prob": slider(
        "policy.rules.disclosure_prob",
        0.8,
        0.05,
        "Disclosure probability: chance staff give ICE a visit's time when asked (0-1, replaces the regime's)",
    ),
    "records": {
        "type": "Select",
        "value": RECORDS[0],
        "values": list(RECORDS),
        "label": "Record-keeping of disclosures to ICE",
    },
    "remote_share": slider(
        "policy.remote_share",
        0.0,
        0.05,
        "Remote-service share: least share of each in-person need met by phone, online or video (0-1)",
    ),
    "presence_growth": slider(
        "enforcement.growth_per_year",
        0.15,
        0.05,
        "ICE presence growth: rise per year in regional ICE presence (presence runs 0-1)",
    ),
    "outreach_reach": slider(
        "policy.outreach_reach",
        0.0,
        0.05,
        f"Outreach: share of households a trusted-messenger campaign reaches per week from week "
        f"{OUTREACH_WEEK} (0 = none)",
    ),
    "mean_degree": slider(
        "network.mean_degree",
        6,
        1,
        "Network mean degree: social ties per household beyond its own members (ties)",
        integer=True,
    ),
    "n_people": slider(
        "population.n_people",
        AGENT_ENGINE_MAX,
        500,
        f"Population size (people; up to {AGENT_ENGINE_MAX:,} run as Mesa agents, more vectorized)",
        cap=EXPLORER_MAX_PEOPLE,
        integer=True,
    ),
    "seed": slider(
        "seed",
        0,
        1,
        "Seed: random seed shared by the scenario and its firewall run (integer)",
        cap=EXPLORER_MAX_SEED,
        integer=True,
    ),
    "weeks": 156,
}

# Slider labels stack above their slider so a full sentence fits; the current value shows under the thumb.
CSS = """
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-navigation-drawer .v-input__slider .v-label { white-space: normal; height: auto; width: 100%;
  max-width: 100%; margin-bottom: 4px; line-height: 1.3; font-size: 13px; }
.v-navigation-drawer .v-select .v-label { white-space: normal; }
.v-navigation-drawer .v-input__slider { padding-bottom: 14px; }
.v-navigation-drawer .v-slider__thumb-container::after { content: attr(aria-valuenow); position: absolute;
  top: 10px; transform: translateX(-50%); font-size: 11px; color: #333; }
.explorer-status { font-size: 14px; line-height: 1.5; }
.explorer-status b { font-variant-numeric: tabular-nums; }
"""


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.3f}"


def _label(model: ExplorerModel, group: str) -> str:
    """A household type's legend label, marked when it has too few eligible agents to mean anything."""
    few = group in model.small_groups()
    return f"{GROUP_LABELS[group]} (<{MIN_AGENTS} eligible agents)" if few else GROUP_LABELS[group]


def status_html(model: ExplorerModel) -> str:
    """Headline numbers for the current week, with the values also in data attributes."""
    h, cfg = model.history, model.cfg

    def last(series: dict, run: str) -> float:
        return series[run]["all"][-1] if h.week else float("nan")

    uptake, base = last(h.uptake, "policy"), last(h.uptake, BASELINE)
    delta, base_delta = last(h.disclosure, "policy"), last(h.disclosure, BASELINE)
    activity, trust = last(h.activity, "policy"), last(h.trust, "policy")
    enc, arrests = sum(h.encounters["policy"]), sum(h.arrests["policy"])
    engine = "Mesa agents" if cfg.engine == "agents" else "vectorized"
    mitigation = f"Mitigation: {MITIGATIONS[model.mitigation]}. " if model.mitigation != NONE else ""
    small = model.small_groups()
    small_text = (
        f" Fewer than {MIN_AGENTS} eligible agents (noise, not findings): {', '.join(GROUP_LABELS[g] for g in small)}."
        if small
        else ""
    )
    return (
        f'<div class="explorer-status" data-week="{model.week}" data-uptake="{uptake:.6f}" '
        f'data-firewall-uptake="{base:.6f}" data-disclosure="{delta:.6f}" '
        f'data-firewall-disclosure="{base_delta:.6f}" data-activity="{activity:.6f}" data-trust="{trust:.6f}" '
        f'data-encounters="{enc:.3f}" data-arrests="{arrests:.3f}">'
        f"<b>Week {model.week}</b> of {cfg.weeks} &middot; uptake <b>{_pct(uptake)}</b> "
        f"(firewall run {_pct(base)}) &middot; perceived disclosure <b>{_num(delta)}</b> "
        f"(firewall run {_num(base_delta)}) &middot; perceived ICE activity <b>{_num(activity)}</b> &middot; "
        f"trust <b>{_num(trust)}</b> &middot; encounters at the agency and clinic so far <b>{enc:,.0f}</b>, "
        f"community arrests <b>{arrests:,.0f}</b> (people represented)<br>"
        f"<i>{cfg.policy.name}</i>: {REGIME_NOTES.get(cfg.policy.name, '')}. "
        f"{mitigation}{cfg.population.n_people:,} people, {engine} engine, seed {cfg.seed}; behaviour: "
        f"{model.behavior}.{small_text} "
        "Changed a control? Press Reset to rebuild the model with it."
        "</div>"
    )


def _figure(width: float = 6.4, height: float = 3.0, ncols: int = 1) -> tuple[Figure, list]:
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def _plot_series(ax, model: ExplorerModel, series: dict, title: str, ylabel: str, legend: bool = True) -> None:
    """Lines by household type, the scenario solid and its firewall run dotted."""
    weeks = model.history.week
    for run in RUNS:
        for g in GROUPS:
            label = _label(model, g) if run == "policy" else None
            ax.plot(weeks, series[run][g], RUN_STYLE[run], color=COLOURS[g], label=label, lw=1.2)
    ax.set(title=title, xlabel="week", ylabel=ylabel, xlim=(0, model.cfg.weeks))
    ax.title.set_fontsize(10)
    if not weeks:
        ax.set_ylim(0, 1)
    if legend:
        ax.plot([], [], RUN_STYLE[BASELINE], color="grey", label="firewall run")
        ax.legend(fontsize=7, loc="best")


@solara.component
def Summary(model: ExplorerModel) -> None:
    """Headline numbers and uptake over time by household type against the firewall run."""
    update_counter.get()
    solara.Style(CSS)
    fig, (ax,) = _figure()
    uptake = model.history.uptake
    _plot_series(ax, model, uptake, "Uptake: weighted share of eligible people receiving", "uptake (0-1)")
    values = np.array([v for run in RUNS for series in uptake[run].values() for v in series], dtype=float)
    lowest = np.min(values[np.isfinite(values)], initial=1.0)  # a type without eligible people has no uptake
    ax.set_ylim(min(0.9, lowest - 0.02), 1.01)
    with solara.Column():
        solara.HTML(tag="div", unsafe_innerHTML=status_html(model))
        solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps])


@solara.component
def Beliefs(model: ExplorerModel) -> None:
    """Perceived disclosure (delta_hat): how likely decision makers think the agency tells ICE when asked."""
    update_counter.get()
    fig, (ax,) = _figure()
    title = "Perceived disclosure (delta_hat): the agency tells ICE when asked"
    _plot_series(ax, model, model.history.disclosure, title, "weighted mean (0-1)")
    if model.history.week:
        ax.set_ylim(0, 1)
    solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps])


@solara.component
def ActivityTrust(model: ExplorerModel) -> None:
    """Perceived ICE activity nearby (E_hat) and trust in the agency among household decision makers."""
    update_counter.get()
    fig, (ax_activity, ax_trust) = _figure(ncols=2)
    h = model.history
    _plot_series(ax_activity, model, h.activity, "Perceived ICE activity nearby (E_hat)", "weighted mean (0-1)",
                 legend=False)  # fmt: skip
    _plot_series(ax_trust, model, h.trust, "Trust in the agency", "weighted mean (0-1)", legend=False)
    if h.week:
        ax_activity.set_ylim(bottom=0)
        ax_trust.set_ylim(bottom=0)
    solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps])


@solara.component
def Encounters(model: ExplorerModel) -> None:
    """Encounters at the agency and clinic, and community arrests, cumulative, scenario against firewall run."""
    update_counter.get()
    fig, (ax,) = _figure()
    weeks = model.history.week
    kinds = {
        "encounters at the agency and clinic": model.history.encounters,
        "community arrests": model.history.arrests,
    }
    top = 5.0
    for (kind, counts), colour in zip(kinds.items(), ("#b2182b", "#555555"), strict=True):
        for run in RUNS:
            total = np.cumsum(counts[run])
            ax.step(weeks, total, where="post", linestyle=RUN_STYLE[run], color=colour, label=f"{kind}, {run} run")
            top = max(top, 1.1 * total[-1] + 1 if len(total) else top)
    ax.set(title="Enforcement events (cumulative, people represented)", xlabel="week", ylabel="people")
    ax.set(xlim=(0, model.cfg.weeks), ylim=(0, top))
    ax.title.set_fontsize(10)
    ax.legend(fontsize=7)
    solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps])


def _layout(model: ExplorerModel) -> np.ndarray:
    """Fixed node positions for the sampled households, so colours change but nodes stay put."""
    sample = model.sample
    graph = nx.Graph()
    graph.add_nodes_from(range(len(sample.nodes)))
    graph.add_edges_from(map(tuple, sample.edges))
    pos = nx.spring_layout(graph, seed=int(model.cfg.seed), k=1.5 / math.sqrt(max(len(sample.nodes), 1)))
    return np.array([pos[i] for i in range(len(sample.nodes))]).reshape(-1, 2)


@solara.component
def NetworkView(model: ExplorerModel) -> None:
    """A sample of households and their ties, coloured by the decision maker's perceived disclosure."""
    update_counter.get()
    xy = solara.use_memo(lambda: _layout(model), [id(model)])
    sample = model.sample
    fig, axes = _figure(height=3.4, ncols=2)
    for ax, run in zip(axes, RUNS, strict=True):
        delta_hat = model.runs[run].perceived_disclosure[sample.nodes]
        ax.add_collection(LineCollection(xy[sample.edges], colors="#bbbbbb", linewidths=0.6, zorder=1))
        for g, marker in MARKERS.items():
            sel = sample.group == g
            points = ax.scatter(
                *xy[sel].T, c=delta_hat[sel], cmap="magma_r", vmin=0.0, vmax=1.0, marker=marker,
                s=36, edgecolors="#444444", linewidths=0.4, zorder=2, label=GROUP_LABELS[g],
            )  # fmt: skip
        ax.set_title(f"{run} run, week {model.week}", fontsize=10)
        ax.set_axis_off()
        ax.autoscale_view()
    axes[0].legend(fontsize=7, loc="lower left", markerscale=0.8)
    fig.colorbar(points, ax=axes, shrink=0.8, label="perceived disclosure (delta_hat)")
    fig.suptitle("Fear spreading through a sample of households", fontsize=11)
    solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps])


model = ExplorerModel()
page = SolaraViz(
    model,
    components=[Summary, Beliefs, ActivityTrust, NetworkView, Encounters],
    model_params=model_params,
    name=TITLE,
)
