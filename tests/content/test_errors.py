"""One test per error code: the exact message, file, line and column.

Each case starts from the minimal valid tree in :mod:`tests.content.tree` and changes one
file. The expected lines were checked by hand against the file each case writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pakketbuild.diagnostics import ContentError
from pakketbuild.loader import load_content
from tests.content.tree import SITE, write_tree

ITEM_HEAD = "---\nid: woningscan\ntitle: Woningscan\nkind: scan\nsummary: Een korte inleiding.\naudiences: [burgemeester]\n"
ITEM_TAIL = "status: gepubliceerd\n---\nDe tekst.\n"


def item(extra: str = "", head: str = ITEM_HEAD, tail: str = ITEM_TAIL) -> str:
    return head + extra + tail


CASES = {
    "yaml-syntax": {"items/woningscan.md": item("owner: a: b\n")},
    "yaml-tab": {"items/woningscan.md": item("contacts:\n\t- label: x\n")},
    "yaml-tag": {"items/woningscan.md": item("owner: !!python/object/apply:os.system [echo hi]\n")},
    "yaml-too-large": {
        "organisaties.yaml": "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    },
    "yaml-too-deep": {"items/woningscan.md": item("owner: " + "[" * 50 + "]" * 50 + "\n")},
    "yaml-merge-key": {
        "organisaties.yaml": "base: &b {name: X}\norganisations:\n  - <<: *b\n    id: nwb\n"
    },
    "yaml-key": {"items/woningscan.md": item("[a, b]: 1\n")},
    "duplicate-key": {"items/woningscan.md": item("title: Nog een titel\n")},
    "invisible-character": {
        "items/woningscan.md": item(
            head=ITEM_HEAD.replace("title: Woningscan", "title: Woning\u202escan")
        )
    },
    "invalid-value": {
        "items/woningscan.md": item(head=ITEM_HEAD.replace("kind: scan", "kind: scann"))
    },
    "invalid-id": {"organisaties.yaml": "organisations:\n  - id: NWB bestuur\n    name: Netwerk\n"},
    "insecure-url": {
        "items/woningscan.md": item("contacts:\n  - label: Site\n    url: http://voorbeeld.nl\n")
    },
    "invalid-email": {
        "items/woningscan.md": item("contacts:\n  - label: Mail\n    email: geen-adres\n")
    },
    "invalid-phone": {
        "items/woningscan.md": item("contacts:\n  - label: Team\n    phone: 070-123\n")
    },
    "path-outside-content": {
        "items/woningscan.md": item("documents:\n  - title: Geheim\n    path: ../geheim.pdf\n")
    },
    "empty-contact": {"items/woningscan.md": item("contacts:\n  - label: Team\n")},
    "date-order": {
        "items/woningscan.md": item("last_reviewed: 2026-06-01\nreview_by: 2026-01-01\n")
    },
    "unknown-field": {"items/woningscan.md": item("titel: Woningscan\n")},
    "missing-field": {"items/woningscan.md": item(head=ITEM_HEAD.replace("kind: scan\n", ""))},
    "wrong-type": {
        "items/woningscan.md": item(head=ITEM_HEAD.replace("title: Woningscan", "title: 2026"))
    },
    "invalid-date": {"items/woningscan.md": item("last_reviewed: 2026-02-30\n")},
    "missing-value": {
        "items/woningscan.md": item(
            head=ITEM_HEAD.replace("audiences: [burgemeester]", "audiences: []")
        )
    },
    "not-a-file": {},  # plus a folder named items/map.md, made in the test
    "file-too-large": {"items/woningscan.md": item() + "x" * (1024 * 1024)},
    "empty-file": {"items/woningscan.md": ""},
    "invalid-utf8": {"items/woningscan.md": item().encode().replace(b"De tekst", b"De t\xe9kst")},
    "nul-byte": {"items/woningscan.md": item().replace("De tekst", "De\x00 tekst")},
    "no-front-matter": {"items/woningscan.md": "id: woningscan\n"},
    "raw-html": {"items/woningscan.md": item() + "\n<script>alert(1)</script>\n"},
    "unsafe-link": {"items/woningscan.md": item() + "\n[klik](javascript:alert(1))\n"},
    "image-not-allowed": {
        "items/woningscan.md": item() + "\n![pixel](https://voorbeeld.nl/p.png)\n"
    },
    "heading-level": {"items/woningscan.md": item() + "\n# Kop\n"},
    "duplicate-id": {
        "organisaties.yaml": "organisations:\n  - id: nwb\n    name: A\n  - id: nwb\n    name: B\n"
    },
    "id-mismatch": {
        "items/woningscan.md": item(head=ITEM_HEAD.replace("id: woningscan", "id: woning-scan"))
    },
    "unknown-reference": {"items/woningscan.md": item("related: [woningscn]\n")},
    "unpublished-item": {"items/woningscan.md": item(tail="status: concept\n---\nDe tekst.\n")},
    "missing-file": {
        "items/woningscan.md": item(
            "documents:\n  - title: Factsheet\n    path: documenten/factsheet.pdf\n"
        )
    },
    "no-pakket": {"pakketten/pakket.md": None},
    "invalid-template": {
        "site.yaml": SITE + "docx_template: sjabloon.docx\n",
        "sjabloon.docx": "geen Word-document",
    },
    "list-marker": {"items/woningscan.md": item() + "\nAls u:\n• burgemeester bent\n"},
    "placeholder-text": {
        "items/woningscan.md": item(
            head=ITEM_HEAD.replace(
                "Een korte inleiding.",
                "Schrijf hier in één alinea waar dit onderdeel over gaat en voor wie het is.",
            )
        )
    },
}

EXPECTED: dict[str, list[str]] = {
    "yaml-syntax": [
        "content/items/woningscan.md:7:9: error[yaml-syntax]: this line has a second ': ' after the field name ('owner: a: b'); put the text after the first ': ' in quotes, like title: \"Let op: dit is een voorbeeld\"",
    ],
    "yaml-tab": [
        "content/items/woningscan.md:8:1: error[yaml-tab]: a tab is used to indent this line; only spaces are allowed, so replace the tab with spaces",
    ],
    "yaml-tag": [
        "content/items/woningscan.md:7:8: error[yaml-tag]: '!!python/object/apply:os.system' is not allowed here (a word starting with '!' can make the file run code); remove it and write a plain value",
    ],
    "yaml-too-large": [
        "content/organisaties.yaml:1:24: error[yaml-too-large]: the fields expand to more than 50000 values (are references (*name) repeating each other?); write the values out instead",
    ],
    "yaml-too-deep": [
        "content/items/woningscan.md:7:48: error[yaml-too-deep]: the fields are nested more than 40 levels deep (brackets inside brackets); content never needs that, so flatten it",
    ],
    "yaml-merge-key": [
        "content/organisaties.yaml:3:5: error[yaml-merge-key]: '<<' (copying fields from elsewhere) is not supported; write the fields out",
    ],
    "yaml-key": [
        "content/items/woningscan.md:7:1: error[yaml-key]: a field name must be plain text such as 'title'"
    ],
    "duplicate-key": [
        "content/items/woningscan.md:7:1: error[duplicate-key]: the field 'title' appears twice in the same block; keep one"
    ],
    "invisible-character": [
        "content/items/woningscan.md:3:8: error[invisible-character] (title): the text contains invisible or control characters (U+202E); retype the text or paste it as plain text"
    ],
    "invalid-value": [
        "content/items/woningscan.md:4:7: error[invalid-value] (kind): the text 'scann' is not allowed here; did you mean 'scan'? choose one of 'support-line', 'norm', 'scan', 'training', 'step-plan', 'protection-system', 'advice-desk' or 'other'",
    ],
    "invalid-id": [
        "content/organisaties.yaml:2:9: error[invalid-id] (organisations[0].id): 'NWB bestuur' is not a valid id: use lower-case letters a-z, digits and single hyphens, for example 'woningscan'"
    ],
    "insecure-url": [
        "content/items/woningscan.md:9:10: error[insecure-url] (contacts[0].url): 'http://voorbeeld.nl' is not a secure address; write 'https://voorbeeld.nl' (with an s)",
    ],
    "invalid-email": [
        "content/items/woningscan.md:9:12: error[invalid-email] (contacts[0].email): 'geen-adres' is not an e-mail address such as 'naam@voorbeeld.nl'"
    ],
    "invalid-phone": [
        "content/items/woningscan.md:9:12: error[invalid-phone] (contacts[0].phone): '070-123' is not a valid phone number; write it as a Dutch number such as '070-1234567' or with a country code such as '+31 70 123 4567'"
    ],
    "path-outside-content": [
        "content/items/woningscan.md:9:11: error[path-outside-content] (documents[0].path): '../geheim.pdf' uses '.' or '..'; write the path from the content folder down, such as 'documenten/factsheet.pdf'"
    ],
    "empty-contact": [
        "content/items/woningscan.md:8:5: error[empty-contact] (contacts[0]): a contact needs at least one of 'phone', 'email' or 'url'"
    ],
    "date-order": [
        "content/items/woningscan.md:8:12: error[date-order] (review_by): review_by (2026-01-01) is before last_reviewed (2026-06-01); the next review must come after the last one"
    ],
    "unknown-field": [
        "content/items/woningscan.md:7:1: error[unknown-field] (titel): 'titel' is not a known field; did you mean 'title'? allowed here: audiences, changes, contacts, documents, id, kind, last_reviewed, owner, providers, published, related, replaced_by, review_by, status, steps, summary, title"
    ],
    "missing-field": [
        "content/items/woningscan.md:2:1: error[missing-field] (kind): the required field 'kind' is missing; add a line 'kind: …', with one of: support-line, norm, scan, training, step-plan, protection-system, advice-desk or other",
    ],
    "wrong-type": [
        "content/items/woningscan.md:3:8: error[wrong-type] (title): expected text, found a number (2026) (put text in quotes if it looks like a number, date or yes/no)"
    ],
    "invalid-date": [
        "content/items/woningscan.md:7:16: error[invalid-date] (last_reviewed): the text '2026-02-30' is not a valid date; write an existing date as YYYY-MM-DD, for example 2026-11-29"
    ],
    "missing-value": [
        "content/items/woningscan.md:6:12: error[missing-value] (audiences): 'audiences' needs at least one entry"
    ],
    "not-a-file": [
        "content/items/map.md:1:1: error[not-a-file]: this is not a regular file; remove it"
    ],
    "file-too-large": [
        "content/items/woningscan.md:1:1: error[file-too-large]: the file is 1,048,715 bytes; content files may be at most 1,048,576 bytes, so split the text"
    ],
    "empty-file": [
        "content/items/woningscan.md:1:1: error[empty-file]: the file is empty; add its fields or remove it"
    ],
    "invalid-utf8": [
        "content/items/woningscan.md:9:5: error[invalid-utf8]: the file is not valid UTF-8 text; save it as UTF-8 (in most editors: 'Save with encoding' → UTF-8)"
    ],
    "nul-byte": [
        "content/items/woningscan.md:9:3: error[nul-byte]: the file contains a NUL byte; remove it"
    ],
    "no-front-matter": [
        "content/items/woningscan.md:1:1: error[no-front-matter]: the file must start with a line '---', then the fields (title: …), then a line '---', then the text"
    ],
    "raw-html": [
        "content/items/woningscan.md:11:1: error[raw-html]: HTML tags are not allowed in the text and would be shown as literal text; use Markdown instead (for example **vet** or [link](https://…))",
    ],
    "unsafe-link": [
        "content/items/woningscan.md:11:1: error[unsafe-link]: the link 'javascript:alert(1)' is not allowed; links must start with https://, mailto: or tel: (or # for a heading on the same page)",
    ],
    "image-not-allowed": [
        "content/items/woningscan.md:11:1: error[image-not-allowed]: images are not allowed in the text; describe the content in words or add the file as a document",
    ],
    "heading-level": [
        "content/items/woningscan.md:11:1: error[heading-level]: a '#' heading is not allowed in the text (the title is the page heading); start sections with '##'",
    ],
    "duplicate-id": [
        "content/organisaties.yaml:4:9: error[duplicate-id] (organisations[1].id): the organisation id 'nwb' is used twice; give each organisation its own id"
    ],
    "id-mismatch": [
        "content/items/woningscan.md:2:5: error[id-mismatch] (id): the id 'woning-scan' differs from the file name 'woningscan.md'; rename the file to 'woning-scan.md' or change the id to 'woningscan'"
    ],
    "unknown-reference": [
        "content/items/woningscan.md:7:11: error[unknown-reference] (related[0]): there is no item with id 'woningscn'; did you mean 'woningscan'?"
    ],
    "unpublished-item": [
        "content/pakketten/pakket.md:4:9: error[unpublished-item] (items[0]): the item 'woningscan' has status 'concept', so it cannot be in a published pakket; set its status to 'gepubliceerd' or remove it here"
    ],
    "missing-file": [
        "content/items/woningscan.md:9:11: error[missing-file] (documents[0].path): the document 'documenten/factsheet.pdf' does not exist in the content folder; add it or fix the path"
    ],
    "invalid-template": [
        "content/site.yaml:5:16: error[invalid-template] (docx_template): 'sjabloon.docx' is not a Word document (.docx or .dotx); open it in Word and save it again as 'Word-document (.docx)'"
    ],
    "no-pakket": [
        "content/pakketten:1:1: error[no-pakket]: there is no pakket; add content/pakketten/<id>.md"
    ],
    "list-marker": [
        "content/items/woningscan.md:12:1: error[list-marker]: this line starts with '•', which does not make a list here (pasted from Word?), so the lines would run together; write '- burgemeester bent'",
    ],
    "placeholder-text": [
        "content/items/woningscan.md:5:10: error[placeholder-text] (summary): the example text 'Schrijf hier in één alinea waar dit onderdeel o...' is still here, but the status is 'gepubliceerd'; replace it with your own text (or set the status back to 'concept')",
    ],
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_error_code(tmp_path: Path, code: str) -> None:
    root = write_tree(tmp_path / "content", CASES[code])
    if code == "not-a-file":
        (root / "items" / "map.md").mkdir()
    with pytest.raises(ContentError) as caught:
        load_content(root)
    lines = [d.format_text() for d in caught.value.diagnostics]
    assert lines == EXPECTED[code]
    assert caught.value.diagnostics[0].code == code


def test_every_code_has_a_case() -> None:
    assert set(CASES) == set(EXPECTED)


def test_symlink_document_leading_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim", encoding="utf-8")
    root = write_tree(
        tmp_path / "content",
        {"items/woningscan.md": item("documents:\n  - title: Doc\n    path: documenten/doc.txt\n")},
    )
    (root / "documenten").mkdir()
    os.symlink(secret, root / "documenten" / "doc.txt")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.format_text() == (
        "content/items/woningscan.md:9:11: error[path-outside-content] (documents[0].path): "
        "the document 'documenten/doc.txt' leads outside the content folder (a link?); "
        "copy the file into the content folder"
    )


@pytest.mark.parametrize("path", ["/etc/passwd", "C:\\\\geheim.pdf", "file:///etc/passwd"])
def test_absolute_document_paths_are_refused(tmp_path: Path, path: str) -> None:
    root = write_tree(
        tmp_path / "content",
        {"items/woningscan.md": item(f"documents:\n  - title: Doc\n    path: '{path}'\n")},
    )
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [d.code for d in caught.value.diagnostics] == ["path-outside-content"]
    assert caught.value.diagnostics[0].line == 9


def test_symlinked_content_file_leading_outside(tmp_path: Path) -> None:
    outside = tmp_path / "elders.md"
    outside.write_text(ITEM_HEAD.replace("woningscan", "elders") + ITEM_TAIL, encoding="utf-8")
    root = write_tree(tmp_path / "content")
    os.symlink(outside, root / "items" / "elders.md")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [d.code for d in caught.value.diagnostics] == ["path-outside-content"]
    assert caught.value.diagnostics[0].path == "content/items/elders.md"


@pytest.mark.parametrize(
    "name",
    [
        "items/.woningscan.md.cms-tmp",  # the editor's old temporary name (issue 22)
        ".git-hooks/pre-commit",  # in a dot-folder
        "documenten/nergens.pdf",  # nothing reads it
        "extra",  # a folder
    ],
)
def test_every_link_leading_outside_is_refused(tmp_path: Path, name: str) -> None:
    """Read or not, a dot-file or not, a link to something or to nothing: a link out of
    the content folder is where a later write would land, so check refuses it, naming
    the link, where it points and what to do."""
    outside = tmp_path / "Makefile"
    outside.write_text("all:\n", encoding="utf-8")
    root = write_tree(tmp_path / "content")
    link = root / name
    link.parent.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "nog-niet" if name.startswith(".git") else outside
    if name == "extra":
        target = tmp_path
    os.symlink(target, link)
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [d.format_text() for d in caught.value.diagnostics] == [
        f"content/{name}:1:1: error[path-outside-content]: this is a link to '{target}', "
        "outside the content folder; remove the link, or put the file itself in the "
        "content folder"
    ]


def test_links_inside_the_content_folder_are_legal(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content")
    (root / "documenten").mkdir()
    os.symlink("../site.yaml", root / "documenten" / "kopie.yaml")
    os.symlink("nergens.pdf", root / "documenten" / "weg.pdf")  # leads nowhere, not out
    assert load_content(root).warnings == []


def test_a_refused_link_is_reported_once(tmp_path: Path) -> None:
    """A link read as a content file is refused where it is read; the check of every link
    does not say it again (nor for the files of a linked folder)."""
    outside = tmp_path / "buiten"
    (outside / "items").mkdir(parents=True)
    (outside / "items" / "woningscan.md").write_text(item(), encoding="utf-8")
    root = write_tree(tmp_path / "content")
    (root / "items" / "woningscan.md").unlink()
    (root / "items").rmdir()
    os.symlink(outside / "items", root / "items")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [(d.path, d.code) for d in caught.value.diagnostics] == [
        ("content/items/woningscan.md", "path-outside-content")
    ]


def test_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "nergens")
    assert [d.code for d in caught.value.diagnostics] == ["no-content"]


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    changes: dict[str, str | bytes | None] = {
        "items/woningscan.md": item("titel: x\nlast_reviewed: 2026-02-30\n"),
        "items/tweede.md": item(head=ITEM_HEAD.replace("id: woningscan", "id: tweede")).replace(
            "kind: scan", "kind: nope"
        ),
        "organisaties.yaml": "organisations:\n  - id: nwb\n    name: A\n    website: x\n",
    }
    with pytest.raises(ContentError) as caught:
        load_content(write_tree(tmp_path / "content", changes))
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes == ["invalid-date", "invalid-value", "unknown-field", "unknown-field"]


def test_unexpected_file_is_a_warning(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content", {"items/notities.txt": "los"})
    content = load_content(root)
    assert [w.format_text() for w in content.warnings] == [
        "content/items/notities.txt:1:1: warning[unexpected-file]: only '.md' files are read "
        "in this folder; this file is ignored"
    ]
