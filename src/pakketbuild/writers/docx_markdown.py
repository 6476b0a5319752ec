"""Markdown to Word: a renderer over markdown-it-py's syntax tree, and the OOXML helpers
python-docx lacks (hyperlinks, bookmarks, fields, restartable numbering, missing styles).

One module on purpose: the renderer and the OOXML helpers it calls change together, and
python-docx's XML internals stay here, out of the DOCX writer's document structure.

The renderer has one method per node type of :func:`pakketbuild.markdown.token_tree`; a
node type without a method raises :class:`pakketbuild.markdown.UnsupportedMarkdown`, an
internal error (a bug in pakketbuild), so a construct the parser allows can never be
dropped silently.

Every paragraph and run gets a *style* and no direct formatting: built-in Word styles
(Heading 1-9, List Number, List Bullet, Quote, Strong, Emphasis, Hyperlink, HTML Code,
HTML Preformatted …), created with a minimal definition when the document's template
lacks them, so that a house style applied through Word's style gallery (or a reference
template) restyles everything.

python-docx is imported here; only the DOCX writer imports this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.text.paragraph import Paragraph

from pakketbuild import markdown

# --------------------------------------------------------------------------- styles

_W = nsdecls("w")
_PARAGRAPH_STYLES: dict[str, tuple[str | None, str, str]] = {
    # name: (based on, pPr children, rPr children) — used only when the template lacks them
    "Title": ("Normal", '<w:spacing w:after="240"/>', '<w:b/><w:bCs/><w:sz w:val="48"/>'),
    "Subtitle": ("Normal", '<w:spacing w:after="120"/>', '<w:sz w:val="26"/>'),
    "Heading 1": (
        "Normal",
        '<w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/>'
        '<w:outlineLvl w:val="0"/>',
        '<w:b/><w:bCs/><w:sz w:val="32"/>',
    ),
    "Heading 2": (
        "Normal",
        '<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/>'
        '<w:outlineLvl w:val="1"/>',
        '<w:b/><w:bCs/><w:sz w:val="28"/>',
    ),
    "Heading 3": (
        "Normal",
        '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>'
        '<w:outlineLvl w:val="2"/>',
        '<w:b/><w:bCs/><w:sz w:val="24"/>',
    ),
    "Heading 4": (
        "Normal",
        '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>'
        '<w:outlineLvl w:val="3"/>',
        "<w:b/><w:bCs/><w:i/><w:iCs/>",
    ),
    "List Number": ("Normal", "<w:contextualSpacing/>", ""),
    "List Number 2": ("Normal", "<w:contextualSpacing/>", ""),
    "List Number 3": ("Normal", "<w:contextualSpacing/>", ""),
    "List Bullet": ("Normal", "<w:contextualSpacing/>", ""),
    "List Bullet 2": ("Normal", "<w:contextualSpacing/>", ""),
    "List Bullet 3": ("Normal", "<w:contextualSpacing/>", ""),
    "List Continue": ("Normal", '<w:ind w:left="360"/>', ""),
    "List Continue 2": ("Normal", '<w:ind w:left="720"/>', ""),
    "List Continue 3": ("Normal", '<w:ind w:left="1080"/>', ""),
    "Quote": ("Normal", '<w:ind w:left="567" w:right="567"/>', "<w:i/><w:iCs/>"),
    "HTML Preformatted": (
        "Normal",
        '<w:spacing w:after="120" w:line="240" w:lineRule="auto"/>',
        '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
        '<w:sz w:val="20"/>',
    ),
    "Horizontal Line": (
        "Normal",
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>',
        "",
    ),
    "Header": ("Normal", '<w:spacing w:after="0"/>', '<w:sz w:val="18"/>'),
    "Footer": ("Normal", '<w:spacing w:after="0"/><w:jc w:val="right"/>', '<w:sz w:val="18"/>'),
    "TOC Heading": ("Heading 1", '<w:outlineLvl w:val="9"/>', ""),
    "toc 1": ("Normal", '<w:spacing w:after="100"/>', ""),
    "toc 2": ("Normal", '<w:spacing w:after="100"/><w:ind w:left="220"/>', ""),
    # A passage for some audiences only (full edition): a label, then its paragraphs, both
    # with a rule on the left (the theme sets its colour).
    "Passage Label": (
        "Normal",
        '<w:keepNext/><w:pBdr><w:left w:val="single" w:sz="24" w:space="8" '
        'w:color="154273"/></w:pBdr><w:spacing w:after="60"/><w:ind w:left="284"/>',
        "<w:b/><w:bCs/>",
    ),
    "Passage": (
        "Normal",
        '<w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="154273"/></w:pBdr>'
        '<w:ind w:left="284"/>',
        "",
    ),
    # An item's label block: its facts (Soort, Voor, Aangeboden door: one paragraph, a line
    # each) and its lead. With the heading before them they never end a page or break:
    # each keeps with the next paragraph and keeps its lines together (the PDF's and the
    # ODT's keep rules for the same blocks).
    "Facts": ("Normal", '<w:keepNext/><w:keepLines/><w:spacing w:after="120"/>', ""),
    "Lead": ("Normal", "<w:keepNext/><w:keepLines/>", ""),
    # A contact (name, then a line per way to reach it) never breaks over two pages.
    "Contact": ("Normal", "<w:keepLines/>", ""),
}
_CHARACTER_STYLES: dict[str, str] = {
    "Strong": "<w:b/><w:bCs/>",
    "Emphasis": "<w:i/><w:iCs/>",
    "Strong Emphasis": "<w:b/><w:bCs/><w:i/><w:iCs/>",
    "Hyperlink": '<w:color w:val="0563C1"/><w:u w:val="single"/>',
    "HTML Code": (
        '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
        '<w:sz w:val="20"/>'
    ),
}
_NOT_BUILT_IN = {
    "Strong Emphasis",
    "Horizontal Line",
    "Passage Label",
    "Passage",
    "Facts",
    "Lead",
    "Contact",
}
"""Styles pakketbuild adds that Word does not know by name (still styles, so restylable)."""

_TABLE_STYLE = "Table Grid"
_TABLE_GRID_XML = (
    '<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
    '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    "</w:tblCellMar>"
)
"""``w:tblPr`` children of a minimal "Table Grid" (used when the template lacks it)."""


def ensure_styles(document: DocxDocument) -> None:
    """Add every style pakketbuild uses that the document's template does not define."""
    styles = document.styles
    for name, (based_on, ppr, rpr) in _PARAGRAPH_STYLES.items():
        if name in styles:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=name not in _NOT_BUILT_IN)
        if based_on and based_on in styles:
            style.base_style = styles[based_on]
        if ppr:
            style.element.append(parse_xml(f"<w:pPr {_W}>{ppr}</w:pPr>"))
        if rpr:
            style.element.append(parse_xml(f"<w:rPr {_W}>{rpr}</w:rPr>"))
    for name, rpr in _CHARACTER_STYLES.items():
        if name in styles:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER, builtin=name not in _NOT_BUILT_IN)
        style.element.append(parse_xml(f"<w:rPr {_W}>{rpr}</w:rPr>"))
    if _TABLE_STYLE not in styles:
        style = styles.add_style(_TABLE_STYLE, WD_STYLE_TYPE.TABLE, builtin=True)
        style.element.append(parse_xml(f"<w:tblPr {_W}>{_TABLE_GRID_XML}</w:tblPr>"))


def style_id(document: DocxDocument, name: str) -> str:
    return str(document.styles[name].style_id)


# --------------------------------------------------------------------------- numbering


class Lists:
    """Numbering for list paragraphs: every ordered list gets its own ``w:num`` that
    restarts at 1 (otherwise Word continues the previous list: 4, 5, 6 …)."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.numbering = _numbering_element(document)
        self._abstracts: dict[str, int] = {}

    def new_list(self, ordered: bool, level: int) -> int | None:
        """The ``numId`` for a new list (None for bullets, which number through their
        style). ``level`` is 1 for a top-level list."""
        name = list_style(ordered, level)
        abstract = self._abstract_for(name, ordered, level)
        if not ordered:
            return None
        num = self.numbering.add_num(abstract)
        num.add_lvlOverride(0).add_startOverride(1)
        return int(num.numId)

    def _abstract_for(self, name: str, ordered: bool, level: int) -> int:
        if name in self._abstracts:
            return self._abstracts[name]
        style = self.document.styles[name]
        num_id = _style_num_id(style.element)
        abstract: int | None = None
        if num_id is not None:
            try:
                abstract = int(self.numbering.num_having_numId(num_id).abstractNumId.val)
            except KeyError:
                abstract = None
        if abstract is None:
            abstract = self._add_abstract(ordered, level, str(style.style_id))
            num = self.numbering.add_num(abstract)
            ppr = style.element.get_or_add_pPr()
            num_pr = ppr.get_or_add_numPr()
            num_pr.get_or_add_numId().val = int(num.numId)
        self._abstracts[name] = abstract
        return abstract

    def _add_abstract(self, ordered: bool, level: int, pstyle: str) -> int:
        existing = [int(v) for v in self.numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        new_id = max(existing, default=-1) + 1
        fmt, text = ("decimal", "%1.") if ordered else ("bullet", "\u2022")
        indent = 360 * level
        element = parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="{new_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:pStyle w:val="{pstyle}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>'
            "</w:abstractNum>"
        )
        abstracts = self.numbering.xpath("./w:abstractNum")
        if abstracts:
            abstracts[-1].addnext(element)
        else:
            self.numbering.insert(0, element)
        return new_id


def list_style(ordered: bool, level: int) -> str:
    base = "List Number" if ordered else "List Bullet"
    level = min(max(level, 1), 3)
    return base if level == 1 else f"{base} {level}"


def continue_style(level: int) -> str:
    level = min(max(level, 1), 3)
    return "List Continue" if level == 1 else f"List Continue {level}"


def _style_num_id(style_element: Any) -> int | None:
    ppr = style_element.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None
    return int(ppr.numPr.numId.val)


def _numbering_element(document: DocxDocument) -> Any:
    part = document.part
    try:
        numbering_part: Any = part.part_related_by(RT.NUMBERING)
    except KeyError:
        # python-docx cannot create a numbering part (NumberingPart.new is not implemented)
        element = parse_xml(f"<w:numbering {_W}/>")
        numbering_part = NumberingPart(
            PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, part.package
        )
        part.relate_to(numbering_part, RT.NUMBERING)
    return numbering_part.element


def set_numbering(paragraph: Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


# --------------------------------------------------------------------------- inline OOXML


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold. The content model refuses them; the renderer replaces
them (with U+FFFD) so that no text can make it raise."""


def add_run(parent: Any, text: str, style: str | None) -> Any:
    """A ``w:r`` with ``text`` and character style id ``style``, appended to ``parent``
    (a ``w:p`` or ``w:hyperlink``)."""
    run = OxmlElement("w:r")
    if style:
        run.style = style
    parent.append(run)
    if text:
        run.text = _NOT_XML.sub("\ufffd", text)
    return run


def add_unbreakable_run(parent: Any, text: str, style: str | None) -> Any:
    """A run of ``text`` that Word never breaks over two lines (a phone number,
    :data:`pakketbuild.markdown.UNBREAKABLE_SCHEMES`): each
    hyphen a non-breaking hyphen (``w:noBreakHyphen``, which Word and LibreOffice draw,
    copy and search as a hyphen), each space a no-break space."""
    run = add_run(parent, "", style)
    for index, piece in enumerate(text.split("-")):
        if index:
            run.append(OxmlElement("w:noBreakHyphen"))
        if piece:
            element = OxmlElement("w:t")
            element.text = _NOT_XML.sub("\ufffd", piece).replace(" ", "\u00a0")
            element.set(qn("xml:space"), "preserve")
            run.append(element)
    return run


def add_hyperlink(
    paragraph: Paragraph, *, url: str | None = None, anchor: str | None = None
) -> Any:
    """An empty ``w:hyperlink`` to an external ``url`` (relationship) or a bookmark."""
    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    elif anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


def add_field(
    paragraph: Paragraph, instruction: str, result: str, style: str | None = None
) -> None:
    """A complex field (``PAGE``, ``NUMPAGES`` …) with a placeholder result."""
    p = paragraph._p
    add_field_start(p, instruction, style)
    add_run(p, result, style)
    add_field_end(p, style)


def add_field_start(parent: Any, instruction: str, style: str | None = None) -> None:
    begin = add_run(parent, "", style)
    begin.append(parse_xml(f'<w:fldChar {_W} w:fldCharType="begin"/>'))
    instr = add_run(parent, "", style)
    text = parse_xml(f'<w:instrText {_W} xml:space="preserve"> {instruction} </w:instrText>')
    instr.append(text)
    separate = add_run(parent, "", style)
    separate.append(parse_xml(f'<w:fldChar {_W} w:fldCharType="separate"/>'))


def add_field_end(parent: Any, style: str | None = None) -> None:
    end = add_run(parent, "", style)
    end.append(parse_xml(f'<w:fldChar {_W} w:fldCharType="end"/>'))


# --------------------------------------------------------------------------- document state


@dataclass
class DocxState:
    """What the pieces of one document share: styles, numbering, bookmarks."""

    document: DocxDocument
    lists: Lists = field(init=False)
    _bookmark_id: int = 0
    _styles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ensure_styles(self.document)
        self.lists = Lists(self.document)

    def style(self, name: str) -> str:
        """The style id of the style called ``name``."""
        if name not in self._styles:
            self._styles[name] = style_id(self.document, name)
        return self._styles[name]

    def bookmark(self, paragraph: Paragraph, name: str) -> None:
        """Wrap the paragraph's content in a bookmark (call after the text is added)."""
        self._bookmark_id += 1
        ident = str(self._bookmark_id)
        p = paragraph._p
        start = parse_xml(f'<w:bookmarkStart {_W} w:id="{ident}" w:name="{name}"/>')
        ppr = p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(parse_xml(f'<w:bookmarkEnd {_W} w:id="{ident}"/>'))


def bookmark_name(key: str) -> str:
    """A Word bookmark name for ``key``: letters, digits and underscores, at most 40
    characters, starting with a letter."""
    name = "b_" + re.sub(r"[^A-Za-z0-9]", "_", key)
    if len(name) > 40:
        digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]
        name = name[:31] + "_" + digest
    return name


# --------------------------------------------------------------------------- renderer


@dataclass(frozen=True)
class _Inline:
    strong: bool = False
    em: bool = False
    code: bool = False
    link: Any = None
    """The ``w:hyperlink`` element runs go into, if inside a link."""
    unbreakable: bool = False
    """Inside a link whose text never breaks (:data:`markdown.UNBREAKABLE_SCHEMES`)."""


@dataclass(frozen=True)
class _Block:
    list_level: int = 0
    """Nesting depth of lists around this block (0 = not in a list)."""
    first_in_item: bool = False
    """The next paragraph is the first of a list item (it carries the number/bullet)."""
    num_id: int | None = None
    ordered: bool = False
    quote: bool = False
    passage: bool = False
    """Inside a passage for some audiences only (paragraphs get the Passage style)."""


class MarkdownRenderer:
    """Renders Markdown bodies into one document.

    ``heading_offset`` maps ``##`` (level 2) to ``Heading (2 - 1 + offset)``;
    ``anchor_prefix`` keeps bookmark names of different bodies apart.
    """

    def __init__(self, state: DocxState) -> None:
        self.state = state
        self._blocks: dict[str, Callable[[Any, Any, _Block], None]] = {
            "paragraph": self._paragraph,
            "heading": self._heading,
            "bullet_list": self._list,
            "ordered_list": self._list,
            "list_item": self._list_item,
            "blockquote": self._blockquote,
            "code_block": self._code,
            "fence": self._code,
            "hr": self._hr,
            "table": self._table,
            markdown.PASSAGE_TOKEN: self._passage,
        }
        self._inlines: dict[str, Callable[[Paragraph, Any, _Inline], None]] = {
            "text": self._text,
            "softbreak": self._softbreak,
            "hardbreak": self._hardbreak,
            "em": self._em,
            "strong": self._strong,
            "code_inline": self._code_inline,
            "link": self._link,
            "image": self._image,
        }
        self._offset = 0
        self._prefix = ""
        self._own: frozenset[str] = frozenset()
        self._seen: dict[str, int] = {}
        self.resolve: Callable[[str], str | None] = lambda fragment: None
        """Where an in-page link that is not to one of the text's own headings leads: a
        ``#bookmark``, an absolute URL, or None (as written); the document's outline says
        (:class:`pakketbuild.writers.outline.References`)."""

    # -- entry points ---------------------------------------------------------------------

    def render(
        self, text: str, container: Any, *, heading_offset: int = 0, anchor_prefix: str = ""
    ) -> None:
        """Append the blocks of ``text`` to ``container`` (the document or a table cell)."""
        self._offset = heading_offset
        self._prefix = anchor_prefix
        self._own = markdown.heading_slugs(text)
        self._seen = {}
        for node in markdown.token_tree(text).children:
            self._block(node, container, _Block())

    def render_in_list_item(
        self, text: str, container: Any, *, level: int, heading_offset: int, anchor_prefix: str
    ) -> None:
        """Append ``text`` as the continuation of a list item at ``level``."""
        self._offset = heading_offset
        self._prefix = anchor_prefix
        self._own = markdown.heading_slugs(text)
        self._seen = {}
        for node in markdown.token_tree(text).children:
            self._block(node, container, _Block(list_level=level))

    # -- blocks ---------------------------------------------------------------------------

    def _block(self, node: Any, container: Any, ctx: _Block) -> None:
        handler = self._blocks.get(node.type)
        if handler is None:
            self._unsupported(node)
        handler(node, container, ctx)

    def _new_paragraph(self, container: Any, ctx: _Block, default: str = "Normal") -> Paragraph:
        if ctx.list_level and ctx.first_in_item:
            style = list_style(ctx.ordered, ctx.list_level)
        elif ctx.list_level:
            style = continue_style(ctx.list_level)
        elif ctx.quote:
            style = "Quote"
        elif ctx.passage and default == "Normal":
            style = "Passage"
        else:
            style = default
        paragraph: Paragraph = container.add_paragraph(style=style)
        if ctx.list_level and ctx.first_in_item and ctx.num_id is not None:
            set_numbering(paragraph, ctx.num_id)
        return paragraph

    def _paragraph(self, node: Any, container: Any, ctx: _Block) -> None:
        paragraph = self._new_paragraph(container, ctx)
        for child in node.children:
            if child.type != "inline":
                self._unsupported(child)
            self._inline_children(paragraph, child, _Inline())

    def _heading(self, node: Any, container: Any, ctx: _Block) -> None:
        level = int(node.tag[1]) - 1 + self._offset
        level = min(max(level, 1), 9)
        paragraph = container.add_paragraph(style=f"Heading {level}")
        inline = node.children[0]
        self._inline_children(paragraph, inline, _Inline())
        slug = markdown.slugify(inline.content)
        self._seen[slug] = self._seen.get(slug, 0) + 1
        if self._seen[slug] > 1:
            slug = f"{slug}-{self._seen[slug]}"
        self.state.bookmark(paragraph, bookmark_name(self._prefix + slug))

    def _list(self, node: Any, container: Any, ctx: _Block) -> None:
        ordered = node.type == "ordered_list"
        level = ctx.list_level + 1
        num_id = self.state.lists.new_list(ordered, level)
        inner = _Block(
            list_level=level,
            num_id=num_id,
            ordered=ordered,
            quote=ctx.quote,
            passage=ctx.passage,
        )
        for child in node.children:
            self._block(child, container, inner)

    def _list_item(self, node: Any, container: Any, ctx: _Block) -> None:
        first = True
        for child in node.children:
            if child.type in ("bullet_list", "ordered_list"):
                self._block(child, container, ctx)
                continue
            block = _Block(
                list_level=ctx.list_level,
                first_in_item=first,
                num_id=ctx.num_id,
                ordered=ctx.ordered,
                quote=ctx.quote,
                passage=ctx.passage,
            )
            self._block(child, container, block)
            first = False
        if first:  # an empty list item still shows its number
            self._new_paragraph(
                container,
                _Block(
                    list_level=ctx.list_level,
                    first_in_item=True,
                    num_id=ctx.num_id,
                    ordered=ctx.ordered,
                ),
            )

    def _blockquote(self, node: Any, container: Any, ctx: _Block) -> None:
        inner = _Block(list_level=ctx.list_level, quote=True, passage=ctx.passage)
        for child in node.children:
            self._block(child, container, inner)

    def _passage(self, node: Any, container: Any, ctx: _Block) -> None:
        """A passage for some audiences only: its label, then its blocks (full edition;
        views never see the container, :func:`pakketbuild.markdown.select_passages`
        removed or unwrapped it)."""
        container.add_paragraph(markdown.passage_label(node.info), style="Passage Label")
        inner = _Block(list_level=ctx.list_level, quote=ctx.quote, passage=True)
        for child in node.children:
            self._block(child, container, inner)

    def _code(self, node: Any, container: Any, ctx: _Block) -> None:
        if ctx.list_level or ctx.quote:
            # Inside a list item or quote the paragraph keeps that style; the runs are code.
            paragraph = self._new_paragraph(container, ctx)
            style: str | None = self.state.style("HTML Code")
        else:
            paragraph = container.add_paragraph(style="HTML Preformatted")
            style = None
        lines = node.content.rstrip("\n").split("\n")
        for index, line in enumerate(lines):
            run = add_run(paragraph._p, line, style)
            if index < len(lines) - 1:
                run.append(OxmlElement("w:br"))

    def _hr(self, node: Any, container: Any, ctx: _Block) -> None:
        container.add_paragraph(style="Horizontal Line")

    def _table(self, node: Any, container: Any, ctx: _Block) -> None:
        rows: list[tuple[bool, Any]] = []
        for section in node.children:
            if section.type not in ("thead", "tbody"):
                self._unsupported(section)
            for row in section.children:
                if row.type != "tr":
                    self._unsupported(row)
                rows.append((section.type == "thead", row))
        columns = max((len(row.children) for _, row in rows), default=0)
        if not rows or not columns:
            return
        table = container.add_table(rows=len(rows), cols=columns)
        table.style = self.state.document.styles[_TABLE_STYLE]
        for (header, row), docx_row in zip(rows, table.rows, strict=True):
            if header:
                mark_header_row(docx_row)
            for cell_node, cell in zip(row.children, docx_row.cells, strict=False):
                if cell_node.type not in ("th", "td"):
                    self._unsupported(cell_node)
                paragraph = cell.paragraphs[0]
                for child in cell_node.children:
                    if child.type != "inline":
                        self._unsupported(child)
                    self._inline_children(paragraph, child, _Inline(strong=header))

    # -- inlines --------------------------------------------------------------------------

    def _inline_children(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        for child in node.children:
            handler = self._inlines.get(child.type)
            if handler is None:
                self._unsupported(child)
            handler(paragraph, child, ctx)

    def _run_style(self, ctx: _Inline) -> str | None:
        if ctx.link is not None:
            name: str | None = "Hyperlink"
        elif ctx.code:
            name = "HTML Code"
        elif ctx.strong and ctx.em:
            name = "Strong Emphasis"
        elif ctx.strong:
            name = "Strong"
        elif ctx.em:
            name = "Emphasis"
        else:
            name = None
        return self.state.style(name) if name else None

    def _append(self, paragraph: Paragraph, text: str, ctx: _Inline) -> Any:
        parent = ctx.link if ctx.link is not None else paragraph._p
        if ctx.unbreakable:
            return add_unbreakable_run(parent, text, self._run_style(ctx))
        return add_run(parent, text, self._run_style(ctx))

    def _text(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        self._append(paragraph, node.content, ctx)

    def _softbreak(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        self._append(paragraph, " ", ctx)

    def _hardbreak(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        run = self._append(paragraph, "", ctx)
        run.append(OxmlElement("w:br"))

    def _em(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        self._inline_children(paragraph, node, replace(ctx, em=True))

    def _strong(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        self._inline_children(paragraph, node, replace(ctx, strong=True))

    def _code_inline(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        self._append(paragraph, node.content, replace(ctx, code=True))

    def _link(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        href = str(node.attrs.get("href", ""))
        if ctx.link is not None or not markdown.link_allowed(href):
            # Links cannot nest; a refused link keeps its text (check reports it).
            self._inline_children(paragraph, node, ctx)
            return
        if href.startswith("#") and href[1:] in self._own:
            link = add_hyperlink(paragraph, anchor=bookmark_name(self._prefix + href[1:]))
        elif href.startswith("#"):
            address = self.resolve(href[1:]) or href
            if address.startswith("#"):
                link = add_hyperlink(paragraph, anchor=bookmark_name(address[1:]))
            else:
                link = add_hyperlink(paragraph, url=address)
        else:
            link = add_hyperlink(paragraph, url=href)
        unbreakable = href.startswith(markdown.UNBREAKABLE_SCHEMES)
        self._inline_children(paragraph, node, replace(ctx, link=link, unbreakable=unbreakable))

    def _image(self, paragraph: Paragraph, node: Any, ctx: _Inline) -> None:
        # ``check`` refuses images (image-not-allowed); should one reach the renderer,
        # only its alt text is kept: never a picture, never a relationship to its URL.
        self._inline_children(paragraph, node, ctx)

    # -- errors ---------------------------------------------------------------------------

    @staticmethod
    def _unsupported(node: Any) -> NoReturn:
        markdown.unsupported(node, "DOCX")


def mark_header_row(row: Any) -> None:
    """Mark a table row as header row (``w:tblHeader``: repeated on every page, read as
    column headers by screen readers)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {_W} w:val="true"/>'))
