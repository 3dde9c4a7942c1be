"""The week's first phase: every random number of the week, drawn before anyone acts.

Each process draws from its own weekly stream (`sim.model.data.rng.Streams`),
sized by the population and never by the state, so a policy that changes who
acts never shifts anyone's draws. The phase lives above the build because it
reads the calendar and the schedule (who can have a need, whether any region
has outreach this week).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.data.rng import WeekDraws, bernoulli_indices

if TYPE_CHECKING:
    from sim.model.build.world import World


def draw_week(w: World) -> None:
    """Draw the week's random numbers into `w.draws`, each process from its own weekly stream."""
    s, t, c, b, sched = w.streams, w.week, w.calendar, w.cfg.behavior, w.schedule
    h = w.pop.n_households
    needs = s.week("needs", t)
    clinic = s.week("clinic", t)
    clinic_need = bernoulli_indices(clinic, h, b.clinic_rate)
    w.draws = WeekDraws(
        ssn=c.ssn_people[bernoulli_indices(needs, len(c.ssn_people), b.ssn_rate)],
        deposit=c.eligible_people[bernoulli_indices(needs, len(c.eligible_people), b.direct_deposit_rate)],
        interpreter=c.hearing_people[bernoulli_indices(needs, len(c.hearing_people), b.interpreter_rate)],
        remote=s.counter("remote", t),
        decisions=s.counter("decisions", t),
        requests=s.counter("requests", t),
        disclosure=s.counter("disclosure", t),
        encounters=s.counter("encounters", t),
        news=s.counter("news", t),
        outreach=s.counter("outreach", t) if sched.outreach_reach[t].any() else None,
        clinic=clinic_need,
        clinic_decision=clinic.random(len(clinic_need), dtype=np.float32),
        clinic_encounter=clinic.random(len(clinic_need), dtype=np.float32),
    )
