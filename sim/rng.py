"""Named random streams for common random numbers.

One `SeedSequence(seed)` is spawned into one child per process. The static
processes (population, network, offices) draw once, at build. Each dynamic
process draws from its own generator per week, `Streams.week(name, t)`,
seeded by (seed, process, week) alone: two runs with the same seed and
different policies face the same draws, a change in one process never shifts
another's numbers, and a week whose draws cannot matter (no news anywhere)
may skip them without shifting any later week.

Draws are sized by the population, never by the state: uniforms over the
fixed subset of people who can have business with the agency, and Bernoulli
arrivals drawn sparsely (`bernoulli_indices`), whose count depends on the
seed and the population only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.state import World

STREAMS = (
    "population",
    "network",
    "offices",
    "needs",
    "remote",
    "decisions",
    "requests",
    "disclosure",
    "encounters",
    "news",
    "clinic",
    "arrests",
    "outreach",
    "posterior",
    "transfer",  # the newest last, so adding it shifted no other stream
)


class Streams:
    """A `numpy.random.Generator` per named process, all from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._index = {name: i for i, name in enumerate(STREAMS)}
        children = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self._gens = {
            name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAMS, children, strict=True)
        }

    def __getitem__(self, name: str) -> np.random.Generator:
        return self._gens[name]

    def __getattr__(self, name: str) -> np.random.Generator:
        try:
            return self._gens[name]
        except KeyError:
            raise AttributeError(name) from None

    def week(self, name: str, week: int) -> np.random.Generator:
        """The generator of process `name` in week `week`: independent of every other process and week."""
        seq = np.random.SeedSequence(self.seed, spawn_key=(self._index[name], int(week)))
        return np.random.Generator(np.random.PCG64(seq))


def bernoulli_indices(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Sorted indices of the successes among `n` independent Bernoulli(p) trials.

    Draws geometric gaps between successes, so the work is proportional to
    the successes, not to `n`: a rare weekly need costs nothing for the
    people who do not have it.
    """
    if n <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    chunk = int(n * p + 4.0 * math.sqrt(n * p) + 16)

    def gaps() -> np.ndarray:
        # A gap beyond n ends the draw anyway; capping it keeps the cumulative sum from overflowing for tiny p.
        g = rng.geometric(p, chunk)
        return np.where((g <= 0) | (g > n), n + 1, g)

    pos = np.cumsum(gaps()) - 1
    while pos[-1] < n:
        pos = np.concatenate([pos, pos[-1] + np.cumsum(gaps())])
    return pos[: np.searchsorted(pos, n)]


@dataclass
class WeekDraws:
    """Every random number a week needs, sized by the population, never by the state or the policy.

    Rare needs are drawn as index sets (`bernoulli_indices`); per-visit
    uniforms cover the calendar's clients, indexed by client position; news
    is drawn per household every week (local news of events is always
    possible), outreach only in weeks some region has it (from its own weekly
    stream, so skipping shifts nothing). Community arrests draw from their own
    stream in `enforcement.people_arrested`. Uniforms are
    float32: they are only compared.
    """

    ssn: np.ndarray  # int64 people: an SSN service need arises
    deposit: np.ndarray  # int64 people (eligible): a direct-deposit change
    interpreter: np.ndarray  # int64 people (hearing need): an interpreter need
    remote: np.ndarray  # float32 [clients]
    decisions: np.ndarray  # float32 [clients]
    requests: np.ndarray  # float32 [clients]
    disclosure: np.ndarray  # float32 [clients]
    encounters: np.ndarray  # float32 [clients]
    news: np.ndarray  # float32 [H]: whether a household follows local news this week (any news, one draw)
    outreach: np.ndarray | None  # float32 [H]: outreach; None when no region has any
    clinic: np.ndarray  # int64 households: a clinic need arises (sorted)
    clinic_decision: np.ndarray  # float32, one per clinic need
    clinic_encounter: np.ndarray  # float32, one per clinic need


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _map(fn: Callable[[Any], np.ndarray], items: Iterable[Any]) -> list[np.ndarray]:
    """`map`, over this run's threads (`sim.threads`) when it has more than one."""
    import numba

    threads = numba.get_num_threads()
    if threads <= 1:
        return [fn(item) for item in items]
    pool = _POOLS.setdefault(threads, ThreadPoolExecutor(max_workers=threads))
    return list(pool.map(fn, items))


def draw_week(w: World) -> None:
    """Draw the week's random numbers into `w.draws`, each process from its own weekly stream."""
    s, t, c, b, sched = w.streams, w.week, w.calendar, w.cfg.behavior, w.schedule
    h, n_clients = w.pop.n_households, len(c.clients)
    needs = s.week("needs", t)

    def uniforms(item: tuple[str, int]) -> np.ndarray:
        name, n = item
        return s.week(name, t).random(n, dtype=np.float32)

    # The bulk uniforms come from independent streams, so they may be drawn side by side (numpy releases the GIL
    # while it fills an array): the same numbers in any order, on any number of threads.
    bulk = {name: n_clients for name in ("remote", "decisions", "requests", "disclosure", "encounters")}
    bulk["news"] = h
    if sched.outreach_reach[t].any():
        bulk["outreach"] = h
    drawn = dict(zip(bulk, _map(uniforms, bulk.items()), strict=True))
    clinic = s.week("clinic", t)
    clinic_need = bernoulli_indices(clinic, h, b.clinic_rate)
    w.draws = WeekDraws(
        ssn=c.ssn_people[bernoulli_indices(needs, len(c.ssn_people), b.ssn_rate)],
        deposit=c.eligible_people[bernoulli_indices(needs, len(c.eligible_people), b.direct_deposit_rate)],
        interpreter=c.hearing_people[bernoulli_indices(needs, len(c.hearing_people), b.interpreter_rate)],
        remote=drawn["remote"],
        decisions=drawn["decisions"],
        requests=drawn["requests"],
        disclosure=drawn["disclosure"],
        encounters=drawn["encounters"],
        news=drawn["news"],
        outreach=drawn.get("outreach"),
        clinic=clinic_need,
        clinic_decision=clinic.random(len(clinic_need), dtype=np.float32),
        clinic_encounter=clinic.random(len(clinic_need), dtype=np.float32),
    )
