"""Small rooms: no module under sim/ over 400 lines, none under experiments/ or analysis/ over 500.

A module that grows past its limit holds more than one concept; split it where the concepts part (docs/architecture.md
says where each kind of thing goes) rather than raising the limit.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

LIMITS = {"sim": 400, "experiments": 500, "analysis": 500}


@pytest.mark.parametrize("folder", sorted(LIMITS))
def test_no_module_outgrows_its_room(folder: str) -> None:
    limit = LIMITS[folder]
    sizes = {p: len(p.read_text().splitlines()) for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts}
    over = {str(p.relative_to(ROOT)): n for p, n in sizes.items() if n > limit}
    assert sizes, f"no modules found under {folder}/"
    assert not over, f"modules over {limit} lines under {folder}/: {over}"
