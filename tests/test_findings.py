"""Every number README.md states about what the model produces comes from the CSVs `make figures` writes."""

from __future__ import annotations

import re

from analysis.findings import README, block, readme_block


def test_readme_findings_are_the_csvs() -> None:
    assert readme_block(README.read_text()) == block(), "run `python -m analysis.findings --write`"


def test_readme_states_no_number_from_the_old_fit_or_the_withdrawn_figure() -> None:
    text = README.read_text()
    assert "11.3%" not in text
    outside = text.replace(readme_block(text), "")
    section = outside[outside.index("## What the model produces") : outside.index("## Gallery")]
    assert not re.search(r"\d+\.\d+ (pp|percentage points)", section), "numbers belong in the generated block"
