"""The neutral document outline: what a document or a web page shows, decided once.

Every document (an item's, a pakket's, a view's combined document) and every item and
pakket page is built here as one :class:`Outline`: an ordered tree of typed blocks
(:class:`Cover`, :class:`Contents`, :class:`Section` with its heading, level and anchor,
:class:`Facts`, :class:`Lead`, :class:`Body`, :class:`Steps`, :class:`Contacts`,
:class:`Links`, :class:`Colophon`, :class:`Changes`, :class:`PageLink`). The Dutch
labels, the order of the blocks, the heading levels and the anchors are decided here and
nowhere else; a writer renders the tree with one rule per block kind
(:attr:`Block.kind`) — the HTML and PDF templates with one macro per kind, Word and ODT
with one ``visit_<kind>`` method each (:func:`dispatch`) — and decides only how a block
*looks*. This is pandoc's AST and docutils' doctree at the size of this project: a new
field is added to the blocks here once, and a new format renders the blocks it knows.

Heading levels are those of HTML (1 is the document's title). Markdown texts
(:class:`Body`, :class:`Step`) keep their source; their headings sit one level below the
block's ``level`` (``##`` becomes level ``level + 1``), the way
:func:`pakketbuild.publication.render_html`'s ``heading_offset = level - 1`` and the Word
and ODT Markdown renderers count them.

Links name a :class:`Target` in terms every format can address — an anchor in the same
document, a page or download of this edition's export, or an absolute URL — and each
writer turns it into an address: the web pages into a relative link, a handed-out
document into the page's absolute URL when the site has a base URL (:func:`document_href`),
else no link at all.

The publication date of a document is decided here too (:func:`publication_date`): the
date its content gives (a pakket's or a view's ``edition``, an item's latest change, …),
else the date of the source revision (``SOURCE_DATE_EPOCH``, :mod:`pakketbuild.sourcedate`),
else none — never the clock. It stands on the cover (an item's document: under its
title) and in the colophon of every combined document (:func:`colophon`), which also
names the publisher, the edition, the content version (:func:`content_version`), the web
address of the current version with a QR code, and the licence, each only when known.
How a PDF describes its links to a screen reader is worded here as well
(:func:`link_description`).

Two builders: :func:`document` (PDF, Word, ODT: the same outline for all three) and
:func:`item_page` / :func:`pakket_page` (the web pages, which show more: dates,
downloads, the change log, links to the providers). They read the resolved item and
pakket (:class:`~pakketbuild.publication.PubItem`, :class:`~pakketbuild.publication.PubPakket`)
and never the input model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, ClassVar
from urllib.parse import unquote

from markupsafe import Markup, escape

from pakketbuild import anchors, jobkeys, labels, markdown
from pakketbuild.jobkeys import Dep
from pakketbuild.publication import PubItem, Publication, PubPakket, render_html
from pakketbuild.records import PubContact
from pakketbuild.theme import Logo
from pakketbuild.writers import download_formats, urls

# --------------------------------------------------------------------------- labels

LABEL_CONTENTS = "Inhoud"
LABEL_INTRO = "Inleiding"
LABEL_AUDIENCES = "Voor"
LABEL_PROVIDERS = "Aangeboden door"
LABEL_KIND = "Soort"
LABEL_PART_OF = "Onderdeel van"
LABEL_EDITION = "Editie"
LABEL_PUBLISHER = "Uitgegeven door"
LABEL_STEPS = "Stappen"
LABEL_CONTACT = "Contact"
LABEL_DOCUMENTS = "Documenten"
LABEL_RELATED = "Zie ook"
LABEL_DOWNLOADS = "Downloaden"
LABEL_CHANGES = "Wijzigingen"
LABEL_MODIFIED = "Bijgewerkt"
LABEL_REVIEWED = "Gecontroleerd"
LABEL_DOWNLOAD_PAKKET = "Download dit pakket:"
LABEL_OWN_PAGE = "{title} op een eigen pagina"
LABEL_PAGE = "pagina"
LABEL_OF = "van"
LABEL_COLOPHON = "Colofon"
LABEL_COLOPHON_PUBLISHER = "Uitgever"
LABEL_DATE = "Publicatiedatum"
LABEL_VERSION = "Versie van de inhoud"
LABEL_ADDRESS = "Actuele versie"
LABEL_LICENSE = "Licentie"
LABEL_QR_CODE = "QR-code naar de actuele versie: {url}"
LABEL_LINK_PHONE = "Bel {text}"
LABEL_LINK_EMAIL = "Mail naar {text}"
LABEL_LINK_TO = "Naar {text}"
"""How a PDF describes a link to a screen reader (:func:`link_description`)."""
CONTACT_LABELS = {
    "phone": "Telefoon",
    "email": "E-mail",
    "url": "Website",
    "hours": "Bereikbaar",
}
"""Labels of a contact's lines (see :class:`ContactCard`), in order."""

RUNNING_HEAD = 50
"""At most this many characters of a text in a running header (the document's title, the
current section): two such parts fit side by side on one line of the header with room
between them (see :func:`running_head`)."""
ELLIPSIS = "\u2026"


def running_head(text: str) -> str:
    """``text`` as a part of a running header: whole words, at most :data:`RUNNING_HEAD`
    characters, and an ellipsis where words were left off ("Training Omgaan met
    intimidatie en bedreiging…"), so the title on the left and the current section on
    the right never run into each other."""
    words = text.split()
    shown = " ".join(words)
    if len(shown) <= RUNNING_HEAD:
        return shown
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + len(ELLIPSIS) > RUNNING_HEAD:
            break
        kept = candidate
    if not kept:  # one word longer than the whole budget
        kept = words[0][: RUNNING_HEAD - len(ELLIPSIS)]
    return kept.rstrip(",;:\u2013-") + ELLIPSIS  # no dangling punctuation or dash


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class Target:
    """Where a link leads, in terms every format can address (exactly one is set)."""

    anchor: str | None = None
    """An id in the same page or document."""
    page: str | None = None
    """A file of this edition's export (a page or a download), relative to its root."""
    url: str | None = None
    """An absolute address: ``https:``, ``mailto:``, ``tel:``."""


def to_anchor(anchor: str) -> Target:
    return Target(anchor=anchor)


def to_page(path: str) -> Target:
    return Target(page=path)


def to_url(url: str | None) -> Target | None:
    return Target(url=url) if url else None


@dataclass(frozen=True)
class Link:
    """A link as readers see it: its text, where it leads (None: plain text) and a note
    that is part of its text (the file type: three links "Woningscan" to a PDF, a Word
    and an ODT file must read differently)."""

    text: str
    target: Target | None = None
    note: str | None = None
    media_type: str | None = None
    """The media type of what it leads to, where the format can say it (HTML ``type``)."""
    rel: str | None = None
    hreflang: str | None = None


@dataclass(frozen=True)
class References:
    """Where a text's link to an item (``[…](#<item-id>)``) leads in one page or document:
    to the item's heading when the item is in it (``local``: item id → anchor), else to
    the item's page. A link to one of the text's own headings is the text's business
    (:func:`pakketbuild.markdown.render_html`); anything else stays as written."""

    local: Mapping[str, str]
    published: Collection[str]
    """The ids of the edition's published items (the pages that exist)."""

    def target(self, fragment: str) -> Target | None:
        if fragment in self.local:
            return to_anchor(self.local[fragment])
        if fragment in self.published:
            return to_page(urls.item_page(fragment))
        return None


def document_href(pub: Publication, target: Target | None) -> str | None:
    """The address of ``target`` in a handed-out document (PDF, Word, ODT): ``#anchor``
    inside it, an absolute URL for a page of the export when the site has a base URL
    (else None: a document cannot link to a page whose address is not known)."""
    if target is None:
        return None
    if target.anchor is not None:
        return f"#{target.anchor}"
    if target.page is not None:
        return pub.absolute_url(target.page)
    return target.url


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """A block of an outline; :attr:`kind` names the rule a writer renders it with."""

    kind: ClassVar[str]


@dataclass(frozen=True)
class Line:
    """A line of a cover: its role (``audiences``, ``edition``, ``date``, ``publisher``)
    and its text, labelled (the date of the source revision stands unlabelled, as
    ``date``; a pakket's own edition date as ``Editie: …``)."""

    role: str
    text: str


@dataclass(frozen=True)
class Cover(Block):
    """The first page of a combined document."""

    kind: ClassVar[str] = "cover"
    title: str
    lines: tuple[Line, ...]
    logo: Logo | None


@dataclass(frozen=True)
class Contents(Block):
    """A contents list: one entry per section of the first level, linked to its anchor."""

    kind: ClassVar[str] = "contents"
    title: str
    anchor: str
    """The id of the contents' own heading."""
    entries: tuple[Link, ...]


@dataclass(frozen=True)
class Fact:
    """One labelled value; ``date`` when the value is a date (``text`` is it in Dutch)."""

    label: str
    text: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Facts(Block):
    """Label/value lines: kind, audiences, providers, dates."""

    kind: ClassVar[str] = "facts"
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Lead(Block):
    """The lead paragraph (plain text)."""

    kind: ClassVar[str] = "lead"
    text: str


@dataclass(frozen=True)
class Body(Block):
    """A Markdown text: its headings sit below ``level`` and get ids ``<id_prefix><slug>``."""

    kind: ClassVar[str] = "body"
    text: str
    level: int
    id_prefix: str
    role: str = "body"
    """``body`` (an item's text) or ``intro`` (a pakket's introduction)."""


@dataclass(frozen=True)
class Step:
    """One step: its number, title and Markdown text (ids ``<id_prefix><slug>``)."""

    number: int
    title: str
    text: str | None
    id_prefix: str


@dataclass(frozen=True)
class Steps(Block):
    """A numbered list of steps inside a section of ``level``."""

    kind: ClassVar[str] = "steps"
    entries: tuple[Step, ...]
    level: int


@dataclass(frozen=True)
class ContactLine:
    """A labelled line with an optional link: one way to reach a contact (``tel:`` …), or
    a line of a colophon (the web address of the current version)."""

    label: str
    text: str
    href: str | None


@dataclass(frozen=True)
class ContactCard:
    """A contact as a labelled block, the same in every format: its name, then a line per
    way to reach it. A block, not a table: no narrow column breaks an e-mail address or URL
    mid-word, and no header cell repeats the "Contact" heading."""

    name: str
    lines: tuple[ContactLine, ...]


@dataclass(frozen=True)
class Contacts(Block):
    kind: ClassVar[str] = "contacts"
    cards: tuple[ContactCard, ...]


@dataclass(frozen=True)
class Links(Block):
    """A list of links: ``role`` is ``documents``, ``related``, ``providers`` or
    ``downloads``."""

    kind: ClassVar[str] = "links"
    role: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Downloads(Block):
    """The files of a whole pakket, with a line of text before them (web pages)."""

    kind: ClassVar[str] = "downloads"
    text: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class QrCode:
    """A QR code that leads to ``url``, with its text alternative (:mod:`pakketbuild.writers.qr`
    draws it: SVG in the PDF, PNG in Word and ODT)."""

    url: str
    alt: str


@dataclass(frozen=True)
class Colophon(Block):
    """Who publishes a combined document, when, which edition and content version, where
    its current version lives (with a QR code) and under which licence: one labelled
    line per fact the content and the build know, none for what they do not."""

    kind: ClassVar[str] = "colophon"
    lines: tuple[ContactLine, ...]
    qr_code: QrCode | None


@dataclass(frozen=True)
class Change:
    """One entry of a change log: its date (and the date in Dutch) and what changed."""

    date: dt.date
    date_text: str
    text: str


@dataclass(frozen=True)
class Changes(Block):
    """The change log, newest first."""

    kind: ClassVar[str] = "changes"
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class PageLink(Block):
    """A link to the page of its own of an item shown inside a pakket's page."""

    kind: ClassVar[str] = "page_link"
    link: Link


@dataclass(frozen=True)
class Section(Block):
    """A heading with what belongs under it. ``role``: ``pakket``, ``item``,
    ``pakket-item`` (an item inside a pakket's page), ``intro``, ``steps``, ``contacts``,
    ``documents``, ``providers``, ``related``, ``downloads``, ``changes``."""

    kind: ClassVar[str] = "section"
    role: str
    heading: str
    level: int
    anchor: str | None
    blocks: tuple[Block, ...]
    subtitles: tuple[str, ...] = ()
    """Lines under the heading: what the section is part of ("Onderdeel van: …") and its
    date (an item's document)."""
    new_page: bool = False
    """The section starts a page (the colophon at the end of a combined document)."""

    @property
    def running(self) -> str:
        """The heading as the running header shows it (:func:`running_head`)."""
        return running_head(self.heading)


@dataclass(frozen=True)
class Meta:
    """Metadata of one document, from the content only (never from the clock)."""

    title: str
    subject: str
    author: str
    keywords: tuple[str, ...]
    description: str
    language: str
    """The site language as written (``nl``)."""
    created: dt.date | None
    modified: dt.date | None

    @property
    def running_title(self) -> str:
        """The title as the running header shows it (:func:`running_head`)."""
        return running_head(self.title)

    @property
    def language_region(self) -> str:
        """Language with region for Word and ODF (``nl`` → ``nl-NL``)."""
        if "-" in self.language:
            return self.language
        return f"{self.language}-{self.language.upper()}"


@dataclass(frozen=True)
class Outline:
    """One document or page: its metadata and its blocks in order."""

    kind: str
    """``pakket`` (a pakket's or a view's combined document, or a pakket's page) or
    ``item``."""
    meta: Meta
    blocks: tuple[Block, ...]
    references: References
    """Where the texts' links to items lead in this page or document."""


# --------------------------------------------------------------------------- rendering


def dispatch(visitor: object, block: Block, *args: object) -> object:
    """Call ``visitor.visit_<kind>(block, *args)``; a kind the visitor has no rule for
    fails loudly (docutils' ``SphinxTranslator.dispatch_visit``)."""
    method: Callable[..., object] | None = getattr(visitor, f"visit_{block.kind}", None)
    if method is None:
        raise NotImplementedError(
            f"{type(visitor).__name__} has no rule for the outline block {block.kind!r}"
        )
    return method(block, *args)


_IN_PAGE_HREF = re.compile(r'href="#([^"]*)"')


def body_markup(
    text: str,
    heading_offset: int,
    id_prefix: str,
    *,
    references: References,
    href: Callable[[Target | None], str | None],
) -> Markup:
    """A Markdown text as HTML for the templates (the HTML pages and the PDF): trusted
    markup, sanitised by nh3 in :func:`pakketbuild.markdown.render_html`; its links to
    items lead where ``references`` says, addressed by ``href``."""
    html = render_html(text, heading_offset, id_prefix)
    own = markdown.heading_slugs(text)

    def resolve(match: re.Match[str]) -> str:
        fragment = match.group(1)
        if fragment in own:
            return match.group(0)
        address = href(references.target(fragment))
        return f'href="{escape(address)}"' if address else match.group(0)

    return Markup(_IN_PAGE_HREF.sub(resolve, html) if 'href="#' in html else html)


def translate(translator: object, doc: Outline, pub: Publication, md: Any) -> None:
    """Render ``doc`` with a renderer written in Python (Word, ODT): its
    ``visit_<kind>`` method for each block (:func:`dispatch`), and ``md``, its Markdown
    renderer, told where a text's link to an item leads (the outline's
    :class:`References`, addressed as in a handed-out document: :func:`document_href`)."""
    md.resolve = lambda fragment: document_href(pub, doc.references.target(fragment))
    for block in doc.blocks:
        dispatch(translator, block)


def walk(blocks: Iterable[Block]) -> Iterable[Block]:
    """Every block, depth first (a section before its blocks)."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.blocks)


# --------------------------------------------------------------------------- documents


def pakketten_of(pub: Publication, item: PubItem) -> list[PubPakket]:
    return [pub.pakketten[pid] for pid in item.pakket_ids if pid in pub.pakketten]


def contact_card(contact: PubContact) -> ContactCard:
    """A contact's name and one line per way to reach it, in :data:`CONTACT_LABELS` order."""
    lines: list[ContactLine] = []
    if contact.phone:
        lines.append(ContactLine(CONTACT_LABELS["phone"], contact.phone, contact.phone_href))
    if contact.email:
        lines.append(ContactLine(CONTACT_LABELS["email"], contact.email, contact.email_href))
    if contact.url:
        lines.append(ContactLine(CONTACT_LABELS["url"], contact.url, contact.url))
    if contact.hours:
        lines.append(ContactLine(CONTACT_LABELS["hours"], contact.hours, None))
    return ContactCard(contact.label, tuple(lines))


def content_date(pub: Publication, subject: PubPakket | PubItem) -> dt.date | None:
    """The date a document's content gives it: a pakket's ``edition`` (a view's combined
    document: the view's ``edition``), an item's date (:meth:`Publication.item_date`: its
    latest change, its first publication, the edition of its pakket); None when the
    content gives none."""
    if isinstance(subject, PubPakket):
        return subject.edition
    return pub.item_date(subject)


def publication_date(pub: Publication, subject: PubPakket | PubItem) -> dt.date | None:
    """The date a document shows: :func:`content_date`, else the date of the source
    revision (``SOURCE_DATE_EPOCH``), else None. Never invented, never the clock."""
    return content_date(pub, subject) or pub.source_date


def date_deps(pub: Publication, subject: PubPakket | PubItem) -> tuple[Dep, ...]:
    """The source date as a dependency of a document that shows it (its content gives no
    date of its own): a new source date rebuilds exactly these documents."""
    return () if content_date(pub, subject) is not None else (jobkeys.SOURCE_DATE,)


def document(pub: Publication, subject: PubPakket | PubItem) -> Outline:
    """The outline of a handed-out document (PDF, Word, ODT) of a pakket (or a view's
    combined document, which is a pakket) or of an item."""
    if isinstance(subject, PubPakket):
        return _pakket_document(pub, subject)
    anchor = anchors.item_heading(subject.id)
    pakketten = pakketten_of(pub, subject)
    subtitles = []
    if pakketten:
        subtitles.append(f"{LABEL_PART_OF}: {', '.join(p.title for p in pakketten)}")
    if (date := publication_date(pub, subject)) is not None:
        subtitles.append(labels.dutch_date(date))
    place = _Place(
        1, subject.anchor_prefix, anchor, {subject.id: anchor}, subtitles=tuple(subtitles)
    )
    return Outline(
        "item",
        item_meta(pub, subject),
        (_item(subject, place),),
        References(place.local, pub.items),
    )


def _cover_lines(pub: Publication, pakket: PubPakket) -> tuple[Line, ...]:
    """Audiences, the date (the edition's, else the source revision's), publisher."""
    lines = []
    if pakket.audiences:
        lines.append(Line("audiences", f"{LABEL_AUDIENCES} {pakket.audiences_text}"))
    if pakket.edition_label:
        lines.append(Line("edition", f"{LABEL_EDITION}: {pakket.edition_label}"))
    elif (date := publication_date(pub, pakket)) is not None:
        lines.append(Line("date", labels.dutch_date(date)))
    lines.append(Line("publisher", f"{LABEL_PUBLISHER} {pakket.publisher.name}"))
    return tuple(lines)


def _pakket_document(pub: Publication, pakket: PubPakket) -> Outline:
    cover = Cover(pakket.title, _cover_lines(pub, pakket), pub.theme.logo)
    blocks: list[Block] = [cover]
    sections: list[Section] = []
    if pakket.has_intro:
        sections.append(
            Section(
                "intro",
                LABEL_INTRO,
                2,
                anchors.INTRO_HEADING,
                (Body(pakket.intro, 2, anchors.INTRO, role="intro"),),
            )
        )
    local = {item.id: anchors.item_heading(item.id) for item in pakket.items}
    sections += [
        _item(item, _Place(2, item.anchor_prefix, local[item.id], local)) for item in pakket.items
    ]
    # The version covers what the document says (its cover but the source date, its
    # texts), not the colophon that shows it.
    said = (cover.title, [line for line in cover.lines if line.role != "date"], sections)
    sections.append(colophon(pub, pakket, content_version(said)))
    entries = tuple(Link(s.heading, to_anchor(s.anchor)) for s in sections if s.anchor)
    blocks.append(Contents(LABEL_CONTENTS, anchors.CONTENTS, entries))
    blocks += sections
    references = References(local, pub.items)
    return Outline("pakket", pakket_meta(pub, pakket), tuple(blocks), references)


def colophon(pub: Publication, pakket: PubPakket, version: str) -> Section:
    """The colophon of a combined document (the last section, on a page of its own): its
    publisher, publication date, edition (with the edition's summary when the content
    records one), content version, the web address of its current version with a QR code
    (only when the base URL is known: the pakket's page, or a view's home page for the
    view's combined document) and the site's licence (only when ``site.yaml`` names one)."""
    lines = [ContactLine(LABEL_COLOPHON_PUBLISHER, pakket.publisher.name, None)]
    if (date := publication_date(pub, pakket)) is not None:
        lines.append(ContactLine(LABEL_DATE, labels.dutch_date(date), None))
    if pakket.edition is not None:
        summaries = [e.summary for e in pakket.editions if e.date == pakket.edition]
        edition = labels.dutch_date(pakket.edition)
        text = f"{edition} — {summaries[-1]}" if summaries and summaries[-1] else edition
        lines.append(ContactLine(LABEL_EDITION, text, None))
    lines.append(ContactLine(LABEL_VERSION, version, None))
    page = urls.pakket_page(pakket.id) if pakket.id in pub.pakketten else urls.INDEX
    url = pub.absolute_url(page)
    qr_code = None
    if url is not None:
        lines.append(ContactLine(LABEL_ADDRESS, url, url))
        qr_code = QrCode(url, LABEL_QR_CODE.format(url=url))
    if pub.site.license:
        lines.append(ContactLine(LABEL_LICENSE, pub.site.license, None))
    return Section(
        "colophon",
        LABEL_COLOPHON,
        2,
        anchors.COLOPHON,
        (Colophon(tuple(lines), qr_code),),
        new_page=True,
    )


def content_version(said: object) -> str:
    """16 hex digits of the sha256 of ``said`` (blocks, lines, texts) as canonical JSON:
    the same for the same words in every build, format and machine, and different when
    a word, link or fact changes. A theme's logo is not part of what a document says."""
    text = json.dumps(_plain(said), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _plain(value: object) -> object:
    """``value`` as JSON data: a block with its kind, dataclasses as objects, dates ISO."""
    if isinstance(value, Logo):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, Block):
            data["kind"] = value.kind
        return data
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def link_description(href: str, text: str) -> str:
    """What a link says to a screen reader (a PDF link's ``/Contents``): its visible
    text, with what it does in Dutch — "Bel 070-3738314", "Mail naar …", "Naar
    Woningscan", "Naar https://…" (``text`` is the link's visible text, or for a link
    inside the document the heading it leads to). A phone link whose text is no number
    names the number, a mail link always the address."""
    plain = " ".join(text.replace("\u2011", "-").replace("\u00ad", "").split())
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme == "tel":
        number = plain if sum(c.isdigit() for c in plain) >= 6 else unquote(href[4:])
        return LABEL_LINK_PHONE.format(text=number)
    if scheme == "mailto":  # the address itself, also for "[e-mail](mailto:…)"
        return LABEL_LINK_EMAIL.format(text=unquote(href[7:].split("?", 1)[0]))
    return LABEL_LINK_TO.format(text=plain or href)


def _steps(item: PubItem, item_prefix: str, level: int) -> Steps:
    return Steps(
        tuple(
            Step(s.number, s.title, s.text, anchors.step(item_prefix, s.number)) for s in item.steps
        ),
        level,
    )


def _note(text: str | None) -> str | None:
    return f"({text})" if text else None


# --------------------------------------------------------------------------- items


@dataclass(frozen=True)
class _Place:
    """Where an item is shown: its heading level and anchor, the prefix of its texts' ids,
    the anchors of the items on the same page or document (linked there, not to their
    pages), and what the medium adds."""

    level: int
    id_prefix: str
    anchor: str | None
    local: Mapping[str, str]
    role: str = "item"
    web: bool = False
    """A web page: the dates, the providers as links, the downloads and the change log;
    a document instead names the providers among the facts and anchors every section."""
    formats: tuple[str, ...] = ()
    """The formats built (a web page links the item's downloads in them)."""
    subtitles: tuple[str, ...] = ()
    page_link: bool = False
    """An item inside a pakket's page, with a link to its page of its own."""


def _item(item: PubItem, place: _Place) -> Section:
    """One item: its title at ``place.level``, its facts, lead and text, then its
    steps, contacts, documents (providers), related items (downloads, changes), each a
    section one level down."""
    facts = [Fact(LABEL_KIND, item.kind_label), Fact(LABEL_AUDIENCES, item.audiences_text)]
    if place.web:
        if item.date_modified:
            facts.append(_date_fact(LABEL_MODIFIED, item.date_modified))
        if item.last_reviewed:
            facts.append(_date_fact(LABEL_REVIEWED, item.last_reviewed))
    elif item.providers:
        facts.append(Fact(LABEL_PROVIDERS, item.providers_text))
    blocks: list[Block] = [
        Facts(tuple(facts)),
        Lead(item.summary),
        Body(item.body, place.level, place.id_prefix),
    ]
    sub = place.level + 1

    def section(role: str, heading: str, name: str, block: Block) -> None:
        anchor = anchors.section(place.anchor, name) if place.anchor and not place.web else None
        blocks.append(Section(role, heading, sub, anchor, (block,)))

    if item.steps:
        section("steps", LABEL_STEPS, "stappen", _steps(item, place.id_prefix, sub))
    if item.contacts:
        cards = Contacts(tuple(contact_card(c) for c in item.contacts))
        section("contacts", LABEL_CONTACT, "contact", cards)
    if item.documents:
        links = tuple(
            Link(
                d.title,
                to_url(d.url),
                note=_note(d.media_label),
                media_type=d.media_type if d.url else None,
            )
            for d in item.documents
        )
        section("documents", LABEL_DOCUMENTS, "documenten", Links("documents", links))
    if item.providers and place.web:
        providers = tuple(
            Link(f"{o.name} ({o.abbreviation})" if o.abbreviation else o.name, to_url(o.url))
            for o in item.providers
        )
        section("providers", LABEL_PROVIDERS, "aanbieders", Links("providers", providers))
    if item.related:
        related = tuple(
            Link(
                r.title,
                to_anchor(place.local[r.id])
                if r.id in place.local
                else to_page(urls.item_page(r.id)),
            )
            for r in item.related
        )
        section("related", LABEL_RELATED, "zie-ook", Links("related", related))
    if place.web:
        _web_additions(item, place, section)
    if place.page_link:
        own = Link(LABEL_OWN_PAGE.format(title=item.title), to_page(urls.item_page(item.id)))
        blocks.append(PageLink(own))
    return Section(
        place.role, item.title, place.level, place.anchor, tuple(blocks), subtitles=place.subtitles
    )


def _web_additions(
    item: PubItem, place: _Place, section: Callable[[str, str, str, Block], None]
) -> None:
    """What a web page shows of an item besides a document: its downloads and its change
    log."""
    files = downloads(place.formats, lambda fmt: urls.item_download(item.id, fmt), item.title)
    if files:
        section("downloads", LABEL_DOWNLOADS, "downloaden", Links("downloads", files))
    if item.changes:
        changes = tuple(
            Change(c.date, labels.dutch_date(c.date), c.summary)
            for c in sorted(item.changes, key=lambda c: c.date, reverse=True)
        )
        section("changes", LABEL_CHANGES, "wijzigingen", Changes(changes))


# --------------------------------------------------------------------------- metadata


def _publisher_name(pub: Publication) -> str:
    if pub.site.publisher and pub.site.publisher in pub.organisations:
        return pub.organisations[pub.site.publisher].name
    return pub.site.title


def pakket_meta(pub: Publication, pakket: PubPakket) -> Meta:
    dates = [edition.date for edition in pakket.editions]
    if pakket.edition:
        dates.append(pakket.edition)
    for item in pakket.items:
        dates.extend(d for d in (item.date_published, item.date_modified) if d)
        dates.extend(change.date for change in item.changes)
    return Meta(
        title=pakket.title,
        subject=f"{LABEL_AUDIENCES} {pakket.audiences_text}",
        author=pakket.publisher.name,
        keywords=tuple(a.label for a in pakket.audiences),
        description="",
        language=pub.site.language,
        created=min(dates, default=None),
        modified=max(dates, default=None),
    )


def item_meta(pub: Publication, item: PubItem) -> Meta:
    pakketten = pakketten_of(pub, item)
    author = pakketten[0].publisher.name if pakketten else _publisher_name(pub)
    return Meta(
        title=item.title,
        subject=item.kind_label,
        author=author,
        keywords=(item.kind_label, *item.audience_labels),
        description=item.summary,
        language=pub.site.language,
        created=item.date_created,
        modified=item.date_modified,
    )


# --------------------------------------------------------------------------- web pages


def downloads(
    formats: Iterable[str], path_for: Callable[[str], str], title: str
) -> tuple[Link, ...]:
    """Links to the files of one document in every download format that is built, in
    registry order; the format's label is part of each link's text."""
    built = set(formats)
    return tuple(
        Link(
            title,
            to_page(path_for(fmt.name)),
            note=f"({fmt.label})",
            media_type=fmt.media_type,
            hreflang="nl",
        )
        for fmt in download_formats()
        if fmt.name in built
    )


def feed_links(pub: Publication) -> tuple[Link, ...]:
    """The feeds of the edition (all items, then one per audience), JSON Feed and Atom."""
    feeds = [
        Link("Alle onderdelen", to_page(urls.FEED), note="(JSON Feed)"),
        Link("Alle onderdelen", to_page(urls.ATOM_FEED), note="(Atom)"),
    ]
    for audience in pub.audiences:
        label = f"{LABEL_AUDIENCES} {labels.audience_plural(audience)}"
        feeds.append(Link(label, to_page(urls.audience_feed(audience.value)), note="(JSON Feed)"))
        feeds.append(Link(label, to_page(urls.audience_atom(audience.value)), note="(Atom)"))
    return tuple(feeds)


def view_links(pub: Publication) -> tuple[Link, ...]:
    """The views of the full edition, each with the audiences it is for."""
    return tuple(
        Link(
            view.view.title,
            to_page(urls.view_root(view_id) + urls.INDEX),
            note=f"(voor {labels.audiences_text(view.view.audiences)})",
        )
        for view_id, view in pub.views.items()
        if view.view is not None
    )


def _date_fact(label: str, value: dt.date, text: str | None = None) -> Fact:
    return Fact(label, text if text is not None else labels.dutch_date(value), value)


def page_deps(item: PubItem) -> set[Dep]:
    """The content an item shows on a web page besides its own file: the titles of its
    related items and the names of its providers (the planner's dependency keys)."""
    keys = {jobkeys.item_dep(item.id), *(jobkeys.item_dep(r.id) for r in item.related)}
    if item.providers:
        keys.add(jobkeys.ORGANISATIONS)
    return keys


def item_page(pub: Publication, item: PubItem, formats: Iterable[str]) -> Outline:
    """The outline of an item's web page: its title (level 1) and everything below."""
    place = _Place(1, "", None, {}, web=True, formats=tuple(formats))
    return Outline("item", item_meta(pub, item), (_item(item, place),), References({}, pub.items))


def pakket_facts(pakket: PubPakket, *, publisher: bool) -> Facts:
    """A pakket's audiences, its publisher (on its own page) and its edition date."""
    facts = [Fact(LABEL_AUDIENCES, pakket.audiences_text)]
    if publisher:
        facts.append(Fact(LABEL_PUBLISHER, pakket.publisher.name))
    if pakket.edition:
        facts.append(_date_fact(LABEL_EDITION, pakket.edition))
    return Facts(tuple(facts))


def pakket_page(pub: Publication, pakket: PubPakket, formats: Iterable[str]) -> Outline:
    """The outline of a pakket's web page: the pakket's title, its facts, downloads,
    introduction and contents, then its items (level 2), each with a link to its own page."""
    formats = tuple(formats)
    blocks: list[Block] = [pakket_facts(pakket, publisher=True)]
    files = downloads(formats, lambda fmt: urls.pakket_download(pakket.id, fmt), pakket.title)
    if files:
        blocks.append(Downloads(LABEL_DOWNLOAD_PAKKET, files))
    blocks.append(Body(pakket.intro, 1, anchors.INTRO, role="intro"))
    blocks.append(
        Contents(
            LABEL_CONTENTS,
            anchors.PAGE_CONTENTS,
            tuple(Link(i.title, to_anchor(i.id)) for i in pakket.items),
        )
    )
    local = {i.id: i.id for i in pakket.items}
    blocks += [
        _item(
            item,
            _Place(2, item.anchor_prefix, item.id, local, role="pakket-item", web=True,
                   formats=formats, page_link=True),
        )
        for item in pakket.items
    ]  # fmt: skip
    section = Section("pakket", pakket.title, 1, None, tuple(blocks))
    references = References(local, pub.items)
    return Outline("pakket", pakket_meta(pub, pakket), (section,), references)
