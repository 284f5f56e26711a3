"""The workshop's exercise notebooks, made from its solution notebooks.

    python tools/workshop.py exercises    # nbs/workshop/*_solution.ipynb -> the exercise notebooks beside them
    python tools/workshop.py check        # exit 1 if a committed exercise notebook differs from its solution's

In a solution notebook, the body of each function a participant writes sits between `### BEGIN SOLUTION` and
`### END SOLUTION`, in a cell tagged `exercise`; the cell that checks it is tagged `check`. The exercise notebook is
the same notebook with each such body replaced by a `NotImplementedError`, and without "(solutions)" in its title.
"""
import copy, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "nbs" / "workshop"
BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION\n?", re.M | re.S)


def stub(src: str) -> str:
    "`src` with each solution block replaced by a `NotImplementedError` naming the function it belongs to."
    names = re.findall(r"^def (\w+)", src, re.M)
    what = names[0] if names else "this function"
    return BLOCK.sub(lambda m: f'{m[1]}raise NotImplementedError("write {what}: see the instructions above")\n', src)


def exercise(nb: dict) -> dict:
    "The exercise version of a solution notebook `nb`."
    nb = copy.deepcopy(nb)
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown": src = src.replace(" (solutions)", "", 1)
        elif "### BEGIN SOLUTION" in src: src = stub(src)
        c["source"] = src.splitlines(keepends=True)
        if c["cell_type"] == "code": c.update(outputs=[], execution_count=None)
    return nb


def dumps(nb: dict) -> str: return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def pairs(folder=WORKSHOP) -> list:
    "(solution, exercise) notebook paths of every chapter."
    return [(s, s.with_name(s.name.replace("_solution", ""))) for s in sorted(Path(folder).glob("*_solution.ipynb"))]


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "exercises"
    stale = []
    for sol, ex in pairs():
        text = dumps(exercise(json.loads(sol.read_text(encoding="utf-8"))))
        if what == "check":
            if not ex.exists() or ex.read_text(encoding="utf-8") != text: stale.append(ex.name)
        else: ex.write_text(text, encoding="utf-8")
    if stale: sys.exit(f"exercise notebooks differ from their solutions: {', '.join(stale)} (run `python tools/workshop.py exercises`)")
