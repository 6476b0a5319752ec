"""The JSON writer: JSON Feed 1.1 feeds, the JSON API and the API's JSON Schemas.

Output (see :mod:`pakketbuild.writers.urls` and ``docs/url-contract.md``)::

    feeds/feed.json                 every published item
    feeds/<audience>.json           the items for one audience (passages for it only)
    feeds/feed.atom, feeds/<audience>.atom   the same feeds as Atom 1.0
    api/v1/index.json               the entry point: site, pakketten, items, feeds, schemas
    api/v1/withdrawn.json           withdrawn items (tombstones)
    api/v1/items/<item-id>.json     one item, complete
    api/v1/pakketten/<pakket-id>.json   one pakket with its items, complete
    api/v1/combined/<view-id>.json  in a view: the view's combined pakket
    api/v1/schema/<name>.json       JSON Schemas of the documents above
    api/v1/openapi.json             OpenAPI 3.1 description of the API and the feeds
    _headers                        host configuration (full edition root only)
    views/<view-id>/…               the same for every view

Every document is built through the models in :mod:`pakketbuild.writers.api_models`.
Nothing depends on the clock: feed dates come from the items' change logs.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from pakketbuild import jsonout
from pakketbuild.model import AUDIENCE_LABELS, Audience
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Job, Writer, for_each_edition, resolve, urls
from pakketbuild.writers import api_models as api
from pakketbuild.writers.atom import ATOM_MEDIA_TYPE, atom_entry, build_atom

FEED_MEDIA_TYPE = "application/feed+json"
JSON_MEDIA_TYPE = "application/json"
SCHEMA_MEDIA_TYPE = "application/schema+json"


def to_json(data: Any, *, sort_keys: bool = False) -> bytes:
    """Deterministic UTF-8 JSON with a trailing newline."""
    text = jsonout.dumps(data, indent=2, sort_keys=sort_keys)
    return (text + "\n").encode("utf-8")


def _deps(*keys: str) -> tuple[str, ...]:
    return tuple(sorted(set(keys)))


def item_deps(item: PubItem) -> tuple[str, ...]:
    """What an item's API document or feed entry shows: the item, the titles of its
    related items and pakketten, its providers, and the site (base URL, site id)."""
    return _deps(
        "site",
        f"item:{item.id}",
        *(f"item:{r.id}" for r in item.related),
        *(f"pakket:{p}" for p in item.pakket_ids),
        *(["organisations"] if item.providers else []),
    )


class JsonWriter(Writer):
    """Feeds and API documents."""

    name = "json"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = for_each_edition(pub, lambda edition: self._jobs(edition, ctx))
        # It names every audience feed: an item that gains an audience can add one.
        keys = _deps("site", *(f"item:{i}" for i in pub.items))
        jobs.append(Job(urls.HOST_HEADERS, "json", "host-headers", "text/plain", keys))
        return jobs

    def _jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = [
            Job(urls.schema(name), "json", f"schema:{name}", SCHEMA_MEDIA_TYPE)
            for name in urls.SCHEMA_NAMES
        ]
        all_keys = [f"item:{i}" for i in pub.items] + [f"pakket:{p}" for p in pub.pakketten]
        jobs.append(
            Job(
                urls.API_INDEX,
                "json",
                "site",
                JSON_MEDIA_TYPE,
                _deps("site", "organisations", *all_keys),
            )
        )
        # Examples come from this build's documents (the first item, the tombstones).
        jobs.append(
            Job(
                urls.API_OPENAPI,
                "json",
                "openapi",
                JSON_MEDIA_TYPE,
                ("*",),
            )
        )
        if pub.view is not None and pub.items:
            # The view's combined pakket: every item of the view, in editorial order (the
            # view's items list in site.yaml, then its pakketten).
            keys = {dep for item in pub.items.values() for dep in item_deps(item)}
            jobs.append(
                Job(
                    urls.api_combined(pub.view.id),
                    "json",
                    f"combined:{pub.view.id}",
                    JSON_MEDIA_TYPE,
                    _deps(*keys, *(f"pakket:{p}" for p in pub.pakketten), "organisations"),
                )
            )
        for pakket in pub.pakketten.values():
            keys = {dep for item in pakket.items for dep in item_deps(item)}
            jobs.append(
                Job(
                    urls.api_pakket(pakket.id),
                    "json",
                    f"pakket:{pakket.id}",
                    JSON_MEDIA_TYPE,
                    _deps(*keys, f"pakket:{pakket.id}", "organisations"),
                )
            )
        for item in pub.items.values():
            jobs.append(
                Job(
                    urls.api_item(item.id),
                    "json",
                    f"item:{item.id}",
                    JSON_MEDIA_TYPE,
                    item_deps(item),
                )
            )
        stones = {f"item:{i}" for i in pub.withdrawn}
        stones |= {f"item:{s.replaced_by.id}" for s in pub.withdrawn.values() if s.replaced_by}
        jobs.append(
            Job(
                urls.API_WITHDRAWN,
                "json",
                "withdrawn",
                JSON_MEDIA_TYPE,
                _deps("site", "withdrawn", *stones),
            )
        )
        feed_keys = {dep for item in pub.items.values() for dep in item_deps(item)}
        jobs.append(Job(urls.FEED, "json", "site", FEED_MEDIA_TYPE, _deps("site", *feed_keys)))
        jobs.append(
            Job(
                urls.ATOM_FEED,
                "json",
                "atom",
                ATOM_MEDIA_TYPE,
                _deps("site", "withdrawn", *feed_keys, *stones),
            )
        )
        for audience in pub.audiences:
            keys = {dep for item in pub.items_for(audience) for dep in item_deps(item)}
            # An item that gains or loses this audience changes the set of keys, and with it
            # the job; the other items' keys are not needed.
            jobs.append(
                Job(
                    urls.audience_feed(audience.value),
                    "json",
                    f"audience:{audience.value}",
                    FEED_MEDIA_TYPE,
                    _deps("site", *keys),
                )
            )
            jobs.append(
                Job(
                    urls.audience_atom(audience.value),
                    "json",
                    f"atom:{audience.value}",
                    ATOM_MEDIA_TYPE,
                    _deps("site", "withdrawn", *keys, *stones),
                )
            )
        return jobs

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)
        kind, _, key = job.subject.partition(":")
        if kind == "schema":
            return to_json(api.json_schema(key), sort_keys=True)
        if job.path == urls.API_INDEX:
            return to_json(api.dump(api.index_doc(pub, ctx)))
        if kind == "openapi":
            from pakketbuild.writers.openapi import openapi_document

            return to_json(openapi_document(pub, ctx))
        if kind == "host-headers":
            from pakketbuild.writers.hosting import netlify_headers

            return netlify_headers(pub).encode("utf-8")
        if kind == "withdrawn":
            return to_json(api.dump(api.withdrawn_doc(pub, ctx)))
        if job.path == urls.FEED:
            return feed_document(pub, ctx, None)
        if kind == "atom":
            return build_atom(pub, ctx, Audience(key) if key else None)
        if kind == "audience":
            return feed_document(pub, ctx, Audience(key))
        if kind == "pakket":
            return pakket_document(pub, ctx, pub.pakketten[key])
        if kind == "combined":
            doc = api.combined_doc(pub, ctx)
            items = [item_fragment(pub, ctx, pub.items[item.id]) for item in doc.items]
            return to_json(api.dump_with(doc, "items", items))
        if kind == "item":
            item = pub.items[key]
            # The feeds of this build show the item too: derive its entries with the rest
            # of it, so that a build that renders in several processes derives them in
            # the process that parsed the item (see ``pakketbuild.build._split_light``).
            feed_entry(pub, ctx, item)
            atom_entry(pub, ctx, item, urls.ATOM_FEED)
            return (item_fragment(pub, ctx, item) + "\n").encode("utf-8")
        raise ValueError(f"json writer: unknown job {job.path}")


def item_fragment(pub: Publication, ctx: BuildContext, item: PubItem) -> jsonout.Fragment:
    """The encoded API document of ``item``: its own file, and part of its pakketten'."""
    key = ("json.item_doc", ctx.formats)
    text = item.memo.get(key)
    if text is None:
        text = item.memo[key] = jsonout.Fragment(
            jsonout.dumps(api.dump(api.item_doc(pub, ctx, item)))
        )
    assert isinstance(text, jsonout.Fragment)
    return text


def pakket_document(pub: Publication, ctx: BuildContext, pakket: PubPakket) -> bytes:
    """``api/v1/pakketten/<id>.json``: the pakket document, its items encoded once."""
    doc = api.pakket_doc(pub, ctx, pakket)
    items = [item_fragment(pub, ctx, item) for item in pakket.items]
    return to_json(api.dump_with(doc, "items", items))


# --------------------------------------------------------------------------- feeds


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


def build_feed(pub: Publication, ctx: BuildContext, audience: Audience | None) -> api.JsonFeed:
    """The feed of every published item, or of the items for ``audience``."""
    items = feed_items(pub, audience)
    return _feed(pub, audience, [feed_item(pub, ctx, item) for item in newest_first(items)])


def feed_document(pub: Publication, ctx: BuildContext, audience: Audience | None) -> bytes:
    """The file of :func:`build_feed`, every entry encoded once per build."""
    items = newest_first(feed_items(pub, audience))
    entries = [feed_entry(pub, ctx, item) for item in items]
    return to_json(api.dump_with(_feed(pub, audience, []), "items", entries))


def _feed(pub: Publication, audience: Audience | None, items: list[api.FeedItem]) -> api.JsonFeed:
    path = urls.FEED if audience is None else urls.audience_feed(audience.value)
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    if audience is None:
        description = "Alle gepubliceerde onderdelen."
    else:
        description = f"De onderdelen voor {AUDIENCE_LABELS[audience][1]}."
    return api.JsonFeed(
        title=api.feed_title(pub, audience),
        home_page_url=pub.absolute_url(""),
        feed_url=pub.absolute_url(path),
        description=description,
        language=pub.site.language,
        authors=[api.FeedAuthor(name=publisher.name, url=publisher.url)] if publisher else None,
        _pakketbuild=api.FeedTopExtension(
            path_root=api.path_root(path),
            api=api.Link(
                path=urls.API_INDEX,
                url=pub.absolute_url(urls.API_INDEX),
                media_type=JSON_MEDIA_TYPE,
            ),
            withdrawn=api.Link(
                path=urls.API_WITHDRAWN,
                url=pub.absolute_url(urls.API_WITHDRAWN),
                media_type=JSON_MEDIA_TYPE,
            ),
        ),
        items=items,
    )


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


def feed_entry(pub: Publication, ctx: BuildContext, item: PubItem) -> jsonout.Fragment:
    """:func:`feed_item`, encoded (the same in every feed that holds the item)."""
    key = ("json.feed_entry", ctx.formats)
    text = item.memo.get(key)
    if text is None:
        text = item.memo[key] = jsonout.Fragment(jsonout.dumps(api.dump(feed_item(pub, ctx, item))))
    assert isinstance(text, jsonout.Fragment)
    return text


def _feed_item(pub: Publication, ctx: BuildContext, item: PubItem) -> api.FeedItem:
    lead = f"<p>{escape(item.item.summary, quote=False)}</p>\n"
    attachments = [
        api.FeedAttachment(
            url=d.url, mime_type=d.media_type or "application/octet-stream", title=d.title
        )
        for d in item.item.documents
        if d.url
    ]
    for fmt in urls.DOWNLOAD_FORMATS:
        url = pub.absolute_url(urls.item_download(item.id, fmt))
        if fmt in ctx.formats and url:
            label = "PDF" if fmt == "pdf" else "Word"
            attachments.append(
                api.FeedAttachment(
                    url=url, mime_type=api.MEDIA_TYPES[fmt], title=f"{item.title} ({label})"
                )
            )
    return api.FeedItem.model_validate(
        {
            "id": api.feed_item_id(pub.site.id, item.id),
            "url": pub.absolute_url(urls.item_page(item.id)),
            "title": item.title,
            "summary": item.item.summary,
            "content_html": lead + item.body_html(0, api.embed_prefix(item)),
            "content_text": item.full_text,
            "date_published": feed_date(item.date_published),
            "date_modified": feed_date(item.date_modified),
            "tags": [a.value for a in item.item.audiences] + [item.item.kind.value],
            "language": pub.site.language,
            "attachments": attachments or None,
            "_pakketbuild": api.FeedExtension(
                about=pub.absolute_url(urls.schema("feed-extension")),
                id=item.id,
                kind=item.item.kind,
                kind_label=item.kind_label,
                audiences=[api.audience_doc(a) for a in item.item.audiences],
                providers=[api.organisation_doc(o) for o in item.providers],
                contacts=[api.contact_doc(c) for c in item.item.contacts],
                documents=[api.document_doc(d) for d in item.item.documents],
                steps=api.step_docs(item),
                pakketten=list(item.pakket_ids),
                dates=api.item_dates(item),
                changes=[api.ChangeDoc(date=c.date, summary=c.summary) for c in item.item.changes],
                api=api.Link(
                    path=urls.api_item(item.id),
                    url=pub.absolute_url(urls.api_item(item.id)),
                    media_type=JSON_MEDIA_TYPE,
                ),
            ),
        }
    )
