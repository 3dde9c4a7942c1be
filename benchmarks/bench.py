"""Speed and memory of the engines, one fresh process per measurement.

`python benchmarks/bench.py` runs the default scenario (156 weeks) at 20,000
people with both engines, then at 100,000 and 1,000,000 with the vectorized
engine; `--national` adds 10,000,000. Each measurement runs in a fresh child
process, so its peak memory (the child's own `ru_maxrss`) is that
configuration's alone; bytes per person are that peak less the child's
memory after imports (the model's state, network and build temporaries),
divided by the people. `--cli` also times the whole `python -m sim.run`
process at 1,000,000 people. It prints a table of the best repeat per
configuration and writes every repeat as a tidy CSV (one row per run, with
the hardware and the load), the shape of mesa-frames' benchmarks/cli.py.

Totals cover what `provenance.wall_s` covers for an unpaired run: building
the population and network, the weekly steps, and the outcome table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (100_000, 1_000_000)
NATIONAL = 10_000_000
COMPARE_SIZE = 20_000


def hardware() -> dict[str, object]:
    """CPU model, cores and memory of this machine."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem_gb, 1)}


def child(people: int, engine: str, weeks: int, seed: int) -> dict[str, float]:
    """Build and run one model in this process; time its phases."""
    sys.path.insert(0, str(ROOT))
    from sim.config import default_config
    from sim.model import UptakeModel
    from sim.outcomes import citizen_children_without_benefit, run_metrics, timeseries_frame

    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cfg = default_config(
        "appointment_disclosure",
        **{"population.n_people": people, "engine": engine, "weeks": weeks, "seed": seed, "progress": False},
    )
    t0, cpu0 = time.perf_counter(), time.process_time()
    model = UptakeModel(cfg)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    df = timeseries_frame(model)
    metrics = run_metrics(df, citizen_children_without_benefit(model))
    t3, cpu3 = time.perf_counter(), time.process_time()
    return {
        "build_s": t1 - t0,
        "step_s": t2 - t1,
        "total_s": t3 - t0,
        "cpu_s": cpu3 - cpu0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "base_mb": base_mb,
        "uptake_final": metrics["uptake_final"],
        "encounters": metrics["encounters"],
        "appointments_attended": metrics["appointments_attended"],
    }


def measure(people: int, engine: str, weeks: int, seed: int) -> dict[str, float]:
    """One configuration in a fresh child process."""
    cmd = [sys.executable, __file__, "--child", str(people), engine, str(weeks), str(seed)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({people} {engine}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


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
    return {
        "build_s": float("nan"),
        "step_s": float("nan"),
        "total_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "base_mb": float("nan"),
        "uptake_final": summary["metrics"]["uptake_final"],
        "encounters": summary["metrics"]["encounters"],
        "appointments_attended": summary["metrics"]["appointments_attended"],
    }


def plan(args: argparse.Namespace) -> list[tuple[int, str, int]]:
    """(people, engine, repeats) in the order they run."""
    runs = [(COMPARE_SIZE, "vectorized", args.repeat)]
    if not args.skip_agents:
        runs.append((COMPARE_SIZE, "agents", args.agent_repeat))
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
                "people": people,
                "engine": engine,
                "weeks": weeks,
                "seed": seed,
                "repeat": rep,
                **result,
                "person_weeks_per_s": people * weeks / result["total_s"],
                "bytes_per_person": (result["peak_mb"] - result["base_mb"]) * 2**20 / people,
                "load_1min": before,
                **hw,
            }
        )
        print(
            f"  {people:>11,} {engine:<10} rep {rep}: total {result['total_s']:8.2f} s, cpu {result['cpu_s']:8.2f} s, "
            f"peak {result['peak_mb']:8.0f} MB, load {before:.2f}",
            file=sys.stderr,
        )
    return rows


def best(rows: list[dict]) -> list[dict]:
    """The fastest repeat of each (people, engine)."""
    out: dict[tuple[int, str], dict] = {}
    for r in rows:
        key = (r["people"], r["engine"])
        if key not in out or r["total_s"] < out[key]["total_s"]:
            out[key] = r
    return list(out.values())


def table(rows: list[dict], hw: dict, weeks: int) -> str:
    head = (
        f"{'people':>11} {'engine':<10} {'build s':>8} {'step s':>8} {'total s':>8} {'CPU s':>8} "
        f"{'person-wk/s':>12} {'peak MB':>8} {'B/person':>9} {'load':>5}"
    )
    lines = [f"# {hw['cpu']}, {hw['cores']} cores, {hw['ram_gb']} GB; {weeks} weeks; best of repeats", head]
    for r in best(rows):
        lines.append(
            f"{r['people']:>11,} {r['engine']:<10} {r['build_s']:>8.2f} {r['step_s']:>8.2f} {r['total_s']:>8.2f} "
            f"{r['cpu_s']:>8.2f} "
            f"{r['person_weeks_per_s']:>12.3g} {r['peak_mb']:>8.0f} {r['bytes_per_person']:>9.0f} "
            f"{r['load_1min']:>5.2f}"
        )
    speed = {r["engine"]: r for r in best(rows) if r["people"] == COMPARE_SIZE}
    if "agents" in speed and "vectorized" in speed:
        ratio = speed["agents"]["total_s"] / speed["vectorized"]["total_s"]
        same = all(speed["agents"][k] == speed["vectorized"][k] for k in ("uptake_final", "encounters"))
        lines.append(f"vectorized vs agents at {COMPARE_SIZE:,}: {ratio:.0f}x faster; same results: {same}")
    return "\n".join(lines)


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        people, engine, weeks, seed = int(argv[1]), argv[2], int(argv[3]), int(argv[4])
        print(json.dumps(child(people, engine, weeks, seed)))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", action="store_true", help="add 10,000,000 people")
    ap.add_argument("--sizes", type=int, nargs="*", help="vectorized sizes besides 20,000 (default 100k, 1M)")
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="repeats per vectorized configuration (best is shown)")
    ap.add_argument("--agent-repeat", type=int, default=1, help="repeats of the slow agent engine")
    ap.add_argument("--skip-agents", action="store_true")
    ap.add_argument("--cli", action="store_true", help="also time the whole `python -m sim.run` at 1,000,000")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench.csv")
    args = ap.parse_args(argv)
    hw = hardware()
    rows: list[dict] = []
    for people, engine, repeats in plan(args):
        rows += rows_for(people, engine, repeats, args.weeks, args.seed, hw)
    write_csv(rows, args.out)
    print(table(rows, hw, args.weeks))
    print(f"CSV: {args.out}")


if __name__ == "__main__":
    main()
