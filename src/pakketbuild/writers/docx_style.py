"""The Word writer's styling from the theme: colours and fonts in the styles of a
Word document, never as direct formatting.

* :func:`house_template`: pakketbuild's own look over python-docx's default template
  (used when the content names no Word template);
* :func:`apply_theme`: the theme's heading, link and brand colours and bundled fonts in
  the named styles (a content's own Word template keeps its look under the built-in
  theme);
* :func:`cover_logo`: the theme's logo on the cover (Word shows only PNG/JPEG, so an SVG
  logo needs the theme's raster copy, :attr:`pakketbuild.theme.Logo.raster`).

Word documents name a font family only when the theme bundles its files
(:func:`word_font`); otherwise the house family (:data:`HOUSE_FONT`, Liberation Sans, see
:mod:`pakketbuild.writers.fonts`) or the template's font stays. The files of every family
named are embedded by :func:`pakketbuild.writers.docx_package.embed_fonts`.
python-docx is imported in functions only, like in :mod:`pakketbuild.writers.docx`.
"""

from __future__ import annotations

from typing import Any

from pakketbuild.theme import Theme
from pakketbuild.writers.fonts import SANS, family

HOUSE_FONT = SANS.name
"""The house template's font when the theme bundles none: Liberation Sans, the family of
the PDF and the ODT too, embedded in the file, with Arial (same metrics, on every Windows
and macOS machine) as its alternative in the font table; never python-docx's
Calibri/Cambria."""
CODE_STYLES = ("HTML Code", "HTML Preformatted")


def qn(tag: str) -> str:
    """The Clark name of a ``w:``/``a:`` tag (python-docx is imported when first used)."""
    from docx.oxml.ns import qn

    return str(qn(tag))


def word_font(theme: Theme, role: str) -> str | None:
    """The family Word styles use for ``role`` (``body``, ``heading``): the theme's first
    family with bundled files, else None (the template's font stays). A family the
    theme does not bundle is for the web pages only (see :mod:`pakketbuild.theme`)."""
    bundled = theme.bundled(role)
    return bundled[0] if bundled else None


def set_font(style: Any, name: str) -> None:
    """Name ``name`` as the style's font. A reference to a font of the Office theme
    (``w:asciiTheme`` …) goes: Word would prefer it to the name."""
    style.font.name = name
    fonts = style.element.rPr.find(qn("w:rFonts"))
    fonts.set(qn("w:cs"), name)
    for key in [k for k in fonts.attrib if k.endswith("Theme")]:
        del fonts.attrib[key]


def code_styles(document: Any, theme: Theme, *, template: bool) -> None:
    """The code styles (``HTML Code``, ``HTML Preformatted``) in the code family of the
    documents (:func:`pakketbuild.writers.fonts.family`: the theme's bundled code font,
    else Liberation Mono). Called when the text is written, as Markdown adds these
    styles only when the text has code. A reference template keeps its own code font
    unless the theme bundles one."""
    if template and not theme.bundled("mono"):
        return
    for name in CODE_STYLES:
        if name in document.styles:
            set_font(document.styles[name], family(theme, "mono").name)


def apply_theme(document: Any, theme: Theme, *, template: bool) -> None:
    """The theme's colours and bundled fonts in the styles (never as direct formatting):
    Title, Heading 1-4 and the contents heading in ``color.heading`` and the heading
    font, Hyperlink in ``color.link``, Normal in the body font, the passage rule in
    ``color.brand``. With a reference template the built-in neutral theme leaves the
    template's house style alone; a theme of its own (a view's) goes over it."""
    from docx.shared import RGBColor

    if template and theme.builtin:
        return
    styles = document.styles

    def rgb(name: str) -> Any:
        return RGBColor.from_string(theme.colors[name][1:].upper())

    heading_font = word_font(theme, "heading") or word_font(theme, "body")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "TOC Heading"):
        if name in styles:
            styles[name].font.color.rgb = rgb("heading")
            if heading_font:
                set_font(styles[name], heading_font)
    if "Hyperlink" in styles:
        styles["Hyperlink"].font.color.rgb = rgb("link")
    body_font = word_font(theme, "body")
    if body_font:
        set_font(styles["Normal"], body_font)
    for name in ("Passage Label", "Passage"):
        if name in styles:
            for border in styles[name].element.iter(qn("w:left")):
                border.set(qn("w:color"), theme.colors["brand"][1:].upper())
    if "Passage Label" in styles:
        styles["Passage Label"].font.color.rgb = rgb("heading")


def house_template(document: Any, theme: Theme) -> None:
    """pakketbuild's own look over python-docx's default template: every font reference
    (document defaults, styles, the Office theme's major and minor fonts) becomes the
    theme's bundled font or :data:`HOUSE_FONT`; the Office theme's accent and hyperlink
    colours and the Title's rule become the theme's colours. Styles stay styles: no direct
    formatting is added."""
    font = word_font(theme, "body") or HOUSE_FONT
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for key in list(fonts.attrib):
            if key.endswith("Theme"):
                del fonts.attrib[key]
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), font)
    _widow_control(styles)
    for border in document.styles["Title"].element.iter(qn("w:bottom")):
        if border.get(qn("w:color")):
            border.set(qn("w:color"), theme.colors["brand"][1:].upper())
            border.attrib.pop(qn("w:themeColor"), None)
    for color in styles.iter(qn("w:color")):
        if color.attrib.pop(qn("w:themeColor"), None) is not None:
            # a colour of python-docx's Office theme: the house colour instead
            color.set(qn("w:val"), theme.colors["heading"][1:].upper())
        color.attrib.pop(qn("w:themeShade"), None)
    from docx.shared import Mm, RGBColor

    title = document.styles["Title"]
    title.font.bold = True  # as in the PDF and ODT, 40 mm from the top of the page
    title.paragraph_format.space_before = Mm(15)
    subtitle = document.styles["Subtitle"].font
    subtitle.color.rgb = RGBColor.from_string(theme.colors["muted"][1:].upper())
    subtitle.italic = False  # the cover's lines, upright as in the PDF and ODT
    theme_part = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/theme")),
        None,
    )
    if theme_part is not None:
        xml = theme_part.blob.decode("utf-8")
        for old in ("Cambria", "Calibri"):
            xml = xml.replace(f'typeface="{old}"', f'typeface="{font}"')
        replacements = {
            "accent1": theme.colors["brand"],
            "hlink": theme.colors["link"],
            "folHlink": theme.colors["link-visited"],
        }
        import re

        for name, value in replacements.items():
            xml = re.sub(
                rf'(<a:{name}>\s*<a:srgbClr val=")[0-9A-Fa-f]{{6}}',
                rf"\g<1>{value[1:].upper()}",
                xml,
            )
        theme_part._blob = xml.encode("utf-8")


def _widow_control(styles: Any) -> None:
    """Widow and orphan control for every paragraph (the document defaults, so every
    style has it): a page break leaves at least two lines of a paragraph on either side.
    Word's own templates have it; python-docx's has not, and without it LibreOffice
    leaves a paragraph's last line alone at the top of a page."""
    from docx.oxml import OxmlElement

    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:  # pragma: no cover - python-docx's template has them
        return
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    if ppr.find(qn("w:widowControl")) is None:
        ppr.insert(0, OxmlElement("w:widowControl"))  # first: no pStyle or keep rules here


def cover_logo(document: Any, theme: Theme) -> None:
    """The theme's logo at the top of the cover, with its text alternative (Word shows
    only PNG/JPEG: an SVG logo needs ``docx`` in the theme)."""
    from docx.shared import Mm

    logo = theme.logo
    if logo is None or logo.raster is None:
        return
    shape = document.add_picture(str(logo.raster), height=Mm(20))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", logo.alt)
    doc_pr.set("title", logo.alt)
