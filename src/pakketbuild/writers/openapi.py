"""``api/v1/openapi.json``: an OpenAPI 3.1 description of the static API and the feeds.

Generated from the same models as the documents: every response schema is a ``$ref`` to
the published JSON Schema of :mod:`pakketbuild.writers.api_models` (``schema/<name>.json``
beside this file), the path parameters use the content model's id pattern, and the
examples are documents of this very build (an item document inline, the larger ones by
``externalValue``).

The Dutch REST API Design Rules are a "pas toe of leg uit" standard; this description
follows them where a static tree can, and ``docs/url-contract.md`` explains each rule it
cannot meet (no error responses from a file host, ``{id}.json`` path segments, a
contact e-mail only when the content names one).

``info.contact`` holds only facts from the content: the publishing organisation's name
and, when ``organisaties.yaml`` has one, its website. The content model has no e-mail
address for an organisation, so none is invented.
"""

from __future__ import annotations

from typing import Any

from pakketbuild import mediatypes
from pakketbuild.model import SLUG_PATTERN, Audience
from pakketbuild.publication import Publication
from pakketbuild.writers import BuildContext, api_builders
from pakketbuild.writers import api_models as api

OPENAPI_VERSION = "3.1.0"
API_FULL_VERSION = "1.1.0"
"""The full version of the v1 contract (``info.version`` and the ``API-Version`` header):
the minor part grows when v1 gains optional members or values, the patch part for fixes
of descriptions; a new major means ``api/v2/``."""
SCHEMA_COMPONENTS = {
    "index": "Index",
    "item": "Item",
    "pakket": "Pakket",
    "withdrawn": "Withdrawn",
    "feed-extension": "FeedItemExtension",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{SCHEMA_COMPONENTS[name]}"}


def _ok(
    description: str,
    media_type: str,
    schema: dict[str, Any],
    examples: dict[str, Any] | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if examples:
        content["examples"] = examples
    return {
        "200": {
            "description": description,
            "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
            "content": {media_type: content},
        }
    }


def _get(
    operation_id: str, summary: str, tag: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            **extra,
            "responses": responses,
        }
    }


def _id_parameter(name: str, description: str, example: str | None) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": SLUG_PATTERN},
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def _server(pub: Publication, path: str, description: str) -> dict[str, str]:
    """A server at ``path`` (a folder of the edition): absolute with a base URL, else
    relative to this document (``api/v1/openapi.json``)."""
    url = pub.absolute_url(path)
    if url is None:  # relative to api/v1/openapi.json; "../v1" names the version
        url = "../v1" if path == "api/v1/" else "../.."
    return {"url": url.rstrip("/"), "description": description}


def openapi_document(pub: Publication, ctx: BuildContext) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``pub``'s API and feeds."""
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    contact: dict[str, str] = {"name": publisher.name if publisher else pub.site.title}
    if publisher is not None and publisher.url:
        contact["url"] = publisher.url
    item = next(iter(pub.items.values()), None)
    pakket = next(iter(pub.pakketten.values()), None)
    audience = pub.audiences[0].value if pub.audiences else None
    item_examples = (
        {item.id: {"summary": item.title, "value": api.dump(api_builders.item_doc(pub, ctx, item))}}
        if item is not None
        else None
    )
    pakket_examples = (
        {pakket.id: {"summary": pakket.title, "externalValue": f"pakketten/{pakket.id}.json"}}
        if pakket is not None
        else None
    )
    withdrawn = api.dump(api_builders.withdrawn_doc(pub, ctx))
    feeds_server = [_server(pub, "", "The root of the published tree (the feeds).")]
    feed_schema = {"$ref": "#/components/schemas/JsonFeed"}
    paths: dict[str, Any] = {
        "/index.json": _get(
            "getIndex",
            "Entry point: every published item and pakket with its version, the feeds, the "
            "schemas and the views",
            "api",
            _ok(
                "The index.",
                mediatypes.JSON,
                _ref("index"),
                {"index": {"summary": "This build's index", "externalValue": "index.json"}},
            ),
        ),
        "/items/{itemId}.json": _get(
            "getItem",
            "One published item, complete",
            "api",
            _ok("The item.", mediatypes.JSON, _ref("item"), item_examples),
            parameters=[_id_parameter("itemId", "The item's id.", item.id if item else None)],
        ),
        "/pakketten/{pakketId}.json": _get(
            "getPakket",
            "One published pakket with its items in order, complete",
            "api",
            _ok("The pakket.", mediatypes.JSON, _ref("pakket"), pakket_examples),
            parameters=[
                _id_parameter("pakketId", "The pakket's id.", pakket.id if pakket else None)
            ],
        ),
        "/withdrawn.json": _get(
            "getWithdrawn",
            "Withdrawn items (tombstones): remove them from your copy",
            "api",
            _ok(
                "The withdrawn items.",
                mediatypes.JSON,
                _ref("withdrawn"),
                {
                    "withdrawn": {
                        "summary": "This build's list",
                        "value": withdrawn,
                    }
                },
            ),
        ),
        "/openapi.json": _get(
            "getOpenapi",
            "This description",
            "api",
            _ok("The OpenAPI description.", mediatypes.JSON, {"type": "object"}),
        ),
        "/feeds/feed.json": _get(
            "getFeed",
            "JSON Feed 1.1 of every published item, newest change first",
            "feeds",
            _ok("The feed.", mediatypes.FEED, feed_schema),
            servers=feeds_server,
        ),
        "/feeds/{audience}.json": _get(
            "getAudienceFeed",
            "JSON Feed 1.1 of the items for one audience (passages for others left out)",
            "feeds",
            _ok("The feed.", mediatypes.FEED, feed_schema),
            servers=feeds_server,
            parameters=[_audience_parameter(audience)],
        ),
        "/feeds/feed.atom": _get(
            "getAtomFeed",
            "The feed of every published item as Atom 1.0, with RFC 6721 tombstones",
            "feeds",
            _ok("The Atom feed.", mediatypes.ATOM, {"type": "string"}),
            servers=feeds_server,
        ),
        "/feeds/{audience}.atom": _get(
            "getAudienceAtomFeed",
            "The feed for one audience as Atom 1.0, with the tombstones of its items",
            "feeds",
            _ok("The Atom feed.", mediatypes.ATOM, {"type": "string"}),
            servers=feeds_server,
            parameters=[_audience_parameter(audience)],
        ),
    }
    if pub.view is not None and pub.items:
        view_id = pub.view.id
        paths["/combined/{viewId}.json"] = _get(
            "getCombined",
            "This view's combined pakket: every item of the view in editorial order",
            "api",
            _ok(
                "The combined pakket.",
                mediatypes.JSON,
                _ref("pakket"),
                {view_id: {"summary": pub.view.title, "externalValue": f"combined/{view_id}.json"}},
            ),
            parameters=[_id_parameter("viewId", "The view's id.", view_id)],
        )
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{pub.site.title}: API",
            "version": API_FULL_VERSION,
            "summary": "Static JSON API and feeds of the published pakketten and items.",
            "description": "A static, read-only tree of JSON documents: fetch "
            "index.json, compare each item's and pakket's 'version' with your copy, fetch "
            "what changed and remove what withdrawn.json lists. Documents may gain optional "
            "members within v1: ignore members you do not know. The contract and the "
            "compatibility policy: docs/url-contract.md of pakketbuild.",
            "contact": contact,
        },
        "servers": [_server(pub, "api/v1/", "The API, version 1.")],
        "tags": [
            {"name": "api", "description": "The JSON documents of API version 1."},
            {"name": "feeds", "description": "JSON Feed 1.1 and Atom 1.0 feeds."},
        ],
        "paths": paths,
        "components": {
            "schemas": {
                **{
                    component: {"$ref": f"schema/{name}.json"}
                    for name, component in SCHEMA_COMPONENTS.items()
                },
                "JsonFeed": {
                    "type": "object",
                    "description": "A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1); "
                    "each item carries the '_pakketbuild' extension (FeedItemExtension), the "
                    "feed a top-level '_pakketbuild' object with 'path_root' and a link to "
                    "the withdrawn items.",
                    "required": ["version", "title", "items"],
                    "properties": {
                        "version": {"type": "string", "const": api.JSON_FEED_VERSION},
                        "title": {"type": "string"},
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "_pakketbuild": _ref("feed-extension"),
                                },
                            },
                        },
                    },
                },
            },
            "headers": {
                "API-Version": {
                    "description": "The full version of the API contract, e.g. "
                    f"'{API_FULL_VERSION}' (sent by the host configuration that ships "
                    "with the export).",
                    "schema": {"type": "string", "example": API_FULL_VERSION},
                }
            },
        },
    }


def _audience_parameter(example: str | None) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": "audience",
        "in": "path",
        "required": True,
        "description": "An audience id (open list; index.json lists the feeds that exist). "
        "Known values: " + ", ".join(a.value for a in Audience) + ".",
        "schema": {"type": "string", "pattern": SLUG_PATTERN},
    }
    if example is not None:
        parameter["example"] = example
    return parameter
