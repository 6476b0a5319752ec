"""The neutral publication model that every writer reads.

Built once from validated :class:`~pakketbuild.loader.Content`: references resolved,
only published items kept, labels and dates prepared in Dutch, Markdown rendered on
demand (and cached). Writers never read content files or each other's output.

:class:`PubItem` and :class:`PubPakket` are the *resolved* item and pakket: they hand a
writer every fact it shows, already in the shape all formats share (steps with their
anchor prefixes, contacts with their E.164 form and link, documents with their Dutch
file-type label, dates, audiences with their labels, texts rendered through
:func:`render_html`/:func:`render_text`). Writers read these and never the pydantic input
model (``pub.item``/``pakket.pakket``; ``tests/test_architecture.py`` checks it), so a new
item field is resolved here once and shown by the templates and renderers.

Editions: the full edition (every published item, audience passages shown labelled) and
one *view* per ``views:`` entry of ``site.yaml`` (:attr:`Publication.views`): a
publication of its own with only the items and pakketten for the view's audiences and
the bodies cut with :func:`pakketbuild.markdown.select_passages`, written under
``views/<id>/``. Every writer renders every edition from the same code, so a passage can
only reach the formats of the editions whose bodies still hold it.

Why one module: the resolved item, the resolved pakket, the publication that holds them
and the assembly of editions and views are one model that every writer reads; the small
records they hold (contacts, documents, audiences) are in :mod:`pakketbuild.records`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pakketbuild import anchors, labels, markdown
from pakketbuild.loader import Content
from pakketbuild.model import (
    KIND_LABELS,
    Audience,
    Item,
    Kind,
    Organisation,
    Pakket,
    SiteConfig,
    Status,
    View,
)
from pakketbuild.records import PubAudience, PubChange, PubContact, PubDocument, PubRef
from pakketbuild.theme import DEFAULT_THEME, Theme, default_theme

VIEWS_DIR = "views"


@dataclass(frozen=True)
class PubStep:
    """One step of a step plan: its 1-based number, title and Markdown text."""

    number: int
    title: str
    text: str | None
    """The Markdown source (for writers that lay out Markdown themselves: Word, ODT)."""

    def anchor_prefix(self, item_prefix: str) -> str:
        """Prefix of the heading ids in the step's text (see :mod:`pakketbuild.anchors`)."""
        return anchors.step(item_prefix, self.number)

    def text_html(self, heading_offset: int, item_prefix: str) -> str | None:
        """The text as an HTML fragment, its ids prefixed for the item's place."""
        if not self.text:
            return None
        return render_html(self.text, heading_offset, self.anchor_prefix(item_prefix))

    @property
    def text_plain(self) -> str | None:
        return render_text(self.text) if self.text else None


@dataclass(frozen=True, eq=False)
class PubItem:
    """One published item with everything resolved (see the module docstring)."""

    item: Item
    """The validated input, for the publication model itself: writers read the resolved
    members below."""
    providers: tuple[Organisation, ...]
    related: tuple[PubRef, ...]
    pakket_ids: tuple[str, ...]
    memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """What writers derive from this item in its edition and need in several files (its API
    document, its feed entry …), computed once per process; keys start with the writer's
    name. Text values (``str``) are handed to the other processes of a build (see
    :meth:`Publication.shared_since`). An audience cut (:func:`dataclasses.replace`)
    starts with an empty memo."""

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def kind(self) -> Kind:
        return self.item.kind

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.item.kind]

    @property
    def status(self) -> Status:
        return self.item.status

    @property
    def summary(self) -> str:
        """The lead paragraph, plain text."""
        return self.item.summary

    @property
    def body(self) -> str:
        """The body's Markdown source (for writers that lay out Markdown themselves)."""
        return self.item.body

    @property
    def anchor_prefix(self) -> str:
        """Prefix of the body's heading ids where the item shares a page or document
        (``<item-id>--``; the API and feeds use it too), see :mod:`pakketbuild.anchors`."""
        return anchors.item(self.item.id)

    @cached_property
    def audiences(self) -> tuple[PubAudience, ...]:
        return tuple(PubAudience.of(a) for a in self.item.audiences)

    @property
    def audience_ids(self) -> tuple[Audience, ...]:
        return tuple(self.item.audiences)

    @property
    def audience_labels(self) -> list[str]:
        """Singular Dutch labels, in order."""
        return [a.label for a in self.audiences]

    @property
    def audiences_text(self) -> str:
        """Plural Dutch labels joined: ``burgemeesters en raadsleden``."""
        return labels.audiences_text(self.item.audiences)

    @property
    def providers_text(self) -> str:
        return labels.dutch_join([org.name for org in self.providers])

    @cached_property
    def contacts(self) -> tuple[PubContact, ...]:
        return tuple(
            PubContact(c.label, c.phone, c.phone_e164, c.email, c.url, c.hours)
            for c in self.item.contacts
        )

    @cached_property
    def documents(self) -> tuple[PubDocument, ...]:
        return tuple(PubDocument(d.title, d.url, d.path, d.media_type) for d in self.item.documents)

    @cached_property
    def steps(self) -> tuple[PubStep, ...]:
        return tuple(PubStep(n, s.title, s.text) for n, s in enumerate(self.item.steps, start=1))

    @cached_property
    def changes(self) -> tuple[PubChange, ...]:
        """The change log as the content records it."""
        return tuple(PubChange(c.date, c.summary) for c in self.item.changes)

    @property
    def date_modified(self) -> dt.date | None:
        """The latest change date, if the content records changes."""
        return max((c.date for c in self.item.changes), default=None)

    @property
    def date_published(self) -> dt.date | None:
        """The first publication date, if the content records one (``published``; never
        taken from the change log: an item may be years older than its first entry)."""
        return self.item.published

    @property
    def date_created(self) -> dt.date | None:
        """The earliest date the content records: first publication, else the first
        change (a document's creation date)."""
        return self.item.published or min((c.date for c in self.item.changes), default=None)

    @property
    def last_reviewed(self) -> dt.date | None:
        return self.item.last_reviewed

    def body_html(self, heading_offset: int = 0, id_prefix: str = "") -> str:
        """The body as an HTML fragment (see :func:`pakketbuild.markdown.render_html`)."""
        return render_html(self.item.body, heading_offset, id_prefix)

    @cached_property
    def body_text(self) -> str:
        """The body as plain text."""
        return render_text(self.item.body)

    @cached_property
    def full_text(self) -> str:
        """Summary and body as plain text (what a reader reads, in order)."""
        return "\n\n".join(part for part in (self.item.summary, self.body_text) if part)


@dataclass(frozen=True, eq=False)
class PubPakket:
    """One published pakket with its items in order, everything resolved."""

    pakket: Pakket
    """The validated input, for the publication model itself: writers read the resolved
    members below."""
    items: tuple[PubItem, ...]
    publisher: Organisation
    memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """What writers derive from this pakket in its edition (its API document), once per
    process."""

    @property
    def id(self) -> str:
        return self.pakket.id

    @property
    def title(self) -> str:
        return self.pakket.title

    @property
    def status(self) -> Status:
        return self.pakket.status

    @property
    def intro(self) -> str:
        """The introduction's Markdown source (for writers that lay out Markdown)."""
        return self.pakket.intro

    @property
    def has_intro(self) -> bool:
        return bool(self.pakket.intro.strip())

    @cached_property
    def audiences(self) -> tuple[PubAudience, ...]:
        return tuple(PubAudience.of(a) for a in self.pakket.audiences)

    @property
    def audience_ids(self) -> tuple[Audience, ...]:
        return tuple(self.pakket.audiences)

    @property
    def audiences_text(self) -> str:
        """Plural Dutch labels joined: ``burgemeesters en raadsleden``."""
        return labels.audiences_text(self.pakket.audiences)

    def intro_html(self, heading_offset: int = 0, id_prefix: str = "") -> str:
        return render_html(self.pakket.intro, heading_offset, id_prefix)

    @cached_property
    def intro_text(self) -> str:
        return render_text(self.pakket.intro)

    @property
    def edition(self) -> dt.date | None:
        """The date of this edition, if known."""
        return self.pakket.edition

    @property
    def edition_label(self) -> str | None:
        return labels.dutch_date(self.pakket.edition) if self.pakket.edition else None

    @cached_property
    def editions(self) -> tuple[PubChange, ...]:
        """Earlier and current editions, as the content records them."""
        return tuple(PubChange(e.date, e.summary) for e in self.pakket.editions)


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
    """The audiences the item had (the archived item's, or the register entry's); empty
    when unknown: then only the feeds of all items announce the withdrawal."""


_HTML_CACHE: dict[tuple[str, int, str], str] = {}
_TEXT_CACHE: dict[str, str] = {}


def render_html(text: str, heading_offset: int = 0, id_prefix: str = "") -> str:
    """:func:`pakketbuild.markdown.render_html`, once per ``(text, heading_offset,
    id_prefix)`` in a process: bodies, intros and step texts are shown on item pages,
    pakket pages, API documents and feeds, in every format that is built."""
    key = (text, heading_offset, id_prefix)
    html = _HTML_CACHE.get(key)
    if html is None:
        html = _HTML_CACHE[key] = markdown.render_html(
            text, heading_offset=heading_offset, id_prefix=id_prefix
        )
    return html


def render_text(text: str) -> str:
    """:func:`pakketbuild.markdown.render_text`, once per text in a process."""
    plain = _TEXT_CACHE.get(text)
    if plain is None:
        plain = _TEXT_CACHE[text] = markdown.render_text(text)
    return plain


def saved_renders(texts: set[str]) -> dict[str, list[list[str | int]]]:
    """The rendered Markdown of ``texts`` (all renderings of each), as JSON-ready lists,
    for the next build of the same code (:func:`restore_renders`): a build after an
    edit then parses only the texts that changed."""
    return {
        "html": [[text, offset, prefix, html] for (text, offset, prefix), html in
                 _HTML_CACHE.items() if text in texts],
        "text": [[text, plain] for text, plain in _TEXT_CACHE.items() if text in texts],
    }  # fmt: skip


def restore_renders(saved: object) -> None:
    """Take over what :func:`saved_renders` wrote (the same functions of the same texts
    under the same code; anything malformed is ignored)."""
    if not isinstance(saved, dict):
        return
    for entry in saved.get("html", ()):
        if (
            isinstance(entry, list)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and type(entry[1]) is int
            and isinstance(entry[2], str)
            and isinstance(entry[3], str)
        ):
            _HTML_CACHE.setdefault((entry[0], entry[1], entry[2]), entry[3])
    for entry in saved.get("text", ()):
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
            _TEXT_CACHE.setdefault(entry[0], entry[1])


SharedMark = tuple[int, int]
Shared = tuple[
    list[tuple[tuple[str, int, str], str]],
    list[tuple[str, str]],
    dict[tuple[str | None, str], dict[tuple[object, ...], str]],
]
"""What one process of a build hands to another: rendered Markdown (HTML, plain text) and
the text entries of the items' memos, by (view id, item id)."""


def shared_mark() -> SharedMark:
    """Where the rendered-Markdown caches of this process stand (see
    :meth:`Publication.shared_since`)."""
    return len(_HTML_CACHE), len(_TEXT_CACHE)


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
    source_date: dt.date | None = None
    """The Dutch date of the source revision (``SOURCE_DATE_EPOCH``,
    :mod:`pakketbuild.sourcedate`): the publication date of what names no date of its
    own; None when the build was given none."""
    _cuts: dict[Audience, Publication] = field(default_factory=dict, repr=False)
    _first_pakket: dict[str, PubPakket] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def shared_since(self, mark: SharedMark) -> Shared:
        """The Markdown this process rendered since ``mark`` (dicts keep insertion order)
        and the text its items' memos hold, to hand to another process of the same build
        (:meth:`adopt_shared`): a build that renders its pages in two processes then
        parses every text, and encodes every feed entry, in one of them only."""
        html_from, text_from = mark
        memos = {
            (view_id, item_id): texts
            for view_id, edition in self.editions()
            for item_id, pub in edition.items.items()
            if (texts := {k: v for k, v in pub.memo.items() if isinstance(v, str)})
        }
        return (
            list(itertools.islice(_HTML_CACHE.items(), html_from, None)),
            list(itertools.islice(_TEXT_CACHE.items(), text_from, None)),
            memos,
        )

    def adopt_shared(self, shared: Shared) -> None:
        """Take over what another process of this build derived (the same functions of
        the same content, so the same values this process would compute)."""
        html, text, memos = shared
        for key, value in html:
            _HTML_CACHE.setdefault(key, value)
        for source, value in text:
            _TEXT_CACHE.setdefault(source, value)
        for (view_id, item_id), texts in memos.items():
            edition = self if view_id is None else self.views.get(view_id)
            pub = edition.items.get(item_id) if edition is not None else None
            if pub is not None:
                for name, value in texts.items():
                    pub.memo.setdefault(name, value)

    def markdown_texts(self) -> set[str]:
        """Every Markdown text this edition and its views render: bodies and step texts
        (audience cuts included) and pakket intros."""
        texts: set[str] = set()
        for _, edition in self.editions():
            for cut in (edition, *edition._cuts.values()):
                for pub in cut.items.values():
                    texts.add(pub.item.body)
                    texts.update(step.text for step in pub.item.steps if step.text)
            texts.update(pakket.pakket.intro for pakket in edition.pakketten.values())
        return texts

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
                item_id: _recut(pub, self.all_items[item_id], chosen)
                for item_id, pub in self.items.items()
                if audience in pub.item.audiences
            }
            self._cuts[audience] = replace(self, items=items, views={}, _cuts={})
        return self._cuts[audience]

    def items_for(self, audience: Audience) -> list[PubItem]:
        return [pub for pub in self.items.values() if audience in pub.item.audiences]

    def absolute_url(self, path: str) -> str | None:
        """``path`` (relative to this edition's root) as an absolute URL, when a base URL
        is set."""
        if self.site.base_url is None:
            return None
        return self.site.base_url.rstrip("/") + "/" + self.path_prefix + path.lstrip("/")

    def canonical_url(self, path: str) -> str | None:
        """The full edition's ``path`` as an absolute URL (a view's page points to the
        full edition's page as canonical), when a base URL is set."""
        if self.site.base_url is None:
            return None
        return self.site.base_url.rstrip("/") + "/" + path.lstrip("/")

    def item_date(self, item: PubItem) -> dt.date | None:
        """The date the content gives ``item``: its latest change (``changes:``), else its
        first publication (``published:``), else the newest edition date of the pakketten
        that hold it (it was published as part of that edition); None when the content
        gives none. The Atom entry's ``updated`` and the date of the item's document."""
        own = item.date_modified or item.date_published
        if own is not None:
            return own
        editions = [
            p.edition
            for pid in item.pakket_ids
            if (p := self.pakketten.get(pid)) is not None and p.edition is not None
        ]
        return max(editions, default=None)

    def pakket_for(self, item_id: str) -> PubPakket | None:
        """The first pakket (by id) that contains ``item_id``."""
        if self._first_pakket is None:
            first: dict[str, PubPakket] = {}
            for pakket in self.pakketten.values():
                for pub in pakket.items:
                    first.setdefault(pub.id, pakket)
            self._first_pakket = first
        return self._first_pakket.get(item_id)


def build_publication(
    content: Content, *, base_url: str | None = None, source_date: dt.date | None = None
) -> Publication:
    """Resolve references and keep what is published: the full edition with its views.
    ``base_url`` (normalised) replaces site.yaml's ``base_url`` (``build --base-url``);
    ``source_date`` is the date of the source revision (:attr:`Publication.source_date`)."""
    if base_url is not None:
        content = replace(content, site=content.site.model_copy(update={"base_url": base_url}))
    full = _assemble(content, None, theme=theme_of(content, content.site.theme))
    full.source_date = source_date
    for view in content.site.views:
        full.views[view.id] = _assemble(
            content,
            view,
            theme=theme_of(content, view.theme),
        )
        full.views[view.id].source_date = source_date
    return full


def theme_of(content: Content, theme_id: str | None) -> Theme:
    """The theme that site.yaml or a view names (``theme:``): one of the content's themes,
    or the built-in default when it names none (or ``default``)."""
    if theme_id is not None and theme_id in content.themes:
        return content.themes[theme_id]
    assert theme_id in (None, DEFAULT_THEME), theme_id  # the loader checked the reference
    return default_theme()


def _recut(pub: PubItem, source: Item, audiences: frozenset[str]) -> PubItem:
    """``pub`` with its item cut from ``source`` for ``audiences``; ``pub`` itself when the
    cut shows the same text (no passage for another audience), so that everything derived
    from it (rendered Markdown, feed entries) is shared with the edition."""
    body = markdown.select_passages(source.body, audiences)
    steps = [
        markdown.select_passages(s.text, audiences) if s.text else s.text for s in source.steps
    ]
    if body == pub.item.body and steps == [s.text for s in pub.item.steps]:
        return pub
    return replace(pub, item=_cut_item(source, audiences))


def _cut_item(item: Item, audiences: frozenset[str]) -> Item:
    """``item`` with its body and step texts as readers in ``audiences`` see them;
    ``item`` itself when no text has a passage (then every edition shares the one model
    object, and with it everything keyed on its texts)."""
    body = markdown.select_passages(item.body, audiences)
    texts = [markdown.select_passages(s.text, audiences) if s.text else s.text for s in item.steps]
    if body == item.body and all(
        text == step.text for text, step in zip(texts, item.steps, strict=True)
    ):
        return item
    steps = [
        step if text == step.text else step.model_copy(update={"text": text})
        for text, step in zip(texts, item.steps, strict=True)
    ]
    return item.model_copy(update={"body": body, "steps": steps})


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
            related=tuple(PubRef(r, published[r].title) for r in item.related if r in published),
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
        if entry.audiences and not serves(entry.audiences):
            continue
        found[entry.id] = Tombstone(
            id=entry.id,
            title=entry.title or entry.id,
            date=entry.date,
            reason=entry.reason,
            replaced_by=items.get(entry.replaced_by) if entry.replaced_by else None,
            audiences=tuple(entry.audiences),
        )
    return dict(sorted(found.items()))
