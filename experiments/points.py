"""A point of a design over declared parameters, as a model run: which uncertainties can be varied, the
directive's config at a point, and the paired run that measures its loss.

Sensitivity and scenario discovery vary parameters over their declared plausible ranges
(`sim.config.params`), read from the declarations each time, so a field declared later joins by itself.
`uncertainties` says which declared uncertainties are one number with a range, and why the rest are not:

- `behavior.loss.<status>` for every status but `citizen` (the noncitizen entries of the per-status loss
  table): represented by the derived `behavior.loss_scale`, which scales them all at once (as the calibration
  does); varying both would vary the same losses twice. The citizens' entry, which the scale leaves alone, is
  varied on its own;
- entries whose plausible range is one value (`enforcement.exposure.citizen`,
  `behavior.perceived_exposure.citizen`: citizens are not pursued);
- fields that are not one number (`enforcement.openings`, a list of events).

A point is the directive (`appointment_disclosure`) with the declared defaults (no posterior, no transfer
draw) at the point's values, on the point's seed (`configure`). Two cross-field rules of `sim.config.validate`
are kept by adjusting a point, not by dropping it (`admissible`): `network.within_community` is capped at
1 - `network.within_block`, and a `policy.compliance_sd` under 1e-6 is set to 0. A true/false field (a rule
such as `policy.rules.records_kept`) is set from 0 or 1.
"""

from __future__ import annotations

import copy
import time
from functools import lru_cache
from typing import Any

from experiments.design import paired_losses
from sim.config import STATUSES, UNCERTAINTY, Config
from sim.config.compose import default_config
from sim.config.params import LOSS_SCALE, names_with_role, plausible
from sim.config.priors import priors
from sim.launch.posterior import apply_parameters

POLICY = "appointment_disclosure"
LOSS_TABLE = "behavior.loss"  # its noncitizen entries are represented by the derived loss scale
WITHIN_BLOCK, WITHIN_COMMUNITY = "network.within_block", "network.within_community"
COMPLIANCE_SD, MIN_SD = "policy.compliance_sd", 1e-6
ADJUSTMENTS = {
    WITHIN_COMMUNITY: f"capped at 1 - {WITHIN_BLOCK} (validate: their sum must not exceed 1)",
    COMPLIANCE_SD: f"values under {MIN_SD:g} set to 0 (validate: 0 or at least {MIN_SD:g})",
}


def uncertainties() -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """(ranges, skipped): every declared uncertainty that is one number with a range, and why the rest are not.

    Read from the declarations each call, so a field declared `uncertainty` later joins by itself.
    """
    ranges: list[str] = []
    skipped: dict[str, str] = {}
    for path in names_with_role(UNCERTAINTY):
        if path.startswith(LOSS_TABLE + ".") and path != f"{LOSS_TABLE}.{STATUSES[0]}":
            skipped[path] = f"represented by {LOSS_SCALE}, which scales every noncitizen entry"
            continue
        try:
            lo, hi = plausible(path)
        except ValueError:
            skipped[path] = "not one number (no numeric plausible range)"
            continue
        if not lo < hi:
            skipped[path] = f"plausible range is one value ({lo:g})"
            continue
        ranges.append(path)
    return priors(ranges, roles=[UNCERTAINTY]), skipped


RANGES, SKIPPED = uncertainties()


@lru_cache(maxsize=4)
def base(size: Any) -> Config:
    """The directive at `size` (its `n_people`, `weeks`, `start_week`) with the declared defaults (no posterior, no
    transfer draw), paired; composed once per size and process (Hydra's compose costs more than a small run)."""
    start = {} if size.start_week is None else {"policy.start_week": size.start_week}
    cfg = default_config(POLICY, **{"population.n_people": size.n_people, "weeks": size.weeks, "paired": True}, **start)
    assert not cfg.behavior.posterior_file and not cfg.behavior.transfer_uncertain, "the design sets them itself"
    return cfg


def admissible(params: dict[str, float], base_cfg: Config) -> dict[str, float]:
    """A sampled point adjusted to the cross-field rules of `sim.config.validate` (`ADJUSTMENTS`)."""
    out = dict(params)
    if WITHIN_COMMUNITY in out:
        block = out.get(WITHIN_BLOCK, base_cfg.network.within_block)
        out[WITHIN_COMMUNITY] = min(out[WITHIN_COMMUNITY], 1.0 - block)
    if 0.0 < out.get(COMPLIANCE_SD, 0.0) < MIN_SD:
        out[COMPLIANCE_SD] = 0.0
    return out


def _node(cfg: Any, parents: list[str]) -> Any:
    node: Any = cfg
    for part in parents:
        node = node[part] if isinstance(node, dict) else getattr(node, part, None)
    return node


def value_at(path: str, cfg: Config) -> Any:
    """The value of `path` in `cfg` (a field, or one entry of a mapping); None for a derived parameter."""
    *parents, leaf = path.split(".")
    node = _node(cfg, parents)
    return node.get(leaf) if isinstance(node, dict) else getattr(node, leaf, None)


def is_flag(path: str, cfg: Config) -> bool:
    """Whether `path` is a true/false field of `cfg` (set from 0 or 1)."""
    return isinstance(value_at(path, cfg), bool)


def configure(params: dict[str, float], size: Any, seed: int) -> Config:
    """The directive at `params` (config paths, mapping entries such as `behavior.hassle.ssn` and true/false
    fields included) on `seed`, validated."""
    base_cfg = base(size)
    flags = {k: bool(v) for k, v in params.items() if is_flag(k, base_cfg)}
    params = admissible({k: v for k, v in params.items() if k not in flags}, base_cfg)
    cfg = copy.deepcopy(base_cfg)
    scalars = {}
    for path, value in params.items():
        *parents, leaf = path.split(".")
        node = _node(cfg, parents)
        if isinstance(node, dict):  # one entry of a per-key table
            if leaf not in node:
                raise KeyError(f"{path}: not a config field")
            node[leaf] = float(value)
        else:
            scalars[path] = value
    cfg = apply_parameters(cfg, scalars)  # scalars and the derived loss scale; validates the whole config
    cfg.seed = seed
    for path, value in flags.items():  # a true/false value is valid by its type
        *parents, leaf = path.split(".")
        setattr(_node(cfg, parents), leaf, value)
    return cfg


def evaluate(params: dict[str, float], size: Any, seed: int = 0) -> dict[str, float]:
    """One paired run at `params` on `seed`: the losses (`experiments.design.losses`) and the CPU seconds it took."""
    start = time.process_time()
    out = paired_losses(configure(params, size, seed))
    return {**out, "cpu_s": time.process_time() - start}
