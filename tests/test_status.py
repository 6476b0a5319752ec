"""``pakketbuild status``: counts per status, reviews due, per owner; table, JSON, Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.i18n import set_language
from tests.content.tree import ITEM, PAKKET, write_tree

TODAY = "2026-11-29"


@pytest.fixture(autouse=True)
def dutch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The overview is an editor's screen: these tests read it in Dutch, the default."""
    monkeypatch.setenv("LANGUAGE", "nl")
    set_language("nl")
    yield
    set_language("en")


def item(item_id: str, extra: str = "", status: str = "gepubliceerd") -> str:
    text = ITEM.replace("status: gepubliceerd\n", f"status: {status}\n{extra}")
    return text.replace("id: woningscan", f"id: {item_id}").replace(
        "title: Woningscan", f"title: Titel {item_id}"
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Seven items: overdue (2), due soon (1), fine (1), no dates (1), concept, archived."""
    files: dict[str, str | bytes | None] = {
        "items/woningscan.md": item("woningscan", "review_by: 2026-11-01\nowner: Team A\n"),
        "items/laat.md": item("laat", "review_by: 2026-11-28\nowner: Team B | C\n"),
        "items/binnenkort.md": item("binnenkort", "review_by: 2026-12-29\nowner: Team A\n"),
        "items/later.md": item("later", "review_by: 2026-12-30\nowner: Team A\n"),
        "items/zonder.md": item("zonder"),
        "items/schets.md": item("schets", "review_by: 2020-01-01\n", "concept"),
        "items/oud.md": item("oud", status="gearchiveerd"),
    }
    return write_tree(tmp_path / "content", files)


def status(content: Path, fmt: str | None, capsys: pytest.CaptureFixture[str]) -> str:
    options = ["--format", fmt] if fmt else []
    assert main(["status", "--content", str(content), *options, "--today", TODAY]) == 0
    return capsys.readouterr().out


def test_json(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(status(content, "json", capsys))
    assert data["today"] == TODAY and data["due_soon_days"] == 30
    assert data["statuses"] == {"concept": 1, "gepubliceerd": 5, "gearchiveerd": 1}
    assert [(r["id"], r["days_left"]) for r in data["overdue"]] == [
        ("woningscan", -28),
        ("laat", -1),
    ]
    assert data["overdue"][0] == {
        "id": "woningscan",
        "title": "Titel woningscan",
        "owner": "Team A",
        "last_reviewed": None,
        "review_by": "2026-11-01",
        "days_left": -28,
    }
    assert [(r["id"], r["days_left"]) for r in data["due_soon"]] == [("binnenkort", 30)]
    assert [(r["id"], r["owner"]) for r in data["missing"]] == [("zonder", None)]
    assert data["owners"] == [
        {"owner": "(geen eigenaar)", "published": 1, "overdue": 0, "due_soon": 0, "missing": 1},
        {"owner": "Team A", "published": 3, "overdue": 1, "due_soon": 1, "missing": 0},
        {"owner": "Team B | C", "published": 1, "overdue": 1, "due_soon": 0, "missing": 0},
    ]


def test_markdown(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = status(content, "markdown", capsys)
    assert text.startswith(f"## Redactie-overzicht op {TODAY}\n")
    assert "### Onderdelen per status\n\n| Status | Aantal |\n|---|---:|\n| concept | 1 |" in text
    assert "### Controle te laat (2)" in text
    assert "| woningscan | Team A | 2026-11-01 | 28 |" in text
    assert "| laat | Team B \\| C | 2026-11-28 | 1 |" in text  # '|' escaped in a cell
    assert "### Controle binnen 30 dagen (1)\n" in text
    assert "| binnenkort | Team A | 2026-12-29 | 30 |" in text
    assert "### Zonder controledatum (1)\n" in text
    assert "| zonder | (geen eigenaar) |" in text
    assert "| Team A | 3 | 1 | 1 | 0 |" in text


def test_markdown_says_none_for_empty_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        tmp_path / "content",
        {"items/woningscan.md": item("woningscan", "review_by: 2027-06-01\nowner: Team A\n")},
    )
    text = status(root, "markdown", capsys)
    assert "### Controle te laat (0)\n\nGeen.\n" in text
    assert "### Zonder controledatum (0)\n\nGeen.\n" in text


def test_table(
    content: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    text = status(content, None, capsys)  # the table is the default
    for expected in (
        f"Redactie-overzicht op {TODAY}",
        "Onderdelen per status",
        "Controle te laat (2)",
        "Controle binnen 30 dagen (1)",
        "Zonder controledatum (1)",
        "Per eigenaar",
        "(geen eigenaar)",
        "Team B | C",
    ):
        assert expected in text
    assert "\x1b[" not in text  # no colour codes when not writing to a terminal


def test_status_on_the_real_content(real_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--content", str(real_content), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["statuses"]["gepubliceerd"] == 7
    assert len(data["missing"]) == 7


def test_status_on_broken_content_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content", {"pakketten/pakket.md": PAKKET.replace("nwb", "nwx")})
    assert main(["status", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "fout[unknown-reference]" in err
    assert "status werkt alleen als de teksten goed zijn" in err


def test_status_invalid_today_is_a_usage_error(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--content", str(content), "--today", "gisteren"]) == 1
    assert "'gisteren' is geen datum" in capsys.readouterr().err
