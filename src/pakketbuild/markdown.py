"""Markdown: one parser configuration for every output format.

Decisions (documented in the README):

* Raw HTML is never passed through. The renderer escapes it, and ``check`` refuses it
  (``raw-html``) so editors learn that it would show up as literal tags.
* Only ``https:``, ``mailto:``, ``tel:`` and in-page (``#…``) links survive; any other link
  is a ``check`` error (``unsafe-link``) and is rendered as plain text.
* Images are not allowed in bodies (``image-not-allowed``): they would make readers'
  browsers call other hosts and need alt text management the source does not have.
* Section headings start at ``##`` (the item title is the page heading); ``#`` is refused.
* Headings get stable ids derived from their text (``woning-en-omgeving``), de-duplicated.

:func:`parse` gives markdown-it tokens (for the DOCX writer), :func:`render_html` the HTML
fragment used by both the HTML pages and the JSON ``body_html``/``content_html``, and
:func:`render_text` plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_SCHEMES = ("https:", "mailto:", "tel:")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
MAX_HEADING_LEVEL = 4


def link_allowed(url: str) -> bool:
    """True for the links we publish: https, mailto, tel and in-page anchors."""
    stripped = url.strip()
    if stripped.startswith("#"):
        return True
    if any(ord(c) < 0x20 or c.isspace() for c in stripped):
        return False
    match = _SCHEME.match(stripped)
    return (
        bool(match)
        and f"{match.group(1).lower()}:" in ALLOWED_SCHEMES
        and (not stripped.lower().startswith("https:") or stripped.lower().startswith("https://"))
    )


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The configured parser (CommonMark + tables, no raw HTML, strict links)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = link_allowed  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def _lint_parser() -> MarkdownIt:
    """A permissive parser that sees raw HTML and every link, for diagnostics only."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def parse(text: str) -> list[Token]:
    """Tokens of ``text`` with the publishing configuration."""
    return markdown_parser().parse(text)


# --------------------------------------------------------------------------- diagnostics


@dataclass(frozen=True)
class MarkdownProblem:
    """A problem in Markdown text; ``line`` is 0-based within the text."""

    line: int
    code: str
    message: str


def lint(text: str) -> list[MarkdownProblem]:
    """Everything in ``text`` that would not be published as written."""
    problems: list[MarkdownProblem] = []
    tokens = _lint_parser().parse(text)
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        if token.type == "html_block":
            problems.append(_raw_html(line))
        elif token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        "a '#' heading is not allowed in the text (the title is the page "
                        "heading); start sections with '##'",
                    )
                )
            elif level > MAX_HEADING_LEVEL:
                problems.append(
                    MarkdownProblem(
                        line,
                        "heading-level",
                        f"headings deeper than {'#' * MAX_HEADING_LEVEL} are not allowed; "
                        "use a shallower heading",
                    )
                )
        for child in token.children or ():
            if child.type == "html_inline":
                problems.append(_raw_html(line))
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if not link_allowed(href):
                    problems.append(
                        MarkdownProblem(
                            line,
                            "unsafe-link",
                            f"the link '{href[:60]}' is not allowed; links must start with "
                            "https://, mailto: or tel: (or # for a heading on the same page)",
                        )
                    )
            elif child.type == "image":
                problems.append(
                    MarkdownProblem(
                        line,
                        "image-not-allowed",
                        "images are not allowed in the text; describe the content in words "
                        "or add the file as a document",
                    )
                )
    return problems


def _raw_html(line: int) -> MarkdownProblem:
    return MarkdownProblem(
        line,
        "raw-html",
        "HTML tags are not allowed in the text and would be shown as literal text; "
        "use Markdown instead (for example **vet** or [link](https://…))",
    )


# --------------------------------------------------------------------------- rendering


def slugify(text: str) -> str:
    """A stable ASCII id for a heading: ``Woning & omgeving`` → ``woning-omgeving``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "sectie"


_ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
    "blockquote", "br", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRS = {
    "a": {"href"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}


def render_html(text: str, *, heading_offset: int = 0, id_prefix: str = "") -> str:
    """HTML fragment for ``text``. Headings move down ``heading_offset`` levels and get ids
    ``<id_prefix><slug>``. The result is also passed through nh3 (an allow-list sanitiser)
    as a second line of defence for partners who embed it."""
    md = markdown_parser()
    tokens = md.parse(text)
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + heading_offset, 6)
            token.tag = f"h{level}"
            if token.type == "heading_open":
                inline = tokens[index + 1]
                slug = slugify(inline.content)
                seen[slug] = seen.get(slug, 0) + 1
                if seen[slug] > 1:
                    slug = f"{slug}-{seen[slug]}"
                token.attrSet("id", f"{id_prefix}{slug}")
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes={"https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def render_text(text: str) -> str:
    """Plain text for ``text``: paragraphs separated by blank lines, lists marked."""
    tokens = parse(text)
    blocks: list[str] = []
    stack: list[list[int]] = []  # per list: [ordered?, counter]
    prefix = ""
    quote = 0
    for token in tokens:
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


def inline_text(text: str) -> str:
    """Plain text of a single inline Markdown string (for titles of steps and the like)."""
    tokens = parse(text)
    return " ".join(_inline_text(t.children or []) for t in tokens if t.type == "inline")


def token_tree(text: str) -> Any:
    """markdown-it's ``SyntaxTreeNode`` of ``text`` (the shape the DOCX writer walks)."""
    from markdown_it.tree import SyntaxTreeNode

    return SyntaxTreeNode(parse(text))
