"""The builders of the JSON API's documents and of the feed items' extension.

Each function turns the resolved publication (:mod:`pakketbuild.publication`) into one
document of :mod:`pakketbuild.writers.api_models`: links, item and pakket documents (built
once per edition and item, memoised on the resolved item), a view's combined document,
the index, the withdrawn list and the ``_pakketbuild`` object of a feed entry. The JSON
writer, the feeds and the OpenAPI description call them; the models stay declarations.
"""

from __future__ import annotations

from pakketbuild import labels, mediatypes
from pakketbuild.model import Audience, Organisation
from pakketbuild.publication import PubItem, Publication, PubPakket, Tombstone
from pakketbuild.records import PubAudience, PubContact, PubDocument
from pakketbuild.writers import BuildContext, urls
from pakketbuild.writers.api_models import (
    API_VERSION,
    FEED_EXTENSION_OWN,
    LINK_MEDIA_TYPES,
    AudienceDoc,
    ChangeDoc,
    ContactDoc,
    DocumentDoc,
    EditionDoc,
    FeedExtension,
    FeedRef,
    IndexDoc,
    ItemDates,
    ItemDoc,
    ItemRef,
    ItemSummaryDoc,
    Link,
    Links,
    OrganisationDoc,
    PakketDoc,
    PakketRef,
    PakketSummaryDoc,
    SiteDoc,
    StepDoc,
    ViewRef,
    WithdrawnDoc,
    WithdrawnItemDoc,
    content_version,
    dump,
    feed_item_id,
    path_root,
)


def links(
    pub: Publication, ctx: BuildContext, html: str, json_path: str, downloads: dict[str, str]
) -> Links:
    def link(path: str, fmt: str) -> Link:
        return Link(path=path, url=pub.absolute_url(path), media_type=LINK_MEDIA_TYPES[fmt])

    extra = {fmt: link(path, fmt) for fmt, path in downloads.items() if fmt in ctx.formats}
    return Links.model_validate(
        {"html": link(html, "html"), "json": link(json_path, "json"), **extra}
    )


def item_links(pub: Publication, ctx: BuildContext, item_id: str) -> Links:
    return links(
        pub,
        ctx,
        urls.item_page(item_id),
        urls.api_item(item_id),
        {fmt: urls.item_download(item_id, fmt) for fmt in urls.DOWNLOAD_FORMATS},
    )


def pakket_links(pub: Publication, ctx: BuildContext, pakket_id: str) -> Links:
    return links(
        pub,
        ctx,
        urls.pakket_page(pakket_id),
        urls.api_pakket(pakket_id),
        {fmt: urls.pakket_download(pakket_id, fmt) for fmt in urls.DOWNLOAD_FORMATS},
    )


def audience_doc(audience: PubAudience) -> AudienceDoc:
    return AudienceDoc(id=audience.id, label=audience.label, label_plural=audience.label_plural)


def organisation_doc(org: Organisation) -> OrganisationDoc:
    return OrganisationDoc(id=org.id, name=org.name, abbreviation=org.abbreviation, url=org.url)


def contact_doc(contact: PubContact) -> ContactDoc:
    return ContactDoc(
        label=contact.label,
        phone=contact.phone,
        phone_e164=contact.phone_e164,
        email=contact.email,
        url=contact.url,
        hours=contact.hours,
    )


def document_doc(document: PubDocument) -> DocumentDoc:
    return DocumentDoc(
        title=document.title, url=document.url, path=document.path, media_type=document.media_type
    )


def step_docs(item: PubItem) -> list[StepDoc]:
    return [
        StepDoc(
            position=step.number,
            title=step.title,
            text_html=step.text_html(0, item.anchor_prefix),
            text_text=step.text_plain,
        )
        for step in item.steps
    ]


def item_dates(item: PubItem) -> ItemDates:
    return ItemDates(
        published=item.date_published,
        modified=item.date_modified,
        last_reviewed=item.last_reviewed,
    )


def item_doc(pub: Publication, ctx: BuildContext, item: PubItem) -> ItemDoc:
    """The API document of ``item`` (its own file, and part of its pakketten' documents);
    built once per edition and item."""
    key = ("api.item_doc", ctx.formats)
    doc = item.memo.get(key)
    if doc is None:
        doc = item.memo[key] = _item_doc(pub, ctx, item)
    assert isinstance(doc, ItemDoc)
    return doc


def _item_doc(pub: Publication, ctx: BuildContext, item: PubItem) -> ItemDoc:
    doc = ItemDoc(
        api_version=API_VERSION,
        path_root=path_root(urls.api_item(item.id)),
        id=item.id,
        version="0" * 16,
        feed_id=feed_item_id(pub.site.id, item.id),
        title=item.title,
        kind=item.kind,
        kind_label=item.kind_label,
        summary=item.summary,
        # Heading ids as on the pakket page (<item-id>--…): a page that embeds several
        # items keeps them unique.
        body_html=item.body_html(0, item.anchor_prefix),
        body_text=item.body_text,
        audiences=[audience_doc(a) for a in item.audiences],
        providers=[organisation_doc(o) for o in item.providers],
        contacts=[contact_doc(c) for c in item.contacts],
        documents=[document_doc(d) for d in item.documents],
        steps=step_docs(item),
        related=[
            ItemRef(id=r.id, title=r.title, links=item_links(pub, ctx, r.id)) for r in item.related
        ],
        pakketten=[
            PakketRef(id=pid, title=pub.pakketten[pid].title, links=pakket_links(pub, ctx, pid))
            for pid in item.pakket_ids
        ],
        dates=item_dates(item),
        changes=[ChangeDoc(date=c.date, summary=c.summary) for c in item.changes],
        links=item_links(pub, ctx, item.id),
    )
    data = dump(doc)
    del data["version"], data["path_root"]
    return doc.model_copy(update={"version": content_version(data)})


def feed_extension(pub: Publication, ctx: BuildContext, item: PubItem) -> FeedExtension:
    """The ``_pakketbuild`` object of ``item``'s feed entry: the members it shares with the
    item's API document (:func:`item_doc`, built once per edition and item) with their
    values, and its own (``about``, ``pakketten`` as ids, ``api``)."""
    doc = item_doc(pub, ctx, item)
    shared = {
        name: getattr(doc, name)
        for name in FeedExtension.model_fields
        if name not in FEED_EXTENSION_OWN
    }
    return FeedExtension.model_validate(
        {
            "about": pub.absolute_url(urls.schema("feed-extension")),
            "pakketten": list(item.pakket_ids),
            "api": _link(pub, urls.api_item(item.id), "json"),
            **shared,
        }
    )


def pakket_doc(pub: Publication, ctx: BuildContext, pakket: PubPakket) -> PakketDoc:
    """The API document of ``pakket``; its version covers its own members and the
    versions of its items (which cover the items' content)."""
    key = ("api.pakket_doc", pakket.id, ctx.formats)
    doc = pakket.memo.get(key)
    if doc is None:
        doc = pakket.memo[key] = _pakket_doc(pub, ctx, pakket)
    assert isinstance(doc, PakketDoc)
    return doc


def _pakket_doc(
    pub: Publication, ctx: BuildContext, pakket: PubPakket, links: Links | None = None
) -> PakketDoc:
    doc = PakketDoc(
        api_version=API_VERSION,
        path_root=path_root(urls.api_pakket(pakket.id)),
        id=pakket.id,
        version="0" * 16,
        title=pakket.title,
        intro_html=pakket.intro_html(),
        intro_text=pakket.intro_text,
        audiences=[audience_doc(a) for a in pakket.audiences],
        publisher=organisation_doc(pakket.publisher),
        edition=pakket.edition,
        editions=[EditionDoc(date=e.date, summary=e.summary) for e in pakket.editions],
        items=[item_doc(pub, ctx, item) for item in pakket.items],
        links=links or pakket_links(pub, ctx, pakket.id),
    )
    data = doc.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"items"})
    del data["version"], data["path_root"]
    data["items"] = [item.version for item in doc.items]
    return doc.model_copy(update={"version": content_version(data)})


def combined_doc(view: Publication, ctx: BuildContext) -> PakketDoc:
    """``api/v1/combined/<view-id>.json`` in a view: the view's combined pakket (the items
    of its combined PDF/Word/ODT document, in the same editorial order), whose page is the
    view's home page."""
    from pakketbuild.writers.documents import view_bundle

    assert view.view is not None
    view_id = view.view.id
    downloads = {
        fmt: _link(view, urls.view_download(view_id, fmt), fmt)
        for fmt in urls.DOWNLOAD_FORMATS
        if fmt in ctx.formats
    }
    links = Links.model_validate(
        {
            "html": _link(view, urls.INDEX, "html"),
            "json": _link(view, urls.api_combined(view_id), "json"),
            **downloads,
        }
    )
    return _pakket_doc(view, ctx, view_bundle(view), links)


def view_version(view: Publication, ctx: BuildContext) -> str:
    """The content version of a view: its title and audiences and the versions of its
    items and pakketten."""
    return content_version(
        {
            "title": view.site.title,
            "audiences": [a.value for a in view.view.audiences] if view.view else [],
            "items": {i.id: item_doc(view, ctx, i).version for i in view.items.values()},
            "pakketten": {p.id: pakket_doc(view, ctx, p).version for p in view.pakketten.values()},
        }
    )


def feed_title(pub: Publication, audience: Audience | None) -> str:
    if audience is None:
        return pub.site.title
    return f"{pub.site.title} (voor {labels.audience_plural(audience)})"


def index_doc(pub: Publication, ctx: BuildContext) -> IndexDoc:
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    feeds = [
        FeedRef(
            title=feed_title(pub, None),
            link=_feed_link(pub, urls.FEED),
            atom=_feed_link(pub, urls.ATOM_FEED, "atom"),
        ),
        *(
            FeedRef(
                title=feed_title(pub, a),
                audience=a,
                link=_feed_link(pub, urls.audience_feed(a.value)),
                atom=_feed_link(pub, urls.audience_atom(a.value), "atom"),
            )
            for a in pub.audiences
        ),
    ]
    views = [
        ViewRef(
            id=view_id,
            title=view.site.title,
            audiences=list(view.view.audiences) if view.view else [],
            api=_link(pub, urls.view_root(view_id) + urls.API_INDEX, "json"),
            version=view_version(view, ctx),
            combined=_link(pub, urls.view_root(view_id) + urls.api_combined(view_id), "json")
            if view.items
            else None,
            html=_link(pub, urls.view_root(view_id) + urls.INDEX, "html"),
        )
        for view_id, view in pub.views.items()
    ]
    return IndexDoc(
        api_version=API_VERSION,
        path_root=path_root(urls.API_INDEX),
        site=SiteDoc(
            id=pub.site.id,
            title=pub.site.title,
            language=pub.site.language,
            base_url=pub.site.base_url,
            publisher=organisation_doc(publisher) if publisher else None,
        ),
        pakketten=[
            PakketSummaryDoc(
                id=p.id,
                version=pakket_doc(pub, ctx, p).version,
                status=p.status.value,
                title=p.title,
                audiences=list(p.audience_ids),
                edition=p.edition,
                items=[i.id for i in p.items],
                links=pakket_links(pub, ctx, p.id),
            )
            for p in pub.pakketten.values()
        ],
        items=[
            ItemSummaryDoc(
                id=i.id,
                version=item_doc(pub, ctx, i).version,
                status=i.status.value,
                title=i.title,
                kind=i.kind,
                kind_label=i.kind_label,
                summary=i.summary,
                audiences=list(i.audience_ids),
                pakketten=list(i.pakket_ids),
                dates=item_dates(i),
                links=item_links(pub, ctx, i.id),
            )
            for i in pub.items.values()
        ],
        feeds=feeds,
        schemas={
            name: Link(
                path=urls.schema(name),
                url=pub.absolute_url(urls.schema(name)),
                media_type=mediatypes.SCHEMA,
            )
            for name in urls.SCHEMA_NAMES
        },
        withdrawn=_link(pub, urls.API_WITHDRAWN, "json"),
        combined=_link(pub, urls.api_combined(pub.view.id), "json")
        if pub.view is not None and pub.items
        else None,
        downloads=(
            {
                fmt: Link(
                    path=urls.view_download(pub.view.id, fmt),
                    url=pub.absolute_url(urls.view_download(pub.view.id, fmt)),
                    media_type=LINK_MEDIA_TYPES[fmt],
                )
                for fmt in urls.DOWNLOAD_FORMATS
                if fmt in ctx.formats
            }
            or None
            if pub.view is not None and pub.items
            else None
        ),
        views=views or None,
    )


def _feed_link(pub: Publication, path: str, kind: str = "feed") -> Link:
    return _link(pub, path, kind)


def _link(pub: Publication, path: str, kind: str) -> Link:
    return Link(path=path, url=pub.absolute_url(path), media_type=LINK_MEDIA_TYPES[kind])


def withdrawn_doc(pub: Publication, ctx: BuildContext) -> WithdrawnDoc:
    return WithdrawnDoc(
        api_version=API_VERSION,
        path_root=path_root(urls.API_WITHDRAWN),
        withdrawn=[withdrawn_item_doc(pub, ctx, stone) for stone in pub.withdrawn.values()],
    )


def withdrawn_item_doc(pub: Publication, ctx: BuildContext, stone: Tombstone) -> WithdrawnItemDoc:
    successor = stone.replaced_by
    return WithdrawnItemDoc(
        id=stone.id,
        feed_id=feed_item_id(pub.site.id, stone.id),
        title=stone.title,
        date=stone.date,
        reason=stone.reason,
        replaced_by=ItemRef(
            id=successor.id, title=successor.title, links=item_links(pub, ctx, successor.id)
        )
        if successor
        else None,
        audiences=list(stone.audiences),
        html=_link(pub, urls.item_page(stone.id), "html"),
    )
