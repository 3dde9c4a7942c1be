"""Parameter look-ups by dotted path: a declaration, its ranges, the paths of a role.

Every config field is declared once, in the schema module of its section
(`sim.config.population`, ..., `sim.config.root`), with `field(default=...,
metadata=param(role, allowed=..., plausible=..., unit=..., source=...))`. This
module reads those declarations (imports point one way: it imports the schemas,
never the reverse; `import sim.config` does not load it):

- `declared(path)`: a field's `Param` by its dotted path (`behavior.loss.lpr`
  for one entry of a mapping), including the derived parameters in `DERIVED`;
- `plausible(path)` / `allowed(path)`: its numeric ranges;
- `parameters(role)` / `names_with_role(role)`: the paths of every declared leaf, optionally of those
  carrying one role (primary or additional, `Param.also`).

What derives from them lives beside it: priors and sensitivity ranges
(`sim.config.priors`), the parameter tables of docs/ODD.md (`sim.config.tables`)
and `python -m sim.run --help` (`sim.config.help_text`).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from sim.config.declare import NONNEG, PARAM, UNCERTAINTY, Param, Role, declaration, field_types, optional_of, param
from sim.config.root import Config
from sim.config.vocabulary import STATUSES

TRANSFER = "behavior.announcement_transfer"  # how much of a regime's announced effect a respondent carries over

# Parameters that are not config fields but scale some: a posterior or a sensitivity sample may set them,
# and `sim.launch.posterior.apply_parameters` applies them.
LOSS_SCALE = "behavior.loss_scale"
DERIVED: dict[str, Param] = {
    LOSS_SCALE: param(
        UNCERTAINTY,
        allowed=NONNEG,
        plausible=(0.4, 2.5),
        unit="x every noncitizen `behavior.loss`",
        doc="scales the expected loss of every status but US-born citizens at once",
        source="not a config field: multiplies the expected loss of every status but "
        f"`{STATUSES[0]}`; set by the calibration and the posterior (`sim/launch/posterior.py`); its range keeps each "
        "status's loss inside its plausible range",
    )[PARAM]
}


# ------------------------------------------------------------ look-ups


def declared(path: str) -> Param:
    """The declaration of a config field (or of one entry of a mapping field, or a derived parameter)."""
    if path in DERIVED:
        return DERIVED[path]
    p, _ = _resolve(path)
    return p


def _resolve(path: str) -> tuple[Param, tuple[str, ...]]:
    """(declaration, mapping keys below the field) for a dotted path (`enforcement.openings[i].week`: an item's)."""
    cls: Any = Config
    parts = path.split(".")
    for i, part in enumerate(parts):
        item = part.endswith("[i]")
        part = part.removesuffix("[i]")
        fields = {f.name: f for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else {}
        if part not in fields:
            raise KeyError(f"{path}: not a config field")
        typ = field_types(cls)[part]
        typ = optional_of(typ) or typ
        if item and typing.get_origin(typ) is list:
            typ = typing.get_args(typ)[0]
        elif item:
            raise KeyError(f"{path}: {part} is not a list")
        if dataclasses.is_dataclass(typ) and i < len(parts) - 1:
            cls = typ
            continue
        p = declaration(fields[part])
        keys = tuple(parts[i + 1 :])
        if p is None or (keys and typing.get_origin(typ) is not dict) or len(keys) > len(p.keys):
            raise KeyError(f"{path}: not a declared config parameter")
        for level, key in zip(p.keys, keys, strict=False):
            if key not in level:
                raise KeyError(f"{path}: unknown key {key!r}; allowed: {', '.join(level)}")
        return p, keys
    raise KeyError(f"{path}: a config group, not a parameter")


def plausible(path: str) -> tuple[float, float]:
    """The numeric plausible range of a parameter (of one entry, for a mapping field)."""
    if path in DERIVED:
        spec = DERIVED[path].plausible
    else:
        p, keys = _resolve(path)
        spec = p.plausible_for(keys)
    if not (isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(x, int | float) for x in spec)):
        raise ValueError(f"{path}: no numeric plausible range ({spec!r})")
    return float(spec[0]), float(spec[1])


def allowed(path: str) -> tuple[float | None, float | None]:
    """The numeric interval a parameter must lie in (None for an open end)."""
    p = declared(path)
    if p.bounds is None:
        raise ValueError(f"{path}: no numeric allowed range")
    return p.bounds


def parameters(role: Role | None = None) -> list[str]:
    """Every declared leaf (mapping entries included, `[i]` items left out) and derived parameter, by path.

    With a role, only those whose declaration carries it, as primary role or among `also`.
    """
    out = []
    for name, typ, p in _fields(Config, ""):
        if role is not None and role not in p.roles:
            continue
        out += [f"{name}.{'.'.join(keys)}" for keys in key_paths(p.keys)] if typing.get_origin(typ) is dict else [name]
    return out + [k for k, p in DERIVED.items() if role is None or role in p.roles]


def names_with_role(role: Role) -> list[str]:
    """The dotted paths whose declaration carries `role` (primary or additional), in declaration order.

    A field may be both what nobody knows and what an analyst sets (ICE's base presence, staff compliance):
    scenario discovery samples it as a lever, sensitivity as an uncertainty, from the one declaration.
    """
    return parameters(role)


def _fields(cls: type, prefix: str) -> typing.Iterator[tuple[str, Any, Param]]:
    for f in dataclasses.fields(cls):
        typ = field_types(cls)[f.name]
        if dataclasses.is_dataclass(typ):
            yield from _fields(typ, f"{prefix}{f.name}.")
        elif declaration(f) is not None:
            yield f"{prefix}{f.name}", typ, declaration(f)


def key_paths(levels: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """Every key path of a mapping field, from its key sets by level (`Param.keys`), in declaration order."""
    if not levels:
        return [()]
    return [(k, *rest) for k in levels[0] for rest in key_paths(levels[1:])]
