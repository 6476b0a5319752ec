"""DOCX writer: one Word document per pakket and per item (python-docx).

Design (see ``docs/documents.md``):

* Styles only, no direct formatting: every paragraph and run names a built-in Word style
  (Title, Heading 1-3, List Number, List Bullet, Strong, Hyperlink …), so staff restyle a
  document with Word's style gallery, or the build applies a house style through a
  reference template (``--docx-template`` / ``docx_template`` in ``site.yaml``) whose
  styles, page set-up and numbering definitions are used. The theme's colours, fonts and
  logo go into the styles and the cover through :mod:`pakketbuild.writers.docx_style`.
* Real Word structures: a TOC field whose stored result is what Word itself writes
  (each entry a hyperlink, a tab with dots and a PAGEREF field holding the page number
  LibreOffice measured, :mod:`pakketbuild.writers.office_pages`; titles only where
  LibreOffice is not installed), no ``w:updateFields``, ``w:hyperlink`` elements, each
  numbered list its own ``w:num`` restarting at 1, a contacts table with a header row,
  PAGE/NUMPAGES fields in the footer.
* Metadata from the content only: title, subject, author, language ``nl-NL`` (core
  properties and the document defaults); created/modified from content dates and left
  out when the content has none. python-docx's template leftovers (description, thumbnail,
  app properties, bibliography part) are removed.
* Byte-identical output: the package is re-zipped with fixed entry times and order.

Beside it: Markdown → Word (``docx_markdown.py``), the theme's styles (``docx_style.py``)
and the package parts around the text: language, properties, settings, leftovers and the
deterministic zip (``docx_package.py``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pakketbuild.diagnostics import PakketbuildError, UsageError
from pakketbuild.i18n import _
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Job, outline, resolve
from pakketbuild.writers.documents import DocumentWriter, subject_of
from pakketbuild.writers.docx_package import (
    deterministic_zip,
    drop_leftovers,
    embed_fonts,
    set_core_properties,
    set_language,
    tidy_settings,
)
from pakketbuild.writers.docx_style import apply_theme, code_styles, cover_logo, house_template
from pakketbuild.writers.docx_style import qn as _qn

if TYPE_CHECKING:
    from pakketbuild.loader import Content

_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TOC_INSTRUCTION = 'TOC \\o "1-1" \\h \\z \\u'
"""Level 1 only: the same entries as the PDF's contents page (intro and items), also after
a reader updates the field; the sections of an item (Contact, Documenten …) stay out."""


class DocxWriter(DocumentWriter):
    """``downloads/<pakket-id>.docx`` and ``downloads/items/<item-id>.docx``."""

    name = "docx"

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)
        return render_docx(pub, subject_of(pub, job), ctx.input_of(self.name))

    def read_input(self, content: Content, option: Path | None) -> bytes | None:
        """The reference template: ``--docx-template`` (a file anywhere, chosen by whoever
        runs the build), else ``docx_template`` of site.yaml, read by the loader like
        every content file (:func:`pakketbuild.loader.docx_template`)."""
        from pakketbuild.loader import docx_template

        if option is not None:
            if not option.is_file():
                raise UsageError(_(self.format.option_missing).format(path=option))
            return option.read_bytes()
        return docx_template(content)


class TemplateError(PakketbuildError):
    """The reference Word template cannot be used."""


def render_docx(pub: Publication, subject: PubPakket | PubItem, template: bytes | None) -> bytes:
    """The DOCX bytes for a pakket or an item, styled by ``template`` when given."""
    from pakketbuild.writers.docx_markdown import DocxState

    document = open_document(template)
    state = DocxState(document)
    doc = outline.document(pub, subject)
    meta = doc.meta
    builder = _Builder(pub, state)
    if template is None:
        _a4(document)
        house_template(document, pub.theme)
    apply_theme(document, pub.theme, template=template is not None)
    builder.render(doc)
    builder.header_footer(meta.running_title)
    set_language(document, meta.language_region)
    set_core_properties(document, meta)
    tidy_settings(document, meta.language_region, update_fields=False)
    drop_leftovers(document, default_template=template is None)
    code_styles(document, pub.theme, template=template is not None)
    embed_fonts(document, pub.theme)
    data = _save(document)
    entries = contents_entries(state)
    if entries:  # LibreOffice lays the document out; its pages go into the entries
        from pakketbuild.writers.office_pages import contents_pages

        pages = contents_pages(data, "docx", [title for title, _link, _anchor in entries])
        if pages is not None:
            number_contents(state, entries, pages)
            data = _save(document)
    return data


def _save(document: Any) -> bytes:
    raw = io.BytesIO()
    document.save(raw)
    return deterministic_zip(raw.getvalue())


# --------------------------------------------------------------------------- template


def open_document(template: bytes | None) -> Any:
    """A python-docx document: the default template, or ``template`` with its body
    cleared (its styles, numbering, page set-up and theme stay)."""
    import docx

    if template is None:
        return docx.Document()
    try:
        document = docx.Document(io.BytesIO(_as_document_package(template)))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise TemplateError(
            "the Word template (--docx-template, or docx_template in site.yaml) is not a "
            f"usable .docx or .dotx file ({exc}); save it again from Word as "
            "'Word-document (.docx)'"
        ) from None
    body = document.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    return document


def _as_document_package(data: bytes) -> bytes:
    """A .dotx announces a template main part; python-docx opens only documents, so the
    content type is changed in memory (the file on disk is untouched)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        types = source.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError):
        return data
    if _TEMPLATE_MAIN.encode() not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(_TEMPLATE_MAIN.encode(), _DOCUMENT_MAIN.encode())
            target.writestr(info, content)
    return out.getvalue()


def _a4(document: Any) -> None:
    from docx.shared import Mm

    for section in document.sections:
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.top_margin = Mm(25)
        section.bottom_margin = Mm(25)
        section.left_margin = Mm(25)
        section.right_margin = Mm(20)
        section.header_distance = Mm(12.5)
        section.footer_distance = Mm(12.5)


# --------------------------------------------------------------------------- content


class _Builder:
    """Renders an outline into the Word document: one ``visit_<kind>`` per block kind
    (:func:`outline.dispatch`). A section of level 1 is the document's Title, level ``n``
    is "Heading ``n - 1``" (the outline counts levels like HTML)."""

    def __init__(self, pub: Publication, state: Any) -> None:
        from pakketbuild.writers.docx_markdown import MarkdownRenderer

        self.pub = pub
        self.state = state
        self.document = state.document
        self.md = MarkdownRenderer(state)

    def render(self, doc: outline.Outline) -> None:
        outline.translate(self, doc, self.pub, self.md)

    # -- rules ------------------------------------------------------------------------------

    def visit_cover(self, cover: outline.Cover) -> None:
        """The logo, the Title, its lines; the contents start on the next page."""
        from docx.enum.text import WD_BREAK

        cover_logo(self.document, self.pub.theme)
        self.document.add_paragraph(cover.title, style="Title")
        last = None
        for line in cover.lines:
            last = self._subtitle(line.text)
        if last is not None:
            last.add_run().add_break(WD_BREAK.PAGE)

    def visit_contents(self, contents: outline.Contents) -> None:
        from pakketbuild.writers.docx_markdown import bookmark_name

        self._toc(
            contents.title,
            [(e.text, bookmark_name(e.target.anchor)) for e in contents.entries if e.target and
             e.target.anchor],
        )  # fmt: skip

    def visit_section(self, section: outline.Section) -> None:
        from pakketbuild.writers.docx_markdown import bookmark_name

        if section.new_page:
            self._page_break()
        style = "Title" if section.level == 1 else f"Heading {section.level - 1}"
        heading = self.document.add_paragraph(section.heading, style=style)
        if section.anchor:
            self.state.bookmark(heading, bookmark_name(section.anchor))
        for line in section.subtitles:
            self._subtitle(line)
        for block in section.blocks:
            outline.dispatch(self, block)

    def visit_facts(self, facts: outline.Facts) -> None:
        """One paragraph (style Facts), a line per fact, as in the PDF: LibreOffice does
        not follow a chain of keep-with-next paragraphs reliably (a chain of one paragraph
        per fact broke after its first), one paragraph it keeps whole."""
        from docx.enum.text import WD_BREAK

        paragraph = self.document.add_paragraph(style="Facts")
        for index, fact in enumerate(facts.facts):
            if index:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            paragraph.add_run(f"{fact.label}: ", style="Strong")
            paragraph.add_run(fact.text)

    def visit_lead(self, lead: outline.Lead) -> None:
        self.document.add_paragraph(lead.text, style="Lead")

    def visit_body(self, body: outline.Body) -> None:
        self.md.render(
            body.text, self.document, heading_offset=body.level - 1, anchor_prefix=body.id_prefix
        )

    def visit_steps(self, steps: outline.Steps) -> None:
        from pakketbuild.writers.docx_markdown import set_numbering

        num_id = self.state.lists.new_list(True, 1)
        for step in steps.entries:
            paragraph = self.document.add_paragraph(style="List Number")
            if num_id is not None:
                set_numbering(paragraph, num_id)
            paragraph.add_run(step.title, style="Strong")
            if step.text:
                self.md.render_in_list_item(
                    step.text,
                    self.document,
                    level=1,
                    heading_offset=steps.level - 1,
                    anchor_prefix=step.id_prefix,
                )

    def visit_contacts(self, contacts: outline.Contacts) -> None:
        """One paragraph per contact (style Contact, never split over two pages): the name
        in Strong, then a line per way to reach it ("Telefoon: 070-…" with a link; a phone
        number never breaks over two lines)."""
        from docx.oxml import OxmlElement

        from pakketbuild.markdown import UNBREAKABLE_SCHEMES
        from pakketbuild.writers.docx_markdown import add_hyperlink, add_run, add_unbreakable_run

        strong = self.state.style("Strong")
        hyperlink = self.state.style("Hyperlink")
        for card in contacts.cards:
            paragraph = self.document.add_paragraph(style="Contact")
            add_run(paragraph._p, card.name, strong)
            for line in card.lines:
                add_run(paragraph._p, "", None).append(OxmlElement("w:br"))
                add_run(paragraph._p, f"{line.label}: ", None)
                if line.href:
                    link = add_hyperlink(paragraph, url=line.href)
                    whole = line.href.startswith(UNBREAKABLE_SCHEMES)
                    (add_unbreakable_run if whole else add_run)(link, line.text, hyperlink)
                else:
                    add_run(paragraph._p, line.text, None)

    def visit_links(self, links: outline.Links) -> None:
        from pakketbuild.writers.docx_markdown import add_hyperlink, add_run, bookmark_name

        for entry in links.links:
            paragraph = self.document.add_paragraph(style="List Bullet")
            target = outline.document_href(self.pub, entry.target)
            if target is not None and target.startswith("#"):
                link = add_hyperlink(paragraph, anchor=bookmark_name(target[1:]))
                add_run(link, entry.text, self.state.style("Hyperlink"))
            elif target is not None:
                link = add_hyperlink(paragraph, url=target)
                add_run(link, entry.text, self.state.style("Hyperlink"))
            else:
                paragraph.add_run(entry.text)
            if entry.note:
                paragraph.add_run(f" {entry.note}")

    def visit_colophon(self, colophon: outline.Colophon) -> None:
        """One Normal paragraph per line (the label in Strong, the web address a link),
        then the QR code as a picture with its text alternative."""
        from docx.shared import Mm

        from pakketbuild.writers import qr
        from pakketbuild.writers.docx_markdown import add_hyperlink, add_run

        strong = self.state.style("Strong")
        hyperlink = self.state.style("Hyperlink")
        for line in colophon.lines:
            paragraph = self.document.add_paragraph(style="Normal")
            add_run(paragraph._p, f"{line.label}: ", strong)
            if line.href:
                add_run(add_hyperlink(paragraph, url=line.href), line.text, hyperlink)
            else:
                add_run(paragraph._p, line.text, None)
        if colophon.qr_code is not None:
            code = colophon.qr_code
            shape = self.document.add_picture(io.BytesIO(qr.png(code.url)), width=Mm(qr.SIZE_MM))
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", code.alt)
            doc_pr.set("title", code.alt)

    # -- pieces -----------------------------------------------------------------------------

    def _page_break(self) -> None:
        """What follows starts a page: a page break at the end of the last paragraph (a
        paragraph of its own after a table), not a pageBreakBefore on the heading, which
        would be direct formatting."""
        from docx.enum.text import WD_BREAK
        from docx.text.paragraph import Paragraph

        body = self.document.element.body
        last = next((e for e in reversed(body) if e.tag != _qn("w:sectPr")), None)
        if last is not None and last.tag == _qn("w:p"):
            Paragraph(last, self.document._body).add_run().add_break(WD_BREAK.PAGE)
        else:
            self.document.add_paragraph(style="Normal").add_run().add_break(WD_BREAK.PAGE)

    def _subtitle(self, text: str) -> Any:
        return self.document.add_paragraph(text, style="Subtitle")

    def _toc(self, title: str, entries: list[tuple[str, str]]) -> None:
        """A TOC field whose stored result holds the entries, each a link to its heading;
        :func:`number_contents` adds the page numbers once they are measured (Word opens
        without asking to update fields: there is no ``w:updateFields``)."""
        from docx.enum.text import WD_BREAK

        from pakketbuild.writers.docx_markdown import (
            add_field_end,
            add_field_start,
            add_hyperlink,
            add_run,
        )

        self.document.add_paragraph(title, style="TOC Heading")
        hyperlink = self.state.style("Hyperlink")
        last = None
        for index, (text, anchor) in enumerate(entries):
            paragraph = self.document.add_paragraph(style="toc 1")
            if index == 0:
                add_field_start(paragraph._p, TOC_INSTRUCTION)
            add_run(add_hyperlink(paragraph, anchor=anchor), text, hyperlink)
            last = paragraph
        if last is None:  # pragma: no cover - a pakket has at least one item
            return
        add_field_end(last._p)
        last.add_run().add_break(WD_BREAK.PAGE)

    def header_footer(self, title: str) -> None:
        """Running header with the title (as the outline shortens it for a running header),
        footer "pagina X van Y" (PAGE/NUMPAGES)."""
        from pakketbuild.writers.docx_markdown import add_field

        for section in self.document.sections:
            # the title page carries no running header or footer (its own, empty ones)
            section.different_first_page_header_footer = True
            for story in (section.first_page_header, section.first_page_footer):
                story.is_linked_to_previous = False
                _clear(story)
            header = section.header
            header.is_linked_to_previous = False
            _clear(header)
            header.paragraphs[0].style = self.document.styles["Header"]
            header.paragraphs[0].add_run(title)
            footer = section.footer
            footer.is_linked_to_previous = False
            _clear(footer)
            paragraph = footer.paragraphs[0]
            paragraph.style = self.document.styles["Footer"]
            paragraph.add_run(f"{outline.LABEL_PAGE} ")
            add_field(paragraph, "PAGE", "1")
            paragraph.add_run(f" {outline.LABEL_OF} ")
            add_field(paragraph, "NUMPAGES", "1")


def contents_entries(state: Any) -> list[tuple[str, Any, str]]:
    """The entries :meth:`_Builder._toc` wrote (none in an item's document): the title,
    its ``w:hyperlink`` and the bookmark of its heading, in order."""
    style = state.style("toc 1")
    body = state.document.element.body
    links = body.xpath(f'./w:p[w:pPr/w:pStyle/@w:val="{style}"]/w:hyperlink')
    return [
        ("".join(link.xpath("./w:r/w:t/text()")), link, str(link.get(_qn("w:anchor"))))
        for link in links
    ]


def number_contents(state: Any, entries: list[tuple[str, Any, str]], pages: list[str]) -> None:
    """Each contents entry as Word writes it: in its hyperlink the title, a tab (the
    "toc 1" style's right-aligned tab stop with dots) and a ``PAGEREF <bookmark> \\h``
    field whose stored result is the page number; ``pages`` in entry order."""
    from docx.oxml import OxmlElement

    from pakketbuild.writers.docx_markdown import add_field_end, add_field_start, add_run

    _toc_tab_stop(state.document)
    for (_title, link, anchor), page in zip(entries, pages, strict=True):
        add_run(link, "", None).append(OxmlElement("w:tab"))
        add_field_start(link, f"PAGEREF {anchor} \\h")
        add_run(link, page, None)
        add_field_end(link)


def _toc_tab_stop(document: Any) -> None:
    """A right-aligned tab stop with dots at the right margin in the "toc 1" style (a
    style, not the paragraphs: no direct formatting), unless the template's style has a
    right-aligned one."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Emu, Mm

    stops = document.styles["toc 1"].paragraph_format.tab_stops
    if any(stop.alignment == WD_TAB_ALIGNMENT.RIGHT for stop in stops):
        return
    section = document.sections[-1]
    sizes = (section.page_width, section.left_margin, section.right_margin)
    width = sizes[0] - sizes[1] - sizes[2] if None not in sizes else Mm(160)
    stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _clear(story: Any) -> None:
    """Empty a header or footer down to one empty paragraph without direct formatting."""
    element = story._element
    for child in list(element):
        element.remove(child)
    story.add_paragraph()
