"""`UptakeModel`: the week, declared once as an ordered list of phases.

`WEEK` lists every phase of a week in order: who acts and the rule they
follow, each rule a function in the module of its mechanism in
`sim.model.phases` (`draws`, `appointments`, `enforcement`, `decision`,
`beliefs`). `UptakeModel` builds its world (`sim.model.build.world`);
`UptakeModel.step` runs the list through the executor the config chose
(`sim.model.engine.executors`) and records the week's tally
(`sim.model.phases.tally`); nothing else in the model branches on the
engine. `python -m sim.run --show-week` prints the list.
"""

from __future__ import annotations

import logging
import os
import sys

import mesa
import numpy as np
import scipy.sparse as sp

from sim.config import Config
from sim.model.build.groups import GroupIndex
from sim.model.build.population import Population
from sim.model.build.resources import check_resources
from sim.model.build.schedule import PolicySchedule
from sim.model.build.world import build_world
from sim.model.data.rng import Streams
from sim.model.data.state import HOUSEHOLD, OFFICE, PERSON, WORLD, Households, People
from sim.model.engine import threads
from sim.model.engine.executors import EXECUTORS, Phase
from sim.model.phases import appointments, beliefs, decision, enforcement
from sim.model.phases.draws import draw_week
from sim.model.phases.tally import weekly_outcomes

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

WEEK: tuple[Phase, ...] = (
    Phase(WORLD, draw_week),
    Phase(OFFICE, enforcement.open_offices, enforcement.all_offices),
    Phase(PERSON, appointments.arise_needs, appointments.people_with_new_needs),
    Phase(PERSON, decision.decide, decision.people_due),
    Phase(PERSON, enforcement.face_enforcement, enforcement.people_attending),
    Phase(PERSON, appointments.settle, appointments.people_decided),
    Phase(PERSON, enforcement.arrest, enforcement.people_arrested),
    Phase(HOUSEHOLD, decision.visit_clinic, decision.households_with_clinic_need),
    Phase(WORLD, enforcement.make_news),
    Phase(HOUSEHOLD, beliefs.tally, beliefs.households_with_events),
    Phase(HOUSEHOLD, beliefs.hear_from_ties, beliefs.households_tied_to_events),
    Phase(HOUSEHOLD, beliefs.hear_news, beliefs.households_hearing_news),
    Phase(HOUSEHOLD, beliefs.listen_to_rumour, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_disclosure_belief, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_activity, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_trust, beliefs.households_whose_trust_can_move),
    Phase(HOUSEHOLD, beliefs.take_stock, beliefs.all_households),
)


def format_week() -> str:
    """The week as a numbered list: phase, who acts, where the rule lives, what it does."""
    lines = []
    for i, phase in enumerate(WEEK, 1):
        lines.append(f"{i:2d}. {phase.name:<18} {phase.unit:<9} {phase.where:<40} {phase.summary}")
    lines.append("    then: weekly outcomes by group (sim.model.phases.tally.weekly_outcomes)")
    return "\n".join(lines)


def show_progress(wanted: bool) -> bool:
    """A progress bar only for an interactive single run: never in CI, sweeps, or without a terminal.

    A sweep is a Hydra multirun. The model does not load Hydra: where Hydra
    runs the app, it is loaded already, and only then is there a run mode to
    ask.
    """
    if not wanted or os.environ.get("CI") or not sys.stderr.isatty():
        return False
    hydra_config = sys.modules.get("hydra.core.hydra_config")
    if hydra_config is None or not hydra_config.HydraConfig.initialized():
        return True
    return hydra_config.HydraConfig.get().mode.name != "MULTIRUN"


class UptakeModel(mesa.Model):
    """Beneficiaries weighing benefits against the risk that attending is disclosed to ICE."""

    def __init__(self, cfg: Config, like: UptakeModel | None = None, collect: bool = True) -> None:
        """`like`: the other arm of a pair (a model whose config `shares_build` with `cfg`), whose population,
        network and starting beliefs this one reuses instead of building them again (`build_world`).

        `collect`: False for a caller that reads the state itself after each step (`experiments.survey`): the
        week's group outcomes and their DataCollector row are then skipped, a fifth of a 20,000-person week.
        They draw no random numbers, so the run is the same either way."""
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        check_resources(cfg)
        threads.configure()  # all cores for a run alone, one in a worker process: the same numbers either way
        self.world = build_world(cfg, Streams(cfg.seed), None if like is None else like.world)
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": "weekly"})
        self.weekly: dict[str, np.ndarray] = {}
        self.collects_outcomes = collect
        self.executor = EXECUTORS[cfg.engine]()
        self.executor.prepare(self)

    def step(self) -> None:
        """One week: every phase of `WEEK` in order, then the week's outcomes (unless `collect` is off)."""
        for phase in WEEK:
            self.executor.run(self.world, phase)
        if self.collects_outcomes:
            self.weekly = weekly_outcomes(self.world)
            self.datacollector.collect(self)
        self.world.week += 1
        if self.world.week >= self.cfg.weeks:
            self.running = False

    def run(self) -> None:
        """Step through the whole horizon, with a progress bar when interactive."""
        weeks = range(self.world.week, self.cfg.weeks)
        if show_progress(self.cfg.progress):
            from tqdm import tqdm

            weeks = tqdm(weeks, desc="weeks", unit="wk", leave=False)
        for _ in weeks:
            self.step()

    # ------------------------------------------------------------ views, for inspection

    @property
    def week(self) -> int:
        """The week the next step runs (the number of weeks run so far)."""
        return self.world.week

    @property
    def pop(self) -> Population:
        return self.world.pop

    @property
    def people(self) -> People:
        return self.world.people

    @property
    def households(self) -> Households:
        return self.world.households

    @property
    def network(self) -> sp.csr_matrix:
        return self.world.network

    @property
    def groups(self) -> GroupIndex:
        return self.world.groups

    @property
    def schedule(self) -> PolicySchedule:
        return self.world.schedule

    @property
    def perceived_disclosure(self) -> np.ndarray:
        """delta_hat of each household's decider, as of the last belief update."""
        return self.world.households.disclosure
