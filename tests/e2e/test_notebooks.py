"""Every notebook in notebooks/ runs end to end at the small size, and the brief's text is fully computed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")

from sim.config.paths import ROOT  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
UNFILLED = re.compile(r"\{[A-Za-z_][^{}]*\}")  # an f-string placeholder left in the text: a number not computed


def execute(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the notebook in a fresh kernel at the small size, with its outputs kept under tmp_path."""
    monkeypatch.setenv("UPTAKE_NOTEBOOK_SIZE", "small")
    monkeypatch.setenv("UPTAKE_NOTEBOOK_OUTPUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = jupytext.read(path)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError naming the failing cell
    return nb


def outputs(nb, mime: str) -> list[str]:
    return [
        out["data"][mime]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if mime in out.get("data", {})
    ]


def test_all_notebooks_found():
    assert {p.stem for p in NOTEBOOKS} >= {"policy_brief", "custom_scenario", "explore_agents"}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nb = execute(path, tmp_path, monkeypatch)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert outputs(nb, "image/png"), "each notebook shows at least one figure"
    for text in outputs(nb, "text/markdown"):
        assert not UNFILLED.search(text), f"unfilled placeholder in: {text[:200]}"
        assert "nan" not in text.split(), f"a number came out as nan: {text[:200]}"
    if path.stem == "policy_brief":
        assert len(outputs(nb, "image/png")) >= 3
        findings = " ".join(outputs(nb, "text/markdown"))
        for topic in ("Uptake.", "Citizen children.", "Money.", "Arrests and fear.", "A court order."):
            assert topic in findings
        assert list((tmp_path / "policy_brief_small_posterior").glob("*/summary.json")), "the sweep ran in tmp"


def test_notebooks_are_percent_scripts():
    """The .py files are the source of truth: jupytext reads them as percent-format notebooks with markdown."""
    for path in NOTEBOOKS:
        nb = jupytext.read(path)
        assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
        assert any(c.cell_type == "markdown" for c in nb.cells)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert params and "UPTAKE_NOTEBOOK_SIZE" in params[0].source, f"{path.name}: no size parameter cell"
