"""Audience passages (``::: alleen-voor …``) reach the editions meant for them and no
other, in every format: HTML, the JSON API, JSON Feed, Atom, PDF and Word."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from pakketbuild import markdown
from tests.views.text import docx_text, file_text
from tests.views.trees import (
    RAADSLID_BODY,
    RAADSLID_MARKERS,
    RAADSLID_STEP,
    WETHOUDER_BODY,
    WETHOUDER_MARKERS,
)
from tests.writers.document_tools import pdf_text

ALL_MARKERS = (*RAADSLID_MARKERS, *WETHOUDER_MARKERS)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "manifest.json")


@pytest.mark.parametrize(
    ("view", "allowed", "forbidden"),
    [
        ("raadsleden", RAADSLID_MARKERS, WETHOUDER_MARKERS),
        ("wethouders", WETHOUDER_MARKERS, RAADSLID_MARKERS),
    ],
)
def test_a_view_holds_its_own_passages_and_no_other(
    views_site: Path, view: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]
) -> None:
    root = views_site / "views" / view
    formats: set[str] = set()
    seen: set[str] = set()
    for path in _files(root):
        text = file_text(path)
        leaked = [m for m in forbidden if m in text]
        assert leaked == [], f"{path.relative_to(views_site)} leaks {leaked}"
        # In a view a passage is plain text: never the full edition's label.
        assert "Alleen voor" not in text, path
        seen.update(m for m in allowed if m in text)
        formats.add(path.suffix)
    assert seen == set(allowed)
    assert {".html", ".json", ".atom", ".pdf", ".docx", ".odt"} <= formats


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("items/hulp/index.html", [RAADSLID_BODY, RAADSLID_STEP]),
        ("api/v1/items/hulp.json", [RAADSLID_BODY, RAADSLID_STEP]),
        ("feeds/feed.json", [RAADSLID_BODY]),
        ("feeds/raadslid.atom", [RAADSLID_BODY]),
        ("downloads/items/hulp.pdf", [RAADSLID_BODY, RAADSLID_STEP]),
        ("downloads/pakket.docx", [RAADSLID_BODY, RAADSLID_STEP]),
    ],
)
def test_each_format_of_the_raadsleden_view_carries_the_passage(
    views_site: Path, path: str, expected: list[str]
) -> None:
    text = file_text(views_site / "views/raadsleden" / path)
    assert all(marker in text for marker in expected), path
    assert not any(marker in text for marker in WETHOUDER_MARKERS), path


def test_the_full_edition_shows_every_passage_labelled(views_site: Path) -> None:
    page = (views_site / "items/hulp/index.html").read_text(encoding="utf-8")
    assert '<p class="passage-label">Alleen voor raadsleden</p>' in page
    assert '<p class="passage-label">Alleen voor wethouders</p>' in page
    for name in ("items/hulp/index.html", "api/v1/items/hulp.json", "feeds/feed.json"):
        text = file_text(views_site / name)
        assert all(m in text for m in (RAADSLID_BODY, RAADSLID_STEP, WETHOUDER_BODY)), name
    pdf = pdf_text(views_site / "downloads/pakket.pdf")
    assert "Alleen voor raadsleden" in pdf and "Alleen voor wethouders" in pdf
    assert all(m in pdf for m in ALL_MARKERS)
    word = docx_text(views_site / "downloads/pakket.docx")
    assert "Alleen voor raadsleden" in word and all(m in word for m in ALL_MARKERS)
    with zipfile.ZipFile(views_site / "downloads/pakket.docx") as package:
        styles = package.read("word/styles.xml").decode()
        body = package.read("word/document.xml").decode()
    assert 'w:styleId="PassageLabel"' in styles and '<w:pStyle w:val="PassageLabel"/>' in body


def test_the_full_editions_audience_feeds_hold_only_their_audiences_passages(
    views_site: Path,
) -> None:
    for ext in ("json", "atom"):
        raadslid = file_text(views_site / f"feeds/raadslid.{ext}")
        wethouder = file_text(views_site / f"feeds/wethouder.{ext}")
        burgemeester = file_text(views_site / f"feeds/burgemeester.{ext}")
        assert RAADSLID_BODY in raadslid and WETHOUDER_BODY not in raadslid
        assert WETHOUDER_BODY in wethouder and RAADSLID_BODY not in wethouder
        assert not any(m in burgemeester for m in ALL_MARKERS)
        assert "Alleen voor" not in raadslid + wethouder + burgemeester


def test_views_hold_only_their_audiences_items(views_site: Path) -> None:
    index = json.loads((views_site / "views/raadsleden/api/v1/index.json").read_text("utf-8"))
    assert [i["id"] for i in index["items"]] == ["hulp"]  # 'scan' is for burgemeesters
    assert index["pakketten"][0]["items"] == ["hulp"]
    assert index["site"]["title"] == "Pakket voor raadsleden"
    # Paths are relative to the view's folder; URLs absolute under it.
    link = index["items"][0]["links"]["html"]
    assert link == {
        "path": "items/hulp/index.html",
        "url": "https://voorbeeld.nl/p/views/raadsleden/items/hulp/index.html",
        "media_type": "text/html",
    }
    assert [f["audience"] for f in index["feeds"][1:]] == ["raadslid"]
    assert not (views_site / "views/raadsleden/items/scan").exists()
    full = json.loads((views_site / "api/v1/index.json").read_text("utf-8"))
    assert [(v["id"], v["api"]["path"]) for v in full["views"]] == [
        ("raadsleden", "views/raadsleden/api/v1/index.json"),
        ("wethouders", "views/wethouders/api/v1/index.json"),
    ]
    home = (views_site / "index.html").read_text("utf-8")
    assert 'href="views/raadsleden/index.html"' in home


def test_feed_ids_and_dates_are_the_same_in_every_edition(views_site: Path) -> None:
    def entry(path: str) -> dict[str, object]:
        feed = json.loads((views_site / path).read_text("utf-8"))
        return next(i for i in feed["items"] if i["_pakketbuild"]["id"] == "hulp")

    full, view = entry("feeds/feed.json"), entry("views/raadsleden/feeds/feed.json")
    assert full["id"] == view["id"] == "urn:pakketbuild:testnetwerk:item:hulp"
    assert full["date_modified"] == view["date_modified"] == "2026-10-15T00:00:00Z"
    assert view["url"] == "https://voorbeeld.nl/p/views/raadsleden/items/hulp/index.html"


# --------------------------------------------------------------------------- select_passages

SOURCE = """\
Voor iedereen.
:::: alleen-voor raadslid, statenlid
Raad.

::: alleen-voor wethouder
Genest.
:::
::::
- lijst
  ::: alleen-voor wethouder
  Wet in lijst.
  :::
```
::: alleen-voor wethouder
code blijft
:::
```
Slot."""


def test_select_passages_cuts_by_source_lines() -> None:
    assert markdown.select_passages(SOURCE, None) == SOURCE
    raad = markdown.select_passages(SOURCE, frozenset({"raadslid"}))
    assert "Raad." in raad and "Genest." not in raad and "Wet in lijst" not in raad
    assert "code blijft" in raad  # a fence is text, never a passage
    assert ":::" not in raad.replace("::: alleen-voor wethouder\ncode blijft\n:::", "")
    wet = markdown.select_passages(SOURCE, frozenset({"wethouder"}))
    assert "Raad." not in wet and "Genest." not in wet  # nested in a removed passage
    assert "Wet in lijst." in wet
    both = markdown.select_passages(SOURCE, frozenset({"statenlid", "wethouder"}))
    assert "Raad." in both and "Genest." in both
    # Paragraphs around a removed passage never merge.
    html = markdown.render_html(wet)
    assert "<p>Voor iedereen.</p>" in html
    assert markdown.passages(SOURCE) == [(1, ["raadslid", "statenlid"]), (4, ["wethouder"]),
                                         (9, ["wethouder"])]  # fmt: skip
