"""Mesa agents: `Beneficiary` (one per person), `Household` (its decision maker) and `FieldOffice`.

Agents are thin: each knows its row (`index`) in the world's arrays and reads
its state from there, so what the explorer or a notebook inspects is what
the phases computed. They hold no rule of their own: `sim.model.engine.executors.
AgentExecutor` selects the agents with work in each phase, and they act
through the phase's rule (the same function the array executor calls).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.config import HOUSEHOLD_TYPES, NEEDS, PROGRAMS, STATUSES
from sim.model.data.state import HOUSEHOLD, NONE, OFFICE, PERSON

if TYPE_CHECKING:
    from sim.model.build.world import World


class Beneficiary(mesa.Agent):
    """A person: status, program, and the appointment they may have this week."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def world(self) -> World:
        return self.model.world

    @property
    def household(self) -> int:
        return int(self.world.pop.household[self.index])

    @property
    def status(self) -> str:
        return STATUSES[self.world.pop.status[self.index]]

    @property
    def program(self) -> str:
        return PROGRAMS[self.world.pop.program[self.index]]

    @property
    def receiving(self) -> bool:
        return bool(self.world.people.receiving[self.index])

    @property
    def pending_need(self) -> str | None:
        k = int(self.world.people.pending[self.index])
        return None if k == NONE else NEEDS[k]


class Household(mesa.Agent):
    """A household's decision maker: attends every in-person appointment and holds the household's beliefs."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def world(self) -> World:
        return self.model.world

    @property
    def household_type(self) -> str:
        return HOUSEHOLD_TYPES[self.world.pop.hh_type[self.index]]

    @property
    def members(self) -> range:
        start = int(self.world.pop.decider[self.index])
        return range(start, start + int(self.world.pop.hh_size[self.index]))

    @property
    def status(self) -> str:
        """The decision maker's status."""
        return STATUSES[self.world.pop.status[self.world.pop.decider[self.index]]]

    @property
    def perceived_disclosure(self) -> float:
        """delta_hat: how likely the decider thinks the agency tells ICE when asked."""
        return float(self.world.households.disclosure[self.index])

    @property
    def perceived_activity(self) -> float:
        """E_hat: the ICE activity nearby the decider perceives, in [0, 1]."""
        return float(self.world.households.activity[self.index])

    @property
    def trust(self) -> float:
        return float(self.world.households.trust[self.index])


class FieldOffice(mesa.Agent):
    """An SSA field office; this week's disclosure rule is `world.offices.disclosure[index]`."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index


AGENT_TYPES = {PERSON: Beneficiary, HOUSEHOLD: Household, OFFICE: FieldOffice}


def create_agents(model: mesa.Model) -> None:
    """One `FieldOffice` per office, one `Household` per household and one `Beneficiary` per person."""
    w = model.world
    for o in range(len(w.offices.disclosure)):
        FieldOffice(model, o)
    for k in range(w.pop.n_households):
        Household(model, k)
    for row in range(w.pop.n_people):
        Beneficiary(model, row)
