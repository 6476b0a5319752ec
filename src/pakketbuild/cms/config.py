"""The Decap CMS configuration (``config.yml``), generated from :mod:`pakketbuild.model`.

Every field of the editor comes from a field of the models, with a Dutch label
(:data:`pakketbuild.model.FIELD_LABELS`), hint and widget; references between files
become relation widgets.
See :mod:`pakketbuild.cms` for the editor as a whole.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import Enum
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pakketbuild.cms import (
    API_PATH,
    DECAP_VERSION,
    LOCAL_PREFIX,
    MEDIA_DIR,
)
from pakketbuild.model import (
    AUDIENCE_LABELS,
    FIELD_LABELS,
    KIND_LABELS,
    SLUG_PATTERN,
    Audience,
    Contact,
    Document,
    Edition,
    Item,
    Kind,
    Organisation,
    Pakket,
    SiteConfig,
    Status,
    Step,
    View,
    check_text,
)

# --------------------------------------------------------------------------- labels

ENUM_LABELS: dict[type[Enum], dict[str, str]] = {
    Kind: {k.value: label for k, label in KIND_LABELS.items()},
    Audience: {a.value: labels[0] for a, labels in AUDIENCE_LABELS.items()},
    Status: {"concept": "Concept", "gepubliceerd": "Gepubliceerd", "gearchiveerd": "Gearchiveerd"},
}

ITEMS = "items"
PAKKETTEN = "pakketten"
SETTINGS = "instellingen"
ORGANISATIONS = "organisaties"
SITE = "site"


def _by_id(collection: str) -> dict[str, Any]:
    """A relation widget to an entry of a folder collection (items, pakketten) by its id,
    found and shown by its title."""
    return {
        "widget": "relation",
        "collection": collection,
        "value_field": "id",
        "search_fields": ["title", "id"],
        "display_fields": ["title"],
    }


_ITEM_REF = _by_id(ITEMS)
_ORGANISATION_REF = {
    "widget": "relation",
    "collection": SETTINGS,
    "file": ORGANISATIONS,
    "value_field": "organisations.*.id",
    "search_fields": ["organisations.*.name", "organisations.*.id"],
    "display_fields": ["organisations.*.name"],
}
REFERENCES: dict[tuple[type[BaseModel], str], dict[str, Any]] = {
    (Item, "providers"): _ORGANISATION_REF,
    (Item, "related"): _ITEM_REF,
    (Item, "replaced_by"): _ITEM_REF,
    (Pakket, "items"): _ITEM_REF,
    (Pakket, "publisher"): _ORGANISATION_REF,
    (SiteConfig, "publisher"): _ORGANISATION_REF,
}
"""Fields that hold the id of another item, organisation or pakket (the model has no
field that refers to a pakket yet; one would map to ``_by_id(PAKKETTEN)``)."""
ORDERED_REFERENCES = {(Pakket, "items")}
"""Reference lists whose order matters: a list of single relations, so they can be dragged."""

_LIST_SUMMARY = {
    Contact: "{{fields.label}}",
    Document: "{{fields.title}}",
    Step: "{{fields.title}}",
    Edition: "{{fields.date}}: {{fields.summary}}",
    View: "{{fields.title}}",
    Organisation: "{{fields.name}}",
}
_PATTERN_MESSAGE = {
    SLUG_PATTERN: "Alleen kleine letters a-z, cijfers en losse streepjes, bijvoorbeeld "
    "'woningscan'.",
    r"^https://": "Een webadres dat begint met https://",
    r"^[a-z]+/[a-z0-9.+-]+$": "Een bestandssoort zoals 'application/pdf'.",
    r"^[a-z]{2}(-[A-Z]{2})?$": "Een taalcode zoals 'nl'.",
    r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$": "De naam als 'eigenaar/naam', zonder https://.",
}
_MARKDOWN_BUTTONS = [
    "bold",
    "italic",
    "link",
    "heading-two",
    "heading-three",
    "bulleted-list",
    "numbered-list",
    "quote",
]

WIDGETS = frozenset(
    {"string", "text", "markdown", "select", "relation", "list", "object", "datetime", "file"}
)
"""Every Decap widget the generated configuration uses (tests check each against Decap's
documented options)."""


# --------------------------------------------------------------------------- fields


def label(name: str) -> str:
    """The Dutch label of a field (:data:`pakketbuild.model.FIELD_LABELS`; a new field
    without one shows its name until it has one, and a test lists the missing ones)."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type without ``| None``, optional?)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def _metadata(annotation: Any) -> list[Any]:
    """Annotated metadata (validators, Field constraints) of a type alias such as ``Slug``."""
    if typing.get_origin(annotation) is typing.Annotated:
        return list(typing.get_args(annotation)[1:])
    return []


def _pattern(info: FieldInfo, annotation: Any) -> str | None:
    for meta in [*info.metadata, *_metadata(annotation)]:
        pattern = getattr(meta, "pattern", None)
        if isinstance(pattern, str):
            return pattern
        for inner in getattr(meta, "metadata", []) or []:
            pattern = getattr(inner, "pattern", None)
            if isinstance(pattern, str):
                return pattern
    return None


def _is_text(info: FieldInfo, annotation: Any) -> bool:
    """A multi-line text (``Text``) rather than a single line."""
    return any(
        getattr(m, "func", None) is check_text for m in [*info.metadata, *_metadata(annotation)]
    )


def _base(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _options(enum: type[Enum]) -> list[dict[str, str]]:
    labels = ENUM_LABELS.get(enum, {})
    return [{"label": labels.get(str(m.value), str(m.value)), "value": str(m.value)} for m in enum]


def _field(model: type[BaseModel], name: str, info: FieldInfo) -> dict[str, Any]:
    annotation, optional = _unwrap(info.annotation)
    out: dict[str, Any] = {"name": name, "label": info.title or label(name)}
    if info.description:
        out["hint"] = info.description
    has_default = not info.is_required()
    if optional or has_default:
        out["required"] = False
    origin = typing.get_origin(annotation)
    inner = typing.get_args(annotation)[0] if origin is list else None
    ref = REFERENCES.get((model, name))
    if ref is not None and inner is not None:
        if (model, name) in ORDERED_REFERENCES:
            out |= {
                "widget": "list",
                "field": {"name": "id", "label": out["label"], **ref},
            }
        else:
            out |= {**ref, "multiple": True}
        _min_length(info, out)
    elif ref is not None:
        out |= ref
    elif inner is not None and isinstance(inner, type) and issubclass(inner, Enum):
        out |= {"widget": "select", "multiple": True, "options": _options(inner)}
        _min_length(info, out)
    elif inner is not None and isinstance(inner, type) and issubclass(inner, BaseModel):
        out |= {"widget": "list", "collapsed": True, "fields": model_fields(inner)}
        if inner in _LIST_SUMMARY:
            out["summary"] = _LIST_SUMMARY[inner]
        _min_length(info, out)
    elif inner is not None:
        out |= {"widget": "list"}
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        out |= {"widget": "select", "options": _options(annotation)}
        if has_default and isinstance(info.default, Enum):
            out["default"] = str(info.default.value)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        children = model_fields(annotation)
        if optional:
            # Decap validates an empty optional object's required children too, and would
            # refuse to save site.yaml without 'cms'; check still requires them when present.
            children = [{**child, "required": False} for child in children]
        out |= {"widget": "object", "collapsed": True, "fields": children}
    elif _base(annotation) is dt.date:
        # date only, stored as the text YYYY-MM-DD; empty stays empty (no "now" default)
        out |= {"widget": "datetime", "date_format": "YYYY-MM-DD", "time_format": False}
        out["default"] = ""
    elif name == "path" and model is Document:
        # an upload into content/documenten/; the value is 'documenten/<name>'
        out |= {"widget": "file", "choose_url": False}
    elif _is_text(info, annotation):
        out["widget"] = "text"
    else:
        out["widget"] = "string"
        if has_default and isinstance(info.default, str):
            out["default"] = info.default
    pattern = _pattern(info, annotation)
    if pattern is not None and out["widget"] == "string":
        out["pattern"] = [pattern, _PATTERN_MESSAGE[pattern]]
    return out


def _min_length(info: FieldInfo, out: dict[str, Any]) -> None:
    for meta in info.metadata:
        value = getattr(meta, "min_length", None)
        if isinstance(value, int) and value > 0:
            out["min"] = value
            out["required"] = True


def model_fields(model: type[BaseModel], *, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Decap field definitions for every field of ``model`` (in the model's order)."""
    return [
        _field(model, name, info) for name, info in model.model_fields.items() if name not in skip
    ]


def _markdown(label: str, hint: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": "body",
        "label": label,
        "widget": "markdown",
        "required": False,
        "modes": ["raw", "rich_text"],
        "buttons": list(_MARKDOWN_BUTTONS),
        "editor_components": [],
    }
    if hint:
        out["hint"] = hint
    return out


def _with_body(model: type[BaseModel], body: str) -> list[dict[str, Any]]:
    """The model's fields with its Markdown text as Decap's ``body`` (after the front matter)."""
    fields = model_fields(model, skip=(body,))
    fields.append(_markdown(label(body), model.model_fields[body].description))
    return fields


def cms_config(
    site: SiteConfig | None,
    *,
    local: bool = False,
    site_url: str | None = None,
    proxy_url: str | None = None,
) -> dict[str, Any]:
    """The Decap CMS configuration (``config.yml``) for this content model.

    ``local``: the ``proxy`` backend of ``pakketbuild serve`` instead of the git host from
    ``site.yaml``, posting to ``proxy_url`` (``serve``'s secret address; default
    :data:`~pakketbuild.cms.API_PATH`). ``site_url``: where the built site is (for "view
    live" links).
    """
    settings = site.cms if site is not None else None
    folder = settings.content_folder if settings is not None and not local else LOCAL_PREFIX
    branch = settings.branch if settings is not None else "main"
    backend: dict[str, Any]
    if local or settings is None:
        backend = {"name": "proxy", "proxy_url": proxy_url or API_PATH, "branch": branch}
    else:
        backend = {"name": settings.backend.value, "repo": settings.repo, "branch": branch}
        if settings.api_root is not None:
            backend["api_root"] = settings.api_root
        backend["commit_messages"] = {
            "create": "Nieuw in {{collection}}: {{slug}} (browser-editor)",
            "update": "Bijgewerkt in {{collection}}: {{slug}} (browser-editor)",
            "delete": "Verwijderd uit {{collection}}: {{slug}} (browser-editor)",
            "uploadMedia": "Bestand toegevoegd: {{path}} (browser-editor)",
            "deleteMedia": "Bestand verwijderd: {{path}} (browser-editor)",
        }
    config: dict[str, Any] = {
        "backend": backend,
        "locale": "nl",
        "publish_mode": "simple",
        "media_folder": f"{folder}/{MEDIA_DIR}",
        "public_folder": MEDIA_DIR,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
    }
    url = site_url or (site.base_url if site is not None else None)
    if url:
        config["site_url"] = url
        config["display_url"] = url
    config["collections"] = [
        {
            "name": ITEMS,
            "label": "Onderdelen",
            "label_singular": "Onderdeel",
            "description": "Elk product, elke dienst of vorm van ondersteuning "
            "(content/items/<id>.md). Intrekken gaat via withdrawn.yaml, niet door te "
            "verwijderen.",
            "folder": f"{folder}/items",
            "extension": "md",
            "format": "frontmatter",
            "create": True,
            "delete": False,
            "identifier_field": "title",
            "slug": "{{fields.id}}",
            "summary": "{{title}} ({{status}})",
            "sortable_fields": ["title", "status", "review_by"],
            "preview_path": "items/{{fields.id}}/",
            "fields": _with_body(Item, "body"),
        },
        {
            "name": PAKKETTEN,
            "label": "Pakketten",
            "label_singular": "Pakket",
            "description": "Bundels van onderdelen in een vaste volgorde "
            "(content/pakketten/<id>.md).",
            "folder": f"{folder}/pakketten",
            "extension": "md",
            "format": "frontmatter",
            "create": True,
            "delete": False,
            "identifier_field": "title",
            "slug": "{{fields.id}}",
            "summary": "{{title}}",
            "preview_path": "{{fields.id}}/",
            "fields": _with_body(Pakket, "intro"),
        },
        {
            "name": SETTINGS,
            "label": "Instellingen",
            "description": "Organisaties en de instellingen van de hele publicatie.",
            "delete": False,
            "editor": {"preview": False},
            "files": [
                {
                    "name": ORGANISATIONS,
                    "label": "Organisaties",
                    "file": f"{folder}/organisaties.yaml",
                    "format": "yaml",
                    "fields": [
                        {
                            "name": "organisations",
                            "label": "Organisaties",
                            "hint": "Alle organisaties die in de inhoud genoemd worden.",
                            "widget": "list",
                            "collapsed": True,
                            "summary": _LIST_SUMMARY[Organisation],
                            "fields": model_fields(Organisation),
                        }
                    ],
                },
                {
                    "name": SITE,
                    "label": "Site-instellingen",
                    "file": f"{folder}/site.yaml",
                    "format": "yaml",
                    "fields": model_fields(SiteConfig),
                },
            ],
        },
    ]
    return config


HEADER = "# Gemaakt door 'pakketbuild cms' uit het inhoudsmodel; niet met de hand wijzigen."


def config_yaml(config: dict[str, Any], site: SiteConfig | None, *, local: bool) -> str:
    """``config.yml`` text: a Dutch header comment, then the configuration (stable order)."""
    if local:
        head = [
            "Lokale editor van 'pakketbuild serve': opslaan schrijft direct in de map content/",
            "van deze computer; het voorbeeld wordt daarna vanzelf opnieuw gebouwd.",
        ]
    elif site is None or site.cms is None:
        head = [
            "LET OP: er is geen repository ingesteld (site.yaml, instelling 'cms').",
            "Deze editor werkt daarom alleen lokaal, via 'pakketbuild serve' (/admin/).",
            "Vul in site.yaml 'cms: {backend: github of gitlab, repo: eigenaar/naam}' in en",
            "maak dit bestand opnieuw met 'pakketbuild cms'.",
        ]
    else:
        head = [
            f"Opslaan wordt een commit in {site.cms.backend.value}: {site.cms.repo}, "
            f"tak {site.cms.branch}.",
        ]
    lines = [
        HEADER,
        f"# Editor: Decap CMS {DECAP_VERSION}.",
        *(f"# {line}" for line in head),
    ]
    body = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body
