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
* a finisher that repairs three gaps in WeasyPrint 70's tagging (see :func:`finish_pdfua`);
* metadata dates from the content only and ``SOURCE_DATE_EPOCH`` set, so two renders of
  the same content give the same bytes.

This module makes the HTML (:meth:`PdfWriter.prepare`); laying it out and writing the
PDF is :mod:`pakketbuild.writers.pdf_layout`, which imports no content model, so that a
worker started before the content is loaded can do it. weasyprint is imported in
functions only, never at import time of the package, so commands that do not build PDFs
stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pakketbuild import anchors
from pakketbuild.confine import content_url
from pakketbuild.mediatypes import short_name
from pakketbuild.publication import ItemFacts, PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Job, resolve
from pakketbuild.writers.documents import (
    CONTACT_HEADERS,
    LABEL_AUDIENCES,
    LABEL_CONTACT,
    LABEL_CONTENTS,
    LABEL_DOCUMENTS,
    LABEL_EDITION,
    LABEL_INTRO,
    LABEL_KIND,
    LABEL_PART_OF,
    LABEL_PROVIDERS,
    LABEL_PUBLISHER,
    LABEL_RELATED,
    LABEL_STEPS,
    DocumentWriter,
    meta_for,
    pakketten_of,
    related_target,
    source_file,
    subject_of,
)
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

LABELS = {
    "contents": LABEL_CONTENTS,
    "intro": LABEL_INTRO,
    "audiences": LABEL_AUDIENCES,
    "providers": LABEL_PROVIDERS,
    "kind": LABEL_KIND,
    "part_of": LABEL_PART_OF,
    "edition": LABEL_EDITION,
    "publisher": LABEL_PUBLISHER,
    "steps": LABEL_STEPS,
    "contact": LABEL_CONTACT,
    "documents": LABEL_DOCUMENTS,
    "related": LABEL_RELATED,
}


class PdfWriter(DocumentWriter):
    """``downloads/<pakket-id>.pdf`` and ``downloads/items/<item-id>.pdf``."""

    name = "pdf"

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        return LAYOUT.render_prepared(self.prepare(pub, ctx, job))

    def prepare(self, pub: Publication, ctx: BuildContext, job: Job) -> Prepared:
        pub, job = resolve(pub, job)
        return Prepared(
            html=document_html(pub, subject_of(pub, job)),
            theme_css=pdf_css(pub.theme),
            content_root=pub.content_root,
            source=source_file(pub, job.subject),
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


@dataclass(frozen=True)
class _Step:
    title: str
    html: Markup


@dataclass(frozen=True)
class _Link:
    title: str
    href: str | None = None


@dataclass(frozen=True)
class _Doc:
    title: str
    url: str | None
    kind: str | None


@dataclass(frozen=True)
class _ItemView(ItemFacts):
    """An item in a PDF: the resolved item's facts (read through, see the properties) and
    what depends on its place in the document (anchors, in-page links, "part of")."""

    resolved: PubItem
    anchor: str
    part_of: list[str]
    body_html: Markup
    steps: list[_Step]
    documents: list[_Doc]
    related: list[_Link]

    @property
    def providers(self) -> str:
        return self.resolved.providers_text


_IN_PAGE_HREF = re.compile(r'href="#([^"]*)"')


def _prefix_in_page_links(html: str, prefix: str) -> str:
    """Body links to ``#slug`` point at ``#<prefix><slug>``, the id the heading got."""
    return _IN_PAGE_HREF.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html)


def _anchored(html: str, prefix: str) -> Markup:
    """Rendered Markdown (sanitised by nh3 in ``render_html``) with its in-page links
    pointing at the prefixed heading ids."""
    return Markup(_prefix_in_page_links(html, prefix))


def _item_view(
    pub: Publication, item: PubItem, *, level: int, in_pakket: PubPakket | None
) -> _ItemView:
    prefix = item.anchor_prefix
    # Body headings start at '##'; they sit one level below the item title.
    offset = level - 1
    local = {p.id for p in in_pakket.items} if in_pakket else set()
    return _ItemView(
        resolved=item,
        anchor=anchors.item_heading(item.id),
        part_of=[] if in_pakket else [p.title for p in pakketten_of(pub, item)],
        body_html=_anchored(item.body_html(offset, prefix), prefix),
        steps=[
            _Step(
                step.title,  # plain text, like the HTML page shows it
                _anchored(html, step.anchor_prefix(prefix))
                if (html := step.text_html(offset + 1, prefix)) is not None
                else Markup(""),
            )
            for step in item.steps
        ],
        documents=[_Doc(d.title, d.url, short_name(d.media_type)) for d in item.documents],
        related=[_Link(rel.title, related_target(pub, rel, local)) for rel in item.related],
    )


def document_html(pub: Publication, subject: PubPakket | PubItem) -> str:
    """The HTML WeasyPrint lays out for a pakket or an item."""
    meta = meta_for(pub, subject)
    logo = pub.theme.logo
    common: dict[str, Any] = {
        "meta": meta,
        "labels": LABELS,
        "contact_headers": CONTACT_HEADERS,
        # Generated from validated tokens only (hex colours, plain names, file URLs).
        "theme_css": Markup(pdf_css(pub.theme)),
        "logo": {"src": content_url(logo.path, pub.content_root), "alt": logo.alt}
        if logo
        else None,
    }
    env = _environment()
    if isinstance(subject, PubPakket):
        items = [_item_view(pub, item, level=2, in_pakket=subject) for item in subject.items]
        toc = []
        intro = (
            _anchored(subject.intro_html(1, anchors.INTRO), anchors.INTRO)
            if subject.has_intro
            else Markup("")
        )
        if intro:
            toc.append(_Link(LABEL_INTRO, anchors.INTRO_HEADING))
        toc.extend(_Link(view.title, view.anchor) for view in items)
        return env.get_template("pakket.html").render(
            **common,
            site_title=pub.site.title,
            audiences=subject.audiences_text,
            edition=subject.edition_label,
            publisher=subject.publisher.name,
            intro_html=intro,
            intro_anchor=anchors.INTRO_HEADING,
            toc=[{"anchor": link.href, "title": link.title} for link in toc],
            items=items,
        )
    view = _item_view(pub, subject, level=1, in_pakket=None)
    return env.get_template("item.html").render(**common, item=view)
