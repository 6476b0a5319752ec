"""The PDF writer's styling from the theme: the custom properties that
``assets/pdf/document.css`` reads.

A PDF embeds every font it uses and the PDF writer sees no fonts of the machine, so
only bundled families are named: the theme's own (loaded from the content folder
through the confined fetcher) and, always last, the bundled DejaVu families
:data:`PDF_SANS` and :data:`PDF_MONO`. A heading without a bundled heading family
falls back to the bundled body family. Every colour token is written as is.
"""

from __future__ import annotations

from pakketbuild.theme import Theme
from pakketbuild.writers import css

PDF_SANS = "Pakket Sans"
PDF_MONO = "Pakket Mono"
"""The bundled DejaVu families of the PDF stylesheet (always the last fallback there)."""


def pdf_css(theme: Theme) -> str:
    """Custom properties for ``assets/pdf/document.css``; only bundled fonts (the
    theme's and DejaVu), loaded from the content folder through the confined fetcher."""
    lines = [css.font_face(font, font.path.as_uri()) for font in theme.font_files]
    lines.append(":root {")
    lines += css.color_properties(theme.colors)
    body = css.families((*theme.bundled("body"), PDF_SANS))
    heading = css.families((*theme.bundled("heading"), *theme.bundled("body"), PDF_SANS))
    lines.append(f"  --font-body: {body};")
    lines.append(f"  --font-heading: {heading};")
    lines.append(f"  --font-mono: {css.families((*theme.bundled('mono'), PDF_MONO))};")
    lines.append("}")
    return "\n".join(lines) + "\n"
