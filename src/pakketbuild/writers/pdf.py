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

weasyprint is imported in functions of this module only, never at import time of the
package, so commands that do not build PDFs stay fast.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pakketbuild import anchors
from pakketbuild.diagnostics import PakketbuildError
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.records import PubContact
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
    document_kind,
    meta_for,
    pakketten_of,
    related_target,
    source_file,
    subject_of,
)
from pakketbuild.writers.pdf_style import pdf_css

if TYPE_CHECKING:
    from pakketbuild.writers.fetcher import ConfinedFetcher

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONTS_CONF = ASSETS / "pdf" / "fonts.conf"
PDF_VARIANT = "pdf/a-2a"
"""WeasyPrint renders one variant per file; PDF/A-2a brings tags, the sRGB output intent
and the PDF/A identification; :func:`merge_pdfua_identification` adds PDF/UA-1 to the same
XMP packet."""
DEFAULT_SOURCE_DATE_EPOCH = "315532800"
"""1980-01-01T00:00:00Z: the subset fonts' timestamp when the environment sets none."""

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
        from pakketbuild.writers.fetcher import ConfinedFetcher

        pub, job = resolve(pub, job)
        html = document_html(pub, subject_of(pub, job))
        fetcher = ConfinedFetcher(
            content_root=pub.content_root, source=source_file(pub, job.subject)
        )
        return html_to_pdf(html, fetcher)


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
class _ItemView:
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
    def title(self) -> str:
        return self.resolved.title

    @property
    def kind_label(self) -> str:
        return self.resolved.kind_label

    @property
    def audiences(self) -> str:
        return self.resolved.audiences_text

    @property
    def providers(self) -> str:
        return self.resolved.providers_text

    @property
    def summary(self) -> str:
        return self.resolved.summary

    @property
    def contacts(self) -> tuple[PubContact, ...]:
        return self.resolved.contacts


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
        documents=[_Doc(d.title, d.url, document_kind(d.media_type)) for d in item.documents],
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
        "logo": {"src": logo.path.as_uri(), "alt": logo.alt} if logo else None,
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
            toc=[{"anchor": link.href, "title": link.title} for link in toc],
            items=items,
        )
    view = _item_view(pub, subject, level=1, in_pakket=None)
    return env.get_template("item.html").render(**common, item=view)


# --------------------------------------------------------------------------- PDF


def html_to_pdf(html: str, fetcher: ConfinedFetcher) -> bytes:
    """Render ``html`` to PDF/UA-1 bytes with the confined fetcher and bundled fonts.

    A refusal of the fetcher surfaces as the :class:`ContentError` it raised.
    """
    with laid_out(html, fetcher) as document:
        if len(document.pages) >= COLLECT_FROM_PAGES:
            # Layout leaves its first box tree (before pagination) as cyclic garbage
            # that a full collection would free only much later; writing would then
            # allocate on top of it (a 286-page document: 474 MiB instead of 410 MiB).
            gc.collect()
        pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_document)
    return pdf


COLLECT_FROM_PAGES = 20
"""Documents of at least this many pages are written after a full garbage collection
(it costs a few milliseconds to a tenth of a second; an item's document has a few pages)."""


def finish_document(document: Any, pdf: Any) -> None:
    """The finisher of every pakketbuild PDF: tagging repairs, then the XMP packet."""
    finish_pdfua(document, pdf)
    merge_pdfua_identification(pdf)


_XMP_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
_XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode()
_XPACKET_END = b'\n<?xpacket end="r"?>'


def merge_pdfua_identification(pdf: Any) -> None:
    """Rewrite the XMP packet WeasyPrint's ``pdf/a-2a`` variant wrote as one packet with
    one ``rdf:RDF`` holding one ``rdf:Description``: every property WeasyPrint set (title,
    creator, dates, ``pdfaid:part``/``conformance``), plus ``pdfuaid:part 1`` and the
    PDF/A extension schema that declares the ``pdfuaid`` namespace (PDF/A-2 accepts only
    predefined XMP schemas or schemas described in the file itself). The stream is
    written uncompressed, as XMP is meant to be readable by tools that do not parse PDF.
    """
    from xml.etree import ElementTree as ET

    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    stream = pdf.objects[int(bytes(reference).split()[0])]
    packet = b"".join(
        part if isinstance(part, bytes) else str(part).encode() for part in stream.stream
    )
    start, end = packet.index(b"<x:xmpmeta"), packet.rindex(b"</x:xmpmeta>")
    meta = ET.fromstring(packet[start : end + len(b"</x:xmpmeta>")])

    def q(prefix: str, name: str) -> str:
        return f"{{{_XMP_NS[prefix]}}}{name}"

    for prefix, uri in _XMP_NS.items():
        ET.register_namespace(prefix, uri)
    merged = ET.Element(q("rdf", "Description"), {q("rdf", "about"): ""})
    for rdf in meta.findall(q("rdf", "RDF")):
        for description in rdf.findall(q("rdf", "Description")):
            for key, value in description.attrib.items():
                if key != q("rdf", "about"):
                    merged.set(key, value)
            merged.extend(list(description))
    merged.set(q("pdfuaid", "part"), "1")
    schemas = ET.SubElement(merged, q("pdfaExtension", "schemas"))
    bag = ET.SubElement(schemas, q("rdf", "Bag"))
    schema = ET.SubElement(bag, q("rdf", "li"), {q("rdf", "parseType"): "Resource"})
    for name, text in (
        ("schema", "PDF/UA Universal Accessibility Schema"),
        ("namespaceURI", _XMP_NS["pdfuaid"]),
        ("prefix", "pdfuaid"),
    ):
        ET.SubElement(schema, q("pdfaSchema", name)).text = text
    properties = ET.SubElement(ET.SubElement(schema, q("pdfaSchema", "property")), q("rdf", "Seq"))
    part = ET.SubElement(properties, q("rdf", "li"), {q("rdf", "parseType"): "Resource"})
    for name, text in (
        ("name", "part"),
        ("valueType", "Integer"),
        ("category", "internal"),
        ("description", "Indicates which part of ISO 14289 (PDF/UA) the file conforms to"),
    ):
        ET.SubElement(part, q("pdfaProperty", name)).text = text
    root = ET.Element(q("x", "xmpmeta"))
    rdf = ET.SubElement(root, q("rdf", "RDF"))
    rdf.append(merged)
    ET.indent(root, space=" ")
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    stream.stream = [_XPACKET_BEGIN + xml + _XPACKET_END]
    stream.compress = False


@contextlib.contextmanager
def laid_out(html: str, fetcher: ConfinedFetcher) -> Iterator[Any]:
    """The laid-out WeasyPrint ``Document`` of ``html``: fonts from the package only,
    resources through ``fetcher``, ``SOURCE_DATE_EPOCH`` set, temporary files removed."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    with _environ(FONTCONFIG_FILE=str(FONTS_CONF)):
        font_config = FontConfiguration()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH)
    try:
        with _environ(SOURCE_DATE_EPOCH=epoch):
            try:
                html_document = weasyprint.HTML(
                    string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher
                )
                yield html_document.render(font_config=font_config, pdf_variant=PDF_VARIANT)
            except FatalURLFetchingError as exc:
                if isinstance(exc.__cause__, PakketbuildError):
                    raise exc.__cause__ from None
                raise
    finally:
        # WeasyPrint copies @font-face fonts into a temporary folder that it removes only
        # when the FontConfiguration is garbage-collected; remove it now.
        folder = getattr(font_config, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def finish_pdfua(document: Any, pdf: Any) -> None:
    """Repair three gaps in WeasyPrint 70's PDF/UA tagging, before the PDF is written.

    1. Running headers and footers (``@page`` margin boxes) are marked as content whose
       structure elements hang nowhere in the structure tree. PDF/UA wants page furniture
       marked as ``/Artifact``: their marked-content sequences become
       ``/Artifact <</Type /Pagination>> BDC`` and their parent-tree entries ``null``.
    2. Header cells carry no ``/Scope``; every ``<th>`` pakketbuild writes is a column
       header, so each ``/TH`` gets ``/Scope /Column``.
    3. A list item with block content (``<li><p>…</p></li>``: loose Markdown lists,
       steps) gets its paragraphs as direct ``/LI`` children; PDF/UA allows only ``/Lbl``
       and ``/LBody`` there, so they are moved into one ``/LBody``.
    """
    import pydyf  # type: ignore[import-untyped]

    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return
    objects = pdf.objects

    def deref(ref: Any) -> Any:
        return objects[int(bytes(ref).split()[0])]

    root = deref(root_ref)
    reachable: set[int] = set()
    list_items: list[Any] = []
    stack: list[Any] = list(root["K"])
    while stack:
        kid = stack.pop()
        if not isinstance(kid, bytes):
            continue
        number = int(kid.split()[0])
        element = objects[number]
        if number in reachable or not isinstance(element, dict):
            continue
        if element.get("Type") != "/StructElem":
            continue
        reachable.add(number)
        if element.get("S") == "/TH":
            attributes = element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes.setdefault("Scope", "/Column")
        elif element.get("S") == "/LI":
            list_items.append(element)
        kids = element.get("K")
        if isinstance(kids, list):
            stack.extend(kids)
    for item in list_items:
        _wrap_list_body(pdf, item, deref)

    nums = deref(root["ParentTree"])["Nums"]
    pages = [objects[int(n)] for n in pdf.pages["Kids"][::3]]
    for index in range(0, len(nums), 2):
        key, value = nums[index], nums[index + 1]
        if not isinstance(value, list) or not isinstance(key, int) or key >= len(pages):
            continue
        orphans = {
            mcid
            for mcid, ref in enumerate(value)
            if isinstance(ref, bytes) and int(ref.split()[0]) not in reachable
        }
        if not orphans:
            continue
        stream = deref(pages[key]["Contents"])
        _mark_artifacts(stream.stream, orphans)
        for mcid in orphans:
            value[mcid] = "null"


def _wrap_list_body(pdf: Any, item: Any, deref: Callable[[Any], Any]) -> None:
    import pydyf

    kids = item.get("K")
    if not isinstance(kids, list):
        return

    def role(kid: Any) -> str | None:
        return deref(kid).get("S") if isinstance(kid, bytes) else None

    if all(role(kid) in ("/Lbl", "/LBody") for kid in kids):
        return
    if any(not isinstance(kid, bytes) for kid in kids):
        return  # marked content directly in the item: leave it alone
    body = pydyf.Dictionary(
        {"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference}
    )
    if "Pg" in item:
        body["Pg"] = item["Pg"]
    pdf.add_object(body)
    labels = []
    for kid in kids:
        element = deref(kid)
        if element.get("S") == "/Lbl":
            labels.append(kid)
        elif element.get("S") == "/LBody":
            # An existing body (inline content) is merged, keeping reading order.
            for grandchild in element.get("K", ()):
                body["K"].append(grandchild)
                if isinstance(grandchild, bytes):
                    deref(grandchild)["P"] = body.reference
        else:
            body["K"].append(kid)
            element["P"] = body.reference
    item["K"] = pydyf.Array([*labels, body.reference])


def _mark_artifacts(operations: list[Any], mcids: set[int]) -> None:
    import pydyf

    for position in range(1, len(operations) - 1):
        properties = operations[position]
        if (
            isinstance(properties, dict)
            and properties.get("MCID") in mcids
            and operations[position + 1] == b"BDC"
        ):
            operations[position - 1] = "/Artifact"
            operations[position] = pydyf.Dictionary({"Type": "/Pagination"})
