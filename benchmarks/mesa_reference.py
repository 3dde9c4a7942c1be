"""The yardstick for `engine=agents`: the simplest idiomatic Mesa model of the same decision step.

One `mesa.Agent` per person, holding plain Python floats, ints and bools; no
numpy. Each week `model.agents.shuffle_do("step")` runs every person once, in
random order, and each person does what a person does in `sim` each week:

- needs fall due: a periodic review every 52 weeks from the person's random
  phase, and a rare weekly need (a direct-deposit change, say);
- a due need is decided: attend with probability
  logistic((V - h - L * risk) / s), risk = alpha / (alpha + beta) of the
  household's belief, drawn with `self.random`;
- a miss is rescheduled two weeks on; the third miss in a row suspends the
  benefit;
- an attended visit is safe-visit evidence for the household (beta), unless
  a rare encounter follows (alarm evidence, alpha);
- the household's decision maker lets its belief decay toward the prior.

Left out, on purpose: the network (ties' evidence, rumour), news and trust,
the clinic, remote service, field offices and enforcement schedules, newly
eligible people and returns from suspension, outcome tables. None of these
is per-person decision work; in `sim` they are household- or region-level
phases. What is kept is the per-person weekly work, done the plain Mesa way
(a Python method per agent per week, attributes on the agent), which is the
cost a modeller would expect an agent-based model of this decision to have.
`engine=agents` does strictly more (those phases, and the same numbers as
the vectorized engine), so a ratio within 3x of this model means its Mesa
scheduling costs about what plain Mesa costs, not that it is "as fast".

Parameters are the defaults of `sim.config.BehaviorConfig` and the default
population's rough shares (16% receiving, 15% noncitizen, 2.5 people per
household), written out here so the file stands alone.

    .venv/bin/python benchmarks/mesa_reference.py 20000 156
"""

from __future__ import annotations

import math
import sys
import time

import mesa

REVIEW_PERIOD = 52  # weeks between periodic reviews (eligibility_period_weeks)
RARE_NEED_RATE = 0.004  # per receiving person per week (direct_deposit_rate)
HASSLE = 1.0  # reference benefits
NOISE = 1.0  # s
MONTHS_AT_RISK, REFERENCE_MONTHLY = 6.0, 1000.0
MISSES_TO_SUSPEND, RESCHEDULE_WEEKS = 3, 2
PRIOR_ALPHA, PRIOR_BETA, MEMORY = 0.5, 19.5, 0.98
W_SAFE, W_ENCOUNTER = 0.5, 20.0
# P(encounter | attended, exposure 1): request 0.3 x presence 0.5 x disclosure 0.5 x apprehension 0.3
ENCOUNTER = 0.3 * 0.5 * 0.5 * 0.3
RECEIVING_SHARE = 0.16
# status: (share of people, exposure, loss L if the household's decision maker has it)
STATUSES = {
    "citizen": (0.845, 0.0, 0.0),
    "lpr": (0.067, 0.05, 12.0),
    "refugee": (0.012, 0.1, 12.0),
    "student": (0.021, 0.2, 15.0),
    "worker": (0.024, 0.2, 15.0),
    "undocumented": (0.031, 1.0, 50.0),
}


class Person(mesa.Agent):
    """A person; a household's first member is its decision maker and holds its belief."""

    def __init__(self, model: mesa.Model, decider: Person | None) -> None:
        super().__init__(model)
        r = self.random
        name = r.choices(list(STATUSES), weights=[s[0] for s in STATUSES.values()])[0]
        _, self.exposure, loss = STATUSES[name]
        self.decider = decider or self  # whose belief counts and who attends
        self.loss = loss if decider is None else decider.loss  # L: what an encounter would cost the household
        self.alpha, self.beta = PRIOR_ALPHA, PRIOR_BETA  # used on the decider only
        self.receiving = r.random() < RECEIVING_SHARE
        self.value = MONTHS_AT_RISK * r.uniform(200.0, 1800.0) / REFERENCE_MONTHLY if self.receiving else 0.0
        self.phase = r.randrange(REVIEW_PERIOD)
        self.pending = False  # an appointment is open
        self.due = -1  # the week it falls due
        self.misses = 0

    def step(self) -> None:
        week = self.model.week
        if self.decider is self:  # memory: the belief decays toward the prior
            self.alpha = PRIOR_ALPHA + MEMORY * (self.alpha - PRIOR_ALPHA)
            self.beta = PRIOR_BETA + MEMORY * (self.beta - PRIOR_BETA)
        if not self.receiving:
            return
        if not self.pending and ((week + self.phase) % REVIEW_PERIOD == 0 or self.random.random() < RARE_NEED_RATE):
            self.pending, self.due = True, week
        if self.pending and self.due == week:
            self.decide(week)

    def decide(self, week: int) -> None:
        d = self.decider
        risk = d.alpha / (d.alpha + d.beta)
        z = (self.value - HASSLE - self.loss * risk) / NOISE
        p_attend = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
        if self.random.random() < p_attend:
            self.pending, self.misses = False, 0
            self.model.attended += 1
            if self.random.random() < ENCOUNTER * self.exposure:
                d.alpha += W_ENCOUNTER
                self.model.encounters += 1
            else:
                d.beta += W_SAFE
        else:
            self.misses += 1
            self.model.missed += 1
            if self.misses >= MISSES_TO_SUSPEND:
                self.receiving, self.pending = False, False
            else:
                self.due = week + RESCHEDULE_WEEKS


class ReferenceModel(mesa.Model):
    """`n_people` persons in households of 1 to 4, stepped in random order each week."""

    def __init__(self, n_people: int = 20_000, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.week = 0
        self.attended = self.missed = self.encounters = 0
        made = 0
        while made < n_people:
            size = min(self.random.randint(1, 4), n_people - made)
            decider = Person(self, None)
            for _ in range(size - 1):
                Person(self, decider)
            made += size

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.week += 1

    @property
    def receiving_share(self) -> float:
        return sum(a.receiving for a in self.agents) / len(self.agents)


if __name__ == "__main__":
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    weeks = int(sys.argv[2]) if len(sys.argv) > 2 else 156
    t0 = time.perf_counter()
    model = ReferenceModel(people, seed=0)
    t1 = time.perf_counter()
    for _ in range(weeks):
        model.step()
    t2 = time.perf_counter()
    print(
        f"{people:,} people x {weeks} weeks: build {t1 - t0:.2f} s, {1000 * (t2 - t1) / weeks:.1f} ms/week; "
        f"attended {model.attended}, missed {model.missed}, encounters {model.encounters}, "
        f"receiving {model.receiving_share:.3f}"
    )
