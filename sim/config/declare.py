"""How a config field is declared: `Param`, `param()`, the roles, and `walk` over the declared fields.

Every field of the config dataclasses (the schema modules of this package) is
declared once, as `field(default=..., metadata=param(...))`: its default, the
range the model allows, the range worth exploring, its roles, unit and source.
Validation (`sim.config.checks`), the calibration priors and sensitivity ranges
(`sim.config.priors`), the explorer's sliders, `--help` and the parameter tables
of docs/ODD.md (`sim.config.tables`) all read these declarations, so they cannot
disagree. Nothing here imports Hydra or OmegaConf: the model loads the schemas.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sim.config.vocabulary import MAX_WEEKS

# OmegaConf's marker of a value a config must set (`omegaconf.MISSING`), spelled here so that the schemas load
# without OmegaConf: a structured config reads this default as "missing" (tests/config/test_config.py checks they
# agree).
MISSING: Any = "???"


class ConfigError(ValueError):
    """A config value outside what the model allows."""

    def __init__(self, field_name: str, value: Any, allowed: str) -> None:
        self.field_name, self.value, self.allowed = field_name, value, allowed
        super().__init__(f"{field_name} = {value!r}: {allowed}")


# ------------------------------------------------------------ declarations


class Role(StrEnum):
    """What a parameter is to an analyst."""

    LEVER = "lever"  # what an analyst sets: a regime's rules, remote shares, outreach, timing
    UNCERTAINTY = "uncertainty"  # what nobody knows: behavioural parameters, shares that are assumptions
    SETTING = "setting"  # size, horizon, seed, engine, the synthetic population


LEVER, UNCERTAINTY, SETTING = Role.LEVER, Role.UNCERTAINTY, Role.SETTING

Bounds = tuple[float | None, float | None]
PARAM = "param"  # the key of a field's declaration in its dataclass metadata
# Shorthands the schemas declare with: a probability, a non-negative number, and the source of a value no published
# source gives ("assumption"; a source named beside it supports the mechanism or the order of magnitude only).
PROB = (0.0, 1.0)
NONNEG = (0.0, None)
ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Param:
    """A field's declaration, written `field(metadata=param(role, ...))`.

    role: lever, uncertainty or setting; also: further roles (an uncertainty
    policy can set, such as ICE's base presence, is a lever too). allowed: the
    closed interval (lo, hi) the model accepts (None for an open end; `strict`
    makes lo exclusive), or the tuple of allowed names; validation refuses
    anything else. meaningful: a softer interval (lo, hi), inside `allowed`,
    outside which results mean less than they seem to (a horizon too short to
    hold a year of reviews, a population too small for any group): a run goes
    ahead with a one-line warning naming the field, the value, the bound and
    what the value understates (`understates`, required with `meaningful`;
    scalar fields only). plausible: the range worth exploring, (lo, hi) or a
    text, or for a mapping field {key: range} ("*" for the keys not listed; a
    range given for a level applies to every key below it); calibration and
    sensitivity sample it. unit, doc: what the field is measured in and means,
    in one line (`--help` and the ODD tables print them). source: where the
    default comes from (a text, or {key: text}). none: a value that means
    "none" besides the allowed range (-1 for an event that does not happen).
    keys: for a mapping field, the key set of each level. event: a dated event
    (a week), not reached when past the horizon. region: a region index (or list
    of them), checked against n_regions. role_note / default_note: qualifiers
    printed beside the role / default. collapse: document a nested config in
    one row. partial: a mapping field that may list only some of its keys (a
    dated change names only what it changes).
    """

    role: Role
    allowed: Bounds | tuple[str, ...] | None = None
    meaningful: Bounds | None = None
    understates: str = ""
    plausible: Any = None
    unit: str = "-"
    doc: str = ""
    source: Any = ""
    strict: bool = False
    none: int | None = None
    keys: tuple[tuple[str, ...], ...] = ()
    event: bool = False
    region: bool = False
    role_note: str = ""
    default_note: str = ""
    collapse: bool = False
    partial: bool = False
    also: tuple[Role, ...] = ()

    def __post_init__(self) -> None:
        # a softer bound is useless without the words the warning prints
        if self.meaningful is not None and not self.understates:
            raise ValueError("a field with a meaningful range must say what a value outside it understates")

    @property
    def roles(self) -> tuple[Role, ...]:
        """The primary role, then any further ones (`also`): an uncertainty an analyst may also set is a lever too."""
        return (self.role, *self.also)

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed strings, when the field is a choice among names."""
        a = self.allowed
        return a if isinstance(a, tuple) and a and all(isinstance(x, str) for x in a) else None

    @property
    def bounds(self) -> Bounds | None:
        """The allowed numeric interval (either end None for unbounded), when there is one."""
        return None if self.allowed is None or self.choices else self.allowed  # type: ignore[return-value]

    def plausible_for(self, keys: tuple[str, ...] = ()) -> Any:
        """The plausible range of one entry of a mapping field (the field's own for a scalar)."""
        return _lookup(self.plausible, keys)

    def source_for(self, keys: tuple[str, ...] = ()) -> str:
        return _lookup(self.source, keys) or ""


def _lookup(spec: Any, keys: tuple[str, ...]) -> Any:
    """Walk a per-key spec ({key: spec}); a non-mapping applies to every key below it."""
    for key in keys:
        if not isinstance(spec, dict):
            return spec
        if key not in spec and "*" not in spec:
            return None
        spec = spec.get(key, spec.get("*"))
    return spec


def param(role: Role, **fields: Any) -> dict[str, Param]:
    """A field's declaration as dataclass metadata: `field(default=..., metadata=param(UNCERTAINTY, ...))`.

    The keywords are `Param`'s fields (see there); an unknown one fails when the schema module loads.
    """
    return {PARAM: Param(role, **fields)}


def declaration(f: dataclasses.Field) -> Param | None:
    """The `Param` a dataclass field was declared with, or None."""
    return f.metadata.get(PARAM)


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """A config dataclass's field types, resolved."""
    return typing.get_type_hints(cls)


def optional_of(typ: Any) -> Any | None:
    """The type X of an optional field (`X | None`: None means "no change"), else None."""
    args = typing.get_args(typ)
    if typing.get_origin(typ) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return next(a for a in args if a is not type(None))
    return None


def innermost(typ: Any) -> Any:
    """The value type of a (nested) dict type."""
    while typing.get_origin(typ) is dict:
        typ = typing.get_args(typ)[1]
    return typ


def walk(node: Any, prefix: str = "") -> typing.Iterator[tuple[str, Any, Param]]:
    """Every declared scalar, mapping and list field of a config as (dotted path, value, declaration)."""
    for f in dataclasses.fields(node):
        name, value, typ = f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name]
        if dataclasses.is_dataclass(typ):
            yield from walk(value, f"{name}.")
            continue
        p = declaration(f)
        if p is not None:
            yield name, value, p
        if typing.get_origin(typ) is list and dataclasses.is_dataclass(typing.get_args(typ)[0]):
            for i, element in enumerate(value):
                yield from walk(element, f"{name}[{i}].")


def weeks_field(default: int, lo: int, hi: int, role: Role, source: str = ASSUMPTION, **kw: Any) -> Any:
    """A whole number of weeks (a period, a lag, a count), plausible over [lo, hi]."""
    kw.setdefault("allowed", (1, MAX_WEEKS))
    return field(default=default, metadata=param(role, plausible=(lo, hi), source=source, **kw))
