"""The neutral publication model that every writer reads.

Built once from validated :class:`~pakketbuild.loader.Content`: references resolved,
only published items kept, labels and dates prepared in Dutch, Markdown rendered on
demand (and cached). Writers never read content files or each other's output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.dates import format_date

from pakketbuild import markdown
from pakketbuild.loader import Content
from pakketbuild.model import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    Audience,
    Item,
    Organisation,
    Pakket,
    SiteConfig,
    Status,
)


def dutch_date(value: dt.date) -> str:
    """``2026-11-29`` → ``29 november 2026``."""
    return format_date(value, format="long", locale="nl")


@dataclass(frozen=True, eq=False)
class PubItem:
    """One published item with everything resolved."""

    item: Item
    providers: tuple[Organisation, ...]
    related: tuple[Item, ...]
    pakket_ids: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.item.kind]

    @property
    def audience_labels(self) -> list[str]:
        return [AUDIENCE_LABELS[a][0] for a in self.item.audiences]

    @property
    def date_modified(self) -> dt.date | None:
        """The latest change date, if the content records changes."""
        return max((c.date for c in self.item.changes), default=None)

    @property
    def date_published(self) -> dt.date | None:
        """The first change date, if the content records changes."""
        return min((c.date for c in self.item.changes), default=None)

    def body_html(self, heading_offset: int = 0, id_prefix: str = "") -> str:
        """The body as an HTML fragment (see :func:`pakketbuild.markdown.render_html`)."""
        return _render_html(self.item.body, heading_offset, id_prefix)

    @cached_property
    def body_text(self) -> str:
        """The body as plain text."""
        return markdown.render_text(self.item.body)

    @cached_property
    def full_text(self) -> str:
        """Summary and body as plain text (what a reader reads, in order)."""
        return "\n\n".join(part for part in (self.item.summary, self.body_text) if part)


@dataclass(frozen=True, eq=False)
class PubPakket:
    """One published pakket with its items in order."""

    pakket: Pakket
    items: tuple[PubItem, ...]
    publisher: Organisation

    @property
    def id(self) -> str:
        return self.pakket.id

    @property
    def title(self) -> str:
        return self.pakket.title

    def intro_html(self, heading_offset: int = 0, id_prefix: str = "") -> str:
        return _render_html(self.pakket.intro, heading_offset, id_prefix)

    @cached_property
    def intro_text(self) -> str:
        return markdown.render_text(self.pakket.intro)

    @property
    def edition_label(self) -> str | None:
        return dutch_date(self.pakket.edition) if self.pakket.edition else None


_HTML_CACHE: dict[tuple[str, int, str], str] = {}


def _render_html(text: str, heading_offset: int, id_prefix: str) -> str:
    key = (text, heading_offset, id_prefix)
    if key not in _HTML_CACHE:
        _HTML_CACHE[key] = markdown.render_html(
            text, heading_offset=heading_offset, id_prefix=id_prefix
        )
    return _HTML_CACHE[key]


@dataclass
class Publication:
    """Everything the writers need, in a stable order."""

    site: SiteConfig
    content_root: Path
    organisations: dict[str, Organisation]
    items: dict[str, PubItem]
    """Published items, sorted by id."""
    pakketten: dict[str, PubPakket]
    """Published pakketten, sorted by id."""
    all_items: dict[str, Item] = field(default_factory=dict)
    """Every item whatever its status (for tombstones and replacements)."""

    @property
    def audiences(self) -> list[Audience]:
        """Audiences that at least one published item serves, in model order."""
        used = {a for pub in self.items.values() for a in pub.item.audiences}
        return [a for a in Audience if a in used]

    def items_for(self, audience: Audience) -> list[PubItem]:
        return [pub for pub in self.items.values() if audience in pub.item.audiences]

    def absolute_url(self, path: str) -> str | None:
        """``path`` (relative to the export root) as an absolute URL, when a base URL is set."""
        if self.site.base_url is None:
            return None
        return self.site.base_url.rstrip("/") + "/" + path.lstrip("/")

    def pakket_for(self, item_id: str) -> PubPakket | None:
        """The first pakket (by id) that contains ``item_id``."""
        for pakket in self.pakketten.values():
            if any(pub.id == item_id for pub in pakket.items):
                return pakket
        return None


def build_publication(content: Content) -> Publication:
    """Resolve references and keep what is published."""
    published = {
        item_id: item
        for item_id, item in content.items.items()
        if item.status is Status.GEPUBLICEERD
    }
    pakketten_src = {
        pid: p for pid, p in content.pakketten.items() if p.status is Status.GEPUBLICEERD
    }
    membership: dict[str, list[str]] = {}
    for pid, pakket in pakketten_src.items():
        for ref in pakket.items:
            membership.setdefault(ref, []).append(pid)
    items = {
        item_id: PubItem(
            item=item,
            providers=tuple(content.organisations[o] for o in item.providers),
            related=tuple(published[r] for r in item.related if r in published),
            pakket_ids=tuple(membership.get(item_id, ())),
        )
        for item_id, item in published.items()
    }
    pakketten = {
        pid: PubPakket(
            pakket=p,
            items=tuple(items[ref] for ref in p.items),
            publisher=content.organisations[p.publisher],
        )
        for pid, p in pakketten_src.items()
    }
    return Publication(
        site=content.site,
        content_root=content.root,
        organisations=content.organisations,
        items=items,
        pakketten=pakketten,
        all_items=dict(content.items),
    )
