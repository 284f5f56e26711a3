"The workshop: each chapter's checks fail on the exercise notebook and pass on its solution; the two stay in sync."
import json, sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import workshop  # noqa: E402  (tools/workshop.py)

CHAPTERS = workshop.pairs()


def code_cells(nb: dict, *tags) -> list:
    "The sources of `nb`'s code cells: the first one (its imports), then those tagged with any of `tags`, in order."
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return ["".join(cells[0]["source"])] + ["".join(c["source"]) for c in cells[1:] if set(tags) & set(c["metadata"].get("tags", []))]


def run_checks(path) -> list:
    "Run a chapter's import cell and its exercise cells, then each check cell; return each check's exception or None."
    nb, ns = json.loads(path.read_text(encoding="utf-8")), {}
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    exec("".join(cells[0]["source"]), ns)
    out = []
    for c in cells[1:]:
        tags = c["metadata"].get("tags", [])
        if "exercise" in tags: exec("".join(c["source"]), ns)
        if "check" in tags:
            try:
                exec("".join(c["source"]), ns)
                out.append(None)
            except Exception as e: out.append(e)
    return out


def test_four_chapters():
    assert [s.name for s, _ in CHAPTERS] == ["0_orientation_solution.ipynb", "1_sil_solution.ipynb",
                                             "2_stitch_freeze_solution.ipynb", "3_repair_solution.ipynb"]


@pytest.mark.parametrize("solution,exercise", CHAPTERS, ids=lambda p: p.stem)
def test_exercise_notebook_is_made_from_its_solution(solution, exercise):
    made = workshop.dumps(workshop.exercise(json.loads(solution.read_text(encoding="utf-8"))))
    assert exercise.read_text(encoding="utf-8") == made, f"run `python tools/workshop.py exercises`"
    assert "BEGIN SOLUTION" not in made and "(solutions)" not in made


@pytest.mark.parametrize("solution,exercise", CHAPTERS, ids=lambda p: p.stem)
def test_checks_fail_before_and_pass_after(solution, exercise):
    before, after = run_checks(exercise), run_checks(solution)
    assert len(before) == len(after) >= 1
    assert all(isinstance(e, NotImplementedError) for e in before), before
    assert after == [None] * len(after), after


def test_a_wrong_answer_gets_a_hint():
    "A participant's plausible mistake fails its check with a hint, not only a verdict."
    from mlsafety_nb.exercises import ExerciseError, check_sil_score
    with pytest.raises(ExerciseError, match="take absolute values"): check_sil_score(lambda g, d: g * d)
