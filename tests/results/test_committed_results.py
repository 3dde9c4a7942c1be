"""The committed results were made by the model in this checkout, not by an earlier one.

Each figure's entry in figures/MANIFEST.json names the fingerprints of the runs behind it (`source_shas`, from
their summaries), and the other committed result files name the source that made them (`source_sha`). A change to
the model's source (sim/, conf/) changes its fingerprint (sim/source.py), so this test fails until the results are
made again (`make figures`, `make validation`, `make sensitivity`): a figure can never quietly describe another
model than the one its manifest names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim import MODEL_VERSION
from sim.source import source_fingerprint

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "figures"
REMAKE = "make figures (or the experiment's own command) at this commit, and commit what it writes"


def _made_by(label: str, shas: list, dirty: bool | None, version: int | None = None) -> list[str]:
    current = source_fingerprint()
    problems = []
    if shas != [current]:
        problems.append(f"{label}: made by source {shas or 'not recorded'}, this checkout's model is [{current}]")
    if dirty:
        problems.append(f"{label}: made from uncommitted source (dirty), which no commit can reproduce")
    if version is not None and version != MODEL_VERSION:
        problems.append(f"{label}: model version {version}, this checkout's is {MODEL_VERSION}")
    return problems


def test_every_figure_in_the_manifest_was_made_by_this_model() -> None:
    manifest = json.loads((FIGURES / "MANIFEST.json").read_text())
    problems = []
    for name, entry in manifest.items():
        # a sweep's figure names its runs' fingerprints; one made in the same call as its runs, that call's
        shas = entry.get("source_shas") or ([entry["source_sha"]] if entry.get("source_sha") else [])
        problems += _made_by(f"figures/MANIFEST.json[{name}]", shas, entry.get("dirty"))
        missing = [f for f in entry["files"] if not (FIGURES / f).exists()]
        problems += [f"figures/{f}: listed in the manifest, missing" for f in missing]
    assert not problems, "\n".join([*problems, f"Remake: {REMAKE}"])


def test_every_stamped_result_file_was_made_by_this_model() -> None:
    problems = []
    for name in ("sensitivity.json", "discovery.json"):
        record = json.loads((FIGURES / name).read_text())
        stamp = record.get("summary", record)
        problems += _made_by(
            f"figures/{name}", [stamp.get("source_sha")], stamp.get("dirty"), stamp.get("model_version")
        )
    validation = pd.read_csv(FIGURES / "validation.csv")
    shas = sorted(validation["source_sha"].dropna().unique()) if "source_sha" in validation else []
    dirty = bool(validation["dirty"].any()) if "dirty" in validation else None
    problems += _made_by("figures/validation.csv", shas, dirty)
    assert not problems, "\n".join([*problems, "Remake: make validation, make sensitivity, make figures"])


def test_the_check_fails_for_another_source_and_for_a_dirty_tree() -> None:
    """The check above can fail: another fingerprint, a missing one, a dirty tree and another model version."""
    current = source_fingerprint()
    assert _made_by("x", [current], False) == []
    assert _made_by("x", ["0" * 16], False) and _made_by("x", [], False)
    assert _made_by("x", [current, "0" * 16], False) and _made_by("x", [current], True)
    assert _made_by("x", [current], False, MODEL_VERSION + 1)
