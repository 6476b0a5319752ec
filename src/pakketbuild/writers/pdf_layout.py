"""Laying out and writing the PDF of a document's HTML (WeasyPrint), apart from the model.

:mod:`pakketbuild.writers.pdf` turns a pakket or item into HTML (:meth:`PdfWriter.prepare
<pakketbuild.writers.pdf.PdfWriter.prepare>`); this module turns that HTML into a tagged
PDF/UA-1 file. It imports neither the content model nor the templates, so a worker
started before the content is loaded (:mod:`pakketbuild.engine.early`) imports only
WeasyPrint and this (:data:`LAYOUT`, the format's :attr:`Format.early
<pakketbuild.writers.Format.early>`), and is ready when the first document is.

What a process reuses between documents: the parsed stylesheets and the font
configuration holding their fonts, per theme (:func:`_styles`); WeasyPrint's own caches
(hyphenation dictionary, cffi types) after :meth:`Layout.warm_up`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pakketbuild.diagnostics import PakketbuildError

if TYPE_CHECKING:
    from pakketbuild.writers.fetcher import ConfinedFetcher

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONTS_CONF = ASSETS / "pdf" / "fonts.conf"
PDF_VARIANT = "pdf/a-2a"
"""WeasyPrint renders one variant per file; PDF/A-2a brings tags, the sRGB output intent
and the PDF/A identification; :func:`merge_pdfua_identification` adds PDF/UA-1 to the same
XMP packet."""
DEFAULT_SOURCE_DATE_EPOCH = "315532800"
"""1980-01-01T00:00:00Z: the timestamp in the subset fonts (fontTools reads
``SOURCE_DATE_EPOCH``), always this one. Not the build's source date: a font's internal
timestamp is shown to nobody, and taking the date of the source revision would change the
bytes of every PDF at every commit, also of the documents that do not show that date."""


@dataclass(frozen=True)
class Prepared:
    """A PDF job made ready in the build process (:meth:`PdfWriter.prepare`): the document's
    HTML and what laying it out needs besides, all picklable."""

    html: str
    theme_css: str
    content_root: Path
    source: str
    links: tuple[tuple[str, str], ...] = ()
    """What each link says to a screen reader: (the anchor of a link inside the document,
    or the address of any other link; its description), see :func:`describe_links`."""


class Layout:
    """The PDF format's :attr:`Format.early <pakketbuild.writers.Format.early>` part: what
    a process without the content does with a :class:`Prepared` job."""

    def render_prepared(self, prepared: object) -> bytes:
        from pakketbuild.writers.fetcher import ConfinedFetcher

        assert isinstance(prepared, Prepared)
        fetcher = ConfinedFetcher(content_root=prepared.content_root, source=prepared.source)
        # The stylesheets every document links (the package's and the edition's theme)
        # are parsed once per process and handed to WeasyPrint ready-made.
        head = _head_styles(prepared.theme_css)
        links = dict(prepared.links)
        if head in prepared.html:
            html = prepared.html.replace(head, "", 1)
            styles = _styles(prepared.theme_css, fetcher)
            return html_to_pdf(html, fetcher, styles=styles, links=links)
        return html_to_pdf(prepared.html, fetcher, links=links)

    def warm_up(self) -> None:
        """Import WeasyPrint and lay out a small Dutch document with the package's
        stylesheet: the first document of a process otherwise pays for loading the
        hyphenation dictionary (~0.4 s) and cffi's parsing of Pango's types (~0.2 s)."""
        from pakketbuild.writers.fetcher import ConfinedFetcher

        html = (
            '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>-</title>'
            '<link rel="stylesheet" href="pdf/document.css"></head><body><h1>Opwarmen</h1>'
            "<p>Arbeidsongeschiktheidsverzekering en gemeenteraadsverkiezingen.</p>"
            "<ul><li><p>Een <strong>lijst</strong> met <em>nadruk</em>.</p></li></ul>"
            "<table><tr><th>Kop</th></tr><tr><td>Cel</td></tr></table></body></html>"
        )
        html_to_pdf(html, ConfinedFetcher(content_root=ASSETS, source="-"))


LAYOUT = Layout()


def _head_styles(theme_css: str) -> str:
    """What ``templates/pdf/base.html`` writes into every document's head to style it: the
    package's stylesheet and the edition's theme (:meth:`Theme.pdf_css`)."""
    return f'<link rel="stylesheet" href="pdf/document.css">\n<style>\n{theme_css}</style>'


@dataclass
class Styles:
    """Parsed stylesheets and the font configuration that holds their ``@font-face`` fonts,
    made once per process and theme (:func:`_styles`) instead of once per document:
    parsing them and loading their fonts was about a fifth of a document's CPU time."""

    font_config: Any
    sheets: list[Any]


_STYLES: dict[str, Styles] = {}
"""Per theme stylesheet (:meth:`Theme.pdf_css`): its :class:`Styles`. A process renders a
handful of editions, so this stays small; each theme gets its own font configuration, so
two themes' fonts of the same family name never meet."""


def _styles(theme_css: str, fetcher: ConfinedFetcher) -> Styles:
    """The parsed ``assets/pdf/document.css`` and theme stylesheet with their fonts.

    Handed to WeasyPrint as user stylesheets in the order the document's head had them
    (package, then theme); with no author stylesheet left in the document and no
    ``!important`` in either, the cascade resolves every property exactly as before (user
    declarations beat the user agent's as author ones did), so the bytes are the same.
    """
    styles = _STYLES.get(theme_css)
    if styles is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        with _environ(FONTCONFIG_FILE=str(FONTS_CONF)):
            font_config = FontConfiguration()
        _remove_at_exit(font_config)
        sheets = [
            CSS(url=(ASSETS / "pdf" / "document.css").as_uri(), url_fetcher=fetcher,
                font_config=font_config),
            CSS(string=theme_css, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher,
                font_config=font_config),
        ]  # fmt: skip
        styles = _STYLES[theme_css] = Styles(font_config, sheets)
    return styles


def _remove_at_exit(font_config: Any) -> None:
    """Remove the temporary folder WeasyPrint copies ``@font-face`` fonts into when this
    process exits. Worker processes end without running exit handlers; the build gives
    them a temporary folder of their own that it removes (:mod:`pakketbuild.processes`)."""
    import atexit

    owner = os.getpid()

    def remove() -> None:
        folder = getattr(font_config, "_folder", None)
        if folder is not None and os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)
            # Its __del__ would try again while the interpreter is torn down (and print
            # an ignored exception).
            font_config._folder = None

    atexit.register(remove)


def html_to_pdf(
    html: str,
    fetcher: ConfinedFetcher,
    styles: Styles | None = None,
    links: Mapping[str, str] | None = None,
) -> bytes:
    """Render ``html`` to PDF/UA-1 bytes with the confined fetcher and bundled fonts
    (``styles``: ready-made stylesheets and their fonts, see :func:`_styles`; ``links``:
    what each link says to a screen reader, see :func:`describe_links`).

    A refusal of the fetcher surfaces as the :class:`ContentError` it raised.
    """
    with laid_out(html, fetcher, styles) as document:
        if len(document.pages) >= COLLECT_FROM_PAGES:
            # Layout leaves its first box tree (before pagination) as cyclic garbage
            # that a full collection would free only much later; writing would then
            # allocate on top of it (a 286-page document: 474 MiB instead of 410 MiB).
            gc.collect()
        finisher = partial(finish_document, links=links or {})
        pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finisher)
    return pdf


COLLECT_FROM_PAGES = 20
"""Documents of at least this many pages are written after a full garbage collection
(it costs a few milliseconds to a tenth of a second; an item's document has a few pages)."""


def finish_document(document: Any, pdf: Any, links: Mapping[str, str] | None = None) -> None:
    """The finisher of every pakketbuild PDF: tagging repairs, link descriptions, then the
    XMP packet."""
    finish_pdfua(document, pdf)
    describe_links(pdf, links or {})
    merge_pdfua_identification(pdf)


def describe_links(pdf: Any, links: Mapping[str, str]) -> None:
    """Give every link annotation the ``/Contents`` a screen reader announces (PDF/UA-1
    7.18.5: a description of the link): ``links`` maps the anchor of a link inside the
    document (its ``/Dest``) or the address of any other (its ``/URI``) to that
    description, made from the document's outline (``Bel 070-3738314``, ``Naar
    Woningscan``); WeasyPrint writes the target itself (``item-woningscan``,
    ``tel:+31703738314``). An address WeasyPrint wrote percent-encoded is matched in its
    decoded form; a link without a description keeps what WeasyPrint wrote."""
    import pydyf  # type: ignore[import-untyped]

    decoded = {unquote(key): text for key, text in links.items()}
    objects = pdf.objects
    for number in pdf.pages["Kids"][::3]:
        page = objects[int(number)]
        for reference in page.get("Annots", ()):
            annotation = objects[int(bytes(reference).split()[0])]
            if not isinstance(annotation, dict) or annotation.get("Subtype") != "/Link":
                continue
            target = annotation.get("Dest")
            if target is None:
                target = annotation.get("A", {}).get("URI")
            key = getattr(target, "string", None)
            if not isinstance(key, str):
                continue
            text = links.get(key) or decoded.get(unquote(key))
            if text is not None:
                annotation["Contents"] = pydyf.String(text)


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
def laid_out(html: str, fetcher: ConfinedFetcher, styles: Styles | None = None) -> Iterator[Any]:
    """The laid-out WeasyPrint ``Document`` of ``html``: fonts from the package only,
    resources through ``fetcher``, ``SOURCE_DATE_EPOCH`` set to
    :data:`DEFAULT_SOURCE_DATE_EPOCH` while WeasyPrint works, temporary files removed
    (``styles``: stylesheets parsed before, with the font configuration of their fonts)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    if styles is None:
        with _environ(FONTCONFIG_FILE=str(FONTS_CONF)):
            font_config = FontConfiguration()
        sheets: list[Any] = []
    else:
        font_config, sheets = styles.font_config, styles.sheets
    try:
        with _environ(SOURCE_DATE_EPOCH=DEFAULT_SOURCE_DATE_EPOCH):
            try:
                html_document = weasyprint.HTML(
                    string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher
                )
                yield html_document.render(
                    font_config=font_config, stylesheets=sheets, pdf_variant=PDF_VARIANT
                )
            except FatalURLFetchingError as exc:
                if isinstance(exc.__cause__, PakketbuildError):
                    raise exc.__cause__ from None
                raise
    finally:
        # WeasyPrint copies @font-face fonts into a temporary folder that it removes only
        # when the FontConfiguration is garbage-collected; remove it now (a shared one
        # when the process ends).
        folder = getattr(font_config, "_folder", None)
        if folder is not None and styles is None:
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
    import pydyf

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
