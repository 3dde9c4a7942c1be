"""What follows from the config declarations: ranges, priors, and the parameter tables of docs/ODD.md.

Every config field is declared once in `sim/config/__init__.py`, with
`field(default=..., metadata=param(role=..., allowed=..., plausible=...,
unit=..., source=...))`. This module reads those declarations (imports point
one way: params.py imports config.py, never the reverse):

- `declared(path)`: a field's `Param` by its dotted path (`behavior.loss.lpr`
  for one entry of a mapping), including the derived parameters in `DERIVED`;
- `plausible(path)` / `allowed(path)`: its numeric ranges;
- `priors(paths)`: uniform priors or sensitivity ranges over plausible ranges;
- `parameters(role)` / `names_with_role(role)`: the paths of every declared leaf, optionally of those
  carrying one role (primary or additional, `Param.also`);
- `markdown()`: the tables of docs/ODD.md section 9, which
  `python -m sim.config.params --write-odd` writes between the markers there
  (`--markdown` prints them, `--check` exits 1 when docs/ODD.md differs).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing
from pathlib import Path
from typing import Any

from sim.config import (
    HOUSEHOLD_TYPES,
    NEEDS,
    NONNEG,
    PARAM,
    PROGRAMS,
    STATUSES,
    UNCERTAINTY,
    Config,
    Param,
    Role,
    bound_text,
    declaration,
    field_types,
    optional_of,
    param,
)
from sim.config.paths import ROOT

ODD = ROOT / "docs" / "ODD.md"
TRANSFER = "behavior.announcement_transfer"  # how much of a regime's announced effect a respondent carries over
BEGIN = "<!-- params:begin -->"
END = "<!-- params:end -->"

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
COLUMNS = ("name", "meaning", "default", "allowed", "meaningful", "plausible", "unit", "role", "source / notes")
AS_ABOVE = "as above"  # the meaning cell of a mapping's rows after its first


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


def parameters(role: Role | None = None) -> list[str]:
    """Every declared leaf (mapping entries included, `[i]` items left out) and derived parameter, by path.

    With a role, only those whose declaration carries it, as primary role or among `also`.
    """
    out = []
    for name, typ, p in _fields(Config, ""):
        if role is not None and role not in p.roles:
            continue
        out += [f"{name}.{'.'.join(keys)}" for keys in _key_paths(p.keys)] if typing.get_origin(typ) is dict else [name]
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


def _key_paths(levels: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    if not levels:
        return [()]
    return [(k, *rest) for k in levels[0] for rest in _key_paths(levels[1:])]


# ------------------------------------------------------------ the ODD tables


def _value(v: Any) -> str:
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


def _range(spec: Any) -> str:
    if spec is None:
        return "-"
    if isinstance(spec, tuple):
        lo, hi = (_value(float(x)) for x in spec)
        return lo if lo == hi else f"{lo}-{hi}"
    return str(spec)


def _allowed(p: Param, typ: Any) -> str:
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
        text = f"{kind}[{_value(lo)}, {_value(hi)}]"
    elif lo is not None:
        text = f"{kind}{'>' if p.strict else '>='} {_value(lo)}"
    else:
        text = kind.strip() or "number"
    return text + (f", or {p.none} for none" if p.none is not None else "")


def _meaningful(p: Param) -> str:
    """The softer bound of a field, or "-" when every allowed value is meaningful."""
    if p.meaningful is None:
        return "-"
    lo, hi = p.meaningful
    parts = ([f">= {bound_text(lo)}"] if lo is not None else []) + ([f"<= {bound_text(hi)}"] if hi is not None else [])
    return " and ".join(parts)


def _warns(p: Param) -> str:
    """Where a field's warning fires and what it says (the same words as `sim.config.meaningful_warnings`)."""
    lo, hi = p.meaningful or (None, None)
    if lo is not None and hi is not None:
        where = f"outside [{bound_text(lo)}, {bound_text(hi)}]"
    else:
        where = f"under {bound_text(lo)}" if lo is not None else f"over {bound_text(hi)}"
    return f"{where} a run goes ahead with a warning: {p.understates}"


def _meaningful_cell(p: Param) -> str:
    return "-" if p.meaningful is None else f"{_meaningful(p)}; {_warns(p)}"


def _role(p: Param) -> str:
    roles = ", ".join(map(str, p.roles))
    return f"{roles} ({p.role_note})" if p.role_note else roles


def _row(
    name: str, default: str, allowed_: str, plausible_: str, p: Param, source: str, meaning: str | None = None
) -> str:
    meaning = p.doc if meaning is None else meaning
    cells = (
        f"`{name}`",
        meaning or "-",
        default,
        allowed_,
        _meaningful_cell(p),
        plausible_,
        p.unit or "-",
        _role(p),
        source or "-",
    )
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _with_note(default: str, note: str) -> str:
    if not default:  # nothing set (an optional field, a partial mapping): the note says what that means
        return note or "-"
    return f"{default} ({note})" if note else default


def _explicit(spec: Any, keys: tuple[str, ...]) -> bool:
    """Whether a per-key spec names these keys itself (rather than through "*" or a range for all keys)."""
    for key in keys:
        if not (isinstance(spec, dict) and key in spec):
            return False
        spec = spec[key]
    return True


def _mapping_rows(name: str, value: dict, p: Param, typ: Any, note: str) -> list[str]:
    """A row per entry that is non-zero or has its own range or source; each mapping's other zeros share one row.

    A partial mapping left empty (a dated change that names only what it changes) is one row for all its keys.
    """
    if p.partial and not value:
        keys = p.keys[0]
        path = f"{name}.{{{', '.join(keys)}}}"
        return [_row(path, _with_note("", note), _allowed(p, typ), _range(p.plausible_for(keys[:1])), p, p.source)]
    by_parent: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for keys in _key_paths(p.keys):
        by_parent.setdefault(keys[:-1], []).append(keys)
    rows = []
    for parent, entries in by_parent.items():
        rest = []
        for keys in entries:
            v: Any = value
            for k in keys:
                v = v[k]
            if v != 0 or _explicit(p.plausible, keys) or _explicit(p.source, keys):
                path, default = f"{name}.{'.'.join(keys)}", _with_note(_value(v), note)
                meaning = AS_ABOVE if rows else None
                rows.append(
                    _row(path, default, _allowed(p, typ), _range(p.plausible_for(keys)), p, p.source_for(keys), meaning)
                )
            else:
                rest.append(keys)
        if rest:
            path = ".".join([name, *parent, "{" + ", ".join(k[-1] for k in rest) + "}"])
            default, first = _with_note("0", note), rest[0]
            meaning = AS_ABOVE if rows else None
            rows.append(
                _row(path, default, _allowed(p, typ), _range(p.plausible_for(first)), p, p.source_for(first), meaning)
            )
    return rows


def _declared(node: Any, prefix: str) -> typing.Iterator[tuple[str, Any, Any, Param]]:
    """(dotted name, value, type, declaration) of each declared field of a config dataclass instance."""
    for f in dataclasses.fields(node):
        p = declaration(f)
        if p is not None:
            yield f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name], p


def _rows(node: Any, prefix: str, note: str = "") -> list[str]:
    rows = []
    for name, value, typ, p in _declared(node, prefix):
        default_note = p.default_note or note
        if dataclasses.is_dataclass(typ) and p.collapse:
            values = ", ".join(_value(getattr(value, g.name)) for g in dataclasses.fields(value))
            rows.append(_row(f"{name}.*", _with_note(values, default_note), "as above", "-", p, p.source_for()))
        elif dataclasses.is_dataclass(typ):
            rows += _rows(value, f"{name}.", default_note)
        elif typing.get_origin(typ) is dict:
            rows += _mapping_rows(name, value, p, _innermost(typ), default_note)
        else:
            rows.append(
                _row(name, _with_note(_value(value), default_note), _allowed(p, typ), _range(p.plausible), p, p.source)
            )
            item = typing.get_args(typ)[0] if typing.get_origin(typ) is list else None
            if item is not None and dataclasses.is_dataclass(item):
                rows += _rows(item(), f"{name}[i].")
    return rows


def _innermost(typ: Any) -> Any:
    while typing.get_origin(typ) is dict:
        typ = typing.get_args(typ)[1]
    return typ


def _top_level(cfg: Config) -> list[str]:
    rows = []
    for f in dataclasses.fields(cfg):
        p, typ = declaration(f), field_types(Config)[f.name]
        if p is not None and not dataclasses.is_dataclass(typ):
            v = getattr(cfg, f.name)
            rows.append(
                _row(f.name, _with_note(_value(v), p.default_note), _allowed(p, typ), _range(p.plausible), p, p.source)
            )
    return rows


def markdown(cfg: Config | None = None) -> str:
    """The parameter tables of docs/ODD.md, section 9, from the declarations and the default config."""
    if cfg is None:
        from sim.config import default_config

        cfg = default_config()
    header = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS)
    parts = [
        "<!-- Generated by `python -m sim.config.params --write-odd` from the declarations in sim/config/__init__.py; "
        "edit those, not this block. -->"
    ]
    for attr, heading, before, after in SECTIONS:
        rows = _top_level(cfg) if attr is None else _rows(getattr(cfg, attr), f"{attr}.")
        if attr == "behavior":
            rows += [_row(k, "-", _allowed(p, float), _range(p.plausible), p, p.source) for k, p in DERIVED.items()]
        parts.append(f"### {heading}")
        if before:
            parts.append(before)
        parts.append(header + "\n" + "\n".join(rows))
        if after:
            parts.append(after)
    return "\n\n".join(parts) + "\n"


# ------------------------------------------------------------ --help


HELP_WIDTH = 110
KEY_NAMES = {HOUSEHOLD_TYPES: "household type", STATUSES: "status", NEEDS: "need", PROGRAMS[1:]: "program"}
GROUPS = ("population", "network", "policy", "enforcement", "behavior")


def _plain(text: str) -> str:
    return text.replace("`", "")


def _wrap(text: str, indent: int) -> list[str]:
    import textwrap

    pad = " " * indent
    return textwrap.wrap(_plain(text), HELP_WIDTH, initial_indent=pad, subsequent_indent=pad) or [pad.rstrip()]


def _mapping_default(value: dict) -> str:
    """`key=value, ...`; for a nested mapping `key: k=v, ...; ...` with zero entries left out."""
    if all(not isinstance(v, dict) for v in value.values()):
        return ", ".join(f"{k}={_plain(_value(v))}" for k, v in value.items())
    inner = (f"{k}: {', '.join(f'{j}={_plain(_value(x))}' for j, x in v.items() if x != 0)}" for k, v in value.items())
    return "; ".join(inner) + " (others 0)"


def _help_ranges(p: Param, typ: Any) -> list[str]:
    """The unit and ranges line, and for a field with a softer bound the warning it gives outside it."""
    parts = ([f"unit: {p.unit}"] if p.unit and p.unit != "-" else []) + [f"allowed: {_plain(_allowed(p, typ))}"]
    if p.meaningful is not None:
        parts.append(f"meaningful: {_meaningful(p)}")
    spec = p.plausible
    if isinstance(spec, dict):
        parts.append("plausible: by key (docs/ODD.md section 9)")
    elif spec is not None:
        parts.append(f"plausible: {_plain(_range(spec))}")
    lines = _wrap("; ".join(parts), 6)
    return lines + (_wrap(_warns(p), 6) if p.meaningful is not None else [])


def _help_field(name: str, value: Any, typ: Any, p: Param, note: str) -> list[str]:
    """A field's entry: path and default (role), meaning, unit and ranges."""
    default_note = p.default_note or note
    role = f"  [{_role(p)}]"
    if typing.get_origin(typ) is dict:
        keys = "".join(f".<{KEY_NAMES.get(level, 'key')}>" for level in p.keys)
        default = _with_note(_mapping_default(value) if value else "", default_note)
        head = [f"  {name}{keys}{role}", *_wrap(f"default: {default}", 6)]
        typ = _innermost(typ)
    else:
        head = [f"  {name} = {_plain(_with_note(_value(value), default_note))}{role}"]
    return head + _wrap(p.doc, 6) + _help_ranges(p, typ)


def _help_fields(node: Any, prefix: str, note: str = "") -> list[str]:
    lines = []
    for name, value, typ, p in _declared(node, prefix):
        if dataclasses.is_dataclass(typ):
            lines += _help_fields(value, f"{name}.", p.default_note or note)
            continue
        lines += _help_field(name, value, typ, p, note)
        item = typing.get_args(typ)[0] if typing.get_origin(typ) is list else None
        if item is not None and dataclasses.is_dataclass(item):
            lines += _help_fields(item(), f"{name}[i].")
    return lines


def _groups() -> list[str]:
    """Each config group of conf/ with its options, the default's first."""
    import yaml

    from sim.config.paths import CONF_DIR

    defaults = {}  # read as plain YAML: a defaults entry may interpolate (`optional arm: ${policy}`)
    for entry in yaml.safe_load((CONF_DIR / "config.yaml").read_text()).get("defaults", []):
        if isinstance(entry, dict):
            defaults.update({str(k): v for k, v in entry.items()})
    lines = []
    for group in (*GROUPS, "experiment"):
        options = sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml") if not p.name.startswith((".", "_")))
        first = defaults.get(group)
        listed = [f"{first} (default)"] + [o for o in options if o != first] if first in options else options
        how = "  (a sweep: -m +experiment=<name>)" if group == "experiment" else ""
        lines.append(f"  {group}: {', '.join(listed)}{how}")
    return lines


def help_text(cfg: Config | None = None) -> str:
    """`python -m sim.run --help`: every field's path, default, unit, ranges and meaning, from the declarations.

    Hydra's own help dumps the config without saying what a field means or what
    it may be; this is generated from the same declarations as validation and
    the ODD tables, so the three cannot disagree.
    """
    if cfg is None:
        from sim.config import default_config

        cfg = default_config()
    lines = [
        "usage: python -m sim.run [group=option ...] [field=value ...] [-m] [--show-week] [--help]",
        "",
        *_wrap(
            "One run of one scenario, or a sweep with -m; arguments are Hydra overrides. `--cfg job` prints the "
            "composed config without running it; `--hydra-help` lists Hydra's own options; docs/guide.md is the "
            "analyst's guide.",
            0,
        ),
        "",
        "Config groups (group=option; each option is a file in conf/<group>/):",
        *_groups(),
        "",
        *_wrap(
            "Fields (field=value), with the default config's values (policy=appointment_disclosure; a regime file "
            "sets its own policy fields). allowed: validation refuses a value outside it, naming the field, and "
            "the run exits with status 2. meaningful: a value outside it runs, with a one-line warning saying what "
            "it understates. plausible: the range worth exploring. Sources: docs/ODD.md section 9.",
            0,
        ),
    ]
    for attr, heading, *_ in SECTIONS:
        lines += ["", heading.split(" ", 1)[1].replace("`", "")]
        if attr is None:
            lines += [
                line
                for f in dataclasses.fields(cfg)
                if declaration(f) is not None and not dataclasses.is_dataclass(field_types(Config)[f.name])
                for line in _help_field(f.name, getattr(cfg, f.name), field_types(Config)[f.name], declaration(f), "")
            ]
        else:
            lines += _help_fields(getattr(cfg, attr), f"{attr}.")
    return "\n".join(lines)


def odd_with_tables(text: str, tables: str) -> str:
    """docs/ODD.md's text with the block between the markers replaced by `tables`."""
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"docs/ODD.md needs one {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    return f"{head}{BEGIN}\n{tables}{END}{tail}"


def write_odd(path: Path = ODD) -> bool:
    """Rewrite the generated block of docs/ODD.md; True if it changed."""
    text = path.read_text()
    new = odd_with_tables(text, markdown())
    if new != text:
        path.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The parameter tables of docs/ODD.md, from sim/config/__init__.py")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--markdown", action="store_true", help="print the tables")
    group.add_argument("--write-odd", action="store_true", help="rewrite the tables in docs/ODD.md")
    group.add_argument("--check", action="store_true", help="exit 1 if docs/ODD.md's tables are out of date")
    group.add_argument("--fields", action="store_true", help="print every field as `python -m sim.run --help` does")
    args = parser.parse_args(argv)
    if args.fields:
        print(help_text())
        return 0
    if args.markdown:
        sys.stdout.write(markdown())
        return 0
    if args.write_odd:
        changed = write_odd()
        print(f"{ODD}: {'updated' if changed else 'already up to date'}")
        return 0
    current = ODD.read_text()
    if odd_with_tables(current, markdown()) != current:
        print(
            f"{ODD}: parameter tables are out of date; run `python -m sim.config.params --write-odd`", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
