"""What every generated block of README.md and docs/ODD.md is made of: where its sources are, its markers, its tables.

A block is the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, written from the files the runs
wrote (`analysis.readme_blocks`, `analysis.odd_blocks`) and put in its document by `analysis.findings`.
"""

from __future__ import annotations

from sim.config.paths import ROOT

FIGURES = ROOT / "figures"
POSTERIOR = ROOT / "data" / "posterior"


def markers(name: str) -> tuple[str, str]:
    """The lines that open and close block `name` in its document."""
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table, one line per row."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]
