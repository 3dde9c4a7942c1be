"""A pyabc sampler whose result depends on its seed only, not on the number of processes or their timing.

pyabc's multicore samplers reseed every worker from the operating system and
keep the particles that happen to finish first, so a fit cannot be rerun. This
sampler evaluates candidates in fixed batches: candidate i of call c gets its
own seed, `SeedSequence(entropy, spawn_key=(c, i))`, which seeds both pyabc's
proposal (numpy's and Python's global generators) and, through them, the
model's seed. Candidates are accepted in index order until n are accepted,
and the evaluations counted are those up to the n-th acceptance, so the same
seed gives the same particles and the same counts with 1 process or 8.
Batches run on joblib's loky workers (the closure pyabc passes is pickled with
cloudpickle, as pyabc's own samplers do under "spawn").
"""

from __future__ import annotations

import math
import random
from typing import Any

import cloudpickle
import numpy as np
import pyabc


def _simulate(simulate_one: bytes, seed: int) -> Any:
    """One candidate, from its own seed: pyabc proposes from the global generators, which this seeds."""
    random.seed(seed)
    np.random.seed(seed)
    return cloudpickle.loads(simulate_one)()


class SeededBatchSampler(pyabc.sampler.Sampler):
    """Deterministic parallel sampling for pyabc: batches of individually seeded candidates, accepted in order."""

    def __init__(self, seed_sequence: np.random.SeedSequence, n_procs: int = 1) -> None:
        super().__init__()
        self.entropy = seed_sequence.entropy
        self.spawn_key = tuple(seed_sequence.spawn_key)
        self.n_procs = n_procs
        self.calls = 0
        self.runs = 0  # candidates run, counted or not (pyabc counts those up to each n-th acceptance)
        self.acceptance_rate = 0.5  # the first batch's guess; later ones use the previous call's rate

    def candidate_seed(self, call: int, index: int) -> int:
        seq = np.random.SeedSequence(self.entropy, spawn_key=(*self.spawn_key, call, index))
        return int(seq.generate_state(1, dtype=np.uint32)[0])

    def _batch_size(self, missing: int, all_accepted: bool) -> int:
        """The candidates expected to bring the missing acceptances (all of them when every candidate is
        accepted), in whole rounds of the workers.

        Candidates past the n-th acceptance are run and thrown away, so a batch aims at the expected need, not
        above it: falling short costs one more small batch (a worker idle for at most one run), overshooting
        costs whole runs. The batch size changes which candidates are run, never which are kept."""
        rate = 1.0 if all_accepted else max(self.acceptance_rate, 0.02)
        size = min(max(math.ceil(missing / rate), self.n_procs), 20 * missing + self.n_procs)
        return math.ceil(size / self.n_procs) * self.n_procs

    def _evaluate(self, pickled: bytes, seeds: list[int]) -> list[Any]:
        if self.n_procs == 1:
            return [_simulate(pickled, s) for s in seeds]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=self.n_procs, backend="loky")(delayed(_simulate)(pickled, s) for s in seeds)

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Any,
        t: int,  # noqa: ARG002 (the call counter, not t, keys the seeds: pyabc may sample twice at one t)
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,  # pyabc's calibration sample: every candidate is accepted
        ana_vars: Any = None,  # noqa: ARG002
    ) -> Any:
        call, self.calls = self.calls, self.calls + 1
        pickled = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        evaluated = accepted = 0
        while accepted < n and evaluated < max_eval:
            size = self._batch_size(n - accepted, all_accepted)
            if np.isfinite(max_eval):
                size = min(size, int(max_eval) - evaluated)
            results = self._evaluate(pickled, [self.candidate_seed(call, evaluated + i) for i in range(size)])
            self.runs += len(results)
            for result in results:
                sample.append(result)
                evaluated += 1
                accepted += bool(result.accepted)
                if accepted == n:
                    break
        self.nr_evaluations_ = evaluated
        self.acceptance_rate = accepted / evaluated if evaluated else self.acceptance_rate
        if sample.n_accepted < n:
            sample.ok = False
        return sample
