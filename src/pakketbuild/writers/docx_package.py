"""The parts of a Word package around its text: language, core properties, settings,
leftovers of the template, and the deterministic zip.

:func:`pakketbuild.writers.docx.render_docx` calls these after the document is built:
the document's language in its defaults, title/subject/author/dates from the content only,
the template's leftovers (thumbnail, app properties, remote references) removed, the
fonts embedded (:func:`embed_fonts`), and the package re-zipped with fixed times and
order so the same content gives the same bytes.
python-docx is imported inside the functions, as in the writer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pakketbuild.theme import Theme
from pakketbuild.writers import fonts
from pakketbuild.writers.docx_style import qn as _qn
from pakketbuild.writers.outline import Meta

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def set_language(document: Any, language: str) -> None:
    """Document default language (``docDefaults``) and the Normal style's, if it sets one."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    styles = document.styles.element
    defaults = styles.find(_qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    _set_rpr_lang(rpr, language)
    normal = document.styles["Normal"].element.rPr
    if normal is not None and normal.find(_qn("w:lang")) is not None:
        _set_rpr_lang(normal, language)


def _set_rpr_lang(rpr: Any, language: str) -> None:
    from docx.oxml import OxmlElement

    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        # w:lang comes after every other child that can appear in docDefaults and styles
        # except w:eastAsianLayout, w:specVanish and w:oMath.
        successors = [
            rpr.find(_qn(tag)) for tag in ("w:eastAsianLayout", "w:specVanish", "w:oMath")
        ]
        following = next((s for s in successors if s is not None), None)
        if following is not None:
            following.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(_qn("w:val"), language)


def set_core_properties(document: Any, meta: Meta) -> None:
    """Core properties from the content only; whatever the template carried is dropped."""
    props = document.core_properties
    element = props._element
    for child in list(element):
        element.remove(child)
    props.title = meta.title
    props.subject = meta.subject
    props.author = meta.author
    props.keywords = ", ".join(meta.keywords)
    props.language = meta.language_region
    if meta.description:
        props.comments = meta.description
    if meta.created:
        props.created = _midnight(meta.created)
    if meta.modified:
        props.modified = _midnight(meta.modified)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


_SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
"""Elements that follow ``w:updateFields`` in CT_Settings (schema order matters to Word)."""


WORD_NS = "http://schemas.microsoft.com/office/word"
"""The ``w:uri`` of Word's own compatibility settings."""
COMPATIBILITY_MODE = "15"
"""Word 2013 and later: no "compatibility mode" in the title bar, every feature of the
current layout engine. python-docx's default template says 14 (Word 2010)."""
DECIMAL_SYMBOL = ","
LIST_SEPARATOR = ";"
"""The Dutch separators (Word's defaults for nl-NL): fields that compute numbers and
lists in the document (=SUM(…), a table formula) read them."""


def tidy_settings(document: Any, language: str, *, update_fields: bool) -> None:
    """Settings that describe this document: the template's leftovers removed, the theme
    font language, no field update on opening (unless asked), Word 2013 compatibility
    (:data:`COMPATIBILITY_MODE`) and the Dutch separators."""
    from docx.oxml import OxmlElement

    settings = document.settings.element
    # Leftovers that describe the template, not this document.
    for tag in (
        "w:savePreviewPicture",
        "w:proofState",
        "w:attachedTemplate",
        "w:evenAndOddHeaders",
    ):
        for element in settings.findall(_qn(tag)):
            settings.remove(element)
    theme_lang = settings.find(_qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_qn("w:val"), language)
    for element in settings.findall(_qn("w:updateFields")):
        settings.remove(element)
    if update_fields:
        update = OxmlElement("w:updateFields")
        update.set(_qn("w:val"), "true")
        following = next(
            (
                found
                for tag in _SETTINGS_AFTER_UPDATE_FIELDS
                if (found := settings.find(_qn(tag))) is not None
            ),
            None,
        )
        if following is not None:
            following.addprevious(update)
        else:
            settings.append(update)
    _compatibility_mode(settings)
    _separators(settings)


def _compatibility_mode(settings: Any) -> None:
    """``compatibilityMode`` 15 in ``w:compat`` (made where the template has none)."""
    from docx.oxml import OxmlElement

    compat = settings.find(_qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        following = _SETTINGS_AFTER_UPDATE_FIELDS.index("w:compat") + 1
        _insert_before(settings, compat, _SETTINGS_AFTER_UPDATE_FIELDS[following:])
    mode = next(
        (
            setting
            for setting in compat.findall(_qn("w:compatSetting"))
            if setting.get(_qn("w:name")) == "compatibilityMode"
            and setting.get(_qn("w:uri")) == WORD_NS
        ),
        None,
    )
    if mode is None:
        mode = OxmlElement("w:compatSetting")
        mode.set(_qn("w:name"), "compatibilityMode")
        mode.set(_qn("w:uri"), WORD_NS)
        compat.append(mode)
    mode.set(_qn("w:val"), COMPATIBILITY_MODE)


def _separators(settings: Any) -> None:
    """``w:decimalSymbol`` and ``w:listSeparator``, the last two elements of CT_Settings
    (before the extensions of later Word versions, ``w14:``, ``w15:`` …)."""
    from docx.oxml import OxmlElement

    following: Any = None
    for tag, value in (("w:listSeparator", LIST_SEPARATOR), ("w:decimalSymbol", DECIMAL_SYMBOL)):
        element = settings.find(_qn(tag))
        if element is None:
            element = OxmlElement(tag)
            if following is not None:
                following.addprevious(element)
            else:
                extension = next(
                    (child for child in settings if not str(child.tag).startswith(_SETTINGS_NS)),
                    None,
                )
                if extension is not None:
                    extension.addprevious(element)
                else:
                    settings.append(element)
        element.set(_qn("w:val"), value)
        following = element


_SETTINGS_NS = tuple(
    "{" + uri + "}"
    for uri in (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    )
)
"""The namespaces of CT_Settings itself (``w:``, ``m:mathPr``, ``sl:schemaLibrary``); the
elements of any other (``w14:``, ``w15:`` …) are extensions that follow them."""


def _insert_before(settings: Any, element: Any, successors: tuple[str, ...]) -> None:
    """Put ``element`` before the first of ``successors`` the settings hold (schema order)."""
    following = next(
        (found for tag in successors if (found := settings.find(_qn(tag))) is not None), None
    )
    if following is not None:
        following.addprevious(element)
    else:
        settings.append(element)


def drop_leftovers(document: Any, *, default_template: bool) -> None:
    """Remove the thumbnail and app properties (they describe the template) and, for
    python-docx's own template, its empty bibliography part and the Word 2010 copy of the
    styles (``stylesWithEffects.xml``, ignored by Word 2013 and later)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[rid]
    if default_template:
        rels = document.part.rels
        for rid, rel in list(rels.items()):
            if rel.reltype in (RT.CUSTOM_XML, _STYLES_WITH_EFFECTS):
                del rels[rid]
    _drop_external_references(document)


def _drop_external_references(document: Any) -> None:
    """Security (SECURITY.md): a Word template may carry relationships that make Word call
    another host when the document is opened: a remote attached template, an external
    image (a tracking pixel, or a UNC path that hands the reader's Windows credentials to
    that host). Only hyperlinks to https, mailto and tel targets stay external."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from pakketbuild.markdown import link_allowed

    package = document.part.package
    for rels in [package.rels, *(part.rels for part in package.iter_parts())]:
        for rid, rel in list(rels.items()):
            allowed = rel.reltype == RT.HYPERLINK and link_allowed(rel.target_ref)
            if rel.is_external and not (allowed and not rel.target_ref.startswith("#")):
                del rels[rid]


def deterministic_zip(data: bytes) -> bytes:
    """Re-zip a package with fixed entry times, attributes and order
    (``[Content_Types].xml`` and ``_rels/.rels`` first, then by name)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(
        source.namelist(), key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


# --------------------------------------------------------------------------- fonts

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_EMBED_TAGS = {
    (False, False): "w:embedRegular",
    (True, False): "w:embedBold",
    (False, True): "w:embedItalic",
    (True, True): "w:embedBoldItalic",
}
_FONT_CHILDREN = (
    "w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig",
    *_EMBED_TAGS.values(),
)  # fmt: skip
"""The children of ``w:font`` in schema order (CT_Font)."""
_SETTINGS_BEFORE_EMBED = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
)  # fmt: skip
"""Elements that precede ``w:embedTrueTypeFonts`` in CT_Settings."""


@dataclass(frozen=True)
class _RunFont:
    """What a style says about a run's font (None: inherited)."""

    parent: str | None
    family: str | None
    bold: bool | None
    italic: bool | None


def embed_fonts(document: Any, theme: Theme) -> None:
    """Embed the faces of every family the document's styles name that pakketbuild has
    files for (the house families, the theme's bundled ones), as ECMA-376 §17.8.1
    obfuscated font parts: subsets of the document's characters and
    :data:`pakketbuild.writers.fonts.EDITING_TEXT`, only the faces its styles use, each
    under ``w:embedRegular`` … in the font table with ``w:fontKey`` and
    ``w:subsetted``; the font table entry names the alternative with the same metrics
    (``w:altName``: Arial, Courier New) and the family's PANOSE, classes and pitch, so a
    Word that ignores embedded fonts substitutes well. ``w:embedTrueTypeFonts`` and
    ``w:saveSubsetFonts`` go into the settings, so Word keeps embedding subsets when a
    reader saves. A face whose licence forbids it (OS/2 ``fsType``) is not embedded."""
    known = fonts.families(theme)
    embedded = fonts.to_embed(theme, *_faces_used(document))
    if not embedded:
        return
    table_part, table = _font_table(document)
    for name, faces in embedded.items():
        family = known[name]
        entry = _font_entry(table, name)
        _describe(entry, family)
        for (bold, italic), cut in sorted(faces.items()):
            tag = _EMBED_TAGS[(bold, italic)]
            key = _font_key(cut.data)
            part = _font_part(document, _obfuscate(cut.data, key))
            rel = table_part.relate_to(part, _RT_FONT)
            element = _child(entry, tag)
            replaced = element.get(_qn("r:id"))
            if replaced is not None and replaced in table_part.rels:
                table_part.rels.pop(replaced)  # the template's own copy of this face
            element.attrib.clear()
            element.set(_qn("r:id"), rel)
            element.set(_qn("w:fontKey"), key)
            if cut.subsetted:
                element.set(_qn("w:subsetted"), "true")
    table_part._blob = _serialise(table)
    _embed_settings(document)


_RT_FONT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_RT_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
_CT_FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"


def _faces_used(document: Any) -> tuple[dict[str, set[tuple[bool, bool]]], str]:
    """Family → the faces (bold, italic) the text of the body, headers and footers is
    set in, resolved through the styles (``w:basedOn``, document defaults, Office theme
    fonts); and all that text."""
    styles, default, default_paragraph = _style_fonts(document)
    used: dict[str, set[tuple[bool, bool]]] = {}
    text: list[str] = []
    main = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    )
    resolved: dict[tuple[str | None, str | None], tuple[str | None, bool, bool]] = {}
    for part in document.part.package.iter_parts():
        if part.content_type not in main:
            continue
        for paragraph in part._element.iter(_qn("w:p")):
            style = paragraph.find(f"{_qn('w:pPr')}/{_qn('w:pStyle')}")
            p_id = style.get(_qn("w:val")) if style is not None else default_paragraph
            for run in paragraph.iter(_qn("w:r")):
                r_style = run.find(f"{_qn('w:rPr')}/{_qn('w:rStyle')}")
                r_id = r_style.get(_qn("w:val")) if r_style is not None else None
                if (p_id, r_id) not in resolved:
                    resolved[(p_id, r_id)] = _resolve(styles, default, p_id, r_id)
                family, bold, italic = resolved[(p_id, r_id)]
                if family is not None:
                    used.setdefault(family, set()).add((bold, italic))
                text.extend(t.text or "" for t in run.iter(_qn("w:t")))
    return used, "".join(text)


class _StyleFacts(dict[str, _RunFont]):
    """Style id → its font facts, read from the style element when first asked for (a
    template holds hundreds of styles; a document uses a dozen)."""

    def __init__(self, elements: dict[str, Any], theme_fonts: dict[str, str]) -> None:
        super().__init__()
        self._elements = elements
        self._theme_fonts = theme_fonts

    def __contains__(self, style_id: object) -> bool:
        return style_id in self._elements

    def __missing__(self, style_id: str) -> _RunFont:
        style = self._elements[style_id]
        based = style.find(_qn("w:basedOn"))
        parent = based.get(_qn("w:val")) if based is not None else None
        facts = _run_font(style.find(_qn("w:rPr")), parent, self._theme_fonts)
        self[style_id] = facts
        return facts


def _run_font(rpr: Any, parent: str | None, theme_fonts: dict[str, str]) -> _RunFont:
    if rpr is None:
        return _RunFont(parent, None, None, None)
    family = None
    rfonts = rpr.find(_qn("w:rFonts"))
    if rfonts is not None:
        themed = rfonts.get(_qn("w:asciiTheme"))
        family = theme_fonts.get(themed[:5]) if themed else rfonts.get(_qn("w:ascii"))
    return _RunFont(parent, family, _on_off(rpr, "w:b"), _on_off(rpr, "w:i"))


def _style_fonts(document: Any) -> tuple[_StyleFacts, _RunFont, str | None]:
    """Each style's font facts by style id, the document defaults', and the id of the
    default paragraph style."""
    root = document.styles.element
    theme_fonts = _theme_fonts(document)
    elements: dict[str, Any] = {}
    default_paragraph = None
    for style in root.iterchildren(_qn("w:style")):
        style_id = style.get(_qn("w:styleId"))
        elements[style_id] = style
        if style.get(_qn("w:type")) == "paragraph" and style.get(_qn("w:default")) in ("1", "true"):
            default_paragraph = style_id
    defaults = root.find(f"{_qn('w:docDefaults')}/{_qn('w:rPrDefault')}/{_qn('w:rPr')}")
    return (
        _StyleFacts(elements, theme_fonts),
        _run_font(defaults, None, theme_fonts),
        default_paragraph,
    )


def _theme_fonts(document: Any) -> dict[str, str]:
    """``major``/``minor`` → the Latin typeface of the Office theme (``a:latin``)."""
    from lxml import etree

    part = next(
        (r.target_part for r in document.part.rels.values() if r.reltype.endswith("/theme")),
        None,
    )
    if part is None:
        return {}
    root = etree.fromstring(part.blob)
    found = {}
    for kind in ("major", "minor"):
        latin = root.find(f".//{_qn('a:' + kind + 'Font')}/{_qn('a:latin')}")
        if latin is not None and latin.get("typeface"):
            found[kind] = latin.get("typeface")
    return found


def _on_off(rpr: Any, tag: str) -> bool | None:
    element = rpr.find(_qn(tag))
    if element is None:
        return None
    return element.get(_qn("w:val"), "true") not in ("0", "false", "off")


def _resolve(
    styles: _StyleFacts, default: _RunFont, paragraph: str | None, run: str | None
) -> tuple[str | None, bool, bool]:
    """A run's family, bold and italic: its character style's, else its paragraph
    style's (each through ``w:basedOn``), else the document defaults'."""

    def chain(style_id: str | None) -> list[_RunFont]:
        out: list[_RunFont] = []
        while style_id is not None and style_id in styles and len(out) < 20:
            out.append(styles[style_id])
            style_id = styles[style_id].parent
        return out

    levels = [*chain(run), *chain(paragraph), default]

    def first(attribute: str) -> Any:
        return next((v for level in levels if (v := getattr(level, attribute)) is not None), None)

    return first("family"), bool(first("bold")), bool(first("italic"))


def _font_table(document: Any) -> tuple[Any, Any]:
    """The font table part (made when the template has none) and its parsed XML."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    part = next(
        (r.target_part for r in document.part.rels.values() if r.reltype == _RT_FONT_TABLE),
        None,
    )
    if part is None:
        xml = (
            b'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        )
        part = Part(PackURI("/word/fontTable.xml"), _CT_FONT_TABLE, xml, document.part.package)
        document.part.relate_to(part, _RT_FONT_TABLE)
    blob = part._element.xml.encode() if hasattr(part, "_element") else part.blob
    return part, etree.fromstring(blob)


def _font_entry(table: Any, name: str) -> Any:
    from lxml import etree

    for entry in table.findall(_qn("w:font")):
        if entry.get(_qn("w:name")) == name:
            return entry
    entry = etree.SubElement(table, _qn("w:font"))
    entry.set(_qn("w:name"), name)
    return entry


def _child(entry: Any, tag: str) -> Any:
    """``entry``'s child ``tag``, made in schema order when missing."""
    from lxml import etree

    found = entry.find(_qn(tag))
    if found is not None:
        return found
    element = etree.Element(_qn(tag))
    later = _FONT_CHILDREN[_FONT_CHILDREN.index(tag) + 1 :]
    following = next((c for c in entry if c.tag in {_qn(t) for t in later}), None)
    if following is not None:
        following.addprevious(element)
    else:
        entry.append(element)
    return element


def _describe(entry: Any, family: fonts.Family) -> None:
    """What Word needs to substitute the family well: alternative name, PANOSE,
    character set, class, pitch and Unicode/code page signature (from the font file of
    the family's first face, the regular one when it has one)."""
    path = family.faces[0].path
    panose, sig = _os2_facts(path, path.stat().st_mtime_ns)
    if family.alt:
        _child(entry, "w:altName").set(_qn("w:val"), family.alt)
    _child(entry, "w:panose1").set(_qn("w:val"), panose)
    _child(entry, "w:charset").set(_qn("w:val"), "00")
    _child(entry, "w:family").set(_qn("w:val"), family.generic)
    _child(entry, "w:pitch").set(_qn("w:val"), "fixed" if family.fixed else "variable")
    element = _child(entry, "w:sig")
    for name, value in sig:
        element.set(_qn(f"w:{name}"), value)


@lru_cache(maxsize=16)
def _os2_facts(path: Path, mtime_ns: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A font file's PANOSE and its ``w:sig`` values (Unicode ranges, code pages);
    remembered per file version (``serve`` keeps running while a theme font changes)."""
    from fontTools.ttLib import TTFont

    os2 = TTFont(path, lazy=True)["OS/2"]
    panose = bytes(
        getattr(os2.panose, field)
        for field in (
            "bFamilyType", "bSerifStyle", "bWeight", "bProportion", "bContrast",
            "bStrokeVariation", "bArmStyle", "bLetterForm", "bMidline", "bXHeight",
        )
    )  # fmt: skip
    ranges = [(f"usb{n - 1}", f"{getattr(os2, f'ulUnicodeRange{n}'):08X}") for n in range(1, 5)]
    pages = [(f"csb{n - 1}", f"{getattr(os2, f'ulCodePageRange{n}', 0):08X}") for n in (1, 2)]
    sig = (*ranges, *pages)
    return panose.hex().upper(), sig


def _font_key(data: bytes) -> str:
    """A GUID for the obfuscation, from the font's own bytes (the same font gives the
    same key, so the file stays byte-identical); upper case, as LibreOffice expects."""
    digest = hashlib.sha256(data).hexdigest().upper()[:32]
    return f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}}}"


def _obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1: the first 32 bytes XORed with the key's 16 bytes, which
    are the GUID's hexadecimal digits read from the last pair to the first."""
    digits = key.strip("{}").replace("-", "")
    secret = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _font_part(document: Any, blob: bytes) -> Any:
    """A new obfuscated font part ``/word/fonts/font<n>.odttf`` (the first free name)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    taken = {str(part.partname) for part in package.iter_parts()}
    number = 1
    while f"/word/fonts/font{number}.odttf" in taken:
        number += 1
    return Part(PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT, blob, package)


def _serialise(element: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True))


def _embed_settings(document: Any) -> None:
    """``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts``, in CT_Settings order."""
    from docx.oxml import OxmlElement

    settings = document.settings.element
    before = {_qn(tag) for tag in _SETTINGS_BEFORE_EMBED}
    anchor = None
    for tag in ("w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts"):
        found = settings.find(_qn(tag))
        if found is None and tag != "w:embedSystemFonts":
            found = OxmlElement(tag)
            if anchor is not None:
                anchor.addnext(found)
            else:
                following = next((c for c in settings if c.tag not in before), None)
                if following is not None:
                    following.addprevious(found)
                else:
                    settings.append(found)
        if found is not None:
            anchor = found
