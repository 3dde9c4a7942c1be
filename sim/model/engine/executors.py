"""The two ways to run a phase of the week: over arrays, or through Mesa agents.

A `Phase` is a rule over ids (`act`) and the ids with work this week
(`work`), both plain functions of the `World` in the phase's mechanism
module. An executor only schedules; it holds no rule:

- `ArrayExecutor` (`engine=vectorized`) calls `act` on the ids with work.
- `AgentExecutor` (`engine=agents`) creates one Mesa agent per person,
  household and field office; for each phase the agents with work form an
  `AgentSet` (the model's own set of that kind when all of them act) and act
  as one batch: the phase's rule runs on their ids in a random order drawn
  from the model's generator.

Phases are staged (every agent finishes a phase before the next starts, and
a phase reads only what earlier phases wrote), so the order in which agents
act cannot change the result; tests/model/test_equivalence.py checks that both
executors give the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
from mesa.agent import AgentSet

if TYPE_CHECKING:
    from sim.model.build.world import World

from sim.model.data.state import WORLD
from sim.model.engine.agents import AGENT_TYPES, create_agents


@dataclass(frozen=True)
class Phase:
    """One step of the week: who acts (`unit`, `work`) and the rule they follow (`act`)."""

    unit: str  # sim.model.data.state.PERSON, HOUSEHOLD, OFFICE, or WORLD (once per week, no agents)
    act: Callable  # act(world, ids) -> None; act(world) for WORLD
    work: Callable[[World], np.ndarray] | None = None  # ids with work this week

    @property
    def name(self) -> str:
        return self.act.__name__

    @property
    def where(self) -> str:
        return f"{self.act.__module__}.{self.act.__name__}"

    @property
    def summary(self) -> str:
        return (self.act.__doc__ or "").strip().splitlines()[0]


class ArrayExecutor:
    """Each phase once, over the ids with work this week."""

    def prepare(self, model: mesa.Model) -> None:
        pass

    def run(self, world: World, phase: Phase) -> None:
        if phase.unit == WORLD:
            phase.act(world)
        else:
            phase.act(world, phase.work(world))


class AgentExecutor:
    """Each phase through Mesa: the AgentSet of the agents with work acts as one batch, in random order."""

    def prepare(self, model: mesa.Model) -> None:
        self.model = model
        create_agents(model)
        # each kind's agents in index order, so the agents with work are found by id, not by scanning all
        self.by_index = {
            unit: sorted(model.agents_by_type[kind], key=lambda agent: agent.index)
            for unit, kind in AGENT_TYPES.items()
        }

    def run(self, world: World, phase: Phase) -> None:
        if phase.unit == WORLD:
            phase.act(world)
            return
        ids = phase.work(world)
        agents = self.by_index[phase.unit]
        if len(ids) == len(agents):  # every agent of the kind: the model's own AgentSet of them
            acting = self.model.agents_by_type[AGENT_TYPES[phase.unit]]
        else:
            acting = AgentSet([agents[i] for i in ids.tolist()], random=self.model.random)
        order = self.model.rng.permutation(len(acting))  # the agents act in a random order
        phase.act(world, np.asarray(acting.get("index"), dtype=np.int64)[order])


EXECUTORS = {"vectorized": ArrayExecutor, "agents": AgentExecutor}
