"""The PDF writer, checked by reading the PDFs back (text, outline, tags, fonts, metadata)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from pakketbuild import anchors
from pakketbuild.build import BuildOptions, build
from pakketbuild.publication import Publication
from pakketbuild.writers import BuildContext
from pakketbuild.writers.fetcher import ConfinedFetcher
from pakketbuild.writers.pdf import PdfWriter, document_html, laid_out, link_descriptions
from tests import clients
from tests.writers.document_tools import (
    DATA,
    REAL_CONTENT,
    SCENARIO,
    normalise,
    pdf_body_text,
    pdf_fonts,
    pdf_text,
    poppler,
    publication,
    render_all,
)

BUNDLED_FONTS = {
    "Liberation-Sans",
    "Liberation-Sans-Bold",
    "Liberation-Sans-Italic",
    "Liberation-Sans-Bold-Italic",
    "Liberation-Mono",
}
"""How WeasyPrint names the house families of assets/pdf/document.css in the PDF (the
families the Word and ODT files name and embed too)."""
FALLBACK_FONT = "DejaVu-Sans"
"""The bundled fallback for characters Liberation Sans lacks."""
PAKKET = "downloads/testpakket.pdf"
STEPS_ITEM = "downloads/items/stappenplan-test.pdf"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The scenario content rendered to PDF: job path → file."""
    out = tmp_path_factory.mktemp("scenario-pdf")
    files = {}
    for path, data in render_all(PdfWriter(), SCENARIO).items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[path] = target
    return files


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built with ``pakketbuild build --formats pdf``."""
    root = tmp_path_factory.mktemp("real-pdf")
    out = root / "exports"
    build(
        BuildOptions(
            content=REAL_CONTENT,
            out=out,
            formats=["pdf"],
            cache_dir=root / "cache",
            progress=False,
            verbosity="quiet",
        )
    )
    return out


def real_pdfs(real: Path) -> list[Path]:
    return sorted((real / "downloads").rglob("*.pdf"))


def page_texts(path: Path) -> list[str]:
    tool = poppler("pdftotext")
    pages = len(pikepdf.open(path).pages)
    return [
        normalise(
            subprocess.run(
                [tool, "-f", str(n), "-l", str(n), str(path), "-"],
                capture_output=True,
                check=True,
            ).stdout.decode()
        )
        for n in range(1, pages + 1)
    ]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page number) of every bookmark."""
    pdf = pikepdf.open(path)
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    entries: list[tuple[int, str, int]] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            destination = item.destination
            if destination is None and item.action is not None:
                destination = item.action.get("/D")
            page = pages.get(destination[0].objgen, 0) if destination is not None else 0
            entries.append((depth, str(item.title), page))
            walk(item.children, depth + 1)

    with pdf.open_outline() as tree:
        walk(tree.root, 1)
    return entries


def docinfo(path: Path) -> dict[str, str]:
    with pikepdf.open(path) as pdf:
        return {str(key): str(value) for key, value in pdf.docinfo.items()}


def struct_text(path: Path) -> str:
    tool = poppler("pdfinfo")
    result = subprocess.run([tool, "-struct-text", str(path)], capture_output=True, check=True)
    return result.stdout.decode()


# --------------------------------------------------------------------------- jobs


def test_jobs_name_every_pakket_and_published_item_with_their_deps() -> None:
    pub = publication(SCENARIO)
    jobs = PdfWriter().jobs(pub, BuildContext(formats=("pdf",)))
    assert [(j.path, j.subject) for j in jobs] == [
        (PAKKET, "pakket:testpakket"),
        (STEPS_ITEM, "item:stappenplan-test"),
        ("downloads/items/tweede-onderdeel.pdf", "item:tweede-onderdeel"),
    ]
    assert {j.media_type for j in jobs} == {"application/pdf"}
    assert {j.format for j in jobs} == {"pdf"}
    assert set(jobs[0].deps) == {
        "pakket:testpakket",
        "item:stappenplan-test",
        "item:tweede-onderdeel",
        "organisations",
        "site",
    }
    assert set(jobs[1].deps) == {
        "item:stappenplan-test",
        "organisations",
        "site",
        "pakket:testpakket",
    }


def test_the_writer_module_does_not_import_weasyprint() -> None:
    code = (
        "import sys, pakketbuild.writers.pdf, pakketbuild.writers.docx;"
        "heavy = {'weasyprint', 'docx'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- PDF/UA basics


def test_pakket_pdf_is_tagged_pdf_ua_with_language_and_title(scenario: dict[str, Path]) -> None:
    pdf = pikepdf.open(scenario[PAKKET])
    assert pdf.pdf_version == "1.7"
    assert str(pdf.Root.Lang) == "nl"
    assert bool(pdf.Root.MarkInfo.Marked)
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.docinfo.Title) == "Testpakket voor wethouders"
    assert str(pdf.docinfo.Author) == "Testnetwerk Weerbaarheid"
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"
        assert xmp.get("dc:title") == "Testpakket voor wethouders"
    for page in pdf.pages:
        assert [round(float(v)) for v in page.MediaBox] == [0, 0, 595, 842]  # A4


RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def _xmp_packet(path: Path) -> bytes:
    with pikepdf.open(path) as pdf:
        return bytes(pdf.Root.Metadata.read_bytes())


def test_every_pdf_declares_pdf_a_2a_and_pdf_ua_1_in_one_xmp_packet(
    scenario: dict[str, Path], real: Path
) -> None:
    from xml.etree import ElementTree as ET

    for path in [*scenario.values(), *real_pdfs(real)]:
        raw = path.read_bytes()
        # one packet in the whole file (a second one would be a second metadata stream)
        assert raw.count(b"<?xpacket begin=") == 1, path.name
        packet = _xmp_packet(path)
        assert packet.count(b"<rdf:RDF") == 1, path.name
        body = packet[packet.index(b"<x:xmpmeta") : packet.rindex(b"</x:xmpmeta>") + 12]
        descriptions = ET.fromstring(body).findall(f"{RDF}RDF/{RDF}Description")
        assert len(descriptions) == 1, path.name
        with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
            assert pdf.pdf_version == "1.7"
            assert xmp.get("pdfaid:part") == "2", path.name
            assert xmp.get("pdfaid:conformance") == "A", path.name
            assert xmp.get("pdfuaid:part") == "1", path.name
            # PDF/A-2 accepts pdfuaid only when the file describes that schema itself
            assert b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/<" in packet
            # metadata stream uncompressed, the same text as the document information
            assert "/Filter" not in pdf.Root.Metadata.stream_dict
            assert xmp.get("dc:title") == str(pdf.docinfo.Title), path.name
            assert xmp.get("dc:creator") == [str(pdf.docinfo.Author)], path.name
            assert xmp.get("pdf:Producer") == str(pdf.docinfo.Producer)
            assert xmp.get("xmp:CreatorTool") == str(pdf.docinfo.Creator)


def test_every_pdf_has_an_srgb_output_intent_and_embeds_every_font(
    scenario: dict[str, Path], real: Path
) -> None:
    for path in [*scenario.values(), *real_pdfs(real)]:
        with pikepdf.open(path) as pdf:
            intents = list(pdf.Root.OutputIntents)
            assert len(intents) == 1, path.name
            intent = intents[0]
            assert intent.S == "/GTS_PDFA1"
            assert "sRGB" in str(intent.OutputConditionIdentifier)
            profile = intent.DestOutputProfile
            assert int(profile.N) == 3
            assert profile.read_bytes()[36:40] == b"acsp"  # an ICC profile
            fonts = 0
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    fonts += 1
                    descendants = font.get("/DescendantFonts")
                    target = descendants[0] if descendants is not None else font
                    descriptor = target.FontDescriptor
                    assert any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    ), (path.name, str(target.get("/BaseFont")))
            assert fonts, path.name
            # the structure tree is kept (PDF/A level A and PDF/UA both need it)
            assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
            # PDF/A: every annotation is printable
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    assert int(annot.F) & 4, path.name


def test_xmp_dates_match_the_document_information(scenario: dict[str, Path]) -> None:
    with pikepdf.open(scenario[PAKKET]) as pdf, pdf.open_metadata() as xmp:
        assert xmp.get("xmp:CreateDate", "").startswith("2023-01-10")
        assert xmp.get("xmp:ModifyDate", "").startswith("2024-03-15")


def test_metadata_dates_come_from_the_content(scenario: dict[str, Path], real: Path) -> None:
    # editions 2023-01-10 and 2024-03-15; the item was published 2023-02-01 ('published',
    # not its first change) and changed 2024-03-01
    info = docinfo(scenario[PAKKET])
    assert info["/CreationDate"].startswith("D:20230110")
    assert info["/ModDate"].startswith("D:20240315")
    item = docinfo(scenario[STEPS_ITEM])
    assert item["/CreationDate"].startswith("D:20230201")
    assert item["/ModDate"].startswith("D:20240301")
    # the real content records no dates: none are invented
    for path in real_pdfs(real):
        info = docinfo(path)
        assert "/CreationDate" not in info and "/ModDate" not in info, path.name


def test_only_the_bundled_fonts_are_used(scenario: dict[str, Path], real: Path) -> None:
    for path in [*scenario.values(), *real_pdfs(real)]:
        fonts = pdf_fonts(path)
        assert fonts, path.name
        assert set(fonts) <= BUNDLED_FONTS, (path.name, fonts)
    assert "Liberation-Mono" in pdf_fonts(scenario[STEPS_ITEM])  # code: the house mono font


def test_machine_fonts_are_never_consulted(tmp_path: Path) -> None:
    """A generic family, a character Liberation Sans lacks (✓, from the bundled DejaVu
    Sans) and one no bundled font has: without an isolated fontconfig they would pull in
    a system font."""
    html = (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>T</title>'
        '<link rel="stylesheet" href="pdf/document.css"></head><body>'
        '<p style="font-family: serif">Serif? 日本語 ✓</p><pre>mono</pre></body></html>'
    )
    from pakketbuild.writers.pdf import html_to_pdf

    target = tmp_path / "fonts.pdf"
    target.write_bytes(html_to_pdf(html, ConfinedFetcher(content_root=tmp_path, source="x")))
    fonts = pdf_fonts(target)
    assert set(fonts) <= BUNDLED_FONTS | {FALLBACK_FONT}, fonts
    assert FALLBACK_FONT in fonts  # ✓


# --------------------------------------------------------------------------- structure


def test_cover_shows_title_edition_and_publisher(scenario: dict[str, Path], real: Path) -> None:
    cover = page_texts(scenario[PAKKET])[0]
    assert "Testpakket voor wethouders" in cover
    assert "Editie: 15 maart 2024" in cover
    assert "Uitgegeven door Testnetwerk Weerbaarheid" in cover
    assert "pagina" not in cover  # no running footer on the cover
    real_cover = page_texts(real / "downloads/veiligheidspakket-startende-burgemeesters.pdf")[0]
    assert "Veiligheidspakket startende burgemeesters" in real_cover
    assert "Uitgegeven door Netwerk Weerbaar Bestuur" in real_cover
    assert "Editie" not in real_cover  # the content has no edition date


def test_table_of_contents_gives_the_right_page_numbers(real: Path) -> None:
    path = real / "downloads/veiligheidspakket-startende-burgemeesters.pdf"
    pages = page_texts(path)
    pub = publication(REAL_CONTENT)
    pakket = pub.pakketten["veiligheidspakket-startende-burgemeesters"]
    toc = pages[1]
    assert toc.startswith(f"{pakket.title} Inhoud Inhoud")
    for title in ["Inleiding", *(item.title for item in pakket.items)]:
        match = re.search(re.escape(title) + r" (\d+)", toc)
        assert match, f"{title!r} missing from the table of contents: {toc}"
        number = int(match.group(1))
        assert number > 2
        assert title in pages[number - 1], f"{title!r} is not on page {number}"


def test_one_bookmark_per_item_on_its_page(scenario: dict[str, Path], real: Path) -> None:
    real_pakket = real / "downloads/veiligheidspakket-startende-burgemeesters.pdf"
    for path, content in ((scenario[PAKKET], SCENARIO), (real_pakket, REAL_CONTENT)):
        pub = publication(content)
        (pakket,) = pub.pakketten.values()
        entries = outline(path)
        top = [title for depth, title, _ in entries if depth == 1]
        assert top == ["Inhoud", "Inleiding", *(item.title for item in pakket.items), "Colofon"]
        pages = page_texts(path)
        for depth, title, number in entries:
            assert number >= 1, title
            if depth == 1:
                assert title in pages[number - 1], (title, number)
    sections = [title for depth, title, _ in outline(scenario[PAKKET]) if depth == 2]
    # '###' in an item is h4 in the pakket: too deep for the outline
    assert sections == [
        "Achtergrond van het pakket", "Eerste sectie", "Tweede sectie", "Stappen", "Contact",
        "Documenten", "Zie ook", "Programma", "Contact", "Zie ook",
    ]  # fmt: skip


def test_item_pdf_bookmarks_start_with_its_title(scenario: dict[str, Path]) -> None:
    entries = outline(scenario[STEPS_ITEM])
    assert entries[0][:2] == (1, "Stappenplan voor de test")
    assert [t for d, t, _ in entries if d == 2] == [
        "Eerste sectie", "Tweede sectie", "Stappen", "Contact", "Documenten", "Zie ook",
    ]  # fmt: skip


def test_running_header_and_footer_on_every_page_after_the_cover(
    scenario: dict[str, Path],
) -> None:
    pages = page_texts(scenario[PAKKET])
    for number, text in enumerate(pages[1:], start=2):
        assert text.startswith("Testpakket voor wethouders"), text[:80]
        assert text.endswith(f"pagina {number} van {len(pages)}"), text[-80:]
    # the right-hand header names the item at the top of the page
    assert "Stappenplan voor de test" in pages[3].split("Tweede sectie")[0]


def test_header_and_footer_are_artifacts_not_content(scenario: dict[str, Path]) -> None:
    """WeasyPrint tags margin boxes as content; the writer turns them into artifacts."""
    tagged = struct_text(scenario[PAKKET])
    assert "Stappenplan voor de test" in tagged
    assert "pagina" not in tagged
    pdf = pikepdf.open(scenario[PAKKET])
    reachable = _struct_elements(pdf)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for index in range(0, len(nums), 2):
        value = nums[index + 1]
        refs = list(value) if isinstance(value, pikepdf.Array) else [value]
        for ref in refs:
            if isinstance(ref, pikepdf.Dictionary):
                assert ref.objgen in reachable, "parent tree points outside the structure tree"
    artifacts = [
        sum(1 for op in pikepdf.parse_content_stream(page) if op.operator == pikepdf.Operator("BDC")
            and op.operands[0] == pikepdf.Name.Artifact)
        for page in pdf.pages
    ]  # fmt: skip
    assert artifacts[0] == 0 and all(count == 3 for count in artifacts[1:]), artifacts


def test_headings_contain_text(scenario: dict[str, Path], real: Path) -> None:
    """What pdfua's UA-14-001 would check if it did not crash on WeasyPrint's arrays."""
    for path in [*scenario.values(), *real_pdfs(real)]:
        pdf = pikepdf.open(path)
        for element in _struct_elements(pdf).values():
            if re.fullmatch(r"/H[1-6]", str(element.get("/S"))):
                assert _marks_content(element), f"empty heading in {path.name}"


def test_steps_are_a_numbered_list(scenario: dict[str, Path]) -> None:
    text = pdf_text(scenario[STEPS_ITEM])
    assert (
        "Stappen 1. Meld het incident Bel het meldpunt of stuur een e-mail. "
        "2. Leg alles vast Noteer datum, tijd en plaats. Bewaar berichten als schermafdruk. "
        "3. Doe aangifte"
    ) in text
    tagged = struct_text(scenario[STEPS_ITEM])
    steps = tagged.split('"Stappen"')[1].split('"Contact"')[0]
    assert steps.count("LI (block)") == 3 and steps.count("Lbl (block)") == 3
    assert "P (block)" in steps and "LBody (block)" in steps


def test_links_are_clickable(scenario: dict[str, Path]) -> None:
    pdf = pikepdf.open(scenario[STEPS_ITEM])
    uris = {
        str(annot.A.URI)
        for page in pdf.pages
        for annot in page.get("/Annots", [])
        if annot.get("/Subtype") == "/Link" and "/A" in annot and "/URI" in annot.A
    }
    assert {
        "https://testnetwerk.example.nl/handreiking",
        "tel:+31701234567",
        "mailto:meldpunt@testnetwerk.example.nl",
        "https://testnetwerk.example.nl/meldpunt",
        "https://testnetwerk.example.nl/handreiking.pdf",
    } <= uris
    internal = [
        annot
        for page in pdf.pages
        for annot in page.get("/Annots", [])
        if "/Dest" in annot or ("/A" in annot and annot.A.get("/S") == "/GoTo")
    ]
    assert internal, "the in-page link to '#tweede-sectie' must be an internal link"


def test_table_header_cells_have_scope(scenario: dict[str, Path]) -> None:
    pdf = pikepdf.open(scenario[STEPS_ITEM])
    headers = [e for e in _struct_elements(pdf).values() if e.get("/S") == "/TH"]
    assert len(headers) == 3  # the Markdown table; contacts are labelled blocks
    assert all(h.A.Scope == "/Column" for h in headers)


def test_contacts_are_labelled_blocks_whose_addresses_never_break(
    scenario: dict[str, Path], real: Path
) -> None:
    text = pdf_body_text(scenario[STEPS_ITEM])
    assert (
        "Meldpunt Test Telefoon: 070-1234567 E-mail: meldpunt@testnetwerk.example.nl "
        "Website: https://testnetwerk.example.nl/meldpunt Bereikbaar: maandag tot en met "
        "vrijdag van 9.00 tot 17.00 uur"
    ) in text
    assert "Achtervang Telefoon: 020-7654321" in text
    assert "Contact Telefoon" not in text  # no header cell repeats the heading
    # every e-mail address and URL of the real content stands on one line
    pub = publication(REAL_CONTENT)
    for path in real_pdfs(real):
        raw = pdf_text(path)
        lines = raw.splitlines()
        for item in pub.items.values():
            for contact in item.item.contacts:
                for value in (contact.email, contact.url):
                    if value and value in normalise(raw):
                        assert any(value in line for line in lines), (path.name, value)


def test_contents_entries_are_links(scenario: dict[str, Path], real: Path) -> None:
    """One internal link per contents entry on the contents page (WeasyPrint writes none
    for a link inside a flex item, so the entries must not be flex rows)."""
    cases = {  # the intro, the items and the colophon
        scenario[PAKKET]: 4,
        real / "downloads/veiligheidspakket-startende-burgemeesters.pdf": 9,
    }
    for path, entries in cases.items():
        pdf = pikepdf.open(path)
        internal = [
            a
            for a in pdf.pages[1].get("/Annots", [])
            if a.Subtype == "/Link" and ("/Dest" in a or a.get("/A", {}).get("/S") == "/GoTo")
        ]
        assert len(internal) == entries, path.name


def link_annotations(path: Path) -> list[tuple[str, str]]:
    """(``/Contents``, target) of every link annotation: the named destination of a link
    inside the document, the URI of any other."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                target = annot.get("/Dest") or annot.get("/A", {}).get("/URI")
                found.append((str(annot.get("/Contents", "")), str(target)))
    return found


def test_every_link_describes_itself(scenario: dict[str, Path], real: Path) -> None:
    """PDF/UA-1 7.18.5: each link annotation's ``/Contents`` describes the link ("Bel
    070-3738314", "Mail naar …", "Naar Woningscan", "Naar https://…") instead of the
    internal id or ``tel:+31…`` WeasyPrint writes. A link inside the document is named
    by the heading it leads to."""
    pdfs = [*scenario.values(), *real_pdfs(real)]
    links = {path: link_annotations(path) for path in pdfs}
    assert sum(map(len, links.values())) > 30
    for path, found in links.items():
        for contents, target in found:
            assert contents and contents != target, (path.name, target)
            assert "tel:" not in contents and "item-" not in contents, (path.name, contents)
            if target.startswith("tel:"):
                assert re.fullmatch(r"Bel 0[0-9 -]{9,}", contents), contents
            elif target.startswith("mailto:"):
                assert contents == f"Mail naar {target[7:]}", contents
            else:
                assert contents.startswith("Naar ") and len(contents) > 5, contents
    pakket = links[real / "downloads/veiligheidspakket-startende-burgemeesters.pdf"]
    assert ("Bel 070-3738314", "tel:+31703738314") in pakket
    assert ("Naar Woningscan", "item-woningscan") in pakket
    assert ("Naar Colofon", anchors.COLOPHON) in pakket
    steps = links[scenario[STEPS_ITEM]]
    assert ("Mail naar meldpunt@testnetwerk.example.nl",
            "mailto:meldpunt@testnetwerk.example.nl") in steps  # fmt: skip


def test_link_descriptions_come_from_the_html_the_outline_made() -> None:
    html = (
        '<h2 id="item-a">Woningscan</h2><a href="#item-a">hier</a>'
        '<a href="tel:+31703738314">070\u20113738314</a>'
        '<a href="mailto:a@b.nl">a@b.nl</a>'
        '<a href="https://x.nl/a?b=1&amp;c=2"><span>https://x.nl/</span>a</a>'
    )
    assert dict(link_descriptions(html)) == {
        "item-a": "Naar Woningscan",
        "tel:+31703738314": "Bel 070-3738314",
        "mailto:a@b.nl": "Mail naar a@b.nl",
        "https://x.nl/a?b=1&c=2": "Naar https://x.nl/a",
    }


def test_body_lines_are_at_most_about_75_characters_and_never_hyphenated(real: Path) -> None:
    """Ragged right without hyphenation (docs/documents.md, "Hyphenation"): no layout
    hyphen (WeasyPrint's U+2010, a soft hyphen) anywhere in the text layer, so every word
    is whole for search, copy and read-aloud."""
    tool = poppler("pdftotext")

    def raw(path: Path) -> str:
        return subprocess.run(
            [tool, str(path), "-"], capture_output=True, check=True
        ).stdout.decode()

    lengths = []
    for path in real_pdfs(real):
        lengths += [len(line) for line in raw(path).splitlines() if len(line.split()) > 4]
    lengths.sort()
    assert lengths[int(len(lengths) * 0.95)] <= 75, lengths[-20:]
    assert lengths[-1] <= 80, lengths[-20:]
    for path in real_pdfs(real):
        text = raw(path)
        # (a hyphen-minus at a line end is the text's own: "beroeps- en …")
        assert "\u2010" not in text and "\u00ad" not in text, path.name


def test_no_heading_is_stranded_at_the_bottom_of_a_page(tmp_path: Path) -> None:
    """Slide a heading down the page line by line; it must never end a page."""

    pub = publication(SCENARIO)
    item = pub.items["tweede-onderdeel"]
    stranded = []
    for lines in range(30, 60):
        body = "\n\n".join(f"Regel {n}." for n in range(lines)) + "\n\n## Kop onderaan\n\nTekst."
        changed = item.item.model_copy(update={"body": body})
        pub_item = type(item)(changed, item.providers, item.related, item.pakket_ids)
        fetcher = ConfinedFetcher(content_root=pub.content_root, source="t")
        with laid_out(document_html(_with_item(pub, pub_item), pub_item), fetcher) as document:
            for number, page in enumerate(document.pages, start=1):
                last = _last_block(page._page_box)
                if last is not None and last.element_tag in ("h1", "h2", "h3", "h4"):
                    stranded.append((lines, number))
    assert not stranded


def test_real_pdfs_contain_every_title_contact_number_and_source_sentence(real: Path) -> None:
    pub = publication(REAL_CONTENT)
    pakket_text = pdf_text(real / "downloads/veiligheidspakket-startende-burgemeesters.pdf")
    for item in pub.items.values():
        assert item.title in pakket_text
        item_text = pdf_text(real / f"downloads/items/{item.id}.pdf")
        assert item.title in item_text
        for contact in item.item.contacts:
            if contact.phone:
                assert contact.phone in pakket_text and contact.phone in item_text
    source = (DATA / "seed-source.txt").read_text(encoding="utf-8")
    sentences = [
        sentence
        for line in source.splitlines()
        for sentence in re.split(r"(?<=[.?!])\s+", normalise(line))
        if sentence
    ]
    assert len(sentences) > 20
    body = pdf_body_text(real / "downloads/veiligheidspakket-startende-burgemeesters.pdf")
    assert "pagina" not in body
    missing = [s for s in sentences if s not in body]
    assert not missing


# --------------------------------------------------------------------------- clean rendering


def test_two_renders_are_byte_identical_also_in_another_time_zone(tmp_path: Path) -> None:
    first = render_all(PdfWriter(), SCENARIO)
    assert render_all(PdfWriter(), SCENARIO) == first
    # A whole build in another process, time zone and locale, with the process pool:
    # PDF and DOCX come out identical to the in-process renders.
    from pakketbuild.writers.docx import DocxWriter

    expected = {**first, **render_all(DocxWriter(), SCENARIO)}
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "LC_ALL": "C"}
    env.pop("SOURCE_DATE_EPOCH", None)
    out = tmp_path / "exports"
    subprocess.run(
        [
            sys.executable, "-m", "pakketbuild", "build", "--content", str(SCENARIO),
            "--out", str(out), "--formats", "pdf,docx", "--jobs", "2",
            "--cache-dir", str(tmp_path / "cache"), "--quiet",
        ],
        check=True,
        env=env,
    )  # fmt: skip
    built = {path: (out / path).read_bytes() for path in expected}
    assert built == expected


def test_render_leaves_no_temporary_files_and_restores_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("FONTCONFIG_FILE", "/etc/fonts/fonts.conf")
    pub, job = _job(SCENARIO, "pakket:testpakket")
    PdfWriter().render(pub, BuildContext(formats=("pdf",)), job)
    assert list(scratch.iterdir()) == []
    assert "SOURCE_DATE_EPOCH" not in os.environ
    assert os.environ["FONTCONFIG_FILE"] == "/etc/fonts/fonts.conf"


def test_rendering_logs_no_weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_all(PdfWriter(), SCENARIO)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


# --------------------------------------------------------------------------- real clients


@pytest.mark.clients
def test_pdf_ua_checkers_report_no_failures(scenario: dict[str, Path], real: Path) -> None:
    """Both checkers, every severity. The only rule allowed to go unevaluated is pdfua's
    UA-14-001 (empty headings), which crashes on WeasyPrint's /K arrays (a checker bug);
    test_headings_contain_text does that check instead."""
    problems = {}
    for path in [*scenario.values(), *real_pdfs(real)]:
        report = clients.pdfua_report(path)
        unexpected_skips = [s for s in report.skipped if "UA-14-001" not in s]
        found = report.failures + report.warnings + unexpected_skips
        if found:
            problems[path.name] = found
    assert problems == {}


# --------------------------------------------------------------------------- helpers


def _job(content: Path, subject: str) -> tuple[Publication, Any]:
    pub = publication(content)
    job = next(
        j for j in PdfWriter().jobs(pub, BuildContext(formats=("pdf",))) if j.subject == subject
    )
    return pub, job


def _with_item(pub: Publication, item: Any) -> Publication:
    from dataclasses import replace

    return replace(pub, items={**pub.items, item.id: item})


def _struct_elements(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    found: dict[tuple[int, int], pikepdf.Dictionary] = {}
    top = pdf.Root.StructTreeRoot.K
    stack = list(top) if isinstance(top, pikepdf.Array) else [top]
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") != "/StructElem":
            continue
        if element.objgen in found:
            continue
        found[element.objgen] = element
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif kids is not None:
            stack.append(kids)
    return found


def _marks_content(element: Any) -> bool:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for kid in items:
        if isinstance(kid, int):
            return True
        if isinstance(kid, pikepdf.Dictionary) and (
            kid.get("/Type") == "/MCR" or _marks_content(kid)
        ):
            return True
    return False


def _last_block(box: Any) -> Any:
    """The last in-flow block of a page that has an element (the bottom-most content)."""
    from weasyprint.formatting_structure import boxes

    last = None

    def walk(parent: Any) -> Iterator[Any]:
        for child in getattr(parent, "children", ()):
            if isinstance(child, (boxes.MarginBox, boxes.LineBox)):
                continue
            if isinstance(child, boxes.BlockBox) and child.element_tag in (
                "h1",
                "h2",
                "h3",
                "h4",
                "p",
                "li",
                "table",
                "pre",
            ):
                yield child
            yield from walk(child)

    for block in walk(box):
        last = block
    return last
