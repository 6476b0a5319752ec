"""The published JSON Schemas of the API documents and the feed extension.

:func:`json_schema` turns a model of :mod:`pakketbuild.writers.api_models` into the schema
the build publishes under ``api/v1/schema/`` (open objects and enums, as the compatibility
policy promises) or into its strict twin, which the tests validate the build's own output
against. Nothing here builds a document; only the JSON writer and the tests use it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pakketbuild.writers import urls
from pakketbuild.writers.api_models import (
    FeedExtension,
    IndexDoc,
    ItemDoc,
    PakketDoc,
    WithdrawnDoc,
)

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "index": IndexDoc,
    "item": ItemDoc,
    "pakket": PakketDoc,
    "feed-extension": FeedExtension,
    "withdrawn": WithdrawnDoc,
}
assert tuple(SCHEMA_MODELS) == urls.SCHEMA_NAMES


SCHEMA_ID_PREFIX = "urn:pakketbuild:api:v1:schema:"
"""``$id`` of a published schema: ``urn:pakketbuild:api:v1:schema:<name>``, the same for
every site and host (like the feed ids), so a consumer can cache it by id."""
OPEN_ENUM_NOTE = {
    "Kind": "Open list: new kinds may be added within v1. Show 'kind_label' to readers and "
    "treat an unknown kind like 'other'.",
    "Audience": "Open list: new audiences may be added within v1. Show the audience's "
    "'label' (or 'label_plural') to readers, never the id; skip an unknown id where you "
    "filter by audience.",
}


def json_schema(name: str, *, strict: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document ``name`` (see :data:`SCHEMA_MODELS`).

    The published schema is *open*, as the compatibility policy promises: objects allow
    members the schema does not name (no ``additionalProperties: false``) and enums are
    open (``type: string`` with the known values listed as ``examples``), so a consumer
    that validates with it does not break when v1 gains an optional member or a value.
    ``strict=True`` gives its *strict twin* (closed objects, closed enums, exactly what
    this version writes), which the tests validate the build's own output against.

    Optional members are left out of documents rather than set to ``null`` (see
    :func:`dump`), so neither schema allows ``null``.
    """
    model = SCHEMA_MODELS[name]
    schema = _without_null(model.model_json_schema(by_alias=True, mode="serialization"))
    if not strict:
        schema = _opened(schema)
    suffix = ":strict" if strict else ""
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{SCHEMA_ID_PREFIX}{name}{suffix}", **schema}


def _opened(node: Any) -> Any:
    """``node`` without closed objects and with open enums (see :func:`json_schema`)."""
    if isinstance(node, list):
        return [_opened(n) for n in node]
    if not isinstance(node, dict):
        return node
    result = {k: _opened(v) for k, v in node.items() if k != "additionalProperties"}
    if node.get("additionalProperties") not in (None, False):
        result["additionalProperties"] = _opened(node["additionalProperties"])
    if "enum" in result and result.get("type") == "string":
        values = result.pop("enum")
        note = OPEN_ENUM_NOTE.get(str(result.get("title")), "Open list: new values may be "
                                  "added within v1.")  # fmt: skip
        known = "Known values: " + ", ".join(f"'{v}'" for v in values) + "."
        description = result.get("description", "")
        result["description"] = " ".join(part for part in (description, known, note) if part)
        result["examples"] = values
    return result


def _without_null(node: Any) -> Any:
    """``{"anyOf": [X, {"type": "null"}], "default": null, …}`` → ``{…X, …}``."""
    if isinstance(node, list):
        return [_without_null(n) for n in node]
    if not isinstance(node, dict):
        return node
    result = {k: _without_null(v) for k, v in node.items()}
    options = result.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        del result["anyOf"]
        if result.get("default", ...) is None:
            del result["default"]
        if len(rest) == 1:
            result = {**rest[0], **result}
        else:
            result["anyOf"] = rest
    return result
