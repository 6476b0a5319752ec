"""ODT writer: one OpenDocument Text file per pakket and per item (odfdo).

The Forum Standaardisatie's "pas toe of leg uit" list names ODF, not DOCX, as the
standard for documents meant to be edited, so every ``.docx`` has an ``.odt`` twin
(``downloads/<pakket-id>.odt``, ``downloads/items/<item-id>.odt``) with the same parts in
the same order (see :mod:`pakketbuild.writers.documents`).

* **Body** built with odfdo elements: ``text:h`` headings with outline levels in the
  "Heading N" paragraph styles, ``text:list`` lists in list styles (each list restarts),
  ``text:a`` links (external ones to ``https:``, ``mailto:`` and ``tel:``, internal ones to
  bookmarks on the headings), tables with ``table:table-header-rows``, a filled-in
  contents index (``text:table-of-content``, level 1: the same entries as the PDF's
  contents page, hyperlinked to the headings; a reader's *Update* adds page numbers).
* **Styles** are named styles only (no automatic styles, no direct formatting), written
  by :func:`styles_xml` from the edition's theme (heading, link and brand colours, the
  theme's first bundled font or DejaVu Sans); A4 pages, a running header with the title
  and a "pagina X van Y" footer on every page but the first.
* **Metadata** from the content only: title, subject, description, keywords, creator,
  language ``nl-NL``; dates only when the content has them; generator ``pakketbuild``.
* **Byte-identical**: the package is assembled here, not by odfdo's ``save``:
  ``mimetype`` first and stored, then the other parts in a fixed order, every entry dated
  1980-01-01; no thumbnail, settings or generation date.

LibreOffice only measures: it lays out a finished pakket or combined document to tell
the page of each contents entry (:func:`number_contents`); the tests open every file
with it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn
from xml.sax.saxutils import escape, quoteattr

from pakketbuild import markdown, mediatypes
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import FORMATS, BuildContext, Job, fonts, odt_fonts, outline, resolve
from pakketbuild.writers.documents import DocumentWriter, subject_of
from pakketbuild.writers.outline import LABEL_OF, LABEL_PAGE, Meta

if TYPE_CHECKING:
    from pathlib import Path

    from pakketbuild.theme import Theme

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ODF_VERSION = "1.3"
DEFAULT_FONT = fonts.SANS.name
"""Used when the theme bundles no font: Liberation Sans, the family of the PDF and the
Word file too, embedded in the package (:mod:`pakketbuild.writers.odt_fonts`)."""
MONO_FONT = fonts.MONO.name

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
_XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items() if prefix != "manifest")

HEADING = "Heading_20_{}"
HEADING_NEW_PAGE = "Heading_20_1_20_New_20_Page"
"""Heading 1 that starts a page: the first heading after the contents."""
BODY = "Text_20_body"
LIST_CONTENT = "List_20_Contents"


ODT_MEDIA_TYPE = FORMATS["odt"].media_type or ""
"""Also the content of the package's ``mimetype`` file."""


class OdtWriter(DocumentWriter):
    """``downloads/<pakket-id>.odt`` and ``downloads/items/<item-id>.odt``."""

    name = "odt"

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)
        return render_odt(pub, subject_of(pub, job))


def render_odt(pub: Publication, subject: PubPakket | PubItem) -> bytes:
    """The ODT bytes of a pakket or an item."""
    from odfdo import Document

    document = Document("text")
    body = document.body
    body.clear()
    doc = outline.document(pub, subject)
    meta = doc.meta
    builder = _Builder(pub, body)
    builder.render(doc)
    meta_part = meta_xml(meta)

    def assemble(content: bytes) -> bytes:
        """The package around ``content``, with the fonts its text needs embedded."""
        embedded = odt_fonts.plan(pub.theme, content, styles_xml(pub.theme, meta))
        fonts_files = {
            path: (data, odt_fonts.media_type(path)) for path, data in embedded.files.items()
        }
        return package(
            content=content,
            styles=styles_xml(pub.theme, meta, embedded),
            meta=meta_part,
            files={**builder.files, **fonts_files},
        )

    data = assemble(_content_xml(body.serialize(pretty=False)))
    links = contents_links(body)
    if links:  # LibreOffice lays the document out; its pages go into the entries
        from pakketbuild.writers.office_pages import contents_pages

        pages = contents_pages(data, "odt", [str(link.text) for link in links])
        if pages is not None:
            number_contents(links, pages)
            data = assemble(_content_xml(body.serialize(pretty=False)))
    return data


# --------------------------------------------------------------------------- body


def _element(tag: str, **attributes: str) -> Any:
    from odfdo import Element

    element = Element.from_tag(tag)
    for name, value in attributes.items():
        element.set_attribute(name.replace("_", ":", 1).replace("_", "-"), value)
    return element


def _paragraph(style: str, text: str | None = None) -> Any:
    from odfdo import Paragraph

    paragraph = Paragraph(style=style)
    if text:
        paragraph.append(text)
    return paragraph


def _heading(
    level: int, text: str | None = None, bookmark: str | None = None, style: str | None = None
) -> Any:
    from odfdo import Bookmark, Header

    heading = Header(level)
    heading.set_attribute("text:style-name", style or HEADING.format(level))
    if bookmark:
        heading.append(Bookmark(bookmark))
    if text:
        heading.append(text)
    return heading


def _bookmark(name: str) -> Any:
    from odfdo import Bookmark

    return Bookmark(name)


def _link(href: str, text: str | None = None) -> Any:
    from odfdo import Link

    link = Link(href)
    link.set_attribute("xlink:type", "simple")
    if text:
        link.append(text)
    return link


def unbreakable(text: str) -> str:
    """``text`` that LibreOffice never breaks over two lines: each hyphen a non-breaking
    hyphen (U+2011, what LibreOffice's own Ctrl+Shift+minus inserts; it draws it with
    the font's hyphen, and its PDFs copy it as ``-``), each space a no-break space."""
    return text.replace("-", "\u2011").replace(" ", "\u00a0")


def _link_text(href: str, text: str) -> str:
    return unbreakable(text) if href.startswith(markdown.UNBREAKABLE_SCHEMES) else text


def _span(style: str, text: str) -> Any:
    from odfdo import Span

    return Span(text, style=style)


def bookmark_name(key: str) -> str:
    """Bookmark names as in the DOCX (letters, digits, ``_``; ``-`` kept in ODF)."""
    return key


class _Builder:
    """Renders an outline into the ODT body: one ``visit_<kind>`` per block kind
    (:func:`outline.dispatch`). A section of level 1 is the document's Title, level ``n``
    is heading level ``n - 1`` (the outline counts levels like HTML)."""

    def __init__(self, pub: Publication, body: Any) -> None:
        self.pub = pub
        self.body = body
        self.md = OdtMarkdown()
        self.new_page = False
        """The next heading starts a page (the first one after the contents)."""
        self.files: dict[str, tuple[bytes, str]] = {}
        """Files of the package besides its XML parts (the cover's logo): path →
        (bytes, media type)."""

    def add(self, element: Any) -> Any:
        self.body.append(element)
        return element

    def render(self, doc: outline.Outline) -> None:
        outline.translate(self, doc, self.pub, self.md)

    # -- rules --------------------------------------------------------------------------

    def visit_cover(self, cover: outline.Cover) -> None:
        """The logo, the Title, its lines; the contents start on the next page (the
        contents heading's style breaks before it)."""
        from odfdo import LineBreak

        title = self.add(_paragraph("Title"))
        if cover.logo is not None and cover.logo.raster is not None:
            # Inside the Title paragraph: the first paragraph carries the cover's master
            # page, and a paragraph of its own before it would start a second page.
            title.append(self._logo(cover.logo.raster, cover.logo.alt))
            title.append(LineBreak())
        title.append(cover.title)
        for line in cover.lines:
            self.add(_paragraph("Subtitle", line.text))

    def _logo(self, path: Path, alt: str) -> Any:
        """The logo as an image in the package (``Pictures/``), 2 cm high, its text
        alternative as the frame's title (what a screen reader announces)."""
        data = path.read_bytes()
        name = f"Pictures/logo{path.suffix.lower()}"
        return self._image(data, name, mediatypes.of_name(path.name), "Logo", alt, 2.0)

    def _image(
        self, data: bytes, name: str, media_type: str, frame_name: str, alt: str, height_cm: float
    ) -> Any:
        """An image of the package (``name`` in ``Pictures/``) in a frame ``height_cm``
        high, its text alternative as the frame's title (what a screen reader announces)."""
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        self.files[name] = (data, media_type)
        frame = _element(
            "draw:frame",
            draw_name=frame_name,
            text_anchor_type="as-char",
            svg_width=f"{height_cm * width / max(height, 1):.3f}cm",
            svg_height=f"{height_cm:g}cm",
        )
        frame.append(
            _element(
                "draw:image",
                xlink_href=name,
                xlink_type="simple",
                xlink_show="embed",
                xlink_actuate="onLoad",
                draw_mime_type=media_type,
            )
        )
        title = _element("svg:title")
        title.append(alt)
        frame.append(title)
        return frame

    def visit_contents(self, contents: outline.Contents) -> None:
        entries = [
            (e.text, e.target.anchor) for e in contents.entries if e.target and e.target.anchor
        ]
        self.add(contents_index(contents.title, entries))
        self.new_page = True

    def visit_section(self, section: outline.Section) -> None:
        if section.new_page:
            self.new_page = True
        if section.level == 1:
            title = self.add(_paragraph("Title"))
            if section.anchor:
                title.append(_bookmark(section.anchor))
            title.append(section.heading)
        else:
            level = section.level - 1
            style = HEADING_NEW_PAGE if self.new_page and level == 1 else None
            self.new_page = False
            self.add(_heading(level, section.heading, section.anchor, style))
        for line in section.subtitles:
            self.add(_paragraph("Subtitle", line))
        for block in section.blocks:
            outline.dispatch(self, block)

    def visit_facts(self, facts: outline.Facts) -> None:
        """One paragraph (style *Facts*), a line per fact, as in the PDF: LibreOffice does
        not follow a chain of keep-with-next paragraphs reliably (a chain of one paragraph
        per fact broke after its first), one paragraph it keeps whole."""
        from odfdo import LineBreak

        paragraph = self.add(_paragraph("Facts"))
        for index, fact in enumerate(facts.facts):
            if index:
                paragraph.append(LineBreak())
            paragraph.append(_span("Strong_20_Emphasis", f"{fact.label}:"))
            paragraph.append(f" {fact.text}")

    def visit_lead(self, lead: outline.Lead) -> None:
        self.add(_paragraph("Lead", lead.text))

    def visit_body(self, body: outline.Body) -> None:
        self.md.render(self.body, body.text, offset=body.level - 1, prefix=body.id_prefix)

    def visit_steps(self, steps: outline.Steps) -> None:
        element = self.add(_element("text:list", text_style_name="Numbering_20_123"))
        for step in steps.entries:
            entry = _element("text:list-item")
            element.append(entry)
            title = _paragraph("List_20_1")
            title.append(_span("Strong_20_Emphasis", step.title))
            entry.append(title)
            if step.text:
                self.md.render(
                    entry, step.text, offset=steps.level - 1, prefix=step.id_prefix, in_list=True
                )

    def visit_contacts(self, contacts: outline.Contacts) -> None:
        """One paragraph per contact (style *Contact*): the name in *Strong Emphasis*,
        then a line per way to reach it."""
        from odfdo import LineBreak

        for card in contacts.cards:
            paragraph = _paragraph("Contact")
            paragraph.append(_span("Strong_20_Emphasis", card.name))
            for line in card.lines:
                paragraph.append(LineBreak())
                paragraph.append(f"{line.label}: ")
                if line.href:
                    paragraph.append(_link(line.href, _link_text(line.href, line.text)))
                else:
                    paragraph.append(line.text)
            self.add(paragraph)

    def visit_links(self, links: outline.Links) -> None:
        element = self.add(_element("text:list", text_style_name="List_20_1"))
        for link in links.links:
            paragraph = _paragraph(LIST_CONTENT)
            target = outline.document_href(self.pub, link.target)
            if target is not None:
                paragraph.append(_link(target, link.text))
            else:
                paragraph.append(link.text)
            if link.note:
                paragraph.append(f" {link.note}")
            entry = _element("text:list-item")
            entry.append(paragraph)
            element.append(entry)

    def visit_colophon(self, colophon: outline.Colophon) -> None:
        """One *Text body* paragraph per line (the label in *Strong Emphasis*, the web
        address a link), then the QR code as a picture with its text alternative."""
        from pakketbuild.writers import qr

        for line in colophon.lines:
            paragraph = _paragraph(BODY)
            paragraph.append(_span("Strong_20_Emphasis", f"{line.label}:"))
            paragraph.append(" ")
            paragraph.append(_link(line.href, line.text) if line.href else line.text)
            self.add(paragraph)
        if colophon.qr_code is not None:
            code = colophon.qr_code
            image = self._image(
                qr.png(code.url), "Pictures/qr-code.png", mediatypes.PNG, "QR-code", code.alt,
                qr.SIZE_MM / 10,
            )  # fmt: skip
            self.add(_paragraph(BODY)).append(image)


def contents_index(title_text: str, entries: list[tuple[str, str]]) -> Any:
    """``text:table-of-content`` of level-1 headings, filled in with one hyperlinked entry
    per ``(title, bookmark)`` so the contents shows without an update (page numbers:
    :func:`number_contents`); an update in LibreOffice or Word keeps the same entries."""
    toc = _element("text:table-of-content", text_name="Inhoudsopgave", text_protected="true")
    source = _element("text:table-of-content-source", text_outline_level="1")
    title_template = _element("text:index-title-template", text_style_name="Contents_20_Heading")
    title_template.append(title_text)
    source.append(title_template)
    template = _element(
        "text:table-of-content-entry-template",
        text_outline_level="1",
        text_style_name="Contents_20_1",
    )
    template.append(_element("text:index-entry-link-start", text_style_name="Index_20_Link"))
    template.append(_element("text:index-entry-text"))
    template.append(
        _element("text:index-entry-tab-stop", style_type="right", style_leader_char=".")
    )
    template.append(_element("text:index-entry-page-number"))
    template.append(_element("text:index-entry-link-end"))
    source.append(template)
    toc.append(source)
    index_body = _element("text:index-body")
    title = _element("text:index-title", text_name="Inhoudsopgave_Head")
    title.append(_paragraph("Contents_20_Heading", title_text))
    index_body.append(title)
    for text, bookmark in entries:
        paragraph = _paragraph("Contents_20_1")
        link = _link(f"#{bookmark}", text)
        link.set_attribute("text:style-name", "Index_20_Link")
        paragraph.append(link)
        index_body.append(paragraph)
    toc.append(index_body)
    return toc


def contents_links(body: Any) -> list[Any]:
    """The ``text:a`` of each entry of the contents index :func:`contents_index` wrote
    (none in an item's document), in order; each holds the entry's title."""
    toc = body.get_element("text:table-of-content")
    return [] if toc is None else list(toc.get_elements("text:index-body/text:p/text:a"))


def number_contents(links: list[Any], pages: list[str]) -> None:
    """Each entry of the index body as LibreOffice writes it after an update, following the
    entry template (link, text, tab with dots, page number): ``<text:a>title<text:tab/>
    page</text:a>``; ``links`` from :func:`contents_links`, ``pages`` their numbers."""
    from odfdo import Tab

    for link, page in zip(links, pages, strict=True):
        link.append(Tab())
        link.append(page)


# --------------------------------------------------------------------------- Markdown


class OdtMarkdown:
    """Renders Markdown bodies (markdown-it's syntax tree) into odfdo elements.

    ``offset`` maps ``##`` (level 2) to heading level ``2 - 1 + offset``; ``prefix`` keeps
    bookmark names of different bodies apart (the same names as the PDF's ids)."""

    def __init__(self) -> None:
        self._offset = 0
        self._prefix = ""
        self._own: frozenset[str] = frozenset()
        self._seen: dict[str, int] = {}
        self.resolve: Callable[[str], str | None] = lambda fragment: None
        """Where an in-page link that is not to one of the text's own headings leads (see
        :attr:`pakketbuild.writers.docx_markdown.MarkdownRenderer.resolve`)."""
        self._tables = 0

    def render(
        self, container: Any, text: str, *, offset: int, prefix: str, in_list: bool = False
    ) -> None:
        self._offset = offset
        self._prefix = prefix
        self._own = markdown.heading_slugs(text)
        self._seen = {}
        style = LIST_CONTENT if in_list else BODY
        for node in markdown.token_tree(text).children:
            self._block(node, container, style)

    # -- blocks -------------------------------------------------------------------------

    def _block(self, node: Any, container: Any, style: str) -> None:
        kind = node.type
        if kind == "paragraph":
            paragraph = _paragraph(style)
            for child in node.children:
                self._inlines(paragraph, child, ())
            container.append(paragraph)
        elif kind == "heading":
            level = min(max(int(node.tag[1]) - 1 + self._offset, 1), 10)
            inline = node.children[0]
            slug = markdown.slugify(inline.content)
            self._seen[slug] = self._seen.get(slug, 0) + 1
            if self._seen[slug] > 1:
                slug = f"{slug}-{self._seen[slug]}"
            heading = _heading(level, bookmark=bookmark_name(self._prefix + slug))
            self._inlines(heading, inline, ())
            container.append(heading)
        elif kind in ("bullet_list", "ordered_list"):
            list_style = "Numbering_20_123" if kind == "ordered_list" else "List_20_1"
            element = _element("text:list", text_style_name=list_style)
            for item in node.children:
                entry = _element("text:list-item")
                for child in item.children:
                    self._block(child, entry, LIST_CONTENT)
                if not item.children:
                    entry.append(_paragraph(LIST_CONTENT))
                element.append(entry)
            container.append(element)
        elif kind == "blockquote":
            for child in node.children:
                self._block(child, container, "Quotations")
        elif kind == markdown.PASSAGE_TOKEN:
            container.append(_paragraph("Passage_20_Label", markdown.passage_label(node.info)))
            for child in node.children:
                self._block(child, container, "Passage" if style == BODY else style)
        elif kind in ("code_block", "fence"):
            lines = node.content.rstrip("\n").split("\n")
            paragraph = _paragraph("Preformatted_20_Text")
            self._lines(paragraph, lines)
            container.append(paragraph)
        elif kind == "hr":
            container.append(_paragraph("Horizontal_20_Line"))
        elif kind == "table":
            self._table(node, container)
        else:
            self._unsupported(node)

    @staticmethod
    def _lines(paragraph: Any, lines: list[str]) -> None:
        from odfdo import LineBreak

        for index, line in enumerate(lines):
            if index:
                paragraph.append(LineBreak())
            paragraph.append(line)

    def _table(self, node: Any, container: Any) -> None:
        header_cells: list[Any] = []
        body_rows: list[list[Any]] = []
        for section in node.children:
            for row in section.children:
                if section.type == "thead":
                    header_cells = list(row.children)
                else:
                    body_rows.append(list(row.children))
        columns = max([len(header_cells), *(len(r) for r in body_rows)], default=0)
        if not columns:
            return
        self._tables += 1
        table = _element(
            "table:table", table_name=f"Tabel {self._tables}", table_style_name="Tabel"
        )
        table.append(_element("table:table-column", table_number_columns_repeated=str(columns)))

        def fill(row_element: Any, cells: list[Any], style: str) -> None:
            for index in range(columns):
                cell = _element("table:table-cell", office_value_type="string")
                paragraph = _paragraph(style)
                if index < len(cells):
                    for child in cells[index].children:
                        self._inlines(paragraph, child, ())
                cell.append(paragraph)
                row_element.append(cell)

        if header_cells:
            header_rows = _element("table:table-header-rows")
            header = _element("table:table-row")
            fill(header, header_cells, "Table_20_Heading")
            header_rows.append(header)
            table.append(header_rows)
        for cells in body_rows:
            row = _element("table:table-row")
            fill(row, cells, "Table_20_Contents")
            table.append(row)
        container.append(table)

    # -- inlines ------------------------------------------------------------------------

    def _inlines(self, parent: Any, node: Any, marks: tuple[str, ...], link: Any = None) -> None:
        for child in node.children:
            self._inline(parent, child, marks, link)

    def _inline(self, parent: Any, node: Any, marks: tuple[str, ...], link: Any) -> None:
        from odfdo import LineBreak

        target = link if link is not None else parent
        kind = node.type
        if kind in ("text", "code_inline"):
            if not node.content:
                return
            text = node.content
            if link is not None:
                text = _link_text(link.get_attribute("xlink:href") or "", text)
            style = _span_style((*marks, "code") if kind == "code_inline" else marks)
            if style:
                target.append(_span(style, text))
            else:
                target.append(text)
        elif kind == "softbreak":
            target.append(" ")
        elif kind == "hardbreak":
            target.append(LineBreak())
        elif kind == "em":
            self._inlines(parent, node, (*marks, "em"), link)
        elif kind == "strong":
            self._inlines(parent, node, (*marks, "strong"), link)
        elif kind == "link":
            href = str(node.attrs.get("href", ""))
            if link is not None or not markdown.link_allowed(href):
                self._inlines(parent, node, marks, link)
                return
            if href.startswith("#") and href[1:] in self._own:
                href = "#" + bookmark_name(self._prefix + href[1:])
            elif href.startswith("#"):
                href = self.resolve(href[1:]) or href
            element = _link(href)
            parent.append(element)
            self._inlines(parent, node, marks, element)
        elif kind == "image":
            # ``check`` refuses images; should one get here, only its alt text is kept.
            self._inlines(parent, node, marks, link)
        else:
            self._unsupported(node)

    @staticmethod
    def _unsupported(node: Any) -> NoReturn:
        markdown.unsupported(node, "ODT")


def _span_style(marks: tuple[str, ...]) -> str | None:
    if "code" in marks:
        return "Source_20_Text"
    if "strong" in marks and "em" in marks:
        return "Strong_20_Emphasis_20_Italic"
    if "strong" in marks:
        return "Strong_20_Emphasis"
    if "em" in marks:
        return "Emphasis"
    return None


# --------------------------------------------------------------------------- package


def _content_xml(office_text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_XMLNS} office:version="{ODF_VERSION}">'
        "<office:body>"
        f"{office_text}"
        "</office:body></office:document-content>"
    ).encode()


def _font(theme: Theme, role: str) -> str:
    return fonts.family(theme, role).name


def styles_xml(theme: Theme, meta: Meta, embedded: odt_fonts.Plan | None = None) -> bytes:
    """The named styles, list styles, page layout and master pages, from the theme; the
    font faces name the files of ``embedded`` in the package.

    Colours are validated ``#rrggbb`` tokens; font names are escaped."""
    colors = theme.colors
    body_font = quoteattr(_font(theme, "body"))
    heading_font = quoteattr(_font(theme, "heading"))
    mono = quoteattr(_font(theme, "mono"))
    language = meta.language_region.split("-")
    lang = f'fo:language="{language[0]}" fo:country="{language[1]}"'
    heading_sizes = {1: "16pt", 2: "13pt", 3: "11.5pt", 4: "10.5pt"}

    def paragraph_style(
        name: str,
        display: str,
        *,
        parent: str | None = "Standard",
        paragraph: str = "",
        text: str = "",
        extra: str = "",
    ) -> str:
        parent_attr = f' style:parent-style-name="{parent}"' if parent else ""
        out = (
            f'<style:style style:name="{name}" style:display-name="{display}" '
            f'style:family="paragraph"{parent_attr}{extra}>'
        )
        if paragraph:
            out += f"<style:paragraph-properties {paragraph}/>"
        if text:
            out += f"<style:text-properties {text}/>"
        return out + "</style:style>"

    def text_style(name: str, display: str, text: str) -> str:
        return (
            f'<style:style style:name="{name}" style:display-name="{display}" '
            f'style:family="text"><style:text-properties {text}/></style:style>'
        )

    styles = [
        paragraph_style(
            "Standard",
            "Standard",
            parent=None,
            paragraph=(
                'fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="135%" '
                'fo:orphans="2" fo:widows="2"'
            ),
            text=(
                f'style:font-name={body_font} fo:font-size="10.5pt" '
                f'fo:color="{colors["text"]}" {lang} fo:hyphenate="false"'
            ),
        ),
        paragraph_style("Text_20_body", "Text body", extra=' style:class="text"'),
        paragraph_style(
            "Title",
            "Title",
            paragraph=(
                'fo:margin-top="2.5cm" fo:margin-bottom="0.4cm" fo:padding-bottom="0.15cm" '
                f'fo:border-bottom="1pt solid {colors["brand"]}"'
            ),
            text=(
                f'style:font-name={heading_font} fo:font-size="28pt" fo:font-weight="bold" '
                f'fo:color="{colors["heading"]}"'
            ),
            extra=' style:class="chapter" style:master-page-name="Titelpagina"',
        ),
        paragraph_style(
            "Subtitle",
            "Subtitle",
            paragraph='fo:margin-bottom="0.2cm"',
            text=f'fo:font-size="12pt" fo:color="{colors["muted"]}"',
            extra=' style:class="chapter"',
        ),
        paragraph_style(
            "Heading",
            "Heading",
            paragraph=(
                'fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always" '
                'fo:keep-together="always"'
            ),
            text=(
                f'style:font-name={heading_font} fo:font-weight="bold" '
                f'fo:color="{colors["heading"]}" fo:hyphenate="false"'
            ),
            extra=' style:next-style-name="Text_20_body" style:class="text"',
        ),
    ]
    for level in range(1, 11):
        size = heading_sizes.get(level, "10.5pt")
        styles.append(
            paragraph_style(
                HEADING.format(level),
                f"Heading {level}",
                parent="Heading",
                text=f'fo:font-size="{size}"',
                extra=(
                    f' style:default-outline-level="{level}" style:list-style-name=""'
                    ' style:next-style-name="Text_20_body" style:class="text"'
                ),
            )
        )
    styles.append(
        paragraph_style(
            HEADING_NEW_PAGE,
            "Heading 1 New Page",
            parent=HEADING.format(1),
            paragraph='fo:break-before="page"',
            extra=(
                ' style:default-outline-level="1" style:list-style-name=""'
                ' style:next-style-name="Text_20_body" style:class="text"'
            ),
        )
    )
    styles += [
        paragraph_style("List", "List", parent="Text_20_body", extra=' style:class="list"'),
        paragraph_style(
            LIST_CONTENT,
            "List Contents",
            paragraph='fo:margin-bottom="0.1cm"',
            extra=' style:class="list"',
        ),
        paragraph_style(
            "Quotations",
            "Quotations",
            paragraph='fo:margin-left="1cm" fo:margin-right="1cm"',
            text='fo:font-style="italic"',
            extra=' style:class="html"',
        ),
        paragraph_style(
            "Preformatted_20_Text",
            "Preformatted Text",
            text=f'style:font-name={mono} fo:font-size="9pt" fo:hyphenate="false"',
            extra=' style:class="html"',
        ),
        paragraph_style(
            "Horizontal_20_Line",
            "Horizontal Line",
            paragraph=f'fo:border-bottom="0.5pt solid {colors["border"]}" fo:padding="0cm"',
            text='fo:font-size="6pt"',
            extra=' style:class="html"',
        ),
        paragraph_style(
            "Passage_20_Label",
            "Passage Label",
            paragraph=(
                f'fo:margin-left="0.3cm" fo:padding-left="0.25cm" '
                f'fo:border-left="2.5pt solid {colors["brand"]}" fo:keep-with-next="always" '
                'fo:margin-bottom="0cm" fo:margin-top="0.2cm"'
            ),
            text=f'fo:font-weight="bold" fo:color="{colors["heading"]}" fo:font-size="9.5pt"',
        ),
        paragraph_style(
            "Passage",
            "Passage",
            paragraph=(
                f'fo:margin-left="0.3cm" fo:padding-left="0.25cm" '
                f'fo:border-left="2.5pt solid {colors["brand"]}"'
            ),
        ),
        # An item's label block (its facts, one paragraph with a line each, and its lead):
        # with the heading before it, it never ends a page or breaks (the PDF's and Word's
        # keep rules for the same blocks).
        paragraph_style(
            "Facts",
            "Facts",
            parent="Text_20_body",
            paragraph='fo:keep-with-next="always" fo:keep-together="always"',
        ),
        paragraph_style(
            "Lead",
            "Lead",
            parent="Text_20_body",
            paragraph='fo:keep-with-next="always" fo:keep-together="always"',
        ),
        paragraph_style("Table_20_Contents", "Table Contents", extra=' style:class="extra"'),
        paragraph_style(
            "Contact",
            "Contact",
            paragraph=(
                f'fo:margin-bottom="0.3cm" fo:padding-left="0.3cm" '
                f'fo:border-left="1.5pt solid {colors["border"]}" fo:keep-together="always"'
            ),
            text='fo:hyphenate="false"',
        ),
        paragraph_style(
            "Table_20_Heading",
            "Table Heading",
            parent="Table_20_Contents",
            text='fo:font-weight="bold"',
            extra=' style:class="extra"',
        ),
        paragraph_style(
            "Contents_20_Heading",
            "Contents Heading",
            parent="Heading",
            paragraph='fo:break-before="page"',
            text='fo:font-size="16pt"',
            extra=' style:class="index"',
        ),
        (
            '<style:style style:name="Contents_20_1" style:display-name="Contents 1" '
            'style:family="paragraph" style:parent-style-name="Standard" style:class="index">'
            '<style:paragraph-properties fo:margin-bottom="0.15cm"><style:tab-stops>'
            '<style:tab-stop style:position="16.5cm" style:type="right" '
            'style:leader-style="dotted" style:leader-text="."/></style:tab-stops>'
            "</style:paragraph-properties></style:style>"
        ),
        paragraph_style(
            "Header", "Header", text=f'fo:font-size="9pt" fo:color="{colors["muted"]}"'
        ),
        paragraph_style(
            "Footer",
            "Footer",
            paragraph='fo:text-align="end"',
            text=f'fo:font-size="9pt" fo:color="{colors["muted"]}"',
        ),
        text_style("Strong_20_Emphasis", "Strong Emphasis", 'fo:font-weight="bold"'),
        text_style("Emphasis", "Emphasis", 'fo:font-style="italic"'),
        text_style(
            "Strong_20_Emphasis_20_Italic",
            "Strong Emphasis Italic",
            'fo:font-weight="bold" fo:font-style="italic"',
        ),
        text_style("Source_20_Text", "Source Text", f"style:font-name={mono}"),
        text_style(
            "Internet_20_link",
            "Internet link",
            f'fo:color="{colors["link"]}" style:text-underline-style="solid" '
            'style:text-underline-width="auto" style:text-underline-color="font-color"',
        ),
        text_style(
            "Visited_20_Internet_20_Link",
            "Visited Internet Link",
            f'fo:color="{colors["link-visited"]}" style:text-underline-style="solid" '
            'style:text-underline-width="auto" style:text-underline-color="font-color"',
        ),
        text_style("Index_20_Link", "Index Link", f'fo:color="{colors["text"]}"'),
        (
            '<style:style style:name="Tabel" style:display-name="Tabel" style:family="table">'
            '<style:table-properties style:width="16.5cm" table:align="margins"/></style:style>'
        ),
    ]
    list_styles = [_list_style("List_20_1", "List 1", ordered=False)]
    list_styles.append(_list_style("Numbering_20_123", "Numbering 123", ordered=True))
    default = (
        '<style:default-style style:family="paragraph">'
        f'<style:paragraph-properties style:tab-stop-distance="1.25cm"/>'
        f"<style:text-properties style:font-name={body_font} {lang}/>"
        "</style:default-style>"
        '<style:default-style style:family="table-cell">'
        '<style:table-cell-properties fo:padding="0.1cm" '
        f'fo:border="0.5pt solid {colors["border"]}"/></style:default-style>'
    )
    named = {fonts.family(theme, role) for role in ("body", "heading", "mono")}
    faces = "".join(
        f"<style:font-face style:name={quoteattr(f.name)} svg:font-family={quoteattr(f.name)} "
        f'style:font-family-generic="{f.generic}" '
        f'style:font-pitch="{"fixed" if f.fixed else "variable"}">'
        f"{(embedded or odt_fonts.Plan()).font_face_src(f.name)}</style:font-face>"
        for f in sorted(named, key=lambda f: f.name)
    )
    # The header shows the title field (dc:title), or the outline's shortened title when
    # the title is too long for a running header.
    if meta.running_title == meta.title:
        title = f"<text:title>{escape(meta.title)}</text:title>"
    else:
        title = escape(meta.running_title)
    page = (
        '<style:page-layout style:name="A4">'
        '<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" '
        'style:print-orientation="portrait" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" '
        'fo:margin-left="2.5cm" fo:margin-right="2cm"/>'
        '<style:header-style><style:header-footer-properties fo:min-height="0cm" '
        'fo:margin-bottom="0.6cm"/></style:header-style>'
        '<style:footer-style><style:header-footer-properties fo:min-height="0cm" '
        'fo:margin-top="0.6cm"/></style:footer-style>'
        "</style:page-layout>"
    )
    masters = (
        '<style:master-page style:name="Standard" style:page-layout-name="A4">'
        f'<style:header><text:p text:style-name="Header">{title}</text:p></style:header>'
        f'<style:footer><text:p text:style-name="Footer">{LABEL_PAGE} '
        f'<text:page-number text:select-page="current">1</text:page-number> {LABEL_OF} '
        "<text:page-count>1</text:page-count></text:p></style:footer>"
        "</style:master-page>"
        '<style:master-page style:name="Titelpagina" style:display-name="Titelpagina" '
        'style:page-layout-name="A4" style:next-style-name="Standard"/>'
    )
    outline = (
        '<text:outline-style style:name="Outline">'
        + "".join(
            f'<text:outline-level-style text:level="{level}" style:num-format=""/>'
            for level in range(1, 11)
        )
        + "</text:outline-style>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-styles {_XMLNS} office:version="{ODF_VERSION}">'
        f"<office:font-face-decls>{faces}</office:font-face-decls>"
        f"<office:styles>{default}{''.join(styles)}{''.join(list_styles)}{outline}"
        "</office:styles>"
        f"<office:automatic-styles>{page}</office:automatic-styles>"
        f"<office:master-styles>{masters}</office:master-styles>"
        "</office:document-styles>"
    ).encode()


def _list_style(name: str, display: str, *, ordered: bool) -> str:
    levels = []
    for level in range(1, 11):
        indent = f"{0.6 * level:.2f}cm"
        properties = (
            "<style:list-level-properties text:list-level-position-and-space-mode="
            '"label-alignment"><style:list-level-label-alignment text:label-followed-by='
            f'"listtab" text:list-tab-stop-position="{indent}" fo:text-indent="-0.6cm" '
            f'fo:margin-left="{indent}"/></style:list-level-properties>'
        )
        if ordered:
            levels.append(
                f'<text:list-level-style-number text:level="{level}" style:num-suffix="." '
                f'style:num-format="1">{properties}</text:list-level-style-number>'
            )
        else:
            bullet = "•◦▪"[(level - 1) % 3]
            levels.append(
                f'<text:list-level-style-bullet text:level="{level}" '
                f'text:bullet-char="{bullet}">{properties}</text:list-level-style-bullet>'
            )
    return (
        f'<text:list-style style:name="{name}" style:display-name="{display}">'
        f"{''.join(levels)}</text:list-style>"
    )


def meta_xml(meta: Meta) -> bytes:
    """``meta.xml``: from the content only (no clock, no editing statistics)."""
    parts = ["<meta:generator>pakketbuild</meta:generator>"]
    parts.append(f"<dc:title>{escape(meta.title)}</dc:title>")
    if meta.subject:
        parts.append(f"<dc:subject>{escape(meta.subject)}</dc:subject>")
    if meta.description:
        parts.append(f"<dc:description>{escape(meta.description)}</dc:description>")
    parts.extend(f"<meta:keyword>{escape(k)}</meta:keyword>" for k in meta.keywords)
    parts.append(f"<meta:initial-creator>{escape(meta.author)}</meta:initial-creator>")
    parts.append(f"<dc:creator>{escape(meta.author)}</dc:creator>")
    if meta.created:
        parts.append(
            f"<meta:creation-date>{meta.created.isoformat()}T00:00:00</meta:creation-date>"
        )
    if meta.modified:
        parts.append(f"<dc:date>{meta.modified.isoformat()}T00:00:00</dc:date>")
    parts.append(f"<dc:language>{escape(meta.language_region)}</dc:language>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-meta {_XMLNS} office:version="{ODF_VERSION}">'
        f"<office:meta>{''.join(parts)}</office:meta></office:document-meta>"
    ).encode()


def _manifest(parts: Mapping[str, str]) -> bytes:
    entries = [
        f'<manifest:file-entry manifest:full-path="/" manifest:version="{ODF_VERSION}" '
        f'manifest:media-type="{ODT_MEDIA_TYPE}"/>'
    ]
    entries += [
        f"<manifest:file-entry manifest:full-path={quoteattr(path)} "
        f"manifest:media-type={quoteattr(media_type)}/>"
        for path, media_type in parts.items()
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest:manifest xmlns:manifest="{NS["manifest"]}" manifest:version="{ODF_VERSION}">'
        f"{''.join(entries)}</manifest:manifest>"
    ).encode()


def package(
    *,
    content: bytes,
    styles: bytes,
    meta: bytes,
    files: Mapping[str, tuple[bytes, str]] | None = None,
) -> bytes:
    """The ODF package: ``mimetype`` first and stored (ODF 1.3 part 2, 3.3), then the XML
    parts and the manifest, then ``files`` (path → bytes and media type: the cover's
    image in ``Pictures/``, the embedded fonts in ``Fonts/``) by name, every entry with a
    fixed date and attributes."""
    parts = {"content.xml": content, "styles.xml": styles, "meta.xml": meta}
    extra = dict(sorted((files or {}).items()))
    types = {name: "text/xml" for name in parts} | {n: t for n, (_, t) in extra.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("mimetype", date_time=ZIP_DATE_TIME)
        info.compress_type = zipfile.ZIP_STORED
        info.create_system = 0
        info.external_attr = 0
        archive.writestr(info, ODT_MEDIA_TYPE.encode())
        manifest = ("META-INF/manifest.xml", _manifest(types))
        extra_parts = [(name, data) for name, (data, _) in extra.items()]
        for name, data in [*parts.items(), manifest, *extra_parts]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=6)
    return out.getvalue()
