"""Reverse each policy lever in a copy of the source and check that the lever's tests catch it (`make mutate`).

A test that passes whichever way a lever is wired guards nothing. For each mutation below, the repository's
tracked files are copied to a scratch folder, one text replacement reverses the lever there (each replacement
must match exactly once, or the mutation is reported as stale), and the lever's tests run on the copy: pytest
with the scratch folder first on PYTHONPATH, so the mutated `sim` is the one imported, and numba's cache inside
the scratch folder (sim/source.py keys compiled code by the source's fingerprint, so the mutated kernels are
compiled afresh). A mutation is "caught" when at least one of its tests fails; one that survives is a gap in the
tests, and the command exits non-zero.

    .venv/bin/python -m tests.mutate                  # every mutation: 1 to 4.5 min each, mostly numba compiling
    .venv/bin/python -m tests.mutate --only outreach  # the mutations of one lever
    .venv/bin/python -m tests.mutate --control        # first check that the tests pass on an unmutated copy
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIRECTIONS = "tests/model/test_lever_directions.py::test_lever_moves_its_outcomes_its_way_on_paired_seeds"


def direction_test(lever: str) -> str:
    """The paired-seed direction test of one row of tests/model/test_lever_directions.py `LEVERS`."""
    return f"{DIRECTIONS}[{lever}]"


@dataclass(frozen=True)
class Mutation:
    """One reversal of a lever: text replacements in one file of the source, and the tests that should catch it."""

    lever: str
    name: str
    path: str
    replacements: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "disclosure",
        "stated disclosure reversed (p -> 1 - p)",
        "sim/model/data/behavior.py",
        (
            (
                "    return disclosure_prob * (formal_share if formal_request_required else 1.0)",
                "    return (1.0 - disclosure_prob) * (formal_share if formal_request_required else 1.0)",
            ),
        ),
        (
            direction_test("disclosure"),
            "tests/experiments/test_levers.py::test_loss_rises_with_stated_disclosure_and_vanishes_without_it",
        ),
    ),
    Mutation(
        "routine_sharing",
        "routine sharing suppresses requests (rate 1 -> 0)",
        "sim/model/data/behavior.py",
        (("    rate = np.where(routine, 1.0, request_rate)", "    rate = np.where(routine, 0.0, request_rate)"),),
        (direction_test("routine_sharing"), "tests/experiments/test_levers.py::test_regimes_rank_by_what_they_change"),
    ),
    Mutation(
        "ice_presence",
        "ICE presence reversed (base -> 1 - base)",
        "sim/model/build/presence.py",
        (
            (
                "    base = np.clip(cfg.base_presence + cfg.presence_spread",
                "    base = np.clip(1.0 - cfg.base_presence + cfg.presence_spread",
            ),
        ),
        (direction_test("ice_presence"), "tests/experiments/test_levers.py::test_more_ice_presence_costs_more_uptake"),
    ),
    Mutation(
        "records_kept",
        "records kept reversed (kept -> not kept)",
        "sim/model/build/schedule.py",
        (
            (
                "    kept = np.full(weeks, cfg.rules.records_kept)",
                "    kept = np.full(weeks, not cfg.rules.records_kept)",
            ),
        ),
        (direction_test("records_kept"),),
    ),
    Mutation(
        "remote_service",
        "remote share reversed (s -> 1 - s)",
        "sim/model/phases/decision.py",
        (
            (
                "    remote = d.remote[ci] < w.schedule.remote_share[w.week, need]",
                "    remote = d.remote[ci] < 1.0 - w.schedule.remote_share[w.week, need]",
            ),
        ),
        (
            direction_test("remote_service"),
            "tests/experiments/test_levers.py::test_mitigations_lower_the_loss[remote_service]",
        ),
    ),
    Mutation(
        "outreach",
        "outreach heard as alarm (the announcement) instead of reassurance",
        "sim/model/phases/beliefs.py",
        (
            (
                "        heard[0][i] = announcement[r] if local[k] else 0.0",
                "        heard[0][i] = (announcement[r] if local[k] else 0.0) + (1.0 if outreach[k] else 0.0)",
            ),
            (
                "        heard[3][i] = (court[r] if local[k] else 0.0) + (1.0 if outreach[k] else 0.0)",
                "        heard[3][i] = court[r] if local[k] else 0.0",
            ),
        ),
        (direction_test("outreach"), "tests/experiments/test_levers.py::test_mitigations_lower_the_loss[outreach]"),
    ),
    Mutation(
        "injunction",
        "a court's order sets disclosure to 1 instead of 0",
        "sim/model/build/schedule.py",
        (
            (
                "    region_disclosure = np.where(blocked, 0.0, np.where(active, stated, stated_base))",
                "    region_disclosure = np.where(blocked, 1.0, np.where(active, stated, stated_base))",
            ),
        ),
        (direction_test("injunction"),),
    ),
    Mutation(
        "injunction",
        "a court's order heard as alarm instead of reassurance",
        "sim/model/phases/beliefs.py",
        (
            (
                "        heard[0][i] = announcement[r] if local[k] else 0.0",
                "        heard[0][i] = (announcement[r] + court[r]) if local[k] else 0.0",
            ),
            (
                "        heard[3][i] = (court[r] if local[k] else 0.0) + (1.0 if outreach[k] else 0.0)",
                "        heard[3][i] = 1.0 if outreach[k] else 0.0",
            ),
        ),
        (direction_test("injunction"),),
    ),
    Mutation(
        "trust",
        "trust reversed in the prior belief (trust -> 1 - trust)",
        "sim/model/data/behavior.py",
        (("    return low + (high - low) * (1.0 - trust)", "    return low + (high - low) * trust"),),
        (direction_test("trust"),),
    ),
)


def tracked_files(root: Path = ROOT) -> list[str]:
    """The repository's tracked files (what a clean checkout holds), as paths relative to `root`."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p]


def copy_tree(dest: Path, root: Path = ROOT) -> None:
    """Copy the tracked files (as they are in the working tree) to `dest`; a tracked file deleted is skipped."""
    for rel in tracked_files(root):
        src = root / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def apply(mutation: Mutation, tree: Path) -> None:
    """Make the mutation's replacements in `tree`; each must match exactly once in the file."""
    path = tree / mutation.path
    text = path.read_text()
    for old, new in mutation.replacements:
        count = text.count(old)
        if count != 1:
            raise ValueError(f"{mutation.path}: the text to replace matches {count} times, not once: {old.strip()!r}")
        text = text.replace(old, new)
    path.write_text(text)


def scratch_env(tree: Path) -> dict[str, str]:
    """The environment of a run on the copy: its `sim` first on the path, numba's cache inside it."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": str(tree / ".numba_cache")}
    env.setdefault("UPTAKE_SIM_THREADS", "1")
    env.pop("UPTAKE_SIM_CACHE_DIR", None)
    return env


def imported_from(tree: Path, env: dict[str, str]) -> Path:
    """Where the copy's Python imports `sim` from (it must be the copy, not the installed checkout)."""
    out = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"], cwd=tree, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return Path(out.stdout.strip()).resolve()


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[list[str], list[str], str]:
    """Run `tests` on the copy: (failed test ids, ids that passed, pytest's output)."""
    env = scratch_env(tree)
    where = imported_from(tree, env)
    if tree.resolve() not in where.parents:
        raise RuntimeError(f"the copy imports sim from {where}, not from {tree}")
    report = tree / "mutate-report.xml"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", f"--junitxml={report}", *tests]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    failed, passed = [], []
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            bad = case.find("failure") is not None or case.find("error") is not None
            (failed if bad else passed).append(name)
    if proc.returncode not in (0, 1) or not (failed or passed):
        raise RuntimeError(f"pytest did not run the tests (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return failed, passed, proc.stdout


def short(test_id: str) -> str:
    """A test id without its module path (`test_levers::test_x[a]`), for the table."""
    module, _, name = test_id.rpartition("::")
    return f"{module.rpartition('.')[2]}::{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only the mutations of this lever (repeatable)")
    parser.add_argument(
        "--control", action="store_true", help="first run every mutation's tests on an unmutated copy: they must pass"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders (their paths are printed)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.lever in args.only]
    if not chosen:
        parser.error(f"no mutation of {args.only}; levers: {sorted({m.lever for m in MUTATIONS})}")
    if args.control:
        tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        with tempfile.TemporaryDirectory(prefix="mutate-control-") as scratch:
            copy_tree(Path(scratch))
            failed, _, output = run_tests(Path(scratch), tests)
        if failed:
            print(output)
            print(f"control: the unmutated copy fails {failed}: mutation results would mean nothing", file=sys.stderr)
            return 2
        print(f"control: {len(tests)} tests pass on the unmutated copy", flush=True)
    rows, bad = [], 0
    for mutation in chosen:
        start = time.perf_counter()
        scratch = Path(tempfile.mkdtemp(prefix=f"mutate-{mutation.lever}-"))
        try:
            copy_tree(scratch)
            apply(mutation, scratch)
            failed, _, _ = run_tests(scratch, mutation.tests)
            verdict = "caught by " + ", ".join(short(t) for t in failed) if failed else "SURVIVED"
        except (ValueError, RuntimeError) as error:
            failed, verdict = [], "NOT RUN: " + " ".join(str(error).split())[-300:]
        finally:
            if args.keep:
                print(f"kept {scratch}", flush=True)
            else:
                shutil.rmtree(scratch, ignore_errors=True)
        bad += not failed
        rows.append((mutation, verdict))
        print(f"{mutation.lever}: {mutation.name}: {verdict} ({time.perf_counter() - start:.0f} s)", flush=True)
    print()
    print("| lever | mutation | tests run | caught by |")
    print("|---|---|---|---|")
    for mutation, verdict in rows:
        tests = "<br>".join(short(t.replace("/", ".").replace(".py", "")) for t in mutation.tests)
        caught = verdict.removeprefix("caught by ")
        print(f"| {mutation.lever} | {mutation.name} ({mutation.path}) | {tests} | {caught} |")
    print(f"\n{len(rows) - bad} of {len(rows)} mutations caught", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
