"""The DOCX writer, checked by reading the documents back (python-docx, the raw package,
LibreOffice)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import RGBColor
from lxml import etree

from pakketbuild.build import BuildOptions, build
from pakketbuild.diagnostics import ContentError, PakketbuildError
from pakketbuild.writers import BuildContext, office_pages
from pakketbuild.writers.docx import DocxWriter
from tests import clients
from tests.writers.document_tools import (
    REAL_CONTENT,
    SCENARIO,
    pdf_text,
    poppler,
    publication,
    render_all,
)

PAKKET = "downloads/testpakket.docx"
STEPS_ITEM = "downloads/items/stappenplan-test.docx"
SECOND_ITEM = "downloads/items/tweede-onderdeel.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def scenario() -> dict[str, bytes]:
    return render_all(DocxWriter(), SCENARIO)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("real-docx")
    out = root / "exports"
    build(
        BuildOptions(
            content=REAL_CONTENT,
            out=out,
            formats=["docx"],
            cache_dir=root / "cache",
            progress=False,
            verbosity="quiet",
        )
    )
    return out


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


def styled(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


# --------------------------------------------------------------------------- jobs


def test_jobs() -> None:
    pub = publication(SCENARIO)
    jobs = DocxWriter().jobs(pub, BuildContext(formats=("docx",)))
    assert [j.path for j in jobs] == [PAKKET, STEPS_ITEM, SECOND_ITEM]
    assert {j.media_type for j in jobs} == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    }
    assert jobs[0].subject == "pakket:testpakket" and jobs[2].subject == "item:tweede-onderdeel"
    assert "pakket:testpakket" in jobs[2].deps and "item:tweede-onderdeel" in jobs[0].deps


# --------------------------------------------------------------------------- structure


def test_pakket_uses_built_in_styles(scenario: dict[str, bytes]) -> None:
    found = styled(open_docx(scenario[PAKKET]))
    assert found[0] == ("Title", "Testpakket voor wethouders")
    assert ("Subtitle", "Editie: 15 maart 2024") in found
    assert ("Subtitle", "Uitgegeven door Testnetwerk Weerbaarheid") in found
    assert ("TOC Heading", "Inhoud") in found
    headings = [(s, t) for s, t in found if s.startswith("Heading")]
    assert headings[:6] == [
        ("Heading 1", "Inleiding"),
        ("Heading 2", "Achtergrond van het pakket"),
        ("Heading 1", "Stappenplan voor de test"),
        ("Heading 2", "Eerste sectie"),
        ("Heading 3", "Onderdeel met citaat"),
        ("Heading 4", "Tabel"),
    ]
    assert ("Heading 2", "Stappen") in headings and ("Heading 2", "Contact") in headings
    item = styled(open_docx(scenario[STEPS_ITEM]))
    assert item[0] == ("Title", "Stappenplan voor de test")
    assert ("Subtitle", "Onderdeel van: Testpakket voor wethouders") in item
    assert ("Heading 1", "Eerste sectie") in item and ("Heading 1", "Stappen") in item


def test_no_direct_formatting(scenario: dict[str, bytes], real: Path) -> None:
    documents = [*scenario.values(), *(p.read_bytes() for p in real.rglob("*.docx"))]
    for data in documents:
        for name in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            xml = part(data, name)
            for rpr in re.findall(r"<w:rPr>(.*?)</w:rPr>", xml):
                assert re.fullmatch(r'<w:rStyle w:val="[^"]+"/>', rpr), (name, rpr)
            for ppr in re.findall(r"<w:pPr>(.*?)</w:pPr>", xml):
                rest = re.sub(r'<w:pStyle w:val="[^"]+"/>|<w:numPr>.*?</w:numPr>', "", ppr)
                assert rest == "", (name, ppr)


def numbered(document: Any) -> list[tuple[int, str, int]]:
    """(numId, text, the number Word shows) for every paragraph of a numbered list.

    Modelled on Word: the counter belongs to the abstract numbering definition, so a new
    ``w:num`` continues where the previous list stopped unless its ``lvlOverride`` has a
    ``startOverride``."""
    numbering = document.part.numbering_part.element
    counters: dict[int, int] = {}
    seen: set[int] = set()
    result = []
    for paragraph in document.paragraphs:
        if not paragraph.style.name.startswith("List Number"):
            continue
        num_id = int(paragraph._p.pPr.numPr.numId.val)
        num = numbering.num_having_numId(num_id)
        abstract = int(num.abstractNumId.val)
        if num_id not in seen:
            seen.add(num_id)
            start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
            if start is not None:
                counters[abstract] = int(start.get(qn("w:val"))) - 1
        counters[abstract] = counters.get(abstract, 0) + 1
        result.append((num_id, paragraph.text, counters[abstract]))
    return result


def test_every_step_list_is_numbered_from_one(scenario: dict[str, bytes]) -> None:
    found = numbered(open_docx(scenario[PAKKET]))
    shown = [(text, number) for _, text, number in found]
    assert shown == [
        ("Eerste punt", 1), ("Tweede punt met een lijst:", 2), ("Derde punt", 3),
        ("Opnieuw één", 1), ("Opnieuw twee", 2),
        ("Meld het incident", 1), ("Leg alles vast", 2), ("Doe aangifte", 3),
        ("Kennismaking", 1), ("Oefenen", 2), ("Terugblik", 3),
    ]  # fmt: skip
    lists = [num_id for num_id, _, number in found if number == 1]
    assert len(set(lists)) == len(lists) == 4, "each list its own w:num"
    steps = open_docx(scenario[STEPS_ITEM])
    continued = [p.text for p in steps.paragraphs if p.style.name == "List Continue"]
    assert continued == [
        "Bel het meldpunt of stuur een e-mail.",
        "Noteer datum, tijd en plaats.",
        "Bewaar berichten als schermafdruk.",
    ]


def test_links_are_w_hyperlink_elements(scenario: dict[str, bytes]) -> None:
    document = open_docx(scenario[STEPS_ITEM])
    rels = document.part.rels
    targets = set()
    for element in document.element.body.iter(qn("w:hyperlink")):
        rid = element.get(qn("r:id"))
        if rid is None:
            assert element.get(qn("w:anchor")), "a hyperlink needs a target"
            continue
        assert rels[rid].is_external
        targets.add(rels[rid].target_ref)
    assert {
        "https://testnetwerk.example.nl/handreiking",
        "tel:+31701234567",
        "mailto:meldpunt@testnetwerk.example.nl",
        "https://testnetwerk.example.nl/meldpunt",
        "https://testnetwerk.example.nl/handreiking.pdf",
        "tel:+31207654321",
    } <= targets
    assert all(t.startswith(("https://", "mailto:", "tel:")) for t in targets)
    runs = document.element.body.xpath(".//w:hyperlink/w:r/w:rPr/w:rStyle/@w:val")
    assert set(runs) == {"Hyperlink"}
    assert document.styles["Hyperlink"].type == WD_STYLE_TYPE.CHARACTER


def test_in_document_links_point_at_bookmarks(scenario: dict[str, bytes]) -> None:
    document = open_docx(scenario[PAKKET])
    body = document.element.body
    bookmarks = set(body.xpath(".//w:bookmarkStart/@w:name"))
    anchors = body.xpath(".//w:hyperlink/@w:anchor")
    assert anchors and set(anchors) <= bookmarks
    ids = body.xpath(".//w:bookmarkStart/@w:id")
    assert len(ids) == len(set(ids)) == len(body.xpath(".//w:bookmarkEnd"))


def test_contacts_are_labelled_blocks_with_links(scenario: dict[str, bytes]) -> None:
    """The same block as in the PDF and the ODT: the name, then one labelled line per way
    to reach it; no table (no narrow column breaks an address), no repeated label."""
    document = open_docx(scenario[STEPS_ITEM])
    texts = [p.text for p in document.paragraphs]
    assert (
        "Meldpunt Test\nTelefoon: 070-1234567\nE-mail: meldpunt@testnetwerk.example.nl\n"
        "Website: https://testnetwerk.example.nl/meldpunt\n"
        "Bereikbaar: maandag tot en met vrijdag van 9.00 tot 17.00 uur"
    ) in texts
    assert "Achtervang\nTelefoon: 020-7654321" in texts
    assert not any(t.rows[0].cells[0].text == "Contact" for t in document.tables)
    xml = part(scenario[STEPS_ITEM], "word/_rels/document.xml.rels")
    for target in ("tel:+31701234567", "mailto:meldpunt@testnetwerk.example.nl"):
        assert f'Target="{target}"' in xml


def test_toc_field_is_filled_in_and_word_asks_nothing_on_opening(
    scenario: dict[str, bytes], real: Path
) -> None:
    xml = part(scenario[PAKKET], "word/document.xml")
    # level 1 only: the PDF's contents entries, also after a reader updates the field
    assert re.search(
        r'<w:instrText xml:space="preserve"> TOC \\o "1-1" \\h \\z \\u </w:instrText>', xml
    )
    document = open_docx(scenario[PAKKET])
    entries = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "toc 1"]
    assert entries == [
        "Inleiding",
        "Stappenplan voor de test",
        "Tweede onderdeel met eigen lijst",
        "Colofon",
    ]
    kinds = re.findall(r'w:fldCharType="(\w+)"', xml)
    if office_pages.find() == office_pages.Missing(bridge=False):  # titles only
        assert kinds == ["begin", "separate", "end"]
    else:  # the TOC field, and in it a PAGEREF field per entry (see test_contents_pages)
        assert kinds == ["begin", "separate", *["begin", "separate", "end"] * 4, "end"]
    for data in [*scenario.values(), *(p.read_bytes() for p in real.rglob("*.docx"))]:
        settings = part(data, "word/settings.xml")
        assert "updateFields" not in settings  # no question about updating fields
        order = re.findall(r"<(w:\w+|m:\w+)[ />]", settings.split(">", 2)[2])
        for tag in ("w:savePreviewPicture", "w:proofState", "w:attachedTemplate"):
            assert tag not in order


def test_house_template_replaces_python_docx_defaults(scenario: dict[str, bytes]) -> None:
    for data in scenario.values():
        styles = part(data, "word/styles.xml")
        theme = part(data, "word/theme/theme1.xml")
        for name in ("Calibri", "Cambria"):
            assert name not in styles and name not in theme
        assert "asciiTheme" not in styles and "4F81BD" not in theme
        assert 'w:ascii="Liberation Sans"' in styles and 'typeface="Liberation Sans"' in theme
        document = open_docx(data)
        for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Hyperlink"):
            xml = document.styles[name].element.xml
            assert "themeColor" not in xml and "4F81BD" not in xml, name
    title = open_docx(scenario[PAKKET]).styles["Title"].element.xml
    assert 'w:color="154273"' in title  # the theme's brand colour under the title


def test_title_page_has_no_running_header(scenario: dict[str, bytes]) -> None:
    for data in scenario.values():
        section = open_docx(data).sections[0]
        assert section.different_first_page_header_footer
        assert section.first_page_header.paragraphs[0].text == ""
        assert section.first_page_footer.paragraphs[0].text == ""


def test_header_and_footer_with_page_fields(scenario: dict[str, bytes]) -> None:
    document = open_docx(scenario[PAKKET])
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Testpakket voor wethouders"
    assert section.header.paragraphs[0].style.name == "Header"
    footer = section.footer.paragraphs[0]
    assert footer.style.name == "Footer"
    xml = footer._p.xml
    assert [t.strip() for t in re.findall(r"<w:instrText[^>]*>(.*?)</w:instrText>", xml)] == [
        "PAGE",
        "NUMPAGES",
    ]
    assert footer.text == "pagina 1 van 1"  # placeholders until Word or LibreOffice lays out
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_language_is_dutch_everywhere(scenario: dict[str, bytes], real: Path) -> None:
    for data in [*scenario.values(), *(p.read_bytes() for p in real.rglob("*.docx"))]:
        document = open_docx(data)
        assert document.core_properties.language == "nl-NL"
        defaults = document.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert lang.get(qn("w:val")) == "nl-NL"
        assert 'w:themeFontLang w:val="nl-NL"' in part(data, "word/settings.xml")


def test_core_properties_come_from_the_content(scenario: dict[str, bytes], real: Path) -> None:
    props = open_docx(scenario[PAKKET]).core_properties
    assert props.title == "Testpakket voor wethouders"
    assert props.subject == "Voor wethouders en raadsleden"
    assert props.author == "Testnetwerk Weerbaarheid"
    assert props.keywords == "wethouder, raadslid"
    assert props.created.date().isoformat() == "2023-01-10"
    assert props.modified.date().isoformat() == "2024-03-15"
    assert props.comments == ""
    assert "<dc:description" not in part(scenario[PAKKET], "docProps/core.xml")
    item = open_docx(scenario[STEPS_ITEM]).core_properties
    assert item.subject == "Stappenplan"
    assert item.comments == "Dit stappenplan laat zien hoe een melding verloopt."
    assert item.created.date().isoformat() == "2023-02-01"
    for path in real.rglob("*.docx"):
        core = part(path.read_bytes(), "docProps/core.xml")
        assert "dcterms:created" not in core and "dcterms:modified" not in core, path.name


def test_no_template_leftovers(scenario: dict[str, bytes], real: Path) -> None:
    for data in [*scenario.values(), *(p.read_bytes() for p in real.rglob("*.docx"))]:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = package.namelist()
        assert not any("thumbnail" in n for n in names)
        assert "docProps/app.xml" not in names
        assert not any(n.startswith("customXml/") for n in names)
        for name in names:
            assert b"python-docx" not in package.read(name), name
        document = open_docx(data)
        for doc_pr in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        ):
            assert doc_pr.get("descr"), "every image needs alt text"


def test_real_documents_carry_every_title_and_contact_number(real: Path) -> None:
    pub = publication(REAL_CONTENT)
    pakket = open_docx(
        (real / "downloads/veiligheidspakket-startende-burgemeesters.docx").read_bytes()
    )
    text = "\n".join(p.text for p in pakket.paragraphs) + "\n".join(
        cell.text for table in pakket.tables for row in table.rows for cell in row.cells
    )
    for item in pub.items.values():
        assert item.title in text
        for contact in item.item.contacts:
            if contact.phone:
                assert contact.phone in text
    assert "Editie" not in text


# --------------------------------------------------------------------------- house style


def make_template(tmp_path: Path, *, name: str = "huisstijl.docx", dotx: bool = False) -> Path:
    """A reference template: a red Georgia 'Heading 1', Dutch-Word style ids, some text and
    metadata that must not leak into documents."""
    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0xC0, 0x00, 0x20)
    heading.font.name = "Georgia"
    heading.element.set(qn("w:styleId"), "Kop1")  # as Dutch Word saves it
    document.add_paragraph("SJABLOONTEKST die weg moet", style="Normal")
    document.core_properties.title = "Sjabloon"
    document.core_properties.last_modified_by = "Vormgever"
    target = tmp_path / name
    document.save(str(target))
    if dotx:
        source = zipfile.ZipFile(target)
        data = {n: source.read(n) for n in source.namelist()}
        data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
            b"document.main+xml", b"template.main+xml"
        )
        with zipfile.ZipFile(target, "w") as out:
            for n, content in data.items():
                out.writestr(n, content)
    return target


@pytest.mark.parametrize("dotx", [False, True], ids=["docx", "dotx"])
def test_reference_template_styles_are_used(tmp_path: Path, dotx: bool) -> None:
    template = make_template(tmp_path, dotx=dotx).read_bytes()
    data = render_all(DocxWriter(), SCENARIO, template=template)[PAKKET]
    document = open_docx(data)
    heading = document.styles["Heading 1"]
    assert heading.style_id == "Kop1"
    assert heading.font.color.rgb == RGBColor(0xC0, 0x00, 0x20)
    assert heading.font.name == "Georgia"
    assert next(p.text for p in document.paragraphs if p.style.name == "Heading 1") == "Inleiding"
    assert "Kop1" in part(data, "word/document.xml")
    assert "SJABLOONTEKST" not in part(data, "word/document.xml")
    props = document.core_properties
    assert props.title == "Testpakket voor wethouders" and props.last_modified_by == ""


def test_a_bare_template_gets_the_missing_styles_and_numbering(tmp_path: Path) -> None:
    """A template Word made without lists or links lacks those styles and numbering.xml."""
    base = docx.Document()
    styles = base.styles.element
    for style in list(styles.iter(qn("w:style"))):
        name = style.find(qn("w:name")).get(qn("w:val"))
        if name.startswith(("List", "Quote", "Title", "Subtitle", "TOC")) or name in ("Strong",):
            styles.remove(style)
    buffer = io.BytesIO()
    base.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name == "word/numbering.xml":
                continue
            content = source.read(name)
            if name == "word/_rels/document.xml.rels":
                content = re.sub(rb"<Relationship [^>]*numbering[^>]*/>", b"", content)
            if name == "[Content_Types].xml":
                content = re.sub(rb"<Override [^>]*numbering[^>]*/>", b"", content)
            target.writestr(name, content)
    data = render_all(DocxWriter(), SCENARIO, template=out.getvalue())[PAKKET]
    document = open_docx(data)
    shown = [(text, number) for _, text, number in numbered(document)]
    assert shown[:5] == [("Eerste punt", 1), ("Tweede punt met een lijst:", 2), ("Derde punt", 3),
                         ("Opnieuw één", 1), ("Opnieuw twee", 2)]  # fmt: skip
    assert document.styles["List Number"].element.pPr.numPr is not None
    assert "word/numbering.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()


SETTINGS_NS = {
    W[1:-1],
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
}


def _settings(data: bytes) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml"))


def _compatibility_mode(settings: etree._Element) -> list[str]:
    return [
        setting.get(qn("w:val"))
        for setting in settings.iter(qn("w:compatSetting"))
        if setting.get(qn("w:name")) == "compatibilityMode"
    ]


def test_word_opens_without_compatibility_mode_and_with_dutch_separators(
    scenario: dict[str, bytes], real: Path, tmp_path: Path
) -> None:
    """compatibilityMode 15 (Word 2013 and later: no "[Compatibiliteitsmodus]" in the
    title bar; python-docx's template says 14), the Dutch decimal comma and list
    separator, in schema order (the separators are the last elements of CT_Settings,
    before the w14 extensions), for the house template and a reference template alike."""
    bare = docx.Document()  # a reference template without w:compat or separators
    settings = bare.settings.element
    for tag in ("w:compat", "w:decimalSymbol", "w:listSeparator"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    buffer = io.BytesIO()
    bare.save(buffer)
    datas = [
        *scenario.values(),
        *(p.read_bytes() for p in real.rglob("*.docx")),
        render_all(DocxWriter(), SCENARIO, make_template(tmp_path).read_bytes())[PAKKET],
        render_all(DocxWriter(), SCENARIO, buffer.getvalue())[PAKKET],
    ]
    for data in datas:
        settings = _settings(data)
        assert _compatibility_mode(settings) == ["15"]
        assert settings.find(qn("w:decimalSymbol")).get(qn("w:val")) == ","
        assert settings.find(qn("w:listSeparator")).get(qn("w:val")) == ";"
        tags = [etree.QName(child).localname for child in settings]
        assert tags.index("compat") < tags.index("decimalSymbol") < tags.index("listSeparator")
        after = list(settings)[tags.index("listSeparator") + 1 :]
        assert all(etree.QName(element).namespace not in SETTINGS_NS for element in after)


def test_a_broken_template_is_a_clear_error() -> None:
    with pytest.raises(PakketbuildError, match=r"not a usable \.docx"):
        render_all(DocxWriter(), SCENARIO, template=b"this is no zip file")


def build_docx(content: Path, tmp_path: Path, template: Path | None = None) -> Path:
    out = tmp_path / "exports"
    build(
        BuildOptions(
            content=content,
            out=out,
            formats=["docx"],
            docx_template=template,
            cache_dir=tmp_path / "cache",
            progress=False,
            verbosity="quiet",
        )
    )
    return out


def content_with_site_template(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SCENARIO, content)
    (content / "sjablonen").mkdir()
    site = content / "site.yaml"
    setting = "docx_template: sjablonen/huisstijl.docx\n"
    site.write_text(site.read_text(encoding="utf-8") + setting, encoding="utf-8")
    return content


def test_site_config_template_is_read_from_the_content(tmp_path: Path) -> None:
    content = content_with_site_template(tmp_path)
    make_template(content / "sjablonen", name="huisstijl.docx")
    out = build_docx(content, tmp_path)
    assert open_docx((out / PAKKET).read_bytes()).styles["Heading 1"].font.name == "Georgia"
    # --docx-template wins over the site setting
    other = docx.Document()
    other.styles["Heading 1"].font.name = "Verdana"
    other.save(str(tmp_path / "ander.docx"))
    out = build_docx(content, tmp_path, template=tmp_path / "ander.docx")
    assert open_docx((out / PAKKET).read_bytes()).styles["Heading 1"].font.name == "Verdana"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("outside-link", "path-outside-content"),
        ("missing", "missing-file"),
        ("folder", "not-a-file"),
    ],
)
def test_site_config_template_must_be_a_file_inside_the_content(
    tmp_path: Path, case: str, code: str
) -> None:
    content = content_with_site_template(tmp_path)
    target = content / "sjablonen" / "huisstijl.docx"
    if case == "outside-link":
        os.symlink(make_template(tmp_path), target)
    elif case == "folder":
        target.mkdir()
    with pytest.raises(ContentError) as info:
        build_docx(content, tmp_path)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.path.endswith("site.yaml") and diagnostic.line == 6
    assert (diagnostic.code, diagnostic.field) == (code, "docx_template")


# --------------------------------------------------------------------------- determinism


def test_two_renders_are_byte_identical_also_in_another_time_zone(
    scenario: dict[str, bytes],
) -> None:
    assert render_all(DocxWriter(), SCENARIO) == scenario
    code = (
        "import sys;"
        "from tests.writers.document_tools import render_all, SCENARIO;"
        "from pakketbuild.writers.docx import DocxWriter;"
        "sys.stdout.buffer.write(render_all(DocxWriter(), SCENARIO)['downloads/testpakket.docx'])"
    )
    env = {**os.environ, "TZ": "America/St_Johns", "LC_ALL": "C"}
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, env=env,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout  # fmt: skip
    assert other == scenario[PAKKET]
    infos = zipfile.ZipFile(io.BytesIO(scenario[PAKKET])).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]


# --------------------------------------------------------------------------- real clients


@pytest.mark.clients
def test_libreoffice_converts_every_docx(
    scenario: dict[str, bytes], real: Path, tmp_path: Path
) -> None:
    files = []
    for path, data in scenario.items():
        target = tmp_path / "in" / Path(path).name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        files.append(target)
    files.extend(sorted((real / "downloads").rglob("*.docx")))  # the full edition
    converted = [clients.libreoffice_convert(f, tmp_path / "out") for f in files]
    pub = publication(REAL_CONTENT)
    by_name = {p.stem: p for p in converted}
    # A view's pakket (its own theme, only the burgemeesters' items) converts as well.
    view = real / "views/burgemeesters/downloads/veiligheidspakket-startende-burgemeesters.docx"
    view_text = pdf_text(clients.libreoffice_convert(view, tmp_path / "view"))
    for item in pub.views["burgemeesters"].items.values():
        assert item.title in view_text
    assert "Stappenplan melding en aangifte" not in view_text  # not for burgemeesters
    pakket = pdf_text(by_name["veiligheidspakket-startende-burgemeesters"])
    for item in pub.items.values():
        assert item.title in pakket
        assert item.title in pdf_text(by_name[item.id])
    assert re.search(r"pagina 2 van \d", pakket)  # PAGE/NUMPAGES fields evaluated
    assert "pagina 1 van" not in pakket  # the title page has no running header or footer
    # a real renderer numbers every list from 1
    numbers = re.findall(r"(\d+)\. (Eerste punt|Derde punt|Opnieuw één|Opnieuw twee|"
                         r"Meld het incident|Doe aangifte|Kennismaking|Terugblik)",
                         pdf_text(by_name["testpakket"]))  # fmt: skip
    assert numbers == [
        ("1", "Eerste punt"), ("3", "Derde punt"), ("1", "Opnieuw één"), ("2", "Opnieuw twee"),
        ("1", "Meld het incident"), ("3", "Doe aangifte"), ("1", "Kennismaking"),
        ("3", "Terugblik"),
    ]  # fmt: skip


@pytest.mark.clients
def test_word_contents_match_the_pdf_contents_page(real_documents: Path, tmp_path: Path) -> None:
    """The contents list of every pakket and view DOCX, as LibreOffice shows it when it
    opens the file (no field update), has the entries of the PDF's contents page, in the
    same order, and nothing else (no level-2 Contact / Documenten / Zie ook)."""
    for word in sorted(real_documents.rglob("downloads/*.docx")):
        pdf = word.with_suffix(".pdf")
        converted = clients.libreoffice_convert(word, tmp_path / word.parent.parent.name)
        word_page = _contents_entries(converted)
        pdf_page = _contents_entries(pdf)
        assert word_page == pdf_page, word
        assert word_page and not {"Contact", "Documenten", "Zie ook"} & set(word_page)


def test_word_contents_still_match_after_a_field_update(
    real_documents: Path, tmp_path: Path
) -> None:
    """What a reader gets after "update field" (Word) or "update all" (LibreOffice): the
    contents list is regenerated from the TOC field's own switches. LibreOffice, driven
    through its UNO bridge, updates every index of each pakket and view DOCX and saves a
    PDF; the contents page still has exactly the entries of the PDF's contents page."""
    words = sorted(real_documents.rglob("downloads/*.docx"))
    pairs = [
        (word, tmp_path / f"{number:02d}-{word.stem}.pdf") for number, word in enumerate(words)
    ]
    clients.libreoffice_update_indexes(pairs, tmp_path / "profile")
    for word, updated in pairs:
        entries = _contents_entries(updated)
        assert entries == _contents_entries(word.with_suffix(".pdf")), word
        assert entries and not {"Contact", "Documenten", "Zie ook"} & set(entries)


def _contents_entries(pdf: Path) -> list[str]:
    """The lines of the contents page after "Inhoud", without page numbers, the running
    header and the footer."""
    tool = poppler("pdftotext")
    for page in range(1, 4):
        text = subprocess.run(
            [tool, "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
        if "Inhoud" not in lines:
            continue
        entries = []
        for line in lines[lines.index("Inhoud") + 1 :]:
            line = re.sub(r"[ .]*\d+$", "", line).strip()  # a page number, with dots
            if not line or line.startswith("pagina "):
                continue
            entries.append(line)
        return entries
    return []


def test_thumbnail_relationship_is_gone(scenario: dict[str, bytes]) -> None:
    document = open_docx(scenario[PAKKET])
    reltypes = {rel.reltype for rel in document.part.package.rels.values()}
    assert RT.THUMBNAIL not in reltypes and RT.EXTENDED_PROPERTIES not in reltypes
