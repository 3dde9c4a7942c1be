"""Nothing lost, nothing wrong: runs and sweeps killed, disks full or read-only, files damaged.

- A run or sweep killed with SIGKILL at random points (the launcher, or one
  of its workers) leaves only complete runs or runs without summary.json;
  rerunning the same command resumes, and the final results equal those of
  an uninterrupted sweep exactly, with no duplicate, missing or truncated run.
- A kill or a full disk in the middle of writing a file leaves no file under
  its final name: only a hidden temporary, never a half file that looks whole.
- An unwritable output folder fails at once with exit status 3 and a message
  naming the path; so does a write the system refuses in the middle of a run.
- A truncated or corrupted file in a sweep folder is reported by run and left
  out by `analysis.load.load_sweep`, loudly.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from analysis.load import BadRunWarning, load_run, load_sweep
from sim.results.outputs import BASELINE_TIMESERIES, SUMMARY, TIMESERIES
from tests.conftest import ROOT

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="uses SIGKILL and /proc"), pytest.mark.slow]

TIMEOUT_S = 600
RUN = ("population.n_people=10000", "weeks=104", "paired=true", "seed=3")
SWEEP = (
    "+experiment=policy_comparison",
    "population.n_people=1500",
    "weeks=64",  # past the injunction regime's week 60
    "policy=firewall,appointment_disclosure,routine_sharing,injunction",
    "seed=range(0,2)",
)
SWEEP_RUNS = 8  # four regimes x two seeds

# Runs `python -m sim.run` with a fault injected into the atomic writer, for one file:
# "kill" writes half the temporary file then SIGKILLs the process; "enospc" raises a full-disk error.
FAULT_DRIVER = r"""
import os, runpy, signal, sys
from pathlib import Path
import sim.results.provenance as prov, sim.results.outputs as outputs
target, mode = os.environ["FAULT_FILE"], os.environ["FAULT_MODE"]
original = prov.write_atomic
def write_atomic(path, write):
    if Path(path).name != target:
        return original(path, write)
    def faulty(tmp):
        write(tmp)
        if mode == "kill":
            with open(tmp, "r+b") as f:
                f.truncate(f.seek(0, 2) // 2)
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(28, "No space left on device", str(tmp))
    return original(path, faulty)
prov.write_atomic = outputs.write_atomic = write_atomic
sys.argv = ["sim.run", *sys.argv[1:]]
runpy.run_module("sim.run", run_name="__main__", alter_sys=True)
"""


# Runs `python -m sim.run` as on a read-only file system under READ_ONLY_DIR: opening a file there for writing,
# or making a folder there, fails with EROFS. For root, whom permissions do not stop, where no read-only file
# system can be mounted.
READ_ONLY_DRIVER = r"""
import errno, os, runpy, sys
root = os.path.abspath(os.environ["READ_ONLY_DIR"])
def inside(path):
    if isinstance(path, int):
        return False
    path = os.path.abspath(os.fsdecode(path))
    return path == root or path.startswith(root + os.sep)
def refuse(call, writes):
    def refused(path, *args, **kwargs):
        if inside(path) and writes(args, kwargs):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
        return call(path, *args, **kwargs)
    return refused
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
os.open = refuse(os.open, lambda args, kwargs: (args[0] if args else kwargs["flags"]) & WRITE_FLAGS)
os.mkdir = refuse(os.mkdir, lambda args, kwargs: True)
sys.argv = ["sim.run", *sys.argv[1:]]
runpy.run_module("sim.run", run_name="__main__", alter_sys=True)
"""
# Runs `python -m sim.run` with a limit on the size of any one file from the moment it saves its outputs (the
# model's compiled code is cached before): the system refuses the write that passes it (EFBIG), wherever it comes.
FILE_SIZE_DRIVER = r"""
import os, resource, runpy, signal, sys
import sim.results.outputs as outputs
limit, original = int(os.environ["FILE_SIZE_LIMIT"]), outputs.save
def save(*args, **kwargs):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return original(*args, **kwargs)
outputs.save = save
sys.argv = ["sim.run", *sys.argv[1:]]
runpy.run_module("sim.run", run_name="__main__", alter_sys=True)
"""
FILE_SIZE_LIMIT = 16 * 1024  # a paired run's weekly table of 60 weeks is larger


def _env() -> dict[str, str]:
    return {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONPATH": str(ROOT)}


def _cli(*args: str, driver: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    head = ["-c", driver] if driver else ["-m", "sim.run"]
    return subprocess.run(
        [sys.executable, *head, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env or _env(),
        timeout=TIMEOUT_S,
    )


def _start(*args: str) -> subprocess.Popen:
    """Start `python -m sim.run` in its own process group, so it and its workers can be killed together."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim.run", *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen]]:
    """Processes started by a test; whatever is left of their groups is killed at the end."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        _kill_group(proc)


# ------------------------------------------------------------ checks


def _readable_parquets(run_dir: Path) -> None:
    """Every output under its final name is whole; only hidden temporaries may be partial."""
    for path in run_dir.glob("*.parquet"):
        df = pd.read_parquet(path)
        assert not df.empty, path
    for path in run_dir.glob("*.json"):
        json.loads(path.read_text())


def _check_consistent(run_dir: Path) -> bool:
    """A killed run is either complete and loadable, or has no summary.json. Returns whether it is complete."""
    if not run_dir.exists():
        return False
    _readable_parquets(run_dir)
    if not (run_dir / SUMMARY).exists():
        return False
    load_run(run_dir)
    return True


def _metrics(run_dir: Path) -> dict:
    """Metrics and provenance, without wall time and commit (the checkout may gain a commit between two runs)."""
    summary = json.loads((run_dir / SUMMARY).read_text())
    prov = {k: v for k, v in summary["provenance"].items() if k not in ("wall_s", "git_commit")}
    return {"metrics": summary["metrics"], "provenance": prov, "baseline": summary.get("baseline_metrics")}


def _commit(run_dir: Path) -> str | None:
    return json.loads((run_dir / SUMMARY).read_text())["provenance"].get("git_commit")


def _same_run(a: Path, b: Path) -> None:
    """Identical outputs: byte for byte when both runs recorded the same commit; else identical but for the commit."""
    import pyarrow.parquet as pq

    same_commit = _commit(a) == _commit(b)
    for name in (TIMESERIES, BASELINE_TIMESERIES):
        assert (a / name).exists() == (b / name).exists(), name
        if not (a / name).exists():
            continue
        if same_commit:
            assert (a / name).read_bytes() == (b / name).read_bytes(), f"{b / name} differs from {a / name}"
        else:
            ta, tb = pq.read_table(a / name), pq.read_table(b / name)
            assert ta.equals(tb), f"{b / name} differs from {a / name}"
            commit = b"uptake_sim.git_commit"
            meta_a = {k: v for k, v in (ta.schema.metadata or {}).items() if k != commit}
            meta_b = {k: v for k, v in (tb.schema.metadata or {}).items() if k != commit}
            assert meta_a == meta_b, f"{b / name}: metadata differs from {a / name}"
    assert _metrics(a) == _metrics(b)


# ------------------------------------------------------------ single runs


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("reference") / "run"
    start = time.monotonic()
    proc = _cli(*RUN, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    return out, time.monotonic() - start


def test_run_killed_at_random_points_then_resumed(
    tmp_path: Path, reference_run: tuple[Path, float], reaper: list
) -> None:
    ref, duration = reference_run
    out = tmp_path / "run"
    rng = random.Random(8)
    for _ in range(4):
        proc = _start(*RUN, f"hydra.run.dir={out}")
        reaper.append(proc)
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        _kill_group(proc)
        _check_consistent(out)
    proc = _cli(*RUN, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    _same_run(ref, out)


def test_outputs_have_the_usual_permissions(reference_run: tuple[Path, float]) -> None:
    """Atomic writes go through a private temporary file; the final files must still be readable by the group."""
    out, _ = reference_run
    umask = os.umask(0)
    os.umask(umask)
    for name in (TIMESERIES, BASELINE_TIMESERIES, SUMMARY):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


@pytest.mark.parametrize("target", [TIMESERIES, BASELINE_TIMESERIES, SUMMARY])
def test_kill_while_writing_leaves_no_file_that_looks_whole(tmp_path: Path, reference_run, target: str) -> None:
    """SIGKILL halfway through writing a file: the final name never holds the half file; a rerun completes."""
    ref, _ = reference_run
    out = tmp_path / "run"
    proc = _cli(
        *RUN, f"hydra.run.dir={out}", driver=FAULT_DRIVER, env={**_env(), "FAULT_FILE": target, "FAULT_MODE": "kill"}
    )
    assert proc.returncode == -signal.SIGKILL
    assert not (out / target).exists() and not (out / SUMMARY).exists()
    assert list(out.glob(f".{target}.*.tmp")), "the half-written temporary is expected under a hidden name"
    assert not _check_consistent(out)
    proc = _cli(*RUN, f"hydra.run.dir={out}")
    assert proc.returncode == 0, proc.stderr
    _same_run(ref, out)


@pytest.mark.parametrize("target", [TIMESERIES, SUMMARY])
def test_full_disk_while_writing(tmp_path: Path, target: str) -> None:
    """No space left: exit 3 naming the folder, no summary, no temporary left behind."""
    out = tmp_path / "run"
    env = {**_env(), "FAULT_FILE": target, "FAULT_MODE": "enospc"}
    proc = _cli("population.n_people=2000", "weeks=20", f"hydra.run.dir={out}", driver=FAULT_DRIVER, env=env)
    assert proc.returncode == 3, proc.stderr
    assert f"cannot write outputs to {out}" in proc.stderr and "No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / SUMMARY).exists() and not list(out.glob(".*.tmp"))
    _check_consistent(out)


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return proc.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@dataclass(frozen=True)
class ReadOnly:
    """A folder outputs cannot be written to, and how to run the command line against it."""

    path: Path
    driver: str | None = None  # None: the folder really is read-only
    env: dict[str, str] = field(default_factory=_env)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[ReadOnly]:
    """Permissions for ordinary users; for root, a read-only tmpfs, or where none can be mounted, a run whose
    writes under the folder fail with EROFS (READ_ONLY_DRIVER). Never skipped."""
    path = tmp_path / "ro"
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        yield ReadOnly(path)
        path.chmod(0o755)
    elif _mount_tmpfs(path, "ro,size=64k"):
        yield ReadOnly(path)
        _umount(path)
    else:
        yield ReadOnly(path, READ_ONLY_DRIVER, {**_env(), "READ_ONLY_DIR": str(path)})


def test_the_system_refusing_a_write_mid_run(tmp_path: Path) -> None:
    """A write the system itself refuses (a file past a size limit: EFBIG): exit 3 naming the folder, no summary."""
    out = tmp_path / "run"
    env = {**_env(), "FILE_SIZE_LIMIT": str(FILE_SIZE_LIMIT)}
    args = ("population.n_people=2000", "weeks=60", "paired=true", f"hydra.run.dir={out}")
    proc = _cli(*args, driver=FILE_SIZE_DRIVER, env=env)
    assert proc.returncode == 3, proc.stderr
    assert f"cannot write outputs to {out}" in proc.stderr and os.strerror(errno.EFBIG) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / SUMMARY).exists()
    _check_consistent(out)


@pytest.mark.parametrize("multirun", [False, True], ids=["run", "sweep"])
def test_read_only_output_folder(read_only: ReadOnly, multirun: bool) -> None:
    out = read_only.path / "outputs" / "here"
    args = ("-m", *SWEEP, f"hydra.sweep.dir={out}") if multirun else ("weeks=10", f"hydra.run.dir={out}")
    proc = _cli(*args, driver=read_only.driver, env=read_only.env)
    assert proc.returncode == 3, proc.stderr
    assert f"cannot write outputs to {out}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------ sweeps


def _sweep_args(sweep_dir: Path, launcher: str) -> tuple[str, ...]:
    extra = ("hydra.launcher.n_jobs=2",) if launcher == "joblib" else ()
    return ("-m", *SWEEP, f"hydra.sweep.dir={sweep_dir}", f"hydra/launcher={launcher}", *extra)


@pytest.fixture(scope="module")
def reference_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    sweep_dir = tmp_path_factory.mktemp("reference_sweep") / "sweep"
    start = time.monotonic()
    proc = _cli(*_sweep_args(sweep_dir, "basic"))
    assert proc.returncode == 0, proc.stderr
    return sweep_dir, time.monotonic() - start


def _sweep_state(sweep_dir: Path) -> int:
    """Check every run folder after a kill; returns how many runs are complete."""
    if not sweep_dir.exists():
        return 0
    dirs = [p for p in sweep_dir.iterdir() if p.is_dir() and p.name.isdigit()]
    assert all(int(p.name) < SWEEP_RUNS for p in dirs), "a run folder beyond the sweep"
    return sum(_check_consistent(p) for p in dirs)


def _same_sweep(ref: Path, got: Path) -> None:
    """Exactly the reference's runs: same folders, same bytes, same tidy table."""
    ref_runs = sorted(p.name for p in ref.iterdir() if p.is_dir() and p.name.isdigit())
    got_runs = sorted(p.name for p in got.iterdir() if p.is_dir() and p.name.isdigit())
    assert got_runs == ref_runs and len(got_runs) == SWEEP_RUNS
    for name in ref_runs:
        _same_run(ref / name, got / name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", BadRunWarning)
        a, b = load_sweep(ref, strict=True), load_sweep(got, strict=True)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not b.runs.duplicated(["policy", "seed"]).any()
    drop = ["p.wall_s", "p.git_commit"]  # the checkout may gain a commit between the two sweeps
    pd.testing.assert_frame_equal(a.runs.drop(columns=drop), b.runs.drop(columns=drop))


def _wait_for_runs(sweep_dir: Path, count: int, proc: subprocess.Popen) -> None:
    """Wait until `count` runs of the sweep have written summary.json (or the sweep has ended)."""
    deadline = time.monotonic() + TIMEOUT_S
    while proc.poll() is None and time.monotonic() < deadline:
        if sum(1 for _ in sweep_dir.glob("*/summary.json")) >= count:
            return
        time.sleep(0.05)


# joblib, whose workers are other processes: the basic launcher killed and resumed is
# tests/launch/test_sweeps.py::test_killed_sweep_resumes_to_identical_results
@pytest.mark.parametrize("launcher", ["joblib"])
def test_sweep_launcher_killed_at_random_points_then_resumed(
    tmp_path: Path, reference_sweep: tuple[Path, float], reaper: list, launcher: str
) -> None:
    """SIGKILL the launcher and its workers together at two random points; the rerun completes the sweep exactly.

    Kill points are drawn in runs completed (then a random fraction of a run later), so every kill lands
    mid-sweep however loaded the machine is.
    """
    ref, duration = reference_sweep
    sweep_dir = tmp_path / "sweep"
    rng = random.Random(launcher)
    complete = []
    for target in sorted(rng.sample(range(1, SWEEP_RUNS - 1), 2)):
        proc = _start(*_sweep_args(sweep_dir, launcher))
        reaper.append(proc)
        _wait_for_runs(sweep_dir, target, proc)
        time.sleep(rng.uniform(0.0, 1.0) * duration / SWEEP_RUNS)
        _kill_group(proc)
        complete.append(_sweep_state(sweep_dir))
    assert any(0 < n < SWEEP_RUNS for n in complete), f"no kill landed mid-sweep: {complete}"
    proc = _cli(*_sweep_args(sweep_dir, launcher))
    assert proc.returncode == 0, proc.stderr
    _same_sweep(ref, sweep_dir)


def test_sweep_worker_killed_then_resumed(tmp_path: Path, reference_sweep: tuple[Path, float], reaper: list) -> None:
    """SIGKILL one joblib worker mid-sweep: the sweep fails loudly; the rerun completes it exactly."""
    ref, _ = reference_sweep
    sweep_dir = tmp_path / "sweep"
    proc = _start(*_sweep_args(sweep_dir, "joblib"))
    reaper.append(proc)
    _wait_for_runs(sweep_dir, random.Random(5).randint(2, 5), proc)
    workers = [pid for pid in _children(proc.pid) if "LokyProcess" in _cmdline(pid)]
    assert workers, "no joblib worker found"
    os.kill(workers[0], signal.SIGKILL)
    proc.wait(timeout=TIMEOUT_S)
    complete = _sweep_state(sweep_dir)
    assert proc.returncode != 0 or complete == SWEEP_RUNS, "a killed worker must fail the sweep"
    proc = _cli(*_sweep_args(sweep_dir, "joblib"))
    assert proc.returncode == 0, proc.stderr
    _same_sweep(ref, sweep_dir)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# ------------------------------------------------------------ damaged files


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _fewer_weeks(path: Path) -> None:
    """A well-formed parquet file that lacks the last weeks: looks whole, is not."""
    df = pd.read_parquet(path)
    df[df["week"] < df["week"].max() - 5].to_parquet(path, index=False)


DAMAGE = {
    "truncated timeseries": lambda d: _truncate(d / TIMESERIES),
    "garbage summary": lambda d: (d / SUMMARY).write_bytes(b"\x00\xffnot json"),
    "truncated summary": lambda d: _truncate(d / SUMMARY),
    "summary without metrics": lambda d: (d / SUMMARY).write_text('{"provenance": {}}'),
    "paired baseline deleted": lambda d: (d / BASELINE_TIMESERIES).unlink(),
    "timeseries missing weeks": lambda d: _fewer_weeks(d / TIMESERIES),
    "empty timeseries": lambda d: (d / TIMESERIES).write_bytes(b""),
    "summary deleted (killed run)": lambda d: (d / SUMMARY).unlink(),
}
DAMAGED_RUNS = ("1", "2", "3", "4")  # runs 0, 5, 6 and 7 stay whole
KINDS = list(DAMAGE)


@pytest.mark.parametrize("kinds", [KINDS[:4], KINDS[4:]], ids=["first_four", "last_four"])
def test_damaged_runs_are_named_and_left_out(
    tmp_path: Path, reference_sweep: tuple[Path, float], kinds: list[str]
) -> None:
    ref, _ = reference_sweep
    sweep_dir = tmp_path / "sweep"
    shutil.copytree(ref, sweep_dir)
    for run, kind in zip(DAMAGED_RUNS, kinds, strict=True):
        DAMAGE[kind](sweep_dir / run)
    with pytest.warns(BadRunWarning) as caught:
        loaded = load_sweep(sweep_dir)
    message = str(caught[0].message)
    bad = {Path(k).name for k in loaded.bad_runs}
    assert bad == set(DAMAGED_RUNS), loaded.bad_runs
    for run in DAMAGED_RUNS:
        assert str(sweep_dir / run) in message
    assert sorted(loaded.runs["run"]) == [0, 5, 6, 7]
    assert set(loaded.table["run"]) == set(loaded.runs["run"])
    with pytest.raises(ValueError, match="left out"):
        load_sweep(sweep_dir, strict=True)


def test_timeseries_from_another_run_is_caught(tmp_path: Path, reference_sweep: tuple[Path, float]) -> None:
    """A whole, readable file that belongs to another run (a copy gone wrong) must not be mixed in."""
    ref, _ = reference_sweep
    sweep_dir = tmp_path / "sweep"
    shutil.copytree(ref, sweep_dir)
    shutil.copy(sweep_dir / "0" / TIMESERIES, sweep_dir / "1" / TIMESERIES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load_sweep(sweep_dir)
    assert "1" in {Path(k).name for k in loaded.bad_runs}
