"""The neutral publication model that every writer reads.

Built once from validated :class:`~pakketbuild.loader.Content`: references resolved,
only published items kept, labels and dates prepared in Dutch, Markdown rendered on
demand (and cached). Writers never read content files or each other's output.

Editions: the full edition (every published item, audience passages shown labelled) and
one *view* per ``views:`` entry of ``site.yaml`` (:attr:`Publication.views`): a
publication of its own with only the items and pakketten for the view's audiences and
the bodies cut with :func:`pakketbuild.markdown.select_passages`, written under
``views/<id>/``. Every writer renders every edition from the same code, so a passage can
only reach the formats of the editions whose bodies still hold it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
    View,
)
from pakketbuild.theme import DEFAULT_THEME, Theme, default_theme

VIEWS_DIR = "views"


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


@dataclass(frozen=True, eq=False)
class Tombstone:
    """A withdrawn item: archived (``status: gearchiveerd``) or removed and listed in
    ``withdrawn.yaml``. It keeps its page, saying so, and is listed in the API."""

    id: str
    title: str
    date: dt.date | None
    """Date of withdrawal: the register's date, else the archived item's latest change."""
    reason: str | None
    replaced_by: PubItem | None
    """The successor, when it is published in the same edition."""
    audiences: tuple[Audience, ...]
    """The archived item's audiences; empty for a register entry (shown in every view)."""


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
    """Every item whatever its status, as written (for tombstones and audience cuts)."""
    withdrawn: dict[str, Tombstone] = field(default_factory=dict)
    """Withdrawn items of this edition, sorted by id."""
    theme: Theme = field(default_factory=default_theme)
    view: View | None = None
    """The view this publication is (None: the full edition)."""
    path_prefix: str = ""
    """Where this edition lives in the export: ``""`` or ``views/<view-id>/``."""
    views: dict[str, Publication] = field(default_factory=dict)
    """The views of the full edition, by id (empty in a view)."""
    _cuts: dict[Audience, Publication] = field(default_factory=dict, repr=False)

    def editions(self) -> list[tuple[str | None, Publication]]:
        """``(None, full edition)`` followed by ``(view id, view)`` for every view."""
        return [(None, self), *self.views.items()]

    @property
    def audiences(self) -> list[Audience]:
        """Audiences that at least one published item serves, in model order (in a view:
        only the view's own audiences)."""
        used = {a for pub in self.items.values() for a in pub.item.audiences}
        if self.view is not None:
            used &= set(self.view.audiences)
        return [a for a in Audience if a in used]

    def audience_cut(self, audience: Audience) -> Publication:
        """This edition's items for ``audience`` as its readers see them: passages for
        other audiences removed, their own unwrapped (for the per-audience feeds)."""
        if audience not in self._cuts:
            chosen = frozenset({audience.value})
            items = {
                item_id: replace(pub, item=_cut_item(self.all_items[item_id], chosen))
                for item_id, pub in self.items.items()
                if audience in pub.item.audiences
            }
            self._cuts[audience] = replace(self, items=items, views={}, _cuts={})
        return self._cuts[audience]

    def items_for(self, audience: Audience) -> list[PubItem]:
        return [pub for pub in self.items.values() if audience in pub.item.audiences]

    def absolute_url(self, path: str) -> str | None:
        """``path`` (relative to the export root) as an absolute URL, when a base URL is set."""
        if self.site.base_url is None:
            return None
        return self.site.base_url.rstrip("/") + "/" + self.path_prefix + path.lstrip("/")

    def pakket_for(self, item_id: str) -> PubPakket | None:
        """The first pakket (by id) that contains ``item_id``."""
        for pakket in self.pakketten.values():
            if any(pub.id == item_id for pub in pakket.items):
                return pakket
        return None


def build_publication(content: Content) -> Publication:
    """Resolve references and keep what is published: the full edition with its views."""
    full = _assemble(content, None, theme=_theme(content, content.site.theme))
    for view in content.site.views:
        full.views[view.id] = _assemble(
            content,
            view,
            theme=_theme(content, view.theme),
        )
    return full


def _theme(content: Content, theme_id: str | None) -> Theme:
    if theme_id is not None and theme_id in content.themes:
        return content.themes[theme_id]
    assert theme_id in (None, DEFAULT_THEME), theme_id  # the loader checked the reference
    return default_theme()


def _cut_item(item: Item, audiences: frozenset[str]) -> Item:
    """``item`` with its body and step texts as readers in ``audiences`` see them."""
    steps = [
        step.model_copy(update={"text": markdown.select_passages(step.text, audiences)})
        if step.text
        else step
        for step in item.steps
    ]
    return item.model_copy(
        update={"body": markdown.select_passages(item.body, audiences), "steps": steps}
    )


def _assemble(content: Content, view: View | None, *, theme: Theme) -> Publication:
    """One edition: everything published (``view`` None), or the cut for ``view``: items
    and pakketten for its audiences (a pakket keeps only those items and is left out when
    none remain), bodies and intros with the passages for its audiences only."""
    scope = frozenset(a.value for a in view.audiences) if view is not None else None

    def serves(audiences: list[Audience]) -> bool:
        return scope is None or not scope.isdisjoint(a.value for a in audiences)

    published = {
        item_id: item if scope is None else _cut_item(item, scope)
        for item_id, item in content.items.items()
        if item.status is Status.GEPUBLICEERD and serves(item.audiences)
    }
    pakketten_src: dict[str, Pakket] = {}
    for pid, pakket in content.pakketten.items():
        if pakket.status is not Status.GEPUBLICEERD or not serves(pakket.audiences):
            continue
        if scope is not None:
            kept = [ref for ref in pakket.items if ref in published]
            if not kept:
                continue
            intro = markdown.select_passages(pakket.intro, scope)
            pakket = pakket.model_copy(update={"items": kept, "intro": intro})
        pakketten_src[pid] = pakket
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
    site = content.site
    if view is not None:
        site = site.model_copy(update={"title": view.title, "views": []})
    return Publication(
        site=site,
        content_root=content.root,
        organisations=content.organisations,
        items=items,
        pakketten=pakketten,
        all_items=dict(content.items),
        withdrawn=_tombstones(content, items, serves),
        theme=theme,
        view=view,
        path_prefix=f"{VIEWS_DIR}/{view.id}/" if view is not None else "",
    )


def _tombstones(
    content: Content, items: dict[str, PubItem], serves: Callable[[list[Audience]], bool]
) -> dict[str, Tombstone]:
    found: dict[str, Tombstone] = {}
    for item in content.items.values():
        if item.status is Status.GEARCHIVEERD and serves(item.audiences):
            found[item.id] = Tombstone(
                id=item.id,
                title=item.title,
                date=max((c.date for c in item.changes), default=None),
                reason=None,
                replaced_by=items.get(item.replaced_by) if item.replaced_by else None,
                audiences=tuple(item.audiences),
            )
    for entry in content.withdrawn.values():
        found[entry.id] = Tombstone(
            id=entry.id,
            title=entry.title or entry.id,
            date=entry.date,
            reason=entry.reason,
            replaced_by=items.get(entry.replaced_by) if entry.replaced_by else None,
            audiences=(),
        )
    return dict(sorted(found.items()))
