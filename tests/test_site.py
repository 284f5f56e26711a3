"The website: every notebook a page, internal links resolve, experiment pages carry figures; the README is the landing page."
import json, sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import docs  # noqa: E402  (tools/docs.py)


def test_readme_is_made_from_the_landing_page():
    assert (ROOT / "README.md").read_text(encoding="utf-8") == docs.readme(), "run `make readme`"


def test_every_notebook_has_a_sidebar_group():
    groups = {docs.group_of(p) for p in docs.pages()}
    assert groups == {"Start", "Workshop", "Paper A", "Paper B", "Studies", "Library"}


def test_every_experiment_has_an_executed_copy():
    missing = [p for p in docs.pages() if docs.is_experiment(p) and p not in docs.NOT_EXECUTED
               and not (docs.OUTPUTS / f"{p}.ipynb").exists()]
    assert not missing, f"no executed copy in nbs/_outputs for {missing}: run `make reproduce`, then `make docs-outputs`"


def test_relink_points_notebook_links_at_pages():
    assert docs.relink('<a href="13_sil.ipynb#top">') == '<a href="13_sil.html#top">'
    assert docs.relink('<a href="https://x.org/a.ipynb">') == '<a href="https://x.org/a.ipynb">'


def test_check_reports_what_is_wrong(tmp_path):
    nbs, site = tmp_path / "nbs", tmp_path / "site"
    nbs.mkdir(), site.mkdir()
    for name in ("index", "paper_A9_x", "00_core"): (nbs / f"{name}.ipynb").write_text(json.dumps({"cells": []}))
    claim = {"cells": [{"cell_type": "markdown", "source": ["# A9\n", "\n", "> a description\n", "\n", "**Claim.** Safety is [fragile](x.ipynb) here.\n"]}]}
    (nbs / "paper_A8_y.ipynb").write_text(json.dumps(claim))
    (site / "index.html").write_text('<a href="gone.html">x</a>')
    (site / "paper_A9_x.html").write_text("<p>no figure</p>")
    (site / "paper_A8_y.html").write_text("<h1>A9</h1><img src='data:,'>")
    assert sorted(docs.check(site, nbs)) == ["00_core.ipynb has no page", "index.html links to gone.html, which is not in the site",
                                             "paper_A8_y.html lacks the opening text of its notebook",
                                             "paper_A9_x.html, an experiment page, has no figure"]
    (site / "paper_A8_y.html").write_text("<h1>A9</h1><p><strong>Claim.</strong> Safety is <a href='x.html'>fragile</a> here.</p><img src='data:,'>")
    assert "paper_A8_y.html lacks the opening text of its notebook" not in docs.check(site, nbs)
    assert docs.opening("paper_A8_y", nbs) == "**Claim.** Safety is [fragile](x.ipynb) here."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, docs.build(out)


def test_the_site_builds_and_checks(site):
    out, counts = site
    assert docs.check(out) == []
    assert counts["pages"] == len(docs.pages()) and counts["figures"] >= len([p for p in docs.pages() if docs.is_experiment(p) and p not in docs.NOT_EXECUTED])


def test_library_pages_show_signatures(site):
    out, _ = site
    page = (out / "13_sil.html").read_text(encoding="utf-8")
    assert "top_k" in page and "per_matrix" in page and "exactly round" in page
