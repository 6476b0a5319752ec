"""Anchor ids inside one page or document, the same in HTML, PDF and Word.

Headings of Markdown texts get ids from their text (``markdown``); when several texts
share a page (a pakket page with its items, a combined document), their ids are
prefixed so they stay unique and links between formats keep pointing at the same place:
``inleiding--<heading>`` for a pakket's introduction, ``<item-id>--<heading>`` for an
item's body and ``<item-id>--stap-<n>--<heading>`` for the text of its step ``n``. In a
document with several items (PDF, Word, ODT) an item's title is ``item-<item-id>`` and
the introduction's heading ``inleiding``.
"""

from __future__ import annotations

INTRO = "inleiding--"
"""Prefix of the ids in a pakket's introduction."""

INTRO_HEADING = "inleiding"
"""Id of the heading "Inleiding" of a pakket's introduction in a document (PDF, Word, ODT)."""


CONTENTS = "inhoud"
"""Id of the heading of a document's contents list (PDF)."""

COLOPHON = "colofon"
"""Id of the colophon's heading in a combined document (PDF, Word, ODT)."""

PAGE_CONTENTS = "_inhoudsopgave"
"""Id of the heading of a pakket page's contents list (web pages; ids of the page itself
start with ``_`` and so never clash with a heading's)."""


def item_heading(item_id: str) -> str:
    """Id of an item's title heading in a document with several items (PDF, Word, ODT)."""
    return f"item-{item_id}"


def section(owner: str, name: str) -> str:
    """Id of a section heading of an item in a document (``item-<id>--stappen``)."""
    return f"{owner}--{name}"


def item(item_id: str) -> str:
    """Prefix of the ids in an item's body when it shares a page or document."""
    return f"{item_id}--"


def step(item_prefix: str, number: int) -> str:
    """Prefix of the ids in the text of step ``number`` (1-based) of an item whose
    prefix is ``item_prefix`` ("" for an item on its own page)."""
    return f"{item_prefix}stap-{number}--"
