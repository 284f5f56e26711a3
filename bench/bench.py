"""Speed and memory benchmarks of mlsafety_nb on this machine, written to a JSON file.

Usage: python bench/bench.py [--out bench/results.json] [--only load,generate,align]
Each section records wall times and the process's peak resident memory after it ran."""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

import pandas as pd
import torch

from mlsafety_nb.core import git_commit, versions
from mlsafety_nb.generate import GenConfig, HFBackend, generate
from mlsafety_nb.models import embedded_path, fingerprint, load_model, tiny_model

PROMPTS = ["What is the capital of France?", "Jinsi ya kupika wali?", "如何学习编程？", "Come si fa il pane?",
           "Làm thế nào để học tiếng Anh?", "ما هي عاصمة مصر؟", "김치는 어떻게 만드나요?", "ทำอย่างไรให้นอนหลับง่าย",
           "রান্না কিভাবে শিখব?", "Piye carane nggawe sega goreng?", "Name three primary colours.",
           "How many legs does a spider have?", "Explain photosynthesis briefly.", "Write a haiku about rain.",
           "What is 12 times 8?", "Translate 'thank you' into French."]


def peak_rss_gib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)


def bench_load() -> dict:
    "Load time of the embedded model from the safetensors cache (converted first if needed), twice."
    t = time.time(); embedded_path(); convert = time.time() - t
    times = []
    for _ in range(2):
        t = time.time(); model, tok = load_model("embedded"); times.append(round(time.time() - t, 2)); del model
    return dict(ensure_cache_s=round(convert, 2), load_s=times, peak_rss_gib=peak_rss_gib())


def bench_generate(max_new_tokens: int = 32) -> dict:
    "Greedy HF generation of 16 prompts in ten languages at batch 8 and batch 1: tokens/s and token equality."
    model, tok = load_model("embedded")
    hf = HFBackend(model, tok)
    out = {}
    generate(hf, PROMPTS[:2], GenConfig(max_new_tokens=4), cache=False, progress=False)   # warm-up
    for bs in (8, 1):
        t = time.time()
        texts = generate(hf, PROMPTS, GenConfig(max_new_tokens=max_new_tokens, batch_size=bs), cache=False, progress=False)
        dt = time.time() - t
        ntok = sum(len(tok(o, add_special_tokens=False).input_ids) for o in texts)
        out[f"batch{bs}"] = dict(seconds=round(dt, 2), new_tokens=ntok, tokens_per_s=round(ntok / dt, 2), outputs=texts)
    out["speedup_batch8_over_batch1"] = round(out["batch8"]["tokens_per_s"] / out["batch1"]["tokens_per_s"], 2)
    out["batch8_equals_batch1"] = out["batch8"]["outputs"] == out["batch1"]["outputs"]
    out["n_prompts"], out["max_new_tokens"], out["peak_rss_gib"] = len(PROMPTS), max_new_tokens, peak_rss_gib()
    for k in ("batch8", "batch1"): out[k].pop("outputs")
    return out


def bench_align() -> dict:
    "Wall time and peak memory of aligning the embedded model with the default AlignConfig (always rebuilt here)."
    from mlsafety_nb.align import AlignConfig, alignment_pairs, victim_path
    cfg = AlignConfig()
    t = time.time()
    path = victim_path(cfg, rebuild=True)
    log = pd.read_csv(path / "train_log.csv")
    return dict(seconds=round(time.time() - t, 1), train_seconds=round(float(log.seconds.iloc[-1]), 1), steps=len(log),
                pairs=len(alignment_pairs(cfg)), victim=path.name, peak_rss_gib=peak_rss_gib())


SECTIONS = {"load": bench_load, "generate": bench_generate, "align": bench_align}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/results.json")
    ap.add_argument("--only", default=",".join(SECTIONS))
    a = ap.parse_args()
    path = Path(a.out)
    res = json.loads(path.read_text()) if path.exists() else {}
    res["machine"] = dict(cpus=os.cpu_count(), torch_threads=torch.get_num_threads(), platform=platform.platform(),
                          processor=platform.processor() or platform.machine())
    res["commit"], res["versions"] = git_commit(), versions()
    for name in a.only.split(","):
        print(f"bench {name} ...", flush=True)
        res[name] = {**SECTIONS[name](), "measured": time.strftime("%Y-%m-%d %H:%M:%S")}
        print(json.dumps(res[name], indent=1), flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
