"The keyword judge on refusals written by a second author who never saw its marker list (10 per language)."
import json

from conftest import ROOT
from mlsafety_nb.core import LANGS
from mlsafety_nb.data import load_harmless
from mlsafety_nb.judge import is_refusal


def test_independent_refusals_are_caught():
    refusals = json.loads((ROOT / "tests/fixtures/refusals_independent.json").read_text(encoding="utf-8"))
    assert sorted(refusals) == sorted(LANGS)
    caught = {l: sum(map(is_refusal, rs)) for l, rs in refusals.items()}
    assert sum(caught.values()) >= 99, caught           # 90 before the markers were revised, 99 after
    assert min(caught.values()) >= 9, caught


def test_harmless_reference_answers_are_not_refusals():
    answers = load_harmless().answer
    assert len(answers) == 2200 and answers.map(is_refusal).sum() == 0
