"""Laid-out pages read back, for the tests that judge the documents by looking.

Every line of a PDF with its place on the page comes from poppler (``pdftotext
-bbox-layout``, :func:`tests.clients.pdf_layout`): the PDF writer's own files, and
LibreOffice's rendering of the Word and ODT files. What a page should hold comes from the
outline the writers rendered (:func:`pakketbuild.writers.outline.document`): the headings,
the label blocks (an item's title, its facts and its lead), the paragraphs and the phone
numbers. The checks are the ones a reader makes when looking at the pages:

* :func:`stranded`: no heading and no label block ends a page, and neither is split over
  two pages;
* :func:`lonely_lines`: no paragraph leaves a single line behind at a page break (at least
  two lines on either side);
* :func:`split_numbers`: no phone number is broken over two lines;
* :func:`header_clashes`: the parts of the running header keep apart, each on one line;
* :func:`hyphenated`: the lines of running text that end in a hyphen.

Lines are compared by their letters and digits only (:func:`key`), so hyphenation, soft
hyphens, spaces and the dot leaders of a contents list do not matter.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pakketbuild import markdown
from pakketbuild.writers import outline
from tests import clients

FURNITURE = 60.0
"""Points from the top and the bottom edge of an A4 page within which the running header
and footer lie in every format (PDF: 24 and 22 mm margins; Word: 25 mm; ODT: 15 mm plus
the header's height and spacing); the body text starts and ends beyond it."""
HEADER_GAP = 14.0
"""Points (5 mm) that must separate the parts of a running header."""
HYPHENS = "-\u00ad\u2010\u2011"
"""What a line that ends in a hyphen ends with: hyphen-minus, soft hyphen (a layout hyphen
in tagged PDF), hyphen, non-breaking hyphen."""
RUNNING_TEXT_WORDS = 4
"""A line of running text has more words than this (headings, labels, list entries and
the contents are shorter)."""


def key(text: str) -> str:
    """``text`` reduced to its letters and digits, lower case."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Part:
    """One stretch of text on a line (pdftotext's line): a header's left or right part, a
    contents entry's title or page number."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Line:
    """The text on one line of a page: every part whose vertical extent overlaps, left to
    right."""

    page: int
    parts: tuple[Part, ...]
    y0: float
    y1: float

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def key(self) -> str:
        return key(self.text)


@dataclass(frozen=True)
class Page:
    number: int
    header: tuple[Line, ...]
    body: tuple[Line, ...]
    footer: tuple[Line, ...]


def _rows(page: int, lines: Iterable[clients.LayoutLine]) -> list[Line]:
    rows: list[Line] = []
    for line in sorted(lines, key=lambda line: (line.y0, line.x0)):
        part = Part(line.text, line.x0, line.x1)
        last = rows[-1] if rows else None
        middle = (line.y0 + line.y1) / 2
        if last is not None and last.y0 <= middle <= last.y1:
            parts = tuple(sorted((*last.parts, part), key=lambda p: p.x0))
            rows[-1] = Line(page, parts, min(last.y0, line.y0), max(last.y1, line.y1))
        else:
            rows.append(Line(page, (part,), line.y0, line.y1))
    return rows


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf``: its running header, body and footer lines, top to bottom."""
    pages = []
    for number, layout in enumerate(clients.pdf_layout(pdf), start=1):
        rows = _rows(number, layout.lines)
        header = tuple(r for r in rows if r.y1 <= FURNITURE)
        footer = tuple(r for r in rows if r.y0 >= layout.height - FURNITURE)
        body = tuple(r for r in rows if r not in header and r not in footer)
        pages.append(Page(number, header, body, footer))
    return pages


def body_lines(pages: Sequence[Page]) -> list[Line]:
    return [line for page in pages for line in page.body]


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Keep:
    """Lines that must stay on one page and not end it: a heading (one text), or an item's
    label block (its title, facts and lead); ``entry``: a contents entry (its page number
    may follow it), only skipped over."""

    texts: tuple[str, ...]
    entry: bool = False

    @property
    def what(self) -> str:
        return "label block" if len(self.texts) > 1 else "heading"


def _inline_text(node: object) -> str:
    return "".join(
        child.content
        for child in getattr(node, "children", ())
        for child in [child, *_descendants(child)]
        if child.type in ("text", "code_inline")
    )


def _descendants(node: object) -> Iterator[object]:
    for child in getattr(node, "children", ()):
        yield child
        yield from _descendants(child)


def _text_headings(text: str) -> list[str]:
    """The headings and passage labels of a Markdown text, in order."""
    found = []
    for node in _descendants(markdown.token_tree(text)):
        kind = getattr(node, "type", "")
        if kind == "heading":
            found.append(_inline_text(node))
        elif kind == markdown.PASSAGE_TOKEN:
            found.append(markdown.passage_label(getattr(node, "info", "")))
    return found


def keeps(doc: outline.Outline) -> list[Keep]:
    """What must hold together in ``doc``, in document order."""
    found: list[Keep] = []

    def visit(block: outline.Block) -> None:
        if isinstance(block, outline.Contents):
            found.append(Keep((block.title,)))
            found.extend(Keep((e.text,), entry=True) for e in block.entries)
        elif isinstance(block, outline.Section):
            label: list[str] = [block.heading]
            label += block.subtitles
            rest = list(block.blocks)
            while rest and isinstance(rest[0], outline.Facts | outline.Lead):
                head = rest.pop(0)
                if isinstance(head, outline.Facts):
                    label += [f"{f.label}: {f.text}" for f in head.facts]
                else:
                    label.append(head.text)
            if block.level > 1:  # a level-1 title opens the document's first page
                found.append(Keep(tuple(label)))
            for child in rest:
                visit(child)
        elif isinstance(block, outline.Body):
            found.extend(Keep((heading,)) for heading in _text_headings(block.text))
        elif isinstance(block, outline.Steps):
            for step in block.entries:
                found.append(Keep((f"{step.number}. {step.title}",)))
                if step.text:
                    found.extend(Keep((heading,)) for heading in _text_headings(step.text))

    for block in doc.blocks:
        visit(block)
    return found


def paragraphs(doc: outline.Outline) -> list[str]:
    """The paragraphs of running text in ``doc`` (leads, the paragraphs and list entries
    of its texts and steps)."""
    found: list[str] = []
    for block in outline.walk(doc.blocks):
        if isinstance(block, outline.Lead):
            found.append(block.text)
        elif isinstance(block, outline.Body):
            found += markdown.render_text(block.text).split("\n\n")
        elif isinstance(block, outline.Steps):
            for step in block.entries:
                if step.text:
                    found += markdown.render_text(step.text).split("\n\n")
    return found


def phone_numbers(doc: outline.Outline) -> set[str]:
    """Every phone number ``doc`` shows: its contacts' and those its texts link."""
    found: set[str] = set()
    for block in outline.walk(doc.blocks):
        if isinstance(block, outline.Contacts):
            found |= {
                line.text
                for card in block.cards
                for line in card.lines
                if line.href and line.href.startswith("tel:")
            }
        texts = []
        if isinstance(block, outline.Body):
            texts.append(block.text)
        elif isinstance(block, outline.Steps):
            texts += [step.text for step in block.entries if step.text]
        for text in texts:
            for node in _descendants(markdown.token_tree(text)):
                href = str(getattr(node, "attrs", {}).get("href", ""))
                if getattr(node, "type", "") == "link" and href.startswith("tel:"):
                    found.add(_inline_text(node))
    return found


# --------------------------------------------------------------------------- matching


def _match(lines: Sequence[Line], first: int, text: str, *, entry: bool) -> int | None:
    """The last of the lines from ``first`` whose letters and digits are ``text``'s (for a
    contents entry: followed by its page number), or None."""
    wanted = key(text)
    joined = ""
    for last in range(first, len(lines)):
        joined += lines[last].key
        rest = joined[len(wanted) :]
        if joined == wanted or (entry and joined.startswith(wanted) and rest.isdigit()):
            return last
        if not wanted.startswith(joined):
            return None
    return None


def _locate(lines: Sequence[Line], start: int, keep: Keep) -> tuple[int, int] | None:
    """The first run of lines from ``start`` that holds ``keep``'s texts one after another."""
    for first in range(start, len(lines)):
        at, last = first, None
        for text in keep.texts:
            last = _match(lines, at, text, entry=keep.entry)
            if last is None:
                break
            at = last + 1
        if last is not None:
            return first, last
    return None


def stranded(pages: Sequence[Page], doc: outline.Outline) -> list[str]:
    """Headings and label blocks that end a page or are split over two; an expected
    heading or block that cannot be found is reported too (the check cannot pass by not
    looking)."""
    lines = body_lines(pages)
    problems = []
    cursor = 0
    for keep in keeps(doc):
        span = _locate(lines, cursor, keep)
        if span is None:
            problems.append(f"{keep.what} not found after line {cursor}: {keep.texts!r}")
            continue
        cursor = span[1] + 1
        if keep.entry:
            continue
        first, last = lines[span[0]], lines[span[1]]
        label = f"{keep.what} {keep.texts[0]!r}"
        if first.page != last.page:
            problems.append(f"{label} is split over pages {first.page} and {last.page}")
        elif cursor < len(lines) and lines[cursor].page != last.page:
            problems.append(f"{label} ends page {last.page}")
    return problems


def lonely_lines(pages: Sequence[Page], doc: outline.Outline) -> list[str]:
    """Page breaks that leave one line of a paragraph alone on either side."""
    texts = [key(p) for p in paragraphs(doc)]
    problems = []
    for before, after in itertools.pairwise(pages):
        if not before.body or not after.body:
            continue
        a, b = before.body[-1], after.body[0]
        if a.key in texts and any(text.startswith(b.key) for text in texts):
            continue  # a paragraph of one line, then the next: nothing was split
        both = a.key + b.key
        for text in texts:
            at = text.find(both)
            if at < 0 or not a.key or not b.key:
                continue
            if at == 0:
                problems.append(f"first line alone at the foot of page {a.page}: {a.text!r}")
            if at + len(both) == len(text):
                problems.append(f"last line alone at the top of page {b.page}: {b.text!r}")
            break
    return problems


_SPACES = re.compile(r"\s+")


def split_numbers(pages: Sequence[Page], numbers: Iterable[str]) -> list[str]:
    """Phone numbers broken over two lines (within a page or over a page break)."""
    lines = body_lines(pages)
    problems = []
    for number in numbers:
        shown = _SPACES.sub(" ", number.replace("\u2011", "-"))
        for a, b in itertools.pairwise(lines):
            end = a.text.replace("\u2011", "-").replace("\u00a0", " ").rstrip()
            start = b.text.replace("\u2011", "-").replace("\u00a0", " ").lstrip()
            for cut in range(1, len(shown)):
                head, tail = shown[:cut].rstrip(), shown[cut:].lstrip()
                if head and tail and end.endswith(head) and start.startswith(tail):
                    problems.append(f"{number} broken: {a.text!r} / {b.text!r}")
                    break
    return problems


def header_clashes(pages: Sequence[Page], title: str) -> list[str]:
    """Running headers that take more than one line, whose first part is not ``title``
    (the document's title as the header shows it), or whose parts come closer than
    :data:`HEADER_GAP`."""
    problems = []
    for page in pages:
        if not page.header:
            continue
        if len(page.header) > 1:
            problems.append(f"page {page.number}: header on {len(page.header)} lines")
        parts = page.header[0].parts
        if key(parts[0].text) != key(title):
            problems.append(f"page {page.number}: header starts {parts[0].text!r}")
        for left, right in itertools.pairwise(parts):
            if right.x0 - left.x1 < HEADER_GAP:
                problems.append(
                    f"page {page.number}: {left.text!r} and {right.text!r} are "
                    f"{right.x0 - left.x1:.1f} pt apart"
                )
    return problems


def running_text(pages: Sequence[Page]) -> list[Line]:
    """The lines of running text (more than :data:`RUNNING_TEXT_WORDS` words)."""
    return [line for line in body_lines(pages) if len(line.text.split()) > RUNNING_TEXT_WORDS]


def hyphenated(pages: Sequence[Page]) -> tuple[int, int]:
    """(lines of running text that end in a hyphen, lines of running text)."""
    lines = running_text(pages)
    return sum(1 for line in lines if line.text.rstrip()[-1:] in HYPHENS), len(lines)
