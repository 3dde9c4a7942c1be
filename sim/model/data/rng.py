"""Named random streams for common random numbers.

One `SeedSequence(seed)` is spawned into one child per process. The static
processes (population, network, offices) draw once, at build. Each dynamic
process draws from its own generator per week, `Streams.week(name, t)`,
seeded by (seed, process, week) alone: two runs with the same seed and
different policies face the same draws, a change in one process never shifts
another's numbers, and a week whose draws cannot matter (no news anywhere)
may skip them without shifting any later week.

Draws never depend on the state: a per-entity uniform (a client's visit, a
household's news) is a counter-based draw, a function of (seed, process,
week, entity) alone (`CounterUniforms`), computed only for the entities that
need one this week; Bernoulli arrivals are drawn sparsely
(`bernoulli_indices`), their count depending on the seed and the population
only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

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
        self._counter_keys: dict[str, np.uint64] = {}
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
        return np.random.Generator(np.random.PCG64(self._sequence(name, week)))

    def counter(self, name: str, week: int) -> CounterUniforms:
        """Per-entity uniforms of process `name` in week `week` (see `CounterUniforms`).

        The week's key is the SplitMix64 output at position `week` + 1 from a key drawn once per process from the
        seed, so a week costs no seeding.
        """
        if name not in self._counter_keys:
            seq = np.random.SeedSequence(self.seed, spawn_key=(self._index[name],))
            self._counter_keys[name] = seq.generate_state(1, np.uint64)[0]
        return CounterUniforms(_mix(self._counter_keys[name], week))

    def _sequence(self, name: str, week: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(self._index[name], int(week)))


_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_FLOAT32_UNIT = np.float32(2.0**-24)


@numba.njit(cache=True, inline="always")
def _mix(key: np.uint64, index: int) -> np.uint64:
    """SplitMix64's output at position index + 1 of the sequence that starts at `key`.

    SplitMix64 (Steele, Lea and Flood 2014) is a counter passed through a
    bijective mixer, so any position is computed directly, without the ones
    before it.
    """
    z = key + (np.uint64(index) + np.uint64(1)) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def counter_uniform(key: np.uint64, index: int) -> np.float32:
    """A uniform in [0, 1) for entity `index` under `key`: the top 24 bits of SplitMix64's output there."""
    return np.float32(_mix(key, index) >> np.uint64(40)) * _FLOAT32_UNIT


@numba.njit(cache=True)
def _counter_uniforms(key: np.uint64, index: np.ndarray) -> np.ndarray:
    out = np.empty(len(index), dtype=np.float32)
    for k in range(len(index)):
        out[k] = counter_uniform(key, index[k])
    return out


class CounterUniforms:
    """The uniforms of one process in one week, one per entity, computed only where they are read.

    `u[ids]` is a float32 array of the uniforms of entities `ids` (client
    positions, households): the same value for an entity however many others
    are read, in any order, on any engine. A week with a few thousand visits
    computes a few thousand uniforms, not one per client; `key` passes to
    compiled loops, which call `counter_uniform(key, i)` themselves.
    """

    def __init__(self, key: np.uint64) -> None:
        self.key = np.uint64(key)

    def __getitem__(self, index: np.ndarray) -> np.ndarray:
        return _counter_uniforms(self.key, np.asarray(index, dtype=np.int64).ravel()).reshape(np.shape(index))


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
    uniforms are counter-based, indexed by client position, and computed only
    for the week's visits; news, one uniform per household (local news of
    events is always possible), likewise only where it is read; outreach only
    in weeks some region has it. Community arrests draw from their own stream
    in `enforcement.people_arrested`. Uniforms are float32: they are only
    compared. The week's first phase fills them (`sim.model.phases.draws`).
    """

    ssn: np.ndarray  # int64 people: an SSN service need arises
    deposit: np.ndarray  # int64 people (eligible): a direct-deposit change
    interpreter: np.ndarray  # int64 people (hearing need): an interpreter need
    remote: CounterUniforms  # [client position]
    decisions: CounterUniforms  # [client position]
    requests: CounterUniforms  # [client position]
    disclosure: CounterUniforms  # [client position]
    encounters: CounterUniforms  # [client position]
    news: CounterUniforms  # [household]: whether a household follows local news this week (any news, one draw)
    outreach: CounterUniforms | None  # [household]: outreach; None when no region has any
    clinic: np.ndarray  # int64 households: a clinic need arises (sorted)
    clinic_decision: np.ndarray  # float32, one per clinic need
    clinic_encounter: np.ndarray  # float32, one per clinic need
