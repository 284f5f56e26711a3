"The package's modules import one way: from `core` up to the steps, with no cycle, and each imports on its own."
import ast, graphlib, subprocess, sys

import pytest

from conftest import ROOT

PKG = ROOT / "mlsafety_nb"
MODULES = sorted(p.stem for p in PKG.glob("*.py") if not p.stem.startswith("_"))


def imports(module: str) -> set:
    "The package modules that `module` imports anywhere in its source (top level or inside functions)."
    out = set()
    for node in ast.walk(ast.parse((PKG / f"{module}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = node.module
            if node.level == 1: out.add(name.split(".")[0])
            elif name.startswith("mlsafety_nb."): out.add(name.split(".")[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("mlsafety_nb.")}
    return out & set(MODULES)


def test_import_graph_has_no_cycle():
    graph = {m: imports(m) for m in MODULES}
    order = list(graphlib.TopologicalSorter(graph).static_order())        # raises CycleError on a cycle
    assert order.index("core") < order.index("models") < order.index("align") < order.index("attack")
    assert "align" not in graph["models"] and graph["core"] == set()


def test_a_cycle_is_found():
    "The check above can fail: a made-up back edge from models to align is a cycle."
    graph = {m: imports(m) for m in MODULES}
    graph["models"] = graph["models"] | {"align"}
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(graph).static_order())


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone(module):
    r = subprocess.run([sys.executable, "-c", f"import mlsafety_nb.{module}"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
