"""The one "did you mean …?" hint (``suggest.py``), and every message that offers it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.i18n import current_language, set_language
from pakketbuild.suggest import closest, did_you_mean
from pakketbuild.writers import FORMATS


@pytest.fixture
def dutch() -> Iterator[None]:
    before = current_language()
    set_language("nl")
    yield
    set_language(before)


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [
        ("htm", FORMATS, "html"),
        ("PDF", FORMATS, "pdf"),  # letter case is forgiven
        ("burgemeesters", ["burgemeester", "wethouder"], "burgemeester"),  # a plural
        ("  wethouder ", ["burgemeester", "wethouder"], "wethouder"),
        ("woningscn", ["woningscan", "hulplijn"], "woningscan"),
        ("xyz", FORMATS, None),
        ("hulp", [], None),
    ],
)
def test_closest(value: str, choices: list[str], expected: str | None) -> None:
    assert closest(value, choices) == expected


def test_the_hint_is_worded_here_and_translated(dutch: None) -> None:
    assert did_you_mean("docs", FORMATS) == "bedoelt u 'docx'?"
    assert did_you_mean("zzzz", FORMATS) == ""
    set_language("en")
    assert did_you_mean("docs", FORMATS) == "did you mean 'docx'?"


def test_every_kind_of_name_gets_the_same_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A format (the registry), a kind (``new``), a field and an audience (``check``)."""
    assert main(["build", "--formats", "html,PDF", "--out", str(tmp_path / "x")]) == 1
    assert "unknown format 'PDF' (did you mean 'pdf'?)" in capsys.readouterr().err
    assert main(["new", "item", "x", "--kind", "sacn", "--content", str(tmp_path)]) == 1
    assert "(did you mean 'scan'?)" in capsys.readouterr().err
    root = tmp_path / "content"
    (root / "items").mkdir(parents=True)
    (root / "site.yaml").write_text(
        "title: T\nid: t\nlanguage: nl\npublisher: o\n", encoding="utf-8"
    )
    (root / "organisaties.yaml").write_text(
        "organisations:\n  - id: o\n    name: O\n", encoding="utf-8"
    )
    (root / "items" / "a.md").write_text(
        "---\nid: a\ntitle: A\nkind: other\nsummary: S.\naudiences: [burgemeesters]\n"
        "providers: [o]\nstatus: gepubliceerd\ntitel: A\n---\nTekst.\n",
        encoding="utf-8",
    )
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "'titel' is not a known field; did you mean 'title'? allowed here:" in err
    assert "did you mean 'burgemeester'? choose one of" in err
