"""The fonts an ODT file carries: subsets of the faces its styles use, in ``Fonts/``.

ODF 1.3 part 3, 16.23 (``style:font-face``) with ``svg:font-face-src`` /
``svg:font-face-uri`` pointing into the package, as LibreOffice writes a document with
*embed fonts* on (checked against its own output; its ``loext:font-style`` /
``loext:font-weight`` hints are left out: they are not ODF 1.3, and LibreOffice reads
the face from the file itself). Which family each role gets and how a subset is made is
:mod:`pakketbuild.writers.fonts`; this module finds the faces the document's styles use
(:func:`faces_used`) and plans the files (:func:`plan`) that :func:`pakketbuild.writers.odt.
styles_xml` names and :func:`pakketbuild.writers.odt.package` stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

from pakketbuild.theme import Theme
from pakketbuild.writers import fonts

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
_FILE_STYLES = {
    (False, False): "Regular",
    (True, False): "Bold",
    (False, True): "Italic",
    (True, True): "BoldItalic",
}
FONT_MEDIA_TYPES = {True: "application/x-font-ttf", False: "application/x-font-otf"}
"""Manifest media type by outline kind (TrueType, else CFF), as LibreOffice writes them
(package-internal names, not the media types of files pakketbuild publishes)."""


def media_type(path: str) -> str:
    """The manifest media type of an embedded font file (``Fonts/….ttf`` or ``.otf``)."""
    return FONT_MEDIA_TYPES[path.endswith(".ttf")]


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


@dataclass
class Plan:
    """The fonts of one document: package path → bytes, and per family the
    ``(path, svg:string format)`` of each embedded face."""

    files: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def font_face_src(self, family: str) -> str:
        """The ``svg:font-face-src`` of ``family`` ('' when nothing of it is embedded)."""
        uris = "".join(
            f'<svg:font-face-uri xlink:href={quoteattr(path)} xlink:type="simple">'
            f'<svg:font-face-format svg:string="{kind}"/></svg:font-face-uri>'
            for path, kind in self.sources.get(family, [])
        )
        return f"<svg:font-face-src>{uris}</svg:font-face-src>" if uris else ""


@dataclass(frozen=True)
class _TextFont:
    parent: str | None
    family: str | None
    bold: bool | None
    italic: bool | None


def _styles(styles_xml: bytes) -> tuple[dict[tuple[str, str], _TextFont], _TextFont]:
    """(family, name) → text font facts of every named style, and the default
    paragraph style's."""
    from lxml import etree

    root = etree.fromstring(styles_xml)
    found: dict[tuple[str, str], _TextFont] = {}
    default = _TextFont(None, None, None, None)
    for element in root.iter(_q("style", "style"), _q("style", "default-style")):
        props = element.find(_q("style", "text-properties"))
        weight = props.get(_q("fo", "font-weight")) if props is not None else None
        heavy = weight == "bold" or (weight is not None and weight.isdigit() and int(weight) >= 600)
        style = props.get(_q("fo", "font-style")) if props is not None else None
        facts = _TextFont(
            element.get(_q("style", "parent-style-name")),
            props.get(_q("style", "font-name")) if props is not None else None,
            None if weight is None else heavy,
            None if style is None else style in ("italic", "oblique"),
        )
        kind = element.get(_q("style", "family"), "")
        if element.tag == _q("style", "default-style"):
            if kind == "paragraph":
                default = facts
        else:
            found[(kind, element.get(_q("style", "name"), ""))] = facts
    return found, default


Faces = dict[str, set[fonts.FaceKey]]
"""Family → the faces (bold, italic) used."""


def faces_used(content_xml: bytes, styles_xml: bytes) -> tuple[Faces, str]:
    """Family → the faces (bold, italic) the text is set in (body, contents, headers and
    footers), resolved through paragraph and text styles and their parents; and that
    text."""
    from lxml import etree

    styles, default = _styles(styles_xml)
    used: Faces = {}
    text: list[str] = []

    def chain(kind: str, name: str | None) -> Iterator[_TextFont]:
        seen = 0
        while name is not None and (kind, name) in styles and seen < 20:
            yield styles[(kind, name)]
            name = styles[(kind, name)].parent
            seen += 1

    def resolve(levels: list[_TextFont]) -> tuple[str | None, bool, bool]:
        def first(attribute: str) -> object:
            return next((v for lv in levels if (v := getattr(lv, attribute)) is not None), None)

        family = first("family")
        return (str(family) if family else None), bool(first("bold")), bool(first("italic"))

    def note(chunk: str | None, spans: list[str], paragraph: str | None) -> None:
        if not chunk or paragraph is None:
            return
        levels = [level for span in spans for level in chain("text", span)]
        family, bold, italic = resolve([*levels, *chain("paragraph", paragraph), default])
        if family is not None:
            used.setdefault(family, set()).add((bold, italic))
        text.append(chunk)

    def visit(element: Any, spans: list[str], paragraph: str | None) -> None:
        if not isinstance(element.tag, str):
            return  # a comment or processing instruction
        if element.tag in (_q("text", "p"), _q("text", "h")):
            paragraph, spans = element.get(_q("text", "style-name")), []
        elif element.tag in (_q("text", "span"), _q("text", "a")):
            name = element.get(_q("text", "style-name"))
            spans = [name, *spans] if name else spans
        note(element.text, spans, paragraph)
        for child in element:
            visit(child, spans, paragraph)
            note(child.tail, spans, paragraph)

    for xml in (content_xml, styles_xml):
        root = etree.fromstring(xml)
        for part in (_q("office", "body"), _q("office", "master-styles")):
            for found in root.iter(part):
                visit(found, [], None)
    return used, "".join(text)


def plan(theme: Theme, content_xml: bytes, styles_xml: bytes) -> Plan:
    """The subsets to embed: every face the text uses of each family pakketbuild has
    files for (the house families, the theme's bundled ones); a face whose licence
    forbids embedding is left out (the family is still named)."""
    result = Plan()
    for name, faces in fonts.to_embed(theme, *faces_used(content_xml, styles_xml)).items():
        stem = "".join(c for c in name if c.isalnum())
        for key, cut in faces.items():
            path = f"Fonts/{stem}-{_FILE_STYLES[key]}.{'ttf' if cut.truetype else 'otf'}"
            result.files[path] = cut.data
            result.sources.setdefault(name, []).append(
                (path, "truetype" if cut.truetype else "opentype")
            )
    return result
