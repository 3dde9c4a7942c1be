"""Uniform priors and sensitivity ranges: the declared plausible range of each parameter sampled.

The calibration's priors and the sensitivity analysis's ranges are both read
here from the declarations (`sim.config.params`), so neither can drift from the
ranges docs/ODD.md prints.
"""

from __future__ import annotations

import typing

from sim.config.declare import Role
from sim.config.params import declared, plausible


def priors(paths: typing.Iterable[str], roles: typing.Iterable[Role] | None = None) -> dict[str, tuple[float, float]]:
    """Uniform priors (or sensitivity ranges) over the plausible range of each path, in the order given."""
    roles = None if roles is None else set(roles)
    out = {}
    for path in paths:
        if roles is not None and not roles.intersection(declared(path).roles):
            have = ", ".join(map(str, declared(path).roles))
            raise ValueError(f"{path}: role {have}, not one of {', '.join(map(str, roles))}")
        lo, hi = plausible(path)
        if not lo < hi:
            raise ValueError(f"{path}: plausible range [{lo:g}, {hi:g}] is empty")
        out[path] = (lo, hi)
    return out
