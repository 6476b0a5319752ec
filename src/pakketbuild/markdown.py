"""Markdown: one parser configuration for every output format.

One module on purpose: the parser configuration, the checks (:func:`lint`) and the
renderers must agree token for token on what a body means (links, passages, headings), so
they share one parser and its rules.

Decisions (documented in the README):

* Raw HTML is never passed through. The renderer escapes it, and ``check`` refuses it
  (``raw-html``) so editors learn that it would show up as literal tags.
* Only ``https:``, ``mailto:``, ``tel:`` and in-page (``#…``) links survive; any other link
  is a ``check`` error (``unsafe-link``) and is rendered as plain text.
* Images are not allowed in bodies (``image-not-allowed``): they would make readers'
  browsers call other hosts and need alt text management the source does not have.
* Section headings start at ``##`` (the item title is the page heading); ``#`` is refused.
* Headings get stable ids derived from their text (``woning-en-omgeving``), de-duplicated.
* Passages for some audiences only are a container block ``::: alleen-voor raadslid``
  … ``:::`` (one or more audience ids, separated by spaces or commas). The full edition
  shows them as a labelled block; :func:`select_passages` removes or unwraps them for a
  view, once, at the Markdown level, so every format gets the same cut.

Each text is parsed once per process (:func:`tokens`, a cache keyed by the text): the
checks (:func:`lint`), the HTML fragment of :func:`render_html` (the HTML pages, the JSON
``body_html``/``content_html`` and the PDF), the plain text of :func:`render_text`, the
syntax tree of :func:`token_tree` (Word, ODT) and the audience cuts all read the same
token stream, and none of them changes it. The checks need a permissive parse (raw HTML,
every link, every ``:::`` block); the publishing parse notes whether the text holds
anything that the two configurations parse differently (:data:`_PROBE`), and only then
does :func:`lint` parse the text a second time, permissively.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NoReturn, cast

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from pakketbuild.i18n import _

ALLOWED_SCHEMES = ("https:", "mailto:", "tel:")
UNBREAKABLE_SCHEMES = ("tel:",)
"""Links whose text never breaks over two lines, in any format: phone numbers (the
contacts' and those of running text). Each writer keeps them whole its own way: the
stylesheets of the web pages and the PDF with ``a[href^="tel:"] { white-space: nowrap }``,
Word with non-breaking hyphens and spaces, ODT with U+2011 and U+00A0."""
PASSAGE = "alleen-voor"
"""Name of the container block that holds a passage for some audiences only."""
PASSAGE_TOKEN = f"container_{PASSAGE}"
"""markdown-it token type (``_open``/``_close``) and syntax-tree node type of a passage."""
_PASSAGE_SPLIT = re.compile(r"[\s,]+")
_MARKER_LINE = re.compile(r"^\s*:{3,}\s*$")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
MAX_HEADING_LEVEL = 4


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\s]")
r"""A control character or whitespace (``\s`` of a str pattern is ``str.isspace``)."""


class UnsupportedMarkdown(Exception):
    """A document renderer (Word, ODT) met a Markdown node type it has no rule for: a bug
    in pakketbuild, since the checks admit only what every renderer handles."""


def unsupported(node: Any, renderer: str) -> NoReturn:
    """Raise :class:`UnsupportedMarkdown` for ``node`` of the syntax tree, naming the
    renderer (``"DOCX"``, ``"ODT"``) and the node's line."""
    line = f" (line {node.map[0] + 1})" if getattr(node, "map", None) else ""
    raise UnsupportedMarkdown(
        f"the {renderer} renderer has no rule for Markdown node '{node.type}'{line}; "
        "this is a bug in pakketbuild"
    )


def link_allowed(url: str) -> bool:
    """True for the links we publish: https, mailto, tel and in-page anchors."""
    stripped = url.strip()
    if stripped.startswith("#"):
        return True
    if _CONTROL_OR_SPACE.search(stripped):
        return False
    match = _SCHEME.match(stripped)
    return (
        match is not None
        and f"{match.group(1).lower()}:" in ALLOWED_SCHEMES
        and (not stripped.lower().startswith("https:") or stripped.lower().startswith("https://"))
    )


class _Probe(threading.local):
    """Set while the publishing parser runs when the permissive parser of the checks
    would have taken another path: a link it refused, a ``:::`` block that is not a
    passage, or something raw HTML would have matched. Until then both parsers make the
    same calls with the same answers, so their token streams are the same (up to the
    name of the container's token type and the two core rules that only rewrite inline
    children: see :func:`_lint_tokens`)."""

    differs = False


_PROBE = _Probe()


def _validate_link(url: str) -> bool:
    allowed = link_allowed(url)
    if not allowed:
        _PROBE.differs = True
    return allowed


def _html_block_probe(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
    """In place of markdown-it's ``html_block`` (which does nothing with ``html``
    off): notes a line that it would take with ``html`` on (a superset of it)."""
    if not _PROBE.differs and not state.is_code_block(start_line):
        pos = state.bMarks[start_line] + state.tShift[start_line]
        if state.src[pos : pos + 1] == "<":
            line = state.src[pos : state.eMarks[start_line]]
            if any(sequence[0].search(line) for sequence in HTML_SEQUENCES):
                _PROBE.differs = True
    return False


def _html_inline_probe(state: Any, silent: bool) -> bool:
    """In place of markdown-it's ``html_inline`` (nothing with ``html`` off): notes a
    place where a tag could start (a superset of where it would match with ``html`` on,
    without its regular expression)."""
    src, pos = state.src, state.pos
    if (
        not _PROBE.differs
        and src[pos] == "<"
        and pos + 2 < state.posMax
        and (src[pos + 1] in "!?/" or (src[pos + 1].isascii() and src[pos + 1].isalpha()))
        and state.html_terminator_last(">") > pos
    ):
        _PROBE.differs = True
    return False


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The configured parser (CommonMark + tables, no raw HTML, strict links)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.block.ruler.at(
        "html_block", _html_block_probe, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.inline.ruler.at("html_inline", _html_inline_probe)
    container_plugin(md, PASSAGE, validate=_is_passage, render=_render_passage)
    md.core.ruler.push("limit_nesting", _limit_nesting)
    md.core.ruler.push("contact_links", _contact_links)
    return md


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+31[\s-]?|0)[\d][\d\s-]{7,13}\d(?![\w])")


_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(text: str) -> bool:
    """``any(c.isdigit() for c in text)``, without a Python loop for ASCII text."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(c.isdigit() for c in text)


def _contact_targets(text: str) -> list[tuple[int, int, str]]:
    """(start, end, href) of the e-mail addresses and Dutch phone numbers in running text,
    so a reader can tap them in every format (HTML, PDF, Word, ODT)."""
    found = [(m.start(), m.end(), f"mailto:{m.group(0)}") for m in _EMAIL.finditer(text)]
    if _has_digit(text):
        import phonenumbers

        for m in _PHONE_CANDIDATE.finditer(text):
            if any(m.start() < end and start < m.end() for start, end, _ in found):
                continue
            try:
                number = phonenumbers.parse(m.group(0), "NL")
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                found.append((m.start(), m.end(), f"tel:{e164}"))
    return sorted(found)


def _contact_links(state: Any) -> None:
    """Turn e-mail addresses and phone numbers written as plain text (outside links and
    code) into ``mailto:``/``tel:`` links."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        in_link = 0
        for child in token.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            if child.type != "text" or in_link or not child.content:
                children.append(child)
                continue
            text = child.content
            targets = _contact_targets(text) if ("@" in text or _has_digit(text)) else []
            if not targets:
                children.append(child)
                continue
            position = 0
            for start, end, href in targets:
                if start > position:
                    children.append(_text_token(text[position:start], child))
                link_open = Token("link_open", "a", 1, attrs={"href": href})
                link_open.level = child.level
                link_open.markup = "autolink"
                link_open.info = "auto"
                children += [
                    link_open,
                    _text_token(text[start:end], child, level=child.level + 1),
                    Token("link_close", "a", -1, level=child.level, markup="autolink", info="auto"),
                ]
                position = end
            if position < len(text):
                children.append(_text_token(text[position:], child))
        token.children = children


def _text_token(content: str, like: Token, level: int | None = None) -> Token:
    token = Token("text", "", 0, content=content)
    token.level = like.level if level is None else level
    return token


MAX_INLINE_NESTING = 10
"""Deepest nesting of inline markup (emphasis in emphasis …) that is kept. Block nesting is
bounded by markdown-it's ``maxNesting`` (20), emphasis is not: ``*****…a…*****`` would nest
hundreds deep and overflow the recursion of the DOCX renderer and WeasyPrint."""


def _limit_nesting(state: Any) -> None:
    """Drop the markers of inline markup nested deeper than :data:`MAX_INLINE_NESTING`,
    keeping their text (security: a hostile body must not crash a writer)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        kept: list[Token] = []
        dropped: list[bool] = []
        depth = 0
        for child in token.children:
            if child.nesting == 1:
                dropped.append(depth >= MAX_INLINE_NESTING)
                if dropped[-1]:
                    continue
                depth += 1
            elif child.nesting == -1:
                if dropped and dropped.pop():
                    continue
                depth -= 1
            kept.append(child)
        token.children = kept


_AUDIENCE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _is_passage(params: str, *args: Any) -> bool:
    if params.strip().split(maxsplit=1)[:1] == [PASSAGE]:
        return True
    _PROBE.differs = True  # the checks' parser opens a block here (and reports it)
    return False


def passage_audiences(info: str) -> list[str]:
    """The audience ids of a passage's opening line (``alleen-voor raadslid, statenlid``)."""
    rest = info.strip()[len(PASSAGE) :]
    return [name for name in _PASSAGE_SPLIT.split(rest) if name]


def passage_label(info: str) -> str:
    """``Alleen voor raadsleden en Statenleden``: the visible label of a passage."""
    from pakketbuild.model import AUDIENCE_LABELS, Audience

    names = []
    for name in passage_audiences(info):
        try:
            names.append(AUDIENCE_LABELS[Audience(name)][1])
        except ValueError:
            names.append(name)
    joined = ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else "".join(names)
    return f"Alleen voor {joined}"


def _render_passage(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any
) -> str:
    token = tokens[index]
    if token.nesting == 1:
        label = passage_label(token.info).replace("&", "&amp;").replace("<", "&lt;")
        # Machine-readable audience ids for partners who embed the HTML (ids are slugs;
        # anything else was refused by check and is dropped here).
        ids = " ".join(a for a in passage_audiences(token.info) if _AUDIENCE_ID.fullmatch(a))
        return (
            f'<div class="passage" data-audience="{ids}">\n<p class="passage-label">{label}</p>\n'
        )
    return "</div>\n"


@lru_cache(maxsize=1)
def _lint_parser() -> MarkdownIt:
    """A permissive parser that sees raw HTML and every link, for diagnostics only."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    # Every ':::' block, whatever its name, so that a misspelt one is reported.
    container_plugin(md, "block", validate=lambda params, *args: True)
    return md


TOKEN_CACHE_TEXTS = 4096
"""How many texts' token streams a process keeps (about 20 KiB each for a body of a few
paragraphs): every text of a content folder of up to a couple of thousand items, parsed
once while loading and reused by every format, also in the forked worker processes."""


def parse(text: str) -> list[Token]:
    """Tokens of ``text`` with the publishing configuration, parsed again (not cached:
    use :func:`tokens`)."""
    return _parsed(text)[0]


def tokens(text: str) -> list[Token]:
    """Tokens of ``text`` with the publishing configuration, parsed once per process.
    Shared by every caller: read them, never change them."""
    return _cached(text)[0]


@lru_cache(maxsize=TOKEN_CACHE_TEXTS)
def _cached(text: str) -> tuple[list[Token], bool]:
    return _parsed(text)


def _parsed(text: str) -> tuple[list[Token], bool]:
    """The publishing parse of ``text``, and whether the checks may read it (True: the
    permissive parser would have made the same tokens, see :class:`_Probe`)."""
    _PROBE.differs = False
    try:
        parsed = markdown_parser().parse(text)
        return parsed, not _PROBE.differs
    finally:
        _PROBE.differs = False


# --------------------------------------------------------------------------- diagnostics


@dataclass(frozen=True)
class MarkdownProblem:
    """A problem in Markdown text; ``line`` is 0-based within the text."""

    line: int
    code: str
    message: str


def lint(text: str) -> list[MarkdownProblem]:
    """Everything in ``text`` that would not be published as written."""
    parsed, same = _cached(text)
    return _lint_tokens(text, parsed if same else _lint_parser().parse(text))


def _lint_tokens(text: str, parsed: list[Token]) -> list[MarkdownProblem]:
    """The checks over the tokens of the permissive parser, or over the publishing
    tokens when they are the same (:class:`_Probe`): there a passage is a
    ``container_alleen-voor`` token instead of ``container_block``; the mail and phone
    links the publishing parser adds are allowed links, and the markers of deeply nested
    emphasis it drops are nothing the checks look at."""
    problems: list[MarkdownProblem] = []
    line = 0
    previous_level = 1  # the title is the page's h1
    lines = text.split("\n")
    for token in parsed:
        if token.map:
            line = token.map[0]
        if token.type == "paragraph_open" and token.map:
            problems.extend(_lint_list_lines(lines, token.map[0], token.map[1]))
        if token.type in ("container_block_open", f"{PASSAGE_TOKEN}_open"):
            problems.extend(_lint_passage(token, lines))
        if token.type == "html_block":
            problems.append(_raw_html(line))
        elif token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        _(
                            "a '#' heading is not allowed in the text (the title is the page "
                            "heading); start sections with '##'"
                        ),
                    )
                )
            elif level > MAX_HEADING_LEVEL:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        _(
                            "headings deeper than {marks} are not allowed; use a heading "
                            "with fewer '#'"
                        ).format(marks="#" * MAX_HEADING_LEVEL),
                    )
                )
            elif level > previous_level + 1 and previous_level == 1:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        _(
                            "the first heading in the text must start with '##' (the title is "
                            "the only larger heading); write '##' instead of '{marks}'"
                        ).format(marks="#" * level),
                    )
                )
            elif level > previous_level + 1:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        _(
                            "this heading skips a level ('{marks}' after '{previous}'); use "
                            "'{fix}' so screen readers can follow the structure"
                        ).format(
                            marks="#" * level,
                            previous="#" * previous_level,
                            fix="#" * (previous_level + 1),
                        ),
                    )
                )
            previous_level = max(level, 1) if level <= MAX_HEADING_LEVEL else previous_level
        for child in token.children or ():
            if child.type == "html_inline":
                problems.append(_raw_html(line))
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if not link_allowed(href):
                    problems.append(MarkdownProblem(line, "unsafe-link", link_problem(href)))
            elif child.type == "image":
                problems.append(
                    MarkdownProblem(
                        line,
                        "image-not-allowed",
                        _(
                            "images are not allowed in the text; describe the content in words "
                            "or add the file as a document"
                        ),
                    )
                )
    return problems


PASTED_BULLETS = "\u2022\u25e6\u25aa\u25ab\u25cf\u25cb\u25a0\u25a1\u2023\u00b7\u2013\u2014"
"""Bullets that word processors paste as text: • ◦ ▪ ▫ ● ○ ■ □ ‣ · and en/em dashes."""
_PASTED_BULLET = re.compile(f"^\\s*([{PASTED_BULLETS}])\\s*(\\S.*)$")
_STAR_NO_SPACE = re.compile(r"^\s*\*([^\s*][^*]*)$")
_NUMBER_NO_SPACE = re.compile(r"^\s*(\d{1,3})([.)])([^\s\d.)].*)$")


def _lint_list_lines(lines: list[str], start: int, end: int) -> list[MarkdownProblem]:
    """Lines of a paragraph that look like list entries but are not: a bullet pasted from
    a word processor (•, ◦, ▪, an en dash), a '*' without a space, or '1.text' without a space.
    Markdown joins such lines into one run-on paragraph."""
    problems: list[MarkdownProblem] = []
    for number in range(start, min(end, len(lines))):
        text = lines[number]
        bullet = _PASTED_BULLET.match(text)
        star = _STAR_NO_SPACE.match(text)
        numbered = _NUMBER_NO_SPACE.match(text)
        if bullet:
            problems.append(
                MarkdownProblem(
                    number,
                    "list-marker",
                    _(
                        "this line starts with '{mark}', which does not make a list here (pasted "
                        "from Word?), so the lines would run together; write '- {text}'"
                    ).format(mark=bullet.group(1), text=bullet.group(2)[:40]),
                )
            )
        elif star:
            problems.append(
                MarkdownProblem(
                    number,
                    "list-marker",
                    _(
                        "a list line needs a space after '*'; write '- {text}' so it becomes "
                        "a list entry"
                    ).format(text=star.group(1)[:40]),
                )
            )
        elif numbered:
            problems.append(
                MarkdownProblem(
                    number,
                    "list-marker",
                    _(
                        "a numbered line needs a space after '{number}{mark}'; write "
                        "'{number}{mark} {text}' so it becomes a numbered list"
                    ).format(
                        number=numbered.group(1),
                        mark=numbered.group(2),
                        text=numbered.group(3)[:40],
                    ),
                )
            )
    return problems


def link_problem(href: str) -> str:
    """Why a link is refused, and the fix when there is an obvious one."""
    shown = href.strip()[:60]
    lowered = shown.lower()
    if lowered.startswith("http://"):
        return _(
            "the link '{href}' is not secure; write 'https://{rest}' (with an s), or leave the "
            "link out if the site has no https"
        ).format(href=shown, rest=shown[7:])
    if lowered.startswith("www."):
        return _("the link '{href}' has no 'https://' in front; write 'https://{href}'").format(
            href=shown
        )
    if "@" in shown and ":" not in shown:
        return _("the link '{href}' looks like an e-mail address; write 'mailto:{href}'").format(
            href=shown
        )
    return _(
        "the link '{href}' is not allowed; links must start with "
        "https://, mailto: or tel: (or # for a heading on the same page)"
    ).format(href=shown)


def _lint_passage(token: Token, lines: list[str]) -> list[MarkdownProblem]:
    from pakketbuild.model import Audience

    assert token.map is not None
    line = token.map[0]
    words = token.info.strip().split(maxsplit=1)
    problems: list[MarkdownProblem] = []
    if not words:
        return [
            MarkdownProblem(
                line,
                "invalid-passage",
                _(
                    "a '{markup}' line must name who the passage is for, such as "
                    "'{markup} {passage} raadslid'; a lone '{markup}' only closes a passage"
                ).format(markup=token.markup, passage=PASSAGE),
            )
        ]
    if words[0] != PASSAGE:
        return [
            MarkdownProblem(
                line,
                "invalid-passage",
                _(
                    "'{markup} {word}' is not a known block; a passage for some "
                    "audiences only starts with '{markup} {passage} raadslid'"
                ).format(markup=token.markup, word=words[0][:40], passage=PASSAGE),
            )
        ]
    names = passage_audiences(token.info)
    known = [a.value for a in Audience]
    if not names:
        problems.append(
            MarkdownProblem(
                line,
                "invalid-passage",
                _(
                    "name at least one audience after '{passage}', such as "
                    "'{markup} {passage} raadslid'"
                ).format(markup=token.markup, passage=PASSAGE),
            )
        )
    for name in names:
        if name not in known:
            from pakketbuild.messages import hint_before

            problems.append(
                MarkdownProblem(
                    line,
                    "unknown-audience",
                    _("'{name}' is not an audience; {hint}choose from {known}").format(
                        name=name[:40], hint=hint_before(name, known), known=", ".join(known)
                    ),
                )
            )
    if not _closed(token, lines):
        problems.append(
            MarkdownProblem(
                line,
                "invalid-passage",
                _(
                    "the passage that starts here is never closed; add a line "
                    "'{markup}' after its last paragraph"
                ).format(markup=token.markup),
            )
        )
    return problems


def _closed(token: Token, lines: list[str]) -> bool:
    """True when the container ``token`` opens ends with its own ':::' line."""
    assert token.map is not None
    start, end = token.map
    if end >= len(lines) or not _MARKER_LINE.match(lines[end]):
        return False
    opening, closing = lines[start], lines[end]
    indent = len(opening) - len(opening.lstrip())
    return len(closing) - len(closing.lstrip()) >= indent - 3 and closing.strip().count(":") >= len(
        token.markup
    )


def passages(text: str) -> list[tuple[int, list[str]]]:
    """(0-based line, audience ids) of every passage in ``text``."""
    if ":::" not in text:
        return []
    return [
        (token.map[0], passage_audiences(token.info))
        for token in tokens(text)
        if token.type == f"{PASSAGE_TOKEN}_open" and token.map is not None
    ]


def select_passages(text: str, audiences: frozenset[str] | None) -> str:
    """``text`` as a reader in ``audiences`` sees it: passages for one of them lose their
    ':::' lines (their content stays), other passages are removed whole. ``None`` keeps
    every passage (the full edition, where they are shown labelled).

    Works on source lines (the parser's token maps), so code blocks, lists and every
    other construct stay exactly as written; removed lines become one empty line so the
    paragraphs around them never merge.
    """
    if audiences is None or ":::" not in text:
        return text
    lines = text.split("\n")
    action: dict[int, str] = {}  # line → "drop" | "blank"
    removed_until = -1
    for token in tokens(text):
        if token.type != f"{PASSAGE_TOKEN}_open" or token.map is None:
            continue
        start, end = token.map
        if start <= removed_until:
            continue  # inside a passage that is removed whole
        closed = _closed(token, lines)
        last = end if closed else len(lines) - 1 if end >= len(lines) else end - 1
        if audiences.intersection(passage_audiences(token.info)):
            action[start] = "blank"
            if closed:
                action[end] = "blank"
        else:
            action[start] = "blank"
            for number in range(start + 1, last + 1):
                action[number] = "drop"
            removed_until = last
    out = [
        "" if action.get(n) == "blank" else line
        for n, line in enumerate(lines)
        if action.get(n) != "drop"
    ]
    return "\n".join(out)


def _raw_html(line: int) -> MarkdownProblem:
    return MarkdownProblem(
        line,
        "raw-html",
        _(
            "HTML tags are not allowed in the text and would be shown as literal text; "
            "use Markdown instead (for example **vet** or [link](https://…))"
        ),
    )


# --------------------------------------------------------------------------- rendering


def slugify(text: str) -> str:
    """A stable ASCII id for a heading: ``Woning & omgeving`` → ``woning-omgeving``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "sectie"


_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
    "blockquote", "br", "hr", "table", "thead", "tbody", "tr", "th", "td", "div",
}  # fmt: skip
_ALLOWED_ATTRS = {
    "a": {"href"},
    "div": {"class", "data-audience"},
    "p": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}


_IN_PAGE_HREF = re.compile(r'href="#([^"]*)"')


def render_html(text: str, *, heading_offset: int = 0, id_prefix: str = "") -> str:
    """HTML fragment for ``text``. Headings move down ``heading_offset`` levels and get ids
    ``<id_prefix><slug>``, and the text's links to its own headings (``[…](#kop)``) point
    at those ids (``#<id_prefix>kop``), wherever the fragment is shown: a pakket page, a
    document, the API, a feed. Other in-page links are left as written (the outline
    resolves a link to an item, ``#<item-id>``, for the page or document it is in). The
    result is also passed through nh3 (an allow-list sanitiser) as a second line of
    defence for partners who embed it."""
    md = markdown_parser()
    out: list[str] = []
    for part in _html_parts(text):
        if isinstance(part, str):
            out.append(part)
            continue
        # A heading as markdown-it's renderer writes it, from a copy of its token with
        # the shifted level and the id (the shared tokens stay as parsed); the renderer
        # looks at the tokens next to it only, so those are all it is given.
        neighbours, at, slug = part
        token = neighbours[at]
        shown = Token(
            type=token.type,
            tag=f"h{min(int(token.tag[1]) + heading_offset, 6)}",
            nesting=token.nesting,
            attrs=token.attrs if slug is None else {**token.attrs, "id": f"{id_prefix}{slug}"},
            map=token.map,
            level=token.level,
            children=token.children,
            content=token.content,
            markup=token.markup,
            info=token.info,
            meta=token.meta,
            block=token.block,
            hidden=token.hidden,
        )
        window = list(neighbours)
        window[at] = shown
        out.append(_renderer().renderToken(window, at, md.options, {}))
    html = "".join(out)
    if id_prefix and (own := heading_slugs(text)):
        # As if the link tokens had the prefixed href (markdown-it escapes attributes so).
        prefix = escapeHtml(id_prefix)
        html = _IN_PAGE_HREF.sub(
            lambda m: f'href="#{prefix}{m.group(1)}"' if m.group(1) in own else m.group(0), html
        )
    return _sanitiser().clean(html)


def heading_slugs(text: str) -> frozenset[str]:
    """The ids :func:`render_html` gives the headings of ``text`` (without a prefix): what
    the text's own in-page links (``[…](#kop)``) can point at."""
    return frozenset(p[2] for p in _html_parts(text) if not isinstance(p, str) and p[2])


_Heading = tuple[tuple[Token, ...], int, str | None]
"""A heading token with the tokens next to it (all markdown-it's renderer looks at), its
place among them, and its slug (None for a ``heading_close``)."""
_Part = str | _Heading
_Rendered = tuple[tuple[_Part, ...], str]
"""What rendering reads of a text's tokens: its :func:`_html_parts` and its
:func:`render_text`."""
_RENDERED: dict[str, _Rendered] = {}
""":func:`_rendered` of every text this process rendered. Not bounded by a count, like the
renderings :mod:`pakketbuild.publication` keeps for every text: a few KiB per text (the
size of about one rendering), where the token cache (:data:`TOKEN_CACHE_TEXTS`) keeps
about 20 KiB per text and so lets texts go in a build of more than a couple of thousand
items. Rendering a text at another heading level, or as plain text, after its tokens were
let go then needs no second parse."""


def _rendered(text: str) -> _Rendered:
    """The HTML parts and the plain text of ``text``, both from one read of its tokens."""
    found = _RENDERED.get(text)
    if found is None:
        parsed = tokens(text)
        found = _RENDERED[text] = (_parts(parsed), _plain(parsed))
    return found


def keep_rendered(text: str) -> None:
    """Keep what rendering reads of ``text`` (:func:`_rendered`) now, while its tokens
    are in the token cache (right after the checks' parse of a large build)."""
    _rendered(text)


def _html_parts(text: str) -> tuple[_Part, ...]:
    """The HTML of ``text`` as markdown-it renders it, with the heading tokens left as
    :data:`_Heading` (:func:`render_html` writes them for its level and id prefix;
    everything else is the same for every call, and rendered once); each heading's slug is
    made unique within the text."""
    return _rendered(text)[0]


def _parts(parsed: list[Token]) -> tuple[_Part, ...]:
    """:func:`_html_parts` of the tokens ``parsed``."""
    md = markdown_parser()
    rules = _renderer().rules
    parts: list[_Part] = []
    seen: dict[str, int] = {}
    run: list[Token] = []  # tokens rendered as one piece

    def flush(end: int) -> None:
        # markdown-it's own loop over a run of tokens (by their place in ``parsed``).
        # Kept as one string per run (not one per token): fewer objects per text.
        start = end - len(run)
        pieces: list[str] = []
        for index in range(start, end):
            token = parsed[index]
            if token.type == "inline":
                if token.children:
                    pieces.append(_renderer().renderInline(token.children, md.options, {}))
            elif token.type in rules:
                pieces.append(rules[token.type](parsed, index, md.options, {}))
            else:
                pieces.append(_renderer().renderToken(parsed, index, md.options, {}))
        if pieces:
            parts.append("".join(pieces))
        run.clear()

    for index, token in enumerate(parsed):
        if token.type in ("heading_open", "heading_close") and token.type not in rules:
            flush(index)
            slug = None
            if token.type == "heading_open":
                slug = slugify(parsed[index + 1].content)
                seen[slug] = seen.get(slug, 0) + 1
                slug = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
            before = [_neighbour(parsed[index - 1])] if index else []
            after = [_neighbour(t) for t in parsed[index + 1 : index + 2]]
            parts.append(((*before, token, *after), len(before), slug))
        else:
            run.append(token)
    flush(len(parsed))
    return tuple(parts)


def _neighbour(token: Token) -> Token:
    """What markdown-it's ``renderToken`` reads of the token next to the one it renders
    (its type, tag, nesting and whether it is hidden), without the inline children and
    the rest that :data:`_RENDERED` would otherwise keep alive for every text."""
    return _stand_in(token.type, token.tag, token.nesting, token.hidden)


@lru_cache(maxsize=256)
def _stand_in(kind: str, tag: str, nesting: Literal[-1, 0, 1], hidden: bool) -> Token:
    """One shared token per kind of neighbour (never changed: the renderer only reads)."""
    return Token(kind, tag, nesting, hidden=hidden)


def _renderer() -> RendererHTML:
    """The publishing parser's renderer (markdown-it's HTML renderer)."""
    return cast(RendererHTML, markdown_parser().renderer)


@lru_cache(maxsize=1)
def _sanitiser() -> nh3.Cleaner:
    """nh3's allow-list, built once (``nh3.clean`` converts its arguments on every call)."""
    return nh3.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes={"https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def render_text(text: str) -> str:
    """Plain text for ``text``: paragraphs separated by blank lines, lists marked (kept,
    with the HTML, by :func:`pakketbuild.publication.render_text`)."""
    return _rendered(text)[1]


def _plain(parsed: list[Token]) -> str:
    """:func:`render_text` of the tokens ``parsed``."""
    blocks: list[str] = []
    stack: list[list[int]] = []  # per list: [ordered?, counter]
    prefix = ""
    quote = 0
    for token in parsed:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(str(token.attrGet("start") or 1))
            stack.append([1 if token.type == "ordered_list_open" else 0, start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            stack.pop()
        elif token.type == "list_item_open":
            ordered, counter = stack[-1]
            marker = f"{counter}." if ordered else "-"
            stack[-1][1] += 1
            prefix = "  " * (len(stack) - 1) + marker + " "
        elif token.type == f"{PASSAGE_TOKEN}_open":
            blocks.append(("> " * quote) + passage_label(token.info))
        elif token.type == "blockquote_open":
            quote += 1
        elif token.type == "blockquote_close":
            quote -= 1
        elif token.type == "inline":
            content = _inline_text(token.children or [])
            blocks.append(("> " * quote) + prefix + content)
            prefix = ""
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block.strip())


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak",):
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def token_tree(text: str) -> Any:
    """markdown-it's ``SyntaxTreeNode`` of ``text`` (the shape the DOCX writer walks)."""
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(tokens(text))
