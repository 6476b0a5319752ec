"""``pakketbuild new``: generated files are complete, commented, valid, and never overwrite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.loader import load_content
from pakketbuild.model import Item, Kind, Pakket, Status
from pakketbuild.scaffold import item_text, pakket_text
from tests.content.tree import write_tree


def fields_with_comments(text: str) -> dict[str, list[str]]:
    """Each top-level field of the front matter and the comment lines just above it."""
    front = text.split("---\n")[1]
    found: dict[str, list[str]] = {}
    comments: list[str] = []
    for line in front.splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif match := re.match(r"^([a-z_]+):", line):
            found[match.group(1)] = comments
            comments = []
        elif not line.strip():
            comments = []
    return found


@pytest.mark.parametrize(
    ("text", "model", "body"),
    [
        (item_text("nieuw-onderdeel"), Item, "body"),
        (pakket_text("nieuw-pakket", items=["woningscan"], publisher="nwb"), Pakket, "intro"),
    ],
)
def test_every_field_is_present_with_a_dutch_comment(
    text: str, model: type[Item | Pakket], body: str
) -> None:
    found = fields_with_comments(text)
    assert list(found) == [name for name in model.model_fields if name != body]
    for name, comments in found.items():
        description = model.model_fields[name].description
        assert description and f"# {description}" in comments, name
    assert "\n# yaml-language-server: $schema=../../schema/" in text
    assert "Nieuw " in text and "hekje" in text  # the header explains the comments in Dutch


def test_new_item_validates_and_is_a_concept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    argv = ["new", "item", "training-weerbaarheid", "--kind", "training", "--content", str(root)]
    assert main(argv) == 0
    path = root / "items" / "training-weerbaarheid.md"
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n# yaml-language-server: $schema=../../schema/item.json\n")
    content = load_content(root)
    item = content.items["training-weerbaarheid"]
    assert (item.title, item.kind, item.status) == (
        "Training weerbaarheid",
        Kind.TRAINING,
        Status.CONCEPT,
    )
    assert item.review_by is None and item.owner is None
    assert content.warnings == []
    assert main(["check", "--content", str(root), "--today", "2026-11-29"]) == 0


def test_new_item_in_the_real_content_passes_check(content_copy: Path) -> None:
    assert main(["new", "item", "nieuw", "--content", str(content_copy)]) == 0
    assert "nieuw" in load_content(content_copy).items


@pytest.mark.parametrize("title", ["Let op: nieuw", "#1 in de regio", "2026", "ja", "'quote"])
def test_titles_that_need_quotes(tmp_path: Path, title: str) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["new", "item", "nieuw", "--title", title, "--content", str(root)]) == 0
    assert load_content(root).items["nieuw"].title == title


def test_new_pakket_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["new", "item", "tweede", "--content", str(root)]) == 0
    argv = ["new", "pakket", "nieuw-pakket", "--items", "woningscan,tweede"]
    assert main([*argv, "--content", str(root)]) == 0
    text = (root / "pakketten" / "nieuw-pakket.md").read_text(encoding="utf-8")
    assert "\nitems:\n  - woningscan\n  - tweede\n" in text
    pakket = load_content(root).pakketten["nieuw-pakket"]
    assert pakket.items == ["woningscan", "tweede"]
    assert pakket.publisher == "nwb"  # from site.yaml
    assert pakket.status is Status.CONCEPT


def test_existing_id_is_refused_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    before = (root / "items" / "woningscan.md").read_bytes()
    assert main(["new", "item", "woningscan", "--content", str(root)]) == 1
    assert "woningscan.md already exists; choose another id" in capsys.readouterr().err
    assert (root / "items" / "woningscan.md").read_bytes() == before
    argv = ["new", "pakket", "pakket", "--items", "woningscan", "--content", str(root)]
    assert main(argv) == 1
    assert "pakket.md already exists" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["woning--scan", "x-", "con", "a" * 81, "!!!", "-"])
def test_invalid_id_is_a_usage_error(
    tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["new", "item", bad, "--content", str(root)]) == 1
    assert "the new id cannot be used: " in capsys.readouterr().err
    assert sorted(p.name for p in (root / "items").iterdir()) == ["woningscan.md"]


@pytest.mark.parametrize(
    ("typed", "made_id", "title"),
    [
        ("Nieuw onderdeel", "nieuw-onderdeel", "Nieuw onderdeel"),
        ("Training Één", "training-een", "Training Één"),
        ("  Steunpunt (SIPA)  ", "steunpunt-sipa", "Steunpunt (SIPA)"),
    ],
)
def test_a_title_typed_for_the_id_gives_id_and_title(
    tmp_path: Path, typed: str, made_id: str, title: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editors type the title they have in mind; the id is made from it, and said."""
    root = write_tree(tmp_path / "content")
    assert main(["new", "item", typed, "--content", str(root)]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == str(root / "items" / f"{made_id}.md")
    assert f"so the id is '{made_id}'" in out.err
    assert load_content(root).items[made_id].title == title
    # --title still wins, and a title whose id exists already is refused, not overwritten.
    assert main(["new", "item", "Ander onderdeel", "--title", "Echt", "--content", str(root)]) == 0
    assert load_content(root).items["ander-onderdeel"].title == "Echt"
    before = (root / "items" / "woningscan.md").read_bytes()
    assert main(["new", "item", "Woningscan", "--content", str(root)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (root / "items" / "woningscan.md").read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["new", "item", "x", "--kind", "sacn"],
            "--kind 'sacn' is not a kind (did you mean 'scan'?)",
        ),
        (["new", "item", "x", "--title", " spatie"], "remove the spaces at the start or end"),
        (["new", "pakket", "p"], "the following arguments are required: --items"),
        (["new", "pakket", "p", "--items", "woningscn"], "no item 'woningscn' (did you mean"),
        (["new", "pakket", "p", "--items", ","], "a pakket needs at least one item"),
        (["new", "pakket", "p", "--items", "woningscan,woningscan"], "listed twice"),
        (["new", "pakket", "p", "--items", "woningscan", "--publisher", "nwv"], "'nwb'"),
        (["new"], "required: WHAT"),
    ],
)
def test_usage_errors(
    tmp_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    assert main([*argv, "--content", str(root)] if len(argv) > 1 else argv) == 1
    assert message in capsys.readouterr().err
    assert not (root / "pakketten" / "p.md").exists() and not (root / "items" / "x.md").exists()


def test_missing_content_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "item", "x", "--content", str(tmp_path / "nergens")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_new_pakket_without_site_publisher_needs_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content", {"site.yaml": "title: T\nid: t\n"})
    argv = ["new", "pakket", "p", "--items", "woningscan", "--content", str(root)]
    assert main(argv) == 1
    assert "pass --publisher" in capsys.readouterr().err
    assert main([*argv, "--publisher", "nwb"]) == 0
    assert load_content(root).pakketten["p"].publisher == "nwb"


def test_help_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["new", "item", "--help"])
    assert exited.value.code == 0
    text = "".join(capsys.readouterr().out.split())  # help wraps lines, also at hyphens
    assert all(kind.value in text for kind in Kind)
