"""The package's import graph: no cycles, and no lower layer importing a higher one.

Every module of ``uhi`` is parsed with :mod:`ast`; every ``import`` counts, including those inside
functions (a function-level import that dodges a cycle at import time is still a cycle in the design).
The layer order is the one drawn in docs/ARCHITECTURE.md; a module may import its own layer or lower.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "uhi"

#: Layers, lowest first. A module's layer is that of its longest listed prefix; ``*._kernels`` and
#: ``*._reference`` modules (plain-array Numba kernels and their numpy twins) are in the kernel layer.
LAYERS = (
    ("uhi", "uhi.errors", "uhi.constants", "uhi.units", "uhi._backend", "uhi._paths", "uhi._toml", "uhi._validate",
     "uhi._progress", "uhi.references"),
    ("<kernels>",),
    ("uhi.cities",),
    ("uhi.io",),
    ("uhi.synthetic",),
    ("uhi.indices",),
    ("uhi.lst",),
    ("uhi.metrics", "uhi.risk", "uhi.zonal", "uhi.cooling", "uhi.health", "uhi.observations"),
    ("uhi.analysis", "uhi.calibrate", "uhi.timeseries", "uhi.interventions"),
    ("uhi.plot", "uhi.report"),
    ("uhi.scenarios", "uhi.optimize"),
    ("uhi.workflows",),
    ("uhi.cli",),
)
#: Modules allowed to import matplotlib (figure code).
MATPLOTLIB = ("uhi.plot", "uhi.report")


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The uhi module (or package) an imported dotted name lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> tuple[set[str], set[str]]:
    """(uhi modules imported by ``module``, third-party top-level names) -- every import statement, at any depth."""
    path, is_pkg = MODULES[module]
    package = module if is_pkg else module.rpartition(".")[0]
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "uhi" or alias.name.startswith("uhi."):
                    internal.add(_owner(alias.name))
                else:
                    external.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source != "uhi" and not source.startswith("uhi."):
                external.add(source.split(".")[0])
                continue
            for alias in node.names:
                full = f"{source}.{alias.name}"
                internal.add(full if full in MODULES else _owner(source))
    internal.discard(None)
    internal.discard(module)
    return internal, external


GRAPH = {m: _imports(m)[0] for m in MODULES}


def layer(module: str) -> int:
    """Index of the layer of ``module`` in :data:`LAYERS`."""
    leaf = module.rpartition(".")[2]
    if leaf in ("_kernels", "_reference"):
        return 1
    best, best_len = None, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = i, len(name)
    if best is None:
        raise AssertionError(f"{module} is in no layer of tests/test_architecture.py::LAYERS; add it")
    return best


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_graph_is_read():
    # The parser must see the package: a broken walk would make the other tests pass vacuously.
    assert len(MODULES) > 60
    assert "uhi.scenarios.engine" in GRAPH and "uhi.analysis" in GRAPH["uhi.scenarios.baseline"]
    # a function-level import counts (analysis.scene imports uhi.io inside analyse_city)
    assert "uhi.io" in GRAPH["uhi.analysis.scene"]


def test_cycle_detector_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    cycles = _cycles(GRAPH)
    assert not cycles, f"import cycles in uhi: {cycles}"


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_import(module):
    upward = sorted(t for t in GRAPH[module] if layer(t) > layer(module))
    assert not upward, (f"{module} (layer {layer(module)}) imports higher layers: "
                        + ", ".join(f"{t} (layer {layer(t)})" for t in upward))


def test_matplotlib_only_in_figure_code():
    users = sorted(m for m in MODULES if "matplotlib" in _imports(m)[1])
    stray = [m for m in users if not any(m == p or m.startswith(p + ".") for p in MATPLOTLIB)]
    assert not stray, f"matplotlib imported outside uhi.plot / uhi.report: {stray}"


def test_report_does_not_import_the_scenario_engine():
    assert not {m for m in GRAPH["uhi.report"] if m.startswith("uhi.scenarios")}


def test_high_risk_classes_defined_once():
    # The headline "residents at high risk" counts classes 4 (high) and 5 (very high) of the five
    # classes of uhi.risk.classify; one definition, in uhi.risk.
    from uhi.risk import HIGH_RISK_CLASSES, RISK_LABELS

    assert HIGH_RISK_CLASSES == (4, 5)
    assert [RISK_LABELS[c - 1] for c in HIGH_RISK_CLASSES] == ["high", "very_high"]
    defined = [m for m, (path, _) in MODULES.items()
               if any(isinstance(n, (ast.Assign, ast.AnnAssign)) and "HIGH_RISK_CLASSES" in ast.unparse(n).split("=")[0]
                      for n in ast.parse(path.read_text(encoding="utf-8")).body)]
    assert defined == ["uhi.risk.combine"]
