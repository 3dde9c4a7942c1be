"""`python -m sim.run --help`: every field's path, default, unit, ranges and meaning, from the declarations."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from sim.config.cells import (
    SECTIONS,
    allowed_cell,
    declared_fields,
    meaningful_text,
    range_text,
    role_text,
    value_text,
    warning_text,
    with_note,
)
from sim.config.declare import Param, declaration, field_types, innermost
from sim.config.root import Config
from sim.config.vocabulary import HOUSEHOLD_TYPES, NEEDS, PROGRAMS, STATUSES

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
        return ", ".join(f"{k}={_plain(value_text(v))}" for k, v in value.items())
    inner = (
        f"{k}: {', '.join(f'{j}={_plain(value_text(x))}' for j, x in v.items() if x != 0)}" for k, v in value.items()
    )
    return "; ".join(inner) + " (others 0)"


def _help_ranges(p: Param, typ: Any) -> list[str]:
    """The unit and ranges line, and for a field with a softer bound the warning it gives outside it."""
    parts = ([f"unit: {p.unit}"] if p.unit and p.unit != "-" else []) + [f"allowed: {_plain(allowed_cell(p, typ))}"]
    if p.meaningful is not None:
        parts.append(f"meaningful: {meaningful_text(p)}")
    spec = p.plausible
    if isinstance(spec, dict):
        parts.append("plausible: by key (docs/ODD.md section 9)")
    elif spec is not None:
        parts.append(f"plausible: {_plain(range_text(spec))}")
    lines = _wrap("; ".join(parts), 6)
    return lines + (_wrap(warning_text(p), 6) if p.meaningful is not None else [])


def _help_field(name: str, value: Any, typ: Any, p: Param, note: str) -> list[str]:
    """A field's entry: path and default (role), meaning, unit and ranges."""
    default_note = p.default_note or note
    role = f"  [{role_text(p)}]"
    if typing.get_origin(typ) is dict:
        keys = "".join(f".<{KEY_NAMES.get(level, 'key')}>" for level in p.keys)
        default = with_note(_mapping_default(value) if value else "", default_note)
        head = [f"  {name}{keys}{role}", *_wrap(f"default: {default}", 6)]
        typ = innermost(typ)
    else:
        head = [f"  {name} = {_plain(with_note(value_text(value), default_note))}{role}"]
    return head + _wrap(p.doc, 6) + _help_ranges(p, typ)


def _help_fields(node: Any, prefix: str, note: str = "") -> list[str]:
    lines = []
    for name, value, typ, p in declared_fields(node, prefix):
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
        from sim.config.compose import default_config

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
