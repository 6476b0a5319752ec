"""``pakketbuild cms``: the Decap CMS configuration generated from the models, the ``admin/``
folder, and the local backend that ``serve`` offers (confined to the content folder).

The browser itself is driven in ``tests/clients/test_cms_e2e.py``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import io
import json
import shutil
import threading
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from pakketbuild import cms
from pakketbuild.cli import main
from pakketbuild.cms import admin as cms_admin
from pakketbuild.cms import backend as cms_backend
from pakketbuild.cms import config as cms_config
from pakketbuild.model import FIELD_LABELS, Item, Organisation, Pakket, SiteConfig
from pakketbuild.preview import Preview
from pakketbuild.serve_http import make_server
from tests.conftest import DATA

# --------------------------------------------------------------------------- Decap's options
# The options each widget documents (decapcms.org/docs/widgets, Decap CMS 3.x), plus those
# every field has. A generated option outside these lists is a typo Decap would ignore.
COMMON = {"name", "label", "widget", "required", "hint", "pattern", "default", "comment", "i18n"}
WIDGET_OPTIONS: dict[str, set[str]] = {
    "string": set(),
    "text": set(),
    "markdown": {"minimal", "buttons", "editor_components", "modes", "sanitize_preview"},
    "select": {"options", "multiple", "min", "max"},
    "relation": {
        "collection", "value_field", "search_fields", "file", "display_fields", "multiple",
        "min", "max", "options_length",
    },
    "list": {
        "allow_add", "allow_remove", "allow_reorder", "collapsed", "summary",
        "minimize_collapsed", "label_singular", "field", "fields", "min", "max", "add_to_top",
        "types", "typeKey",
    },
    "object": {"collapsed", "summary", "fields"},
    "datetime": {"format", "date_format", "time_format", "picker_utc"},
    "file": {"media_library", "allow_multiple", "config", "media_folder", "choose_url"},
}  # fmt: skip
MARKDOWN_BUTTONS = {
    "bold", "italic", "code", "link", "heading-one", "heading-two", "heading-three",
    "heading-four", "heading-five", "heading-six", "quote", "bulleted-list", "numbered-list",
}  # fmt: skip
COLLECTION_OPTIONS = {
    "name", "label", "label_singular", "description", "folder", "files", "filter", "create",
    "delete", "publish", "hide", "extension", "format", "frontmatter_delimiter", "slug",
    "fields", "editor", "summary", "sortable_fields", "view_filters", "view_groups",
    "preview_path", "preview_path_date_field", "identifier_field", "nested", "meta", "i18n",
    "media_folder", "public_folder",
}  # fmt: skip
FILE_OPTIONS = {"name", "label", "file", "fields", "format", "media_folder", "public_folder"}
TOP_OPTIONS = {
    "backend", "local_backend", "locale", "publish_mode", "media_folder", "public_folder",
    "site_url", "display_url", "logo_url", "show_preview_links", "search", "slug",
    "collections", "media_library", "editor",
}  # fmt: skip
BACKEND_OPTIONS = {
    "name", "repo", "branch", "api_root", "site_domain", "base_url", "auth_endpoint",
    "app_id", "auth_type", "commit_messages", "proxy_url", "cms_label_prefix",
    "squash_merges", "open_authoring", "use_graphql", "preview_context",
}  # fmt: skip


def _check_field(field: dict[str, Any], where: str) -> int:
    """Check one field against Decap's documented options; return how many fields it has."""
    widget = field["widget"]
    assert widget in WIDGET_OPTIONS, f"{where}: unknown widget {widget}"
    assert widget in cms_config.WIDGETS
    unknown = set(field) - COMMON - WIDGET_OPTIONS[widget]
    assert not unknown, f"{where}: options {unknown} are not documented for {widget}"
    assert isinstance(field["name"], str) and isinstance(field["label"], str)
    assert field.get("required", True) in (True, False)
    if "pattern" in field:
        regex, message = field["pattern"]
        assert regex.startswith("^") and message and "^" not in message
    if widget == "select":
        assert all(set(o) == {"label", "value"} for o in field["options"])
    if widget == "markdown":
        assert set(field["buttons"]) <= MARKDOWN_BUTTONS
        assert set(field["modes"]) <= {"raw", "rich_text"}
    if widget == "datetime":
        # date only, stored as the text YYYY-MM-DD ('format' would make it date-time)
        assert field["date_format"] == "YYYY-MM-DD" and field["time_format"] is False
        assert "format" not in field
    if widget == "relation":
        assert field["collection"] in {cms_config.ITEMS, cms_config.PAKKETTEN, cms_config.SETTINGS}
    count = 1
    for child in field.get("fields", []):
        count += _check_field(child, f"{where}.{field['name']}")
    if "field" in field:
        count += _check_field(field["field"], f"{where}.{field['name']}[]")
    return count


def _all_fields(config: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for collection in config["collections"]:
        if "fields" in collection:
            out[collection["name"]] = collection["fields"]
        for file in collection.get("files", []):
            out[f"{collection['name']}/{file['name']}"] = file["fields"]
    return out


def test_config_uses_only_documented_decap_options() -> None:
    config = cms_config.cms_config(None)
    assert set(config) <= TOP_OPTIONS
    assert set(config["backend"]) <= BACKEND_OPTIONS
    count = 0
    for collection in config["collections"]:
        assert set(collection) <= COLLECTION_OPTIONS, collection["name"]
        assert ("folder" in collection) != ("files" in collection)
        for file in collection.get("files", []):
            assert set(file) <= FILE_OPTIONS
    for where, fields in _all_fields(config).items():
        for field in fields:
            count += _check_field(field, where)
    assert count >= 60  # every field of items, pakketten, organisations and site


def _by_name(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in fields}


def _nested_models() -> list[type[BaseModel]]:
    from pakketbuild.model import CmsSettings, Contact, Document, Edition, Step, View

    return [CmsSettings, Contact, Document, Edition, Step, View]


def _model_names(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_every_model_field_is_in_the_config_with_a_dutch_label_and_hint() -> None:
    fields = _all_fields(cms_config.cms_config(None))
    items = _by_name(fields["items"])
    pakketten = _by_name(fields["pakketten"])
    site = _by_name(fields["instellingen/site"])
    organisations = _by_name(
        _by_name(fields["instellingen/organisaties"])["organisations"]["fields"]
    )
    assert set(items) == _model_names(Item)  # 'body' is the Markdown after the front matter
    assert set(pakketten) == (_model_names(Pakket) - {"intro"}) | {"body"}
    assert set(site) == _model_names(SiteConfig)
    assert set(organisations) == _model_names(Organisation)
    for name, field in items.items():
        assert field["label"] == FIELD_LABELS[name] == Item.model_fields[name].title
        assert field["hint"] == Item.model_fields[name].description
    for model in (Item, Pakket, SiteConfig, Organisation, *_nested_models()):
        missing = set(model.model_fields) - set(FIELD_LABELS)
        assert not missing, f"add Dutch labels to FIELD_LABELS for {model.__name__}: {missing}"
    assert pakketten["body"]["label"] == "Inleiding" and pakketten["body"]["widget"] == "markdown"
    assert items["body"]["widget"] == "markdown"


def test_enums_are_selects_with_every_value() -> None:
    fields = _all_fields(cms_config.cms_config(None))
    items = _by_name(fields["items"])

    def values(field: dict[str, Any]) -> list[str]:
        return [o["value"] for o in field["options"]]

    for name in ("kind", "status", "audiences"):
        annotation = Item.model_fields[name].annotation
        enum = (
            typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
        )
        assert isinstance(enum, type) and issubclass(enum, Enum)
        assert items[name]["widget"] == "select"
        assert values(items[name]) == [m.value for m in enum]
    assert items["audiences"]["multiple"] is True and items["audiences"]["min"] == 1
    assert items["status"]["default"] == "concept"
    assert {"label": "Stappenplan", "value": "step-plan"} in items["kind"]["options"]


def test_references_are_relations_and_nested_lists_have_their_fields() -> None:
    fields = _all_fields(cms_config.cms_config(None))
    items = _by_name(fields["items"])
    pakketten = _by_name(fields["pakketten"])
    site = _by_name(fields["instellingen/site"])
    for field in (items["providers"], pakketten["publisher"], site["publisher"]):
        assert field["widget"] == "relation"
        assert (field["collection"], field["file"]) == (
            cms_config.SETTINGS,
            cms_config.ORGANISATIONS,
        )
        assert field["value_field"] == "organisations.*.id"
    for field in (items["related"], items["replaced_by"], pakketten["items"]["field"]):
        assert (field["widget"], field["collection"], field["value_field"]) == (
            "relation",
            cms_config.ITEMS,
            "id",
        )
    assert items["related"]["multiple"] is True
    # a pakket's items keep their order: a list of relations can be dragged
    assert pakketten["items"]["widget"] == "list" and pakketten["items"]["min"] == 1
    nested = {
        "contacts": {"label", "phone", "email", "url", "hours"},
        "steps": {"title", "text"},
        "documents": {"title", "url", "path", "media_type"},
        "changes": {"date", "summary"},
    }
    for name, names in nested.items():
        assert items[name]["widget"] == "list"
        assert set(_by_name(items[name]["fields"])) == names
    assert _by_name(items["changes"]["fields"])["date"]["widget"] == "datetime"
    assert _by_name(items["documents"]["fields"])["path"]["widget"] == "file"
    assert _by_name(items["contacts"]["fields"])["phone"]["required"] is False
    # an optional block (site.yaml's cms): Decap would demand its required children even
    # when the block is absent and refuse to save; the model still requires them
    cms_block = site["cms"]
    assert cms_block["widget"] == "object" and cms_block["required"] is False
    assert all(child["required"] is False for child in cms_block["fields"])


def test_file_name_comes_from_the_id() -> None:
    config = cms_config.cms_config(None)
    for collection in config["collections"][:2]:
        assert collection["slug"] == "{{fields.id}}"
        assert collection["format"] == "frontmatter" and collection["extension"] == "md"
        id_field = _by_name(collection["fields"])["id"]
        assert id_field["pattern"][0] == r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
    files = {f["name"]: f["file"] for f in config["collections"][2]["files"]}
    assert files == {"organisaties": "content/organisaties.yaml", "site": "content/site.yaml"}


def test_backend_comes_from_site_yaml() -> None:
    site = SiteConfig.model_validate(
        {
            "title": "T",
            "id": "t",
            "cms": {"backend": "gitlab", "repo": "groep/sub/pakket", "content_folder": "docs/c"},
        }
    )
    config = cms_config.cms_config(site)
    assert config["backend"]["name"] == "gitlab"
    assert config["backend"]["repo"] == "groep/sub/pakket"
    assert config["backend"]["branch"] == "main"
    assert config["collections"][0]["folder"] == "docs/c/items"
    assert config["media_folder"] == "docs/c/documenten"
    local = cms_config.cms_config(site, local=True)
    assert local["backend"] == {"name": "proxy", "proxy_url": cms.API_PATH, "branch": "main"}
    assert local["collections"][0]["folder"] == "content/items"
    text = cms_config.config_yaml(config, site, local=False)
    assert "gitlab: groep/sub/pakket" in text.splitlines()[2]
    assert yaml.safe_load(text) == config


def test_bundle_is_the_recorded_decap_release() -> None:
    data = cms_admin.bundle()
    notice = (Path(cms.__file__).parents[1] / "assets" / "cms" / "LICENSE").read_text()
    assert hashlib.sha256(data).hexdigest() in notice
    assert f"Decap CMS {cms.DECAP_VERSION}" in notice and "MIT License" in notice
    assert b"decap-cms" in data[:4096] or b"DecapCms" in data


# --------------------------------------------------------------------------- the command


def test_cms_command_writes_admin_without_a_backend(
    tmp_path: Path, content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports" / "admin"
    assert main(["cms", "--content", str(content_copy), "--out", str(out)]) == 0
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert names == {
        "index.html", "config.yml", "decap-cms.js", "decap-cms.js.LICENSE.txt",
        "LICENSE-decap-cms.txt", "pakketbuild.js", "preview/site.css", "preview/theme.css",
    }  # fmt: skip
    index = (out / "index.html").read_text()
    assert "nog niet ingesteld" in index and "decap-cms.js" not in index
    assert "LET OP: er is geen repository ingesteld" in (out / "config.yml").read_text()
    assert (out / "decap-cms.js").read_bytes() == cms_admin.bundle()
    assert (out / "preview" / "site.css").read_bytes().startswith(b"/*")
    first = {n: (out / n).read_bytes() for n in names}
    assert main(["cms", "--content", str(content_copy), "--out", str(out)]) == 0
    assert {n: (out / n).read_bytes() for n in names} == first  # byte-identical again


def test_cms_command_with_a_backend_loads_the_editor(tmp_path: Path, content_copy: Path) -> None:
    site = content_copy / "site.yaml"
    site.write_text(
        site.read_text() + "cms:\n  backend: github\n  repo: vereniging/pakket\n",
        encoding="utf-8",
    )
    out = tmp_path / "admin"
    assert main(["cms", "--content", str(content_copy), "--out", str(out)]) == 0
    index = (out / "index.html").read_text()
    assert '<script src="decap-cms.js"></script>' in index
    assert 'rel="cms-config-url"' in index and "http" not in index.split("<body>")[1]
    config = yaml.safe_load((out / "config.yml").read_text())
    assert config["backend"]["name"] == "github" and config["locale"] == "nl"


def test_cms_command_never_replaces_a_folder_it_did_not_write(
    tmp_path: Path, content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "important.txt").write_text("keep")
    assert main(["cms", "--content", str(content_copy), "--out", str(other)]) == 1
    assert (other / "important.txt").read_text() == "keep"
    inside = content_copy / "admin"
    assert main(["cms", "--content", str(content_copy), "--out", str(inside)]) == 1
    assert not inside.exists()
    assert "--out" in capsys.readouterr().err


def test_cms_command_refuses_content_with_errors(
    tmp_path: Path, content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    item = content_copy / "items" / "woningscan.md"
    item.write_text(item.read_text().replace("kind: scan", "kind: scann"), encoding="utf-8")
    out = tmp_path / "admin"
    assert main(["cms", "--content", str(content_copy), "--out", str(out)]) == 1
    assert not out.exists()


def test_yaml_as_decap_writes_it_passes_check(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file Decap 3.16.3 wrote in the end-to-end test: no comment, block lists, a long
    line folded, keys in the field order."""
    written = (DATA / "cms" / "woningscan.decap.md").read_text(encoding="utf-8")
    assert "yaml-language-server" not in written and "audiences:\n  - burgemeester" in written
    shutil.copy(DATA / "cms" / "woningscan.decap.md", content_copy / "items" / "woningscan.md")
    assert main(["check", "--content", str(content_copy)]) == 0, capsys.readouterr().err


# --------------------------------------------------------------------------- local backend


@pytest.fixture
def backend(content_copy: Path) -> cms_backend.LocalBackend:
    return cms_backend.LocalBackend(content_copy)


def _ok(backend: cms_backend.LocalBackend, action: str, **params: Any) -> Any:
    status, body = backend.handle({"action": action, "params": params})
    assert status == 200, body
    return body


def _refused(backend: cms_backend.LocalBackend, action: str, **params: Any) -> int:
    status, body = backend.handle({"action": action, "params": params})
    assert status >= 400 and body["error"], body
    return status


def test_local_backend_reads_and_writes_entries(backend: cms_backend.LocalBackend) -> None:
    info = _ok(backend, "info")
    assert info["publish_modes"] == ["simple"] and info["type"] == "local_fs"
    entries = _ok(backend, "entriesByFolder", folder="content/items", extension="md", depth=1)
    paths = [e["file"]["path"] for e in entries]
    assert "content/items/woningscan.md" in paths and len(paths) == 7
    entry = _ok(backend, "getEntry", path="content/items/woningscan.md")
    assert entry["data"].startswith("---\n") and len(entry["file"]["id"]) == 64
    missing = _ok(backend, "getEntry", path="content/items/nieuw.md")
    assert missing["data"] is None
    files = _ok(backend, "entriesByFiles", files=[{"path": "content/site.yaml", "label": "x"}])
    assert "netwerk-weerbaar-bestuur" in files[0]["data"]

    raw = entry["data"].replace("title: Woningscan", "title: Andere titel")
    _ok(
        backend,
        "persistEntry",
        dataFiles=[{"path": "content/items/woningscan.md", "slug": "woningscan", "raw": raw}],
        assets=[
            {"path": "content/documenten/a.pdf", "content": base64.b64encode(b"%PDF").decode(),
             "encoding": "base64"}
        ],
        options={},
    )  # fmt: skip
    assert (backend.root / "items" / "woningscan.md").read_text() == raw
    assert (backend.root / "documenten" / "a.pdf").read_bytes() == b"%PDF"
    media = _ok(backend, "getMedia", mediaFolder="content/documenten")
    assert [m["name"] for m in media] == ["a.pdf"]
    assert base64.b64decode(media[0]["content"]) == b"%PDF"
    # documents are removed outside the editor; items and pakketten may be deleted
    assert _refused(backend, "deleteFile", path="content/documenten/a.pdf") == 403
    assert (backend.root / "documenten" / "a.pdf").exists()
    (backend.root / "items" / "weg.md").write_text(raw.replace("woningscan", "weg"))
    _ok(backend, "deleteFile", path="content/items/weg.md")
    assert not (backend.root / "items" / "weg.md").exists()
    assert not list(backend.root.rglob("*.cms-tmp"))


@pytest.mark.parametrize(
    "path",
    [
        "content/../pyproject.toml",
        "/etc/passwd",
        "content/items/../../x.md",
        "README.md",
        "contentx/items/a.md",
        "content\\items\\a.md",
        "content/./items/a.md",
        "content//items/a.md",
        "",
    ],
)
def test_local_backend_refuses_paths_outside_content(
    backend: cms_backend.LocalBackend, path: str
) -> None:
    outside = backend.root.parent / "x.md"
    _refused(backend, "getEntry", path=path)
    _refused(
        backend,
        "persistEntry",
        dataFiles=[{"path": path, "slug": "x", "raw": "boe"}],
        assets=[],
        options={},
    )
    _refused(backend, "deleteFile", path=path)
    assert not outside.exists()


def test_local_backend_refuses_symlinks(backend: cms_backend.LocalBackend, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("geheim")
    (backend.root / "items" / "link.md").symlink_to(secret)
    (backend.root / "uit").symlink_to(tmp_path)
    (backend.root / "items" / "binnen.md").symlink_to(backend.root / "site.yaml")
    assert _refused(backend, "getEntry", path="content/items/binnen.md") == 403  # even inside
    assert _refused(backend, "getEntry", path="content/items/link.md") == 403
    assert _refused(backend, "getEntry", path="content/uit/secret.md") == 403
    raw = {"slug": "x", "raw": "overschreven"}
    _refused(backend, "persistEntry", dataFiles=[{"path": "content/items/link.md", **raw}])
    _refused(backend, "persistEntry", dataFiles=[{"path": "content/uit/nieuw.md", **raw}])
    assert secret.read_text() == "geheim" and not (tmp_path / "nieuw.md").exists()
    entries = _ok(backend, "entriesByFolder", folder="content/items", extension="md", depth=1)
    assert "content/items/link.md" not in [e["file"]["path"] for e in entries]


def test_local_backend_refuses_bad_requests(backend: cms_backend.LocalBackend) -> None:
    assert backend.handle([1, 2])[0] == 400
    assert backend.handle({"action": "unpublishedEntry", "params": {}})[0] == 422
    assert backend.handle({"action": "persistEntry", "params": {"dataFiles": "x"}})[0] == 400
    bad = {"path": "content/documenten/a.pdf", "content": "!!", "encoding": "base64"}
    assert backend.handle({"action": "persistMedia", "params": {"asset": bad}})[0] == 400
    with pytest.raises(cms_backend.BackendError):
        cms_backend.parse_request(b"\xff")


# --------------------------------------------------------------------------- through serve


SECRET = "geheim-voor-de-test"


@pytest.fixture
def server(tmp_path: Path, content_copy: Path) -> Iterator[tuple[int, Path]]:
    preview = Preview(content_copy, tmp_path / "site", ["html"], io.StringIO())
    preview.rebuild()
    srv = make_server(preview, "127.0.0.1", 0, secret=SECRET)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield int(srv.server_address[1]), content_copy
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


def _request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read(), reply.getheader("Content-Type") or ""
    finally:
        connection.close()


def test_serve_offers_the_local_editor(server: tuple[int, Path]) -> None:
    port, content = server
    editor = f"{cms.ADMIN_PATH}{SECRET}/"
    status, body, kind = _request(port, "GET", editor)
    assert status == 200 and b"decap-cms.js" in body and kind.startswith("text/html")
    status, body, kind = _request(port, "GET", editor + "config.yml")
    config = yaml.safe_load(body)
    assert config["backend"] == {
        "name": "proxy",
        "proxy_url": f"{cms.API_PATH}/{SECRET}",
        "branch": "main",
    }
    assert config["site_url"] == f"http://127.0.0.1:{port}"
    status, body, kind = _request(port, "GET", editor + "decap-cms.js")
    assert status == 200 and body == cms_admin.bundle() and "javascript" in kind
    assert _request(port, "GET", "/admin")[0] == 301
    assert _request(port, "GET", editor[:-1])[0] == 301
    assert _request(port, "GET", editor + "../../etc/passwd")[0] in (404, 400)

    # without the secret: where the editor is, and nothing of it
    for path in ("/admin/", "/admin/config.yml", "/admin/decap-cms.js", "/admin/x/config.yml"):
        status, body, kind = _request(port, "GET", path)
        assert status == 403 and kind.startswith("text/html"), path
        assert b"pakketbuild serve" in body and SECRET.encode() not in body

    # the editor still opens while the content has errors (that is how they get fixed)
    item = content / "items" / "woningscan.md"
    item.write_text(item.read_text().replace("kind: scan", "kind: scann"), encoding="utf-8")
    assert _request(port, "GET", editor + "config.yml")[0] == 200


def test_serve_accepts_writes_only_from_its_own_pages(server: tuple[int, Path]) -> None:
    port, content = server
    payload = {
        "action": "persistEntry",
        "params": {"dataFiles": [{"path": "content/items/x.md", "slug": "x", "raw": "boe"}]},
    }
    body = json.dumps(payload).encode()
    api = f"{cms.API_PATH}/{SECRET}"
    json_type = {"Content-Type": "application/json"}
    refusals = [
        (api, {"Content-Type": "text/plain"}),  # a cross-site form or simple fetch
        (api, {**json_type, "Origin": "https://kwaadwillend.example"}),
        (api, {**json_type, "Origin": "null"}),
        (api, {**json_type, "Host": "kwaadwillend.example"}),  # DNS rebinding
        (api, {**json_type, "Host": f"kwaadwillend.example:{port}"}),
        (api, {**json_type, "Host": "127.0.0.1:1"}),  # another port
        (cms.API_PATH, json_type),  # no secret
        (f"{cms.API_PATH}/raden", json_type),  # a guessed one
    ]
    for path, headers in refusals:
        status, reply, _ = _request(port, "POST", path, body, headers)
        assert status == 403, (headers, reply)
        assert not (content / "items" / "x.md").exists()
    assert _request(port, "POST", "/items/", body, json_type)[0] == 405
    origin = {**json_type, "Origin": f"http://127.0.0.1:{port}"}
    status, reply, kind = _request(port, "POST", api, body, origin)
    assert status == 200 and kind.startswith("application/json"), reply
    assert (content / "items" / "x.md").read_text() == "boe"


def test_serve_on_another_address_does_not_write(tmp_path: Path, content_copy: Path) -> None:
    preview = Preview(content_copy, tmp_path / "site", ["html"], io.StringIO())
    srv = make_server(preview, "127.0.0.1", 0)
    try:
        assert srv.editable
    finally:
        srv.server_close()
    srv = make_server(preview, "0.0.0.0", 0)
    try:
        assert not srv.editable
    finally:
        srv.server_close()


def test_vendored_bundle_is_compressed_reproducibly() -> None:
    raw = (Path(cms.__file__).parents[1] / "assets" / "cms" / "decap-cms.js.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip -n: no time stamp
    assert gzip.decompress(raw) == cms_admin.bundle()
