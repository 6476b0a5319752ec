"""Whether an SVG file is safe to publish: a plain drawing, nothing that runs or loads.

Used for a theme's logo (:mod:`pakketbuild.theme`), which is served beside the pages and
drawn into the PDF (security: see SECURITY.md).
"""

from __future__ import annotations

import re

from pakketbuild.i18n import _

_SVG_ACTIVE = frozenset(
    {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "a",
     "set", "animate", "animateMotion", "animateTransform", "animateColor", "discard"}
)  # fmt: skip
_SVG_REFERENCE = re.compile(r"^(?:#|data:image/(?:png|jpeg|gif|webp)[;,])", re.IGNORECASE)
_SVG_DECLARATIONS = re.compile(r"<!ENTITY|<!DOCTYPE[^>\[]*\[|<\?xml-stylesheet", re.IGNORECASE)
"""An internal DTD subset or entity, or a stylesheet instruction (the usual public
``<!DOCTYPE svg PUBLIC …>`` of older exports is harmless and allowed)."""
_CSS_URL = re.compile(r"""url\(\s*(?!['"]?\s*#)|@import|expression\(""", re.IGNORECASE)


def svg_problem(data: bytes) -> str | None:
    """Why an SVG logo is unsafe to publish, or None. The logo is served beside the pages
    (``assets/theme/``): opened on its own, an SVG runs its scripts with the site's origin,
    and it may make the reader's browser, or WeasyPrint, fetch other files. So only
    drawing elements pass: no script, event handler, link, animation, foreign content,
    DTD or entity, stylesheet instruction, and no reference other than ``#id`` or an
    embedded PNG/JPEG/GIF/WebP (security: see SECURITY.md)."""
    from xml.etree import ElementTree

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _("is not UTF-8 text")
    if _SVG_DECLARATIONS.search(text):
        return _("declares entities or a stylesheet")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return _("is not a readable SVG file ({reason})").format(reason=exc)
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return _("is not an SVG drawing (its first element is not <svg>)")
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1]
        if name in _SVG_ACTIVE:
            return _("contains <{name}>").format(name=name)
        if name == "style" and _CSS_URL.search(element.text or ""):
            return _("has a stylesheet that loads other files")
        for key, value in element.attrib.items():
            attribute = key.rsplit("}", 1)[-1]
            if attribute.lower().startswith("on"):
                return _("has an event handler ({attribute}=…)").format(attribute=attribute)
            if attribute == "href" and not _SVG_REFERENCE.match(value.strip()):
                return _("refers to '{target}'").format(target=value[:60])
            if _CSS_URL.search(value):
                return _("loads another file in '{attribute}'").format(attribute=attribute)
    return None
