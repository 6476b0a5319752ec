"""The ODT writer, checked by reading the packages back (lxml) and opening them in
LibreOffice."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pakketbuild.writers import office_pages
from pakketbuild.writers.odt import NS, OdtWriter
from pakketbuild.writers.pdf import PdfWriter
from tests import clients
from tests.writers.document_tools import SCENARIO, normalise, pdf_text, render_all

ODT_MEDIA_TYPE = "application/vnd.oasis.opendocument.text"
PAKKET = "downloads/testpakket.odt"
STEPS_ITEM = "downloads/items/stappenplan-test.odt"


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("scenario-odt")
    files = {}
    for path, data in render_all(OdtWriter(), SCENARIO).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[path] = target
    return files


def real_odts(real_documents: Path) -> list[Path]:
    return sorted(real_documents.rglob("*.odt"))


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def text_of(element: etree._Element) -> str:
    return normalise("".join(element.itertext()))


def entry_parts(entry: etree._Element) -> list[str]:
    """A contents entry split at its tab: ``[title]``, or ``[title, page number]`` when
    LibreOffice measured the document."""

    def texts(node: etree._Element) -> list[str]:
        found = ["\t" if node.tag == q("text:tab") else node.text or ""]
        for child in node:
            found += [*texts(child), child.tail or ""]
        return found

    return [normalise(part) for part in "".join(texts(entry)).split("\t")]


# --------------------------------------------------------------------------- files


def test_an_odt_beside_every_docx(real_documents: Path) -> None:
    docx = {p.relative_to(real_documents).with_suffix("") for p in real_documents.rglob("*.docx")}
    odt = {p.relative_to(real_documents).with_suffix("") for p in real_odts(real_documents)}
    assert docx and odt == docx


def test_package_is_odf_with_mimetype_first_and_fixed_dates(
    scenario: dict[str, Path], real_documents: Path
) -> None:
    for path in [*scenario.values(), *real_odts(real_documents)]:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            assert infos[0].filename == "mimetype"
            assert infos[0].compress_type == zipfile.ZIP_STORED
            assert archive.read("mimetype") == ODT_MEDIA_TYPE.encode()
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
            names = [i.filename for i in infos]
            fonts = [n for n in names if n.startswith("Fonts/")]
            assert names == [
                "mimetype",
                "content.xml",
                "styles.xml",
                "meta.xml",
                "META-INF/manifest.xml",
                *sorted(fonts),
            ]
            assert "Fonts/LiberationSans-Regular.ttf" in fonts, path.name
        manifest = part(path, "META-INF/manifest.xml")
        listed = {
            e.get(f"{{{NS['manifest']}}}full-path")
            for e in manifest.iter(f"{{{NS['manifest']}}}file-entry")
        }
        assert listed == {"/", "content.xml", "styles.xml", "meta.xml", *fonts}


def test_two_renders_are_byte_identical() -> None:
    first = render_all(OdtWriter(), SCENARIO)
    second = render_all(OdtWriter(), SCENARIO)
    assert first == second


def test_metadata_title_author_language(scenario: dict[str, Path]) -> None:
    meta = part(scenario[PAKKET], "meta.xml")
    assert meta.findtext(f".//{q('dc:title')}") == "Testpakket voor wethouders"
    assert meta.findtext(f".//{q('dc:creator')}") == "Testnetwerk Weerbaarheid"
    assert meta.findtext(f".//{q('dc:language')}") == "nl-NL"
    assert meta.findtext(f".//{q('meta:creation-date')}") == "2023-01-10T00:00:00"
    assert meta.findtext(f".//{q('meta:generator')}") == "pakketbuild"
    styles = etree.tostring(part(scenario[PAKKET], "styles.xml")).decode()
    assert 'fo:language="nl"' in styles and 'fo:country="NL"' in styles


# --------------------------------------------------------------------------- structure


def _used_and_defined_styles(path: Path) -> tuple[set[str], set[str]]:
    content = part(path, "content.xml")
    styles = part(path, "styles.xml")
    used = {
        value
        for element in content.iter()
        for key, value in element.attrib.items()
        if key == q("text:style-name") and value
    }
    defined = {
        e.get(q("style:name"))
        for e in styles.iter(q("style:style"), q("text:list-style"))
        if e.get(q("style:name"))
    }
    return used, {d for d in defined if d}


def test_only_named_styles_and_every_used_style_is_defined(
    scenario: dict[str, Path], real_documents: Path
) -> None:
    for path in [*scenario.values(), *real_odts(real_documents)]:
        content = part(path, "content.xml")
        automatic = content.find(q("office:automatic-styles"))
        assert automatic is None or len(automatic) == 0, path
        used, defined = _used_and_defined_styles(path)
        assert used <= defined, (path.name, used - defined)


def test_headings_have_outline_levels_and_heading_styles(scenario: dict[str, Path]) -> None:
    content = part(scenario[PAKKET], "content.xml")
    headings = list(content.iter(q("text:h")))
    assert headings
    styles_part = part(scenario[PAKKET], "styles.xml")
    parents = {
        s.get(q("style:name")): s.get(q("style:parent-style-name"))
        for s in styles_part.iter(q("style:style"))
    }
    for heading in headings:
        level = heading.get(q("text:outline-level"))
        style = heading.get(q("text:style-name"))
        # Heading N itself, or a style based on it (Heading 1 that starts a page)
        assert f"Heading_20_{level}" in (style, parents.get(style)), style
    # the first heading after the contents and the colophon start a page; no other does
    first = [h.get(q("text:style-name")) for h in headings]
    assert first[0] == first[-1] == "Heading_20_1_20_New_20_Page"
    assert "Heading_20_1_20_New_20_Page" not in first[1:-1]
    assert [text_of(h) for h in headings if h.get(q("text:outline-level")) == "1"] == [
        "Inleiding",
        "Stappenplan voor de test",
        "Tweede onderdeel met eigen lijst",
        "Colofon",
    ]
    styles = part(scenario[PAKKET], "styles.xml")
    outline = {
        s.get(q("style:name")): s.get(q("style:default-outline-level"))
        for s in styles.iter(q("style:style"))
    }
    assert outline["Heading_20_1"] == "1" and outline["Heading_20_3"] == "3"


def test_contents_index_is_filled_and_links_to_the_headings(
    scenario: dict[str, Path], real_documents: Path
) -> None:
    for path in [scenario[PAKKET], *real_documents.glob("downloads/*.odt")]:
        content = part(path, "content.xml")
        toc = content.find(f".//{q('text:table-of-content')}")
        assert toc is not None, path
        source = toc.find(q("text:table-of-content-source"))
        assert source is not None and source.get(q("text:outline-level")) == "1"
        entries = toc.findall(f"{q('text:index-body')}/{q('text:p')}")
        assert entries, path
        bookmarks = {b.get(q("text:name")) for b in content.iter(q("text:bookmark"))}
        level_one = [
            text_of(h) for h in content.iter(q("text:h")) if h.get(q("text:outline-level")) == "1"
        ]
        assert [entry_parts(e)[0] for e in entries] == level_one
        numbered = {len(entry_parts(e)) for e in entries}
        assert numbered == {1 if office_pages.find() == office_pages.Missing(False) else 2}
        for entry in entries:
            link = entry.find(q("text:a"))
            assert link is not None
            assert link.get(f"{{{NS['xlink']}}}href")[1:] in bookmarks


def test_steps_documents_and_related_are_lists_and_tables_have_header_rows(
    scenario: dict[str, Path],
) -> None:
    content = part(scenario[STEPS_ITEM], "content.xml")
    lists = list(content.iter(q("text:list")))
    styles = {lst.get(q("text:style-name")) for lst in lists}
    assert {"Numbering_20_123", "List_20_1"} <= styles
    tables = list(content.iter(q("table:table")))
    assert tables
    for table in tables:
        header = table.find(q("table:table-header-rows"))
        assert header is not None and len(header) == 1
    contacts = [
        text_of(p) for p in content.iter(q("text:p")) if p.get(q("text:style-name")) == "Contact"
    ]
    # (text_of drops text:s and text:line-break, so compare without spaces); the phone
    # number's hyphen is a non-breaking one, so LibreOffice never breaks the number
    assert contacts[0].replace(" ", "").startswith("MeldpuntTestTelefoon:070\u20111234567E-mail:")
    links = {a.get(f"{{{NS['xlink']}}}href") for a in content.iter(q("text:a"))}
    assert "tel:+31701234567" in links
    assert "mailto:meldpunt@testnetwerk.example.nl" in links
    assert "https://testnetwerk.example.nl/handreiking.pdf" in links


def test_odt_has_the_same_words_as_the_pdf(scenario: dict[str, Path], tmp_path: Path) -> None:
    """Every heading and paragraph text of the ODT is in the PDF of the same subject."""
    pdfs = render_all(PdfWriter(), SCENARIO)
    for path, odt in scenario.items():
        pdf_path = tmp_path / Path(path).with_suffix(".pdf").name
        pdf_path.write_bytes(pdfs[path.removesuffix(".odt") + ".pdf"])
        pdf_words = normalise(pdf_text(pdf_path)).replace(" ", "")
        content = part(odt, "content.xml")
        body = content.find(f".//{q('office:text')}")
        assert body is not None
        for element in body.iter(q("text:h"), q("text:p")):
            # a contents entry's title (its page number follows a tab); a phone number's
            # non-breaking hyphen and spaces read as "-" and " " (as LibreOffice's own
            # PDFs give them)
            words = entry_parts(element)[0].replace("\u2011", "-").replace("\u00a0", "")
            words = words.replace(" ", "")
            if words:
                assert words in pdf_words, (path, text_of(element))


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.clients
def test_libreoffice_opens_every_odt_and_shows_the_contents(
    scenario: dict[str, Path], real_documents: Path, tmp_path: Path
) -> None:
    documents = [*scenario.values(), *real_odts(real_documents)]
    converted = clients.libreoffice_convert_many(documents, tmp_path / "lo")
    for odt, pdf in converted.items():
        text = normalise(pdf_text(pdf))
        title = part(odt, "meta.xml").findtext(f".//{q('dc:title')}")
        assert title and normalise(title) in text, odt
        if "items" not in odt.parts:  # a pakket: the contents page
            assert "Inhoud" in text
    pakket_text = normalise(pdf_text(converted[scenario[PAKKET]]))
    # separate numbered lists restart at 1 (after "Tussentekst" comes "1. Opnieuw één")
    assert re.search(r"Tussentekst tussen twee genummerde lijsten\. 1\. Opnieuw één", pakket_text)
    assert "pagina 2 van" in pakket_text


def test_running_text_phone_numbers_are_links_in_every_format(real_documents: Path) -> None:
    """The Ondersteuningsteam's number in its body text (not only in the contact block)."""
    import pikepdf

    item = "downloads/items/ondersteuningsteam-weerbaar-bestuur"
    odt = part(real_documents / f"{item}.odt", "content.xml")
    body_links = [
        a.get(f"{{{NS['xlink']}}}href")
        for p in odt.iter(q("text:p"))
        if p.get(q("text:style-name")) == "Text_20_body"
        for a in p.iter(q("text:a"))
    ]
    assert "tel:+31703738314" in body_links
    with zipfile.ZipFile(real_documents / f"{item}.docx") as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
        document = archive.read("word/document.xml").decode()
    rid = re.search(r'Id="(rId\d+)"[^>]*Target="tel:\+31703738314"', rels)
    assert rid is not None
    # one relationship, used by the running text and by the contact block
    assert document.count(f'<w:hyperlink r:id="{rid.group(1)}"') >= 2
    with pikepdf.open(real_documents / f"{item}.pdf") as pdf:
        uris = [
            str(a.A.URI)
            for page in pdf.pages
            for a in page.get("/Annots", [])
            if "/A" in a and "/URI" in a.A
        ]
    assert uris.count("tel:+31703738314") >= 2


def test_see_also_entries_link_to_the_related_page_when_the_site_has_a_base_url(
    tmp_path: Path,
) -> None:
    """In an item's own document the related item is not in the file: with a base URL the
    entry links to its web page in every format; without one it stays text."""
    import dataclasses

    import pikepdf

    from pakketbuild.writers import BuildContext
    from pakketbuild.writers.docx import DocxWriter
    from tests.writers.document_tools import publication

    plain = publication(SCENARIO)
    pub = dataclasses.replace(
        plain, site=plain.site.model_copy(update={"base_url": "https://voorbeeld.nl/p/"})
    )
    target = "https://voorbeeld.nl/p/items/tweede-onderdeel/index.html"
    for writer in (PdfWriter(), DocxWriter(), OdtWriter()):
        ctx = BuildContext(formats=(writer.name,))
        job = next(j for j in writer.jobs(pub, ctx) if j.subject == "item:stappenplan-test")
        data = writer.render(pub, ctx, job)
        path = tmp_path / Path(job.path).name
        path.write_bytes(data)
        if writer.name == "pdf":
            with pikepdf.open(path) as pdf:
                uris = {
                    str(a.A.URI)
                    for page in pdf.pages
                    for a in page.get("/Annots", [])
                    if "/A" in a and "/URI" in a.A
                }
            assert target in uris
        else:
            with zipfile.ZipFile(path) as archive:
                xml = b"".join(
                    archive.read(n) for n in archive.namelist() if n.endswith((".xml", ".rels"))
                ).decode("utf-8")
            assert target in xml, writer.name
        job_plain = next(j for j in writer.jobs(plain, ctx) if j.subject == "item:stappenplan-test")
        assert target.encode() not in writer.render(plain, ctx, job_plain)
