"The package's modules import one way: from `core` up to the steps, with no cycle, and each imports on its own."
import ast, graphlib, json, re, subprocess, sys

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


EXPERIMENTS = sorted((ROOT / "nbs").glob("paper_*.ipynb")) + sorted((ROOT / "nbs").glob("study_*.ipynb"))


def registers_victims(nb_path) -> bool:
    "Whether a notebook's code imports `mlsafety_nb.align`, which registers the victims' aliases."
    code = "\n".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"] if c["cell_type"] == "code")
    return bool(re.search(r"^(import mlsafety_nb\.align|from mlsafety_nb\.align import)", code, re.M))


@pytest.mark.parametrize("nb", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiments_register_the_victims(nb):
    "The tier's notebooks name `embedded-victim…` aliases, which resolve only once `align` has registered them."
    assert registers_victims(nb), f"{nb.name} does not import mlsafety_nb.align, so its victims' aliases do not resolve"


def test_a_notebook_without_align_is_caught(tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text('{"cells": [{"cell_type": "code", "source": ["from mlsafety_nb.attack import run_attack\\n"]}]}')
    assert not registers_victims(nb)
