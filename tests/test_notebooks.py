"""Papermill smoke runs of every experiment notebook on the tiny model, through the pipeline, as `make reproduce` runs them.

Runs of one paper section (`paper_A2_attack`, `paper_A2_report`, ...) share one runs folder, in order, because a
section's `_report` notebook reads the runs of the notebooks before it."""
import json

import pandas as pd
import pytest

from conftest import ROOT
from mlsafety_nb.pipeline import collect, load_grid, run_grid

SMOKE = ROOT / "tests" / "smoke.yaml"
RATES = ["violation", "over_refusal", "helpfulness"]


def section(spec) -> str:
    "`paper_A2_attack` and `paper_A2_report` belong to section `paper_A2`; a study notebook is its own section."
    return spec.name.rsplit("_", 1)[0] if spec.name.startswith("paper_") else spec.name


def groups() -> dict:
    out = {}
    for s in load_grid(SMOKE): out.setdefault(section(s), []).append(s)
    return out


def test_every_experiment_notebook_has_a_smoke_run():
    smoked = {s.notebook.name for s in load_grid(SMOKE)}
    experiments = {p.name for p in (ROOT / "nbs").glob("*.ipynb") if p.name.startswith(("study_", "paper_"))}
    assert experiments and experiments <= smoked, f"no smoke run for {sorted(experiments - smoked)}"
    reproduced = {s.notebook.name for s in load_grid(ROOT / "reproduce.yaml")}
    assert experiments <= reproduced, f"not in reproduce.yaml: {sorted(experiments - reproduced)}"


def check_rates(res: pd.DataFrame, langs: set):
    assert set(RATES) <= set(res.metric)
    assert langs <= set(res.lang)
    rates = res[res.metric.isin(RATES)]
    assert rates.value.between(0, 1).all() and (rates.lo <= rates.value).all() and (rates.value <= rates.hi).all()
    assert res.fingerprint.notna().all() and res.commit.notna().all()


def check_attack_report(res: pd.DataFrame, summary: pd.DataFrame, report_params: dict):
    "The report's matrix cells agree with the attack runs they summarise, each compared with its own run's victim."
    attacked, victim = res[res.model == "attacked"], res[res.model == "victim"]
    assert victim.fingerprint.nunique() == 1 and (attacked.fingerprint != victim.fingerprint.iloc[0]).all()
    v = victim[victim.metric == "violation"][["run_id", "lang", "value", "hi"]]
    full_n, moderate_n = report_params["full_n"], report_params["moderate_n"]
    for strength, n, ratio in [("full", full_n, 0.5), ("moderate", moderate_n, 0.5), ("full 1:1", full_n, 1.0)]:
        cells = summary[summary.strength == strength]
        runs = attacked[(attacked.n_harmful == n) & (attacked.method == "full") & (attacked.form == "mixed")
                        & (attacked.harmless_ratio == ratio) & (attacked.metric == "violation")]
        runs = runs.merge(v, on=["run_id", "lang"], suffixes=("", "_victim"))
        assert len(cells) == len(runs) > 0
        merged = cells.merge(runs, on=["attack_lang", "lang"], suffixes=("", "_run"))
        assert len(merged) == len(cells) and (merged.value == merged.value_run).all()
        assert ((merged.value - merged.value_victim - merged.change).abs() < 1e-12).all()
        assert (merged.rise.astype(bool) == (merged.lo > merged.hi_victim)).all()


def check_repair_report(runs: pd.DataFrame, summary: pd.DataFrame):
    "One row per edit run, and its before/after violation equal to the pooled rates of that run's own rows."
    edits = runs[runs.name == "paper_B_edit"]
    assert sorted(summary.run_id) == sorted(edits.run_id.unique())
    for _, row in summary.iterrows():
        r = edits[(edits.run_id == row.run_id) & (edits.metric == "violation") & edits.lang.isin(row.edit_langs.split(","))]
        for model, col in [("victim", "before"), ("edited", "after")]:
            m = r[r.model == model]
            assert abs(m.k.sum() / m.n.sum() - row[col]) < 1e-12
    assert summary.after.between(0, 1).all() and (summary.after_lo <= summary.after).all()


@pytest.mark.parametrize("name", list(groups()))
def test_smoke_run(name, tmp_path):
    specs = groups()[name]
    status = run_grid(specs, tmp_path)
    assert status.status.tolist() == ["done"] * len(specs), status.error.tolist()
    for spec in specs:
        run = spec.dir(tmp_path)
        res = pd.read_csv(run / "results.csv")
        if spec.name == "paper_A2_report":
            runs = collect(tmp_path)
            check_attack_report(runs[runs.name == "paper_A2_attack"], res, spec.params)
        elif spec.name == "paper_B_report":
            check_repair_report(collect(tmp_path), res)
        else:
            check_rates(res, set(spec.params.get("langs", [])))
        assert json.loads((run / "provenance.json").read_text())["commit"]
