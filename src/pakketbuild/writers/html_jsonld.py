"""schema.org JSON-LD of the HTML pages: what an item or a pakket page says to search
engines, holding only facts the content states.

:func:`item_json_ld` and :func:`pakket_json_ld` build the data from the resolved item and
pakket; :func:`json_ld` writes it for a ``<script type="application/ld+json">`` element.
Only the HTML writer uses this module.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from pakketbuild import jsonout
from pakketbuild.model import Kind
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.records import PubContact
from pakketbuild.writers import urls
from pakketbuild.writers.api_models import feed_item_id


def json_ld(data: object) -> Markup:
    """JSON-LD for a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` … so text from the content can never
    close the element (``</script>``) or open a comment; the JSON value is unchanged.
    """
    text = jsonout.dumps(data, indent=2, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def item_json_ld(pub: Publication, item: PubItem, *, context: bool = True) -> dict[str, Any]:
    """schema.org data for an item, holding only facts the content states.

    training → Course; a step plan with steps → HowTo with HowToStep entries; every other
    item (a step plan without listed steps too: a HowTo needs steps) → GovernmentService.
    Contacts: a phone number is a ServiceChannel's ``servicePhone`` ContactPoint, a web
    address its ``serviceUrl``; an e-mail address is the ``email`` of a ContactPoint in
    the ``contactPoint`` of the item's provider when it has exactly one (a Service has no
    contact point of its own), otherwise a ServiceChannel with a ``mailto:`` ``serviceUrl``.
    ``url`` (the full edition's page) and dates appear only where known (a base URL;
    ``published``/``changes`` on CreativeWorks).
    """
    node: dict[str, Any] = {
        "name": item.title,
        "description": item.summary,
        "identifier": api_feed_id(pub, item),
        "audience": [{"@type": "Audience", "audienceType": a.label} for a in item.audiences],
    }
    if context:
        node["@context"] = "https://schema.org"
    url = pub.canonical_url(urls.item_page(item.id))
    if url:
        node["url"] = url
    providers: list[dict[str, Any]] = [
        {"@type": "Organization", "name": o.name, **({"url": o.url} if o.url else {})}
        for o in item.providers
    ]
    documents = [
        {
            "@type": "DigitalDocument",
            "name": d.title,
            **({"url": d.url} if d.url else {}),
            **({"encodingFormat": d.media_type} if d.media_type else {}),
        }
        for d in item.documents
    ]
    if item.kind is Kind.TRAINING:
        node["@type"] = "Course"
        node["inLanguage"] = pub.site.language
    elif item.kind is Kind.STEP_PLAN and item.steps:
        node["@type"] = "HowTo"
        node["inLanguage"] = pub.site.language
        node["step"] = [
            {
                "@type": "HowToStep",
                "position": step.number,
                "name": step.title,
                **({"text": step.text_plain} if step.text_plain is not None else {}),
            }
            for step in item.steps
        ]
    else:
        node["@type"] = "GovernmentService"
        node["serviceType"] = item.kind_label
    channels: list[dict[str, Any]] = []
    emails: list[dict[str, Any]] = []
    for contact in item.contacts:
        channel = _channel(contact)
        if channel is not None:
            channels.append(channel)
        if contact.email:
            emails.append(_email_point(contact))
    if emails and len(providers) == 1:
        providers[0]["contactPoint"] = emails
    elif emails:  # no single organisation to hold them: a channel per address
        channels += [
            {
                "@type": "ServiceChannel",
                "name": p["contactType"],
                "serviceUrl": f"mailto:{p['email']}",
            }
            for p in emails
        ]
    if providers:
        node["provider"] = providers
    if channels and node["@type"] == "GovernmentService":
        node["availableChannel"] = channels
    if documents:
        node["subjectOf"] = documents
    if node["@type"] != "GovernmentService":  # dates of CreativeWorks (a Service has none)
        if item.date_published:
            node["datePublished"] = item.date_published.isoformat()
        if item.date_modified:
            node["dateModified"] = item.date_modified.isoformat()
    return node


def _channel(contact: PubContact) -> dict[str, Any] | None:
    """A contact's phone number and web address as a ServiceChannel (None without)."""
    if not (contact.phone_e164 or contact.url):
        return None
    channel: dict[str, Any] = {"@type": "ServiceChannel", "name": contact.label}
    if contact.phone_e164:
        point: dict[str, Any] = {
            "@type": "ContactPoint",
            "contactType": contact.label,
            "telephone": contact.phone_e164,
        }
        if contact.hours:
            point["description"] = contact.hours
        channel["servicePhone"] = point
    if contact.url:
        channel["serviceUrl"] = contact.url
    return channel


def _email_point(contact: PubContact) -> dict[str, Any]:
    point: dict[str, Any] = {
        "@type": "ContactPoint",
        "contactType": contact.label,
        "email": contact.email,
    }
    if contact.hours:
        point["description"] = contact.hours
    return point


def pakket_json_ld(pub: Publication, pakket: PubPakket) -> dict[str, Any]:
    """The pakket page as an ordered schema.org ItemList of its items."""
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": pakket.title,
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "numberOfItems": len(pakket.items),
        "itemListElement": [
            {"@type": "ListItem", "position": n, "item": item_json_ld(pub, item, context=False)}
            for n, item in enumerate(pakket.items, start=1)
        ],
    }
    intro = first_paragraph(pakket.intro_text)
    if intro:
        node["description"] = intro
    url = pub.canonical_url(urls.pakket_page(pakket.id))
    if url:
        node["url"] = url
    return node


def api_feed_id(pub: Publication, item: PubItem) -> str:
    return feed_item_id(pub.site.id, item.id)


def first_paragraph(text: str) -> str:
    """The first paragraph of a plain text (a pakket's intro: its short description on the
    index page, in the page's meta description and in JSON-LD)."""
    return text.split("\n\n", 1)[0] if text else ""
