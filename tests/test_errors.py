"Bad input fails with a clear message."
import pandas as pd
import pytest

from mlsafety_nb.core import check_lang
from mlsafety_nb.evaluate import check_items
from mlsafety_nb.models import ModelLoadError, load_model


def test_unknown_language_code():
    with pytest.raises(ValueError, match="unknown language code 'fr'.*en, zh, it, vi, ar, ko, th, bn, sw, jv"):
        check_lang("fr")
    with pytest.raises(ValueError, match="unknown language code 'xx'"):
        check_items(pd.DataFrame(dict(id=[1], lang=["xx"], kind=["harmful"], prompt=["p"])))


def test_missing_model_path(tmp_path):
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_model(str(tmp_path / "no-model-here"))


def test_folder_without_weights(tmp_path):
    with pytest.raises(ModelLoadError, match=r"has no \*\.safetensors weights"):
        load_model(str(tmp_path))


def test_hub_id_without_network(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelLoadError, match="cannot be reached"):
        load_model("Qwen/Qwen2-7B-Instruct")
