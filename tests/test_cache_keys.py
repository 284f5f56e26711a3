"""The cache keys of the results already on disk do not move: each key below was computed before the runners shared
`core.build_once`, and every cached attack, adaptation, edit, SIL mask, victim and evaluation is found under it."""
from dataclasses import asdict

from mlsafety_nb.adapt import AdaptConfig, adapt_key
from mlsafety_nb.align import victim_config
from mlsafety_nb.attack import attack_config, attack_key
from mlsafety_nb.core import key_dict, stable_hash
from mlsafety_nb.edit import EditConfig, edit_key
from mlsafety_nb.engine import EvalConfig
from mlsafety_nb.sil import SILConfig, sil_key

FP = "f" * 32


def test_attack_and_adaptation_keys():
    assert attack_key(attack_config("en", harmless_ratio=1.0), FP, None) == "c22e8ba8ce9e786d"
    assert adapt_key(AdaptConfig("sw"), FP) == "bb228f404ef2d40e"


def test_edit_and_sil_keys():
    assert edit_key(EditConfig(), FP) == "8ac0c5fa4b47f8e3"
    assert sil_key(SILConfig(), FP) == "8a839a8201b1bdac"
    # key_dict adds nothing these configs did not key; `selection`, added later, is keyed only when set
    assert key_dict(EditConfig(rank=3)) == {k: v for k, v in asdict(EditConfig(rank=3)).items() if k != "selection"}
    assert key_dict(EditConfig(selection="causal"))["selection"] == "causal"
    assert edit_key(EditConfig(selection="two-sided"), FP) != edit_key(EditConfig(), FP)


def test_victim_and_evaluation_keys():
    assert stable_hash(key_dict(victim_config("all"))) == "d37e70ebf446e245"
    assert stable_hash(key_dict(victim_config("hrl"))) == "ec3b5b50af7d08a1"
    assert stable_hash(EvalConfig(n_harmful=16, n_harmless=8, n_utility=2).key()) == "4a953100b14abe75"
    assert edit_key(EditConfig(rank=3), FP) != edit_key(EditConfig(), FP)
