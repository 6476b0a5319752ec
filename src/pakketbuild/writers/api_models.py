"""The documents of the JSON API and the JSON feeds, as pydantic models.

The models are the single definition of these documents: the JSON writer builds every
document through them (so a document cannot drift from its schema) and publishes their
JSON Schemas under ``api/v1/schema/``. Field descriptions are English because they are
read by developers of partner sites; the content itself is Dutch.

Optional fields are left out of a document when they have no value (never ``null``).

Declarations only (the builders are in :mod:`pakketbuild.writers.api_builders`, the schema
generation in :mod:`pakketbuild.writers.api_schema`); it is over 500 lines because every
document and member carries the description partners read in the published schema.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from pakketbuild import jsonout, mediatypes
from pakketbuild.model import Audience, Kind
from pakketbuild.writers import download_formats

API_VERSION: Final = "v1"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LINK_MEDIA_TYPES = {
    "atom": mediatypes.ATOM,
    "feed": mediatypes.FEED,
    "html": mediatypes.HTML,
    "json": mediatypes.JSON,
    **{f.name: f.media_type for f in download_formats() if f.media_type},
}


VERSION_PATTERN = r"^[0-9a-f]{16}$"
VERSION_DESCRIPTION = (
    "Content version: a hash of everything this document publishes (its links included). "
    "It is the same in every build of the same content and changes when, and only when, "
    "what the document says changes. Compare it for equality only; it has no order."
)
PATH_ROOT_DESCRIPTION = (
    "Where every 'path' in this document is relative to, as a URL reference relative to "
    "this document: resolve a path as urljoin(url_of_this_document, path_root + path). "
    "Without a base URL this is the only way to find the files; with one, 'url' members "
    "carry the absolute address as well."
)


def content_version(data: object) -> str:
    """The version of a document's data: 16 hex digits of the sha256 of its canonical JSON
    (keys sorted), so equal data gives an equal version in every build."""
    text = jsonout.dumps(data, indent=0, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def path_root(doc_path: str) -> str:
    """``path_root`` of the document at ``doc_path`` (relative to its edition's root):
    ``api/v1/index.json`` → ``../../``."""
    return "../" * doc_path.count("/")


def feed_item_id(site_id: str, item_id: str) -> str:
    """The stable id of an item in every feed: independent of its title and of the host."""
    return f"urn:pakketbuild:{site_id}:item:{item_id}"


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- parts


class Link(_Doc):
    """Where a representation of a subject lives in the export."""

    path: str = Field(description="Path relative to the export root, e.g. 'items/x/index.html'.")
    url: str | None = Field(
        default=None, description="Absolute URL; present only when the site has a base URL."
    )
    media_type: str = Field(description="Media type of the file.")


class Links(_Doc):
    """The representations of one subject (web page, API document, downloads)."""

    html: Link = Field(description="The web page.")
    json_: Link = Field(alias="json", description="The API document.")
    pdf: Link | None = Field(default=None, description="PDF download, when PDFs are built.")
    docx: Link | None = Field(default=None, description="Word download, when built.")
    odt: Link | None = Field(default=None, description="OpenDocument download, when built.")


class AudienceDoc(_Doc):
    """A role the content is meant for."""

    id: Audience = Field(description="Stable identifier, e.g. 'burgemeester'.")
    label: str = Field(description="Dutch display label (singular).")
    label_plural: str = Field(description="Dutch display label (plural).")


class OrganisationDoc(_Doc):
    """An organisation that publishes or provides support."""

    id: str = Field(description="Stable identifier.")
    name: str = Field(description="Full name as the source writes it.")
    abbreviation: str | None = Field(default=None, description="Abbreviation, e.g. 'SIPA'.")
    url: str | None = Field(default=None, description="Website (https).")


class ContactDoc(_Doc):
    """One way to reach someone."""

    label: str = Field(description="What the contact is for.")
    phone: str | None = Field(default=None, description="Phone number as written in the source.")
    phone_e164: str | None = Field(
        default=None, pattern=r"^\+[1-9][0-9]{1,14}$", description="The phone number in E.164 form."
    )
    email: str | None = Field(default=None, description="E-mail address.")
    url: str | None = Field(default=None, description="Web address (https).")
    hours: str | None = Field(default=None, description="When reachable, as the source says.")


class DocumentDoc(_Doc):
    """A document that belongs to an item."""

    title: str = Field(description="Title of the document.")
    url: str | None = Field(default=None, description="Web address of the document (https).")
    path: str | None = Field(
        default=None, description="File in the content folder (not yet published in the export)."
    )
    media_type: str | None = Field(default=None, description="Media type, e.g. application/pdf.")


class StepDoc(_Doc):
    """One step of a step plan."""

    position: int = Field(ge=1, description="1-based position of the step.")
    title: str = Field(description="Short name of the step.")
    text_html: str | None = Field(default=None, description="Explanation, as an HTML fragment.")
    text_text: str | None = Field(default=None, description="Explanation, as plain text.")


class ChangeDoc(_Doc):
    """One entry of an item's change log."""

    date: dt.date = Field(description="Date of the change (YYYY-MM-DD).")
    summary: str = Field(description="What changed.")


class EditionDoc(_Doc):
    """One edition of a pakket."""

    date: dt.date = Field(description="Date of the edition (YYYY-MM-DD).")
    summary: str = Field(description="What changed in this edition.")


class ItemDates(_Doc):
    """Dates the content records about an item (never the build time)."""

    published: dt.date | None = Field(
        default=None,
        description="First publication, as the content records it ('published'); absent "
        "when the content does not say.",
    )
    modified: dt.date | None = Field(default=None, description="Latest change-log date.")
    last_reviewed: dt.date | None = Field(default=None, description="Last editorial review.")


class ItemRef(_Doc):
    """A reference to an item."""

    id: str = Field(description="Item id.")
    title: str = Field(description="Item title.")
    links: Links


class PakketRef(_Doc):
    """A reference to a pakket."""

    id: str = Field(description="Pakket id.")
    title: str = Field(description="Pakket title.")
    links: Links


# --------------------------------------------------------------------------- documents


class ItemDoc(_Doc):
    """``api/v1/items/<item-id>.json``: one published item with everything resolved."""

    model_config = ConfigDict(title="Item")

    api_version: Literal["v1"] = Field(description="Version of this API.")
    path_root: str = Field(description=PATH_ROOT_DESCRIPTION)
    id: str = Field(description="Stable item id (also the file name).")
    version: str = Field(pattern=VERSION_PATTERN, description=VERSION_DESCRIPTION)
    feed_id: str = Field(
        pattern=r"^urn:pakketbuild:[a-z0-9-]+:item:[a-z0-9-]+$",
        description="The item's id in the JSON feeds (a URN).",
    )
    title: str = Field(description="Title.")
    kind: Kind = Field(description="Kind of support, e.g. 'support-line', 'training'.")
    kind_label: str = Field(description="Dutch label of the kind.")
    summary: str = Field(description="Lead paragraph, plain text.")
    body_html: str = Field(
        description="The text as an HTML fragment, ready to embed: headings start at h2 and "
        "their ids start with '<item-id>--' (unique on a page with several items); a "
        'passage for some audiences only is <div class="passage" data-audience="id …">.'
    )
    body_text: str = Field(description="The text as plain text.")
    audiences: list[AudienceDoc] = Field(description="Who the item is for.")
    providers: list[OrganisationDoc] = Field(description="Organisations that provide it.")
    contacts: list[ContactDoc] = Field(description="Contact details.")
    documents: list[DocumentDoc] = Field(description="Related documents.")
    steps: list[StepDoc] = Field(description="Steps, in order (step plans).")
    related: list[ItemRef] = Field(description="Related published items.")
    pakketten: list[PakketRef] = Field(description="Published pakketten that contain the item.")
    dates: ItemDates
    changes: list[ChangeDoc] = Field(description="Change log, as recorded in the content.")
    links: Links


class PakketDoc(_Doc):
    """``api/v1/pakketten/<pakket-id>.json``: a pakket with its items in order."""

    model_config = ConfigDict(title="Pakket")

    api_version: Literal["v1"] = Field(description="Version of this API.")
    path_root: str = Field(description=PATH_ROOT_DESCRIPTION)
    id: str = Field(description="Stable pakket id (also the file name).")
    version: str = Field(pattern=VERSION_PATTERN, description=VERSION_DESCRIPTION)
    title: str = Field(description="Title.")
    intro_html: str = Field(description="Introduction as an HTML fragment.")
    intro_text: str = Field(description="Introduction as plain text.")
    audiences: list[AudienceDoc] = Field(description="Who the pakket is for.")
    publisher: OrganisationDoc = Field(description="The organisation that publishes it.")
    edition: dt.date | None = Field(default=None, description="Date of this edition.")
    editions: list[EditionDoc] = Field(description="Editions with a summary each.")
    items: list[ItemDoc] = Field(description="The items, in the pakket's order, complete.")
    links: Links


class SiteDoc(_Doc):
    """The publication as a whole."""

    id: str = Field(description="Stable id of the publication (part of the feed ids).")
    title: str = Field(description="Name of the site and the feeds.")
    language: str = Field(description="Language of the content, e.g. 'nl'.")
    base_url: str | None = Field(default=None, description="Where the export is published.")
    publisher: OrganisationDoc | None = Field(default=None, description="Who publishes it.")


class ItemSummaryDoc(_Doc):
    """An item as listed in the index."""

    id: str
    version: str = Field(
        pattern=VERSION_PATTERN, description="The 'version' of the item's API document."
    )
    status: str = Field(description="Editorial status: 'gepubliceerd' (open list).")
    title: str
    kind: Kind
    kind_label: str
    summary: str = Field(description="Lead paragraph, plain text.")
    audiences: list[Audience] = Field(description="Audience ids.")
    pakketten: list[str] = Field(description="Ids of the pakketten that contain the item.")
    dates: ItemDates
    links: Links


class PakketSummaryDoc(_Doc):
    """A pakket as listed in the index."""

    id: str
    version: str = Field(
        pattern=VERSION_PATTERN, description="The 'version' of the pakket's API document."
    )
    status: str = Field(description="Editorial status: 'gepubliceerd' (open list).")
    title: str
    audiences: list[Audience] = Field(description="Audience ids.")
    edition: dt.date | None = Field(default=None, description="Date of this edition.")
    items: list[str] = Field(description="Item ids, in order.")
    links: Links


class FeedRef(_Doc):
    """A JSON feed."""

    title: str = Field(description="Title of the feed.")
    audience: Audience | None = Field(
        default=None, description="Audience id; absent for the feed of all items."
    )
    link: Link
    atom: Link | None = Field(
        default=None, description="The same feed as Atom 1.0 (same entry ids and dates)."
    )


class ViewRef(_Doc):
    """A view: the same content cut for some audiences, in its own subtree."""

    id: str = Field(description="Stable view id; the subtree is 'views/<id>/'.")
    title: str = Field(description="Title of the view.")
    audiences: list[Audience] = Field(description="The audiences the view is for.")
    api: Link = Field(description="The view's own API entry point.")
    version: str = Field(
        pattern=VERSION_PATTERN,
        description="Content version of the view: changes when any of its items or "
        "pakketten changes.",
    )
    html: Link = Field(description="The view's home page.")
    combined: Link | None = Field(
        default=None,
        description="The view's combined pakket: every item of the view in editorial order, "
        "as the view's readers see them (a pakket document), for rendering the view in one "
        "fetch.",
    )


class WithdrawnItemDoc(_Doc):
    """A withdrawn item (a tombstone): archived, or removed and listed in the register."""

    id: str = Field(description="The item id it had.")
    feed_id: str = Field(description="The id its feed entries had (a URN).")
    title: str = Field(description="The title it had.")
    date: dt.date | None = Field(
        default=None, description="Date of withdrawal (the register's, or the last change)."
    )
    reason: str | None = Field(default=None, description="Why it was withdrawn.")
    replaced_by: ItemRef | None = Field(
        default=None, description="The published item that replaces it."
    )
    audiences: list[Audience] = Field(
        description="The audiences it had; empty when unknown (then only the feeds of all "
        "items announce the withdrawal)."
    )
    html: Link = Field(description="Its page, which now says it was withdrawn.")


class WithdrawnDoc(_Doc):
    """``api/v1/withdrawn.json``: every withdrawn item (JSON Feed cannot say so)."""

    model_config = ConfigDict(title="Withdrawn")

    api_version: Literal["v1"] = Field(description="Version of this API.")
    path_root: str = Field(description=PATH_ROOT_DESCRIPTION)
    withdrawn: list[WithdrawnItemDoc] = Field(description="Withdrawn items, by id.")


class IndexDoc(_Doc):
    """``api/v1/index.json``: the entry point of the API."""

    model_config = ConfigDict(title="Index")

    api_version: Literal["v1"] = Field(description="Version of this API.")
    path_root: str = Field(description=PATH_ROOT_DESCRIPTION)
    site: SiteDoc
    pakketten: list[PakketSummaryDoc] = Field(
        description="Published pakketten, by id, with their versions: fetch a pakket "
        "document only when its version changed."
    )
    items: list[ItemSummaryDoc] = Field(
        description="Published items, by id, with their versions: fetch an item document "
        "only when its version changed."
    )
    feeds: list[FeedRef] = Field(description="The JSON feeds: all items, then per audience.")
    schemas: dict[str, Link] = Field(description="JSON Schemas of the API documents, by name.")
    withdrawn: Link | None = Field(default=None, description="The withdrawn items (tombstones).")
    views: list[ViewRef] | None = Field(
        default=None,
        description="Views per audience (full edition only). In a view, every 'path' is "
        "relative to the view's own folder.",
    )
    combined: Link | None = Field(
        default=None,
        description="A view's combined pakket document (every item of the view in editorial "
        "order, passages for other audiences left out); views only.",
    )
    downloads: dict[str, Link] | None = Field(
        default=None,
        description="A view's combined document (all its items in one file), by format "
        "(pdf, docx, odt), when built; views only.",
    )


# --------------------------------------------------------------------------- feeds


FEED_EXTENSION_LEFT_OUT = frozenset(
    {
        "api_version",
        "path_root",
        "version",
        "feed_id",
        "title",
        "summary",
        "body_html",
        "body_text",
        "related",
        "links",
    }
)
"""The members of :class:`ItemDoc` that the feed extension leaves out: a feed item carries
them in JSON Feed's own members (``id``, ``title``, ``summary``, ``content_html``,
``content_text``, ``url``), or they describe the API document itself (its version and
links, the links of related items). Every other member of ``ItemDoc`` is a member of the
extension, with the same type, description and value."""

FEED_EXTENSION_OWN: dict[str, Any] = {
    "about": (
        str | None,
        Field(
            default=None,
            description="Absolute URL of this schema (JSON Feed's pointer to an extension's "
            "description); present only when the site has a base URL.",
        ),
    ),
    "pakketten": (list[str], Field(description="Ids of the pakketten that contain the item.")),
    "api": (Link, Field(description="The item's API document.")),
}
"""Members of the extension that :class:`ItemDoc` does not have in the same form."""

_FEED_EXTENSION_WORDING: dict[str, dict[str, Any]] = {
    "id": {"description": "Stable item id."},
    "kind": {"description": "Kind of support."},
    "audiences": {"description": None},
    "providers": {"description": None},
    "contacts": {"description": None},
    "documents": {"description": None},
    "steps": {"description": None},
    "changes": {"default_factory": list},
}
"""Where v1 published the extension's schema with other wording than ``ItemDoc``'s (or
without a description): kept, so the published schema stays the same. A new member needs
no entry here."""


def _feed_extension_fields() -> dict[str, Any]:
    """The extension's members, in order: ``about``, then ``ItemDoc``'s members but
    :data:`FEED_EXTENSION_LEFT_OUT` (``pakketten`` as ids), then ``api``."""
    fields: dict[str, Any] = {"about": FEED_EXTENSION_OWN["about"]}
    for name, info in ItemDoc.model_fields.items():
        if name in FEED_EXTENSION_LEFT_OUT:
            continue
        if name in FEED_EXTENSION_OWN:
            fields[name] = FEED_EXTENSION_OWN[name]
            continue
        copied = copy.copy(info)
        for attribute, value in _FEED_EXTENSION_WORDING.get(name, {}).items():
            setattr(copied, attribute, value)
        fields[name] = (info.annotation, copied)
    fields["api"] = FEED_EXTENSION_OWN["api"]
    return fields


class _FeedExtensionBase(_Doc):
    model_config = ConfigDict(title="Feed item extension")


if TYPE_CHECKING:
    FeedExtension = _FeedExtensionBase
else:
    FeedExtension = create_model(
        "FeedExtension",
        __base__=_FeedExtensionBase,
        __module__=__name__,
        __doc__="The ``_pakketbuild`` object of a feed item: the item's structured fields.",
        **_feed_extension_fields(),
    )
"""The ``_pakketbuild`` object of a feed item: derived from :class:`ItemDoc` (see
:data:`FEED_EXTENSION_LEFT_OUT`), so a member is declared once, on ``ItemDoc``, and a
feed entry gets it with the same value as the API document."""


class FeedTopExtension(_Doc):
    """The top-level ``_pakketbuild`` object of a JSON Feed."""

    model_config = ConfigDict(title="Feed extension")

    path_root: str = Field(description=PATH_ROOT_DESCRIPTION)
    api: Link = Field(description="The API entry point (index.json) of this edition.")
    withdrawn: Link = Field(
        description="The withdrawn items (tombstones): a JSON Feed cannot announce a "
        "deletion, so a reader that keeps copies checks this list."
    )


class FeedAuthor(_Doc):
    name: str
    url: str | None = None


class FeedAttachment(_Doc):
    url: str
    mime_type: str
    title: str | None = None


class FeedItem(_Doc):
    id: str
    url: str | None = None
    title: str
    summary: str
    content_html: str
    content_text: str
    date_published: str | None = None
    date_modified: str | None = None
    tags: list[str]
    language: str
    attachments: list[FeedAttachment] | None = None
    ext: FeedExtension = Field(alias="_pakketbuild")


class JsonFeed(_Doc):
    version: str = JSON_FEED_VERSION
    title: str
    home_page_url: str | None = None
    feed_url: str | None = None
    description: str
    language: str
    authors: list[FeedAuthor] | None = None
    ext: FeedTopExtension = Field(alias="_pakketbuild")
    items: list[FeedItem]


def dump(doc: BaseModel) -> dict[str, Any]:
    """A document as JSON-ready data: aliases, ISO dates, no ``null`` members."""
    return doc.model_dump(mode="json", by_alias=True, exclude_none=True)


def dump_with(doc: BaseModel, field: str, value: object) -> dict[str, Any]:
    """:func:`dump` of ``doc`` with ``value`` as the member ``field`` (in its place), for a
    member whose data was dumped already (a list of encoded JSON fragments)."""
    data = doc.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={field})
    result: dict[str, Any] = {}
    for name, info in type(doc).model_fields.items():
        key = info.serialization_alias or info.alias or name
        if name == field:
            result[key] = value
        elif key in data:
            result[key] = data.pop(key)
    if data:  # pragma: no cover - a member that is not a field (computed fields)
        raise ValueError(f"dump_with: unexpected members {sorted(data)}")
    return result
