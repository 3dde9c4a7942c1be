"""A declaration in words: the cells the ODD's parameter tables and `--help` share, and their sections.

Both print the same default, allowed range, meaningful range, plausible range
and role of each field; writing each once here keeps them from disagreeing.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from sim.config.checks import bound_text
from sim.config.declare import Param, declaration, field_types, optional_of

# The sections of the ODD tables: (config attribute, heading, text before the table, text after it).
SECTIONS: tuple[tuple[str | None, str, str, str], ...] = (
    (None, "9.1 Run (`Config`)", "", ""),
    (
        "population",
        "9.2 Population (`population.*`, `PopulationConfig`)",
        "",
        "Status keys everywhere are `citizen`, `lpr`, `refugee`, `student`, `worker`, `undocumented`; every key "
        "must be present (a missing or unknown key is an error). Household-type shares, and each household type's "
        "decider status shares, must sum to 1; a status's SSI plus RSDI shares must not exceed 1.",
    ),
    ("network", "9.3 Network (`network.*`, `NetworkConfig`; groups `sbm`, `random`, `none`)", "", ""),
    (
        "enforcement",
        "9.4 Enforcement (`enforcement.*`, `EnforcementConfig`, `OfficeOpening`)",
        "",
        "Example: `enforcement.openings='[{week: 30, region: 2, increment: 0.2}]'`; lists of regions likewise, "
        "e.g. `policy.injunction_regions='[0,1,2]'`.",
    ),
    (
        "behavior",
        "9.5 Behaviour (`behavior.*`, `BehaviorConfig`)",
        "Value, hassle and loss are in reference monthly benefits (`behavior.reference_monthly` USD).",
        "",
    ),
    (
        "policy",
        "9.6 Policy (`policy=<regime>`, `policy.*`, `PolicyConfig`, `RegimeRules` and `LeverChange`)",
        "",
        "Example: `policy.timeline='[{week: 52, remote_share: {eligibility: 0.6}}, {week: 30, outreach_reach: "
        "0.3}, {week: 40, records_kept: true}]'`; each change names only the levers it moves (7.1).",
    ),
)


def value_text(v: Any) -> str:
    if v is None:  # an optional field left out: its note says what that means ("no change")
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return f"`{v}`" if v else '`""`'
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 1000 else f"{v:g}"
    if isinstance(v, list):
        return "`[]`" if not v else f"`{v}`"
    return f"`{v}`"


def range_text(spec: Any) -> str:
    if spec is None:
        return "-"
    if isinstance(spec, tuple):
        lo, hi = (value_text(float(x)) for x in spec)
        return lo if lo == hi else f"{lo}-{hi}"
    return str(spec)


def allowed_cell(p: Param, typ: Any) -> str:
    typ = optional_of(typ) or typ
    if typ is bool:
        return "true/false"
    if p.choices:
        return ", ".join(f"`{c}`" for c in p.choices)
    if p.region:
        return "regions in [0, n_regions-1]" if typing.get_origin(typ) is list else "0 to n_regions-1"
    if typing.get_origin(typ) is list:
        item = typing.get_args(typ)[0]
        if not dataclasses.is_dataclass(item):
            return f"list of {getattr(item, '__name__', 'items')}"
        return f"list of {{{', '.join(f.name for f in dataclasses.fields(item))}}}"
    if typ is str:
        return "text"
    lo, hi = p.bounds or (None, None)
    kind = "integer " if typ is int else ""
    if lo is not None and hi is not None:
        text = f"{kind}[{value_text(lo)}, {value_text(hi)}]"
    elif lo is not None:
        text = f"{kind}{'>' if p.strict else '>='} {value_text(lo)}"
    else:
        text = kind.strip() or "number"
    return text + (f", or {p.none} for none" if p.none is not None else "")


def meaningful_text(p: Param) -> str:
    """The softer bound of a field, or "-" when every allowed value is meaningful."""
    if p.meaningful is None:
        return "-"
    lo, hi = p.meaningful
    parts = ([f">= {bound_text(lo)}"] if lo is not None else []) + ([f"<= {bound_text(hi)}"] if hi is not None else [])
    return " and ".join(parts)


def warning_text(p: Param) -> str:
    """Where a field's warning fires and what it says (the same words as `sim.config.meaningful_warnings`)."""
    lo, hi = p.meaningful or (None, None)
    if lo is not None and hi is not None:
        where = f"outside [{bound_text(lo)}, {bound_text(hi)}]"
    else:
        where = f"under {bound_text(lo)}" if lo is not None else f"over {bound_text(hi)}"
    return f"{where} a run goes ahead with a warning: {p.understates}"


def _meaningful_cell(p: Param) -> str:
    return "-" if p.meaningful is None else f"{meaningful_text(p)}; {warning_text(p)}"


def role_text(p: Param) -> str:
    roles = ", ".join(map(str, p.roles))
    return f"{roles} ({p.role_note})" if p.role_note else roles


def with_note(default: str, note: str) -> str:
    if not default:  # nothing set (an optional field, a partial mapping): the note says what that means
        return note or "-"
    return f"{default} ({note})" if note else default


def declared_fields(node: Any, prefix: str) -> typing.Iterator[tuple[str, Any, Any, Param]]:
    """(dotted name, value, type, declaration) of each declared field of a config dataclass instance."""
    for f in dataclasses.fields(node):
        p = declaration(f)
        if p is not None:
            yield f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name], p
