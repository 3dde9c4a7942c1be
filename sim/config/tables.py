"""The parameter tables of docs/ODD.md section 9, generated from the declarations and the default config.

`python -m sim.config.tables --write-odd` writes them between the markers in
docs/ODD.md (`--markdown` prints them, `--check` exits 1 when docs/ODD.md
differs, `--fields` prints what `python -m sim.run --help` prints).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing
from pathlib import Path
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
from sim.config.params import DERIVED, key_paths
from sim.config.paths import ROOT
from sim.config.root import Config

ODD = ROOT / "docs" / "ODD.md"
BEGIN = "<!-- params:begin -->"
END = "<!-- params:end -->"
COLUMNS = ("name", "meaning", "default", "allowed", "meaningful", "plausible", "unit", "role", "source / notes")
AS_ABOVE = "as above"  # the meaning cell of a mapping's rows after its first


def _meaningful_cell(p: Param) -> str:
    return "-" if p.meaningful is None else f"{meaningful_text(p)}; {warning_text(p)}"


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
        role_text(p),
        source or "-",
    )
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


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
        return [
            _row(path, with_note("", note), allowed_cell(p, typ), range_text(p.plausible_for(keys[:1])), p, p.source)
        ]
    by_parent: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for keys in key_paths(p.keys):
        by_parent.setdefault(keys[:-1], []).append(keys)
    rows = []
    for parent, entries in by_parent.items():
        rest = []
        for keys in entries:
            v: Any = value
            for k in keys:
                v = v[k]
            if v != 0 or _explicit(p.plausible, keys) or _explicit(p.source, keys):
                path, default = f"{name}.{'.'.join(keys)}", with_note(value_text(v), note)
                meaning = AS_ABOVE if rows else None
                rows.append(
                    _row(
                        path,
                        default,
                        allowed_cell(p, typ),
                        range_text(p.plausible_for(keys)),
                        p,
                        p.source_for(keys),
                        meaning,
                    )
                )
            else:
                rest.append(keys)
        if rest:
            path = ".".join([name, *parent, "{" + ", ".join(k[-1] for k in rest) + "}"])
            default, first = with_note("0", note), rest[0]
            meaning = AS_ABOVE if rows else None
            rows.append(
                _row(
                    path,
                    default,
                    allowed_cell(p, typ),
                    range_text(p.plausible_for(first)),
                    p,
                    p.source_for(first),
                    meaning,
                )
            )
    return rows


def _rows(node: Any, prefix: str, note: str = "") -> list[str]:
    rows = []
    for name, value, typ, p in declared_fields(node, prefix):
        default_note = p.default_note or note
        if dataclasses.is_dataclass(typ) and p.collapse:
            values = ", ".join(value_text(getattr(value, g.name)) for g in dataclasses.fields(value))
            rows.append(_row(f"{name}.*", with_note(values, default_note), "as above", "-", p, p.source_for()))
        elif dataclasses.is_dataclass(typ):
            rows += _rows(value, f"{name}.", default_note)
        elif typing.get_origin(typ) is dict:
            rows += _mapping_rows(name, value, p, innermost(typ), default_note)
        else:
            rows.append(
                _row(
                    name,
                    with_note(value_text(value), default_note),
                    allowed_cell(p, typ),
                    range_text(p.plausible),
                    p,
                    p.source,
                )
            )
            item = typing.get_args(typ)[0] if typing.get_origin(typ) is list else None
            if item is not None and dataclasses.is_dataclass(item):
                rows += _rows(item(), f"{name}[i].")
    return rows


def _top_level(cfg: Config) -> list[str]:
    rows = []
    for f in dataclasses.fields(cfg):
        p, typ = declaration(f), field_types(Config)[f.name]
        if p is not None and not dataclasses.is_dataclass(typ):
            v = getattr(cfg, f.name)
            rows.append(
                _row(
                    f.name,
                    with_note(value_text(v), p.default_note),
                    allowed_cell(p, typ),
                    range_text(p.plausible),
                    p,
                    p.source,
                )
            )
    return rows


def markdown(cfg: Config | None = None) -> str:
    """The parameter tables of docs/ODD.md, section 9, from the declarations and the default config."""
    if cfg is None:
        from sim.config.compose import default_config

        cfg = default_config()
    header = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS)
    parts = [
        "<!-- Generated by `python -m sim.config.tables --write-odd` from the declarations in sim/config/; "
        "edit those, not this block. -->"
    ]
    for attr, heading, before, after in SECTIONS:
        rows = _top_level(cfg) if attr is None else _rows(getattr(cfg, attr), f"{attr}.")
        if attr == "behavior":
            rows += [
                _row(k, "-", allowed_cell(p, float), range_text(p.plausible), p, p.source) for k, p in DERIVED.items()
            ]
        parts.append(f"### {heading}")
        if before:
            parts.append(before)
        parts.append(header + "\n" + "\n".join(rows))
        if after:
            parts.append(after)
    return "\n\n".join(parts) + "\n"


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
    parser = argparse.ArgumentParser(
        description="The parameter tables of docs/ODD.md, from the declarations in sim/config/"
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--markdown", action="store_true", help="print the tables")
    group.add_argument("--write-odd", action="store_true", help="rewrite the tables in docs/ODD.md")
    group.add_argument("--check", action="store_true", help="exit 1 if docs/ODD.md's tables are out of date")
    group.add_argument("--fields", action="store_true", help="print every field as `python -m sim.run --help` does")
    args = parser.parse_args(argv)
    if args.fields:
        from sim.config.help_text import help_text

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
            f"{ODD}: parameter tables are out of date; run `python -m sim.config.tables --write-odd`", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
