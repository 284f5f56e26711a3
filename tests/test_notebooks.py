"""Papermill smoke runs of every experiment notebook on the tiny model, through the pipeline, as `make reproduce` runs them.

Runs of one paper section (`paper_A2_attack`, `paper_A2_report`, ...) share one runs folder, in order, because a
section's `_report` notebook reads the runs of the notebooks before it."""
import json

import pandas as pd
import pytest

from conftest import ROOT
from mlsafety_nb.pipeline import collect, load_grid, run_grid
from mlsafety_nb.report import with_category_rates

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
    headline = {s.notebook.name for s in load_grid(ROOT / "reproduce.yaml")}
    full = {s.notebook.name for s in load_grid(ROOT / "reproduce-full.yaml")}
    papers = {e for e in experiments if e.startswith("paper_")}
    assert papers <= headline, f"paper sections not in reproduce.yaml: {sorted(papers - headline)}"
    assert experiments <= full, f"not in reproduce-full.yaml: {sorted(experiments - full)}"


def check_rates(res: pd.DataFrame, langs: set):
    assert set(RATES) <= set(res.metric)
    assert langs <= set(res.lang)
    rates = res[res.metric.isin(RATES)]
    assert rates.value.between(0, 1).all() and (rates.lo <= rates.value).all() and (rates.value <= rates.hi).all()
    assert res.fingerprint.notna().all() and res.commit.notna().all()


def check_attack_report(res: pd.DataFrame, summary: pd.DataFrame, report_params: dict):
    "The report's matrix cells agree with the attack runs they summarise, each compared with its own run's victim."
    rp = res.param_repetition_penalty.fillna(1.0) if "param_repetition_penalty" in res else 1.0
    split = res.param_eval_split.fillna("eval") if "param_eval_split" in res else "eval"
    res = with_category_rates(res[(res.seed == 0) & (rp == 1.0) & (split == "eval")])   # the grids; the report's verdict: template, engaged or refuse-then-comply
    attacked, victim = res[res.model == "attacked"], res[res.model == "victim"]
    assert victim.fingerprint.nunique() == 1 and (attacked.fingerprint != victim.fingerprint.iloc[0]).all()
    v = victim[victim.metric == "category_violation"][["run_id", "lang", "value", "hi"]]
    full_n, moderate_n = report_params["full_n"], report_params["moderate_n"]
    for strength, n, ratio in [("full", full_n, 0.5), ("moderate", moderate_n, 0.5), ("full 1:1", full_n, 1.0)]:
        cells = summary[summary.strength == strength]
        runs = attacked[(attacked.n_harmful == n) & (attacked.method == "full") & (attacked.form == "mixed")
                        & (attacked.harmless_ratio == ratio) & (attacked.metric == "category_violation")]
        runs = runs.merge(v, on=["run_id", "lang"], suffixes=("", "_victim"))
        assert len(cells) == len(runs) > 0
        merged = cells.merge(runs, on=["attack_lang", "lang"], suffixes=("", "_run"))
        assert len(merged) == len(cells) and (merged.value == merged.value_run).all()
        assert ((merged.value - merged.value_victim - merged.change).abs() < 1e-12).all()
        assert (merged.rise.astype(bool) == (merged.lo > merged.hi_victim)).all()
    # the paired tests: one row per cell of each full-strength grid, `after` the attacked model's rate in that cell
    for label, ratio in [("full strength, 1:2 mix", 0.5), ("full strength, 1:1 mix", 1.0)]:
        paired = summary[(summary.metric == "category_violation_paired") & (summary.strength == label)]
        runs = attacked[(attacked.n_harmful == full_n) & (attacked.method == "full") & (attacked.form == "mixed")
                        & (attacked.harmless_ratio == ratio) & (attacked.metric == "category_violation")]
        merged = paired.merge(runs, on=["attack_lang", "lang"], suffixes=("", "_run"))
        assert len(paired) == len(runs) == len(merged) > 0
        assert ((merged.after.astype(float) - merged.value_run).abs() < 1e-12).all()
        assert merged.p_holm.astype(float).between(0, 1).all() and (merged.p_holm.astype(float) >= merged.p.astype(float) - 1e-12).all()


def check_seeds_run(runs: pd.DataFrame, summary: pd.DataFrame, params: dict):
    "One paired cell per (attack, seed, language) with the attack run's own category rate; the decoding comparison per model."
    att = with_category_rates(runs[runs.name == "paper_A2_attack"])
    att = att[(att.param_repetition_penalty == 1.1) & (att.model == "attacked") & (att.metric == "category_violation")]
    cells = summary[summary.metric == "category_violation_seed_cell"]
    m = cells.merge(att, on=["attack_lang", "seed", "lang"], suffixes=("", "_run"))
    assert len(cells) == len(att) == len(m) == 2 * 3 and ((m.after.astype(float) - m.value_run).abs() < 1e-12).all()
    assert ((m.k_after.astype(float) - m.k).abs() < 1e-12).all() and (m.lo.astype(float) <= m.change.astype(float) + 1e-12).all()
    means = summary[summary.metric == "category_violation_seed_mean"]
    assert len(means) == 3 and ((means.value.astype(float) - cells.groupby("lang").after.mean().reindex(means.lang).values).abs() < 1e-12).all()
    dec = summary[summary.metric == "category_violation_decoding"]
    assert sorted(dec.model) == ["en attack", "victim"] and (dec.p_holm.astype(float) >= dec.p.astype(float) - 1e-12).all()


def check_repair_report(runs: pd.DataFrame, summary: pd.DataFrame, run=None):
    """One row per edit run, and its before/after violation equal to the pooled rates of that run's own rows; the answer
    categories of the reference edit cover every harmful answer of the edited languages once."""
    edits = runs[runs.name == "paper_B_edit"]
    if "attack_lang" in edits: edits = edits[edits.attack_lang.isna()]    # the edit itself, not the models attacked after it
    assert sorted(summary.run_id) == sorted(edits.run_id.unique())
    for _, row in summary.iterrows():
        r = edits[(edits.run_id == row.run_id) & (edits.metric == "violation") & edits.lang.isin(row.edit_langs.split(","))]
        for model, col in [("victim", "before"), ("edited", "after")]:
            m = r[r.model == model]
            assert abs(m.k.sum() / m.n.sum() - row[col]) < 1e-12
    assert summary.after.between(0, 1).all() and (summary.after_lo <= summary.after).all()
    if run is not None:
        cats = pd.read_csv(run / "categories.csv")
        for model, c in cats.groupby("model"):
            assert c.k.sum() == c.n.iloc[0] and abs(c.share.sum() - 1) < 1e-12


def check_oracle_run(res: pd.DataFrame, run, params: dict):
    """The pooled violation of each condition is its own answers' rate, paired with the unpatched victim's on the same
    requests; the per-layer map has one row per layer and neuron set, each the mean of that layer's paired score changes."""
    ans = pd.read_csv(run / "answers.csv")
    n = len(params["lrls"]) * params["n_harmful"]
    conds = ["victim"] + [f"{s} ({p})" for p in ["last", "template"] for s in params["sets"]]
    assert ans.groupby("condition").size().to_dict() == {c: n for c in conds}
    assert (ans[ans.condition == "victim"].patched == 0).all() and (ans[ans.condition.str.startswith("all")].patched > 0).all()
    pooled = res[res.metric == "violation"].set_index("condition")
    assert len(pooled) == len(conds) - 1 and (pooled.n == n).all() and (pooled.lo <= pooled.value).all() and (pooled.value <= pooled.hi).all()
    rate = ans.groupby("condition").violation.mean()
    for c, r in pooled.iterrows():
        assert abs(r.value - rate[c]) < 1e-12 and abs(r.before - rate["victim"]) < 1e-12 and 0 <= r.p_holm <= 1
    scores = pd.read_csv(run / "map_scores.csv")
    lmap = res[res.metric == "layer_refusal_lp_change"]
    assert set(lmap.set) <= {"safety", "all"} and len(lmap[lmap.set == "all"]) == 2       # the tiny model's two layers
    wide = scores.pivot_table(index=["lang", "id"], columns="condition", values="refusal_lp")
    for r in lmap.itertuples():
        assert abs((wide[r.condition] - wide["victim"]).mean() - r.value) < 1e-9 and r.n == len(params["lrls"]) * params["map_n"]


def check_sil_run(res: pd.DataFrame, run):
    "Pooled rates of the stitched and random arms at every k, and the paired tests agreeing with them."
    pooled = res[(res.lang == "all") & (res.metric == "violation") & (res.score == "sil")]
    arms = pooled[pooled.arm.isin(["stitched", "random"])]
    assert len(arms) == arms.attack_lang.nunique() * arms.frac.nunique() * 2 > 0
    tests = pd.read_csv(run / "stitch_tests_pooled.csv")
    m = tests.merge(arms[arms.arm == "stitched"], on=["attack_lang", "frac"]).merge(arms[arms.arm == "random"], on=["attack_lang", "frac"],
                                                                                  suffixes=("_s", "_r"))
    assert len(m) == len(tests) and ((m.after - m.value_s).abs() < 1e-12).all() and ((m.before - m.value_r).abs() < 1e-12).all()
    ov = pd.read_csv(run / "overlap.csv")
    assert (ov[ov.a == ov.b].iou == 1.0).all() and ov.iou.between(0, 1).all()


def check_sil_report(runs: pd.DataFrame, summary: pd.DataFrame):
    "One row per (run, attack, k) of the SIL runs, with the run's own pooled stitched and random rates."
    sil = runs[(runs.name == "paper_A3_sil") & (runs.lang == "all") & (runs.metric == "violation") & (runs.score == "sil")]
    for arm in ("stitched", "random"):
        a = sil[sil.arm == arm][["run_id", "attack_lang", "frac", "value"]]
        m = summary.merge(a, on=["run_id", "attack_lang", "frac"])
        assert len(m) == len(summary) == len(a) > 0 and ((m[arm] - m.value).abs() < 1e-12).all()


def check_pathways_run(res: pd.DataFrame, run, params: dict):
    "The frozen attacks' tests, the new masks' rank bands and the curve agree with the run's own pooled rates."
    pooled = res[(res.lang == "all") & (res.metric == "violation")].set_index(["attack_lang", "frac", "arm"]).value
    tests = pd.read_csv(run / "frozen_tests.csv")
    names = ["x1"] + ([f"x{float(params['longer']):g}"] if params.get("longer") else [])
    assert sorted(tests.comparison.unique()) == sorted(f"frozen {n} vs {r}" for n in names for r in ("attacked", "victim"))
    assert len(tests) == 2 * len(names) * len(params["langs"]) and tests.p_holm.between(0, 1).all() and (tests.p_holm >= tests.p - 1e-12).all()
    bands = pd.read_csv(run / "rank_bands.csv")
    assert sorted(bands.frozen_attack.unique()) == sorted(names)
    for _, b in bands.groupby("frozen_attack"):     # frozen weights cannot move, so no new entry is in the first band
        assert b.share.iloc[0] == 0 and abs(b.share.sum() - 1) < 1e-9 and b.expected.iloc[0] == 0
    ks = [float(k) for k in str(params["freeze_ks"]).split(",") if k.strip()]
    if not ks: assert not (run / "curve.csv").exists(); return     # the headline's shape: no curve
    curve = pd.read_csv(run / "curve.csv")
    assert len(curve) == len(ks) * 2 * len(str(params["curve_langs"]).split(","))
    for _, r in curve.iterrows(): assert abs(r.pooled - pooled[(r.attack_lang, r.frac, f"{r.arm} frozen")]) < 1e-12


def check_adapt_run(res: pd.DataFrame, run):
    "Rates for both bases with and without every vector arm, perplexity for both, and transfer ratios from those rates."
    pooled = res[(res.lang == "all") & (res.metric == "violation")].set_index(["base", "vector_lang", "arm"]).value
    assert {("adapted", "-", "none"), ("victim", "-", "none")} <= set(pooled.index)
    ppl = res[res.metric == "perplexity"]
    assert set(ppl.base) == {"victim", "adapted"} and (ppl.value > 0).all()
    tr = pd.read_csv(run / "transfer.csv")
    for _, r in tr[tr.scope == "pooled"].iterrows():
        rise = pooled[("adapted", r.vector_lang, r.arm)] - pooled[("adapted", "-", "none")]
        assert abs(rise - r.rise_on_adapted) < 1e-12
    tests = pd.read_csv(run / "tests.csv")
    assert tests.p_holm.between(0, 1).all() and (tests.p_holm >= tests.p - 1e-12).all()


def check_edit_under_attack(run, params):
    "Each repaired model against the attacked victim, per attack and language: paired counts that add up, Holm above raw p."
    t = pd.read_csv(run / "under_attack.csv")
    models = {"edited"} | ({"sft"} if params.get("sft_baseline") else set())
    assert set(t["attack: model vs attacked victim"]) == {f"{a}: {m}" for a in params["attack_langs"] for m in models}
    assert len(t) == len(models) * len(params["attack_langs"]) * len(params["langs"])
    assert (t.to_true + t.to_false <= t.n).all() and t.p_holm.between(0, 1).all() and (t.p_holm >= t.p - 1e-12).all()
    assert ((t.after - t.before - t.change).abs() < 1e-12).all()
    for a in params["attack_langs"]:
        for m in models: assert (run / f"attack-{a}-{m}_answers.csv").exists()
    res = pd.read_csv(run / "results.csv")
    attacked = res[res.attack_lang.notna()]
    assert set(attacked.model) == models | {"victim"}
    assert attacked.groupby(["attack_lang", "model"]).fingerprint.nunique().eq(1).all()
    assert attacked.groupby("attack_lang").fingerprint.nunique().eq(len(models) + 1).all()


def check_redteam_run(res: pd.DataFrame, run, params: dict):
    "Both item sets for every model; each comparison row holds the two sets' own rates; categories cover every harmful answer."
    check_rates(res, set(params["langs"]))
    models = params["models"].split(",")
    assert set(res.groupby("model").item_set.unique().map(frozenset)) == {frozenset({"core", "redteam"})} and set(res.model) == set(models)
    cmp = pd.read_csv(run / "comparison.csv")
    assert len(cmp) == len(models) * 2 * len(params["langs"])
    rate = res.set_index(["model", "item_set", "metric", "lang"]).value
    for r in cmp.itertuples():
        assert abs(r.rate1 - rate[r.model, "core", r.metric, r.lang]) < 1e-12 and abs(r.rate2 - rate[r.model, "redteam", r.metric, r.lang]) < 1e-12
        assert r.p - 1e-12 <= r.p_holm <= 1 and r.lo <= r.diff <= r.hi
    cats = pd.read_csv(run / "categories.csv")
    assert (cats.groupby("model").k.sum() == cats.groupby("model").n.first()).all()


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
            cats = pd.read_csv(run / "categories.csv")   # every harmful answer in exactly one category, per attack and place
            sums = cats.groupby(["grid", "attack_lang", "where"]).agg(k=("k", "sum"), n=("n", "first"), share=("share", "sum"))
            assert len(sums) and (sums.k == sums.n).all() and ((sums.share - 1).abs() < 1e-9).all()
            assert set(cats["where"]) == {"own language", "other languages", "every language"}
            tune = pd.read_csv(run / "tuning.csv")      # one row per tuning run, its own-language rate that run's
            assert sorted(tune.lr) == [0.0005, 0.001] and tune.own_rate.between(0, 1).all()
        elif spec.name == "paper_A2_seeds":
            check_seeds_run(collect(tmp_path), res, spec.params)
        elif spec.name == "paper_B_report":
            check_repair_report(collect(tmp_path), res, run)
        elif spec.name == "paper_B_oracle":
            check_oracle_run(res, run, spec.params)
        elif spec.name == "paper_A3_sil":
            check_sil_run(res, run)
        elif spec.name == "paper_A3_report":
            check_sil_report(collect(tmp_path), res)
        elif spec.name == "paper_A4_pathways":
            check_pathways_run(res, run, spec.params)
        elif spec.name == "paper_A4_adapt":
            check_adapt_run(res, run)
        elif spec.name == "study_02_redteam":
            check_redteam_run(res, run, spec.params)
        else:
            check_rates(res, set(spec.params.get("langs", [])))
        if spec.name == "paper_B_edit" and spec.params.get("attack_langs"):
            check_edit_under_attack(run, spec.params)
        assert json.loads((run / "provenance.json").read_text())["commit"]
