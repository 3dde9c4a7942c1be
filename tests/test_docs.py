"""The docs describe the code as it is: the ODD's week and regimes, and every module, name and file the docs cite.

The table of section 3 of docs/ODD.md ("Process overview and scheduling")
lists every phase of `sim.model.engine.week.WEEK` in order; if the week or the
ODD changes without the other, these tests fail. Every module, function or
file of sim/, analysis/ or experiments/ that README.md, docs/*.md,
notebooks/README.md or a docstring of sim/ or analysis/ names must exist where
it is named, so a module that moves takes its mentions with it.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from sim.config.paths import ROOT
from sim.config.tables import ODD
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


# ---- every module, name and file the docs cite exists ----

DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "notebooks" / "README.md")
SOURCES = tuple(sorted((ROOT / "sim").rglob("*.py")) + sorted((ROOT / "analysis").glob("*.py")))
PACKAGES = "sim|analysis|experiments"
# `sim.results.metrics.recovery`, sim/model/phases/tally.py, sim/config/, the older sim/outputs.read_timeseries
REFERENCE = re.compile(rf"(?<![\w./-])((?:{PACKAGES})(?:[./][A-Za-z_]\w*)+)")
# from sim.config.compose import default_config
IMPORT = re.compile(rf"\bfrom ((?:{PACKAGES})(?:\.\w+)*) import \(?\s*(\w+(?:,\s*\w+)*)")
# `sim/config/vocabulary.py` `STATUSES`
PATH_NAME = re.compile(rf"`((?:{PACKAGES})/[\w/]+\.py)`\s+`(\w+)`")
# `weekly_outcomes` in `sim/model/phases/tally.py` (or in `sim.model.phases.tally`)
NAME_IN = re.compile(rf"`(\w+)`\s+in\s+`((?:{PACKAGES})[./][\w./]+)`")


class Citation(NamedTuple):
    line: int
    reference: str  # a dotted name, a path, or a path then .name
    imported: bool  # cited as `from module import name`: a name the module imports is there too


def _module_file(parts: list[str]) -> Path | None:
    """The file of the module `parts` names (a package's __init__.py), found on disk: nothing is imported."""
    base = ROOT.joinpath(*parts)
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def _defined(body: list[ast.stmt], with_imports: bool = False) -> dict[str, ast.stmt]:
    """The names a module (or class) body defines at its top level, and those it imports if asked."""
    names: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update((n.id, node) for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif with_imports and isinstance(node, ast.ImportFrom | ast.Import):
            names.update(((a.asname or a.name).split(".")[0], node) for a in node.names)
    return names


@functools.cache
def _body(path: Path) -> list[ast.stmt]:
    return ast.parse(path.read_text()).body


def unresolved(c: Citation) -> str | None:
    """Why the citation names nothing that exists; None when it does.

    The longest leading part that is a module or package on disk is the module; the rest must be a name its
    source defines at the top level (read with ast, never imported, so experiments that need optional
    packages cost nothing), and a second name, when the first is a class, one the class defines. A dotted
    name may name what a package's __init__ re-exports (`sim.config.validate`); a path names the file the
    name is written in, so `sim/config/__init__.py` `STATUSES` is stale though the package re-exports it.
    """
    if c.reference.endswith(".py"):
        return None if (ROOT / c.reference).is_file() else "no such file"
    parts = re.split(r"[./]", c.reference)
    for i in range(len(parts), 0, -1):
        if module := _module_file(parts[:i]):
            break
    else:
        return "no such module"
    rest, where = parts[i:], module.relative_to(ROOT)
    face = module.name == "__init__.py" and "/" not in c.reference
    names = _defined(_body(module), with_imports=c.imported or face)
    if not rest:
        return None
    if rest[0] not in names:
        return f"{where} defines no {rest[0]} at its top level"
    node = names[rest[0]]
    if len(rest) > 1 and isinstance(node, ast.ClassDef) and rest[1] not in _defined(node.body):
        return f"{where}: {rest[0]} defines no {rest[1]}"
    return None


def citations(text: str) -> list[Citation]:
    """Every module, name and file of sim/, analysis/ or experiments/ that `text` cites."""

    def line(m: re.Match) -> int:
        return text.count("\n", 0, m.start()) + 1

    found = [Citation(line(m), m.group(1), False) for m in REFERENCE.finditer(text)]
    for m in IMPORT.finditer(text):
        found += [Citation(line(m), f"{m.group(1)}.{name.strip()}", True) for name in m.group(2).split(",")]
    for m in PATH_NAME.finditer(text):
        found.append(Citation(line(m), f"{m.group(1).removesuffix('.py')}.{m.group(2)}", False))
    for m in NAME_IN.finditer(text):
        found.append(Citation(line(m), f"{m.group(2).removesuffix('/').removesuffix('.py')}.{m.group(1)}", False))
    return found


def stale(files: tuple[Path, ...]) -> list[str]:
    """`file:line: reference: why` for each citation in `files` that names nothing that exists."""
    return [
        f"{f.relative_to(ROOT)}:{c.line}: {c.reference}: {why}"
        for f in files
        for c in citations(f.read_text())
        if (why := unresolved(c))
    ]


def test_docs_cite_modules_names_and_files_that_exist() -> None:
    found = stale(DOCS)
    assert not found, "\n".join(["the docs cite what is not there (moved or renamed?):", *found])


def test_docstrings_of_sim_and_analysis_cite_modules_names_and_files_that_exist() -> None:
    found = stale(SOURCES)
    assert not found, "\n".join(["sim/ and analysis/ cite what is not there (moved or renamed?):", *found])


@pytest.mark.parametrize(
    "text",
    [
        "`sim.results.outcomes.weekly_outcomes`",  # a name that moved (to sim.model.phases.tally)
        "`sim.model.engine.week.UptakeModel.no_such_method`",
        "sim/outputs.read_timeseries",  # a module that moved (to sim.results.outputs)
        "(`sim/model/phases/nowhere.py`)",
        "experiments/sensitivity.py",  # a module that became a package
        "`experiments.calibrate.noise_level`",
        "`sim/config/__init__.py` `STATUSES`",  # written in sim/config/vocabulary.py; the package only re-exports it
        "`draw_week` in\n  `sim/model/data/rng.py`",
        "from sim.config.compose import default_config, no_such_name",
    ],
)
def test_a_stale_citation_is_caught(text: str) -> None:
    assert any(unresolved(c) for c in citations(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "`sim.model.phases.tally.weekly_outcomes`",
        "`sim.model.engine.week.UptakeModel.step`",
        "`sim.config.validate` (the package re-exports it)",
        "sim/results/outputs.py, sim/config/ and experiments/calibration/",
        "`experiments.calibration.noise.noise_level`",
        "`sim/config/vocabulary.py` `STATUSES`",
        "`draw_week` in\n  `sim/model/phases/draws.py`",
        "from sim.config.compose import default_config\nfrom analysis.stats import MIN_AGENTS",
        "python -m sim.run; python -m experiments.discovery",
    ],
)
def test_a_current_citation_resolves(text: str) -> None:
    assert citations(text) and not [why for c in citations(text) if (why := unresolved(c))], text


def test_the_map_of_the_code_names_every_module() -> None:
    """docs/architecture.md gives every module of sim/, experiments/ and analysis/ its line: a new module without
    one is a room nobody can find (package `__init__` and `__main__` files are the packages' own doors)."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    modules = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("sim", "experiments", "analysis")
        for p in (ROOT / folder).rglob("*.py")
        if p.name not in {"__main__.py"}
        and (p.name != "__init__.py" or p.parent.name == "config")
        and "__pycache__" not in p.parts
    )
    missing = [m for m in modules if f"`{m}`" not in text]
    assert not missing, f"modules without a line in docs/architecture.md: {missing}"
