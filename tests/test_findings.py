"""Every number README.md and docs/ODD.md state about runs comes from the files the runs wrote."""

from __future__ import annotations

import re

import pytest

from analysis.findings import README, blocks, readme_block


@pytest.mark.parametrize("doc_name", list(blocks()), ids=lambda k: f"{k[0].name}:{k[1]}")
def test_each_generated_block_is_its_source(doc_name) -> None:
    doc, name = doc_name
    assert readme_block(doc.read_text(), name) == blocks()[doc_name], "run `python -m analysis.findings --write`"


def test_readme_states_no_number_from_the_old_fit_or_the_withdrawn_figure() -> None:
    text = README.read_text()
    assert "11.3%" not in text
    outside = text
    for doc, name in blocks():
        if doc == README:
            outside = outside.replace(readme_block(text, name), "")
    section = outside[outside.index("## What the model produces") : outside.index("## Gallery")]
    assert not re.search(r"\d+\.\d+ (pp|percentage points)", section), "numbers belong in the generated block"
