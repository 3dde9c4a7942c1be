"""The explorer's model: a chosen scenario and its firewall counterpart, stepped in lockstep.

`ExplorerModel` takes the explorer's controls as keyword arguments (what
Mesa's SolaraViz passes when it rebuilds a model), turns them into a
validated `Config`, and runs two `UptakeModel`s on the same seed: the
scenario and `firewall_counterpart(cfg)`. Common random numbers make the gap
between the two the policy's effect alone. Each week it records a few
summaries by household group, so the page can plot them without rescanning
history.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.config import HOUSEHOLD_TYPES, NEEDS, Config, default_config, validate
from sim.model import UptakeModel
from sim.simulate import firewall_counterpart


def discover_regimes() -> dict[str, str]:
    """Every regime in conf/policy/ (a YAML file each) with its `description:`, or its leading comment."""
    import yaml

    from sim import paths

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
RECORDS = ("as the regime sets", "kept", "not kept")
AGENT_ENGINE_MAX = 3_000  # people; larger populations use the vectorized engine
OUTREACH_WEEK = 26  # an outreach campaign, when on, starts here and runs `policy.outreach_weeks`
RUNS = ("policy", "firewall")
# Display groups: household types folded into the three the page compares.
GROUPS = {
    "mixed-status": ("mixed_status",),
    "noncitizen": ("lawful_noncitizen", "visa_holder"),
    "citizen": ("citizen_only",),
}

_compose_lock = threading.Lock()  # Hydra's compose API uses global state; page sessions share the process


def explorer_config(
    policy: str = "appointment_disclosure",
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
    """The validated config the controls describe; the engine follows from the population size."""
    overrides: dict[str, object] = {
        "policy.rules.disclosure_prob": float(disclosure_prob),
        "enforcement.growth_per_year": float(presence_growth),
        "network.mean_degree": float(mean_degree),
        "population.n_people": int(n_people),
        "seed": int(seed),
        "weeks": int(weeks),
        "engine": "agents" if n_people <= AGENT_ENGINE_MAX else "vectorized",
    }
    if records != RECORDS[0]:
        overrides["policy.rules.records_kept"] = str(records == "kept").lower()
    if outreach_reach > 0:
        overrides["policy.outreach_week"] = min(OUTREACH_WEEK, int(weeks) - 1)
        overrides["policy.outreach_reach"] = float(outreach_reach)
    with _compose_lock:
        cfg = default_config(policy, **overrides)
    # Remote service is a floor on every need's share, so 0 leaves the regime's own shares.
    cfg.policy.remote_share = {k: max(cfg.policy.remote_share[k], float(remote_share)) for k in NEEDS}
    return validate(cfg)


@dataclass
class History:
    """Weekly summaries of both runs, one list per series, appended as the model steps."""

    week: list[int] = field(default_factory=list)
    uptake: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # run -> group -> series
    risk: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    trust: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    encounters: dict[str, list[int]] = field(default_factory=dict)  # run -> weekly count

    def __post_init__(self) -> None:
        for series in (self.uptake, self.risk, self.trust):
            for run in RUNS:
                series[run] = {g: [] for g in [*GROUPS, "all"]}
        self.encounters.update({run: [] for run in RUNS})


def household_groups(model: UptakeModel) -> dict[str, np.ndarray]:
    """Boolean household masks for each display group."""
    hh_type = model.pop.hh_type
    return {g: np.isin(hh_type, [HOUSEHOLD_TYPES.index(t) for t in types]) for g, types in GROUPS.items()}


def _uptake(model: UptakeModel, group_types: tuple[str, ...] | None) -> float:
    """Receiving over eligible this week, over the groups whose household type is in `group_types`."""
    w, types = model.weekly, model.groups.household_type
    keep = np.array([group_types is None or t in group_types for t in types])
    eligible = w["eligible"][keep].sum()
    return float(w["receiving"][keep].sum() / eligible) if eligible else float("nan")


def _group_mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


@dataclass
class NetworkSample:
    """A few households of each group with their neighbours: the part of the network the page draws."""

    nodes: np.ndarray  # household indices
    group: np.ndarray  # display-group name of each node
    edges: np.ndarray  # [E, 2] positions into `nodes`


def network_sample(
    model: UptakeModel, masks: dict[str, np.ndarray], rng: np.random.Generator, seeds_per_group: int = 6, cap: int = 10
) -> NetworkSample:
    """Seed households from each group (well connected ones first) plus up to `cap` neighbours each."""
    net = model.network
    degree = np.diff(net.indptr)  # ties of each household
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
    names = np.array(list(GROUPS))
    group_of = np.select([masks[g][nodes] for g in GROUPS], names, default="citizen")
    return NetworkSample(nodes, group_of.astype(str), np.column_stack([sub.row[upper], sub.col[upper]]))


class ExplorerModel(mesa.Model):
    """A scenario and its firewall counterpart on the same seed, stepped together."""

    def __init__(
        self,
        policy: str = "appointment_disclosure",
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
        super().__init__(seed=seed)
        self.cfg = explorer_config(
            policy,
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
        self.runs = {"policy": UptakeModel(self.cfg), "firewall": UptakeModel(firewall_counterpart(self.cfg))}
        policy_run = self.runs["policy"]
        self.masks = {**household_groups(policy_run), "all": np.ones(policy_run.pop.n_households, bool)}
        self.sample = network_sample(policy_run, self.masks, np.random.default_rng(seed))
        self.history = History()

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return self.runs["policy"].week

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
            risk, trust = m.risk, m.households.trust
            for g, mask in self.masks.items():
                h.uptake[run][g].append(_uptake(m, GROUPS.get(g)))
                h.risk[run][g].append(_group_mean(risk, mask))
                h.trust[run][g].append(_group_mean(trust, mask))
            h.encounters[run].append(int(m.weekly["encounters"].sum() + m.weekly["clinic_encounters"].sum()))
