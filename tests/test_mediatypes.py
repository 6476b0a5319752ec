"""The one table of media types and file-type names (``mediatypes.py``), and its users."""

from __future__ import annotations

import pytest

from pakketbuild import mediatypes
from pakketbuild.records import PubDocument
from pakketbuild.serve_http import content_type
from pakketbuild.writers import FORMATS, download_formats


def test_every_media_type_and_suffix_has_one_row() -> None:
    types = [t.media_type for t in mediatypes.FILE_TYPES]
    suffixes = [s for t in mediatypes.FILE_TYPES for s in t.suffixes]
    assert len(types) == len(set(types))
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)


def test_the_registry_takes_its_download_facts_from_the_table() -> None:
    facts = {f.name: (f.extension, f.media_type, f.label) for f in download_formats()}
    assert facts == {
        "pdf": ("pdf", mediatypes.PDF, "PDF"),
        "docx": ("docx", mediatypes.DOCX, "Word"),
        "odt": ("odt", mediatypes.ODT, "OpenDocument"),
    }
    assert FORMATS["html"].file_type is None and FORMATS["html"].extension is None


@pytest.mark.parametrize(
    ("media_type", "label", "short"),
    [
        ("application/pdf", "PDF", "pdf"),
        (mediatypes.DOCX, "Word", "docx"),
        ("application/msword", "Word", "doc"),
        (mediatypes.ODT, "OpenDocument", "odt"),  # one name with the download links
        ("text/html", "webpagina", "webpagina"),
        ("text/plain", "tekst", "txt"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", "xlsx"),
        ("image/jpeg", "JPEG", "jpg"),
        ("application/x-onbekend", "application/x-onbekend", "x-onbekend"),
    ],
)
def test_a_documents_file_type_has_one_name_per_place(
    media_type: str, label: str, short: str
) -> None:
    """The web page shows the label, the PDF/Word/ODT documents the short name."""
    assert mediatypes.label(media_type) == label
    assert mediatypes.short_name(media_type) == short
    assert PubDocument("Folder", None, None, media_type).media_label == label
    assert mediatypes.short_name(None) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("logo.svg", "image/svg+xml"),
        ("fonts/Sans-Regular.WOFF2", "font/woff2"),
        ("factsheet.pdf", "application/pdf"),
        ("foto.jpeg", "image/jpeg"),
        ("_headers", "application/octet-stream"),
        ("feed.atom", "application/atom+xml"),
    ],
)
def test_of_name(name: str, expected: str) -> None:
    assert mediatypes.of_name(name) == expected


def test_serve_answers_with_the_tables_types() -> None:
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("config.yml") == "text/yaml; charset=utf-8"
    assert content_type("decap-cms.js") == "text/javascript; charset=utf-8"
    assert content_type("item.json") == "application/json; charset=utf-8"
    assert content_type("feed.atom") == "application/atom+xml"
    assert content_type("pakket.docx") == mediatypes.DOCX
