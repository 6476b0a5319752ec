"""What the JSON Feed and the Atom feed share: which items a feed holds, in which order,
and the entry of one item (built once per edition and item, then written as JSON Feed
by :mod:`~pakketbuild.writers.jsonfeed` and as Atom by :mod:`~pakketbuild.writers.atom`).
Neither feed module imports the other for it.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from pakketbuild import mediatypes
from pakketbuild.model import Audience
from pakketbuild.publication import PubItem, Publication
from pakketbuild.writers import FORMATS, BuildContext, api_builders, urls
from pakketbuild.writers import api_models as api

JSON_MEDIA_TYPE = mediatypes.JSON


def feed_date(value: dt.date | None) -> str | None:
    """A content date as the RFC 3339 date-time JSON Feed requires (midnight UTC)."""
    return f"{value.isoformat()}T00:00:00Z" if value else None


def newest_first(items: list[PubItem]) -> list[PubItem]:
    """Newest change first; undated items last; ties by id (items arrive sorted by id)."""
    dated = [(i.date_modified, i) for i in items if i.date_modified is not None]
    dated.sort(key=lambda pair: pair[0], reverse=True)  # stable: ties keep id order
    return [i for _, i in dated] + [i for i in items if i.date_modified is None]


def feed_items(pub: Publication, audience: Audience | None) -> list[PubItem]:
    """The items of a feed, newest first; an audience feed holds that audience's cut
    (passages for other audiences left out)."""
    if audience is None:
        return newest_first(list(pub.items.values()))
    return newest_first(pub.audience_cut(audience).items_for(audience))


def feed_item(pub: Publication, ctx: BuildContext, item: PubItem) -> api.FeedItem:
    """One feed entry: the same HTML as the page (lead + body), and the structured fields.
    Built once per edition and item (an item is in the feed of all items, in the feeds of
    its audiences and in the Atom feeds)."""
    key = ("json.feed_item", ctx.formats)
    entry = item.memo.get(key)
    if entry is None:
        entry = item.memo[key] = _feed_item(pub, ctx, item)
    assert isinstance(entry, api.FeedItem)
    return entry


def _feed_item(pub: Publication, ctx: BuildContext, item: PubItem) -> api.FeedItem:
    lead = f"<p>{escape(item.summary, quote=False)}</p>\n"
    attachments = [
        api.FeedAttachment(
            url=d.url, mime_type=d.media_type or mediatypes.OCTET_STREAM, title=d.title
        )
        for d in item.documents
        if d.url
    ]
    for fmt in urls.DOWNLOAD_FORMATS:
        url = pub.absolute_url(urls.item_download(item.id, fmt))
        if fmt in ctx.formats and url:
            label = FORMATS[fmt].label
            attachments.append(
                api.FeedAttachment(
                    url=url, mime_type=api.LINK_MEDIA_TYPES[fmt], title=f"{item.title} ({label})"
                )
            )
    return api.FeedItem.model_validate(
        {
            "id": api.feed_item_id(pub.site.id, item.id),
            "url": pub.absolute_url(urls.item_page(item.id)),
            "title": item.title,
            "summary": item.summary,
            "content_html": lead + item.body_html(0, item.anchor_prefix),
            "content_text": item.full_text,
            "date_published": feed_date(item.date_published),
            "date_modified": feed_date(item.date_modified),
            "tags": [a.value for a in item.audience_ids] + [item.kind.value],
            "language": pub.site.language,
            "attachments": attachments or None,
            "_pakketbuild": api_builders.feed_extension(pub, ctx, item),
        }
    )
