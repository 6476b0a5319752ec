"""The PDF writer's styling from the theme: the custom properties that
``assets/pdf/document.css`` reads.

A PDF embeds every font it uses and the PDF writer sees no fonts of the machine, so
only bundled families are named: the theme's own (loaded from the content folder
through the confined fetcher), else the house families of every document
(:func:`pakketbuild.writers.fonts.family`: Liberation Sans, Liberation Mono); after the
theme's families the house family, and always last DejaVu Sans (:data:`PDF_FALLBACK`), for
characters the others lack. A heading
without a bundled heading family takes the body's. Every colour token is written as is.
"""

from __future__ import annotations

from pakketbuild.theme import Theme
from pakketbuild.writers import css
from pakketbuild.writers.fonts import MONO, SANS, family

PDF_FALLBACK = "DejaVu Sans"
"""The ``@font-face`` family of ``assets/fonts/DejaVuSans.ttf`` in ``document.css``."""


def pdf_css(theme: Theme) -> str:
    """Custom properties for ``assets/pdf/document.css``; only bundled fonts (the
    theme's, the house families and the fallback), loaded from the content folder
    through the confined fetcher."""
    lines = [css.font_face(font, font.path.as_uri()) for font in theme.font_files]
    lines.append(":root {")
    lines += css.color_properties(theme.colors)
    for role in ("body", "heading", "mono"):
        house = MONO if role == "mono" else SANS
        bundled = theme.bundled(role) + (theme.bundled("body") if role == "heading" else [])
        names = dict.fromkeys((family(theme, role).name, *bundled, house.name, PDF_FALLBACK))
        lines.append(f"  --font-{role}: {css.families(names)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
