"""Speed and memory of the engines, one fresh process per measurement.

`python benchmarks/bench.py` runs the default scenario (156 weeks):

- the vectorized engine at 20,000, 100,000 and 1,000,000 people
  (`--national` adds 10,000,000; `--cli` also times the whole
  `python -m sim.run` process at 1,000,000);
- the agents engine at 3,000 and 20,000 people, and the plain Mesa model of
  the same decision step (`benchmarks/mesa_reference.py`) at 20,000: the
  agents engine's targets are >= 20 weeks a second at 3,000 people and
  within 3x of the plain Mesa model at 20,000 (`--agents-only` runs just
  this part).

Each measurement runs in a fresh child process, so its peak memory (the
child's own `ru_maxrss`) is that configuration's alone; bytes per person are
that peak less the child's memory after imports, divided by the people. It
prints a table of the best repeat per configuration and writes every repeat
as a tidy CSV (one row per run, with the 1-minute load average before it and
the hardware). "total s" covers what `provenance.wall_s` covers for an
unpaired run: building the population and network, the weekly steps, and
the outcome table; "ms/week" is the weekly steps alone (wall, and CPU time
from `time.process_time`, which the load inflates much less).

`--profile` instead times every phase of `sim.model.engine.week.WEEK` (its `work`, which
finds the ids with work, and its `act`, the rule), the executor's scheduling
around them and the weekly outcomes, in CPU ms per week, by default at
1,000,000 people x 40 weeks with the vectorized engine.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_SIZES = (100_000, 1_000_000)
NATIONAL = 10_000_000
COMPARE_SIZE = 20_000  # vectorized vs agents (same results), and agents vs the plain Mesa model
SMALL_SIZE = 3_000  # the agents engine's interactive size
REFERENCE = "mesa_reference"
TARGET_WEEKS_PER_S, TARGET_RATIO = 20.0, 3.0


def hardware() -> dict[str, object]:
    """CPU model, cores and memory of this machine, and the Python that ran."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem_gb, 1), "python": platform.python_version()}


def _config(people: int, engine: str, weeks: int, seed: int):
    sys.path.insert(0, str(ROOT))
    from sim.config.compose import default_config

    return default_config(
        "appointment_disclosure",
        **{"population.n_people": people, "engine": engine, "weeks": weeks, "seed": seed, "progress": False},
    )


def child(people: int, engine: str, weeks: int, seed: int) -> dict[str, float]:
    """Build and run one model in this process (`sim`, or the plain Mesa reference); time its parts."""
    if engine == REFERENCE:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from mesa_reference import ReferenceModel

        base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # after imports
        t0, cpu0 = time.perf_counter(), time.process_time()
        model = ReferenceModel(people, seed=seed)
        t1, cpu1 = time.perf_counter(), time.process_time()
        for _ in range(weeks):
            model.step()
        t2, cpu2 = time.perf_counter(), time.process_time()
        metrics = {
            "uptake_final": model.receiving_share,
            "encounters": model.encounters,
            "appointments_attended": model.attended,
        }
        t3, cpu3 = t2, cpu2
    else:
        cfg = _config(people, engine, weeks, seed)
        from sim.model.engine.week import UptakeModel
        from sim.results.metrics import citizen_children_without_benefit, run_metrics
        from sim.results.outcomes import timeseries_frame

        base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # after imports
        t0, cpu0 = time.perf_counter(), time.process_time()
        model = UptakeModel(cfg)
        t1, cpu1 = time.perf_counter(), time.process_time()
        model.run()
        t2, cpu2 = time.perf_counter(), time.process_time()
        df = timeseries_frame(model)
        metrics = run_metrics(df, citizen_children_without_benefit(model))
        t3, cpu3 = time.perf_counter(), time.process_time()
    return {
        "build_s": t1 - t0,
        "step_s": t2 - t1,
        "total_s": t3 - t0,
        "cpu_s": cpu3 - cpu0,
        "step_cpu_s": cpu2 - cpu1,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "base_mb": base_mb,
        "uptake_final": float(metrics["uptake_final"]),
        "encounters": int(metrics["encounters"]),
        "appointments_attended": int(metrics["appointments_attended"]),
    }


def _run_child(args: list[str], what: str, retries: int = 2) -> dict:
    """A child process; a failed import (others may be editing `sim/`) is retried after a minute."""
    cmd = [sys.executable, __file__, *args]
    for attempt in range(retries + 1):
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if out.returncode == 0:
            return json.loads(out.stdout.strip().splitlines()[-1])
        transient = "ImportError" in out.stderr or "ModuleNotFoundError" in out.stderr or "SyntaxError" in out.stderr
        if not transient or attempt == retries:
            raise RuntimeError(f"benchmark child failed ({what}):\n{out.stderr[-2000:]}")
        print(f"  {what}: import failed, retrying in 60 s", file=sys.stderr)
        time.sleep(60)
    raise AssertionError("unreachable")


def measure(people: int, engine: str, weeks: int, seed: int) -> dict[str, float]:
    """One configuration in a fresh child process."""
    return _run_child(["--child", str(people), engine, str(weeks), str(seed)], f"{people} {engine}")


def measure_cli(people: int) -> dict[str, float]:
    """The whole `python -m sim.run population.n_people=N` process: wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "sim.run", f"population.n_people={people}", f"hydra.run.dir={tmp}/run"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        stderr = proc.stderr.read() if proc.stderr else ""
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"sim.run failed:\n{stderr[-2000:]}")
        summary = json.loads((Path(tmp) / "run" / "summary.json").read_text())
    nan = float("nan")
    return {
        "build_s": nan,
        "step_s": nan,
        "total_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "step_cpu_s": nan,
        "peak_mb": usage.ru_maxrss / 1024,
        "base_mb": nan,
        "uptake_final": summary["metrics"]["uptake_final"],
        "encounters": summary["metrics"]["encounters"],
        "appointments_attended": summary["metrics"]["appointments_attended"],
    }


def plan(args: argparse.Namespace) -> list[tuple[int, str, int]]:
    """(people, engine, repeats) in the order they run."""
    agents = [
        (SMALL_SIZE, "agents", args.repeat),
        (COMPARE_SIZE, "agents", args.agent_repeat),
        (COMPARE_SIZE, REFERENCE, args.repeat),
    ]
    if args.agents_only:
        return agents
    runs = [(COMPARE_SIZE, "vectorized", args.repeat)]
    if not args.skip_agents:
        runs += agents
    sizes = list(args.sizes or DEFAULT_SIZES) + ([NATIONAL] if args.national else [])
    runs += [(n, "vectorized", args.repeat) for n in sizes if n != COMPARE_SIZE]
    if args.cli:
        runs.append((1_000_000, "cli", args.repeat))
    return runs


def load() -> float:
    return os.getloadavg()[0]


def rows_for(people: int, engine: str, repeats: int, weeks: int, seed: int, hw: dict) -> list[dict]:
    rows = []
    for rep in range(repeats):
        before = load()
        result = measure_cli(people) if engine == "cli" else measure(people, engine, weeks, seed)
        rows.append(
            {
                "engine": engine,
                "people": people,
                "weeks": weeks,
                "seed": seed,
                "repeat": rep,
                **result,
                "ms_per_week": 1000 * result["step_s"] / weeks,
                "cpu_ms_per_week": 1000 * result["step_cpu_s"] / weeks,
                "weeks_per_s": weeks / result["step_s"] if result["step_s"] > 0 else float("nan"),
                "person_weeks_per_s": people * weeks / result["total_s"],
                "bytes_per_person": (result["peak_mb"] - result["base_mb"]) * 2**20 / people,
                "load_1min": before,
                "load_1min_after": load(),
                **hw,
            }
        )
        print(
            f"  {people:>11,} {engine:<14} rep {rep}: total {result['total_s']:8.2f} s, "
            f"cpu {result['cpu_s']:8.2f} s, {rows[-1]['ms_per_week']:8.1f} ms/week, "
            f"peak {result['peak_mb']:6.0f} MB, load {before:.2f}",
            file=sys.stderr,
        )
    return rows


def best(rows: list[dict], key: str = "total_s") -> dict[tuple[int, str], dict]:
    """The fastest repeat of each (people, engine)."""
    out: dict[tuple[int, str], dict] = {}
    for r in rows:
        k = (r["people"], r["engine"])
        if k not in out or r[key] < out[k][key]:
            out[k] = r
    return out


def _min(rows: list[dict], people: int, engine: str, key: str) -> float:
    values = [r[key] for r in rows if r["people"] == people and r["engine"] == engine and not math.isnan(r[key])]
    return min(values) if values else float("nan")


def table(rows: list[dict], hw: dict, weeks: int) -> str:
    head = (
        f"{'people':>11} {'engine':<14} {'build s':>8} {'step s':>8} {'total s':>8} {'CPU s':>8} "
        f"{'ms/wk':>8} {'CPU ms/wk':>9} {'peak MB':>8} {'B/person':>9} {'load':>5}"
    )
    lines = [f"# {hw['cpu']}, {hw['cores']} cores, {hw['ram_gb']} GB; {weeks} weeks; best of repeats", head]
    for r in best(rows).values():
        lines.append(
            f"{r['people']:>11,} {r['engine']:<14} {r['build_s']:>8.2f} {r['step_s']:>8.2f} {r['total_s']:>8.2f} "
            f"{r['cpu_s']:>8.2f} {r['ms_per_week']:>8.1f} {r['cpu_ms_per_week']:>9.1f} {r['peak_mb']:>8.0f} "
            f"{r['bytes_per_person']:>9.0f} {r['load_1min']:>5.2f}"
        )
    lines += summary(rows)
    return "\n".join(lines)


def summary(rows: list[dict]) -> list[str]:
    """The agents engine's targets, and vectorized against agents at 20,000."""
    out = []
    n, m = SMALL_SIZE, COMPARE_SIZE
    wps = max((r["weeks_per_s"] for r in rows if r["people"] == n and r["engine"] == "agents"), default=None)
    if wps is not None:
        cpu_wps = 1000 / _min(rows, n, "agents", "cpu_ms_per_week")
        met = "met" if wps >= TARGET_WEEKS_PER_S else "NOT met"
        out.append(
            f"agents at {n:,}: {wps:.1f} weeks/s wall, {cpu_wps:.1f} by CPU time "
            f"(target >= {TARGET_WEEKS_PER_S:.0f}: {met})"
        )
    agents, ref = _min(rows, m, "agents", "ms_per_week"), _min(rows, m, REFERENCE, "ms_per_week")
    if not math.isnan(agents) and not math.isnan(ref):
        agents_cpu, ref_cpu = _min(rows, m, "agents", "cpu_ms_per_week"), _min(rows, m, REFERENCE, "cpu_ms_per_week")
        ratio, cpu_ratio = agents / ref, agents_cpu / ref_cpu
        met = "met" if ratio <= TARGET_RATIO else "NOT met"
        out.append(
            f"at {m:,}: agents {agents:.1f} ms/week, plain Mesa {ref:.1f} ms/week: {ratio:.1f}x wall "
            f"(CPU {agents_cpu:.1f} vs {ref_cpu:.1f} ms/week: {cpu_ratio:.1f}x; target <= {TARGET_RATIO:.0f}x: {met})"
        )
    speed = {e: r for (p, e), r in best(rows).items() if p == m}
    if "agents" in speed and "vectorized" in speed:
        ratio = speed["agents"]["total_s"] / speed["vectorized"]["total_s"]
        same = all(speed["agents"][k] == speed["vectorized"][k] for k in ("uptake_final", "encounters"))
        out.append(f"vectorized vs agents at {m:,}: {ratio:.0f}x faster; same results: {same}")
    return out


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


# ------------------------------------------------------------------ per-phase profile


def profile_child(people: int, engine: str, weeks: int, seed: int, clock: str = "cpu") -> dict:
    """Time of each phase's `work` and `act`, the executor around them, and the outcomes, per week.

    `clock`: "cpu" (process time: both threads' work, and a waiting thread's spinning) or "wall".
    """
    now = time.process_time if clock == "cpu" else time.perf_counter
    cfg = _config(people, engine, weeks, seed)
    import sim.model.engine.week as sm

    cpu0 = now()
    model = sm.UptakeModel(cfg)
    build = now() - cpu0
    spent: dict[str, float] = defaultdict(float)

    def timed(key: str, fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            c = now()
            try:
                return fn(*a, **kw)
            finally:
                spent[key] += now() - c

        return wrapper

    week = []
    for i, phase in enumerate(sm.WEEK):
        work = timed(f"{i}.work", phase.work) if phase.work is not None else None
        week.append(dataclasses.replace(phase, act=timed(f"{i}.act", phase.act), work=work))
    position = {id(p): i for i, p in enumerate(week)}
    sm.WEEK = tuple(week)
    run = model.executor.run

    def scheduled(world, phase):
        c = now()
        run(world, phase)
        spent[f"{position[id(phase)]}.run"] += now() - c

    model.executor.run = scheduled
    sm.weekly_outcomes = timed("outcomes", sm.weekly_outcomes)
    model.datacollector.collect = timed("collect", model.datacollector.collect)
    cpu1 = now()
    model.run()
    steps = now() - cpu1
    if not any(k.endswith(".run") for k in spent):
        raise RuntimeError("UptakeModel.step no longer runs sim.model.engine.week.WEEK through model.executor.run")
    phases = [
        {
            "phase": p.name,
            "unit": p.unit,
            "work_ms": 1000 * spent[f"{i}.work"] / weeks,
            "act_ms": 1000 * spent[f"{i}.act"] / weeks,
            "schedule_ms": 1000 * (spent[f"{i}.run"] - spent[f"{i}.work"] - spent[f"{i}.act"]) / weeks,
        }
        for i, p in enumerate(week)
    ]
    return {
        "people": people,
        "engine": engine,
        "weeks": weeks,
        "clock": clock,
        "build_s": build,
        "step_ms": 1000 * steps / weeks,
        "outcomes_ms": 1000 * spent["outcomes"] / weeks,
        "collect_ms": 1000 * spent["collect"] / weeks,
        "phases": phases,
    }


def profile_table(p: dict, load_before: float) -> str:
    w = p["weeks"]
    lines = [
        f"# {p['clock']} ms per week, {p['people']:,} people x {w} weeks, engine={p['engine']}, "
        f"load {load_before:.2f}; build {p['build_s']:.2f} s {p['clock']}",
        f"{'#':>2} {'phase':<20} {'unit':<9} {'work':>7} {'act':>7} {'sched':>7} {'total':>7}",
    ]
    for i, ph in enumerate(p["phases"], 1):
        total = ph["work_ms"] + ph["act_ms"] + ph["schedule_ms"]
        lines.append(
            f"{i:>2} {ph['phase']:<20} {ph['unit']:<9} {ph['work_ms']:>7.2f} {ph['act_ms']:>7.2f} "
            f"{ph['schedule_ms']:>7.2f} {total:>7.2f}"
        )
    phases = sum(ph["work_ms"] + ph["act_ms"] + ph["schedule_ms"] for ph in p["phases"])
    other = p["step_ms"] - phases - p["outcomes_ms"] - p["collect_ms"]
    lines += [
        f"   {'weekly_outcomes':<30} {p['outcomes_ms']:>31.2f}",
        f"   {'datacollector.collect':<30} {p['collect_ms']:>31.2f}",
        f"   {'rest of UptakeModel.step':<30} {other:>31.2f}",
        f"   {'step, in all':<30} {p['step_ms']:>31.2f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("--child", "--profile-child"):
        people, engine, weeks, seed = int(argv[1]), argv[2], int(argv[3]), int(argv[4])
        if argv[0] == "--child":
            print(json.dumps(child(people, engine, weeks, seed)))
        else:
            print(json.dumps(profile_child(people, engine, weeks, seed, argv[5])))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", action="store_true", help="add 10,000,000 people")
    ap.add_argument("--sizes", type=int, nargs="*", help="vectorized sizes besides 20,000 (default 100k, 1M)")
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="repeats per configuration (the best is shown)")
    ap.add_argument("--agent-repeat", type=int, default=3, help="repeats of the agents engine at 20,000")
    ap.add_argument("--skip-agents", action="store_true", help="no agents engine, no plain Mesa model")
    ap.add_argument("--agents-only", action="store_true", help="only agents at 3,000 and 20,000 and plain Mesa")
    ap.add_argument("--cli", action="store_true", help="also time the whole `python -m sim.run` at 1,000,000")
    ap.add_argument("--profile", action="store_true", help="per-phase ms per week instead of the benchmark")
    ap.add_argument("--profile-people", type=int, default=1_000_000)
    ap.add_argument("--profile-weeks", type=int, default=40)
    ap.add_argument("--profile-engine", default="vectorized", choices=("vectorized", "agents"))
    ap.add_argument("--profile-clock", default="cpu", choices=("cpu", "wall"), help="process time or wall time")
    ap.add_argument("--out", type=Path, help="CSV (default benchmarks/results/bench.csv, bench_agents.csv, ...)")
    args = ap.parse_args(argv)
    hw = hardware()
    if args.profile:
        before = load()
        what = f"profile {args.profile_people} {args.profile_engine}"
        cmd = ["--profile-child", str(args.profile_people), args.profile_engine, str(args.profile_weeks)]
        p = _run_child([*cmd, str(args.seed), args.profile_clock], what)
        out = args.out or RESULTS / f"profile_{args.profile_engine}_{args.profile_people}.csv"
        extra = [
            {"phase": name, "unit": "", "work_ms": 0.0, "act_ms": p[key], "schedule_ms": 0.0}
            for name, key in (("weekly_outcomes", "outcomes_ms"), ("datacollector.collect", "collect_ms"))
        ]
        meta = {"people": p["people"], "engine": p["engine"], "weeks": p["weeks"], "clock": p["clock"]}
        meta |= {"load_1min": before, **hw}
        write_csv([{**ph, **meta} for ph in p["phases"] + extra], out)
        print(profile_table(p, before))
        print(f"CSV: {out}")
        return
    rows: list[dict] = []
    for people, engine, repeats in plan(args):
        rows += rows_for(people, engine, repeats, args.weeks, args.seed, hw)
    out = args.out or RESULTS / ("bench_agents.csv" if args.agents_only else "bench.csv")
    write_csv(rows, out)
    print(table(rows, hw, args.weeks))
    print(f"CSV: {out}")


if __name__ == "__main__":
    main()
