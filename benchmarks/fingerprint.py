"""Fingerprint of the model's numbers, for refactors that must not change them.

Runs every regime in conf/policy/ on both engines at a small size and writes
one SHA-256 per run of its weekly timeseries (parquet-independent: the raw
bytes of every column). Compare two fingerprint files with `--compare`.

    python benchmarks/fingerprint.py --out before.json
    python benchmarks/fingerprint.py --out after.json --compare before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def column_digest(df) -> str:
    h = hashlib.sha256()
    for col in df.columns:
        h.update(col.encode())
        values = df[col].to_numpy()
        h.update(values.astype(str).tobytes() if values.dtype == object else values.tobytes())
    return h.hexdigest()


def fingerprints(n_people: int, weeks: int, seeds: list[int]) -> dict[str, str]:
    from sim.config.compose import default_config
    from sim.model.engine.week import UptakeModel
    from sim.results.outcomes import timeseries_frame

    regimes = sorted(p.stem for p in (ROOT / "conf" / "policy").glob("*.yaml"))
    out = {}
    for regime in regimes:
        for engine in ("vectorized", "agents"):
            for seed in seeds:
                cfg = default_config(
                    regime, **{"population.n_people": n_people, "weeks": weeks, "engine": engine, "seed": seed}
                )
                model = UptakeModel(cfg)
                model.run()
                out[f"{regime}/{engine}/seed{seed}"] = column_digest(timeseries_frame(model))
                print(regime, engine, seed, out[f"{regime}/{engine}/seed{seed}"][:16], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--n-people", type=int, default=3000)
    parser.add_argument("--weeks", type=int, default=80)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    fp = fingerprints(args.n_people, args.weeks, args.seeds)
    args.out.write_text(json.dumps(fp, indent=1, sort_keys=True) + "\n")
    if args.compare:
        old = json.loads(args.compare.read_text())
        differ = sorted(k for k in old.keys() | fp.keys() if old.get(k) != fp.get(k))
        print(f"{len(fp) - len(differ)} of {len(fp)} runs identical" + (f"; differ: {differ}" if differ else ""))
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
