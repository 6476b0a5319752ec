"""``pakketbuild cms``: a browser editor (Decap CMS) for the content, configured from the models.

What this module makes
    :func:`admin_files` returns the files of an ``admin/`` folder: ``index.html`` (loads the
    editor), ``config.yml`` (generated from :mod:`pakketbuild.model` by :func:`cms_config`),
    ``pakketbuild.js`` (drops fields left empty before saving; preview templates),
    ``decap-cms.js`` (the editor, vendored from npm ``decap-cms`` as
    ``assets/cms/decap-cms.js.gz``, so nothing comes from a CDN), its licence notices, and
    ``preview/`` with the site's own CSS (``site.css`` + the edition's ``theme.css`` and
    font files), registered with ``CMS.registerPreviewStyle`` so the preview pane looks
    like the published page.

Why Decap and not Sveltia
    Both read the same configuration. Decap's local mode is a small HTTP protocol (the
    ``decap-server`` proxy API) that :class:`LocalBackend` implements in Python, so
    ``pakketbuild serve`` offers the editor without Node and a headless browser can drive it
    end to end. Sveltia's local mode needs the browser's File System Access API (a native
    folder picker), which cannot be driven in a headless test.

Two backends, one configuration
    * Production (``pakketbuild cms``): ``backend`` comes from ``site.yaml`` → ``cms``
      (GitHub or GitLab, repository, branch). Every save is a commit there, and CI builds.
      Without that setting, ``index.html`` says so in Dutch and does not start the editor.
    * Local (``pakketbuild serve`` → ``/admin/``): the same collections with the ``proxy``
      backend pointed at :data:`API_PATH` on the preview server. :class:`LocalBackend`
      reads and writes only regular files inside the content folder (no ``..``, no
      absolute paths, no symbolic links, nothing outside); the preview rebuilds on save
      because ``serve`` watches the content folder.

Paths in the configuration are repository paths (``content/items``); ``cms.content_folder``
in ``site.yaml`` says where the content folder is in the repository (default ``content``).
:class:`LocalBackend` maps that prefix onto the real content folder.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import html
import json
import os
import stat
import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pakketbuild.model import (
    AUDIENCE_LABELS,
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
    _check_text,
)

DECAP_VERSION = "3.16.3"
"""Version of npm ``decap-cms`` whose ``dist/decap-cms.js`` is vendored (tools/cms/)."""
BUNDLE = "decap-cms.js"
API_PATH = "/__pakketbuild/cms/api/v1"
"""Where ``pakketbuild serve`` answers the Decap proxy protocol."""
ADMIN_PATH = "/admin/"
"""Where ``pakketbuild serve`` offers the editor."""
LOCAL_PREFIX = "content"
"""The repository path of the content folder in the local editor's configuration."""
MEDIA_DIR = "documenten"
"""Folder inside content/ for files uploaded through the editor (documents)."""
MAX_UPLOAD = 50 * 1024 * 1024
"""Largest file the local backend writes (the loader's limit for documents)."""

# --------------------------------------------------------------------------- labels

LABELS: dict[str, str] = {
    "id": "Id (vaste sleutel)",
    "title": "Titel",
    "kind": "Soort",
    "summary": "Inleiding (lead)",
    "body": "Tekst",
    "intro": "Inleiding",
    "audiences": "Doelgroepen",
    "providers": "Aanbieders",
    "contacts": "Contactgegevens",
    "documents": "Documenten",
    "steps": "Stappen",
    "related": "Verwante onderdelen",
    "status": "Status",
    "last_reviewed": "Laatst gecontroleerd",
    "review_by": "Controleren vóór",
    "owner": "Eigenaar",
    "changes": "Wijzigingen",
    "replaced_by": "Vervangen door",
    "items": "Onderdelen",
    "publisher": "Uitgever",
    "edition": "Editie",
    "editions": "Edities",
    "label": "Omschrijving",
    "phone": "Telefoon",
    "email": "E-mail",
    "url": "Webadres",
    "hours": "Bereikbaar",
    "path": "Bestand",
    "media_type": "Bestandssoort",
    "text": "Uitleg",
    "date": "Datum",
    "name": "Naam",
    "abbreviation": "Afkorting",
    "base_url": "Publicatieadres",
    "language": "Taal",
    "docx_template": "Word-sjabloon",
    "theme": "Thema",
    "views": "Weergaven",
    "cms": "Browser-editor",
    "backend": "Git-dienst",
    "repo": "Repository",
    "branch": "Tak (branch)",
    "content_folder": "Map met de inhoud",
    "api_root": "API-adres (eigen GitLab)",
    "review_policy": "Controlebeleid",
    "published": "Eerste publicatie",
}
"""Short Dutch labels per field name; the hint under each field is its description."""

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

_ITEM_REF = {
    "widget": "relation",
    "collection": ITEMS,
    "value_field": "id",
    "search_fields": ["title", "id"],
    "display_fields": ["title"],
}
_ORGANISATION_REF = {
    "widget": "relation",
    "collection": SETTINGS,
    "file": ORGANISATIONS,
    "value_field": "organisations.*.id",
    "search_fields": ["organisations.*.name", "organisations.*.id"],
    "display_fields": ["organisations.*.name"],
}
_PAKKET_REF = {
    "widget": "relation",
    "collection": PAKKETTEN,
    "value_field": "id",
    "search_fields": ["title", "id"],
    "display_fields": ["title"],
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
field that refers to a pakket yet; :data:`_PAKKET_REF` is ready for one)."""
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
    """The Dutch label of a field (a new field without one shows its name until
    :data:`LABELS` has it; a test lists the missing ones)."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


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
        getattr(m, "func", None) is _check_text for m in [*info.metadata, *_metadata(annotation)]
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
    out: dict[str, Any] = {"name": name, "label": label(name)}
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
                "field": {"name": "id", "label": label(name), **ref},
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
    site: SiteConfig | None, *, local: bool = False, site_url: str | None = None
) -> dict[str, Any]:
    """The Decap CMS configuration (``config.yml``) for this content model.

    ``local``: the ``proxy`` backend of ``pakketbuild serve`` instead of the git host from
    ``site.yaml``. ``site_url``: where the built site is (for "view live" links).
    """
    settings = site.cms if site is not None else None
    folder = settings.content_folder if settings is not None and not local else LOCAL_PREFIX
    branch = settings.branch if settings is not None else "main"
    backend: dict[str, Any]
    if local or settings is None:
        backend = {"name": "proxy", "proxy_url": API_PATH, "branch": branch}
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


_HEADER = "# Gemaakt door 'pakketbuild cms' uit het inhoudsmodel; niet met de hand wijzigen."


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
        _HEADER,
        f"# Editor: Decap CMS {DECAP_VERSION}.",
        *(f"# {line}" for line in head),
    ]
    body = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + body


# --------------------------------------------------------------------------- admin/

_INDEX = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Redactie &ndash; {title}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
{notice}<script>window.CMS_MANUAL_INIT = false;</script>
<script src="{bundle}"></script>
<script src="pakketbuild.js"></script>
</body>
</html>
"""

_NO_BACKEND = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Redactie &ndash; {title}</title>
<style>body {{ font: 1.05rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
padding: 0 1rem; }}</style>
</head>
<body>
<main>
<h1>De browser-editor is nog niet ingesteld</h1>
<p>Er is geen repository ingesteld waarin de editor kan opslaan. Zet in
<code>content/site.yaml</code> de instelling <code>cms</code> (git-dienst
<code>github</code> of <code>gitlab</code> en de naam van de repository) en maak deze map
opnieuw met <code>pakketbuild cms</code>.</p>
<p>Op uw eigen computer kunt u de editor nu al gebruiken: start
<code>pakketbuild serve</code> en open <code>http://127.0.0.1:8000/admin/</code>.</p>
</main>
</body>
</html>
"""

ADMIN_JS = """\
// pakketbuild's additions to Decap CMS.
// 1. Before saving, drop fields left empty ('' or null, at any depth; the Markdown body
//    stays): Decap writes a cleared optional field as owner: "", which check refuses,
//    while a field that is absent is simply not filled in.
// 2. The preview pane looks like the published page: the site's own style sheets and the
//    same structure as templates/html (article.item, h1, dl.meta, p.lead, div.prose).
(function () {
  "use strict";
  function filled(value) {
    return value !== "" && value !== null && value !== undefined;
  }
  function clean(value) {
    if (value && typeof value.map === "function" && typeof value.filter === "function" &&
        typeof value.toJS === "function") {
      return value.map(clean).filter(filled);
    }
    return value;
  }
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var data = event.entry.get("data");
      return data.map(function (value, key) { return key === "body" ? value : clean(value); })
        .filter(function (value, key) { return key === "body" || filled(value); });
    }
  });
  var KINDS = @KINDS@;
  var AUDIENCES = @AUDIENCES@;
  CMS.registerPreviewStyle("preview/site.css");
  CMS.registerPreviewStyle("preview/theme.css");
  function list(value) {
    return value && value.toJS ? value.toJS() : (value || []);
  }
  function meta(rows) {
    return h("dl", {className: "meta"}, rows.filter(function (row) { return row[1]; })
      .map(function (row) {
        return h("div", {key: row[0]}, h("dt", {}, row[0]), h("dd", {}, row[1]));
      }));
  }
  function voor(entry) {
    return list(entry.getIn(["data", "audiences"])).map(function (a) {
      return AUDIENCES[a] || a;
    }).join(", ");
  }
  var ItemPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      var steps = list(entry.getIn(["data", "steps"]));
      return h("main", {className: "wrap"}, h("article", {className: "item"},
        h("h1", {}, entry.getIn(["data", "title"])),
        meta([["Soort", KINDS[entry.getIn(["data", "kind"])]], ["Voor", voor(entry)]]),
        h("p", {className: "lead"}, entry.getIn(["data", "summary"])),
        h("div", {className: "prose"}, this.props.widgetFor("body")),
        steps.length ? h("section", {className: "steps"}, h("h2", {}, "Stappen"),
          h("ol", {}, steps.map(function (step, i) {
            return h("li", {key: i}, h("strong", {}, step.title || ""), " ", step.text || "");
          }))) : null));
    }
  });
  var PakketPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      return h("main", {className: "wrap"}, h("article", {className: "pakket"},
        h("h1", {}, entry.getIn(["data", "title"])),
        meta([["Voor", voor(entry)]]),
        h("div", {className: "prose"}, this.props.widgetFor("body"))));
    }
  });
  CMS.registerPreviewTemplate("items", ItemPreview);
  CMS.registerPreviewTemplate("pakketten", PakketPreview);
})();
"""


def admin_js() -> str:
    """``pakketbuild.js`` with the Dutch labels of kinds and audiences (as the site shows)."""
    kinds = {k.value: label for k, label in KIND_LABELS.items()}
    audiences = {a.value: labels[1] for a, labels in AUDIENCE_LABELS.items()}
    return ADMIN_JS.replace("@KINDS@", json.dumps(kinds, ensure_ascii=False)).replace(
        "@AUDIENCES@", json.dumps(audiences, ensure_ascii=False)
    )


@cache
def bundle() -> bytes:
    """The vendored Decap CMS bundle (``decap-cms.js``), uncompressed."""
    data = resources.files("pakketbuild").joinpath("assets", "cms", BUNDLE + ".gz").read_bytes()
    return gzip.decompress(data)


def _asset(name: str) -> bytes:
    return resources.files("pakketbuild").joinpath("assets", "cms", name).read_bytes()


def admin_files(
    content_root: Path, *, local: bool = False, site_url: str | None = None
) -> dict[str, bytes]:
    """Relative path → bytes of every file of ``admin/`` for this content folder.

    Raises :class:`~pakketbuild.diagnostics.ContentError` when the content does not load
    (the theme and site settings come from it). ``local`` (the editor of ``serve``) works
    on content with errors too, with the neutral theme: that is how they get fixed.
    """
    from pakketbuild.diagnostics import ContentError
    from pakketbuild.loader import load_content
    from pakketbuild.publication import _theme
    from pakketbuild.theme import default_theme
    from pakketbuild.writers.html import read_asset
    from pakketbuild.writers.html_style import site_css

    site: SiteConfig | None
    try:
        content = load_content(content_root)
    except ContentError:
        if not local:
            raise
        site, theme = None, default_theme()
    else:
        site, theme = content.site, _theme(content, content.site.theme)
    config = cms_config(site, local=local, site_url=site_url)
    title = html.escape(site.title if site is not None else "pakketbuild")
    files: dict[str, bytes] = {
        "config.yml": config_yaml(config, site, local=local).encode("utf-8"),
        BUNDLE: bundle(),
        BUNDLE + ".LICENSE.txt": _asset(BUNDLE + ".LICENSE.txt"),
        "LICENSE-decap-cms.txt": _asset("LICENSE"),
        "pakketbuild.js": admin_js().encode("utf-8"),
        "preview/site.css": read_asset("site.css"),
        "preview/theme.css": site_css(theme).encode("utf-8"),
    }
    for name, path in sorted(theme.files().items()):
        files[f"preview/theme/{name}"] = path.read_bytes()
    if local or (site is not None and site.cms is not None):
        files["index.html"] = _INDEX.format(title=title, notice="", bundle=BUNDLE).encode()
    else:
        files["index.html"] = _NO_BACKEND.format(title=title).encode("utf-8")
    return files


def write_admin(content_root: Path, out: Path) -> list[Path]:
    """Write ``admin/`` for ``content_root`` into ``out`` (replacing what was there);
    returns the files written. Nothing is written when the content has errors."""
    import shutil
    import tempfile

    from pakketbuild.diagnostics import UsageError

    if out.resolve().is_relative_to(content_root.resolve()):
        raise UsageError(f"--out {out} is inside the content folder; choose a folder outside it")
    if out.is_symlink() or (out.exists() and not _ours(out)):
        raise UsageError(
            f"{out} exists and was not written by 'pakketbuild cms'; choose another --out or "
            "remove it first"
        )
    files = admin_files(content_root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".admin-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; admin/ is published
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / name for name in sorted(files)]


def _ours(folder: Path) -> bool:
    """An empty folder, or an ``admin/`` that this command wrote (safe to replace)."""
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    config = folder / "config.yml"
    try:
        return config.read_text(encoding="utf-8").startswith(_HEADER)
    except (OSError, UnicodeDecodeError):
        return False


# --------------------------------------------------------------------------- local backend


class BackendError(Exception):
    """A request the local backend refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class LocalBackend:
    """Decap's local proxy protocol (as npm ``decap-server`` speaks it), confined to one
    content folder. ``prefix`` is the repository path of that folder in the configuration
    (``cms.content_folder``, default ``content``)."""

    root: Path
    prefix: str = LOCAL_PREFIX

    def handle(self, payload: object) -> tuple[int, Any]:
        """Answer one POSTed JSON request: (HTTP status, JSON-ready body)."""
        try:
            return 200, self._dispatch(payload)
        except BackendError as exc:
            return exc.status, {"error": str(exc)}

    # -- paths

    def resolve(self, repo_path: object) -> Path:
        """The file in the content folder that ``repo_path`` names; refuses anything
        outside it, ``..``, absolute paths and symbolic links on the way."""
        if not isinstance(repo_path, str) or not repo_path or "\\" in repo_path:
            raise BackendError(f"ongeldig pad: {repo_path!r}")
        if "\x00" in repo_path:
            raise BackendError("ongeldig pad")
        path = PurePosixPath(repo_path)
        if path.is_absolute() or any(p in ("..", ".", "") for p in repo_path.split("/")):
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        parts = path.parts
        prefix = PurePosixPath(self.prefix).parts
        if parts[: len(prefix)] != prefix:
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        rest = parts[len(prefix) :]
        target = self.root
        for part in rest:
            target = target / part
            if target.is_symlink():
                raise BackendError(f"symbolische koppeling geweigerd: {repo_path}", 403)
        root = self.root.resolve()
        if not (target.resolve() == root or target.resolve().is_relative_to(root)):
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        return target

    def _repo_path(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return f"{self.prefix}/{rel}" if rel != "." else self.prefix

    # -- actions

    def _dispatch(self, payload: object) -> Any:
        if not isinstance(payload, dict):
            raise BackendError("verwacht een JSON-object")
        action = payload.get("action")
        params = payload.get("params") or {}
        if not isinstance(params, dict):
            raise BackendError("'params' moet een JSON-object zijn")
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            folder = self.resolve(params.get("folder"))
            extension = str(params.get("extension") or "")
            depth = int(params.get("depth") or 1)
            return [self._entry(self._repo_path(p)) for p in self._list(folder, extension, depth)]
        if action == "entriesByFiles":
            files = params.get("files")
            if not isinstance(files, list):
                raise BackendError("'files' moet een lijst zijn")
            return [
                self._entry(f.get("path"), f.get("label")) for f in files if isinstance(f, dict)
            ]
        if action == "getEntry":
            return self._entry(params.get("path"))
        if action == "persistEntry":
            return self._persist(params)
        if action == "getMedia":
            folder = self.resolve(params.get("mediaFolder"))
            return [self._media(self._repo_path(p)) for p in self._list(folder, "", 1)]
        if action == "getMediaFile":
            return self._media(params.get("path"))
        if action == "persistMedia":
            asset = params.get("asset")
            if not isinstance(asset, dict):
                raise BackendError("'asset' ontbreekt")
            self._write(asset.get("path"), self._decode(asset))
            return self._media(asset.get("path"))
        if action == "deleteFile":
            self._delete(params.get("path"))
            return {"message": f"deleted file {params.get('path')}"}
        if action == "deleteFiles":
            paths = params.get("paths")
            if not isinstance(paths, list):
                raise BackendError("'paths' moet een lijst zijn")
            for path in paths:
                self._delete(path)
            return {"message": "deleted files"}
        if action == "getDeployPreview":
            return None
        if action in ("unpublishedEntries",):
            return []
        raise BackendError(
            f"onbekende actie: {action!r} (alleen de eenvoudige publicatiemodus)", 422
        )

    def _list(self, folder: Path, extension: str, depth: int) -> list[Path]:
        out: list[Path] = []
        if depth <= 0 or not folder.is_dir() or folder.is_symlink():
            return out
        for entry in sorted(folder.iterdir()):
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_dir():
                out += self._list(entry, extension, depth - 1)
            elif entry.is_file() and entry.name.endswith(extension):
                out.append(entry)
        return out

    def _read(self, target: Path) -> bytes:
        info = target.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise FileNotFoundError(target)
        return target.read_bytes()

    def _entry(self, repo_path: object, label: object = None) -> dict[str, Any]:
        target = self.resolve(repo_path)
        file: dict[str, Any] = {"path": str(repo_path)}
        if isinstance(label, str):
            file["label"] = label
        try:
            data = self._read(target)
        except OSError:
            return {"data": None, "file": {**file, "id": None}}
        file["id"] = hashlib.sha256(data).hexdigest()
        return {"data": data.decode("utf-8", errors="replace"), "file": file}

    def _media(self, repo_path: object) -> dict[str, Any]:
        target = self.resolve(repo_path)
        try:
            data = self._read(target)
        except OSError:
            raise BackendError(f"bestand niet gevonden: {repo_path}", 404) from None
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": str(repo_path),
            "name": target.name,
        }

    @staticmethod
    def _decode(asset: dict[str, Any]) -> bytes:
        if asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise BackendError("alleen base64-bestanden worden aangenomen")
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except ValueError:
            raise BackendError("ongeldige base64-inhoud") from None
        if len(data) > MAX_UPLOAD:
            raise BackendError(f"bestand groter dan {MAX_UPLOAD:,} bytes", 413)
        return data

    def _write(self, repo_path: object, data: bytes) -> None:
        target = self.resolve(repo_path)
        if target == self.root or (target.exists() and not target.is_file()):
            raise BackendError(f"geen bestand: {repo_path}", 403)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.resolve(repo_path)  # again: a folder made above may not lead elsewhere
        temp = target.with_name(f".{target.name}.cms-tmp")
        temp.write_bytes(data)
        os.replace(temp, target)  # the watcher sees one complete file, never half of it

    def _delete(self, repo_path: object) -> None:
        target = self.resolve(repo_path)
        if not target.is_file():
            raise BackendError(f"bestand niet gevonden: {repo_path}", 404)
        target.unlink()

    def _persist(self, params: dict[str, Any]) -> dict[str, str]:
        data_files = params.get("dataFiles")
        if data_files is None and isinstance(params.get("entry"), dict):
            data_files = [params["entry"]]
        if not isinstance(data_files, list):
            raise BackendError("'dataFiles' ontbreekt")
        assets = params.get("assets") or []
        writes: list[tuple[object, bytes]] = []
        moves: list[tuple[object, object]] = []
        for item in data_files:
            if not isinstance(item, dict) or not isinstance(item.get("raw"), str):
                raise BackendError("elk bestand heeft 'path' en 'raw' nodig")
            self.resolve(item.get("path"))
            writes.append((item.get("path"), item["raw"].encode("utf-8")))
            if item.get("newPath"):
                self.resolve(item["newPath"])
                moves.append((item.get("path"), item["newPath"]))
        for asset in assets if isinstance(assets, list) else []:
            if isinstance(asset, dict):
                writes.append((asset.get("path"), self._decode(asset)))
        for path, data in writes:
            self._write(path, data)
        for old, new in moves:
            source, target = self.resolve(old), self.resolve(new)
            if target.exists():
                raise BackendError(f"bestaat al: {new}", 409)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        return {"message": "entry persisted"}


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def parse_request(body: bytes) -> object:
    """The JSON of a POST to :data:`API_PATH` (a refusal when it is not JSON)."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackendError("geen geldige JSON") from None
