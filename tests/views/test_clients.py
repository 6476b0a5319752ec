"""Real clients over the views scenario: its pages (labelled passages, a theme with a
logo and a bundled font, withdrawn-item pages) pass the Nu HTML Checker and axe-core;
every JSON feed of every edition is valid JSON Feed 1.1; the themed PDFs (logo with
alternative text, bundled font) pass the PDF/UA checkers.

The real content's view pages are covered by ``tests/writers/test_real_clients_html.py``,
which checks every page under the real export, ``views/`` included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clients import axe_results, pdfua_failures, validate_jsonfeed, vnu_errors
from tests.writers.html_tools import html_pages

pytestmark = pytest.mark.clients


def test_nu_html_checker_and_axe_accept_every_page_and_theme(views_site: Path) -> None:
    pages = html_pages(views_site)
    assert any("/views/raadsleden/" in p.as_posix() for p in pages)
    styles = sorted(views_site.glob("**/assets/*.css"))
    assert vnu_errors([*pages, *styles]) == []
    results = axe_results(pages)
    problems = [
        f"{r['file']}: {v['id']}: {v['help']} at {v['nodes'][:2]}"
        for r in results
        for v in r["violations"]
    ]
    assert problems == []
    assert [r["file"] for r in results if r["blocked_requests"]] == []


def test_every_json_feed_of_every_edition_is_valid(views_site: Path) -> None:
    feeds = sorted(views_site.glob("**/feeds/*.json"))
    assert len(feeds) >= 6
    for path in feeds:
        assert validate_jsonfeed(json.loads(path.read_text("utf-8"))) == [], path


@pytest.mark.parametrize("path", ["views/raadsleden/downloads/pakket.pdf", "downloads/pakket.pdf"])
def test_themed_and_passage_pdfs_pass_the_pdfua_checkers(views_site: Path, path: str) -> None:
    assert pdfua_failures(views_site / path) == []
