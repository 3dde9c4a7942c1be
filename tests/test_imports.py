"""Imports point one way: the walls between the packages of `sim/`.

The import graph is built from the source with `ast`. Every import statement
counts, at module level, inside a function, and under `if TYPE_CHECKING:` (a
type-only import is still a dependency a reader must follow; hiding a back-edge
there is how a circle hides). The rules:

- **Layers.** `sim` (the root: version, source fingerprint) <- `sim.config` <-
  `sim.model` (inside it: `data` <- `build` <- `phases` <- `engine`) <-
  `sim.results` <- `sim.launch` <- `sim.explorer` <- `sim.run`. A module imports
  its own layer or one below it, never one above.
- **No circle** anywhere in `sim/`.
- **The model is plain arrays.** Nothing `sim.model` loads, directly or through
  the `sim` modules it imports, is Hydra, OmegaConf, pandas or Solara.
- **`sim/model/data/behavior.py`**, the pure kernels, imports nothing of `sim`.
- **`analysis/` and the notebooks** read run outputs: they import only
  `sim.results` and `sim.config` (and the root), never the model or a launcher;
  the notebooks that walk Mesa agents by design are listed with the reason.
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
# Lowest first. A module belongs to the longest prefix that names it.
LAYERS = (
    "sim",
    "sim.config",
    "sim.model.data",
    "sim.model.build",
    "sim.model.phases",
    "sim.model.engine",
    "sim.results",
    "sim.launch",
    "sim.explorer",
    "sim.run",
)
PACKAGE_INITS = {"sim.model"}  # a package whose __init__ only documents it: it sits with its lowest layer
FORBIDDEN_IN_MODEL = {"hydra", "omegaconf", "pandas", "solara"}
READERS_MAY_IMPORT = ("sim.results", "sim.config")  # what analysis/ and the notebooks may import (and `sim`)

# Notebooks whose subject is the model itself, not run outputs: they step Mesa agents, so they import the model.
MODEL_NOTEBOOKS = {
    "explore_agents.py": "Mesa agents week by week: it builds the model (sim.launch.simulate.build_model)",
    "custom_scenario.py": "runs its scenario once through sim.launch.simulate.run_config, the one way in from Python",
}


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module name an import statement in `path` names, wherever it stands (TYPE_CHECKING included).

    `from pkg import name` yields both `pkg` and `pkg.name` (name may be a submodule); callers keep the ones
    that are modules.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    parts = path.relative_to(root).with_suffix("").parts
    package = ".".join(parts if parts[-1] == "__init__" else parts[:-1]).removesuffix(".__init__")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg_parts = package.split(".")
                base_parts = pkg_parts[: len(pkg_parts) - node.level + 1]
                base = ".".join(p for p in [*base_parts, node.module or ""] if p)
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def sim_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


@cache
def sim_graph() -> dict[str, set[str]]:
    """sim module -> the sim modules it imports (every import statement)."""
    modules = sim_modules()
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in imports_of(path) if m in modules and m != name}
    return graph


def layer(module: str) -> int:
    """The rank of the layer a module belongs to (LAYERS, lowest first)."""
    if module in PACKAGE_INITS:
        return min(i for i, prefix in enumerate(LAYERS) if prefix.startswith(module + "."))
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS.index(best)


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


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


# ---------------------------------------------------------------- the checker itself


def test_checker_sees_every_import_statement(tmp_path: Path) -> None:
    src = tmp_path / "sim" / "mod.py"
    src.parent.mkdir()
    src.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sim.a\n"
        "from sim import b\n"
        "from . import c\n"
        "if TYPE_CHECKING:\n"
        "    from sim.d import X\n"
        "def f():\n"
        "    from sim.f import g\n"
    )
    assert {"sim.a", "sim.b", "sim.c", "sim.d", "sim.f"} <= imports_of(src, root=tmp_path)


def test_checker_resolves_relative_imports_in_a_package_init(tmp_path: Path) -> None:
    src = tmp_path / "sim" / "pkg" / "__init__.py"
    src.parent.mkdir(parents=True)
    src.write_text("from .sub import x\nfrom .. import y\n")
    assert {"sim.pkg.sub", "sim.y"} <= imports_of(src, root=tmp_path)


def test_cycle_finder_names_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_layers_rank_modules_by_their_longest_prefix() -> None:
    assert layer("sim.source") == 0
    assert layer("sim.config.paths") < layer("sim.model.data.state") < layer("sim.model.build.population")
    assert layer("sim.model.phases.beliefs") < layer("sim.model.engine.week") < layer("sim.results.outputs")
    assert layer("sim.results.outputs") < layer("sim.launch.sweeps") < layer("sim.explorer.app") < layer("sim.run")


# ---------------------------------------------------------------- the rules


def test_every_sim_module_sits_in_a_layer() -> None:
    strays = [m for m in sim_modules() if m not in PACKAGE_INITS and m != "sim" and layer(m) == 0 and m != "sim.source"]
    assert not strays, f"modules in no package of LAYERS (put each in its room): {strays}"


def test_imports_point_down_the_layers() -> None:
    graph = sim_graph()
    upward = sorted(
        f"  {m} ({LAYERS[layer(m)]}) imports {d} ({LAYERS[layer(d)]})"
        for m, deps in graph.items()
        for d in deps
        if layer(d) > layer(m)
    )
    assert not upward, "imports that run back up the layers (" + " <- ".join(LAYERS) + "):\n" + "\n".join(upward)


def test_sim_has_no_import_cycle() -> None:
    cycles = find_cycles(sim_graph())
    assert not cycles, "import cycles in sim/ (each module imports the next):\n" + "\n".join(
        "  " + " -> ".join(c) for c in cycles
    )


def test_the_model_loads_no_hydra_omegaconf_pandas_or_solara() -> None:
    graph, modules = sim_graph(), sim_modules()
    third_party = {m: {i.split(".")[0] for i in imports_of(p)} & FORBIDDEN_IN_MODEL for m, p in modules.items()}
    bad = []
    for name in modules:
        if not name.startswith("sim.model"):
            continue
        path = _chain(graph | {name: graph[name] | {name}}, name, lambda m: bool(third_party[m])) or (
            [name] if third_party[name] else None
        )
        if path:
            bad.append(f"  {' -> '.join(path)} imports {', '.join(sorted(third_party[path[-1]]))}")
    assert not bad, "the model must be plain arrays; these load a framework:\n" + "\n".join(bad)


def test_behavior_imports_nothing_of_the_project() -> None:
    imported = {m for m in imports_of(SIM / "model" / "data" / "behavior.py") if m.split(".")[0] == "sim"}
    assert not imported, f"sim/model/data/behavior.py must stay pure, but imports {sorted(imported)}"


def test_outputs_import_without_mesa_at_run_time() -> None:
    code = (
        "import sys; import sim.results.outputs, sim.config.paths\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'mesa' or m.startswith('sim.model.engine'))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def _reader_files() -> list[Path]:
    """analysis/ and the notebooks, less those that walk Mesa agents by design (MODEL_NOTEBOOKS)."""
    notebooks = [p for p in sorted((ROOT / "notebooks").glob("*.py")) if p.name not in MODEL_NOTEBOOKS]
    return sorted((ROOT / "analysis").glob("*.py")) + notebooks


@pytest.mark.parametrize("path", _reader_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_analysis_and_notebooks_import_only_results_and_config(path: Path) -> None:
    modules = sim_modules()
    imported = {m for m in imports_of(path) if m in modules and m != "sim"}
    bad = sorted(m for m in imported if not m.startswith(tuple(p for p in READERS_MAY_IMPORT)))
    assert not bad, f"{path.relative_to(ROOT)} reaches past sim.results and sim.config: {bad}"


def test_model_notebook_exceptions_exist() -> None:
    missing = [name for name in MODEL_NOTEBOOKS if not (ROOT / "notebooks" / name).exists()]
    assert not missing, f"stale exceptions in MODEL_NOTEBOOKS: {missing}"
