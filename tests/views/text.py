"""The readable text of any exported file, whatever its format."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.writers.document_tools import pdf_text


def docx_text(path: Path) -> str:
    """All text of a Word document: body, tables, headers and footers (the XML parts'
    text runs), so nothing hides in a part the test forgot."""
    import re

    parts: list[str] = []
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if name.startswith("word/") and name.endswith(".xml"):
                xml = package.read(name).decode("utf-8")
                parts += re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    return " ".join(parts)


def odt_text(path: Path) -> str:
    """All text of an ODT: body, styles (header, footer) and metadata."""
    import re

    parts: list[str] = []
    with zipfile.ZipFile(path) as package:
        for name in ("content.xml", "styles.xml", "meta.xml"):
            xml = package.read(name).decode("utf-8")
            parts += re.findall(r">([^<]+)<", xml)
    return " ".join(parts)


def file_text(path: Path) -> str:
    """Text of an HTML, JSON, Atom, CSS, PDF (pdftotext) or DOCX file; '' for fonts and
    images."""
    suffix = path.suffix
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".odt":
        return odt_text(path)
    if suffix in (".ttf", ".png", ".svg", ".woff2"):
        return ""
    return path.read_text(encoding="utf-8")
