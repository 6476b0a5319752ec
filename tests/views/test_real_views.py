"""The real content builds the full edition and one view per association named in the
source's audiences, each self-contained, in its own example theme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pakketbuild.loader import load_content
from pakketbuild.model import Status

VIEWS = {
    "burgemeesters": "burgemeester",
    "wethouders": "wethouder",
    "raadsleden": "raadslid",
    "statenleden": "statenlid",
}


@pytest.mark.parametrize(("view", "audience"), sorted(VIEWS.items()))
def test_each_association_has_its_view(
    real_documents: Path, real_content: Path, view: str, audience: str
) -> None:
    content = load_content(real_content)
    expected = sorted(
        i.id
        for i in content.items.values()
        if i.status is Status.GEPUBLICEERD and audience in i.audiences
    )
    assert expected, audience
    root = real_documents / "views" / view
    index = json.loads((root / "api/v1/index.json").read_text("utf-8"))
    assert [i["id"] for i in index["items"]] == expected
    assert index["site"]["title"].startswith("Veiligheidspakket voor ")
    for item_id in expected:
        for path in (
            f"items/{item_id}/index.html",
            f"api/v1/items/{item_id}.json",
            f"downloads/items/{item_id}.pdf",
            f"downloads/items/{item_id}.docx",
        ):
            assert (root / path).is_file(), path
    assert (root / "feeds/feed.atom").is_file() and (root / f"feeds/{audience}.json").is_file()
    theme = (root / "assets/theme.css").read_text("utf-8")
    own = json.loads((real_content / f"themes/{view}/tokens.json").read_text("utf-8"))
    assert f"--color-brand: {own['color']['brand']['$value']};" in theme
    # Only the burgemeesters' pakket is for burgemeesters: other views list the items.
    assert bool(index["pakketten"]) is (view == "burgemeesters")
    # One document with the whole view, in every document format, linked from its home page
    home = (root / "index.html").read_text("utf-8")
    for ext in ("pdf", "docx", "odt"):
        assert (root / f"downloads/{view}.{ext}").is_file()
        assert f'href="downloads/{view}.{ext}"' in home
    # in the pakket's order (the views' 'items' lists in site.yaml follow it)
    pakket = next(iter(content.pakketten.values())).items
    bundle = _pdf_outline_titles(root / f"downloads/{view}.pdf")
    titles = {i.title: i.id for i in content.items.values()}
    ids = [titles[t] for t in bundle if t in titles]
    assert sorted(ids) == expected
    assert ids == [i for i in pakket if i in expected]


def _pdf_outline_titles(path: Path) -> list[str]:
    import pikepdf

    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        return [str(entry.title) for entry in outline.root]


def test_the_full_edition_keeps_its_urls_and_links_the_views(real_documents: Path) -> None:
    assert (real_documents / "veiligheidspakket-startende-burgemeesters/index.html").is_file()
    assert (real_documents / "downloads/veiligheidspakket-startende-burgemeesters.pdf").is_file()
    home = (real_documents / "index.html").read_text("utf-8")
    for view in VIEWS:
        assert f'href="views/{view}/index.html"' in home
    full = json.loads((real_documents / "api/v1/index.json").read_text("utf-8"))
    assert [v["id"] for v in full["views"]] == list(VIEWS)
