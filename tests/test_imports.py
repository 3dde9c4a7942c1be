"""Imports point one way.

The import graph of `sim/` is built from the source with `ast`: every import
that runs, at module level or inside a function, counts; imports under
`if TYPE_CHECKING:` do not (they never run). The graph must have no cycle.
`analysis/` and `notebooks/` read run outputs through `sim.outputs` and must
not reach the model: no import of `sim.model`, `sim.simulate`,
`sim.executors`, `sim.agents`, nor of any `sim` module that (transitively)
imports Mesa. `sim/behavior.py`, the pure kernels, imports nothing of `sim`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

SIM = ROOT / "sim"
MODEL_MODULES = {"sim.model", "sim.simulate", "sim.executors", "sim.agents"}
HEAVY = {"mesa"}  # third-party packages that mean "this is the model", not its outputs

# Notebooks whose subject is the model itself, not run outputs: they step Mesa agents, so they import the model.
# Each entry says why; every other notebook reads runs through sim.outputs / analysis like any analysis code.
MODEL_NOTEBOOKS = {
    "explore_agents.py": "a tour of the Mesa agents week by week: it builds the model (sim.simulate.build_model)",
    "custom_scenario.py": "runs its own scenario once through sim.simulate.run_config, the one way in from Python",
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(path: Path, root: Path = ROOT) -> set[str]:
    """Every module name an import statement in `path` can load at run time (TYPE_CHECKING blocks skipped).

    `from pkg import name` yields both `pkg` and `pkg.name` (name may be a submodule); callers keep the ones
    that are modules.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(root).parts[:-1])  # what `from . import x` is relative to
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:  # the `else:` branch of `if TYPE_CHECKING` does run
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base_parts = parts[: len(parts) - node.level + 1]
                base = ".".join(p for p in [*base_parts, node.module or ""] if p)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _sim_module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return "sim" if rel.name == "__init__" else ".".join(rel.parts)


@cache
def sim_graph() -> dict[str, set[str]]:
    """sim module -> the sim modules it imports (run-time imports only)."""
    modules = {_sim_module(p): p for p in sorted(SIM.glob("*.py"))}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _runtime_imports(path) if m in modules and m != name}
    return graph


@cache
def heavy_imports() -> dict[str, set[str]]:
    """sim module -> the heavy third-party packages (Mesa) it imports itself."""
    out = {}
    for path in sorted(SIM.glob("*.py")):
        tops = {m.split(".")[0] for m in _runtime_imports(path)}
        out[_sim_module(path)] = tops & HEAVY
    return out


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


@cache
def model_bound() -> dict[str, str]:
    """Every sim module that loads the model or Mesa, with the reason (the chain that does it)."""
    graph, heavy = sim_graph(), heavy_imports()
    out = {}
    for name in graph:
        if name in MODEL_MODULES:
            out[name] = "is the model or runs it"
            continue
        if heavy[name]:
            out[name] = f"imports {', '.join(sorted(heavy[name]))}"
            continue
        path = _chain(graph, name, lambda m: m in MODEL_MODULES or bool(heavy[m]))
        if path:
            out[name] = (
                " -> ".join(path) + f" ({path[-1]} {'is the model' if path[-1] in MODEL_MODULES else 'imports mesa'})"
            )
    return out


def _chain(graph: dict[str, set[str]], start: str, goal) -> list[str] | None:
    """A shortest import chain from `start` to a module satisfying `goal`, or None."""
    parents, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for node in frontier:
            for dep in sorted(graph.get(node, ())):
                if dep in parents:
                    continue
                parents[dep] = node
                if goal(dep):
                    path = [dep]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])
                    return path[::-1]
                nxt.append(dep)
        frontier = nxt
    return None


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component with more than one module (Tarjan), as a path."""
    index, low, on_stack, stack, sccs = {}, {}, set(), [], []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    cycles = []
    for comp in sccs:
        members = set(comp)
        sub = {m: graph[m] & members for m in comp}
        start = comp[0]
        back = _chain(sub, start, lambda m, sub=sub, start=start: start in sub[m])  # to a module importing `start`
        cycles.append([*back, start] if back else [start, start])
    return cycles


def _describe(cycles: list[list[str]]) -> str:
    return "\n".join("  " + " -> ".join(c) for c in cycles)


def _tangles(graph: dict[str, set[str]], cycles: list[list[str]]) -> str:
    """Every module caught in each cycle's tangle (its strongly connected component), when more than the cycle."""
    lines = []
    for cycle in cycles:
        tangle = sorted(m for m in graph if m in _reach(graph, cycle[0]) and cycle[0] in _reach(graph, m))
        if len(tangle) > len(set(cycle)):
            lines.append(f"  tangled with {cycle[0]}: {', '.join(tangle)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the checker itself


def test_checker_sees_function_level_imports_and_skips_type_checking(tmp_path: Path) -> None:
    src = tmp_path / "sim" / "mod.py"
    src.parent.mkdir()
    src.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sim.a\n"
        "from sim import b\n"
        "from . import c\n"
        "if TYPE_CHECKING:\n"
        "    from sim.d import X\n"
        "else:\n"
        "    import sim.e\n"
        "def f():\n"
        "    from sim.f import g\n"
    )
    found = _runtime_imports(src, root=tmp_path)
    assert {"sim.a", "sim.b", "sim.c", "sim.e", "sim.f"} <= found
    assert "sim.d" not in found


def test_cycle_finder_names_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


# ---------------------------------------------------------------- the rules


def test_sim_has_no_import_cycle() -> None:
    graph = sim_graph()
    cycles = find_cycles(graph)
    detail = f"{_describe(cycles)}\n{_tangles(graph, cycles)}".rstrip()
    assert not cycles, f"import cycles in sim/ (each module imports the next):\n{detail}"


def test_behavior_imports_nothing_of_the_project() -> None:
    imported = {m for m in _runtime_imports(SIM / "behavior.py") if m == "sim" or m.startswith("sim.")}
    assert not imported, f"sim/behavior.py must stay pure, but imports {sorted(imported)}"


def test_outputs_and_paths_do_not_load_the_model() -> None:
    bound = model_bound()
    for name in ("sim.outputs", "sim.paths", "sim.provenance"):
        assert name not in bound, f"{name} must not load the model: {bound.get(name)}"


def test_outputs_import_without_mesa_at_run_time() -> None:
    code = (
        "import sys; import sim.outputs, sim.paths\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'mesa' or m in "
        f"{sorted(MODEL_MODULES)!r})\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def _analysis_files() -> list[Path]:
    """analysis/ and the notebooks, less those that walk Mesa agents by design (MODEL_NOTEBOOKS)."""
    notebooks = [p for p in sorted((ROOT / "notebooks").glob("*.py")) if p.name not in MODEL_NOTEBOOKS]
    return sorted((ROOT / "analysis").glob("*.py")) + notebooks


@pytest.mark.parametrize("path", _analysis_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_analysis_and_notebooks_reach_runs_through_outputs_not_the_model(path: Path) -> None:
    bound = model_bound()
    imported = _runtime_imports(path)
    bad = {m: bound[m] for m in sorted(imported) if m in bound}
    bad.update({m: "imports mesa" for m in sorted(imported) if m.split(".")[0] in HEAVY})
    listing = "\n".join(f"  {m}: {why}" for m, why in bad.items())
    assert not bad, f"{path.relative_to(ROOT)} reaches the model; read run outputs through sim.outputs:\n{listing}"


def test_model_notebook_exceptions_exist() -> None:
    missing = [name for name in MODEL_NOTEBOOKS if not (ROOT / "notebooks" / name).exists()]
    assert not missing, f"stale exceptions in MODEL_NOTEBOOKS: {missing}"
