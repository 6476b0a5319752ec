"""Atom 1.0 (RFC 4287) next to every JSON Feed: ``feeds/feed.atom`` and
``feeds/<audience>.atom`` in every edition, for CMS importers (Drupal, WordPress) that read
Atom but not JSON Feed.

The same entries in the same order as the JSON Feed, with the same ids
(``urn:pakketbuild:<site-id>:item:<item-id>``), the same content (``content type="html"``:
the lead and the body as in ``content_html``) and the same dates. Atom requires an
``updated`` date on the feed and on every entry; it comes from the content only (never
the build clock, so the bytes stay the same between builds), in this order:

1. the item's latest change (``changes:``), else its first publication (``published:``);
2. else the newest edition date of the pakketten that hold it (it was published as
   part of that edition);
3. else the content gives no date: ``1970-01-01T00:00:00Z`` together with
   ``<category term="datum-onbekend" scheme="urn:pakketbuild:date">`` on the entry, the
   explicit, machine-readable "unknown" (the value itself is not a real date).

The feed's ``updated`` is the newest of those entry and tombstone dates; when none is
known, the date of the source revision (``SOURCE_DATE_EPOCH``, the day the content was
fixed: the date on the covers of the documents, :mod:`pakketbuild.sourcedate`); without
that, the 1970 value with the same category on the feed.

The feed links to ``api/v1/withdrawn.json`` (``rel="related"``), the complete list of
withdrawn items.

Withdrawn items are Atom Tombstones (RFC 6721, ``at:deleted-entry``), something JSON
Feed cannot express. Links are absolute when ``site.yaml`` has a ``base_url``, otherwise
relative to the feed (allowed by RFC 4287; readers resolve them against the feed's URL).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from xml.sax.saxutils import escape, quoteattr

from pakketbuild import jobkeys, labels, mediatypes
from pakketbuild.jobkeys import Dep
from pakketbuild.model import Audience
from pakketbuild.publication import PubItem, Publication, Tombstone
from pakketbuild.writers import BuildContext, api_builders, urls
from pakketbuild.writers import api_models as api
from pakketbuild.writers.feeds import feed_item, feed_items

ATOM_MEDIA_TYPE = mediatypes.ATOM
ATOM_NS = "http://www.w3.org/2005/Atom"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
UNKNOWN_DATE = "1970-01-01T00:00:00Z"
"""``updated`` of an entry whose content records no date (Atom requires one); always
together with :data:`UNKNOWN_DATE_CATEGORY`."""
UNKNOWN_DATE_CATEGORY = (
    '<category term="datum-onbekend" scheme="urn:pakketbuild:date" label="Datum onbekend"/>'
)


def entry_date(pub: Publication, item: PubItem) -> dt.date | None:
    """The date an entry's ``updated`` shows (see the module docstring), or None: the
    date the content gives the item (:meth:`Publication.item_date`), the same as its
    document's."""
    return pub.item_date(item)


def _feed_stones(pub: Publication, audience: Audience | None) -> list[Tombstone]:
    return [s for s in pub.withdrawn.values() if audience is None or audience in s.audiences]


def content_date(pub: Publication, audience: Audience | None) -> dt.date | None:
    """The newest date the content gives the feed's entries and tombstones, or None."""
    dates = [d for i in feed_items(pub, audience) if (d := entry_date(pub, i)) is not None]
    dates += [s.date for s in _feed_stones(pub, audience) if s.date]
    return max(dates, default=None)


def feed_date(pub: Publication, audience: Audience | None) -> dt.date | None:
    """The feed's ``updated``: :func:`content_date`, else the date of the source revision
    (the day the feed's content was fixed), else None."""
    return content_date(pub, audience) or pub.source_date


def date_deps(pub: Publication, audience: Audience | None) -> tuple[Dep, ...]:
    """The source date as a dependency of a feed that shows it (its content gives no date)."""
    return () if content_date(pub, audience) is not None else (jobkeys.SOURCE_DATE,)


def atom_date(value: dt.date | None) -> str:
    return f"{value.isoformat()}T00:00:00Z" if value else UNKNOWN_DATE


def feed_id(pub: Publication, audience: Audience | None) -> str:
    """A stable id per feed: ``urn:pakketbuild:<site>[:view:<view>]:feed[:<audience>]``."""
    view = f":view:{pub.view.id}" if pub.view is not None else ""
    tail = f":{audience.value}" if audience is not None else ""
    return f"urn:pakketbuild:{pub.site.id}{view}:feed{tail}"


def build_atom(pub: Publication, ctx: BuildContext, audience: Audience | None) -> bytes:
    """The Atom document of every item of ``pub``, or of ``audience``'s items."""
    path = urls.ATOM_FEED if audience is None else urls.audience_atom(audience.value)
    json_path = urls.FEED if audience is None else urls.audience_feed(audience.value)

    def href(target: str) -> str:
        return pub.absolute_url(target) or urls.relative(path, target)

    items = feed_items(pub, audience)
    stones = _feed_stones(pub, audience)
    newest = feed_date(pub, audience)
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    if audience is None:
        subtitle = "Alle gepubliceerde onderdelen."
    else:
        subtitle = f"De onderdelen voor {labels.audience_plural(audience)}."
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xmlns:at="{TOMBSTONES_NS}" '
        f"xml:lang={quoteattr(pub.site.language)}>",
        f"  <id>{escape(feed_id(pub, audience))}</id>",
        f"  <title>{escape(api_builders.feed_title(pub, audience))}</title>",
        f"  <subtitle>{escape(subtitle)}</subtitle>",
        f"  <updated>{atom_date(newest)}</updated>",
        *([f"  {UNKNOWN_DATE_CATEGORY}"] if newest is None else []),
        "  <author>",
        f"    <name>{escape(publisher.name if publisher else pub.site.title)}</name>",
        *([f"    <uri>{escape(publisher.url)}</uri>"] if publisher and publisher.url else []),
        "  </author>",
        f'  <link rel="self" type="{ATOM_MEDIA_TYPE}" href={quoteattr(href(path))}/>',
        f'  <link rel="alternate" type="{mediatypes.HTML}" href={quoteattr(href(urls.INDEX))}/>',
        f'  <link rel="alternate" type="{mediatypes.FEED}" href={quoteattr(href(json_path))}/>',
        f'  <link rel="related" type="{mediatypes.JSON}" '
        f"href={quoteattr(href(urls.API_WITHDRAWN))} "
        'title="Ingetrokken onderdelen"/>',
        "  <generator>pakketbuild</generator>",
    ]
    for item in items:
        out.append(atom_entry(pub, ctx, item, path))
    for stone in stones:
        out += _tombstone(pub, stone, href)
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def atom_entry(pub: Publication, ctx: BuildContext, item: PubItem, path: str) -> str:
    """The ``<entry>`` of ``item`` in the feed at ``path`` (lines without the last line
    break); the same in every feed of the folder, so made once per build."""
    key = ("atom.entry", ctx.formats, posixpath.dirname(path))
    text = item.memo.get(key)
    if text is None:

        def href(target: str) -> str:
            return pub.absolute_url(target) or urls.relative(path, target)

        text = item.memo[key] = "\n".join(_entry(pub, ctx, item, href))
    assert isinstance(text, str)
    return text


def _entry(pub: Publication, ctx: BuildContext, item: PubItem, href: object) -> list[str]:
    assert callable(href)
    doc = feed_item(pub, ctx, item)
    updated = entry_date(pub, item)
    lines = [
        "  <entry>",
        f"    <id>{escape(doc.id)}</id>",
        f"    <title>{escape(doc.title)}</title>",
        f"    <updated>{atom_date(updated)}</updated>",
    ]
    if doc.date_published:
        lines.append(f"    <published>{doc.date_published}</published>")
    lines.append(
        f'    <link rel="alternate" type="{mediatypes.HTML}" '
        f"href={quoteattr(href(urls.item_page(item.id)))}/>"
    )
    for attachment in doc.attachments or []:
        title = f" title={quoteattr(attachment.title)}" if attachment.title else ""
        lines.append(
            f'    <link rel="enclosure" type={quoteattr(attachment.mime_type)} '
            f"href={quoteattr(attachment.url)}{title}/>"
        )
    for audience in item.audiences:
        lines.append(
            f'    <category term="{audience.id.value}" scheme="urn:pakketbuild:audience" '
            f"label={quoteattr(audience.label_plural)}/>"
        )
    lines.append(
        f'    <category term="{item.kind.value}" scheme="urn:pakketbuild:kind" '
        f"label={quoteattr(item.kind_label)}/>"
    )
    if updated is None:
        lines.append(f"    {UNKNOWN_DATE_CATEGORY}")
    lines += [
        f'    <summary type="text">{escape(doc.summary)}</summary>',
        f'    <content type="html">{escape(doc.content_html)}</content>',
        "  </entry>",
    ]
    return lines


def _tombstone(pub: Publication, stone: Tombstone, href: object) -> list[str]:
    assert callable(href)
    ref = api.feed_item_id(pub.site.id, stone.id)
    lines = [f"  <at:deleted-entry ref={quoteattr(ref)} when={quoteattr(atom_date(stone.date))}>"]
    lines.append(
        f'    <link rel="alternate" type="{mediatypes.HTML}" '
        f"href={quoteattr(href(urls.item_page(stone.id)))}/>"
    )
    comment = "Ingetrokken."
    if stone.reason:
        comment += f" {stone.reason}"
    if stone.replaced_by is not None:
        comment += f" Vervangen door: {stone.replaced_by.title}."
    lines.append(f"    <at:comment>{escape(comment)}</at:comment>")
    for audience in stone.audiences:
        label = labels.audience_plural(audience)
        lines.append(
            f'    <category term="{audience.value}" scheme="urn:pakketbuild:audience" '
            f"label={quoteattr(label)}/>"
        )
    lines.append("  </at:deleted-entry>")
    return lines
