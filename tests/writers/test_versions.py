"""Content versions: every item and pakket document carries a hash of what it publishes,
listed in ``api/v1/index.json`` (and a view's version in the full edition's index), so a
partner fetches only what changed. A version changes when, and only when, what a partner
sees changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.views.trees import HULP, SCAN, write_views_tree

Versions = dict[tuple[str, str, str], str]


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def versions(out: Path) -> Versions:
    """(edition, kind, id) → version, from every index; each document must agree."""
    found: Versions = {}
    full = _json(out / "api/v1/index.json")
    for view in full.get("views", []):
        found[("", "view", view["id"])] = view["version"]
    editions = {"": out, **{v["id"]: out / "views" / v["id"] for v in full.get("views", [])}}
    for name, root in editions.items():
        index = _json(root / "api/v1/index.json")
        for kind, key in (("item", "items"), ("pakket", "pakketten")):
            for entry in index[key]:
                doc = _json(root / entry["links"]["json"]["path"])
                assert doc["version"] == entry["version"], (name, entry["id"])
                assert entry["status"] == "gepubliceerd"
                found[(name, kind, entry["id"])] = entry["version"]
        for pakket in index["pakketten"]:  # embedded items carry their own versions
            doc = _json(root / pakket["links"]["json"]["path"])
            for item in doc["items"]:
                assert item["version"] == found[(name, "item", item["id"])]
    return found


def _changed(before: Versions, after: Versions) -> set[tuple[str, str, str]]:
    assert before.keys() == after.keys()
    return {key for key in before if before[key] != after[key]}


def test_a_rebuild_without_changes_changes_no_version(
    tmp_path: Path, make_build: Callable[..., Path]
) -> None:
    content = write_views_tree(tmp_path / "content")
    first = versions(make_build(content, "json"))
    assert len(first) >= 8 and all(len(v) == 16 for v in first.values())
    assert versions(make_build(content, "json", force=True)) == first


def test_editing_one_item_changes_exactly_what_shows_it(
    tmp_path: Path, make_build: Callable[..., Path]
) -> None:
    content = write_views_tree(tmp_path / "content")
    before = versions(make_build(content, "json"))

    # 'scan' is for burgemeesters only: in the full edition's pakket, in no view.
    (content / "items/scan.md").write_text(SCAN + "\nEen zin erbij.\n", "utf-8")
    after = versions(make_build(content, "json"))
    assert _changed(before, after) == {("", "item", "scan"), ("", "pakket", "pakket")}

    # 'hulp' is in the pakket of every edition: its text for everyone changes everywhere.
    (content / "items/hulp.md").write_text(
        HULP.replace("Algemene tekst voor iedereen.", "Nieuwe tekst voor iedereen."), "utf-8"
    )
    edited = versions(make_build(content, "json"))
    assert _changed(after, edited) == {
        (edition, kind, key)
        for edition in ("", "raadsleden", "wethouders")
        for kind, key in (("item", "hulp"), ("pakket", "pakket"))
    } | {("", "view", "raadsleden"), ("", "view", "wethouders")}

    # A passage for raadsleden only: the full edition and the raadsleden view change, the
    # wethouders view (which never shows that passage) does not.
    (content / "items/hulp.md").write_text(
        HULP.replace("Algemene tekst voor iedereen.", "Nieuwe tekst voor iedereen.").replace(
            "eerst de griffie.", "eerst de griffie of de voorzitter."
        ),
        "utf-8",
    )
    passage = versions(make_build(content, "json"))
    assert _changed(edited, passage) == {
        (edition, kind, key)
        for edition in ("", "raadsleden")
        for kind, key in (("item", "hulp"), ("pakket", "pakket"))
    } | {("", "view", "raadsleden")}

    # A change that no partner sees (a YAML comment) changes no version.
    (content / "items/scan.md").write_text(
        SCAN.replace("---\n", "---\n# opmerking voor de redactie\n", 1) + "\nEen zin erbij.\n",
        "utf-8",
    )
    assert versions(make_build(content, "json")) == passage


def test_dates_come_only_from_the_content(tmp_path: Path) -> None:
    """``date_published`` from ``published:`` only (not the first change-log entry: an item
    may be years older than its first logged change); ``date_modified`` from the newest
    change."""
    from tests.writers.html_tools import SMALL, build_tree

    out = build_tree(SMALL, tmp_path / "exports", "json")  # private cache, not beside SMALL
    feed = {i["_pakketbuild"]["id"]: i for i in _json(out / "feeds/feed.json")["items"]}
    assert feed["hulplijn"]["date_published"] == "2026-10-01T00:00:00Z"  # published:
    assert feed["hulplijn"]["date_modified"] == "2026-11-15T00:00:00Z"
    melden = feed["stappenplan-melden"]  # one change, no 'published'
    assert melden["date_modified"] == "2026-09-01T00:00:00Z"
    assert "date_published" not in melden
    index = {i["id"]: i for i in _json(out / "api/v1/index.json")["items"]}
    assert index["stappenplan-melden"]["dates"] == {
        "modified": "2026-09-01",
        "last_reviewed": "2026-11-01",
    }


def test_embeddable_html_has_unique_ids_and_marks_audience_passages(
    tmp_path: Path, make_build: Callable[..., Path]
) -> None:
    """A partner page that shows every item of a pakket (from the API or a feed) gets no
    duplicate id, and can tell which passage is for whom."""
    import re

    out = make_build(write_views_tree(tmp_path / "content"), "json")
    pakket = _json(out / "api/v1/pakketten/pakket.json")
    html = "".join(
        item["body_html"] + "".join(s.get("text_html", "") for s in item["steps"])
        for item in pakket["items"]
    )
    ids = re.findall(r'id="([^"]+)"', html)
    assert ids and len(ids) == len(set(ids))
    for item in pakket["items"]:
        own = re.findall(r'id="([^"]+)"', item["body_html"])
        assert all(i.startswith(item["id"] + "--") for i in own), own
    hulp = _json(out / "api/v1/items/hulp.json")
    assert '<div class="passage" data-audience="raadslid">' in hulp["body_html"]
    assert '<div class="passage" data-audience="wethouder">' in hulp["body_html"]
    assert 'data-audience="raadslid"' in hulp["steps"][0]["text_html"]
    feed = _json(out / "feeds/feed.json")
    entry = next(i for i in feed["items"] if i["_pakketbuild"]["id"] == "hulp")
    assert 'id="hulp--daarna"' in entry["content_html"]


def test_a_view_api_carries_its_combined_pakket(
    tmp_path: Path, make_build: Callable[..., Path]
) -> None:
    """One fetch renders a view: its items in editorial order, cut for its audiences."""
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    from pakketbuild.writers.api_schema import json_schema
    from tests.views.trees import RAADSLID_BODY, WETHOUDER_BODY

    out = make_build(write_views_tree(tmp_path / "content"), "json")
    full = _json(out / "api/v1/index.json")
    assert "combined" not in full
    refs = {v["id"]: v["combined"]["path"] for v in full["views"]}
    assert refs["raadsleden"] == "views/raadsleden/api/v1/combined/raadsleden.json"
    root = out / "views/raadsleden"
    index = _json(root / "api/v1/index.json")
    assert index["combined"]["path"] == "api/v1/combined/raadsleden.json"
    doc = _json(root / index["combined"]["path"])
    for schema in (_json(root / "api/v1/schema/pakket.json"), json_schema("pakket", strict=True)):
        jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["id"] == "raadsleden" and doc["path_root"] == "../../../"
    assert doc["links"]["html"]["path"] == "index.html"
    assert doc["links"]["json"]["path"] == index["combined"]["path"]
    assert [i["id"] for i in doc["items"]] == ["hulp"]  # the view's only item
    text = json.dumps(doc, ensure_ascii=False)
    assert RAADSLID_BODY in text and WETHOUDER_BODY not in text
    for item in doc["items"]:  # the same documents as the view's own item files
        assert item == _json(root / item["links"]["json"]["path"])
    assert (root / "api/v1/openapi.json").read_text("utf-8").count("/combined/{viewId}.json") == 1
