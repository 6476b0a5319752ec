"""One typeface family in the PDF, Word and ODT files, and the fonts the Word and ODT files
carry (``writers/fonts.py``, ``docx_package.embed_fonts``, ``odt_fonts``).

Proven with real clients: ``pdffonts`` reads the families of the PDFs; LibreOffice, run
with a fontconfig that does not contain the family, converts every combined document's
DOCX and ODT and must have drawn them in the embedded family (each file in its own
LibreOffice process: fonts one document embeds stay loaded for the next one). The
control experiment strips the embedding from a copy, which then comes out in another
family.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from pakketbuild.writers import fonts
from tests.writers.document_tools import pdf_fonts
from tests.writers.font_tools import (
    HOUSE,
    combined_documents,
    convert_each,
    docx_embedded,
    font_family,
    odt_embedded,
    pdf_families,
)

# --------------------------------------------------------------------------- one family


def test_pdf_docx_and_odt_of_every_combined_document_use_one_family(
    real_documents: Path,
) -> None:
    for stem in combined_documents(real_documents):
        pdf = pdf_families(stem.with_suffix(".pdf"))
        assert pdf == {HOUSE}, (stem, pdf)
        word = {name.replace(" ", "") for name in docx_embedded(stem.with_suffix(".docx"))}
        odt = {name.replace(" ", "") for name in odt_embedded(stem.with_suffix(".odt"))}
        assert word == odt == pdf, stem
        with zipfile.ZipFile(stem.with_suffix(".docx")) as package:
            styles = package.read("word/styles.xml").decode()
        assert 'w:ascii="Liberation Sans"' in styles
        assert "Arial" not in styles and "DejaVu" not in styles


def test_word_fonts_are_obfuscated_subsets_with_the_metric_twin_named(
    real_documents: Path,
) -> None:
    path = real_documents / "downloads/veiligheidspakket-startende-burgemeesters.docx"
    embedded = docx_embedded(path)
    faces = embedded["Liberation Sans"]
    assert {"embedRegular", "embedBold"} <= set(faces)
    originals = {
        "embedRegular": fonts.SANS.face(bold=False, italic=False),
        "embedBold": fonts.SANS.face(bold=True, italic=False),
        "embedItalic": fonts.SANS.face(bold=False, italic=True),
        "embedBoldItalic": fonts.SANS.face(bold=True, italic=True),
    }
    for tag, data in faces.items():
        font = TTFont(io.BytesIO(data))  # deobfuscated with LibreOffice's key rule
        assert font_family(data) == "Liberation Sans"
        original = originals[tag]
        assert original is not None
        whole = TTFont(original.path)
        assert len(font.getGlyphOrder()) < len(whole.getGlyphOrder()) / 5, tag
        assert set(fonts.EDITING_TEXT) <= {chr(c) for c in font.getBestCmap()}, tag
        assert font["head"].modified == whole["head"].modified  # no clock
        assert font["name"].getDebugName(13), "the licence stays with the subset"
    with zipfile.ZipFile(path) as package:
        table = package.read("word/fontTable.xml").decode()
        settings = package.read("word/settings.xml").decode()
        types = package.read("[Content_Types].xml").decode()
        sizes = [i.file_size for i in package.infolist() if i.filename.endswith(".odttf")]
    entry = re.search(r'<w:font w:name="Liberation Sans">.*?</w:font>', table, re.S)
    assert entry is not None
    assert '<w:altName w:val="Arial"/>' in entry.group(0)
    assert '<w:panose1 w:val="020B0604020202020204"/>' in entry.group(0)  # Arial's
    assert '<w:family w:val="swiss"/>' in entry.group(0)
    assert entry.group(0).count('w:subsetted="true"') == len(faces)
    order = re.findall(r"<(w:\w+)[ />]", settings.split(">", 2)[2])
    assert order.index("w:zoom") < order.index("w:embedTrueTypeFonts")
    assert order.index("w:embedTrueTypeFonts") < order.index("w:saveSubsetFonts")
    assert order.index("w:saveSubsetFonts") < order.index("w:defaultTabStop")
    assert "application/vnd.openxmlformats-officedocument.obfuscatedFont" in types
    assert all(size < 60_000 for size in sizes), sizes  # subsets, not whole fonts


def test_odt_fonts_are_subsets_in_the_package(real_documents: Path) -> None:
    path = real_documents / "downloads/veiligheidspakket-startende-burgemeesters.odt"
    embedded = odt_embedded(path)
    assert set(embedded) == {"Liberation Sans"}
    for data in embedded["Liberation Sans"]:
        assert font_family(data) == "Liberation Sans"
        assert len(data) < 60_000
    with zipfile.ZipFile(path) as package:
        styles = package.read("styles.xml").decode()
        manifest = package.read("META-INF/manifest.xml").decode()
    assert 'xlink:href="Fonts/LiberationSans-Regular.ttf" xlink:type="simple"' in styles
    assert '<svg:font-face-format svg:string="truetype"/>' in styles
    assert (
        '<manifest:file-entry manifest:full-path="Fonts/LiberationSans-Regular.ttf" '
        'manifest:media-type="application/x-font-ttf"/>'
    ) in manifest
    assert "loext:" not in styles  # LibreOffice's own hints are not ODF 1.3


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_draws_every_combined_document_in_the_embedded_family(
    real_documents: Path, without_the_family: Path
) -> None:
    documents = [
        stem.with_suffix(suffix)
        for stem in combined_documents(real_documents)
        for suffix in (".docx", ".odt")
    ]
    for document, pdf in convert_each(documents, without_the_family / "lo"):
        assert pdf_families(pdf) == {HOUSE}, (document, pdf_fonts(pdf))


def _without(source: Path, target: Path, part: str, pattern: bytes) -> None:
    """A copy of the package ``source`` with ``pattern`` removed from ``part``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, re.sub(pattern, b"", data) if info.filename == part else data)


def test_the_control_without_embedded_fonts_comes_out_in_another_family(
    real_documents: Path, without_the_family: Path
) -> None:
    """The check above can fail: the same files without their font embedding are drawn
    in the unrelated font LibreOffice has."""
    stem = real_documents / "downloads/veiligheidspakket-startende-burgemeesters"
    stripped_docx = without_the_family / "stripped.docx"
    stripped_odt = without_the_family / "stripped.odt"
    _without(
        stem.with_suffix(".docx"), stripped_docx, "word/fontTable.xml", rb"<w:embed\w+ [^>]*/>"
    )
    _without(
        stem.with_suffix(".odt"),
        stripped_odt,
        "styles.xml",
        rb"<svg:font-face-src>.*?</svg:font-face-src>",
    )
    for document, pdf in convert_each([stripped_docx, stripped_odt], without_the_family / "lo"):
        assert HOUSE not in pdf_families(pdf), (document, pdf_fonts(pdf))
        assert all(f.startswith("DejaVu") for f in pdf_families(pdf)), (document, pdf_fonts(pdf))


# --------------------------------------------------------------------------- subsets


def test_a_subset_is_the_same_bytes_every_time() -> None:
    face = fonts.SANS.faces[0]
    data = face.path.read_bytes()
    first = fonts.make_subset(data, fonts.EDITING_TEXT + "→", "Liberation Sans", face)
    again = fonts.make_subset(data, fonts.EDITING_TEXT + "→", "Liberation Sans", face)
    assert first is not None and again is not None and first.data == again.data
    assert "→" in {chr(c) for c in TTFont(io.BytesIO(first.data)).getBestCmap()}


def _with_fs_type(source: Path, target: Path, fs_type: int) -> fonts.Face:
    font = TTFont(source)
    font["OS/2"].fsType = fs_type
    font.save(target)
    return fonts.Face(target, False, False)


@pytest.mark.parametrize(
    ("fs_type", "embedded"),
    [
        (0x0000, True),  # installable
        (0x0008, True),  # editable
        (0x0002, False),  # restricted licence
        (0x0004, False),  # preview & print: Word would open the file read-only
        (0x0008 | 0x0200, False),  # bitmap embedding only
    ],
)
def test_the_licence_bits_decide_what_is_embedded(
    tmp_path: Path, fs_type: int, embedded: bool
) -> None:
    face = _with_fs_type(fonts.MONO.faces[0].path, tmp_path / "f.ttf", fs_type)
    assert (fonts.subset(face, "tekst", "Test Mono") is not None) is embedded


def test_a_font_that_may_not_be_subset_is_embedded_whole(tmp_path: Path) -> None:
    source = fonts.MONO.faces[0].path
    face = _with_fs_type(source, tmp_path / "f.ttf", 0x0100)
    cut = fonts.subset(face, "tekst", "Liberation Mono")
    assert cut is not None and not cut.subsetted
    whole = len(TTFont(source).getGlyphOrder())
    assert len(TTFont(io.BytesIO(cut.data)).getGlyphOrder()) == whole


def test_a_theme_font_is_embedded_under_the_themes_name(tmp_path: Path) -> None:
    copy = tmp_path / "x.ttf"
    shutil.copyfile(fonts.MONO.faces[0].path, copy)
    cut = fonts.subset(fonts.Face(copy, True, False), "tekst", "Voorbeeld Mono")
    assert cut is not None
    names = TTFont(io.BytesIO(cut.data))["name"]
    assert names.getDebugName(1) == "Voorbeeld Mono" and names.getDebugName(2) == "Bold"
    assert names.getDebugName(6) == "VoorbeeldMono-Bold"
    assert names.getDebugName(0) and names.getDebugName(13)  # copyright, licence kept


def test_the_shipped_subsets_are_what_fonttools_makes_now() -> None:
    """The ready-made house subsets (``make font-subsets``) equal a fresh subset, so a
    document's bytes do not depend on whether a character outside EDITING_TEXT made the
    writer cut its own."""
    for family in fonts.HOUSE:
        for face in family.faces:
            shipped = fonts.shipped_subset(face, family.name)
            fresh = fonts.make_subset(face.path.read_bytes(), fonts.EDITING_TEXT, family.name, face)
            assert fresh is not None
            assert shipped.read_bytes() == fresh.data, f"{shipped.name}: run make font-subsets"


def test_a_document_with_a_rare_character_gets_a_subset_of_its_own() -> None:
    face = fonts.SANS.faces[0]
    common = fonts.subset(face, "Gewone tekst", "Liberation Sans")
    rare = fonts.subset(face, "Pijl → hier", "Liberation Sans")
    assert common is not None and rare is not None
    assert common.data == fonts.shipped_subset(face, "Liberation Sans").read_bytes()
    assert "→" in {chr(c) for c in TTFont(io.BytesIO(rare.data)).getBestCmap()}
    assert "→" not in {chr(c) for c in TTFont(io.BytesIO(common.data)).getBestCmap()}


def test_a_woff2_theme_font_is_embedded_as_a_plain_truetype_font(tmp_path: Path) -> None:
    """Word and LibreOffice read sfnt fonts only; a theme may bundle WOFF2 for the web."""
    font = TTFont(fonts.MONO.faces[0].path)
    font.flavor = "woff2"
    woff2 = tmp_path / "huis.woff2"
    font.save(woff2)
    cut = fonts.subset(fonts.Face(woff2, False, False), "tekst", "Huis Mono")
    assert cut is not None and cut.truetype
    assert cut.data[:4] == b"\x00\x01\x00\x00"
    assert font_family(cut.data) == "Huis Mono"
