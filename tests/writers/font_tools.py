"""Reading the fonts of PDF, Word and ODT files back, and LibreOffice without the family
(for ``test_fonts.py`` and the theme tests)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from tests import clients
from tests.writers.document_tools import pdf_fonts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
XLINK = "http://www.w3.org/1999/xlink"
HOUSE = "LiberationSans"
UNRELATED_FONTS = Path("/usr/share/fonts/truetype/dejavu")
"""The font folder LibreOffice sees in these tests (Debian's fonts-dejavu-core, a
LibreOffice dependency): any other family than the embedded one shows up as DejaVu."""
OPENSYMBOL = Path("/usr/share/fonts/truetype/libreoffice")
"""LibreOffice's own symbol font (Debian's fonts-opensymbol), which every LibreOffice
has and draws Word's list bullets with."""
_STYLE_SUFFIX = re.compile(r"(BoldItalic|BoldOblique|Bold|Italic|Oblique|Regular|Book)$")


def family_of(font_name: str) -> str:
    """``Liberation-Sans-Bold-Italic`` (WeasyPrint), ``LiberationSans-BoldItalic``
    (LibreOffice) → ``LiberationSans``."""
    return _STYLE_SUFFIX.sub("", font_name.replace("-", "").replace(" ", ""))


def pdf_families(path: Path) -> set[str]:
    """The text families of a PDF (LibreOffice draws list bullets in its OpenSymbol)."""
    return {family_of(name) for name in pdf_fonts(path)} - {"OpenSymbol"}


def combined_documents(real_documents: Path) -> list[Path]:
    """Every combined document (the pakket's, each view's) without its extension."""
    found = sorted(real_documents.glob("downloads/*.pdf"))
    found += sorted(real_documents.glob("views/*/downloads/*.pdf"))
    assert len(found) >= 5, found  # the pakket and four views
    return [path.with_suffix("") for path in found]


# --------------------------------------------------------------------------- reading


def docx_embedded(path: Path) -> dict[str, dict[str, bytes]]:
    """Family → embed element (``embedRegular`` …) → the deobfuscated font bytes, read
    as LibreOffice does (``writerfilter`` ``EmbeddedFontHandler``: the key bytes are the
    GUID's hex pairs at these string positions)."""
    positions = (35, 33, 31, 29, 27, 25, 22, 20, 17, 15, 12, 10, 7, 5, 3, 1)
    with zipfile.ZipFile(path) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        rels = etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found: dict[str, dict[str, bytes]] = {}
        for entry in table.iter(f"{{{W}}}font"):
            for embed in entry:
                tag = etree.QName(embed).localname
                if not tag.startswith("embed"):
                    continue
                key_text = embed.get(f"{{{W}}}fontKey")
                key = bytes(int(key_text[p : p + 2], 16) for p in positions)
                data = bytearray(package.read("word/" + targets[embed.get(f"{{{R}}}id")]))
                for i in range(32):
                    data[i] ^= key[i % 16]
                found.setdefault(entry.get(f"{{{W}}}name"), {})[tag] = bytes(data)
    return found


def odt_embedded(path: Path) -> dict[str, list[bytes]]:
    """Family → the bytes of each font file its ``svg:font-face-src`` names."""
    with zipfile.ZipFile(path) as package:
        styles = etree.fromstring(package.read("styles.xml"))
        found: dict[str, list[bytes]] = {}
        for face in styles.iter(f"{{{STYLE}}}font-face"):
            for uri in face.iter(f"{{{SVG}}}font-face-uri"):
                found.setdefault(face.get(f"{{{STYLE}}}name"), []).append(
                    package.read(uri.get(f"{{{XLINK}}}href"))
                )
    return found


def font_family(data: bytes) -> str:
    name = TTFont(io.BytesIO(data))["name"]
    return str(name.getDebugName(16) or name.getDebugName(1))


def fontconfig_without_the_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fontconfig for LibreOffice with an unrelated family and its own symbol font, and
    no Liberation font."""
    clients.require("soffice")
    assert UNRELATED_FONTS.is_dir() and OPENSYMBOL.is_dir(), "LibreOffice's font packages"
    assert not [*UNRELATED_FONTS.glob("Liberation*"), *OPENSYMBOL.glob("Liberation*")]
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{UNRELATED_FONTS}</dir><dir>{OPENSYMBOL}</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return tmp_path


def convert_each(documents: list[Path], out: Path) -> Iterator[tuple[Path, Path]]:
    """Each document converted in a LibreOffice process of its own, two at a time."""
    jobs = [(doc, out / f"{number:02d}") for number, doc in enumerate(documents)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: clients.libreoffice_convert(*job), jobs)
        yield from zip(documents, results, strict=True)
