"""The combined document of a view: ``views/<id>/downloads/<id>.pdf|docx|odt``, titled with
the view's title, the view's items in editorial order, only the view's passages."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from pakketbuild.loader import load_content
from pakketbuild.publication import build_publication
from pakketbuild.writers.documents import view_order
from tests.views.text import file_text
from tests.views.trees import (
    RAADSLID_BODY,
    RAADSLID_MARKERS,
    RAADSLID_STEP,
    SITE,
    WETHOUDER_MARKERS,
    write_views_tree,
)

FORMATS = ("pdf", "docx", "odt")


@pytest.mark.parametrize("ext", FORMATS)
def test_a_raadslid_passage_is_in_the_raadsleden_document_and_in_no_other_view(
    views_site: Path, ext: str
) -> None:
    raadsleden = file_text(views_site / f"views/raadsleden/downloads/raadsleden.{ext}")
    assert RAADSLID_BODY in raadsleden and RAADSLID_STEP in raadsleden
    assert not any(marker in raadsleden for marker in WETHOUDER_MARKERS)
    assert "Alleen voor" not in raadsleden
    views = [p.name for p in (views_site / "views").iterdir() if p.name != "raadsleden"]
    others = [views_site / f"views/{v}/downloads/{v}.{ext}" for v in views]
    assert others, "no other view"
    for path in others:
        text = file_text(path)
        assert not any(marker in text for marker in RAADSLID_MARKERS), path


def test_the_combined_document_is_titled_with_the_view_and_has_every_item(
    views_site: Path,
) -> None:
    path = views_site / "views/raadsleden/downloads/raadsleden.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo.Title) == "Pakket voor raadsleden"
        titles = []
        with pdf.open_outline() as outline:
            titles = [str(entry.title) for entry in outline.root]
    assert titles == ["Inhoud", "Hulp bij bedreiging", "Colofon"]
    # the full edition has no combined document: it has the pakketten
    assert not (views_site / "downloads/raadsleden.pdf").exists()


def test_the_view_home_page_manifest_and_api_list_it(views_site: Path) -> None:
    home = (views_site / "views/raadsleden/index.html").read_text("utf-8")
    for ext in FORMATS:
        assert f'href="downloads/raadsleden.{ext}"' in home
    manifest = (views_site / "manifest.json").read_text("utf-8")
    for ext in FORMATS:
        assert f"views/raadsleden/downloads/raadsleden.{ext}" in manifest
    index = json.loads((views_site / "views/raadsleden/api/v1/index.json").read_text("utf-8"))
    downloads = index.get("downloads", {})
    assert {fmt: link["path"] for fmt, link in downloads.items()} == {
        ext: f"downloads/raadsleden.{ext}" for ext in FORMATS
    }


def test_editorial_order_is_the_views_list_then_pakket_order_then_the_rest(
    tmp_path: Path,
) -> None:
    site = SITE.replace(
        "    audiences: [raadslid]\n    theme: paars\n",
        "    audiences: [raadslid, burgemeester]\n    theme: paars\n    items: [scan]\n",
    )
    root = write_views_tree(tmp_path / "content", {"site.yaml": site})
    pub = build_publication(load_content(root))
    assert [item.id for item in view_order(pub.views["raadsleden"])] == ["scan", "hulp"]
    # without a list: the pakket's order (hulp, scan)
    root = write_views_tree(
        tmp_path / "content2",
        {"site.yaml": SITE.replace("[raadslid]\n", "[raadslid, burgemeester]\n")},
    )
    pub = build_publication(load_content(root))
    assert [item.id for item in view_order(pub.views["raadsleden"])] == ["hulp", "scan"]
