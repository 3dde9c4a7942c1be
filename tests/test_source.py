"""The code that runs is the code on disk: compiled code is cached per source fingerprint (sim/source.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.source import numba_cache_dir, source_fingerprint

ROOT = Path(__file__).resolve().parents[1]

# A kernel the compiled household loops of sim/model/phases/beliefs.py inline from sim/model/data/behavior.py: numba's
# own cache would be keyed on beliefs.py and keep running the old text of this line after an edit.
KERNEL_LINE = "    return activity + rate * (target - activity)\n"
EDITED_LINE = "    return activity + 3.0 * rate * (target - activity)\n"

# One compiled household loop, the one that inlines the kernel above, on fixed households (the same call as
# tests/model/test_behavior.py makes): only that loop is compiled, not the whole model.
RUN = """
import numpy as np
from sim.model.phases import beliefs
rng = np.random.default_rng(7)
n = 500
activity, seen = rng.random(n), rng.exponential(1.0, n)
beliefs._each_activity(np.arange(n), activity, seen, np.zeros(n), np.zeros(n), 0.3, 2.0)
print(repr(float(activity.sum())))
"""


def _scratch_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    for part in ("sim", "conf"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _run(copy: Path, cache: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(PYTHONPATH=str(copy), UPTAKE_SIM_CACHE_DIR=str(cache), UPTAKE_SIM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", RUN], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_fingerprint_follows_every_byte_of_the_source(tmp_path: Path) -> None:
    copy = _scratch_copy(tmp_path)
    before = source_fingerprint(copy)
    source_fingerprint.cache_clear()
    kernel, regime = copy / "sim" / "model" / "data" / "behavior.py", copy / "conf" / "policy" / "firewall.yaml"
    kernel.write_text(kernel.read_text() + "\n")
    edited = source_fingerprint(copy)
    source_fingerprint.cache_clear()
    regime.write_text(regime.read_text() + "\n")
    reconfigured = source_fingerprint(copy)
    source_fingerprint.cache_clear()
    assert len({before, edited, reconfigured}) == 3 and before == source_fingerprint(ROOT)
    assert numba_cache_dir(before) != numba_cache_dir(edited)


@pytest.mark.slow
def test_an_edited_kernel_runs_at_once_and_its_revert_too(tmp_path: Path) -> None:
    """Run, edit a kernel a compiled loop inlines, run, revert, run: each result follows the source on disk."""
    copy, cache = _scratch_copy(tmp_path), tmp_path / "cache"
    kernel = copy / "sim" / "model" / "data" / "behavior.py"
    text = kernel.read_text()
    assert text.count(KERNEL_LINE) == 1, "the kernel line this test edits has moved: update KERNEL_LINE"
    original = _run(copy, cache)
    kernel.write_text(text.replace(KERNEL_LINE, EDITED_LINE))
    edited = _run(copy, cache)
    kernel.write_text(text)
    reverted = _run(copy, cache)
    assert edited != original, "the edited kernel did not run: an old compiled loop was used"
    assert reverted == original, "the reverted kernel did not run: the edited compiled loop was kept"
    assert len(list((cache / "numba").iterdir())) == 2  # one cache per source, the original's reused on revert
