"""PDF writer: one tagged PDF/UA-1 document per pakket and per item (WeasyPrint).

The document is HTML built from the publication model with the Jinja2 templates in
``templates/pdf/`` and the stylesheet ``assets/pdf/document.css``; it never reads the
HTML export. WeasyPrint renders it with

* a confined fetcher (:mod:`pakketbuild.writers.fetcher`): package assets and content
  files only;
* an empty fontconfig configuration, so only the bundled fonts (``assets/fonts/``,
  loaded with ``@font-face``) can be used, never the machine's fonts;
* ``pdf/a-2a``: tagged, ``/Lang``, title shown as window title, sRGB output intent, every
  font embedded, and PDF/UA-1's identification merged into the one XMP packet (see
  :func:`merge_pdfua_identification`), so each file declares PDF/A-2a *and* PDF/UA-1;
* a finisher that repairs three gaps in WeasyPrint 70's tagging (see :func:`finish_pdfua`)
  and gives every link annotation a description in Dutch instead of the internal id or
  ``tel:`` address WeasyPrint writes (:func:`link_descriptions`,
  :func:`~pakketbuild.writers.pdf_layout.describe_links`);
* metadata dates from the content only and ``SOURCE_DATE_EPOCH`` set, so two renders of
  the same content give the same bytes.

This module makes the HTML (:meth:`PdfWriter.prepare`); laying it out and writing the
PDF is :mod:`pakketbuild.writers.pdf_layout`, which imports no content model, so that a
worker started before the content is loaded can do it. weasyprint is imported in
functions only, never at import time of the package, so commands that do not build PDFs
stay fast.
"""

from __future__ import annotations

from functools import lru_cache, partial
from html import unescape
from html.parser import HTMLParser

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pakketbuild.confine import content_url
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Job, outline, qr, resolve
from pakketbuild.writers.documents import DocumentWriter, source_file, subject_of
from pakketbuild.writers.pdf_layout import (
    ASSETS,
    DEFAULT_SOURCE_DATE_EPOCH,
    FONTS_CONF,
    LAYOUT,
    PDF_VARIANT,
    Prepared,
    finish_document,
    finish_pdfua,
    html_to_pdf,
    laid_out,
    merge_pdfua_identification,
)
from pakketbuild.writers.pdf_style import pdf_css

__all__ = [  # the layout half lives in pdf_layout; its names stay importable from here
    "ASSETS",
    "DEFAULT_SOURCE_DATE_EPOCH",
    "FONTS_CONF",
    "PDF_VARIANT",
    "PdfWriter",
    "Prepared",
    "document_html",
    "finish_document",
    "finish_pdfua",
    "html_to_pdf",
    "laid_out",
    "merge_pdfua_identification",
]


class PdfWriter(DocumentWriter):
    """``downloads/<pakket-id>.pdf`` and ``downloads/items/<item-id>.pdf``."""

    name = "pdf"

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        return LAYOUT.render_prepared(self.prepare(pub, ctx, job))

    def prepare(self, pub: Publication, ctx: BuildContext, job: Job) -> Prepared:
        pub, job = resolve(pub, job)
        html = document_html(pub, subject_of(pub, job))
        return Prepared(
            html=html,
            theme_css=pdf_css(pub.theme),
            content_root=pub.content_root,
            source=source_file(pub, job.subject),
            links=link_descriptions(html),
        )


# --------------------------------------------------------------------------- HTML


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("pakketbuild", "templates/pdf"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def document_html(pub: Publication, subject: PubPakket | PubItem) -> str:
    """The HTML WeasyPrint lays out for a pakket or an item: its outline
    (:func:`outline.document`) rendered by the rules of ``templates/pdf/_blocks.html``."""
    doc = outline.document(pub, subject)
    logo = pub.theme.logo
    template = "pakket.html" if doc.kind == "pakket" else "item.html"
    return (
        _environment()
        .get_template(template)
        .render(
            doc=doc,
            meta=doc.meta,
            href=(href := partial(outline.document_href, pub)),
            body_html=partial(outline.body_markup, references=doc.references, href=href),
            # Generated from validated tokens only (hex colours, plain names, file URLs).
            theme_css=Markup(pdf_css(pub.theme)),
            qr_src=qr.svg_data_uri,
            logo={"src": content_url(logo.path, pub.content_root), "alt": logo.alt}
            if logo
            else None,
        )
    )


# --------------------------------------------------------------------------- links


class _Links(HTMLParser):
    """The links of a document's HTML (address, visible text) and its headings' texts by
    id, read from the HTML the templates made."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, list[str]]] = []
        self.headings: dict[str, list[str]] = {}
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append((values["href"] or "", []))
            self._open.append(self.links[-1][1])
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and values.get("id"):
            self.headings[values["id"] or ""] = []
            self._open.append(self.headings[values["id"] or ""])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "h1", "h2", "h3", "h4", "h5", "h6") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for texts in self._open:
            texts.append(data)


def link_descriptions(html: str) -> tuple[tuple[str, str], ...]:
    """What every link of a document's HTML says to a screen reader: (the anchor of a
    link inside the document, or the address of any other link; its description in
    Dutch, :func:`outline.link_description`). A link inside the document is described by
    the heading it leads to, any other by its visible text; the first description of an
    address wins (two links to the same place lead to the same place)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    headings = {anchor: "".join(parts) for anchor, parts in parser.headings.items()}
    found: dict[str, str] = {}
    for href, parts in parser.links:
        address = unescape(href)
        text = "".join(parts)
        key = address[1:] if address.startswith("#") else address
        if address.startswith("#"):
            text = headings.get(key) or text
        found.setdefault(key, outline.link_description(address, text))
    return tuple(found.items())
