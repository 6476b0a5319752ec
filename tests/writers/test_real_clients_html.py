"""Real clients over every generated page and feed, for the real content and the small tree:

* the Nu HTML Checker (vnu.jar): zero errors in every page and both stylesheets;
* axe-core in Debian Chromium (WCAG 2.0/2.1 A and AA): zero violations, no request
  leaving the machine, no executable script (pages are loaded with JavaScript off);
* the JSON Feed 1.1 JSON Schema (npm ``jsonfeed-schema``) and a feed-reader library
  (PyPI ``feedparser-rs``, which reads JSON Feed; ``feedparser`` does not) for every feed.

Run only these with ``pytest -m clients tests/writers/test_real_clients_html.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pakketbuild.writers import BuildContext
from pakketbuild.writers.html import HtmlWriter
from tests.clients import axe_results, validate_jsonfeed, vnu_errors
from tests.writers.html_tools import SMALL, build_tree, html_pages, publication

pytestmark = pytest.mark.clients


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(SMALL, tmp_path_factory.mktemp("small-clients") / "exports")


@pytest.fixture(scope="module")
def small_pages_with_downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A variant of the small tree: one item outside the pakket (index section, no pager),
    and the pages as they are when PDF and DOCX are built too (download links). Rendered
    by the HTML writer alone: the downloads themselves are not needed here."""
    content = tmp_path_factory.mktemp("small-variant") / "content"
    shutil.copytree(SMALL, content)
    pakket = content / "pakketten" / "startpakket.md"
    text = pakket.read_text(encoding="utf-8")
    pakket.write_text(text.replace("  - training-weerbaarheid\n", ""), encoding="utf-8")
    root = tmp_path_factory.mktemp("small-downloads")
    pub = publication(content)
    assert not pub.items["training-weerbaarheid"].pakket_ids
    ctx = BuildContext(formats=("html", "json", "pdf", "docx"))
    writer = HtmlWriter()
    for job in writer.jobs(pub, ctx):
        target = root / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(writer.render(pub, ctx, job))
    assert "downloads/startpakket.pdf" in (root / "startpakket/index.html").read_text("utf-8")
    return root


@pytest.fixture(scope="module")
def sites(small_site: Path, real_site: Path) -> dict[str, Path]:
    return {"small": small_site, "real": real_site}


def _feeds(root: Path) -> list[Path]:
    feeds = sorted(root.glob("**/feeds/*.json"))  # every edition: views/<id>/feeds too
    assert feeds, f"no feeds under {root}"
    return feeds


def test_nu_html_checker_finds_no_errors(
    sites: dict[str, Path], small_pages_with_downloads: Path
) -> None:
    files: list[Path] = []
    for root in [*sites.values(), small_pages_with_downloads]:
        pages = html_pages(root)
        assert len(pages) >= 5
        files += [*pages, *sorted(root.glob("**/assets/*.css"))]
    assert vnu_errors(files) == []


def test_axe_finds_no_violations_and_nothing_leaves_the_machine(
    sites: dict[str, Path], small_pages_with_downloads: Path
) -> None:
    roots = [*sites.values(), small_pages_with_downloads]
    files = [page for root in roots for page in html_pages(root)]
    results = axe_results(files)
    assert len(results) == len(files)
    problems = [
        f"{r['file']}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}"
        for r in results
        for v in r["violations"]
    ]
    assert problems == []
    assert [(r["file"], r["blocked_requests"]) for r in results if r["blocked_requests"]] == []
    assert [(r["file"], r["executable_scripts"]) for r in results if r["executable_scripts"]] == []


@pytest.mark.parametrize("tree", ["small", "real"])
def test_every_feed_is_valid_json_feed_1_1(tree: str, sites: dict[str, Path]) -> None:
    for path in _feeds(sites[tree]):
        assert validate_jsonfeed(json.loads(path.read_text(encoding="utf-8"))) == [], path


@pytest.mark.parametrize("tree", ["small", "real"])
def test_a_feed_reader_reads_every_feed_back(tree: str, sites: dict[str, Path]) -> None:
    import feedparser_rs

    for path in _feeds(sites[tree]):
        data = path.read_bytes()
        doc: dict[str, Any] = json.loads(data)
        parsed = feedparser_rs.parse(data)
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "json11", path
        assert parsed.feed.title == doc["title"]
        assert parsed.feed.language == "nl"
        assert [(e.id, e.title) for e in parsed.entries] == [
            (i["id"], i["title"]) for i in doc["items"]
        ], path
        for entry, item in zip(parsed.entries, doc["items"], strict=True):
            assert entry.summary == item["summary"]
            if "url" in item:
                assert entry.link == item["url"]
            if "date_modified" in item:
                assert entry.updated == item["date_modified"]
            enclosures = [(e.href, e.type) for e in entry.get("enclosures") or []]
            assert enclosures == [(a["url"], a["mime_type"]) for a in item.get("attachments", [])]


def test_feed_reader_rejects_what_is_not_a_feed() -> None:
    """The reader really judges: a JSON document that is not JSON Feed is refused."""
    import feedparser_rs

    assert feedparser_rs.parse(b'{"version": "x", "items": []}').bozo
