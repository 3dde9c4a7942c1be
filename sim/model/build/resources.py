"""RAM a population needs, checked against what the machine has before building it (the RAM guard).

A population that does not fit should stop at once with a message saying
how much it needs, not be killed by the kernel minutes into its build. The
per-person and per-tie figures are peaks measured by `benchmarks/bench.py`
(the child's peak resident memory less its memory after imports, which
includes the build's temporaries), rounded up; docs/performance.md gives the
measurements.
"""

from __future__ import annotations

from pathlib import Path

from sim.config import Config, ConfigError

PERSON_BYTES = 300  # population, state, calendar, outcome index, exposure by status, build temporaries (vectorized)
TIE_BYTES = 24  # per directed tie between households: CSR entry plus build temporaries
AGENT_BYTES = 4_000  # per Mesa agent (engine=agents)
MARGIN = 1.2
GB = 2**30


class NotEnoughRAM(ConfigError):
    """The population asked for needs more memory than is available."""

    def __init__(self, n_people: int, needed: int, available: int) -> None:
        self.needed, self.available = needed, available
        super().__init__(
            "population.n_people",
            n_people,
            f"needs about {needed / GB:.1f} GB of memory, but {available / GB:.1f} GB is available; "
            "use fewer people or a machine with more memory",
        )


def estimate_bytes(cfg: Config) -> int:
    """Peak memory (bytes) that building and running `cfg` needs beyond the loaded program, with a margin."""
    n = cfg.population.n_people
    households = n / cfg.population.mean_household_size
    kin = max(cfg.network.kin_degree.values())  # kin ties come on top of community ties (not under `none`)
    degree = 0.0 if cfg.network.kind == "none" else cfg.network.mean_degree + kin
    per_model = n * PERSON_BYTES + households * degree * TIE_BYTES
    if cfg.engine == "agents":
        per_model += (n + cfg.population.n_regions * cfg.population.offices_per_region) * AGENT_BYTES
    return int(MARGIN * per_model)


def available_bytes(meminfo: Path = Path("/proc/meminfo"), cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Memory this process can still take: MemAvailable, capped by a cgroup limit; None if unknown."""
    available = None
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                available = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError):
        return None
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max" and available is not None:
            used = int((cgroup / "memory.current").read_text().strip())
            available = min(available, int(limit) - used)
    except (OSError, ValueError):
        pass
    return available


def check_resources(cfg: Config, available: int | None = None) -> Config:
    """Raise `NotEnoughRAM` if `cfg`'s population will not fit; return `cfg` unchanged otherwise."""
    available = available_bytes() if available is None else available
    needed = estimate_bytes(cfg)
    if available is not None and needed > available:
        raise NotEnoughRAM(cfg.population.n_people, needed, available)
    return cfg
