import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    "An empty cache and runs folder for one test (the embedded model's cache is kept: it is expensive)."
    monkeypatch.setenv("MLSNB_RUNS", str(tmp_path / "runs"))
    return tmp_path
