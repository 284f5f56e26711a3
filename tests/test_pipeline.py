"Pipeline behaviour end to end: papermill runs, skip on resume, a killed run leaves no result and runs again."
import json, os, signal, subprocess, time
from pathlib import Path

import pandas as pd
import yaml

from conftest import BIN, ROOT
from mlsafety_nb.pipeline import collect, load_grid


def write_grid(tmp_path, values):
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({"runs": [{"notebook": str(ROOT / "tests/fixtures/toy.ipynb"), "name": "toy",
                                              "grid": {"value": values}}]}))
    return grid


def mlsnb(*args, env=None, **kw):
    return subprocess.run([str(BIN / "mlsnb"), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300, **kw)


def test_run_skip_and_collect(tmp_path):
    grid, runs = write_grid(tmp_path, [1, 2]), tmp_path / "runs"
    r = mlsnb("run", grid, "--runs", runs)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("    done") == 2
    res = collect(runs)
    assert sorted(res.value) == [1, 2] and set(res.param_value) == {1, 2}
    mtimes = {p: p.stat().st_mtime for p in runs.glob("toy/*/notebook.ipynb")}
    r = mlsnb("run", grid, "--runs", runs)
    assert r.stdout.count("    skipped") == 2, r.stdout
    assert {p: p.stat().st_mtime for p in runs.glob("toy/*/notebook.ipynb")} == mtimes
    assert len(pd.read_csv(runs / "all_results.csv")) == 2


def test_killed_run_leaves_no_result_and_resumes(tmp_path):
    grid, runs = write_grid(tmp_path, [7]), tmp_path / "runs"
    spec = load_grid(grid)[0]
    run_dir = spec.dir(runs)
    proc = subprocess.Popen([str(BIN / "mlsnb"), "run", str(grid), "--runs", str(runs)], start_new_session=True,
                            env={**os.environ, "TOY_SLEEP": "60"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (run_dir / "started").exists():
        assert time.time() < deadline and proc.poll() is None, "the run never started"
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (run_dir / "results.csv").exists()
    assert collect(runs).empty
    r = mlsnb("run", grid, "--runs", runs)
    assert r.returncode == 0 and "    done" in r.stdout, r.stdout + r.stderr
    assert collect(runs).value.tolist() == [7]
    assert json.loads((run_dir / "params.json").read_text())["params"] == {"value": 7}


def test_failed_run_is_reported(tmp_path):
    bad = tmp_path / "bad.ipynb"
    nb = json.loads((ROOT / "tests/fixtures/toy.ipynb").read_text())
    nb["cells"][2]["source"] = "raise ValueError('broken notebook')"
    bad.write_text(json.dumps(nb))
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({"runs": [{"notebook": str(bad)}]}))
    r = mlsnb("run", grid, "--runs", tmp_path / "runs")
    assert r.returncode == 1 and "failed" in r.stdout and "broken notebook" in r.stdout


def test_changed_defaults_rerun(tmp_path):
    "A finished run is redone, not reused, when the notebook's parameter defaults changed since it was made."
    nb_path = tmp_path / "toy.ipynb"
    nb = json.loads((ROOT / "tests/fixtures/toy.ipynb").read_text())
    nb_path.write_text(json.dumps(nb))
    grid, runs = tmp_path / "grid.yaml", tmp_path / "runs"
    grid.write_text(yaml.safe_dump({"runs": [{"notebook": str(nb_path), "name": "toy", "params": {"value": 3}}]}))
    assert "    done" in mlsnb("run", grid, "--runs", runs).stdout
    assert "    skipped" in mlsnb("run", grid, "--runs", runs).stdout
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "run_dir = None\nvalue = 1\nscale = 2\n"
    nb_path.write_text(json.dumps(nb))
    r = mlsnb("run", grid, "--runs", runs)
    assert "defaults changed" in r.stdout and "    redone" in r.stdout, r.stdout
    assert "    skipped" in mlsnb("run", grid, "--runs", runs).stdout


def test_always_runs_again(tmp_path):
    "An entry marked `always` (a report) runs again on every pipeline run; the others are skipped."
    grid, runs = tmp_path / "grid.yaml", tmp_path / "runs"
    toy = str(ROOT / "tests/fixtures/toy.ipynb")
    grid.write_text(yaml.safe_dump({"runs": [{"notebook": toy, "name": "toy", "params": {"value": 1}},
                                             {"notebook": toy, "name": "summary", "params": {"value": 2}, "always": True}]}))
    assert mlsnb("run", grid, "--runs", runs).stdout.count("    done in") == 2
    out = mlsnb("run", grid, "--runs", runs).stdout
    assert out.count("    skipped in") == 1 and out.count("    done in") == 1, out


def test_victim_notebook_defaults_build_the_alias_victims():
    """The victim notebook's parameters cell, turned into an `AlignConfig` as the notebook does it, is the config behind
    `embedded-victim` (and, with profile `all`, behind `embedded-victim-all`): the aliases and the notebook build one victim."""
    from dataclasses import asdict
    from mlsafety_nb.align import AlignConfig
    from mlsafety_nb.core import stable_hash
    from mlsafety_nb.train import TrainConfig
    nb = json.loads((ROOT / "nbs/study_01_victim.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    p = {}
    exec("".join(cell["source"]), {}, p)
    make = lambda profile: AlignConfig(profile=profile, n_harmful=p["n_harmful"], n_harmless=p["n_harmless"], seed=p["seed"],
                                       train=TrainConfig(lr=p["lr"], epochs=p["epochs"], max_steps=p["max_steps"], method=p["method"],
                                                         freeze_embeddings=p["freeze_embeddings"], batch_size=8, max_len=128, seed=p["seed"]))
    code = "".join("".join(c["source"]) for c in nb["cells"])
    assert "batch_size=8, max_len=128" in code            # the notebook's fixed settings are the ones used above
    assert p["profile"] == "hrl" and p["base"] == "embedded"
    for profile in ("hrl", "all"):
        assert stable_hash(asdict(make(profile))) == stable_hash(asdict(AlignConfig(profile=profile)))


def test_plan_scaled_by_the_probe(tmp_path):
    "A grid that names its reference machine gets estimates scaled to this one, with both printed; the headline grid names one."
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump({"reference": {"cpu": "Ref CPU", "probe_s": 1e-6},
                                    "runs": [{"notebook": str(ROOT / "tests/fixtures/toy.ipynb"), "name": "toy", "minutes": 1.0}]}))
    r = mlsnb("run", grid, "--runs", tmp_path / "runs", "--plan")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1.0 min measured on Ref CPU (probe 0.00 s)" in r.stdout and "on this machine" in r.stdout, r.stdout
    est = float(r.stdout.split("toy: 1 run(s), about ")[1].split(" min")[0])
    assert est > 100, r.stdout        # this machine's probe takes far longer than a microsecond
    r = mlsnb("run", grid, "--runs", tmp_path / "runs", "--plan", "--no-probe")
    assert "toy: 1 run(s), about 1.0 min" in r.stdout and "reference machine" in r.stdout, r.stdout
    ref = yaml.safe_load((ROOT / "reproduce.yaml").read_text())
    assert ref["reference"]["cpu"] and ref["reference"]["probe_s"] > 0
    assert all(e.get("minutes") for e in ref["runs"]), "every headline run has its measured minutes"
