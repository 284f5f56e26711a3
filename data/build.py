"""Merge the authored data parts into the embedded data files and assign splits by id.

Usage: python data/build.py [PARTS_DIR]   (default data/parts; writes data/*.jsonl and data/*.json)
Split sizes scale with the number of items: for the full set of 320 harmful and 220 harmless items they are
harmful eval 64, calibration 24, attack 100, align 132; harmless eval 70, align 150."""
import json, sys
from pathlib import Path

from mlsafety_nb.data import assign_splits

HERE = Path(__file__).parent


def read(paths):
    return [json.loads(l) for p in paths for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(parts=HERE / "parts"):
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


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "parts")
