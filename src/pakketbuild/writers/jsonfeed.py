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

from typing import Any

from pakketbuild import jobkeys, jsonout, labels, mediatypes
from pakketbuild.jobkeys import Dep
from pakketbuild.model import Audience
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import (
    BuildContext,
    Job,
    Writer,
    api_builders,
    api_schema,
    for_each_edition,
    resolve,
    urls,
)
from pakketbuild.writers import api_models as api
from pakketbuild.writers.atom import ATOM_MEDIA_TYPE, atom_entry, build_atom
from pakketbuild.writers.atom import date_deps as atom_date_deps
from pakketbuild.writers.feeds import JSON_MEDIA_TYPE, feed_item, feed_items, newest_first

FEED_MEDIA_TYPE = mediatypes.FEED
SCHEMA_MEDIA_TYPE = mediatypes.SCHEMA


def to_json(data: Any, *, sort_keys: bool = False) -> bytes:
    """Deterministic UTF-8 JSON with a trailing newline."""
    text = jsonout.dumps(data, indent=2, sort_keys=sort_keys)
    return (text + "\n").encode("utf-8")


def _deps(*keys: Dep) -> tuple[Dep, ...]:
    return jobkeys.deps(keys)


def item_deps(item: PubItem) -> tuple[Dep, ...]:
    """What an item's API document or feed entry shows: the item, the titles of its
    related items and pakketten, its providers, and the site (base URL, site id)."""
    return _deps(
        jobkeys.SITE_DEP,
        jobkeys.item_dep(item.id),
        *(jobkeys.item_dep(r.id) for r in item.related),
        *(jobkeys.pakket_dep(p) for p in item.pakket_ids),
        *([jobkeys.ORGANISATIONS] if item.providers else []),
    )


class JsonWriter(Writer):
    """Feeds and API documents."""

    name = "json"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = for_each_edition(pub, lambda edition: self._jobs(edition, ctx))
        # It names every audience feed: an item that gains an audience can add one.
        keys = _deps(jobkeys.SITE_DEP, *(jobkeys.item_dep(i) for i in pub.items))
        jobs.append(Job(urls.HOST_HEADERS, "json", jobkeys.HOST_HEADERS, mediatypes.TEXT, keys))
        return jobs

    def _jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = [
            Job(urls.schema(name), "json", jobkeys.schema(name), SCHEMA_MEDIA_TYPE)
            for name in urls.SCHEMA_NAMES
        ]
        all_keys = [jobkeys.item_dep(i) for i in pub.items]
        all_keys += [jobkeys.pakket_dep(p) for p in pub.pakketten]
        jobs.append(
            Job(
                urls.API_INDEX,
                "json",
                jobkeys.SITE,
                JSON_MEDIA_TYPE,
                _deps(jobkeys.SITE_DEP, jobkeys.ORGANISATIONS, *all_keys),
            )
        )
        # Examples come from this build's documents (the first item, the tombstones).
        jobs.append(
            Job(
                urls.API_OPENAPI,
                "json",
                jobkeys.OPENAPI,
                JSON_MEDIA_TYPE,
                (jobkeys.EVERYTHING,),
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
                    jobkeys.bundle(pub.view.id),  # the combined document's own subject
                    JSON_MEDIA_TYPE,
                    _deps(
                        *keys,
                        *(jobkeys.pakket_dep(p) for p in pub.pakketten),
                        jobkeys.ORGANISATIONS,
                    ),
                )
            )
        for pakket in pub.pakketten.values():
            keys = {dep for item in pakket.items for dep in item_deps(item)}
            jobs.append(
                Job(
                    urls.api_pakket(pakket.id),
                    "json",
                    jobkeys.pakket(pakket.id),
                    JSON_MEDIA_TYPE,
                    _deps(*keys, jobkeys.pakket_dep(pakket.id), jobkeys.ORGANISATIONS),
                )
            )
        for item in pub.items.values():
            jobs.append(
                Job(
                    urls.api_item(item.id),
                    "json",
                    jobkeys.item(item.id),
                    JSON_MEDIA_TYPE,
                    item_deps(item),
                )
            )
        stones = {jobkeys.item_dep(i) for i in pub.withdrawn}
        stones |= {
            jobkeys.item_dep(s.replaced_by.id) for s in pub.withdrawn.values() if s.replaced_by
        }
        jobs.append(
            Job(
                urls.API_WITHDRAWN,
                "json",
                jobkeys.WITHDRAWN,
                JSON_MEDIA_TYPE,
                _deps(jobkeys.SITE_DEP, jobkeys.WITHDRAWN_DEP, *stones),
            )
        )
        feed_keys = {dep for item in pub.items.values() for dep in item_deps(item)}
        # Subject "site" like the API index: the manifest is public output, so the
        # subject stays (see docs/architecture.md); planning checks (subject, media type).
        jobs.append(
            Job(
                urls.FEED,
                "json",
                jobkeys.SITE,
                FEED_MEDIA_TYPE,
                _deps(jobkeys.SITE_DEP, *feed_keys),
            )
        )
        jobs.append(
            Job(
                urls.ATOM_FEED,
                "json",
                jobkeys.ATOM,
                ATOM_MEDIA_TYPE,
                _deps(
                    jobkeys.SITE_DEP,
                    jobkeys.WITHDRAWN_DEP,
                    *feed_keys,
                    *stones,
                    *atom_date_deps(pub, None),
                ),
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
                    jobkeys.audience(audience.value),
                    FEED_MEDIA_TYPE,
                    _deps(jobkeys.SITE_DEP, *keys),
                )
            )
            jobs.append(
                Job(
                    urls.audience_atom(audience.value),
                    "json",
                    jobkeys.atom(audience.value),
                    ATOM_MEDIA_TYPE,
                    _deps(
                        jobkeys.SITE_DEP,
                        jobkeys.WITHDRAWN_DEP,
                        *keys,
                        *stones,
                        *atom_date_deps(pub, audience),
                    ),
                )
            )
        return jobs

    def render_last(self, job: Job) -> bool:
        return job.media_type in (FEED_MEDIA_TYPE, ATOM_MEDIA_TYPE)

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)
        subject = jobkeys.parse(job.subject)
        kind, key = subject.kind, subject.ident
        if kind == "schema":
            return to_json(api_schema.json_schema(key), sort_keys=True)
        if job.path == urls.API_INDEX:
            return to_json(api.dump(api_builders.index_doc(pub, ctx)))
        if kind == "openapi":
            from pakketbuild.writers.openapi import openapi_document

            return to_json(openapi_document(pub, ctx))
        if kind == "host-headers":
            from pakketbuild.writers.hosting import netlify_headers

            return netlify_headers(pub).encode("utf-8")
        if kind == "withdrawn":
            return to_json(api.dump(api_builders.withdrawn_doc(pub, ctx)))
        if job.path == urls.FEED:
            return feed_document(pub, ctx, None)
        if kind == "atom":
            return build_atom(pub, ctx, Audience(key) if key else None)
        if kind == "audience":
            return feed_document(pub, ctx, Audience(key))
        if kind == "pakket":
            return pakket_document(pub, ctx, pub.pakketten[key])
        if kind == "bundle":  # a view's combined pakket (its documents share the subject)
            doc = api_builders.combined_doc(pub, ctx)
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
            jsonout.dumps(api.dump(api_builders.item_doc(pub, ctx, item)))
        )
    assert isinstance(text, jsonout.Fragment)
    return text


def pakket_document(pub: Publication, ctx: BuildContext, pakket: PubPakket) -> bytes:
    """``api/v1/pakketten/<id>.json``: the pakket document, its items encoded once."""
    doc = api_builders.pakket_doc(pub, ctx, pakket)
    items = [item_fragment(pub, ctx, item) for item in pakket.items]
    return to_json(api.dump_with(doc, "items", items))


# --------------------------------------------------------------------------- feeds


def feed_document(pub: Publication, ctx: BuildContext, audience: Audience | None) -> bytes:
    """The JSON Feed of every published item, or of the items for ``audience``; every
    entry encoded once per build."""
    items = newest_first(feed_items(pub, audience))
    entries = [feed_entry(pub, ctx, item) for item in items]
    return to_json(api.dump_with(_feed(pub, audience, []), "items", entries))


def _feed(pub: Publication, audience: Audience | None, items: list[api.FeedItem]) -> api.JsonFeed:
    path = urls.FEED if audience is None else urls.audience_feed(audience.value)
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    if audience is None:
        description = "Alle gepubliceerde onderdelen."
    else:
        description = f"De onderdelen voor {labels.audience_plural(audience)}."
    return api.JsonFeed(
        title=api_builders.feed_title(pub, audience),
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


def feed_entry(pub: Publication, ctx: BuildContext, item: PubItem) -> jsonout.Fragment:
    """:func:`feed_item`, encoded (the same in every feed that holds the item)."""
    key = ("json.feed_entry", ctx.formats)
    text = item.memo.get(key)
    if text is None:
        text = item.memo[key] = jsonout.Fragment(jsonout.dumps(api.dump(feed_item(pub, ctx, item))))
    assert isinstance(text, jsonout.Fragment)
    return text
