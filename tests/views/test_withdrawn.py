"""Withdrawn items (archived, or removed and listed in ``withdrawn.yaml``) become
tombstones: an API document, a page that says so and links the replacement, Atom
``at:deleted-entry``; never an entry in a pakket or a JSON feed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pakketbuild.cli import main
from tests.views.trees import WITHDRAWN, write_views_tree
from tests.writers.html_tools import parse_page


def test_withdrawn_items_are_tombstones_in_the_api(views_site: Path) -> None:
    doc = json.loads((views_site / "api/v1/withdrawn.json").read_text("utf-8"))
    assert doc["api_version"] == "v1"
    stones = {s["id"]: s for s in doc["withdrawn"]}
    assert list(stones) == ["oud", "weg"]
    oud, weg = stones["oud"], stones["weg"]
    assert oud["feed_id"] == "urn:pakketbuild:testnetwerk:item:oud"
    assert oud["date"] == "2026-05-01"  # the archived item's latest change
    assert oud["replaced_by"]["id"] == "hulp"
    assert oud["replaced_by"]["links"]["html"]["path"] == "items/hulp/index.html"
    assert weg["date"] == "2026-06-01" and weg["reason"] == "Samengevoegd met de scan."
    assert weg["title"] == "Verdwenen onderdeel" and weg["replaced_by"]["id"] == "scan"
    assert oud["html"]["path"] == "items/oud/index.html"


def test_the_page_of_a_withdrawn_item_says_so_and_points_to_the_replacement(
    views_site: Path,
) -> None:
    page = parse_page((views_site / "items/oud/index.html").read_text("utf-8"))
    assert "Dit onderdeel is ingetrokken op 1 mei 2026." in page.text
    assert "Het is vervangen door Hulp bij bedreiging." in page.text
    assert "../hulp/index.html" in page.hrefs()
    assert "Deze tekst is niet meer geldig" not in page.text  # the old text is gone
    weg = parse_page((views_site / "items/weg/index.html").read_text("utf-8"))
    assert "ingetrokken op 1 juni 2026. Samengevoegd met de scan." in weg.text


def test_withdrawn_items_are_in_no_pakket_feed_or_list(views_site: Path) -> None:
    for path in ("feeds/feed.json", "feeds/raadslid.json", "api/v1/index.json",
                 "api/v1/pakketten/pakket.json", "index.html", "pakket/index.html"):  # fmt: skip
        text = (views_site / path).read_text("utf-8")
        assert "Oude hulplijn" not in text and "Verdwenen onderdeel" not in text, path
    manifest = json.loads((views_site / "manifest.json").read_text("utf-8"))
    paths = {a["path"] for a in manifest["artifacts"]}
    assert {"items/oud/index.html", "items/weg/index.html", "api/v1/withdrawn.json"} <= paths


def test_views_list_the_tombstones_for_their_audiences(views_site: Path) -> None:
    def ids(view: str) -> list[str]:
        doc = json.loads((views_site / f"views/{view}/api/v1/withdrawn.json").read_text("utf-8"))
        return [s["id"] for s in doc["withdrawn"]]

    assert ids("raadsleden") == ["oud", "weg"]  # 'oud' was for raadsleden
    assert ids("wethouders") == ["weg"]  # the register names raadslid and wethouder
    # The replacement 'scan' is not in the wethouders view: no link that leads nowhere.
    weg = json.loads((views_site / "views/wethouders/api/v1/withdrawn.json").read_text("utf-8"))
    assert "replaced_by" not in weg["withdrawn"][0]


def test_atom_feeds_carry_tombstones(views_site: Path) -> None:
    atom = (views_site / "feeds/raadslid.atom").read_text("utf-8")
    assert (
        '<at:deleted-entry ref="urn:pakketbuild:testnetwerk:item:oud" when="2026-05-01T00:00:00Z">'
    ) in atom
    assert 'ref="urn:pakketbuild:testnetwerk:item:weg" when="2026-06-01T00:00:00Z"' in atom
    wethouder = (views_site / "feeds/wethouder.atom").read_text("utf-8")
    assert "item:oud" not in wethouder and "item:weg" in wethouder
    # The tombstone says whom it concerned; the feed points to the full list.
    assert 'scheme="urn:pakketbuild:audience"' in atom.split("<at:deleted-entry")[1]
    assert re.search(
        r'<link rel="related" type="application/json" href="[^"]*api/v1/withdrawn.json"', atom
    )


def test_tombstones_without_audiences_reach_only_the_feeds_of_all_items(
    tmp_path: Path, make_build: Callable[..., Path]
) -> None:
    changes: dict[str, str | None] = {
        "withdrawn.yaml": WITHDRAWN.replace("    audiences: [raadslid, wethouder]\n", "")
    }
    out = make_build(write_views_tree(tmp_path / "content", changes), "json")
    assert "item:weg" in (out / "feeds/feed.atom").read_text("utf-8")
    for audience in ("raadslid", "wethouder"):
        assert "item:weg" not in (out / f"feeds/{audience}.atom").read_text("utf-8")
    doc = json.loads((out / "api/v1/withdrawn.json").read_text("utf-8"))
    assert [(s["id"], s["audiences"]) for s in doc["withdrawn"]] == [
        ("oud", ["raadslid"]),
        ("weg", []),
    ]


def test_json_feeds_point_to_the_withdrawn_items(views_site: Path) -> None:
    for path in ("feeds/feed.json", "feeds/raadslid.json", "views/raadsleden/feeds/feed.json"):
        feed = json.loads((views_site / path).read_text("utf-8"))
        ext = feed["_pakketbuild"]
        assert ext["withdrawn"]["path"] == "api/v1/withdrawn.json"
        assert ext["path_root"] == "../"
        root = (views_site / path).parent / ext["path_root"]
        assert (root / ext["withdrawn"]["path"]).is_file(), path


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"withdrawn.yaml": "withdrawn:\n  - id: scan\n    date: 2026-06-01\n"},
            "content/withdrawn.yaml:2:9: error[duplicate-id] (withdrawn[0].id): 'scan' is "
            "listed as withdrawn, but items/scan.md still exists",
        ),
        (
            {
                "withdrawn.yaml": "withdrawn:\n  - id: weg\n    date: 2026-06-01\n"
                "    replaced_by: scn\n"
            },
            "content/withdrawn.yaml:4:18: error[unknown-reference] (withdrawn[0].replaced_by): "
            "there is no item with id 'scn'; did you mean 'scan'?",
        ),
        (
            {"withdrawn.yaml": "withdrawn:\n  - id: weg\n    date: 2026-13-01\n"},
            "content/withdrawn.yaml:3:11: error[invalid-date] (withdrawn[0].date)",
        ),
    ],
)
def test_the_register_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str], expected: str
) -> None:
    root = write_views_tree(tmp_path / "content", changes)  # type: ignore[arg-type]
    assert main(["check", "--content", str(root)]) == 1
    assert expected in capsys.readouterr().err
