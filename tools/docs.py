"""The study as a website, and the README made from its landing page.

    python tools/docs.py build [--out _docs]     # every notebook a page: nbdev's processors, then nbconvert
    python tools/docs.py check [--out _docs]     # pages, internal links and figures; exit 1 with what is wrong
    python tools/docs.py readme                  # README.md from nbs/index.ipynb
    python tools/docs.py outputs RUNS            # executed experiment notebooks from a `make reproduce` runs/ folder

Where `quarto` is on PATH (`pip install quarto-cli` on a machine that can reach GitHub, which that package downloads
from), `make docs` renders with nbdev's own `nbdev_docs` instead; `build` needs neither Quarto nor a network.
Library pages show each exported function's signature and docstring (nbdev's `show_doc`, run by `nbdev_proc_nbs`);
experiment pages show the outputs of the executed copies in `nbs/_outputs/`.
"""
import argparse, fnmatch, html, json, re, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
OUTPUTS = NBS / "_outputs"
# The sidebar: (group, glob patterns over the notebooks' paths relative to nbs/, without .ipynb).
GROUPS = [("Start", ["index", "results"]), ("Workshop", ["workshop/*"]), ("Paper A", ["paper_A*"]), ("Paper B", ["paper_B*"]),
          ("Studies", ["study_*"]), ("Library", ["[0-9]*"])]
EXPERIMENTS = ["paper_*", "study_*"]
# Experiments that `make reproduce` does not run (only `make reproduce-full`), so they have no executed copy yet.
NOT_EXECUTED = {"study_00_baseline", "study_01_victim", "study_02_redteam"}
CSS = """
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222;display:flex}
nav{width:15rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f6f7f9;padding:1rem;
    box-sizing:border-box;font-size:14px;border-right:1px solid #ddd}
nav h2{font-size:13px;text-transform:uppercase;color:#666;margin:1rem 0 .3rem}
nav a{display:block;color:#234;text-decoration:none;padding:1px 0}
nav a.here{font-weight:bold}
.lead{font-size:18px;color:#555}
main{max-width:62rem;padding:1rem 2rem;min-width:0}
pre{background:#f4f4f4;padding:.6rem;overflow:auto;font-size:13px}
table{border-collapse:collapse;font-size:14px;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
img{max-width:100%}
.jp-InputPrompt,.jp-OutputPrompt{display:none}
.jp-OutputArea-output pre{background:#fff;border-left:3px solid #ddd}
blockquote{color:#555;border-left:3px solid #ccc;margin-left:0;padding-left:1rem}
"""


def pages(nbs=NBS) -> list:
    "The notebooks that become pages: their paths relative to `nbs`, without `.ipynb` (folders starting with _ or . skipped)."
    out = [p.relative_to(nbs).with_suffix("").as_posix() for p in sorted(nbs.rglob("*.ipynb"))]
    return [p for p in out if not any(part[0] in "_." for part in p.split("/"))]


def group_of(page: str) -> str:
    "The sidebar group of `page` ('Library' for the numbered notebooks)."
    for name, pats in GROUPS:
        if any(fnmatch.fnmatch(page, p) for p in pats): return name
    raise ValueError(f"{page}.ipynb belongs to no sidebar group: add a pattern to GROUPS in tools/docs.py")


def is_experiment(page: str) -> bool: return any(fnmatch.fnmatch(page, p) for p in EXPERIMENTS)


def frontmatter(nb) -> dict:
    "Pop the YAML front matter nbdev's processors put in a raw cell (the title and description from the first heading)."
    import yaml
    for i, c in enumerate(nb["cells"]):
        src = "".join(c["source"]).strip()
        if c["cell_type"] == "raw" and src.startswith("---"):
            del nb["cells"][i]
            return yaml.safe_load(src.strip("-\n")) or {}
    return {}


def opening(page: str, nbs=NBS) -> str:
    """The first markdown cell of `page`'s source notebook without its `# title` and `> description` lines: the text
    (a claim, a why) that nbdev's front-matter processor drops with the title."""
    nb = json.loads((Path(nbs) / f"{page}.ipynb").read_text(encoding="utf-8"))
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    if first is None: return ""
    lines = "".join(first["source"]).strip().splitlines()
    if not lines or not re.match(r"#\s", lines[0]): return ""
    lines = lines[1:]
    while lines and (not lines[0].strip() or lines[0].startswith(">")): lines = lines[1:]
    return "\n".join(lines).strip()


def title_of(nb: dict, page: str) -> str:
    "The notebook's first markdown heading, else its name."
    for c in nb["cells"]:
        m = re.search(r"^#\s+(.+)$", "".join(c["source"]), re.M) if c["cell_type"] == "markdown" else None
        if m: return m.group(1).strip()
    return page


def relink(body: str) -> str:
    "Links to notebooks point at their pages."
    return re.sub(r'href="(?!https?:|mailto:)([^"#]*?)\.ipynb(#[^"]*)?"', lambda m: f'href="{m[1]}.html{m[2] or ""}"', body)


def sidebar(titles: dict, here: str) -> str:
    "The sidebar's HTML, with links relative to `here`'s folder."
    up = "../" * here.count("/")
    parts = []
    for name, _ in GROUPS:
        items = [p for p in titles if group_of(p) == name]
        if not items: continue
        parts.append(f"<h2>{name}</h2>")
        parts += [f'<a href="{up}{p}.html"{" class=here" if p == here else ""}>{html.escape(titles[p])}</a>' for p in items]
    return "\n".join(parts)


def _executed(page: str, proc: Path):
    "The notebook to render for `page`: its executed copy if there is one, processed like the rest."
    src = OUTPUTS / f"{page}.ipynb"
    if not (is_experiment(page) and src.exists()): return proc / f"{page}.ipynb"
    from execnb.nbio import read_nb, write_nb
    from nbdev.processors import FilterDefaults
    nb = read_nb(src)
    FilterDefaults()(nb)
    dest = proc / "_outputs" / f"{page}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, dest)
    return dest


def signatures(nb, page: str) -> int:
    """Replace the `show_doc(name)` cells nbdev's processors add after each export with the signature and docstring
    of `name`, read from the exported module (nbdev's `exec_show_docs`, which would run the notebook's cells, is off)."""
    import importlib
    from nbdev.showdoc import BasicMarkdownRenderer
    src = json.loads((NBS / f"{page}.ipynb").read_text(encoding="utf-8"))
    exp = re.search(r"^#\|\s*default_exp\s+(\S+)", "\n".join("".join(c["source"]) for c in src["cells"]), re.M)
    if not exp: return 0
    mod, n = importlib.import_module(f"mlsafety_nb.{exp[1]}"), 0
    for c in nb.cells:
        m = re.fullmatch(r"(?:#\|.*\n)*\s*show_doc\((\w+)\)\s*", c.source) if c.cell_type == "code" else None
        if not m or not hasattr(mod, m[1]): continue
        md = BasicMarkdownRenderer(getattr(mod, m[1]))._repr_markdown_()
        md = re.sub(r"^\[source\]\((?!https?://)[^)]*\)\{[^}]*\}\n*", "", md, flags=re.M)   # no repository to link: no source link
        c.cell_type, c.source, n = "markdown", md, n + 1
        for k in ("outputs", "execution_count"): c.pop(k, None)
    return n


def build(out=ROOT / "_docs", n_workers: int = 2) -> dict:
    "Render every notebook in nbs/ into `out`; return counts of pages and figures."
    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter
    subprocess.run([str(Path(sys.executable).parent / "nbdev_proc_nbs"), "--n_workers", str(n_workers)], check=True,
                   cwd=ROOT)
    proc, out = ROOT / "_proc", Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "style.css").write_text(CSS + HtmlFormatter().get_style_defs(".highlight"))
    names = pages()
    nbs = {p: nbformat.read(_executed(p, proc), as_version=4) for p in names}
    shown = sum(signatures(nb, p) for p, nb in nbs.items())
    heads = {p: frontmatter(nbs[p]) for p in names}
    for p, nb in nbs.items():
        text = opening(p)
        if text and not any(c.cell_type == "markdown" and text[:60] in c.source for c in nb.cells):
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
        for c in nb.cells:        # progress bars and warnings go to stderr: not part of what a run shows
            if "outputs" in c: c.outputs = [o for o in c.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    titles = {p: heads[p].get("title") or title_of(nbs[p], p) for p in names}
    titles = {p: titles[p] for name, _ in GROUPS for p in names if group_of(p) == name}
    exporter, figures = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True), 0
    for p, nb in nbs.items():
        body, _ = exporter.from_notebook_node(nb)
        desc = heads[p].get("description")
        body = (f"<h1>{html.escape(titles[p])}</h1>\n" + (f'<p class="lead">{html.escape(desc)}</p>\n' if desc else "")
                + relink(body))
        figures += body.count("<img")
        up = "../" * p.count("/")
        page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(titles[p])} · mlsafety_nb</title>'
                f'<link rel="stylesheet" href="{up}style.css"></head>\n<body><nav>{sidebar(titles, p)}</nav>\n'
                f"<main>{body}</main></body></html>\n")
        dest = out / f"{p}.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page, encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return dict(pages=len(names), figures=figures, signatures=shown, bytes=size)


def check(out=ROOT / "_docs", nbs=NBS) -> list:
    "What is wrong with the site in `out`: missing pages, broken internal links, experiment pages with no figure."
    out, problems = Path(out), []
    for p in pages(nbs):
        f = out / f"{p}.html"
        if not f.exists():
            problems.append(f"{p}.ipynb has no page")
            continue
        text = f.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            if re.match(r"(https?:|mailto:|data:|#)", link): continue
            target = (f.parent / link.split("#")[0]).resolve()
            if not target.exists(): problems.append(f"{p}.html links to {link}, which is not in the site")
        first = re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", opening(p, nbs).split("\n")[0])    # links as their text
        first = re.sub(r"[*`_]", "", first)[:40]
        if first and first not in " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()):
            problems.append(f"{p}.html lacks the opening text of its notebook")
        if is_experiment(p) and p not in NOT_EXECUTED and "<img" not in text:
            problems.append(f"{p}.html, an experiment page, has no figure")
    return problems


def readme(index=NBS / "index.ipynb") -> str:
    "README.md's text: the landing page's markdown, with links into nbs/."
    nb = json.loads(Path(index).read_text(encoding="utf-8"))
    text = "\n\n".join("".join(c["source"]).strip() for c in nb["cells"] if c["cell_type"] == "markdown")
    text = re.sub(r"\]\((?!https?:|#)([^)]+\.ipynb)\)", r"](nbs/\1)", text)
    return f"<!-- Made from nbs/index.ipynb by `make readme`: edit that notebook, not this file. -->\n\n{text}\n"


def outputs(runs, dest=OUTPUTS) -> list:
    "Copy one executed notebook per experiment from `runs` (a `make reproduce` runs/ folder) into `dest`."
    runs, dest, copied = Path(runs), Path(dest), []
    dest.mkdir(parents=True, exist_ok=True)
    def first_seed(p):
        "Headline runs (seed 0) before the other seeds."
        return p.parent.parent.name, json.loads(p.read_text())["params"].get("seed", 0) != 0, p.parent.name
    for params in sorted(runs.glob("*/*/params.json"), key=first_seed):
        name = Path(json.loads(params.read_text())["notebook"]).stem
        src = params.parent / "notebook.ipynb"
        if name in copied or not src.exists(): continue
        nb = json.loads(src.read_text(encoding="utf-8"))
        nb["metadata"].pop("papermill", None)
        for c in nb["cells"]:
            c["metadata"].pop("papermill", None)
            c["metadata"].pop("execution", None)
        (dest / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        copied.append(name)
    return copied


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["build", "check", "readme", "outputs"])
    ap.add_argument("runs", nargs="?", help="outputs: the runs/ folder of a `make reproduce`")
    ap.add_argument("--out", default=str(ROOT / "_docs"))
    a = ap.parse_args()
    if a.what == "build": print("site:", json.dumps(build(a.out)), "in", a.out)
    elif a.what == "check":
        problems = check(a.out)
        print("\n".join(problems) or f"site OK: {len(pages())} pages, every link inside it resolves")
        sys.exit(1 if problems else 0)
    elif a.what == "readme": (ROOT / "README.md").write_text(readme(), encoding="utf-8")
    else: print("copied", outputs(a.runs or ROOT / "runs"))
