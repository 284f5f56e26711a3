"Papermill smoke runs of every experiment notebook on the tiny model, through the pipeline, as `make reproduce` runs them."
import pandas as pd
import pytest
import yaml

from conftest import ROOT
from mlsafety_nb.pipeline import collect, load_grid, run_grid

SMOKE = ROOT / "tests" / "smoke.yaml"


def test_every_experiment_notebook_has_a_smoke_run():
    smoked = {s.notebook.name for s in load_grid(SMOKE)}
    experiments = {p.name for p in (ROOT / "nbs").glob("*.ipynb") if p.name.startswith(("study_", "paper_"))}
    assert experiments and experiments <= smoked, f"no smoke run for {sorted(experiments - smoked)}"
    reproduced = {s.notebook.name for s in load_grid(ROOT / "reproduce.yaml")}
    assert experiments <= reproduced, f"not in reproduce.yaml: {sorted(experiments - reproduced)}"


@pytest.mark.parametrize("spec", load_grid(SMOKE), ids=lambda s: s.notebook.stem)
def test_smoke_run(spec, tmp_path):
    status = run_grid([spec], tmp_path)
    assert status.status.tolist() == ["done"], status.error.tolist()
    res = collect(tmp_path)
    langs = set(spec.params.get("langs", []))
    assert {"violation", "over_refusal", "helpfulness"} <= set(res.metric)
    assert langs <= set(res.lang)
    rates = res[res.metric.isin(["violation", "over_refusal", "helpfulness"])]
    assert rates.value.between(0, 1).all() and (rates.lo <= rates.value).all() and (rates.value <= rates.hi).all()
    assert res.fingerprint.notna().all() and res.commit.notna().all()
