"""The publication date, the colophon and its QR code in every document format.

Read back from the files themselves: the PDF's text (pdftotext) and link annotations
(pikepdf), the Word document's paragraphs and settings, the ODT's paragraphs; the QR code
is decoded with zxing-cpp from the PNG that Word and ODT embed and, with the real clients,
from the rendered pages (pdftoppm; LibreOffice for DOCX and ODT).

* **The date is never invented.** With ``SOURCE_DATE_EPOCH`` and content without dates,
  every cover and every item document's title block shows that date in Dutch, and so does
  the colophon; a content date (a pakket's ``edition``) wins; without either there is no
  date, and "1970" appears nowhere.
* **The colophon** closes every combined document (a pakket's, a view's) in all three
  formats with the same lines: publisher, date, edition, content version, the web address
  of the current version with a QR code (only with a base URL) and the licence (only when
  ``site.yaml`` names one). The real content gains no fact: no address, no licence.
* **A new source date rebuilds exactly the documents that show it**, and nothing else.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from pakketbuild.build import BuildOptions, build
from pakketbuild.loader import load_content
from pakketbuild.publication import build_publication
from pakketbuild.writers import atom, outline, qr
from pakketbuild.writers.odt import NS
from tests import clients
from tests.writers.document_tools import REAL_CONTENT, SCENARIO, normalise

EPOCH = 1764631800
"""1 December 2025 23:30 UTC: 2 December 2025 in the Netherlands."""
DATE = "2 december 2025"
OTHER_DAY = EPOCH + 86400
BASE_URL = "https://voorbeeld.nl/pakket/"
LICENSE = "CC BY 4.0"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORMATS = ("pdf", "docx", "odt")
VERSION = re.compile(r"Versie van de inhoud: ([0-9a-f]{16})")


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content with a licence, built with a base URL and a source date."""
    root = tmp_path_factory.mktemp("dated")
    content = root / "content"
    shutil.copytree(REAL_CONTENT, content)
    site = content / "site.yaml"
    site.write_text(site.read_text("utf-8") + f"license: {LICENSE}\n", "utf-8")
    out = root / "exports"
    build(
        BuildOptions(
            content=content,
            out=out,
            formats=[*FORMATS, "json"],
            cache_dir=root / "cache",
            base_url=BASE_URL,
            source_date_epoch=EPOCH,
        )
    )
    return out


@pytest.fixture(scope="module")
def scenario_dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documents scenario (a pakket with an edition) built with a source date."""
    root = tmp_path_factory.mktemp("scenario-dated")
    out = root / "exports"
    build(BuildOptions(content=SCENARIO, out=out, formats=list(FORMATS),
                       cache_dir=root / "cache", source_date_epoch=EPOCH))  # fmt: skip
    return out


# --------------------------------------------------------------------------- reading


def documents(root: Path, ext: str) -> list[Path]:
    return sorted(p for p in root.rglob(f"*.{ext}") if "downloads" in p.parts)


def combined(root: Path, ext: str) -> list[Path]:
    """The pakketten's and the views' combined documents (not the items')."""
    return sorted(p for p in root.rglob(f"*.{ext}") if p.parent.name == "downloads")


def pdf_pages(path: Path) -> list[str]:
    return [normalise(page) for page in clients.pdf_text(path).split("\f") if page.strip()]


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph."""
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    found = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        name = style.get(f"{W}val") if style is not None else ""
        found.append((name or "", "".join(t.text or "" for t in paragraph.iter(f"{W}t"))))
    return found


def odt_text(element: etree._Element) -> str:
    """The text of an ODF paragraph as a reader sees it (``text:s`` is a space)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == q("text:s"):
            parts.append(" " * int(child.get(q("text:c"), "1")))
        elif child.tag == q("text:line-break"):
            parts.append("\n")
        elif child.tag == q("draw:frame"):
            pass  # an image: its text alternative is not text of the paragraph
        else:
            parts.append(odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def odt_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph and heading."""
    content = etree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    return [
        (element.get(q("text:style-name")) or "", normalise(odt_text(element)))
        for element in content.iter(q("text:p"), q("text:h"))
    ]


def after_heading(paragraphs: list[tuple[str, str]], heading: str) -> list[str]:
    """The texts after the last paragraph ``heading`` (the first is the contents entry)."""
    texts = [text for _, text in paragraphs]
    return texts[len(texts) - texts[::-1].index(heading) :]


def colophon_lines(path: Path) -> list[str]:
    """The lines of a document's colophon, in any format (in the PDF: the text of its
    last page after its heading, a web address broken over two lines joined again)."""
    if path.suffix == ".pdf":
        raw = clients.pdf_text(path).rstrip("\f").split("\f")[-1]
        assert "\nColofon\n" in raw, path
        lines: list[str] = []
        for line in raw.rsplit("\nColofon\n", 1)[1].splitlines():
            if not line.strip():
                continue
            if line.startswith("pagina "):
                break
            if ": " in line or line.endswith(":"):
                lines.append(line.strip())
            else:  # the web address, on a line of its own under its label
                lines[-1] += " " + line.strip()
        return lines
    paragraphs = docx_paragraphs(path) if path.suffix == ".docx" else odt_paragraphs(path)
    return [text for text in after_heading(paragraphs, "Colofon") if text]


def decode(png: bytes) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


VIEWS = ("burgemeesters", "wethouders", "raadsleden", "statenleden")


def page_url(document: Path) -> str:
    """The web page of a combined document of :func:`dated`: its pakket's page, or for a
    view's combined document the view's home page."""
    edition = document.parent.parent
    prefix = f"views/{edition.name}/" if edition.parent.name == "views" else ""
    if document.stem in VIEWS:
        return f"{BASE_URL}{prefix}index.html"
    return f"{BASE_URL}{prefix}{document.stem}/index.html"


# --------------------------------------------------------------------------- the date


def test_every_cover_and_title_block_shows_the_source_date(dated: Path) -> None:
    pdfs = documents(dated, "pdf")
    assert len(pdfs) == 31
    for path in pdfs:
        first = pdf_pages(path)[0]
        assert DATE in first, path
    for path in documents(dated, "docx"):
        subtitles = [text for style, text in docx_paragraphs(path) if style == "Subtitle"]
        assert DATE in subtitles, path
    for path in documents(dated, "odt"):
        subtitles = [text for style, text in odt_paragraphs(path) if style == "Subtitle"]
        assert DATE in subtitles, path
    # the full pakket's cover: title, audiences, date, publisher, the title once
    cover = pdf_pages(dated / "downloads/veiligheidspakket-startende-burgemeesters.pdf")[0]
    assert cover == (
        "Veiligheidspakket startende burgemeesters Voor burgemeesters 2 december 2025 "
        "Uitgegeven door Netwerk Weerbaar Bestuur"
    )


def test_a_date_of_the_content_wins_over_the_source_date(scenario_dated: Path) -> None:
    """The scenario's pakket has an edition (15 March 2024): its documents, and those of
    its items without dates of their own, show that edition, never the source date."""
    pub = build_publication(load_content(SCENARIO))
    pakket = scenario_dated / "downloads/testpakket.pdf"
    cover = pdf_pages(pakket)[0]
    assert "Editie: 15 maart 2024" in cover and DATE not in cover
    lines = colophon_lines(pakket)
    assert "Publicatiedatum: 15 maart 2024" in lines
    assert "Editie: 15 maart 2024 — Tweede editie met stappenplan." in lines
    for item in pub.items.values():
        wanted = outline.content_date(pub, item)
        assert wanted is not None  # every item is dated by its content or its pakket
        first = pdf_pages(scenario_dated / f"downloads/items/{item.id}.pdf")[0]
        assert DATE not in first
    assert all(DATE not in " ".join(pdf_pages(p)) for p in documents(scenario_dated, "pdf"))


def test_without_a_source_date_no_date_and_never_1970(real_documents: Path) -> None:
    """The real content names no date and this build got none: no cover, title block or
    colophon shows a date, and no document says 1970."""
    months = re.compile(r"\b\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|"
                        r"september|oktober|november|december) \d{4}\b")  # fmt: skip
    for path in documents(real_documents, "pdf"):
        text = " ".join(pdf_pages(path))
        assert "1970" not in text and not months.search(text), path
        assert "Publicatiedatum" not in text
    for path in documents(real_documents, "docx"):
        text = " ".join(t for _, t in docx_paragraphs(path))
        assert "1970" not in text and not months.search(text), path
    for path in documents(real_documents, "odt"):
        text = " ".join(t for _, t in odt_paragraphs(path))
        assert "1970" not in text and not months.search(text), path


# --------------------------------------------------------------------------- the colophon


def test_every_combined_document_ends_with_the_same_colophon(real_documents: Path) -> None:
    """Publisher and content version, the same in PDF, Word and ODT; the real content
    names no base URL, licence or date, so those lines are left out (nothing invented)."""
    names = {p.stem for p in combined(real_documents, "pdf")}
    assert names == {"veiligheidspakket-startende-burgemeesters", "burgemeesters",
                     "wethouders", "raadsleden", "statenleden"}  # fmt: skip
    for stem_pdf in combined(real_documents, "pdf"):
        versions = set()
        for ext in FORMATS:
            lines = colophon_lines(stem_pdf.with_suffix(f".{ext}"))
            assert lines[0] == "Uitgever: Netwerk Weerbaar Bestuur", (stem_pdf, ext)
            assert [line.split(":")[0] for line in lines] == ["Uitgever", "Versie van de inhoud"]
            versions |= {m.group(1) for line in lines if (m := VERSION.fullmatch(line))}
        assert len(versions) == 1, stem_pdf
    # an item's own document has no colophon
    for path in (real_documents / "downloads/items").glob("*.pdf"):
        assert "Colofon" not in " ".join(pdf_pages(path))


def test_the_colophon_with_a_base_url_a_licence_and_a_date(dated: Path) -> None:
    for path in combined(dated, "pdf"):
        url = page_url(path)
        for ext in FORMATS:
            document = path.with_suffix(f".{ext}")
            lines = colophon_lines(document)
            assert lines == [
                "Uitgever: Netwerk Weerbaar Bestuur",
                f"Publicatiedatum: {DATE}",
                lines[2],
                f"Actuele versie: {url}",
                f"Licentie: {LICENSE}",
            ], document
            assert VERSION.fullmatch(lines[2])


def test_the_qr_code_leads_to_the_current_version(dated: Path) -> None:
    """Decoded from the PNG that Word and ODT embed, each with its text alternative."""
    for path in combined(dated, "docx"):
        url = page_url(path)
        with zipfile.ZipFile(path) as package:
            (image,) = [n for n in package.namelist() if n.startswith("word/media/")]
            assert decode(package.read(image)) == [url]
            body = package.read("word/document.xml").decode("utf-8")
        assert f'descr="QR-code naar de actuele versie: {url}"' in body
        with zipfile.ZipFile(path.with_suffix(".odt")) as package:
            assert decode(package.read("Pictures/qr-code.png")) == [url]
            content = package.read("content.xml").decode("utf-8")
            manifest = package.read("META-INF/manifest.xml").decode("utf-8")
        assert f"<svg:title>QR-code naar de actuele versie: {url}</svg:title>" in content
        assert 'manifest:full-path="Pictures/qr-code.png"' in manifest
        with pikepdf.open(path.with_suffix(".pdf")) as pdf:
            alts = _figure_alts(pdf.Root.StructTreeRoot)
        assert f"QR-code naar de actuele versie: {url}" in alts


def test_the_web_address_link_describes_itself(dated: Path) -> None:
    """Every link of every PDF of the dated build, the colophon's address included,
    carries a description in Dutch as its ``/Contents``."""
    for path in documents(dated, "pdf"):
        with pikepdf.open(path) as pdf:
            links = [
                (str(a.get("/Contents", "")), str(a.get("/Dest") or a.get("/A", {}).get("/URI")))
                for page in pdf.pages
                for a in page.get("/Annots", [])
                if a.get("/Subtype") == "/Link"
            ]
        for contents, target in links:
            assert contents.startswith(("Naar ", "Bel ", "Mail naar ")), (path, contents)
            assert contents != target
        if path.parent.name == "downloads" and path.parent.parent == dated:
            url = page_url(path)
            assert (f"Naar {url}", url) in links, path


def _figure_alts(root: pikepdf.Object) -> list[str]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids]) if kids else []:
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/S") == "/Figure":
                    found.append(str(kid.get("/Alt")))
                stack.append(kid)
    return found


@pytest.mark.clients
def test_the_qr_code_scans_on_every_rendered_page(dated: Path, tmp_path: Path) -> None:
    """The colophon page as a reader sees it: the PDF rendered by pdftoppm, the DOCX and
    the ODT by LibreOffice, then pdftoppm; the code on each page decodes to the address."""
    paths = [dated / "downloads/veiligheidspakket-startende-burgemeesters.pdf",
             dated / "views/raadsleden/downloads/raadsleden.pdf"]  # fmt: skip
    for pdf in paths:
        url = page_url(pdf)
        rendered = {"pdf": pdf}
        for ext in ("docx", "odt"):
            rendered[ext] = clients.libreoffice_convert(pdf.with_suffix(f".{ext}"),
                                                        tmp_path / f"{pdf.stem}-{ext}")  # fmt: skip
        for ext, path in rendered.items():
            last = len(pdf_pages(path))
            (png,) = clients.pdf_to_png(path, tmp_path / f"{pdf.stem}-{ext}-png", dpi=150,
                                        first=last, last=last)  # fmt: skip
            assert decode(png.read_bytes()) == [url], (pdf.stem, ext)


@pytest.mark.clients
def test_combined_pdfs_with_address_and_qr_code_pass_the_pdfua_checkers(dated: Path) -> None:
    """The colophon's link (one line, one annotation inside its Link tag) and its QR code
    (a Figure with its text alternative) keep every combined PDF PDF/UA-1."""
    problems = {
        str(path.relative_to(dated)): found
        for path in combined(dated, "pdf")
        if (found := clients.pdfua_failures(path))
    }
    assert problems == {}


def test_the_qr_code_is_the_same_bytes_on_every_run() -> None:
    """segno writes the same SVG and PNG in another process (no timestamp, no randomness),
    and its matrix round-trips: decoding the PNG gives the address back."""
    url = f"{BASE_URL}views/raadsleden/index.html"
    script = (
        "import sys, hashlib; from pakketbuild.writers import qr; "
        f"print(hashlib.sha256(qr.svg({url!r}) + qr.png({url!r})).hexdigest())"
    )
    command = [sys.executable, "-c", script]
    runs = {
        subprocess.run(command, capture_output=True, text=True, check=True).stdout for _ in range(2)
    }
    assert len(runs) == 1
    assert decode(qr.png(url)) == [url]
    assert qr.svg(url).startswith(b"<svg") and b"<?xml" not in qr.svg(url)


def test_the_content_version_follows_the_words_not_the_date_or_the_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)

    def version(source_date: object = None, base_url: str | None = None) -> str:
        pub = build_publication(load_content(content), base_url=base_url,
                                source_date=source_date)  # type: ignore[arg-type]  # fmt: skip
        (pakket,) = pub.pakketten.values()
        colophon = next(b for b in outline.walk(outline.document(pub, pakket).blocks)
                        if isinstance(b, outline.Colophon))  # fmt: skip
        (line,) = [line for line in colophon.lines if line.label == outline.LABEL_VERSION]
        return line.text

    import datetime as dt

    first = version()
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert version(dt.date(2025, 12, 2)) == first  # the source date is not content
    assert version(base_url=BASE_URL) == first  # nor is where the site is published
    item = content / "items/woningscan.md"
    item.write_text(item.read_text("utf-8") + "\nEen zin erbij.\n", "utf-8")
    assert version() != first


# --------------------------------------------------------------------------- the cache


def test_a_new_source_date_rebuilds_exactly_the_documents_that_show_it(tmp_path: Path) -> None:
    """The real content with an edition on its pakket: the pakket's documents and those of
    its items in the full edition are dated by the edition and stay; the views' combined
    documents, the items of views without the pakket and the undated feeds show the source
    date and are made again. A new commit on the same day changes nothing at all."""
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    pakket = content / "pakketten/veiligheidspakket-startende-burgemeesters.md"
    pakket.write_text(
        pakket.read_text("utf-8").replace("status: gepubliceerd", "edition: 2025-06-01\n"
                                          "status: gepubliceerd", 1), "utf-8"
    )  # fmt: skip
    out, cache = tmp_path / "exports", tmp_path / "cache"

    def run(epoch: int) -> object:
        return build(BuildOptions(content=content, out=out, formats=["html", "json", "odt"],
                                  cache_dir=cache, source_date_epoch=epoch))  # fmt: skip

    run(EPOCH)
    pub = build_publication(load_content(content))
    expected = set()
    for edition in [pub, *pub.views.values()]:
        prefix = edition.path_prefix
        if edition.view is not None:
            expected.add(f"{prefix}downloads/{edition.view.id}.odt")
        expected |= {f"{prefix}downloads/items/{i.id}.odt" for i in edition.items.values()
                     if outline.content_date(edition, i) is None}  # fmt: skip
        expected |= {f"{prefix}downloads/{p.id}.odt" for p in edition.pakketten.values()
                     if p.edition is None}  # fmt: skip
        if atom.content_date(edition, None) is None:
            expected.add(f"{prefix}feeds/feed.atom")
        expected |= {f"{prefix}feeds/{a.value}.atom" for a in edition.audiences
                     if atom.content_date(edition, a) is None}  # fmt: skip
    assert "downloads/veiligheidspakket-startende-burgemeesters.odt" not in expected
    assert "downloads/items/woningscan.odt" not in expected  # dated by the pakket's edition
    assert "views/raadsleden/downloads/items/ondersteuningsteam-weerbaar-bestuur.odt" in expected
    assert "views/raadsleden/feeds/feed.atom" in expected and "feeds/feed.atom" not in expected

    result = run(OTHER_DAY)
    assert set(result.written) == expected  # type: ignore[attr-defined]
    assert result.rendered == len(expected)  # type: ignore[attr-defined]
    assert not any(p.endswith((".html", ".json")) for p in result.written)  # type: ignore[attr-defined]

    same_day = run(OTHER_DAY + 3600)
    assert same_day.noop  # type: ignore[attr-defined]
