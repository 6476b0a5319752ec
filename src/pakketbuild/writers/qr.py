"""QR codes for the colophon of the documents (segno): the web address of the current
version, scannable from paper.

segno (PyPI) is pure Python and writes the same bytes for the same text on every run and
machine (no timestamps, no randomness; its PNG is zlib-compressed like any PNG, so the
bytes are those of the zlib the build uses). Error correction level M (15 % of the code
may be damaged or dirty; segno raises it further when that fits in the same size), a
quiet zone of four modules as ISO/IEC 18004 asks, black on white. The PDF embeds the
SVG (vector, sharp at any zoom); Word and ODT embed a PNG of 10 pixels per module (they
show SVG unevenly across versions). Each embedding carries the code's text alternative
(:class:`pakketbuild.writers.outline.QrCode`). segno is imported in functions only.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from typing import Any

from pakketbuild import mediatypes

ERROR_LEVEL = "m"
QUIET_ZONE = 4
"""Modules of white around the code (ISO/IEC 18004)."""
PNG_SCALE = 10
"""Pixels per module in the PNG."""
SIZE_MM = 30.0
"""How large every format prints the code (with its quiet zone): about 0.7 mm a module
for a web address of up to 80 characters, well above what phone cameras read at arm's
length."""


def _code(url: str) -> Any:
    import segno

    return segno.make(url, error=ERROR_LEVEL, micro=False)


@lru_cache(maxsize=32)
def svg(url: str) -> bytes:
    """The code as a standalone SVG image (no XML declaration, size in modules)."""
    out = io.BytesIO()
    _code(url).save(out, kind="svg", xmldecl=False, border=QUIET_ZONE, scale=1)
    return out.getvalue()


def svg_data_uri(url: str) -> str:
    """:func:`svg` as a ``data:`` URI for an ``<img>`` of the PDF's HTML."""
    return f"data:{mediatypes.SVG};base64," + base64.b64encode(svg(url)).decode("ascii")


@lru_cache(maxsize=32)
def png(url: str) -> bytes:
    """The code as a PNG image, :data:`PNG_SCALE` pixels per module."""
    out = io.BytesIO()
    _code(url).save(out, kind="png", border=QUIET_ZONE, scale=PNG_SCALE)
    return out.getvalue()
