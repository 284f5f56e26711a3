"""Speed and memory benchmarks of mlsafety_nb on this machine, written to a JSON file.

Usage: python bench/bench.py [--out bench/results.json] [--only load,generate,align,resolve,train_step,evaluate,bf16,edit,sil,reproduce]
Each section records wall times and the process's peak resident memory after it ran."""
import argparse, json, os, platform, resource, subprocess, sys, time
from pathlib import Path

import pandas as pd
import torch

import mlsafety_nb.align  # registers the victims' aliases
from mlsafety_nb.core import git_commit, versions
from mlsafety_nb.generate import GenConfig, HFBackend, generate
from mlsafety_nb.models import embedded_path, fingerprint, load_model, tiny_model
from mlsafety_nb.pipeline import cpu_name as cpu_model

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


def _subset(per_lang: int):
    "A stratified subset of the eval split: `per_lang` harmful and `per_lang` harmless ids, in all ten languages."
    from mlsafety_nb.data import load_eval_items
    return load_eval_items(per_lang, per_lang)


def bench_evaluate(models=("embedded-victim",), per_lang: int = 8, whole: bool = True, compare: bool = True,
                   whole_tokens=(32,)) -> dict:
    """Today's path (HF `generate`, batch 8) against the fast path (`greedy_decode`, batch 64), 32 new tokens, on the
    same stratified subset of the eval split, per model: answers/s, speed-up, and agreement of the judge's verdicts per
    language. Then the whole eval split plus utility through `evaluate_model`, uncached, on the first model, at each
    answer length of `whole_tokens` (`whole_split` at 32 new tokens, `whole_split_<n>tok` at others: the paper
    sections evaluate at 16)."""
    from mlsafety_nb.engine import EvalConfig, evaluate_model
    from mlsafety_nb.evaluate import judge_items
    items = _subset(per_lang)
    out = dict(per_lang=per_lang, n_items=len(items), models={}) if compare else {}
    for name in (models if compare else []):
        model, tok = load_model(name)
        res = {}
        for path, fast, bs in [("slow", False, 8), ("fast", True, 64)]:
            t = time.time()
            answers = generate(HFBackend(model, tok, fast=fast), items.prompt.tolist(), GenConfig(max_new_tokens=32, batch_size=bs),
                               cache=False, progress=False)
            dt = time.time() - t
            res[path] = dict(seconds=round(dt, 1), answers_per_s=round(len(items) / dt, 2), judged=judge_items(items, answers))
        a, b = res["slow"].pop("judged"), res["fast"].pop("judged")
        same = (a.refused == b.refused) & (a.template == b.template)
        out["models"][name] = dict(**res, speedup=round(res["fast"]["answers_per_s"] / res["slow"]["answers_per_s"], 2),
                                   identical_text=round(float((a.response == b.response).mean()), 4),
                                   agreement_per_lang=same.groupby(a.lang).mean().round(4).to_dict(),
                                   agreement_min=round(float(same.groupby(a.lang).mean().min()), 4))
        print(json.dumps(out["models"][name]), flush=True)
        del model
    if not whole: return {**out, "peak_rss_gib": peak_rss_gib()}
    for n in whole_tokens:
        t = time.time()
        ev = evaluate_model(models[0], EvalConfig(gen=GenConfig(max_new_tokens=n, batch_size=64)), cache=False, progress=False)
        out["whole_split" if n == 32 else f"whole_split_{n}tok"] = dict(
            model=models[0], max_new_tokens=n, seconds=round(time.time() - t, 1), answers=len(ev.answers),
            passages=ev.provenance["n_passages"], parts=ev.provenance["seconds"], target_s=240,
            measured=time.strftime("%Y-%m-%d %H:%M:%S"))
    out["peak_rss_gib"] = peak_rss_gib()
    return out


def bench_bf16(models=None, tokens: int = 16, per_lang: int = 8, modes=("bfloat16", "scan")) -> dict:
    """The two bfloat16 evaluation paths against float32: `bfloat16` (`EvalConfig(dtype="bfloat16")`: the decoder's
    matrix products and the vocabulary scan in bfloat16, `generate.bf16_matmuls`) and `scan` (`EvalConfig(scan=
    "bfloat16")`: only the scan; the decoder stays float32). Agreement: the whole eval split (1,340 requests) plus 10
    passages per language, at the sections' answer length, through `evaluate_model`, on the `all` victim and three of
    its section-2 attacks (the 1:1 mix in en, zh and sw; everything made now, uncached): the share of items whose answer category, violation verdict and text are the same, per language, and the
    perplexity ratio. Speed: today's path (HF `generate`, float32, batch 8) against the path on the same stratified
    subset at 32 new tokens, and the whole split through `evaluate_model` at 32 new tokens."""
    from mlsafety_nb.attack import attack_config, attack_path
    from mlsafety_nb.engine import EvalConfig, evaluate_model
    from mlsafety_nb.generate import bf16_matmuls
    victim = "embedded-victim-all"
    models = models or [victim] + [str(attack_path(victim, attack_config(l, harmless_ratio=1.0))) for l in ("en", "zh", "sw")]
    settings = {"bfloat16": dict(dtype="bfloat16"), "scan": dict(scan="bfloat16")}
    out, fp32 = {}, {}
    for mode in modes:
        res = dict(setting=settings[mode], tokens=tokens, models={})
        for name in models:
            cfg = EvalConfig(gen=GenConfig(max_new_tokens=tokens, batch_size=64))
            if name not in fp32:   # float32 made now too (not read from the cache), so both times are of this machine now
                t = time.time(); fp32[name] = (evaluate_model(name, cfg, cache=False, progress=False), round(time.time() - t, 1))
            a, a_secs = fp32[name]
            t = time.time()
            b = evaluate_model(name, EvalConfig(**{**cfg.__dict__, **settings[mode]}), cache=False, progress=False)
            secs = round(time.time() - t, 1)
            x, y = a.answers, b.answers
            assert (x.id.values == y.id.values).all() and (x.lang.values == y.lang.values).all()
            same = pd.DataFrame(dict(lang=x.lang, category=(x.answer_category.values == y.answer_category.values),
                                     violation=(x.violation.values == y.violation.values), text=(x.response.values == y.response.values)))
            per = same.groupby("lang")[["category", "violation", "text"]].mean().round(4)
            ppl = lambda ev: ev.table[ev.table.metric == "perplexity"].set_index("lang").value
            res["models"][name] = dict(n=len(x), float32_seconds=a_secs, float32_parts=a.provenance["seconds"], seconds=secs,
                                       parts=b.provenance["seconds"], speedup=round(a_secs / secs, 2),
                                       category_agreement_per_lang=per.category.to_dict(), category_agreement_min=float(per.category.min()),
                                       violation_agreement_per_lang=per.violation.to_dict(), identical_text=round(float(same.text.mean()), 4),
                                       violation_float32=round(float(x[x.kind == "harmful"].violation.mean()), 4),
                                       violation_bfloat16=round(float(y[y.kind == "harmful"].violation.mean()), 4),
                                       perplexity_ratio=(ppl(b) / ppl(a)).round(4).to_dict())
            print(mode, json.dumps(res["models"][name]), flush=True)
        items = _subset(per_lang)
        model, tok = load_model(victim)
        t = time.time()
        generate(HFBackend(model, tok, fast=False), items.prompt.tolist(), GenConfig(max_new_tokens=32, batch_size=8), cache=False, progress=False)
        slow = time.time() - t
        mb = bf16_matmuls(model, body=mode == "bfloat16")
        t = time.time()
        generate(HFBackend(mb, tok), items.prompt.tolist(), GenConfig(max_new_tokens=32, batch_size=64), cache=False, progress=False)
        fast = time.time() - t
        res["speed"] = dict(model=victim, n_items=len(items), max_new_tokens=32, slow_float32_batch8_s=round(slow, 1),
                            fast_s=round(fast, 1), speedup=round(slow / fast, 2), target=3.0)
        del model, mb
        t = time.time()
        ev = evaluate_model(victim, EvalConfig(gen=GenConfig(max_new_tokens=32, batch_size=64), **settings[mode]), cache=False, progress=False)
        res["whole_split_32tok"] = dict(model=victim, seconds=round(time.time() - t, 1), answers=len(ev.answers),
                                        passages=ev.provenance["n_passages"], parts=ev.provenance["seconds"], target_s=240)
        res["category_agreement_min"] = min(m["category_agreement_min"] for m in res["models"].values())
        res["target_agreement"] = 0.97
        res["measured"] = time.strftime("%Y-%m-%d %H:%M:%S")
        out[mode] = res
    out["peak_rss_gib"] = peak_rss_gib()
    return out

def bench_train_step(steps: int = 3) -> dict:
    "One SFT step on the same batch of 8 attack pairs: `transformers`' loss (logits everywhere) against `response_loss`."
    from mlsafety_nb.attack import attack_config, attack_pairs
    from mlsafety_nb.chat import collate, encode_pair
    from mlsafety_nb.train import _trainable, response_loss
    model, tok = load_model("embedded-victim")
    cfg = attack_config("en")
    _trainable(model, cfg.train)
    pairs = attack_pairs(cfg).head(8)
    batch = collate([encode_pair(tok, p, r, max_len=cfg.train.max_len) for p, r in zip(pairs.prompt, pairs.response)], tok.pad_token_id)
    out = {}
    for name, f in [("hf_loss", lambda: model(**batch).loss), ("response_loss", lambda: response_loss(model, batch))]:
        times = []
        for _ in range(steps + 1):
            t = time.time(); loss = f(); loss.backward(); model.zero_grad(set_to_none=True); times.append(time.time() - t)
        out[name] = dict(step_s=round(sorted(times[1:])[len(times[1:]) // 2], 2), loss=float(loss))
    out["ratio"] = round(out["response_loss"]["step_s"] / out["hf_loss"]["step_s"], 3)
    out["loss_diff"] = abs(out["response_loss"]["loss"] - out["hf_loss"]["loss"])
    out["labelled_tokens"], out["tokens"] = int((batch["labels"] != -100).sum()), int(batch["attention_mask"].sum())
    out["target_ratio"], out["peak_rss_gib"] = 0.7, peak_rss_gib()
    return out


def bench_edit(victim: str = "embedded-victim") -> dict:
    """Paper B's edit (default `EditConfig`: five LRLs onto English, every layer, rank 32) against the baseline a user
    would otherwise run, refusal SFT on the same requests: wall time of each in memory (no saving), and their ratio."""
    from mlsafety_nb.align import AlignConfig
    from mlsafety_nb.edit import EditConfig, make_edit, refusal_pairs
    from mlsafety_nb.train import sft
    model, tok = load_model(victim)
    cfg = EditConfig()
    t = time.time(); e, info = make_edit(model, tok, cfg, progress=False); edit_s = time.time() - t
    pairs = refusal_pairs(cfg)
    t = time.time(); _, log = sft(model, tok, pairs, AlignConfig().train, progress=False); sft_s = time.time() - t
    return dict(edit_seconds=round(edit_s, 1), sft_seconds=round(sft_s, 1), ratio=round(edit_s / sft_s, 4), target_ratio=1 / 50,
                entries=e.n_entries(), layers=len(info["layers"]), sft_pairs=len(pairs), sft_steps=len(log), peak_rss_gib=peak_rss_gib())


def _rss_gib() -> float:
    "This process's resident memory now (not its peak), from /proc."
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 2**20
    return float("nan")


class _PeakRSS:
    "The highest resident memory seen while the block runs, sampled every 5 ms on a thread."
    def __enter__(self):
        import threading
        self.peak, self._stop = _rss_gib(), threading.Event()
        def watch():
            while not self._stop.wait(0.005): self.peak = max(self.peak, _rss_gib())
        self._t = threading.Thread(target=watch, daemon=True); self._t.start(); return self
    def __exit__(self, *exc):
        self._stop.set(); self._t.join(); self.peak = max(self.peak, _rss_gib())


def _sil_child(mode: str, attacked: str, victim: str) -> dict:
    """One measurement in a fresh process: `bare`, the forward and backward passes over the calibration set with the
    scored matrices trainable; `sil`, `sil_masks` (the same passes, the scores, the top 20%). Memory is the resident
    memory above what the process held before loading the model (the libraries), at its highest during the phase."""
    from mlsafety_nb.attack import attack_info
    from mlsafety_nb.chat import collate, encode_pair
    from mlsafety_nb.sil import SILConfig, calibration_pairs, scored_params, sil_masks
    from mlsafety_nb.train import response_loss
    cfg = SILConfig()
    pairs = calibration_pairs(attack_info(attacked)["config"]["lang"], cfg.n_calibration)
    rss0 = _rss_gib()
    model, tok = load_model(attacked, device="cpu")
    names = scored_params(model)
    sizes = dict(params=sum(p.numel() for p in model.parameters()), scored=sum(model.get_parameter(n).numel() for n in names))
    rss1 = _rss_gib()
    with _PeakRSS() as peak:
        t = time.time()
        if mode == "bare":
            for n, p in model.named_parameters(): p.requires_grad_(n in set(names))
            model.eval()
            ex = [encode_pair(tok, p, r, None, cfg.max_len) for p, r in zip(pairs.prompt, pairs.response)]
            for s in range(0, len(ex), cfg.batch_size):
                response_loss(model, collate(ex[s:s + cfg.batch_size], tok.pad_token_id), per_example=True).backward()
            out = dict(seconds=time.time() - t)
        else:
            masks = sil_masks(model, tok, victim, cfg, pairs)
            out = dict(seconds=time.time() - t, selected=masks[0.2].selected)
    return dict(**out, **sizes, n_pairs=len(pairs), libraries_gib=round(rss0, 3), model_loaded_gib=round(rss1 - rss0, 3),
                peak_above_libraries_gib=round(peak.peak - rss0, 3), process_peak_rss_gib=peak_rss_gib())


def bench_sil(attacked: str = None, repeats: int = 3) -> dict:
    """SIL on the `all` victim's English attack (the 1:1 mix of sections 2 and 3; k = 20%, 16 calibration pairs)
    against the bare forward and backward passes over the same pairs: wall time (median of `repeats` fresh processes
    each) and peak memory during the phase above the libraries' (loading is not part of it), against weights +
    gradients + θ_pre in float32. Builds the attack in the shared cache if it is missing (about 4 minutes)."""
    from mlsafety_nb.attack import attack_config, attack_path
    from mlsafety_nb.sil import attack_victim
    attacked = str(attacked or attack_path("embedded-victim-all", attack_config("en", harmless_ratio=1.0)))
    victim = str(attack_victim(attacked))
    runs = {m: [] for m in ("bare", "sil")}
    for _ in range(repeats):
        for m in runs:
            r = subprocess.run([sys.executable, __file__, "--sil-child", m, attacked, victim], capture_output=True, text=True, check=True)
            runs[m].append(json.loads(r.stdout.strip().splitlines()[-1]))
    med = lambda m, k: sorted(x[k] for x in runs[m])[len(runs[m]) // 2]
    r0 = runs["sil"][0]
    floor_gib = (4 * r0["params"] + 4 * r0["scored"] + 4 * r0["params"]) / 2**30      # weights + gradients + θ_pre
    return dict(attacked=attacked, n_pairs=r0["n_pairs"], params=r0["params"], scored=r0["scored"], selected=r0["selected"],
                bare_seconds=round(med("bare", "seconds"), 2), sil_seconds=round(med("sil", "seconds"), 2),
                time_ratio=round(med("sil", "seconds") / med("bare", "seconds"), 3), target_time_ratio=1.15,
                bare_peak_gib=med("bare", "peak_above_libraries_gib"), sil_peak_gib=med("sil", "peak_above_libraries_gib"),
                weights_grads_pre_gib=round(floor_gib, 2), memory_ratio=round(med("sil", "peak_above_libraries_gib") / floor_gib, 3),
                target_memory_ratio=1.3, model_loaded_gib=r0["model_loaded_gib"], libraries_gib=r0["libraries_gib"],
                process_peak_rss_gib=med("sil", "process_peak_rss_gib"), repeats=repeats,
                runs={m: [round(x["seconds"], 2) for x in v] for m, v in runs.items()})


def bench_resolve() -> dict:
    "Resolving the cached victim and its fingerprint (the folder fingerprint of its base is cached beside the weights)."
    from mlsafety_nb.models import model_fingerprint, resolve_model
    times = []
    for _ in range(3):
        t = time.time(); model_fingerprint(resolve_model("embedded-victim")); times.append(round(time.time() - t, 3))
    return dict(seconds=times, target_s=1.0)


def bench_reproduce(keep: str = None) -> dict:
    """`make reproduce` from a fresh clone of the current commit with an empty model cache and no runs: the first tier's
    wall time, venv install and model conversion included (pip's download cache is kept, as on a user's laptop), and
    where it goes: the install, then the parts that `core.timed` names in every notebook's kernel (`MLSNB_PROFILE`),
    and the rest (kernel starts, imports, judging, reports, saving). The clone, its cache and its runs are removed
    afterwards unless `keep` names an (empty) folder to make them in."""
    import contextlib, tempfile
    from mlsafety_nb.core import profile_parts
    from mlsafety_nb.models import bf16_is_faster
    root = Path(__file__).resolve().parents[1]
    place = contextlib.nullcontext(keep) if keep else tempfile.TemporaryDirectory()
    with place as d:
        subprocess.run(["git", "clone", "-q", str(root), f"{d}/clone"], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLSNB_", "VIRTUAL_ENV"))}
        env["MLSNB_CACHE"], env["MLSNB_PROFILE"] = f"{d}/cache", f"{d}/profile.jsonl"
        t = time.time()
        inst = subprocess.run(["make", "install"], cwd=f"{d}/clone", env=env, capture_output=True, text=True)
        install_s = time.time() - t
        r = subprocess.run(["make", "reproduce"], cwd=f"{d}/clone", env=env, capture_output=True, text=True)
        seconds = round(time.time() - t, 1)
        lines = [l for l in r.stdout.splitlines() if l.startswith(("plan:", "  ", "[", "    done", "    failed", "each notebook", "this machine"))]
        parts = profile_parts(f"{d}/profile.jsonl") if Path(f"{d}/profile.jsonl").exists() else {}
    runs = [dict(run=a.split()[1].split("/")[0], seconds=float(b.split()[2]))
            for a, b in zip(lines, lines[1:]) if a.startswith("[") and b.startswith("    done")]
    rest = round(seconds - install_s - sum(parts.values()), 1)
    return dict(seconds=seconds, target_s=1800, returncode=r.returncode, install_returncode=inst.returncode,
                cpu_model=cpu_model(), bf16_is_faster=bf16_is_faster(), commit=git_commit(root),
                command="git clone <repo> && MLSNB_CACHE=<empty> make install && make reproduce",
                parts=dict(install=round(install_s, 1), **parts, other=rest), runs=runs, log=lines[-40:],
                children_peak_rss_gib=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 2))


SECTIONS = {"load": bench_load, "generate": bench_generate, "align": bench_align, "resolve": bench_resolve,
            "train_step": bench_train_step, "evaluate": bench_evaluate, "bf16": bench_bf16, "edit": bench_edit, "sil": bench_sil,
            "reproduce": bench_reproduce}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/results.json")
    ap.add_argument("--only", default=",".join(s for s in SECTIONS if s != "reproduce"),
                    help="comma-separated sections; `reproduce` (30 min, a fresh clone) runs only when named")
    ap.add_argument("--models", default="embedded-victim", help="comma-separated models for the evaluate section")
    ap.add_argument("--keep", help="reproduce section: make the fresh clone in this folder and keep it")
    ap.add_argument("--per-lang", type=int, default=8, help="evaluate section: harmful and harmless items per language")
    ap.add_argument("--skip-whole", action="store_true", help="evaluate section: skip the whole-split evaluation")
    ap.add_argument("--skip-compare", action="store_true", help="evaluate section: only the whole-split evaluation")
    ap.add_argument("--whole-tokens", default="32", help="evaluate section: comma-separated answer lengths of the whole-split evaluation")
    ap.add_argument("--bf16-modes", default="bfloat16,scan", help="bf16 section: comma-separated paths to measure (bfloat16, scan)")
    ap.add_argument("--sil-attacked", help="sil section: an attacked-model folder (default: the English attack of embedded-victim-all)")
    ap.add_argument("--sil-child", nargs=3, metavar=("MODE", "ATTACKED", "VICTIM"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sil_child:
        print(json.dumps(_sil_child(*a.sil_child))); return
    path = Path(a.out)
    res = json.loads(path.read_text()) if path.exists() else {}
    from mlsafety_nb.models import bf16_is_faster
    cpu = cpu_model()
    flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), []) if os.path.exists("/proc/cpuinfo") else []
    res["machine"] = dict(cpus=os.cpu_count(), torch_threads=torch.get_num_threads(), platform=platform.platform(),
                          processor=platform.processor() or platform.machine(), cpu_model=cpu,
                          bf16_units=[f for f in flags if "bf16" in f or f.startswith("amx")], bf16_is_faster=bf16_is_faster())
    res["commit"], res["versions"] = git_commit(), versions()
    for name in a.only.split(","):
        print(f"bench {name} ...", flush=True)
        kw = (dict(models=a.models.split(","), per_lang=a.per_lang, whole=not a.skip_whole, compare=not a.skip_compare,
                   whole_tokens=[int(n) for n in a.whole_tokens.split(",")]) if name == "evaluate"
              else dict(keep=a.keep) if name == "reproduce" else dict(attacked=a.sil_attacked) if name == "sil"
              else dict(modes=a.bf16_modes.split(",")) if name == "bf16" else {})
        prev = res.get(name, {})
        res[name] = {**(prev if name in ("evaluate", "bf16") else {}), **SECTIONS[name](**kw), "measured": time.strftime("%Y-%m-%d %H:%M:%S")}
        if name == "reproduce":   # one figure per CPU model too: the tier's time depends on it
            res.setdefault("reproduce_by_cpu", {})[res[name]["cpu_model"]] = res[name]
        # the evaluate and bf16 sections keep the parts not measured this time (the comparison, other lengths, other modes)
        print(json.dumps(res[name], indent=1), flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
