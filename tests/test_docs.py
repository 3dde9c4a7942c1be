"""docs/ODD.md describes the model the code implements: the week, the regimes, the withdrawn figure.

The table of section 3 ("Process overview and scheduling") lists every phase
of `sim.model.engine.week.WEEK` in order; if the week or the ODD changes without the
other, these tests fail.
"""

from __future__ import annotations

import re

import pytest

from sim.config.tables import ODD
from sim.config.paths import ROOT
from sim.model.engine.week import WEEK

WEEK_HEADING = "## 3. Process overview and scheduling"
REGIMES_HEADING = "### 9.7 "


def _section(text: str, heading: str) -> str:
    """The text from `heading` (a line starting with it) to the next heading of the same or a higher level."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(heading)]
    assert len(starts) == 1, f"docs/ODD.md needs exactly one heading starting {heading!r}"
    level = len(heading) - len(heading.lstrip("#"))
    body = []
    for line in lines[starts[0] + 1 :]:
        hashes = len(line) - len(line.lstrip("#"))
        if 0 < hashes <= level and line[hashes : hashes + 1] == " ":
            break
        body.append(line)
    return "\n".join(body)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def week_table() -> list[list[str]]:
    """Rows of the phase table in section 3: those whose first cell is the phase's number."""
    rows = [_cells(line) for line in _section(ODD.read_text(), WEEK_HEADING).splitlines() if line.startswith("|")]
    return [r for r in rows if r and r[0].isdigit()]


def _code(cell: str) -> str:
    m = re.fullmatch(r"`([^`]+)`", cell)
    assert m, f"expected one name in backticks, got {cell!r}"
    return m.group(1)


def test_week_table_lists_every_phase_of_WEEK_in_order() -> None:
    rows = week_table()
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1)), "phases numbered 1, 2, ... in order"
    assert [_code(r[1]) for r in rows] == [p.name for p in WEEK]


def test_week_table_says_who_acts_and_where_the_rule_lives() -> None:
    rows = week_table()
    assert len(rows) == len(WEEK)
    for row, phase in zip(rows, WEEK, strict=True):
        assert row[2] == phase.unit, (phase.name, row[2])
        assert _code(row[3]) == phase.act.__module__, (phase.name, row[3])
        assert row[4], f"{phase.name}: say what it does"


def test_regime_table_gives_each_regime_its_stated_disclosure() -> None:
    from sim.config.compose import default_config
    from sim.model.build.schedule import firewall_rules, regime_disclosure

    section = _section(ODD.read_text(), REGIMES_HEADING)
    rows = {_code(_cells(line)[0].split()[0]): _cells(line) for line in section.splitlines() if line.startswith("| `")}
    firewall = regime_disclosure(firewall_rules())
    regimes = sorted(p.stem for p in (ROOT / "conf" / "policy").glob("*.yaml"))
    assert sorted(rows) == regimes
    for name in regimes:
        stated = regime_disclosure(default_config(name).policy.rules)
        row = rows[name]
        assert row[6].startswith(f"{stated:.2f}"), (name, row[6], stated)
        rise = max(0.0, stated - firewall)
        assert row[7].split()[0] in {f"{rise:.2f}", f"{rise:g}"}, (name, row[7], rise)


@pytest.mark.parametrize("withdrawn", ["11.3%", "11.3 %", "news_salience |"])
def test_odd_quotes_no_withdrawn_figure_or_removed_field(withdrawn: str) -> None:
    assert withdrawn not in ODD.read_text()
