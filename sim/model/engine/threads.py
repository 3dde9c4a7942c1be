"""Threads for one run's compiled passes: every core for a run alone, one when runs already share the cores.

The weekly passes over every household (`sim.model.phases.beliefs`, `sim.model.phases.tally`) are
compiled loops that numba spreads over threads. Each household's (or
group's) result is computed by one thread alone, in the same order of
operations, so results do not depend on the number of threads
(tests/model/test_behavior.py runs them on one thread and on two). A run in a
worker process (a sweep's joblib workers, the experiments' process pools,
pyabc's workers) takes one thread, since its sibling processes already use
the other cores. `UPTAKE_SIM_THREADS` sets the count for every run (the test
suite, which runs two workers on two cores, sets it to 1), and
`NUMBA_NUM_THREADS` caps it everywhere.
"""

from __future__ import annotations

import multiprocessing
import os

import numba


def configure() -> int:
    """Set the threads of this process's compiled passes (see the module docstring); return how many."""
    alone = multiprocessing.current_process().name == "MainProcess"
    n = int(os.environ.get("UPTAKE_SIM_THREADS", 0)) or (numba.config.NUMBA_NUM_THREADS if alone else 1)
    n = min(max(n, 1), numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(n)
    return n
