"""The numbers README.md and docs/ODD.md state about runs, generated from the files the runs wrote.

Each block between `<!-- NAME:begin -->` and `<!-- NAME:end -->` is made from its source, never typed:
README's `runtime`, `findings`, `mitigation` and `discovery` (`analysis.readme_blocks`), the ODD's
`calibration`, `validation` and `sensitivity` (`analysis.odd_blocks`). This module finds each block in its
document and rewrites it. tests/analysis/test_findings.py fails when a document and its sources disagree.

    python -m analysis.findings            # print every block
    python -m analysis.findings --write    # rewrite them in README.md and docs/ODD.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.doc_blocks import markers
from analysis.odd_blocks import calibration_block, sensitivity_block, validation_block
from analysis.readme_blocks import discovery_block, findings_block, mitigation_block, runtime_block
from sim.config.paths import ROOT

README = ROOT / "README.md"
ODD = ROOT / "docs" / "ODD.md"


def readme_block(text: str, name: str = "findings") -> str:
    """Block `name` of a document's `text`, its markers included."""
    begin, end = markers(name)
    return text[text.index(begin) : text.index(end) + len(end)]


def blocks() -> dict[tuple[Path, str], str]:
    """Every generated block, by (document, block name)."""
    return {
        (README, "runtime"): runtime_block(),
        (README, "findings"): findings_block(),
        (README, "mitigation"): mitigation_block(),
        (README, "discovery"): discovery_block(),
        (ODD, "calibration"): calibration_block(),
        (ODD, "validation"): validation_block(),
        (ODD, "sensitivity"): sensitivity_block(),
    }


def main(argv: list[str] | None = None) -> None:
    """Print every block, or with `--write` put each in its document in place of the old one."""
    parser = argparse.ArgumentParser(prog="python -m analysis.findings", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the blocks in README.md and docs/ODD.md")
    args = parser.parse_args(argv)
    for (doc, name), new in blocks().items():
        if not args.write:
            print(new, end="\n\n")
            continue
        text = doc.read_text()
        doc.write_text(text.replace(readme_block(text, name), new))
        print(f"wrote {doc} ({name})", file=sys.stderr)


if __name__ == "__main__":
    main()
