"""Themes from design tokens: one theme changes the HTML, the PDF and the Word styles; a
theme whose text would be hard to read is refused with file, line, colours and ratio."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest

from pakketbuild.cli import main
from pakketbuild.theme import contrast_ratio, default_theme
from tests.views.trees import LOGO_ALT, PAARS, PURPLE, SITE, THEME_FONT, write_views_tree
from tests.writers.document_tools import pdf_fonts
from tests.writers.font_tools import (
    convert_each,
    docx_embedded,
    family_of,
    font_family,
    odt_embedded,
    pdf_families,
)
from tests.writers.html_tools import build_tree

DEFAULT_HEADING = default_theme().colors["heading"]


def _fill_colours(path: Path) -> set[str]:
    """Every non-stroking RGB colour (``r g b rg``) drawn on the PDF's pages, as hex."""
    found: set[str] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "rg":
                    rgb = [round(float(v) * 255) for v in operands]
                    found.add("#" + "".join(f"{c:02x}" for c in rgb))
    return found


def _docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


def _style(styles_xml: str, style_id: str) -> str:
    match = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles_xml, re.S)
    assert match, style_id
    return match.group(0)


def test_the_theme_drives_the_html_css(views_site: Path) -> None:
    themed = (views_site / "views/raadsleden/assets/theme.css").read_text("utf-8")
    plain = (views_site / "assets/theme.css").read_text("utf-8")
    assert f"--color-heading: {PURPLE};" in themed and f"--color-brand: {PURPLE};" in themed
    assert f"--color-heading: {DEFAULT_HEADING};" in plain
    assert f'--font-heading: "{THEME_FONT}", sans-serif;' in themed
    assert 'src: url("theme/fonts/VoorbeeldMono.ttf") format("truetype")' in themed
    font = views_site / "views/raadsleden/assets/theme/fonts/VoorbeeldMono.ttf"
    assert font.read_bytes()[:4] == b"\x00\x01\x00\x00"
    page = (views_site / "views/raadsleden/items/hulp/index.html").read_text("utf-8")
    assert f'<img class="site-logo" src="../../assets/theme/logo.png" alt="{LOGO_ALT}">' in page
    assert '<link rel="stylesheet" href="../../assets/theme.css">' in page
    # A view without a theme of its own uses the neutral one.
    other = (views_site / "views/wethouders/assets/theme.css").read_text("utf-8")
    assert other == plain


def test_the_theme_drives_the_pdf(views_site: Path) -> None:
    themed = views_site / "views/raadsleden/downloads/pakket.pdf"
    plain = views_site / "views/wethouders/downloads/pakket.pdf"
    assert PURPLE in _fill_colours(themed) and PURPLE not in _fill_colours(plain)
    assert DEFAULT_HEADING in _fill_colours(plain)
    assert "Voorbeeld-Mono" in pdf_fonts(themed)  # headings in the bundled theme font
    assert "Voorbeeld-Mono" not in pdf_fonts(plain)
    with pikepdf.open(themed) as pdf:
        cover = pdf.pages[0]
        images = list(cover.get_images())
        assert len(images) == 1  # the logo
        alts = [
            str(element.get("/Alt"))
            for element in _struct_elements(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/Figure"
        ]
    # the cover's logo, and the colophon's QR code to the pakket's page in the view
    assert sorted(alts) == sorted([LOGO_ALT, "QR-code naar de actuele versie: " + _page(themed)])


def _page(document: Path) -> str:
    """The web address of a view's copy of the pakket of the views scenario."""
    view = document.parent.parent.name
    return f"https://voorbeeld.nl/p/views/{view}/pakket/index.html"


def _struct_elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    stack = [node]
    while stack:
        current = stack.pop()
        kids = current.get("/K") if isinstance(current, pikepdf.Dictionary) else None
        if kids is None:
            continue
        children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for child in children:
            if isinstance(child, pikepdf.Dictionary) and child.get("/S") is not None:
                found.append(child)
                stack.append(child)
    return found


def test_the_theme_drives_the_word_styles(views_site: Path) -> None:
    themed = views_site / "views/raadsleden/downloads/pakket.docx"
    plain = views_site / "downloads/pakket.docx"
    styles = _docx_part(themed, "word/styles.xml")
    for style_id in ("Title", "Heading1", "Heading2"):
        style = _style(styles, style_id)
        assert f'<w:color w:val="{PURPLE[1:].upper()}"/>' in style, style_id
        assert f'w:ascii="{THEME_FONT}"' in style, style_id
    assert f'<w:color w:val="{PURPLE[1:].upper()}"/>' in _style(styles, "Hyperlink")
    default = _style(_docx_part(plain, "word/styles.xml"), "Heading1")
    assert f'<w:color w:val="{DEFAULT_HEADING[1:].upper()}"/>' in default
    # Style-based only: no colour or font as direct formatting in the text.
    body = _docx_part(themed, "word/document.xml")
    assert "<w:color " not in body and "<w:rFonts " not in body
    # The cover logo, with its text alternative.
    assert f'descr="{LOGO_ALT}"' in body
    assert "word/media/image1.png" in zipfile.ZipFile(themed).namelist()


def test_the_odt_cover_carries_the_logo(views_site: Path) -> None:
    """The same cover in every format: the theme's logo, with its text alternative,
    embedded in the ODT package and listed in its manifest; no logo without a theme."""
    themed = views_site / "views/raadsleden/downloads/pakket.odt"
    plain = views_site / "views/wethouders/downloads/pakket.odt"
    with zipfile.ZipFile(themed) as package:
        names = package.namelist()
        content = package.read("content.xml").decode("utf-8")
        manifest = package.read("META-INF/manifest.xml").decode("utf-8")
    assert "Pictures/logo.png" in names
    assert 'manifest:full-path="Pictures/logo.png" manifest:media-type="image/png"' in manifest
    assert 'xlink:href="Pictures/logo.png"' in content
    assert f"<svg:title>{LOGO_ALT}</svg:title>" in content
    with zipfile.ZipFile(plain) as package:  # the colophon's QR code, no logo
        assert [n for n in package.namelist() if n.startswith("Pictures/")] == [
            "Pictures/qr-code.png"
        ]


def test_the_themes_bundled_font_is_embedded_in_word_and_odt_under_its_name(
    views_site: Path, without_the_family: Path
) -> None:
    """The theme's heading font goes where the house font goes: named in the styles,
    embedded (a subset renamed to the theme's family, whatever the file calls itself)
    in Word and ODT, and used by LibreOffice on a machine that lacks it; body text stays
    in the house family. A view without a theme font embeds the house family only."""
    themed = views_site / "views/raadsleden/downloads/pakket"
    plain = views_site / "downloads/pakket"
    word = docx_embedded(themed.with_suffix(".docx"))
    odt = odt_embedded(themed.with_suffix(".odt"))
    assert set(word) == set(odt) == {THEME_FONT, "Liberation Sans"}
    assert set(word[THEME_FONT]) == {"embedRegular"}  # the one file the theme bundles
    assert font_family(word[THEME_FONT]["embedRegular"]) == THEME_FONT
    assert [font_family(data) for data in odt[THEME_FONT]] == [THEME_FONT]
    assert set(docx_embedded(plain.with_suffix(".docx"))) == {"Liberation Sans"}
    assert set(odt_embedded(plain.with_suffix(".odt"))) == {"Liberation Sans"}
    pdf = {family_of(name) for name in pdf_fonts(themed.with_suffix(".pdf"))}
    expected = {THEME_FONT.replace(" ", ""), "LiberationSans"}
    assert pdf == expected
    documents = [themed.with_suffix(".docx"), themed.with_suffix(".odt")]
    for document, converted in convert_each(documents, without_the_family / "lo"):
        assert pdf_families(converted) == expected, (document, pdf_fonts(converted))


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54


LOW = """\
{
  "color": {
    "$type": "color",
    "text": { "$value": "#999999" }
  }
}
"""


def test_a_low_contrast_theme_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_views_tree(tmp_path / "content", {"themes/grijs/tokens.json": LOW})
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert (
        "content/themes/grijs/tokens.json:4:25: error[low-contrast] (color.text): "
        "'color.text' (#999999) on 'color.background' (#ffffff) has a contrast of 2.85:1; "
        "WCAG AA needs at least 4.5:1"
    ) in err
    out = tmp_path / "exports"
    assert main(["build", "--content", str(root), "--out", str(out), "--formats", "html"]) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ('{"color": {"link": {"$value": "blauw"}}}', "1:31: error[invalid-theme] (color.link)"),
        ('{"color": {"link": {"$value": "{color.nergens}"}}}', "refers to '{color.nergens}'"),
        ('{"color": {\n  "text": {"$value": "#000"},,\n}}', "2:30: error[invalid-theme]"),
        (
            '{"font": {"family": {"body": {"$value": "x; } body { color: red"}}}}',
            "error[invalid-theme] (font.family.body)",
        ),
        (
            '{"$extensions": {"nl.pakketbuild": {"logo": {"file": "../../site.yaml", '
            '"alt": "x"}}}}',
            "error[path-outside-content]",
        ),
        (
            '{"$extensions": {"nl.pakketbuild": {"logo": {"file": "logo.png"}}}}',
            "the logo needs 'alt'",
        ),
    ],
)
def test_a_broken_theme_is_a_content_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tokens: str, expected: str
) -> None:
    root = write_views_tree(tmp_path / "content", {"themes/paars/tokens.json": tokens})
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/themes/paars/tokens.json:" in err and expected in err, err


def test_an_unknown_theme_is_an_unknown_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_views_tree(
        tmp_path / "content", {"site.yaml": SITE.replace("theme: paars", "theme: paarss")}
    )
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert (
        "content/site.yaml:10:12: error[unknown-reference] (views[0].theme): there is no "
        "theme with id 'paarss'; did you mean 'paars'?"
    ) in err


def _hashes(out: Path) -> dict[str, str]:
    return {
        str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def test_a_theme_change_rebuilds_what_shows_the_theme(tmp_path: Path) -> None:
    """Each writer makes its own styling from the theme; the theme's files stay in the
    deps of every job that shows it, so an edit rebuilds those outputs (and only those)
    from the cache. PDF and ODT plan through the same document jobs as Word
    (``writers.documents``) and are left out to keep this fast."""
    content = write_views_tree(tmp_path / "content")
    formats = "html,docx"
    out = build_tree(content, tmp_path / "incremental" / "exports", formats=formats)
    before = _hashes(out)
    tokens = content / "themes/paars/tokens.json"
    tokens.write_text(PAARS.replace(PURPLE, "#4b2378"), encoding="utf-8")
    after = _hashes(build_tree(content, out, formats=formats))
    clean = _hashes(build_tree(content, tmp_path / "clean" / "exports", formats=formats))
    assert after == clean
    changed = {name for name, digest in after.items() if before.get(name) != digest}
    view = "views/raadsleden"
    assert {
        f"{view}/assets/theme.css",
        f"{view}/downloads/pakket.docx",
        f"{view}/downloads/items/hulp.docx",
    } <= changed
    assert {name for name in changed if not name.startswith(view + "/")} == {"manifest.json"}


def test_every_font_file_a_theme_accepts_has_a_css_format() -> None:
    """theme.py decides which font files a theme may bundle; the CSS writers name their
    ``format()``: the two lists must not drift apart (a KeyError at render time)."""
    from pakketbuild.theme import FONT_SUFFIXES
    from pakketbuild.writers.css import FONT_FORMATS

    assert set(FONT_SUFFIXES) == set(FONT_FORMATS)


def test_a_themed_pdf_does_not_depend_on_where_the_content_is(
    views_site: Path, tmp_path: Path
) -> None:
    """The same content in another folder gives the same PDF bytes. WeasyPrint names a
    raster image after a hash of its URL, so the logo must not be a ``file:`` URL of its
    place on disk (it is ``pakketbuild-content:themes/paars/logo.png``)."""
    moved = write_views_tree(tmp_path / "elders" / "ergens" / "content")
    out = build_tree(moved, tmp_path / "elders" / "exports", formats="pdf")
    name = "views/raadsleden/downloads/pakket.pdf"
    first = (views_site / name).read_bytes()
    assert b"/Subtype /Image" in first or b"/Subtype/Image" in first  # the raster logo
    assert (
        hashlib.sha256((out / name).read_bytes()).hexdigest() == hashlib.sha256(first).hexdigest()
    )
