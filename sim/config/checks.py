"""Each field against its own declaration: the checks behind `validate`, and the warnings outside meaningful ranges.

A value outside what its declaration allows raises `ConfigError` naming the
field, the value and what is allowed (`allowed_text`, which the posterior's
checks reuse); the rules across fields are `sim.config.validation`'s.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import TYPE_CHECKING, Any

from sim.config.declare import PROB, ConfigError, Param, declaration, field_types, innermost, optional_of, walk

if TYPE_CHECKING:
    from sim.config.root import Config


def require(ok: bool, name: str, value: Any, allowed: str) -> None:
    """Raise `ConfigError` for `name` unless `ok`: the one way every check refuses a value."""
    if not ok:
        raise ConfigError(name, value, allowed)


def is_int(x: Any) -> bool:
    """An integer, and not a bool (which Python counts as one)."""
    return isinstance(x, int) and not isinstance(x, bool)


def _finite(x: Any) -> bool:
    """A finite real number; integers beyond 2**53 are refused, as numpy would hold them as Python objects."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    return math.isfinite(x) and (isinstance(x, float) or abs(x) <= 2**53)


def _num(x: float) -> str:
    return str(x) if is_int(x) else f"{x:g}"


def allowed_text(p: Param, typ: Any) -> str:
    """What a field allows, in words (the tail of a `ConfigError` message)."""
    if typ is bool:
        return "must be true or false"
    if p.choices:
        return f"allowed: {', '.join(p.choices)}"
    if typ is str:
        return "must be a string"
    what = "an integer" if typ is int else "a finite number"
    lo, hi = p.bounds or (None, None)
    if lo is not None and hi is not None:
        text = f"must be {what} in [{_num(lo)}, {_num(hi)}]"
        if (lo, hi) == PROB and typ is float:
            text = f"must be a probability in [{_num(lo)}, {_num(hi)}]"
    elif lo is not None:
        text = f"must be {what} {'>' if p.strict else '>='} {_num(lo)}"
    else:
        text = f"must be {what}"
    if p.none is not None:
        text += f", or {p.none} for none"
    return text


def _scalar_ok(value: Any, typ: Any, p: Param) -> bool:
    if typ is bool:
        return isinstance(value, bool)
    if typ is str:
        return isinstance(value, str) and (not p.choices or value in p.choices)
    if typ is int:
        if not is_int(value):
            return False
        if p.none is not None and value == p.none:
            return True
    elif not _finite(value):
        return False
    lo, hi = p.bounds or (None, None)
    if lo is not None and (value < lo or (p.strict and value == lo)):
        return False
    return hi is None or value <= hi


def _check_scalar(name: str, value: Any, typ: Any, p: Param) -> None:
    require(_scalar_ok(value, typ, p), name, value, allowed_text(p, typ))


def _check_mapping(name: str, mapping: Any, keys: tuple[tuple[str, ...], ...], typ: Any, p: Param) -> None:
    require(isinstance(mapping, dict), name, mapping, f"must be a mapping with keys {', '.join(keys[0])}")
    for key in mapping:
        require(key in keys[0], f"{name}.{key}", key, f"unknown key; allowed: {', '.join(keys[0])}")
    for key in () if p.partial else keys[0]:
        require(key in mapping, f"{name}.{key}", None, "is missing")
    for key, value in mapping.items():
        if len(keys) > 1:
            _check_mapping(f"{name}.{key}", value, keys[1:], typ, p)
        else:
            _check_scalar(f"{name}.{key}", value, typ, p)


def check_fields(node: Any, prefix: str = "") -> None:
    """Check every declared field of a config dataclass (recursively) against its declaration."""
    for f in dataclasses.fields(node):
        name, value, typ = f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name]
        p = declaration(f)
        if optional_of(typ) is not None:
            if value is None:  # a dated change that leaves this lever as it is
                continue
            typ = optional_of(typ)
        if dataclasses.is_dataclass(typ):
            require(isinstance(value, typ), name, value, f"must be a {typ.__name__} config")
            check_fields(value, f"{name}.")
        elif typing.get_origin(typ) is list:
            require(isinstance(value, list), name, value, "must be a list")
            (item,) = typing.get_args(typ)
            for i, element in enumerate(value):
                if dataclasses.is_dataclass(item):
                    require(isinstance(element, item), f"{name}[{i}]", element, f"must be a {item.__name__}")
                    check_fields(element, f"{name}[{i}].")
        elif typing.get_origin(typ) is dict:
            _check_mapping(name, value, p.keys, innermost(typ), p)
        elif p is not None and not p.region:
            _check_scalar(name, value, typ, p)


def bound_text(x: float) -> str:
    """A bound as the ODD, `--help` and the warnings print it (1,000; 0.5)."""
    return f"{x:,}" if is_int(x) else f"{x:,g}"


def meaningful_warnings(cfg: Config) -> list[str]:
    """One line per field outside its meaningful range, saying what the value understates.

    Validation has accepted the config, so the run goes ahead: small horizons and
    populations are what tests and quick looks use. But an analyst reading the
    results must not take them at face value, so the entry point prints these.
    """
    lines = []
    for name, value, p in walk(cfg):
        if p.meaningful is None or not _finite(value):
            continue
        lo, hi = p.meaningful
        if lo is not None and value < lo:
            lines.append(f"{name}={_num(value)} is under {bound_text(lo)}: {p.understates}")
        elif hi is not None and value > hi:
            lines.append(f"{name}={_num(value)} is over {bound_text(hi)}: {p.understates}")
    return lines
