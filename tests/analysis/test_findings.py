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


def test_posterior_correlations_weigh_particles_and_keep_only_the_strong_pairs(tmp_path) -> None:
    import numpy as np
    import pandas as pd

    from analysis.odd_blocks import posterior_correlations

    rng = np.random.default_rng(0)
    a = rng.uniform(size=200)
    frame = pd.DataFrame({"a": a, "b": 3.0 - 2.0 * a, "c": rng.uniform(size=200), "weight": rng.uniform(size=200)})
    frame.to_csv(tmp_path / "posterior.csv", index=False)
    pairs = posterior_correlations(tmp_path)
    assert list(pairs.index) == [("a", "b")] and pairs.iloc[0] == pytest.approx(-1.0)
    frame["weight"] = np.where(frame["a"] < 0.5, 1.0, 0.0)  # weight zero: a particle that does not count
    frame.loc[frame["a"] >= 0.5, "c"] = frame.loc[frame["a"] >= 0.5, "a"]
    frame.to_csv(tmp_path / "posterior.csv", index=False)
    assert ("a", "c") not in posterior_correlations(tmp_path, at_least=0.5).index
