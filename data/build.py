"""Merge the authored data parts into the embedded data files and assign splits by id.

Usage: python data/build.py [PARTS_DIR]   (default data/parts; writes data/*.jsonl and data/*.json)
Split sizes scale with the number of items: for the full set of 320 harmful and 220 harmless items they are
harmful eval 64, calibration 24, attack 100, align 132; harmless eval 70, align 150.

The red-team set is built from one file per language, `redteam_<lang>.jsonl` ({id, text}; English also has
`category`) and `lookalike_<lang>.jsonl` ({id, text, answer, keywords}; English also has `topic`, `risky_looking`),
into `redteam_harmful.jsonl` and `redteam_harmless.jsonl`, with splits eval 40%, dev 20%, align 40% by id."""
import json, sys
from pathlib import Path

from mlsafety_nb.core import LANGS
from mlsafety_nb.data import assign_splits

HERE = Path(__file__).parent


def read(paths):
    return [json.loads(l) for p in paths for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(parts=HERE / "parts"):
    if sorted(parts.glob("harmful_*.jsonl")): build_core(parts)
    if (parts / "redteam_en.jsonl").exists(): build_redteam(parts)


def build_core(parts):
    harmful = sorted(read(sorted(parts.glob("harmful_*.jsonl"))), key=lambda r: r["id"])
    n = len(harmful)
    sizes = {"eval": round(n * 0.2), "calibration": round(n * 0.075), "attack": round(n * 0.3125), "align": None}
    split = assign_splits([r["id"] for r in harmful], [r["category"] for r in harmful], sizes)
    write_jsonl(HERE / "harmful.jsonl", [dict(id=r["id"], category=r["category"], split=split[r["id"]], text=r["text"]) for r in harmful])
    harmless = sorted(read(sorted(parts.glob("harmless_*.jsonl"))), key=lambda r: r["id"])
    m = len(harmless)
    split = assign_splits([r["id"] for r in harmless], [f"{r['topic']}-{r['risky_looking']}" for r in harmless],
                          {"eval": round(m * 70 / 220), "align": None})
    write_jsonl(HERE / "harmless.jsonl", [dict(id=r["id"], topic=r["topic"], risky_looking=r["risky_looking"],
                                               split=split[r["id"]], text=r["text"], answer=r["answer"],
                                               keywords=r["keywords"]) for r in harmless])
    if (parts / "utility.jsonl").exists(): write_jsonl(HERE / "utility.jsonl", read([parts / "utility.jsonl"]))
    for name in ("refusals", "compliance"):   # phrases from parts are added to the existing lists, never replace them
        if (parts / f"{name}.json").exists():
            old = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8")) if (HERE / f"{name}.json").exists() else {}
            new = json.loads((parts / f"{name}.json").read_text(encoding="utf-8"))
            merged = {l: list(dict.fromkeys(old.get(l, []) + new[l])) for l in new}
            (HERE / f"{name}.json").write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"harmful {n}, harmless {m}")


def parallel(parts, stem, fields):
    "Rows of the English file, each with `fields` gathered from every language's file (ids must match)."
    by_lang = {l: {r["id"]: r for r in read([parts / f"{stem}_{l}.jsonl"])} for l in LANGS}
    rows = []
    for r in read([parts / f"{stem}_en.jsonl"]):
        missing = [l for l in LANGS if r["id"] not in by_lang[l]]
        if missing: raise ValueError(f"{r['id']} lacks {missing}")
        rows.append({**{k: v for k, v in r.items() if k not in fields}, **{f: {l: by_lang[l][r["id"]][f] for l in LANGS} for f in fields}})
    return sorted(rows, key=lambda r: r["id"])


def build_redteam(parts):
    harmful = parallel(parts, "redteam", ["text"])
    n = len(harmful)
    split = assign_splits([r["id"] for r in harmful], [r["category"] for r in harmful],
                          {"eval": round(n * 0.4), "dev": round(n * 0.2), "align": None})
    write_jsonl(HERE / "redteam_harmful.jsonl", [dict(id=r["id"], category=r["category"], split=split[r["id"]], text=r["text"]) for r in harmful])
    harmless = parallel(parts, "lookalike", ["text", "answer", "keywords"])
    m = len(harmless)
    split = assign_splits([r["id"] for r in harmless], [r["topic"] for r in harmless],
                          {"eval": round(m * 0.4), "dev": round(m * 0.2), "align": None})
    write_jsonl(HERE / "redteam_harmless.jsonl", [dict(id=r["id"], topic=r["topic"], risky_looking=r["risky_looking"],
                                                       split=split[r["id"]], text=r["text"], answer=r["answer"],
                                                       keywords=r["keywords"]) for r in harmless])
    print(f"red-team harmful {n}, harmless {m}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "parts")
