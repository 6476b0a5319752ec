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

from pakketbuild import anchors
from pakketbuild.diagnostics import PakketbuildError, UsageError
from pakketbuild.i18n import _
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Job, resolve
from pakketbuild.writers.documents import (
    LABEL_AUDIENCES,
    LABEL_CONTACT,
    LABEL_CONTENTS,
    LABEL_DOCUMENTS,
    LABEL_EDITION,
    LABEL_INTRO,
    LABEL_KIND,
    LABEL_OF,
    LABEL_PAGE,
    LABEL_PART_OF,
    LABEL_PROVIDERS,
    LABEL_PUBLISHER,
    LABEL_RELATED,
    LABEL_STEPS,
    DocumentWriter,
    contact_lines,
    document_kind,
    meta_for,
    pakketten_of,
    related_target,
    subject_of,
)
from pakketbuild.writers.docx_package import (
    deterministic_zip,
    drop_leftovers,
    set_core_properties,
    set_language,
    tidy_settings,
)
from pakketbuild.writers.docx_style import apply_theme, cover_logo, house_template
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
        runs the build), else ``docx_template`` of site.yaml (like a document, a regular
        file inside the content folder; a link that leads out is refused)."""
        if option is not None:
            if not option.is_file():
                raise UsageError(
                    _("--docx-template {path}: there is no such file").format(path=option)
                )
            return option.read_bytes()
        return _site_template(content)


def _site_template(content: Content) -> bytes | None:
    from pakketbuild.confine import Confined, Refusal, Refused, confine
    from pakketbuild.diagnostics import ContentError, Diagnostic, Severity
    from pakketbuild.loader import MAX_DOCUMENT_FILE

    value = content.site.docx_template
    if value is None:
        return None
    source = content.sources.get("site")
    mark = source.at(("docx_template",)) if source is not None else None
    found = confine(content.root / value, content.root.resolve())
    refused = found.reason if isinstance(found, Refused) else None
    problem: tuple[str, str] | None = None
    if refused in (Refusal.MISSING, Refusal.DANGLING):
        problem = ("missing-file", _("the Word template '{value}' does not exist in the "
                   "content folder; add it or fix the path").format(value=value))  # fmt: skip
    elif refused is Refusal.OUTSIDE:
        problem = ("path-outside-content", _("the Word template '{value}' leads outside the "
                   "content folder (a link?); copy the file into the content folder").format(
                       value=value))  # fmt: skip
    elif not isinstance(found, Confined):
        problem = ("not-a-file", _("'{value}' is not a regular file").format(value=value))
    elif found.st_size > MAX_DOCUMENT_FILE:
        problem = (
            "file-too-large",
            _("'{value}' is larger than {limit} bytes").format(
                value=value, limit=f"{MAX_DOCUMENT_FILE:,}"
            ),
        )
    if problem is not None:
        raise ContentError(
            [
                Diagnostic(
                    source.display if source is not None else "site.yaml",
                    mark.line if mark is not None else 1,
                    mark.col if mark is not None else 1,
                    Severity.ERROR,
                    problem[0],
                    problem[1],
                    "docx_template",
                )
            ]
        )
    assert isinstance(found, Confined)
    return found.path.read_bytes()


class TemplateError(PakketbuildError):
    """The reference Word template cannot be used."""


def render_docx(pub: Publication, subject: PubPakket | PubItem, template: bytes | None) -> bytes:
    """The DOCX bytes for a pakket or an item, styled by ``template`` when given."""
    from pakketbuild.writers.docx_markdown import DocxState

    document = open_document(template)
    state = DocxState(document)
    meta = meta_for(pub, subject)
    builder = _Builder(pub, state)
    if template is None:
        _a4(document)
        house_template(document, pub.theme)
    apply_theme(document, pub.theme, template=template is not None)
    if isinstance(subject, PubPakket):
        builder.pakket(subject)
    else:
        builder.item(subject)
    builder.header_footer(meta.title)
    set_language(document, meta.language_region)
    set_core_properties(document, meta)
    tidy_settings(document, meta.language_region, update_fields=False)
    drop_leftovers(document, default_template=template is None)
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
    def __init__(self, pub: Publication, state: Any) -> None:
        from pakketbuild.writers.docx_markdown import MarkdownRenderer

        self.pub = pub
        self.state = state
        self.document = state.document
        self.md = MarkdownRenderer(state)

    # -- whole documents --------------------------------------------------------------------

    def pakket(self, pakket: PubPakket) -> None:
        from pakketbuild.writers.docx_markdown import bookmark_name

        cover_logo(self.document, self.pub.theme)
        self.document.add_paragraph(pakket.title, style="Title")
        if pakket.audiences:
            self._subtitle(f"{LABEL_AUDIENCES} {pakket.audiences_text}")
        if pakket.edition_label:
            self._subtitle(f"{LABEL_EDITION}: {pakket.edition_label}")
        self._subtitle(f"{LABEL_PUBLISHER} {pakket.publisher.name}")

        entries: list[tuple[str, str]] = []
        if pakket.has_intro:
            entries.append((LABEL_INTRO, bookmark_name(anchors.INTRO_HEADING)))
        entries.extend(
            (item.title, bookmark_name(anchors.item_heading(item.id))) for item in pakket.items
        )
        self._toc(entries)

        if pakket.has_intro:
            heading = self.document.add_paragraph(LABEL_INTRO, style="Heading 1")
            self.state.bookmark(heading, bookmark_name(anchors.INTRO_HEADING))
            self.md.render(
                pakket.intro, self.document, heading_offset=1, anchor_prefix=anchors.INTRO
            )
        local = {item.id for item in pakket.items}
        for item in pakket.items:
            heading = self.document.add_paragraph(item.title, style="Heading 1")
            self.state.bookmark(heading, bookmark_name(anchors.item_heading(item.id)))
            self._item_parts(item, level=2, local=local)

    def item(self, item: PubItem) -> None:
        self.document.add_paragraph(item.title, style="Title")
        pakketten = pakketten_of(self.pub, item)
        if pakketten:
            self._subtitle(f"{LABEL_PART_OF}: {', '.join(p.title for p in pakketten)}")
        self._item_parts(item, level=1, local=set())

    # -- pieces -----------------------------------------------------------------------------

    def _subtitle(self, text: str) -> None:
        self.document.add_paragraph(text, style="Subtitle")

    def _labelled(self, label: str, value: str) -> None:
        paragraph = self.document.add_paragraph(style="Normal")
        paragraph.add_run(f"{label}: ", style="Strong")
        paragraph.add_run(value)

    def _heading(self, text: str, level: int) -> None:
        self.document.add_paragraph(text, style=f"Heading {level}")

    def _item_parts(self, item: PubItem, *, level: int, local: set[str]) -> None:
        """Everything of an item below its title; section headings at ``level``."""
        from pakketbuild.writers.docx_markdown import (
            add_hyperlink,
            add_run,
            bookmark_name,
            set_numbering,
        )

        self._labelled(LABEL_KIND, item.kind_label)
        self._labelled(LABEL_AUDIENCES, item.audiences_text)
        if item.providers:
            self._labelled(LABEL_PROVIDERS, item.providers_text)
        self.document.add_paragraph(item.summary, style="Normal")
        prefix = item.anchor_prefix
        self.md.render(item.body, self.document, heading_offset=level - 1, anchor_prefix=prefix)

        if item.steps:
            self._heading(LABEL_STEPS, level)
            num_id = self.state.lists.new_list(True, 1)
            for step in item.steps:
                paragraph = self.document.add_paragraph(style="List Number")
                if num_id is not None:
                    set_numbering(paragraph, num_id)
                paragraph.add_run(step.title, style="Strong")
                if step.text:
                    self.md.render_in_list_item(
                        step.text,
                        self.document,
                        level=1,
                        heading_offset=level,
                        anchor_prefix=step.anchor_prefix(prefix),
                    )

        if item.contacts:
            self._heading(LABEL_CONTACT, level)
            self._contacts(item)

        if item.documents:
            self._heading(LABEL_DOCUMENTS, level)
            for doc in item.documents:
                paragraph = self.document.add_paragraph(style="List Bullet")
                if doc.url:
                    link = add_hyperlink(paragraph, url=doc.url)
                    add_run(link, doc.title, self.state.style("Hyperlink"))
                else:
                    paragraph.add_run(doc.title)
                kind = document_kind(doc.media_type)
                if kind:
                    paragraph.add_run(f" ({kind})")

        if item.related:
            self._heading(LABEL_RELATED, level)
            for rel in item.related:
                paragraph = self.document.add_paragraph(style="List Bullet")
                target = related_target(self.pub, rel, local)
                if target is not None and target.startswith("#"):
                    link = add_hyperlink(paragraph, anchor=bookmark_name(target[1:]))
                    add_run(link, rel.title, self.state.style("Hyperlink"))
                elif target is not None:
                    link = add_hyperlink(paragraph, url=target)
                    add_run(link, rel.title, self.state.style("Hyperlink"))
                else:
                    paragraph.add_run(rel.title)

    def _contacts(self, item: PubItem) -> None:
        """One paragraph per contact: the name in Strong, then a line per way to reach it
        ("Telefoon: 070-…" with a link), see :func:`documents.contact_lines`."""
        from docx.oxml import OxmlElement

        from pakketbuild.writers.docx_markdown import add_hyperlink, add_run

        strong = self.state.style("Strong")
        hyperlink = self.state.style("Hyperlink")
        for contact in item.contacts:
            paragraph = self.document.add_paragraph(style="Normal")
            add_run(paragraph._p, contact.label, strong)
            for label, text, target in contact_lines(contact):
                add_run(paragraph._p, "", None).append(OxmlElement("w:br"))
                add_run(paragraph._p, f"{label}: ", None)
                if target:
                    add_run(add_hyperlink(paragraph, url=target), text, hyperlink)
                else:
                    add_run(paragraph._p, text, None)

    def _toc(self, entries: list[tuple[str, str]]) -> None:
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

        self.document.add_paragraph(LABEL_CONTENTS, style="TOC Heading")
        hyperlink = self.state.style("Hyperlink")
        last = None
        for index, (title, anchor) in enumerate(entries):
            paragraph = self.document.add_paragraph(style="toc 1")
            if index == 0:
                add_field_start(paragraph._p, TOC_INSTRUCTION)
            add_run(add_hyperlink(paragraph, anchor=anchor), title, hyperlink)
            last = paragraph
        if last is None:  # pragma: no cover - a pakket has at least one item
            return
        add_field_end(last._p)
        last.add_run().add_break(WD_BREAK.PAGE)

    def header_footer(self, title: str) -> None:
        """Running header with the title, footer "pagina X van Y" (PAGE/NUMPAGES)."""
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
            paragraph.add_run(f"{LABEL_PAGE} ")
            add_field(paragraph, "PAGE", "1")
            paragraph.add_run(f" {LABEL_OF} ")
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
