"""The parts of a Word package around its text: language, core properties, settings,
leftovers of the template, and the deterministic zip.

:func:`pakketbuild.writers.docx.render_docx` calls these after the document is built:
the document's language in its defaults, title/subject/author/dates from the content only,
the template's leftovers (thumbnail, app properties, remote references) removed, and the
package re-zipped with fixed times and order so the same content gives the same bytes.
python-docx is imported inside the functions, as in the writer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

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
