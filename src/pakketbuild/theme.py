"""Themes: the house style of an edition, from a W3C Design Tokens file.

A theme is ``content/themes/<id>/tokens.json`` in the Design Tokens Community Group
format (the format the NL Design System uses: groups, ``$value``, ``$type`` inherited
from the group, ``{group.token}`` aliases) plus optional font and logo files in the same
folder. This module reads, validates and resolves the tokens and checks their contrast;
it writes no output format. Each writer makes its own styling from the :class:`Theme`:
the HTML stylesheet ``assets/theme.css`` (:mod:`pakketbuild.writers.html_style`), the
PDF's custom properties (:mod:`pakketbuild.writers.pdf_style`), the Word styles
(:mod:`pakketbuild.writers.docx_style`) and the ODT styles
(:func:`pakketbuild.writers.odt.styles_xml`). The tokens pakketbuild reads (everything
else is ignored, so a file made for a design system can be used as it is):

===========================  ===========  =============================================
token                        ``$type``    used for
===========================  ===========  =============================================
``color.text``               color        body text (all formats)
``color.muted``              color        labels and notes
``color.background``         color        page background
``color.surface``            color        cards, footer, contact blocks, table heads
``color.border``             color        rules and borders
``color.link``               color        links (HTML, PDF, Word's Hyperlink style)
``color.link-visited``       color        visited links (HTML)
``color.heading``            color        headings (HTML, PDF, Word's Title/Heading)
``color.brand``              color        header band, cover rule, passage rule
``color.on-brand``           color        text on ``color.brand``
``color.focus``              color        focus ring and skip link (HTML)
``color.focus-text``         color        text on ``color.focus``
``font.family.body``         fontFamily   body text
``font.family.heading``      fontFamily   headings
``font.family.mono``         fontFamily   code
``spacing.1`` … ``spacing.5``  dimension  spacing steps (HTML)
``spacing.radius``           dimension    corner radius (HTML)
===========================  ===========  =============================================

Tokens a theme leaves out come from the built-in neutral theme
(``assets/themes/default/tokens.json``, the values of ``assets/site/site.css``).

Font files and the logo are declared under ``$extensions`` → ``nl.pakketbuild``::

    "$extensions": {"nl.pakketbuild": {
        "fonts": [{"family": "Voorbeeld Sans", "file": "fonts/VoorbeeldSans-Regular.ttf",
                   "weight": 400, "style": "normal"}],
        "logo": {"file": "logo.svg", "alt": "Logo van …", "docx": "logo.png"}}}

A family with bundled files is used in every format (the PDF embeds only bundled fonts);
a family without files is used by the web pages only, where the reader's machine has it.
Word cannot show SVG, so the Word cover uses ``docx`` (PNG or JPEG) when the logo is SVG
(``docx`` is the name of that content field, :data:`LOGO_RASTER_FIELD`, not a format).

Every colour pair that carries text must reach the WCAG AA contrast of 4.5:1; a theme
that does not is refused (``low-contrast``) with the file, the line, both colours and the
ratio. Only validated values reach CSS (hex colours, plain family names, numeric
dimensions, file names of letters, digits, ``.``, ``_`` and ``-``), so a theme cannot
inject CSS. An SVG logo must pass :func:`pakketbuild.svgsafe.svg_problem`.

The module is longer than most (about 700 lines) but one thing: reading one token file
with positions for every problem (aliases, the 2025 object forms, the font and logo
entries and their files) into a :class:`Theme`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from pakketbuild import jobkeys, mediatypes
from pakketbuild.confine import Confined, Refusal, Refused, confine
from pakketbuild.i18n import _
from pakketbuild.jobkeys import Dep
from pakketbuild.svgsafe import svg_problem
from pakketbuild.yamlsafe import Located, Mark, YamlProblem, load_yaml

THEMES_DIR = "themes"
TOKENS_FILE = "tokens.json"
DEFAULT_THEME = "default"
EXTENSION = "nl.pakketbuild"
MIN_CONTRAST = 4.5
MAX_THEME_FILE = 10 * 1024 * 1024
"""Largest font or logo file a theme may bundle (10 MiB)."""
LOGO_RASTER_FIELD = "docx"
"""The logo's field for a PNG/JPEG copy of an SVG logo. A content field of the theme file
whose name existing themes use, not a format: this module names no output format (which
format uses the copy is its writer's choice; Word cannot show SVG)."""

COLOR_TOKENS = (
    "text", "muted", "background", "surface", "border", "link", "link-visited",
    "heading", "brand", "on-brand", "focus", "focus-text",
)  # fmt: skip
FONT_TOKENS = ("body", "heading", "mono")
SPACING_TOKENS = ("1", "2", "3", "4", "5", "radius")
CONTRAST_PAIRS = (
    ("text", "background"),
    ("muted", "background"),
    ("link", "background"),
    ("link-visited", "background"),
    ("heading", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("link", "surface"),
    ("link-visited", "surface"),
    ("on-brand", "brand"),
    ("focus-text", "focus"),
)
"""(text colour, background colour) pairs that occur in the output."""

_FAMILY = re.compile(r"^-?[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$")
_DIMENSION = re.compile(r"^(?:0|\d{1,4}(?:\.\d{1,4})?(?:px|rem|em|pt|mm))$")
_FILE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_ALIAS = re.compile(r"^\{([^{}]+)\}$")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
"""The font files a theme may bundle (TrueType, OpenType, WOFF, WOFF2)."""
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO", b"wOFF", b"wOF2")


@dataclass(frozen=True)
class ThemeProblem:
    """A problem in a theme file: 1-based position, code, message, token path."""

    line: int
    col: int
    code: str
    message: str
    field: str = ""
    path: Path | None = None
    """The file the problem is in when it is not ``tokens.json`` itself."""
    refused: Path | None = None
    """For ``path-outside-content``: the theme file refused (so the loader's check of
    every link does not report the link behind it again)."""


@dataclass(frozen=True)
class FontFile:
    """One bundled font file."""

    family: str
    path: Path
    """Absolute path of the file (inside the content folder)."""
    name: str
    """Path inside the theme folder (``fonts/x.ttf``), also its place under
    ``assets/theme/`` in the export."""
    weight: int
    style: str


@dataclass(frozen=True)
class Logo:
    """The logo with its text alternative."""

    path: Path
    name: str
    alt: str
    media_type: str
    raster: Path | None = None
    """A PNG/JPEG of the logo (the logo itself when it is not SVG), for formats that
    cannot show SVG; the theme file names it under :data:`LOGO_RASTER_FIELD`."""


@dataclass(frozen=True)
class Theme:
    """A validated theme."""

    id: str
    colors: Mapping[str, str]
    """Token name (``text``, ``link`` …) → ``#rrggbb``."""
    fonts: Mapping[str, tuple[str, ...]]
    """``body``/``heading``/``mono`` → family names in order of preference."""
    spacing: Mapping[str, str]
    font_files: tuple[FontFile, ...] = ()
    logo: Logo | None = None
    folder: Path | None = None
    """The theme's folder in the content (None for the built-in theme)."""
    source: Path | None = None
    """``tokens.json`` in the content (None for the built-in theme)."""

    @property
    def builtin(self) -> bool:
        return self.source is None

    @property
    def dep_keys(self) -> tuple[Dep, ...]:
        """Content keys of this theme's files (``theme:<id>`` and one per bundled file);
        none for the built-in theme, which is package data like the templates."""
        if self.builtin:
            return ()
        return (
            jobkeys.theme_dep(self.id),
            *(jobkeys.theme_file_dep(self.id, n) for n in self.files()),
        )

    def files(self) -> dict[str, Path]:
        """Bundled files: name inside the theme folder → absolute path."""
        out = {f.name: f.path for f in self.font_files}
        if self.logo is not None:
            out[self.logo.name] = self.logo.path
        return dict(sorted(out.items()))

    def bundled(self, role: str) -> list[str]:
        """The families of ``role`` that have bundled font files, in order."""
        have = {f.family for f in self.font_files}
        return [family for family in self.fonts[role] if family in have]


# --------------------------------------------------------------------------- contrast


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 … 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


# --------------------------------------------------------------------------- parsing


@dataclass
class _Token:
    value: Any
    type: str | None
    mark: Mark
    origin: str
    """``theme`` (the file being read) or ``default``."""


@dataclass
class _Parse:
    theme_id: str
    located: Located | None
    problems: list[ThemeProblem] = field(default_factory=list)

    def mark(self, loc: tuple[str | int, ...]) -> Mark:
        if self.located is None:
            return Mark(1, 1)
        return self.located.value_mark(loc)

    def problem(
        self, mark: Mark, code: str, message: str, name: str = "", refused: Path | None = None
    ) -> None:
        self.problems.append(
            ThemeProblem(mark.line, mark.col, code, message, name, refused=refused)
        )


def _flatten(
    node: Any,
    prefix: tuple[str, ...],
    inherited: str | None,
    out: dict[str, _Token],
    parse: _Parse | None,
    origin: str,
) -> None:
    if not isinstance(node, dict):
        return
    group_type = node.get("$type", inherited)
    if "$value" in node:
        mark = parse.mark((*prefix, "$value")) if parse else Mark(1, 1)
        out[".".join(prefix)] = _Token(
            node["$value"], group_type if isinstance(group_type, str) else None, mark, origin
        )
        return
    for key, child in node.items():
        if not key.startswith("$"):
            _flatten(child, (*prefix, key), group_type, out, parse, origin)


@lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    text = (
        resources.files("pakketbuild")
        .joinpath("assets", "themes", DEFAULT_THEME, TOKENS_FILE)
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


@lru_cache(maxsize=1)
def default_theme() -> Theme:
    """The built-in neutral theme."""
    theme, problems = _build(DEFAULT_THEME, None, _Parse(DEFAULT_THEME, None), None, None)
    assert theme is not None and not problems, problems
    return theme


def parse_theme(
    theme_id: str, text: str, folder: Path, content_root: Path
) -> tuple[Theme | None, list[ThemeProblem]]:
    """Read ``tokens.json`` of the theme in ``folder``; problems carry 1-based positions."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            ThemeProblem(
                exc.lineno,
                exc.colno,
                "invalid-theme",
                _(
                    "the file is not valid JSON (check the commas, quotes and brackets near "
                    "this place); design-token files are JSON"
                ),
            )
        ]
    if not isinstance(data, dict):
        return None, [
            ThemeProblem(
                1, 1, "invalid-theme", _("the file must hold one JSON object {{ … }}").format()
            )
        ]
    try:
        located: Located | None = load_yaml(text)  # JSON is YAML: gives line numbers
    except YamlProblem:
        located = None  # valid JSON that libyaml cannot read (tabs): no positions
    parse = _Parse(theme_id, located)
    return _build(theme_id, data, parse, folder, content_root)


def _build(
    theme_id: str,
    data: dict[str, Any] | None,
    parse: _Parse,
    folder: Path | None,
    content_root: Path | None,
) -> tuple[Theme | None, list[ThemeProblem]]:
    tokens: dict[str, _Token] = {}
    _flatten(_default_data(), (), None, tokens, None, "default")
    if data is not None:
        _flatten(data, (), None, tokens, parse, "theme")

    colors: dict[str, str] = {}
    for name in COLOR_TOKENS:
        value, token = _resolve(f"color.{name}", tokens, parse)
        if token is None:
            continue
        color = _color(value)
        if token.type not in (None, "color") or color is None:
            parse.problem(
                token.mark,
                "invalid-theme",
                _("'{token}' must be a colour such as \"#154273\" (found {found})").format(
                    token=f"color.{name}", found=_show(value)
                ),
                f"color.{name}",
            )
            continue
        colors[name] = color
    fonts: dict[str, tuple[str, ...]] = {}
    for name in FONT_TOKENS:
        value, token = _resolve(f"font.family.{name}", tokens, parse)
        if token is None:
            continue
        families = [value] if isinstance(value, str) else value
        if (
            token.type not in (None, "fontFamily")
            or not isinstance(families, list)
            or not families
            or not all(isinstance(f, str) and _FAMILY.match(f) for f in families)
        ):
            parse.problem(
                token.mark,
                "invalid-theme",
                _(
                    "'{token}' must be a font name or a list of names made of "
                    "letters, digits, spaces and hyphens (found {found})"
                ).format(token=f"font.family.{name}", found=_show(value)),
                f"font.family.{name}",
            )
            continue
        fonts[name] = tuple(families)
    spacing: dict[str, str] = {}
    for name in SPACING_TOKENS:
        value, token = _resolve(f"spacing.{name}", tokens, parse)
        if token is None:
            continue
        dimension = _dimension(value)
        if token.type not in (None, "dimension") or dimension is None:
            parse.problem(
                token.mark,
                "invalid-theme",
                _('\'{token}\' must be a size such as "1rem" or "4px" (found {found})').format(
                    token=f"spacing.{name}", found=_show(value)
                ),
                f"spacing.{name}",
            )
            continue
        spacing[name] = dimension

    font_files: tuple[FontFile, ...] = ()
    logo: Logo | None = None
    extension = (data or {}).get("$extensions", {})
    ours = extension.get(EXTENSION) if isinstance(extension, dict) else None
    if ours is not None and folder is not None and content_root is not None:
        font_files, logo = _extensions(ours, parse, folder, content_root)

    if len(colors) == len(COLOR_TOKENS):
        for text_name, back_name in CONTRAST_PAIRS:
            ratio = contrast_ratio(colors[text_name], colors[back_name])
            if ratio + 1e-9 < MIN_CONTRAST:
                text_token = tokens[f"color.{text_name}"]
                back_token = tokens[f"color.{back_name}"]
                at = text_token if text_token.origin == "theme" else back_token
                parse.problem(
                    at.mark,
                    "low-contrast",
                    _(
                        "'{text}' ({text_colour}) on '{back}' ({back_colour}) has a contrast "
                        "of {ratio}:1; WCAG AA needs at least {minimum}:1 for text, so choose "
                        "a darker or lighter colour"
                    ).format(
                        text=f"color.{text_name}",
                        text_colour=colors[text_name],
                        back=f"color.{back_name}",
                        back_colour=colors[back_name],
                        ratio=f"{ratio:.2f}",
                        minimum=MIN_CONTRAST,
                    ),
                    f"color.{text_name}",
                )
    if parse.problems:
        return None, parse.problems
    return (
        Theme(
            id=theme_id,
            colors=colors,
            fonts=fonts,
            spacing=spacing,
            font_files=font_files,
            logo=logo,
            folder=folder if data is not None else None,
            source=(folder / TOKENS_FILE) if data is not None and folder is not None else None,
        ),
        [],
    )


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _resolve(name: str, tokens: dict[str, _Token], parse: _Parse) -> tuple[Any, _Token | None]:
    """The value of token ``name`` after following ``{aliases}``; the token returned is
    the one named (where a problem is reported)."""
    first = tokens.get(name)
    if first is None:  # pragma: no cover - the default theme defines every token
        return None, None
    token = first
    seen = [name]
    while isinstance(token.value, str) and (match := _ALIAS.match(token.value.strip())):
        target = match.group(1).strip()
        if target in seen:
            parse.problem(
                first.mark,
                "invalid-theme",
                _("the references of '{name}' go round in a circle ({chain})").format(
                    name=name, chain=" → ".join([*seen, target])
                ),
                name,
            )
            return None, None
        seen.append(target)
        found = tokens.get(target)
        if found is None:
            parse.problem(
                first.mark,
                "invalid-theme",
                _("'{name}' refers to '{{{target}}}', but there is no token '{target}'").format(
                    name=name, target=target
                ),
                name,
            )
            return None, None
        token = found
    return token.value, first


def _color(value: Any) -> str | None:
    if isinstance(value, dict):  # DTCG 2025: {"colorSpace": "srgb", "components": […]}
        if isinstance(value.get("hex"), str):
            value = value["hex"]
        elif value.get("colorSpace") == "srgb" and isinstance(value.get("components"), list):
            parts = value["components"]
            alpha = value.get("alpha", 1)
            if (
                len(parts) != 3
                or alpha != 1
                or not all(isinstance(p, int | float) and 0 <= p <= 1 for p in parts)
            ):
                return None
            return "#" + "".join(f"{round(p * 255):02x}" for p in parts)
        else:
            return None
    if not isinstance(value, str) or not _HEX.match(value):
        return None
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 8:
        if digits[6:] != "ff":
            return None  # a translucent colour has no fixed contrast
        digits = digits[:6]
    return "#" + digits


def _dimension(value: Any) -> str | None:
    if isinstance(value, dict):  # DTCG 2025: {"value": 1, "unit": "rem"}
        number, unit = value.get("value"), value.get("unit")
        if not isinstance(number, int | float) or unit not in ("px", "rem"):
            return None
        value = f"{number:g}{unit}"
    if isinstance(value, str) and _DIMENSION.match(value):
        return value
    return None


def _extensions(
    ours: Any, parse: _Parse, folder: Path, content_root: Path
) -> tuple[tuple[FontFile, ...], Logo | None]:
    base = ("$extensions", EXTENSION)
    if not isinstance(ours, dict):
        parse.problem(
            parse.mark(base),
            "invalid-theme",
            _("'{name}' must be an object").format(name=EXTENSION),
        )
        return (), None
    unknown = sorted(set(ours) - {"fonts", "logo"})
    if unknown:
        parse.problem(
            parse.mark((*base, unknown[0])),
            "invalid-theme",
            _("'{name}' is not known under '{group}'; use 'fonts' and 'logo'").format(
                name=unknown[0], group=EXTENSION
            ),
        )
    fonts: list[FontFile] = []
    entries = ours.get("fonts", [])
    if not isinstance(entries, list):
        parse.problem(parse.mark((*base, "fonts")), "invalid-theme", _("'fonts' must be a list"))
        entries = []
    for index, entry in enumerate(entries):
        font = _font(entry, (*base, "fonts", index), parse, folder, content_root)
        if font is not None:
            fonts.append(font)
    entry = ours.get("logo")
    logo = None if entry is None else _logo(entry, (*base, "logo"), parse, folder, content_root)
    return tuple(fonts), logo


def _font(
    entry: Any, loc: tuple[str | int, ...], parse: _Parse, folder: Path, content_root: Path
) -> FontFile | None:
    """One entry of ``fonts``, or None when it has a problem (reported)."""
    if not isinstance(entry, dict) or set(entry) - {"family", "file", "weight", "style"}:
        parse.problem(
            parse.mark(loc),
            "invalid-theme",
            _(
                "a font is an object with 'family', 'file', and optionally 'weight' "
                "(100-900) and 'style' ('normal' or 'italic')"
            ),
        )
        return None
    family, weight, style = (
        entry.get("family"),
        entry.get("weight", 400),
        entry.get("style", "normal"),
    )
    if not isinstance(family, str) or not _FAMILY.match(family):
        parse.problem(
            parse.mark((*loc, "family")),
            "invalid-theme",
            _("'family' must be a font name of letters, digits, spaces and hyphens"),
        )
        return None
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    if not isinstance(weight, int) or weight not in range(100, 1000, 100):
        parse.problem(
            parse.mark((*loc, "weight")),
            "invalid-theme",
            _("'weight' must be 100, 200, … 900 (400 regular, 700 bold)"),
        )
        return None
    if style not in ("normal", "italic"):
        parse.problem(
            parse.mark((*loc, "style")), "invalid-theme", _("'style' must be normal or italic")
        )
        return None
    path = _theme_file(
        entry.get("file"), (*loc, "file"), FONT_SUFFIXES, parse, folder, content_root
    )
    if path is None:
        return None
    if not path[1].read_bytes()[:4].startswith(_FONT_MAGIC):
        parse.problem(
            parse.mark((*loc, "file")),
            "invalid-theme",
            _("'{file}' is not a TrueType, OpenType or WOFF font").format(file=path[0]),
        )
        return None
    unusable = _font_problem(path[1].read_bytes())
    if unusable is not None:
        parse.problem(parse.mark((*loc, "file")), "invalid-theme", unusable.format(file=path[0]))
        return None
    return FontFile(family, path[1], path[0], weight, style)


def _logo(
    entry: Any, where: tuple[str | int, ...], parse: _Parse, folder: Path, content_root: Path
) -> Logo | None:
    """The ``logo`` entry, or None when it has a problem (reported)."""
    alt = entry.get("alt") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or set(entry) - {"file", "alt", LOGO_RASTER_FIELD}:
        parse.problem(
            parse.mark(where),
            "invalid-theme",
            _(
                "'logo' is an object with 'file' (SVG or PNG), 'alt' (its text "
                "alternative) and optionally 'docx' (a PNG for Word when the logo is SVG)"
            ),
        )
        return None
    if not isinstance(alt, str) or not alt.strip() or "\n" in alt or len(alt) > 200:
        parse.problem(
            parse.mark((*where, "alt") if "alt" in entry else where),
            "invalid-theme",
            _(
                "the logo needs 'alt': one line of text that says what the logo shows, "
                "such as 'Logo van de vereniging'"
            ),
        )
        return None
    found = _theme_file(
        entry.get("file"), (*where, "file"), (".svg", ".png"), parse, folder, content_root
    )
    raster = None
    if LOGO_RASTER_FIELD in entry:
        extra = _theme_file(
            entry.get(LOGO_RASTER_FIELD), (*where, LOGO_RASTER_FIELD), (".png", ".jpg"),
            parse, folder, content_root,
        )  # fmt: skip
        raster = extra[1] if extra else None
    if found is None:
        return None
    logo_name, logo_path = found
    suffix = PurePosixPath(logo_name).suffix.lower()
    if suffix == ".png" and raster is None:
        raster = logo_path
    unsafe = svg_problem(logo_path.read_bytes()) if suffix == ".svg" else None
    if unsafe is not None:
        parse.problem(
            parse.mark((*where, "file")),
            "unsafe-svg",
            _(
                "the logo '{name}' {problem}; a logo must be a plain picture "
                "(export it again without scripts, links or external files, or "
                "use a PNG)"
            ).format(name=logo_name, problem=unsafe),
            "logo.file",
        )
        return None
    return Logo(logo_path, logo_name, alt.strip(), mediatypes.of_name(logo_name), raster)


FS_TYPE_RESTRICTED = 0x0002
"""OS/2 ``fsType`` "restricted licence": the font may not be embedded anywhere."""


def _font_problem(data: bytes) -> str | None:
    """Why a bundled font file cannot be used (a message with ``{file}``), or None.

    The documents embed every bundled font (the PDF always, Word and ODT files when
    the font's licence allows editable embedding), so the file must be a font that
    fontTools can read, with outlines and a character map, whose licence bits (OS/2
    ``fsType``) do not forbid embedding altogether."""
    import io

    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        usable = font.getBestCmap() and any(t in font for t in ("glyf", "CFF ", "CFF2"))
        fs_type = int(font["OS/2"].fsType) if "OS/2" in font else 0
        font["name"].getDebugName(1)
    except Exception:  # fontTools raises many kinds for a damaged file
        usable, fs_type = False, 0
    if not usable:
        return _(
            "'{file}' cannot be read as a font (a damaged or incomplete file?); export the "
            "font again or use another file"
        )
    if fs_type & 0x000F == FS_TYPE_RESTRICTED:
        return _(
            "the licence of the font '{file}' does not allow embedding it in documents (it "
            "is marked 'restricted'); use a font that may be embedded, such as one under "
            "the SIL Open Font License"
        )
    return None


def _theme_file(
    value: Any,
    loc: tuple[str | int, ...],
    suffixes: tuple[str, ...],
    parse: _Parse,
    folder: Path,
    content_root: Path,
) -> tuple[str, Path] | None:
    mark = parse.mark(loc)
    if not isinstance(value, str):
        parse.problem(mark, "invalid-theme", _("give the file as a path inside the theme folder"))
        return None
    parts = value.split("/")
    if not all(_FILE_PART.match(part) for part in parts) or len(parts) > 4:
        parse.problem(
            mark,
            "path-outside-content",
            _(
                "'{value}' must be a path inside the theme folder made of letters, digits, "
                "'.', '_' and '-', such as 'fonts/Sans-Regular.ttf'"
            ).format(value=value[:80]),
        )
        return None
    if PurePosixPath(value).suffix.lower() not in suffixes:
        parse.problem(
            mark,
            "invalid-theme",
            _("'{value}' must be a {types} file").format(value=value, types=", ".join(suffixes)),
        )
        return None
    found = confine(folder / value, content_root.resolve())
    refused = found.reason if isinstance(found, Refused) else None
    if refused in (Refusal.MISSING, Refusal.DANGLING):
        parse.problem(
            mark,
            "missing-file",
            _("'{value}' does not exist in the theme folder").format(value=value),
        )
        return None
    if refused is Refusal.OUTSIDE:
        parse.problem(
            mark,
            "path-outside-content",
            _("'{value}' leads outside the content folder (a link?); copy the file in").format(
                value=value
            ),
            refused=folder / value,
        )
        return None
    if not isinstance(found, Confined):
        parse.problem(mark, "not-a-file", _("'{value}' is not a regular file").format(value=value))
        return None
    if found.st_size > MAX_THEME_FILE:
        parse.problem(
            mark,
            "file-too-large",
            _("'{value}' is larger than {limit} bytes").format(
                value=value, limit=f"{MAX_THEME_FILE:,}"
            ),
        )
        return None
    return value, found.path
