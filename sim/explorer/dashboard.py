"""The explorer's model: a chosen scenario and its firewall counterpart, stepped in lockstep.

`ExplorerModel` takes the explorer's controls as keyword arguments (what
Mesa's SolaraViz passes when it rebuilds a model), turns them into a
validated `Config`, and runs two `UptakeModel`s on the same seed: the
scenario and `paired_counterpart(cfg)`. Common random numbers make the gap
between the two the policy's effect alone. Each week it records a few
summaries by household type (uptake; the decision makers' perceived
disclosure delta_hat, perceived ICE activity E_hat and trust; encounters and
arrests), so the page can plot them without rescanning history. Behaviour is
the calibrated model by default (`behavior=posterior`: the seed's posterior
draw and announcement transfer, as every experiment in figures/ runs), or the
assumed defaults; a mitigation of conf/mitigation/ can be laid on the regime.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.config import HOUSEHOLD_TYPES, NEEDS, Config, validate
from sim.config.compose import default_config
from sim.config.mitigations import NONE, header, mitigation_names
from sim.config.paths import BASELINE, default_regime
from sim.launch.posterior import apply_posterior
from sim.launch.simulate import paired_counterpart
from sim.model.engine.week import UptakeModel
from sim.results.outcomes import MIN_AGENTS


def discover_regimes() -> dict[str, str]:
    """Every regime in conf/policy/ (a YAML file each) with its `description:`, or its leading comment."""
    import yaml

    from sim.config import paths

    folder = paths.CONF_DIR / "policy"
    names = paths.regimes() if hasattr(paths, "regimes") else sorted(p.stem for p in folder.glob("*.yaml"))
    notes = {}
    for name in names:
        text = (folder / f"{name}.yaml").read_text()
        data = yaml.safe_load(text) or {}
        comment = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("# ").strip())
        notes[name] = str(data.get("description") or " ".join(comment)).rstrip(".")
    return notes


REGIME_NOTES = discover_regimes()
REGIMES = tuple(REGIME_NOTES)
DEFAULT_REGIME = default_regime()  # the regime conf/config.yaml runs by default
RECORDS = ("as the regime sets", "kept", "not kept")
# Behaviour: the calibrated model (conf/behavior/posterior.yaml) or the assumed defaults (conf/behavior/default.yaml).
BEHAVIORS = {"calibrated: the seed's posterior draw": "posterior", "assumed defaults (not calibrated)": "default"}
MITIGATIONS = {NONE: "none", **{m: header(m)["label"] for m in mitigation_names() if m != NONE}}
AGENT_ENGINE_MAX = 3_000  # people; larger populations use the vectorized engine
OUTREACH_WEEK = 26  # an outreach campaign, when on, starts here and runs `policy.outreach_weeks`
RUNS = ("policy", BASELINE)  # the scenario, and its counterpart under the baseline regime
# Display groups: the household types of sim.config.HOUSEHOLD_TYPES, one line each, most exposed first.
GROUP_LABELS = {
    "mixed_status": "mixed status",
    "visa_holder": "visa holder",
    "green_card_citizen": "green card",
    "all_citizen_immigrant": "naturalized citizens",
    "us_born": "US-born",
}
assert set(GROUP_LABELS) == set(HOUSEHOLD_TYPES), "every household type needs a label on the page"
GROUPS = tuple(GROUP_LABELS)

_compose_lock = threading.Lock()  # Hydra's compose API uses global state; page sessions share the process


def explorer_config(
    policy: str = DEFAULT_REGIME,
    mitigation: str = NONE,
    behavior: str = next(iter(BEHAVIORS)),
    disclosure_prob: float = 0.8,
    records: str = RECORDS[0],
    remote_share: float = 0.0,
    presence_growth: float = 0.15,
    outreach_reach: float = 0.0,
    mean_degree: float = 6.0,
    n_people: int = AGENT_ENGINE_MAX,
    seed: int = 0,
    weeks: int = 156,
) -> Config:
    """The validated config the controls describe; the engine follows from the population size.

    `mitigation` (a name of conf/mitigation/) is applied on top of the regime, and the sliders on top of both:
    the disclosure probability always, records and outreach when set, remote service as a floor. With the
    calibrated behaviour the seed's posterior draw is applied last, as `sim.run` does.
    """
    if mitigation not in MITIGATIONS:
        raise ValueError(f"mitigation={mitigation!r}: not a file of conf/mitigation/ ({', '.join(MITIGATIONS)})")
    if behavior not in BEHAVIORS:
        raise ValueError(f"behavior={behavior!r}: one of {', '.join(BEHAVIORS)}")
    overrides: dict[str, object] = {
        "behavior": BEHAVIORS[behavior],
        "policy.rules.disclosure_prob": float(disclosure_prob),
        "enforcement.growth_per_year": float(presence_growth),
        "network.mean_degree": float(mean_degree),
        "population.n_people": int(n_people),
        "seed": int(seed),
        "weeks": int(weeks),
        "engine": "agents" if n_people <= AGENT_ENGINE_MAX else "vectorized",
        "progress": False,
    }
    if mitigation != NONE:
        overrides["+mitigation"] = mitigation
    if records != RECORDS[0]:
        overrides["policy.rules.records_kept"] = str(records == "kept").lower()
    if outreach_reach > 0:
        overrides["policy.outreach_week"] = min(OUTREACH_WEEK, int(weeks) - 1)
        overrides["policy.outreach_reach"] = float(outreach_reach)
    with _compose_lock:
        cfg = default_config(policy, **overrides)
    # Remote service is a floor on every need's share, so 0 leaves the regime's own shares.
    cfg.policy.remote_share = {k: max(cfg.policy.remote_share[k], float(remote_share)) for k in NEEDS}
    return apply_posterior(validate(cfg))[0]


def _series() -> dict[str, dict[str, list[float]]]:
    return {run: {g: [] for g in [*GROUPS, "all"]} for run in RUNS}


@dataclass
class History:
    """Weekly summaries of both runs, one list per series, appended as the model steps.

    Counts are weighted (people represented); belief means are weighted by
    the people each household represents.
    """

    week: list[int] = field(default_factory=list)
    uptake: dict[str, dict[str, list[float]]] = field(default_factory=_series)  # run -> group -> series
    disclosure: dict[str, dict[str, list[float]]] = field(default_factory=_series)  # delta_hat
    activity: dict[str, dict[str, list[float]]] = field(default_factory=_series)  # E_hat
    trust: dict[str, dict[str, list[float]]] = field(default_factory=_series)
    encounters: dict[str, list[float]] = field(default_factory=lambda: {run: [] for run in RUNS})  # agency + clinic
    arrests: dict[str, list[float]] = field(default_factory=lambda: {run: [] for run in RUNS})  # in the community
    eligible_agents: dict[str, int] = field(default_factory=dict)  # scenario run, this week, by group


def household_groups(model: UptakeModel) -> dict[str, np.ndarray]:
    """Boolean household masks, one per household type."""
    hh_type = model.pop.hh_type
    return {g: hh_type == HOUSEHOLD_TYPES.index(g) for g in GROUPS}


def _by_type(model: UptakeModel, column: str, group: str | None) -> float:
    """The sum of a weekly column over the outcome groups of one household type (all when None)."""
    keep = np.array([group is None or t == group for t in model.groups.household_type])
    return float(model.weekly[column][keep].sum())


def _uptake(model: UptakeModel, group: str | None) -> float:
    """Receiving over eligible this week (weighted), within one household type (all when None)."""
    eligible = _by_type(model, "eligible", group)
    return _by_type(model, "receiving", group) / eligible if eligible else float("nan")


def _group_mean(values: np.ndarray, weight: np.ndarray, mask: np.ndarray) -> float:
    total = weight[mask].sum()
    return float((values[mask] * weight[mask]).sum() / total) if total > 0 else float("nan")


@dataclass
class NetworkSample:
    """A few households of each group with their neighbours: the part of the network the page draws."""

    nodes: np.ndarray  # household indices
    group: np.ndarray  # household type of each node
    edges: np.ndarray  # [E, 2] positions into `nodes`


def network_sample(
    model: UptakeModel, masks: dict[str, np.ndarray], rng: np.random.Generator, seeds_per_group: int = 5, cap: int = 8
) -> NetworkSample:
    """Seed households from each group (well connected ones first) plus up to `cap` neighbours each."""
    net = model.network
    degree = model.world.degree  # ties of each household
    chosen: list[int] = []
    for g in GROUPS:
        members = np.flatnonzero(masks[g] & (degree > 0))
        members = members if len(members) else np.flatnonzero(masks[g])  # a network without ties still has nodes
        picks = rng.choice(members, size=min(seeds_per_group, len(members)), replace=False) if len(members) else []
        for h in picks:
            neighbours = net.indices[net.indptr[h] : net.indptr[h + 1]]
            chosen += [int(h), *rng.permutation(neighbours)[:cap].tolist()]
    nodes = np.unique(np.array(chosen, dtype=np.int64))
    sub = net[nodes][:, nodes].tocoo()
    upper = sub.row < sub.col
    group_of = np.array(HOUSEHOLD_TYPES)[model.pop.hh_type[nodes]]
    return NetworkSample(nodes, group_of.astype(str), np.column_stack([sub.row[upper], sub.col[upper]]))


class ExplorerModel(mesa.Model):
    """A scenario and its firewall counterpart on the same seed, stepped together."""

    def __init__(
        self,
        policy: str = DEFAULT_REGIME,
        mitigation: str = NONE,
        behavior: str = next(iter(BEHAVIORS)),
        disclosure_prob: float = 0.8,
        records: str = RECORDS[0],
        remote_share: float = 0.0,
        presence_growth: float = 0.15,
        outreach_reach: float = 0.0,
        mean_degree: float = 6.0,
        n_people: int = AGENT_ENGINE_MAX,
        seed: int = 0,
        weeks: int = 156,
    ) -> None:
        super().__init__(rng=seed)
        self.cfg = explorer_config(
            policy,
            mitigation,
            behavior,
            disclosure_prob,
            records,
            remote_share,
            presence_growth,
            outreach_reach,
            mean_degree,
            n_people,
            seed,
            weeks,
        )
        self.mitigation, self.behavior = mitigation, behavior
        policy = UptakeModel(self.cfg)
        self.runs = {"policy": policy, BASELINE: UptakeModel(paired_counterpart(self.cfg), like=policy)}
        policy_run = self.runs["policy"]
        self.masks = {**household_groups(policy_run), "all": np.ones(policy_run.pop.n_households, bool)}
        self.sample = network_sample(policy_run, self.masks, np.random.default_rng(seed))
        self.history = History()

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.runs["policy"].week

    def small_groups(self) -> list[str]:
        """Household types with fewer than `MIN_AGENTS` eligible agents this week: noise, not findings."""
        return [g for g, n in self.history.eligible_agents.items() if n < MIN_AGENTS]

    def step(self) -> None:
        """Advance both runs one week and record their summaries."""
        for run in RUNS:
            self.runs[run].step()
        self._record()
        self.running = self.runs["policy"].running

    def _record(self) -> None:
        h = self.history
        h.week.append(self.week)
        for run, m in self.runs.items():
            weight = m.pop.weight  # people each household represents
            beliefs = {
                "disclosure": (h.disclosure, m.perceived_disclosure),
                "activity": (h.activity, m.households.activity),
                "trust": (h.trust, m.households.trust),
            }
            for g, mask in self.masks.items():
                h.uptake[run][g].append(_uptake(m, None if g == "all" else g))
                for series, values in beliefs.values():
                    series[run][g].append(_group_mean(values, weight, mask))
            h.encounters[run].append(_by_type(m, "encounters", None) + _by_type(m, "clinic_encounters", None))
            h.arrests[run].append(_by_type(m, "arrests", None))
        policy_run = self.runs["policy"]
        h.eligible_agents = {g: int(_by_type(policy_run, "eligible_agents", g)) for g in GROUPS}
