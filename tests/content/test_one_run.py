"""Every mistake in one run: a file with several errors still gets its reference errors,
and a reference to a file that has errors of its own is not reported a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from pakketbuild.diagnostics import ContentError
from pakketbuild.loader import load_content
from tests.content.test_errors import ITEM_HEAD, item
from tests.content.tree import PAKKET, write_tree

EIGHT_MISTAKES = item(
    "related: [woningscann]\n"
    "providers: [nwbb]\n"
    "titel: Woningscan\n"
    "last_reviewed: 3-12-2026\n"
    "contacts:\n  - label: Team\n    phone: 070-123\n"
    "documents:\n  - title: Folder\n    url: www.voorbeeld.nl/folder.pdf\n",
    head=ITEM_HEAD.replace("kind: scan", "kind: scann").replace(
        "audiences: [burgemeester]", "audiences: [Burgemeester, wethouders]"
    ),
)


def _codes(tmp_path: Path, changes: dict[str, str | bytes | None]) -> list[tuple[str, str, int]]:
    with pytest.raises(ContentError) as caught:
        load_content(write_tree(tmp_path / "content", changes))
    return [(d.code, d.field, d.line) for d in caught.value.diagnostics]


def test_eight_mistakes_in_one_file_are_all_reported(tmp_path: Path) -> None:
    found = _codes(tmp_path, {"items/woningscan.md": EIGHT_MISTAKES})
    assert sorted(found) == sorted(
        [
            ("invalid-value", "kind", 4),
            ("invalid-value", "audiences[0]", 6),
            ("invalid-value", "audiences[1]", 6),
            ("unknown-reference", "related[0]", 7),
            ("unknown-reference", "providers[0]", 8),
            ("unknown-field", "titel", 9),
            ("invalid-date", "last_reviewed", 10),
            ("invalid-phone", "contacts[0].phone", 13),
            ("insecure-url", "documents[0].url", 16),
        ]
    )


def test_did_you_mean_for_capitals_and_plurals(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(write_tree(tmp_path / "content", {"items/woningscan.md": EIGHT_MISTAKES}))
    text = "\n".join(d.message for d in caught.value.diagnostics)
    assert "the text 'Burgemeester' is not allowed here; did you mean 'burgemeester'?" in text
    assert "the text 'wethouders' is not allowed here; did you mean 'wethouder'?" in text
    assert "there is no item with id 'woningscann'; did you mean 'woningscan'?" in text
    assert "'www.voorbeeld.nl/folder.pdf' has no 'https://' in front; write " in text
    assert "'https://www.voorbeeld.nl/folder.pdf'" in text


def test_a_broken_pakket_still_gets_its_reference_errors(tmp_path: Path) -> None:
    pakket = PAKKET.replace("items: [woningscan]", "items: [woningscan, woningscann]")
    pakket = pakket.replace("title: Een pakket", "title: Een pakket\ntitel: x")
    found = _codes(tmp_path, {"pakketten/pakket.md": pakket})
    assert sorted(code for code, _, _ in found) == ["unknown-field", "unknown-reference"]


def test_a_reference_to_a_file_with_its_own_errors_is_not_reported_again(
    tmp_path: Path,
) -> None:
    broken = item(head=ITEM_HEAD.replace("id: woningscan", "id: tweede")).replace(
        "kind: scan", "kind: nope"
    )
    changes: dict[str, str | bytes | None] = {
        "items/tweede.md": broken,
        "items/woningscan.md": item("related: [tweede]\n"),
    }
    assert [code for code, _, _ in _codes(tmp_path, changes)] == ["invalid-value"]
