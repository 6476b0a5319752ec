"""CSS from a theme's validated values, for the writers that style with CSS (the HTML
site and the PDF): ``font-family`` lists and ``@font-face`` rules.

Shared CSS syntax only; which families, colours and files a format uses is its own
writer's choice (:mod:`pakketbuild.writers.html_style`, :mod:`pakketbuild.writers.pdf_style`).
Everything written here comes from :mod:`pakketbuild.theme`, which lets only safe values
through (hex colours, plain family names, file names of letters and digits), so a theme
cannot inject CSS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from pakketbuild.theme import FontFile

GENERIC_FAMILIES = frozenset(
    {
        "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif",
        "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong",
        "-apple-system",
    }
)  # fmt: skip
FONT_FORMATS = {".ttf": "truetype", ".otf": "opentype", ".woff": "woff", ".woff2": "woff2"}
"""File suffix → the ``format()`` hint of ``@font-face`` (every suffix a theme accepts)."""


def families(names: Iterable[str]) -> str:
    """A CSS ``font-family`` list: generic names bare, other names quoted."""
    return ", ".join(f if f in GENERIC_FAMILIES else f'"{f}"' for f in names)


def font_face(font: FontFile, url: str) -> str:
    """One ``@font-face`` rule for a bundled font file served at ``url``."""
    kind = FONT_FORMATS[PurePosixPath(font.name).suffix.lower()]
    return (
        f'@font-face {{ font-family: "{font.family}"; src: url("{url}") '
        f'format("{kind}"); font-weight: {font.weight}; font-style: {font.style}; '
        "font-display: swap; }"
    )


def color_properties(colors: Mapping[str, str]) -> list[str]:
    """``--color-<token>`` custom properties, one line each, in token order."""
    return [f"  --color-{name}: {value};" for name, value in colors.items()]
