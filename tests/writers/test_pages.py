"""Judged by looking: every page of the combined documents, laid out as readers see them.

The combined documents of the real content (the pakket, the burgemeesters view's copy of
it and the four views' documents) in all three formats: the PDF as the writer made it,
the Word and ODT files as LibreOffice lays them out (one headless process, its PDF
export). Every page is read back with its lines and their places (poppler's ``pdftotext
-bbox-layout``, :mod:`tests.writers.page_tools`) and drawn (``pdftoppm``), and checked
the way communications staff check a document before handing it out: no heading or
label block ends a page or is split, no paragraph leaves one line behind, no phone number
breaks, the running header's parts keep apart, hardly a line ends in a hyphen.

A second document, made for the purpose, has many items of different lengths, so that
headings, label blocks, paragraphs and phone numbers land at every height of a page and at
every place in a line: the real content is small and would let a rule go unchecked. The
ODT parts are validated against the ODF 1.3 RelaxNG schema with jing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from pakketbuild.publication import Publication
from pakketbuild.writers import BuildContext, Job, outline, resolve
from pakketbuild.writers.documents import subject_of
from pakketbuild.writers.docx import DocxWriter
from pakketbuild.writers.odt import OdtWriter
from pakketbuild.writers.pdf import PdfWriter
from tests import clients
from tests.writers import page_tools
from tests.writers.document_tools import REAL_CONTENT, publication

pytestmark = pytest.mark.clients

FORMATS = ("pdf", "docx", "odt")
MAX_HYPHENATED = 0.05
"""At most this share of the lines of running text may end in a hyphen."""


@dataclass(frozen=True)
class Rendering:
    """One combined document in one format, laid out."""

    name: str
    """``<path of the PDF job> (<format>)``."""
    doc: outline.Outline
    pdf: Path
    """The PDF itself, or LibreOffice's PDF of the Word or ODT file."""

    @property
    def pages(self) -> list[page_tools.Page]:
        return _pages(self.pdf)


@cache
def _pages(pdf: Path) -> list[page_tools.Page]:
    return page_tools.read_pages(pdf)


def combined_jobs(pub: Publication) -> list[tuple[Job, outline.Outline]]:
    """The PDF jobs of every combined document (not an item's own), with their outlines."""
    found = []
    for job in PdfWriter().jobs(pub, BuildContext(formats=("pdf",))):
        if "/items/" in job.path:
            continue
        edition, planned = resolve(pub, job)
        found.append((job, outline.document(edition, subject_of(edition, planned))))
    return found


def lay_out(exports: Path, pub: Publication, out: Path) -> list[Rendering]:
    """Every combined document of ``exports`` in every format: the PDF, and LibreOffice's
    PDF of the DOCX and the ODT (all converted by one LibreOffice process)."""
    jobs = combined_jobs(pub)
    sources = [
        exports / Path(job.path).with_suffix(f".{fmt}") for job, _ in jobs for fmt in FORMATS[1:]
    ]
    converted = clients.libreoffice_convert_many(sources, out)
    found = []
    for job, doc in jobs:
        found.append(Rendering(f"{job.path} (pdf)", doc, exports / job.path))
        for fmt in FORMATS[1:]:
            source = exports / Path(job.path).with_suffix(f".{fmt}")
            found.append(Rendering(f"{job.path} ({fmt})", doc, converted[source]))
    return found


@pytest.fixture(scope="module")
def real(real_documents: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Rendering]:
    renderings = lay_out(
        real_documents, publication(REAL_CONTENT), tmp_path_factory.mktemp("pages-real")
    )
    assert len(renderings) == 6 * len(FORMATS)  # the pakket, its view copy, four views
    return renderings


# --------------------------------------------------------------------------- a made document

SENTENCES = (
    "De gemeente biedt ondersteuning aan bestuurders die te maken krijgen met agressie.",
    "Bespreek het incident met de griffier en leg vast wat er is gebeurd.",
    "Een vertrouwenspersoon denkt met u mee over de volgende stappen.",
    "Ook uw partner en uw kinderen kunnen een beroep doen op deze hulp.",
    "Het netwerk van beroeps- en belangenverenigingen staat voor u klaar.",
    "Neem bij twijfel altijd contact op, ook buiten kantoortijden.",
)
NUMBERS = ("070-3738314", "+31 70 373 8314", "06-12345678")


def _sentences(count: int, start: int) -> str:
    """``count`` sentences; the start number makes each run of them differ from the others
    (a reader, and the checks, tell the paragraphs apart)."""
    first = SENTENCES[start % len(SENTENCES)].removesuffix(".")
    rest = [SENTENCES[(start + n) % len(SENTENCES)] for n in range(1, count)]
    return " ".join([f"{first} (punt {start}).", *rest])


def _item(number: int) -> str:
    """An item whose title, lead, text and phone number differ in length and place from
    its neighbours', so that in a pakket of many the label blocks, headings, paragraph
    ends and numbers fall at every height of a page and every place in a line."""
    title = "Onderdeel " + " ".join(["met een wat langere titel"] * (number % 3)) + f" {number}"
    paragraphs = [_sentences(1 + (number * 7) % 5, number + p) for p in range(1 + number % 4)]
    phone = NUMBERS[number % len(NUMBERS)]
    words = _sentences(2, number).split()
    cut = (number * 5) % 13
    paragraphs.insert(1, " ".join([*words[:cut], "bel", phone, "of", *words[cut:]]))
    if number % 3 == 0:
        paragraphs.insert(-1, "## Wat u kunt doen")
    body = "\n\n".join(paragraphs)
    lead = _sentences(1 + number % 3, number * 2)
    return (
        f"---\nid: onderdeel-{number:02d}\ntitle: {title.strip()}\nkind: support-line\n"
        f"summary: {lead}\naudiences: [wethouder, raadslid]\nproviders: [testnetwerk]\n"
        f"contacts:\n  - label: Meldpunt {number}\n    phone: '{phone}'\n"
        f"status: gepubliceerd\n---\n{body}\n"
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> list[Rendering]:
    """A pakket of 24 items of different lengths, written and laid out in every format."""
    root = tmp_path_factory.mktemp("pages-made")
    content = root / "content"
    (content / "items").mkdir(parents=True)
    (content / "pakketten").mkdir()
    (content / "site.yaml").write_text(
        "title: Proefsite\nid: proefsite\nlanguage: nl\npublisher: testnetwerk\n", "utf-8"
    )
    (content / "organisaties.yaml").write_text(
        "organisations:\n  - id: testnetwerk\n    name: Testnetwerk Weerbaarheid\n"
        "    url: https://testnetwerk.example.nl/\n",
        "utf-8",
    )
    ids = []
    for number in range(1, 25):
        (content / "items" / f"onderdeel-{number:02d}.md").write_text(_item(number), "utf-8")
        ids.append(f"onderdeel-{number:02d}")
    (content / "pakketten" / "proefpakket.md").write_text(
        "---\nid: proefpakket\ntitle: Proefpakket met veel onderdelen van verschillende "
        "lengte voor wethouders en raadsleden\nitems: ["
        + ", ".join(ids)
        + "]\naudiences: [wethouder, raadslid]\npublisher: testnetwerk\n"
        "status: gepubliceerd\n---\n" + _sentences(4, 0) + "\n",
        "utf-8",
    )
    pub = publication(content)
    exports = root / "exports"
    for writer in (PdfWriter(), DocxWriter(), OdtWriter()):
        ctx = BuildContext(formats=(writer.name,))
        for job in writer.jobs(pub, ctx):
            if "/items/" not in job.path:
                target = exports / job.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(writer.render(pub, ctx, job))
    renderings = lay_out(exports, pub, root / "lo")
    assert len(renderings) == len(FORMATS)
    assert all(len(r.pages) >= 10 for r in renderings), [len(r.pages) for r in renderings]
    return renderings


@pytest.fixture(params=["real", "made"])
def documents(request: pytest.FixtureRequest) -> list[Rendering]:
    renderings: list[Rendering] = request.getfixturevalue(request.param)
    return renderings


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)


# --------------------------------------------------------------------------- the checks


def test_no_heading_or_label_block_ends_a_page_or_is_split(documents: list[Rendering]) -> None:
    problems = {r.name: page_tools.stranded(r.pages, r.doc) for r in documents}
    assert not any(problems.values()), _report(problems)


def test_no_paragraph_leaves_a_single_line_at_a_page_break(documents: list[Rendering]) -> None:
    problems = {r.name: page_tools.lonely_lines(r.pages, r.doc) for r in documents}
    assert not any(problems.values()), _report(problems)


def test_no_phone_number_breaks_over_two_lines(documents: list[Rendering]) -> None:
    problems = {}
    for rendering in documents:
        numbers = page_tools.phone_numbers(rendering.doc)
        assert numbers, rendering.name  # every document here shows a phone number
        problems[rendering.name] = page_tools.split_numbers(rendering.pages, numbers)
    assert not any(problems.values()), _report(problems)


def test_the_running_header_never_collides(documents: list[Rendering]) -> None:
    problems = {
        r.name: page_tools.header_clashes(r.pages, r.doc.meta.running_title) for r in documents
    }
    assert not any(problems.values()), _report(problems)
    for rendering in documents:
        headed = [page for page in rendering.pages if page.header]
        assert len(headed) == len(rendering.pages) - 1, rendering.name  # all but the cover


def test_at_most_five_percent_of_the_lines_end_in_a_hyphen(documents: list[Rendering]) -> None:
    for fmt in FORMATS:
        hyphenated = lines = 0
        for rendering in documents:
            if rendering.name.endswith(f"({fmt})"):
                found, total = page_tools.hyphenated(rendering.pages)
                hyphenated, lines = hyphenated + found, lines + total
        assert lines > 100, fmt
        assert hyphenated <= MAX_HYPHENATED * lines, (fmt, hyphenated, lines)


# --------------------------------------------------------------------------- the images

INK = 160
"""A pixel darker than this (0 black, 255 white) is ink."""
HEADER_BAND = (28, 60)
"""Points from the top of the page where the running header stands in every format."""


def _ink_runs(image: Image.Image, top: int, bottom: int) -> list[tuple[int, int]]:
    """Stretches of columns with ink between ``top`` and ``bottom`` (pixels), merged where
    they are less than :data:`page_tools.HEADER_GAP` apart (letters and words of one part
    of the header)."""
    grey = image.convert("L").crop((0, top, image.width, bottom))
    pixels = grey.load()
    assert pixels is not None
    columns = [x for x in range(grey.width) if any(pixels[x, y] < INK for y in range(grey.height))]
    runs: list[tuple[int, int]] = []
    for x in columns:
        if runs and x - runs[-1][1] < page_tools.HEADER_GAP:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((x, x))
    return runs


def test_every_page_is_drawn_and_its_header_keeps_its_parts_apart(
    documents: list[Rendering], tmp_path: Path
) -> None:
    """pdftoppm draws every page (72 dpi: a pixel is a point): every page has ink, the
    cover none in the header band, and on every other page the header band holds as many
    stretches of ink, at least :data:`page_tools.HEADER_GAP` apart, as the header has
    parts (the title; in the PDF the current item too): parts that came closer would
    merge into one."""
    for number, rendering in enumerate(documents):
        images = clients.pdf_to_png(rendering.pdf, tmp_path / f"{number:02d}", dpi=72)
        assert len(images) == len(rendering.pages), rendering.name
        for page, path in zip(rendering.pages, images, strict=True):
            with Image.open(path) as image:
                assert image.convert("L").getextrema()[0] < INK, (rendering.name, page.number)
                runs = _ink_runs(image, *HEADER_BAND)
            parts = len(page.header[0].parts) if page.header else 0
            assert len(runs) == parts, (rendering.name, page.number, runs)


# --------------------------------------------------------------------------- ODF 1.3


def test_every_odt_part_is_valid_odf_1_3(real_documents: Path, tmp_path: Path) -> None:
    """content.xml, styles.xml, meta.xml and the manifest of every ODT of the real build
    (views included) against the ODF 1.3 RelaxNG schema, with jing."""
    parts: dict[str, list[Path]] = {"document": [], "manifest": []}
    for number, odt in enumerate(sorted(real_documents.rglob("*.odt"))):
        with zipfile.ZipFile(odt) as package:
            for name in ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"):
                target = tmp_path / f"{number:03d}" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(package.read(name))
                parts["manifest" if name.startswith("META-INF") else "document"].append(target)
    assert len(parts["document"]) >= 3 * 30
    for schema, files in parts.items():
        assert clients.odf_schema_errors(files, schema) == [], schema


def test_the_odf_check_finds_an_invalid_part(tmp_path: Path) -> None:
    """The control: a style attribute ODF 1.3 does not have is reported."""
    styles = tmp_path / "styles.xml"
    styles.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        b'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        b'office:version="1.3"><office:styles><style:style style:name="X" '
        b'style:family="paragraph"><style:paragraph-properties fo:keep-with-next="soms"/>'
        b"</style:style></office:styles></office:document-styles>"
    )
    errors = clients.odf_schema_errors([styles], "document")
    assert errors and "keep-with-next" in " ".join(errors), errors
