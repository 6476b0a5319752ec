"""The typeface of the documents: one family for the PDF, Word and ODT files, and the
font subsets that Word and ODT files carry.

Decision (``docs/documents.md``, *Fonts*): the house family is **Liberation Sans**
(:data:`SANS`, SIL OFL 1.1, bundled in ``assets/fonts/``), metric-compatible with Arial,
and **Liberation Mono** (:data:`MONO`) for code, metric-compatible with Courier New.
The PDF embeds them like any font; Word and ODT files name them and carry subsets of
them, and Word files name Arial / Courier New as the alternative (``w:altName``), so a
reader whose Word ignores the embedded font gets a font with the same advance widths and
the same line breaks. A theme that bundles its own fonts (``theme.bundled(role)``) has
those used and embedded in the same way instead (:func:`family`).

This module decides which family each role gets and makes the subsets
(:func:`subset`): deterministic (no timestamp recalculation), the font's copyright and
licence names kept, the characters of the document plus :data:`EDITING_TEXT` so that a
reader can go on typing Dutch text in the embedded font. The format-specific markup
(Word's font table and obfuscated parts, ODF's ``svg:font-face-src``) is beside each
writer. fontTools (a WeasyPrint dependency) is imported in functions only.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pakketbuild.theme import FontFile, Theme

FONTS_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"


@dataclass(frozen=True)
class Face:
    """One font file of a family, in one of the four faces Word and ODF style-link."""

    path: Path
    bold: bool
    italic: bool


@dataclass(frozen=True)
class Family:
    """A family the documents name, with the files pakketbuild has for it."""

    name: str
    faces: tuple[Face, ...]
    alt: str | None = None
    """A font of every Windows and macOS machine with the same metrics (Word's
    ``w:altName``); None for a theme's own family."""
    generic: str = "swiss"
    """ODF ``style:font-family-generic`` and Word ``w:family``: ``swiss`` or ``modern``."""
    fixed: bool = False
    """Fixed pitch (a monospaced family)."""

    def face(self, *, bold: bool, italic: bool) -> Face | None:
        """The file of that face, if the family has one."""
        return next((f for f in self.faces if (f.bold, f.italic) == (bold, italic)), None)


def _house(name: str, stems: Mapping[tuple[bool, bool], str], **kwargs: object) -> Family:
    faces = tuple(Face(FONTS_DIR / f"{stem}.ttf", b, i) for (b, i), stem in stems.items())
    return Family(name, faces, **kwargs)  # type: ignore[arg-type]


SANS = _house(
    "Liberation Sans",
    {
        (False, False): "LiberationSans-Regular",
        (True, False): "LiberationSans-Bold",
        (False, True): "LiberationSans-Italic",
        (True, True): "LiberationSans-BoldItalic",
    },
    alt="Arial",
)
"""The house family of body text and headings (Arial's metrics)."""
MONO = _house(
    "Liberation Mono",
    {(False, False): "LiberationMono-Regular"},
    alt="Courier New",
    generic="modern",
    fixed=True,
)
"""The house family of code (Courier New's metrics); one face, as code is rare."""
FALLBACK = FONTS_DIR / "DejaVuSans.ttf"
"""DejaVu Sans, the PDF's fallback for characters Liberation Sans lacks (✓, most
symbols); Word and LibreOffice fall back to a font of the reader's machine."""
HOUSE = (SANS, MONO)

EDITING_TEXT = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x100))
    + "\u2018\u2019\u201a\u201c\u201d\u201e\u2039\u203a"  # quotes
    + "\u2013\u2014\u2026\u2022\u25e6\u25aa\u20ac\u0133\u0132"  # dashes, bullets, euro, ij
)
"""Characters every embedded subset holds besides the document's own: printable ASCII,
Latin-1 (every Dutch letter with diacritics), quotes, dashes, bullets and the euro sign,
so a reader can edit the text without leaving the embedded font."""


def _faces_of(theme: Theme, name: str) -> tuple[Face, ...]:
    """A theme family's files in the four style-linked faces: bold from weight 600 on;
    of two files for one face the one nearest to 400 (700 for bold) wins."""
    chosen: dict[tuple[bool, bool], FontFile] = {}
    for font in theme.font_files:
        if font.family != name:
            continue
        key = (font.weight >= 600, font.style == "italic")
        target = 700 if key[0] else 400
        best = chosen.get(key)
        if best is None or abs(font.weight - target) < abs(best.weight - target):
            chosen[key] = font
    return tuple(Face(f.path, b, i) for (b, i), f in sorted(chosen.items()))


def family(theme: Theme, role: str) -> Family:
    """The family of ``role`` (``body``, ``heading``, ``mono``) in the documents: the
    theme's first family with bundled files (a heading without one takes the body's),
    else the house family (:data:`SANS`, :data:`MONO`)."""
    if role == "mono":
        names = theme.bundled("mono")
    elif role == "heading":
        names = theme.bundled("heading") or theme.bundled("body")
    else:
        names = theme.bundled("body")
    if names:
        faces = _faces_of(theme, names[0])
        fixed = bool(faces) and _fixed_pitch(faces[0].path, faces[0].path.stat().st_mtime_ns)
        return Family(names[0], faces, generic="modern" if fixed else "swiss", fixed=fixed)
    return MONO if role == "mono" else SANS


@lru_cache(maxsize=32)
def _fixed_pitch(path: Path, mtime_ns: int) -> bool:
    """Whether a font file says it is monospaced (``post.isFixedPitch``); remembered per
    file version."""
    from fontTools.ttLib import TTFont

    try:
        return bool(TTFont(path, lazy=True)["post"].isFixedPitch)
    except Exception:  # checked when the theme was read; a file changed since: say no
        return False


def families(theme: Theme) -> dict[str, Family]:
    """Every family the documents of ``theme`` may name (body, heading, code), by name."""
    found = {f.name: f for f in HOUSE}
    for role in ("body", "heading", "mono"):
        chosen = family(theme, role)
        found[chosen.name] = chosen
    return dict(sorted(found.items()))


# --------------------------------------------------------------------------- embedding

FaceKey = tuple[bool, bool]
"""(bold, italic)."""


def to_embed(
    theme: Theme, used: Mapping[str, set[FaceKey]], text: str
) -> dict[str, dict[FaceKey, Subset]]:
    """Family → face → subset, for every face the text uses (``used``, plus the regular
    face) of each family pakketbuild has files for (the house families, the theme's
    bundled ones); a template's or a machine's family is left out (named only), and so is
    a face whose licence forbids embedding it."""
    known = families(theme)
    found: dict[str, dict[FaceKey, Subset]] = {}
    for name in sorted(used):
        family = known.get(name)
        if family is None:
            continue
        for bold, italic in sorted(used[name] | {(False, False)}):
            face = family.face(bold=bold, italic=italic)
            cut = subset(face, text, name) if face is not None else None
            if cut is not None:
                found.setdefault(name, {})[(bold, italic)] = cut
    return found


FS_TYPE_RESTRICTED = 0x0002
FS_TYPE_PREVIEW_PRINT = 0x0004
FS_TYPE_EDITABLE = 0x0008
FS_TYPE_NO_SUBSETTING = 0x0100
FS_TYPE_BITMAP_ONLY = 0x0200


def editable_embedding(fs_type: int) -> bool:
    """Whether a font's OS/2 ``fsType`` lets a document that can be edited carry it:
    installable (0) or editable embedding, and outlines (not bitmaps only). "Preview &
    print" fonts would make Word open the file read-only and LibreOffice ignores them
    (``EmbeddedFontsHelper::sufficientTTFRights``), so they are named, not embedded."""
    usage = fs_type & 0x000F
    return (usage == 0 or bool(usage & FS_TYPE_EDITABLE)) and not fs_type & FS_TYPE_BITMAP_ONLY


@dataclass(frozen=True)
class Subset:
    """The bytes of one face to embed."""

    data: bytes
    truetype: bool
    """TrueType outlines (``glyf``); else CFF (an OpenType/PostScript font)."""
    subsetted: bool
    """False when the font's licence forbids subsetting (then it is embedded whole)."""


def subset(face: Face, text: Iterable[str], family_name: str) -> Subset | None:
    """The face cut down to ``text`` and :data:`EDITING_TEXT`, as an sfnt (WOFF and WOFF2
    unpacked), named ``family_name`` (a theme's file may call itself otherwise); None
    when its licence forbids embedding it in an editable document.

    Deterministic: the same file, text and name give the same bytes (``head.modified``
    is kept, tables are written in fontTools' fixed order). The copyright and licence
    entries of the ``name`` table are kept (OFL-FAQ 1.15: embedded fonts keep their
    authorship and licence). Characters outside :data:`EDITING_TEXT` are rare in Dutch
    text, so most documents need a house face's :data:`EDITING_TEXT` subset, which the
    package ships ready-made (:func:`shipped_subset`: making one costs fontTools about a
    tenth of a second); others are made here and remembered per process by the file's
    digest."""
    extra = "".join(sorted(set("".join(text)) - set(EDITING_TEXT)))
    shipped = shipped_subset(face, family_name)
    if not extra and shipped.is_file():
        return Subset(shipped.read_bytes(), truetype=True, subsetted=True)
    data = face.path.read_bytes()
    key = (hashlib.sha256(data).hexdigest(), extra, family_name, face.bold, face.italic)
    if key not in _SUBSETS:
        if len(_SUBSETS) >= _MAX_SUBSETS:
            del _SUBSETS[next(iter(_SUBSETS))]
        _SUBSETS[key] = make_subset(data, EDITING_TEXT + extra, family_name, face)
    return _SUBSETS[key]


SUBSETS_DIR = FONTS_DIR / "subsets"


def shipped_subset(face: Face, family_name: str) -> Path:
    """Where the package ships the :data:`EDITING_TEXT` subset of a house face (made by
    ``scripts/font_subsets.py``, ``make font-subsets``; a test fails when one is not what
    :func:`make_subset` makes now). A theme's face has none: the path does not exist."""
    house = face.path.parent == FONTS_DIR and family_name in {f.name for f in HOUSE}
    return SUBSETS_DIR / face.path.name if house else SUBSETS_DIR / "-"


_SUBSETS: dict[tuple[str, str, str, bool, bool], Subset | None] = {}
_MAX_SUBSETS = 64


def make_subset(data: bytes, text: str, name: str, face: Face) -> Subset | None:
    """The subset of ``data`` (the file of ``face``) for ``text``, named ``name``."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    fs_type = int(font["OS/2"].fsType) if "OS/2" in font else 0
    if not editable_embedding(fs_type):
        return None
    whole = bool(fs_type & FS_TYPE_NO_SUBSETTING)
    if not whole:
        options = ft_subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.recalc_timestamp = False
        options.drop_tables = [*options.drop_tables, "FFTM"]
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
    _rename(font, name, bold=face.bold, italic=face.italic)
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return Subset(out.getvalue(), truetype="glyf" in font, subsetted=not whole)


def _rename(font: object, name: str, *, bold: bool, italic: bool) -> None:
    """Give the font the family name the document uses for it, when its own differs (a
    theme's ``family`` is a name of the theme's choice): family, face, full and
    PostScript names. A house font keeps its own names."""
    table = font["name"]  # type: ignore[index]
    own = table.getDebugName(16) or table.getDebugName(1)
    if own == name:
        return
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
             (True, True): "Bold Italic"}[(bold, italic)]  # fmt: skip
    postscript = "".join(c for c in f"{name}-{style.replace(' ', '')}" if c.isalnum() or c == "-")
    for name_id in (16, 17, 21, 22):  # typographic and WWS names: the family's own
        table.removeNames(nameID=name_id)
    for name_id, value in ((1, name), (2, style), (4, f"{name} {style}"), (6, postscript)):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
