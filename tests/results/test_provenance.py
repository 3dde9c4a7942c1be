"""Outputs are strict JSON and hashes are stable."""

from __future__ import annotations

import json
from pathlib import Path

from sim.results.provenance import config_hash, write_json
from tests.conftest import small_config


def test_summary_json_is_strict_even_with_nan(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    write_json(path, {"metrics": {"uptake_final": float("nan"), "by": {"g": float("inf")}, "n": 3}})
    data = json.loads(path.read_text(), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert data == {"metrics": {"uptake_final": None, "by": {"g": None}, "n": 3}}


def test_config_hash_ignores_progress_but_not_parameters() -> None:
    a, b, c = small_config(), small_config(progress=True), small_config(seed=5)
    assert config_hash(a) == config_hash(b) != config_hash(c)
