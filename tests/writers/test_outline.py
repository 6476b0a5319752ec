"""One outline, every format: the same document in PDF, Word and ODT, and links that lead
somewhere in each.

The outline (``writers/outline.py``) decides the blocks, their order, the headings and
the anchors once; these tests read the files back and check that every format shows the
same headings in the same order and that every link inside a document reaches a heading
of that document.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from pakketbuild import anchors, markdown
from pakketbuild.build import BuildOptions, build
from pakketbuild.writers import outline
from pakketbuild.writers.docx_markdown import bookmark_name
from pakketbuild.writers.odt import NS
from pakketbuild.writers.pdf import document_html
from tests.writers.document_tools import DATA, SCENARIO, publication

SMALL = DATA / "small"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODT_TEXT = f"{{{NS['text']}}}"
FORMATS = ["pdf", "docx", "odt"]


@pytest.fixture(scope="module", params=[SMALL, SCENARIO], ids=["small", "documents"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outline")
    out = root / "exports"
    build(BuildOptions(content=request.param, out=out, formats=FORMATS, cache_dir=root / "cache"))
    return out


def _documents(root: Path, ext: str) -> list[Path]:
    return sorted((root / "downloads").rglob(f"*.{ext}"))


def _text_headings(text: str) -> list[str]:
    """The headings of a Markdown text, as plain text."""

    def plain(node: object) -> str:
        children = getattr(node, "children", None) or []
        own = (
            getattr(node, "content", "")
            if getattr(node, "type", "") in ("text", "code_inline")
            else ""
        )
        return own + "".join(plain(c) for c in children)

    found = []
    stack = list(markdown.token_tree(text).children)
    while stack:
        node = stack.pop(0)
        if node.type == "heading":
            found.append(plain(node))
        else:
            stack[:0] = list(node.children or [])
    return found


def _headings(doc: outline.Outline) -> list[str]:
    """Every heading the outline makes, in order: the cover's title, the sections' and
    the headings inside the texts (the contents list's own heading left out)."""
    found: list[str] = []
    for block in outline.walk(doc.blocks):
        if isinstance(block, outline.Cover):
            found.append(block.title)
        elif isinstance(block, outline.Section):
            found.append(block.heading)
        elif isinstance(block, outline.Body):
            found += _text_headings(block.text)
        elif isinstance(block, outline.Steps):
            for step in block.entries:
                found += _text_headings(step.text or "")
    return found


def _docx_headings(path: Path) -> list[str]:
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    found = []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        name = (style.get(f"{W}val") if style is not None else "") or ""
        if name == "Title" or re.fullmatch(r"Heading\d", name):
            found.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return found


def _odt_headings(path: Path) -> list[str]:
    content = etree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    return [
        "".join(element.itertext())
        for element in content.iter(f"{ODT_TEXT}p", f"{ODT_TEXT}h")
        if element.tag == f"{ODT_TEXT}h" or element.get(f"{ODT_TEXT}style-name") == "Title"
    ]


def _pdf_headings(html: str) -> list[str]:
    """The headings of the PDF's HTML (WeasyPrint tags each as H1 to H6), the contents
    list's own heading left out."""
    return [
        re.sub(r"<[^>]+>", "", match.group(3))
        for match in re.finditer(r"<h(\d)( [^>]*)?>(.*?)</h\1>", html, re.S)
        if f'id="{anchors.CONTENTS}"' not in (match.group(2) or "")
    ]


def test_every_format_shows_the_outlines_headings_in_order(built: Path) -> None:
    """The same cover title and section headings, in the same order, in the PDF (its
    HTML), the Word file and the ODT, for every pakket and item document."""
    content = SMALL if (built / "downloads" / "startpakket.pdf").exists() else SCENARIO
    pub = publication(content)
    subjects = [*pub.pakketten.values(), *pub.items.values()]
    assert subjects
    for subject in subjects:
        doc = outline.document(pub, subject)
        wanted = _headings(doc)
        folder = "downloads" if doc.kind == "pakket" else "downloads/items"
        base = built / folder / subject.id
        assert _pdf_headings(document_html(pub, subject)) == wanted, subject.id
        assert _docx_headings(base.with_suffix(".docx")) == wanted, subject.id
        assert _odt_headings(base.with_suffix(".odt")) == wanted, subject.id


def _docx_links_and_marks(path: Path) -> tuple[list[str], set[str]]:
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    anchors = [a for h in body.iter(f"{W}hyperlink") if (a := h.get(f"{W}anchor"))]
    marks = {m.get(f"{W}name") or "" for m in body.iter(f"{W}bookmarkStart")}
    return anchors, marks


def _odt_links_and_marks(path: Path) -> tuple[list[str], set[str]]:
    content = etree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    xlink = "{http://www.w3.org/1999/xlink}href"
    anchors = [
        h[1:] for a in content.iter(f"{ODT_TEXT}a") if (h := a.get(xlink, "")).startswith("#")
    ]
    marks = {m.get(f"{ODT_TEXT}name") or "" for m in content.iter(f"{ODT_TEXT}bookmark")}
    return anchors, marks


def _pdf_links_and_marks(path: Path) -> tuple[list[str], set[str]]:
    """Internal link annotations' named destinations, and the names the file defines."""
    with pikepdf.open(path) as pdf:
        names: set[str] = set()
        tree = pdf.Root.get("/Names")
        if tree is not None and "/Dests" in tree:
            names = {str(k) for k, _ in pikepdf.NameTree(tree.Dests).items()}
        targets = []
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                dest = annot.get("/Dest")
                if action is not None and action.get("/S") == "/GoTo":
                    dest = action.get("/D")
                if dest is not None and isinstance(dest, pikepdf.String):
                    targets.append(str(dest))
    return targets, names


@pytest.mark.parametrize("ext", FORMATS)
def test_every_link_inside_a_document_reaches_a_heading(built: Path, ext: str) -> None:
    """Contents entries, "Zie ook" links, links between a text and its own headings and a
    text's link to an item of the same document (``[hulplijn](#hulplijn)`` in the small
    pakket's introduction) all land on a heading of the document."""
    read = {"pdf": _pdf_links_and_marks, "docx": _docx_links_and_marks,
            "odt": _odt_links_and_marks}[ext]  # fmt: skip
    for path in _documents(built, ext):
        targets, marks = read(path)
        assert {t for t in targets if t not in marks} == set(), path.name


def test_a_text_links_to_an_item_of_its_document(tmp_path: Path) -> None:
    """The small pakket's introduction says "Lees eerst de [hulplijn](#hulplijn)": on the
    pakket's page that is the item's heading (``#hulplijn``), in its documents the item's
    heading there (``item-hulplijn``), never a prefixed id nobody has."""
    out = tmp_path / "exports"
    formats = ["html", *FORMATS]
    build(BuildOptions(content=SMALL, out=out, formats=formats, cache_dir=tmp_path / "cache"))
    page = (out / "startpakket/index.html").read_text("utf-8")
    assert '<a href="#hulplijn">hulplijn</a>' in page
    word = etree.fromstring(
        zipfile.ZipFile(out / "downloads/startpakket.docx").read("word/document.xml")
    )
    # the first link "hulplijn" is the introduction's (a body links to its website later)
    word_links = [
        h.get(f"{W}anchor")
        for h in word.iter(f"{W}hyperlink")
        if "".join(t.text or "" for t in h.iter(f"{W}t")) == "hulplijn"
    ]
    assert word_links[0] == bookmark_name("item-hulplijn")
    odf = etree.fromstring(zipfile.ZipFile(out / "downloads/startpakket.odt").read("content.xml"))
    odf_links = [
        a.get("{http://www.w3.org/1999/xlink}href")
        for a in odf.iter(f"{ODT_TEXT}a")
        if "".join(a.itertext()) == "hulplijn"
    ]
    assert odf_links[0] == "#item-hulplijn"
    html = document_html(publication(SMALL), publication(SMALL).pakketten["startpakket"])
    assert '<a href="#item-hulplijn">hulplijn</a>' in html
    pdf, marks = _pdf_links_and_marks(out / "downloads/startpakket.pdf")
    assert "item-hulplijn" in pdf and "item-hulplijn" in marks


def test_an_item_document_links_to_another_items_page_when_the_address_is_known() -> None:
    """On an item's own document a link to another item (not in that document) leads to
    the other item's web page, when the site has a base URL (the small tree has one)."""
    pub = publication(SMALL)
    doc = outline.document(pub, pub.items["hulplijn"])
    target = doc.references.target("stappenplan-melden")
    assert target == outline.to_page("items/stappenplan-melden/index.html")
    assert outline.document_href(pub, target) == (
        "https://voorbeeld.nl/pakket/items/stappenplan-melden/index.html"
    )
    assert doc.references.target("hulplijn") == outline.to_anchor("item-hulplijn")
    assert doc.references.target("bestaat-niet") is None


def test_the_pakket_page_outline_links_its_own_items_in_page() -> None:
    pub = publication(SMALL)
    page = outline.pakket_page(pub, pub.pakketten["startpakket"], ("html",))
    assert page.references.target("hulplijn") == outline.to_anchor("hulplijn")
    item = outline.item_page(pub, pub.items["stappenplan-melden"], ("html",))
    assert item.references.target("hulplijn") == outline.to_page("items/hulplijn/index.html")


def test_a_block_without_a_rule_fails_loudly() -> None:
    class Translator:
        def visit_lead(self, block: outline.Lead) -> str:
            return block.text

    assert outline.dispatch(Translator(), outline.Lead("x")) == "x"
    with pytest.raises(NotImplementedError, match="no rule for the outline block 'facts'"):
        outline.dispatch(Translator(), outline.Facts(()))


# --------------------------------------------------------------------------- running header

LONG_TITLE = "Testpakket voor wethouders, raadsleden, Statenleden en hun partners en gezinnen"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Veiligheidspakket voor wethouders", "Veiligheidspakket voor wethouders"),
        (
            "Training Omgaan met intimidatie en bedreiging voor burgemeesters en wethouders",
            "Training Omgaan met intimidatie en bedreiging\u2026",
        ),
        ("  Twee   spaties  ", "Twee spaties"),
        (
            "Een, twee, drie, vier, vijf, zes, zeven, acht, negen, tien, elf",
            "Een, twee, drie, vier, vijf, zes, zeven, acht\u2026",
        ),
        ("Arbeidsongeschiktheids" * 3, "Arbeidsongeschiktheids" * 2 + "Arbei\u2026"),
    ],
)
def test_a_running_header_shows_whole_words_within_its_budget(text: str, shown: str) -> None:
    assert outline.running_head(text) == shown
    assert len(shown) <= outline.RUNNING_HEAD


def test_every_format_heads_its_pages_with_the_shortened_title() -> None:
    """The PDF's header string and the Word and ODT headers carry the outline's short
    form of a long title (the section part of the PDF's header is checked on the
    laid-out pages, tests/writers/test_pages.py)."""
    from pakketbuild.writers.docx import render_docx
    from pakketbuild.writers.odt import render_odt

    pub = publication(SCENARIO)
    pakket = pub.pakketten["testpakket"]
    changed = type(pakket)(
        pakket.pakket.model_copy(update={"title": LONG_TITLE}), pakket.items, pakket.publisher
    )
    short = "Testpakket voor wethouders, raadsleden\u2026"  # its comma left off
    assert outline.document(pub, changed).meta.running_title == short
    assert f'<h1 class="doc-title" data-running="{short}">' in document_html(pub, changed)
    with zipfile.ZipFile(io.BytesIO(render_docx(pub, changed, None))) as docx:
        headers = [docx.read(n).decode() for n in docx.namelist() if "/header" in n]
    assert any(f"<w:t>{short}</w:t>" in h for h in headers)
    assert not any(LONG_TITLE in h for h in headers)
    with zipfile.ZipFile(io.BytesIO(render_odt(pub, changed))) as odt:
        styles = odt.read("styles.xml").decode()
    assert f'<text:p text:style-name="Header">{short}</text:p>' in styles
    with zipfile.ZipFile(io.BytesIO(render_odt(pub, pakket))) as odt:
        styles = odt.read("styles.xml").decode()
    assert "<text:title>Testpakket voor wethouders</text:title>" in styles  # short: the field
