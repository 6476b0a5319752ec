"""An accessibility check of Word (.docx) and OpenDocument Text (.odt) files.

No such checker is in the package registries (LibreOffice's runs only in its GUI, Word's
only in Word), so this one follows the rules of Microsoft's Accessibility Checker that
apply to generated documents, reading the XML parts with lxml:

``title``            the document has a title in its metadata
``language``         the document language is set (metadata or default style)
``heading-order``    the first heading is level 1 and no heading skips a level
``table-header``     every table has a header row (repeated, read as column headers)
``merged-cells``     no table cell spans columns or rows
``alt-text``         every image or drawing has a text alternative
``link-text``        every link has text that means something out of context
``empty-paragraph``  no empty paragraphs used as spacing (a horizontal rule, a page
                     break and the paragraph a table cell must hold are not spacing)

:func:`check` returns the problems of one file; an empty list means it passes.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DC = "http://purl.org/dc/elements/1.1/"
ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": DC,
}
VAGUE_LINK_TEXT = frozenset(
    {
        "hier", "klik hier", "klik", "lees meer", "meer", "meer informatie", "link", "deze link",
        "via deze link", "website", "download", "click here", "here", "read more", "more",
    }
)  # fmt: skip
"""Link texts that say nothing out of context (Dutch and English), compared lower-case."""
SPACING_EXEMPT_STYLES = frozenset({"Horizontal Line", "Horizontal_20_Line", "HorizontalLine"})


@dataclass(frozen=True)
class Problem:
    rule: str
    where: str
    message: str


def check(path: Path) -> list[Problem]:
    """The accessibility problems of a .docx or .odt file."""
    if path.suffix == ".docx":
        return check_docx(path)
    if path.suffix == ".odt":
        return check_odt(path)
    raise ValueError(f"not a Word or OpenDocument Text file: {path}")


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(archive.read(name))
    except KeyError:
        return None


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _headings(levels: list[tuple[int, str]], where: str) -> list[Problem]:
    problems = []
    previous = 0
    for level, text in levels:
        if level > previous + 1:
            expected = "level 1" if previous == 0 else f"at most level {previous + 1}"
            problems.append(
                Problem(
                    "heading-order",
                    where,
                    f"heading '{text}' is level {level}, {expected} expected",
                )
            )
        previous = level
    return problems


def _link_problem(text: str, target: str, where: str) -> Problem | None:
    if not text:
        return Problem("link-text", where, f"link to {target!r} has no text")
    if text.lower().strip(" .:!") in VAGUE_LINK_TEXT:
        return Problem("link-text", where, f"link text '{text}' says nothing out of context")
    return None


# --------------------------------------------------------------------------- Word


def check_docx(path: Path) -> list[Problem]:
    where = path.name
    w = f"{{{W}}}"
    problems: list[Problem] = []
    with zipfile.ZipFile(path) as archive:
        core = _xml(archive, "docProps/core.xml")
        document = _xml(archive, "word/document.xml")
        styles = _xml(archive, "word/styles.xml")
    if document is None:
        return [Problem("title", where, "no word/document.xml: not a Word document")]
    title = core.findtext(f"{{{DC}}}title") if core is not None else None
    if not (title or "").strip():
        problems.append(Problem("title", where, "the document has no title (File, Info)"))
    language = core.findtext(f"{{{DC}}}language") if core is not None else None
    default_lang = styles.find(f".//{w}docDefaults//{w}lang") if styles is not None else None
    if not (language or "").strip() and (default_lang is None or not default_lang.get(f"{w}val")):
        problems.append(Problem("language", where, "the document language is not set"))

    names: dict[str, str] = {}
    if styles is not None:
        for style in styles.iter(f"{w}style"):
            name = style.find(f"{w}name")
            if name is not None:
                names[style.get(f"{w}styleId", "")] = name.get(f"{w}val", "")
    body = document.find(f"{w}body")
    assert body is not None
    problems += _docx_paragraphs(body, names, where)
    problems += _docx_tables(body, where)
    for doc_pr in body.iter(f"{{{WP}}}docPr"):
        if not (doc_pr.get("descr") or "").strip():
            name = doc_pr.get("name", "?")
            problems.append(Problem("alt-text", where, f"image '{name}' has no alt text"))
    return problems + _docx_links(path, body, where)


def _docx_paragraphs(body: etree._Element, names: dict[str, str], where: str) -> list[Problem]:
    """Heading order and empty paragraphs (``names``: style id → style name)."""
    w = f"{{{W}}}"
    problems: list[Problem] = []

    def style_of(paragraph: etree._Element) -> str:
        pstyle = paragraph.find(f"{w}pPr/{w}pStyle")
        ident = pstyle.get(f"{w}val", "") if pstyle is not None else ""
        return names.get(ident, ident)

    levels: list[tuple[int, str]] = []
    for paragraph in body.iter(f"{w}p"):
        match = re.fullmatch(r"(?i)heading (\d)", style_of(paragraph))
        if match:
            levels.append((int(match.group(1)), _text(paragraph)))
        in_cell = any(a.tag == f"{w}tc" for a in paragraph.iterancestors())
        if in_cell or style_of(paragraph) in SPACING_EXEMPT_STYLES:
            continue
        has_content = (
            _text(paragraph)
            or paragraph.find(f".//{w}drawing") is not None
            or paragraph.find(f".//{w}br[@{w}type='page']") is not None
            or paragraph.find(f".//{w}fldChar") is not None
            or paragraph.find(f"{w}pPr/{w}sectPr") is not None
        )
        if not has_content:
            problems.append(
                Problem("empty-paragraph", where, "an empty paragraph (use spacing in a style)")
            )
    return problems + _headings(levels, where)


def _docx_tables(body: etree._Element, where: str) -> list[Problem]:
    w = f"{{{W}}}"
    problems: list[Problem] = []
    for number, table in enumerate(body.iter(f"{w}tbl"), start=1):
        first = table.find(f"{w}tr")
        if first is None or first.find(f"{w}trPr/{w}tblHeader") is None:
            problems.append(Problem("table-header", where, f"table {number} has no header row"))
        for cell in table.iter(f"{w}tc"):
            span = cell.find(f"{w}tcPr/{w}gridSpan")
            merged = cell.find(f"{w}tcPr/{w}vMerge") is not None or (
                span is not None and int(span.get(f"{w}val", "1")) > 1
            )
            if merged:
                problems.append(Problem("merged-cells", where, f"table {number} merges cells"))
                break
    return problems


def _docx_links(path: Path, body: etree._Element, where: str) -> list[Problem]:
    w = f"{{{W}}}"
    problems: list[Problem] = []
    rels: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        rel_root = _xml(archive, "word/_rels/document.xml.rels")
    if rel_root is not None:
        for rel in rel_root:
            rels[rel.get("Id", "")] = rel.get("Target", "")
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for link in body.iter(f"{w}hyperlink"):
        target = rels.get(link.get(r_id, ""), "#" + link.get(f"{w}anchor", ""))
        problem = _link_problem(_text(link), target, where)
        if problem:
            problems.append(problem)
    return problems


# --------------------------------------------------------------------------- ODT


def _q(name: str) -> str:
    """``text:p`` → ``{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p``."""
    prefix, local = name.split(":")
    return f"{{{ODF[prefix]}}}{local}"


def check_odt(path: Path) -> list[Problem]:
    where = path.name
    q = _q
    problems: list[Problem] = []
    with zipfile.ZipFile(path) as archive:
        content = _xml(archive, "content.xml")
        meta = _xml(archive, "meta.xml")
        styles = _xml(archive, "styles.xml")
    if content is None:
        return [Problem("title", where, "no content.xml: not an OpenDocument file")]
    title = meta.findtext(f".//{q('dc:title')}") if meta is not None else None
    if not (title or "").strip():
        problems.append(Problem("title", where, "the document has no title (meta.xml)"))
    language = meta.findtext(f".//{q('dc:language')}") if meta is not None else None
    default_language = None
    if styles is not None:
        for default in styles.iter(q("style:default-style")):
            if default.get(q("style:family")) == "paragraph":
                props = default.find(q("style:text-properties"))
                if props is not None:
                    default_language = props.get(q("fo:language"))
    if not (language or "").strip() and not default_language:
        problems.append(Problem("language", where, "the document language is not set"))

    body = content.find(f".//{q('office:text')}")
    if body is None:
        return [*problems, Problem("title", where, "no office:text: not a text document")]
    levels = [(int(h.get(q("text:outline-level"), "1")), _text(h)) for h in body.iter(q("text:h"))]
    problems += _headings(levels, where)
    problems += _odt_paragraphs(body, where)
    problems += _odt_tables(body, where)
    for frame in body.iter(q("draw:frame")):
        alt = frame.findtext(q("svg:title")) or frame.findtext(q("svg:desc"))
        if not (alt or "").strip():
            name = frame.get(q("draw:name"), "?")
            problems.append(Problem("alt-text", where, f"image '{name}' has no alt text"))
    for link in body.iter(q("text:a")):
        target = link.get("{http://www.w3.org/1999/xlink}href", "")
        problem = _link_problem(_text(link), target, where)
        if problem:
            problems.append(problem)
    return problems


def _odt_paragraphs(body: etree._Element, where: str) -> list[Problem]:
    q = _q
    problems: list[Problem] = []
    for paragraph in body.iter(q("text:p")):
        ancestors = {a.tag for a in paragraph.iterancestors()}
        if q("table:table-cell") in ancestors or q("text:index-body") in ancestors:
            continue
        if paragraph.get(q("text:style-name")) in SPACING_EXEMPT_STYLES:
            continue
        has_content = _text(paragraph) or any(
            child.tag in (q("draw:frame"), q("text:page-number")) for child in paragraph.iter()
        )
        if not has_content:
            problems.append(
                Problem("empty-paragraph", where, "an empty paragraph (use spacing in a style)")
            )
    return problems


def _odt_tables(body: etree._Element, where: str) -> list[Problem]:
    q = _q
    problems: list[Problem] = []
    for number, table in enumerate(body.iter(q("table:table")), start=1):
        if table.find(q("table:table-header-rows")) is None:
            problems.append(Problem("table-header", where, f"table {number} has no header row"))
        spanned = any(
            int(cell.get(q("table:number-columns-spanned"), "1")) > 1
            or int(cell.get(q("table:number-rows-spanned"), "1")) > 1
            for cell in table.iter(q("table:table-cell"))
        )
        if spanned or table.find(f".//{q('table:covered-table-cell')}") is not None:
            problems.append(Problem("merged-cells", where, f"table {number} merges cells"))
    return problems
