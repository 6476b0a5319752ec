"""The editing loop trusts nothing it did not check (issue 22): the local backend of the
browser editor and the HTTP side of ``serve``, attacked as a hostile contribution, a web
page in the editor's browser, another local user and a careless client would.

* Writes cannot be redirected: a planted link at the editor's old temporary name, a link
  in the place of the file or of its folder; nothing is written outside ``content/``.
* The API does only what the editor needs: the model's own files, deletes of items and
  pakketten only and all-or-nothing, limits on body size and JSON depth.
* A secret per run and a strict host: without the secret 403 (also for another process
  and another user); a rebound ``Host`` or a foreign ``Origin`` 403 on every request.
* Every request answered: malformed input of any kind gets a 4xx, never a traceback;
  Hypothesis fuzzes the backend protocol and the HTTP handler.

The editor in a real browser: ``tests/clients/test_cms_e2e.py``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pakketbuild import cms
from pakketbuild.cms.backend import _ACTIONS, LocalBackend, kind_of
from pakketbuild.preview import Preview
from pakketbuild.serve_http import MAX_TARGET, PreviewServer, make_server
from tests.conftest import REAL_CONTENT

ITEM = "content/items/woningscan.md"
CONCEPT_TITLE = "Geheim concept 7f3a"
CONCEPT = f"""---
id: geheim-concept
title: {CONCEPT_TITLE}
kind: scan
summary: Nog niet gepubliceerd.
audiences: [burgemeester]
status: concept
---
Nog niet klaar.
"""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: its kind and, for files, the hash of the bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@dataclass
class Tree:
    root: Path
    content: Path
    outside: Path
    """A folder beside the content folder: nothing may change in it."""

    @property
    def backend(self) -> LocalBackend:
        return LocalBackend(self.content)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    outside = tmp_path / "buiten"
    outside.mkdir()
    (outside / "Makefile").write_text("all:\n\t@echo onaangetast\n", encoding="utf-8")
    (outside / "hooks").mkdir()
    return Tree(tmp_path, content, outside)


def _call(backend: LocalBackend, action: str, **params: Any) -> tuple[int, Any]:
    status, body = backend.handle({"action": action, "params": params})
    json.dumps(body)  # always JSON-ready
    return status, body


def _persist(backend: LocalBackend, path: str, raw: str, **extra: Any) -> tuple[int, Any]:
    return _call(backend, "persistEntry", dataFiles=[{"path": path, "raw": raw, **extra}])


# --------------------------------------------------------------------------- writes


def test_a_save_never_writes_through_a_planted_link(tree: Tree) -> None:
    """The editor once saved through ``.<name>.cms-tmp``, a name a hostile commit could
    plant as a link out of the content folder: the save wrote the editor's text into
    the link's target and made the item itself a link."""
    makefile = tree.outside / "Makefile"
    before = makefile.read_bytes()
    planted = tree.content / "items" / ".woningscan.md.cms-tmp"
    planted.symlink_to(os.path.relpath(makefile, planted.parent))
    raw = (tree.content / "items" / "woningscan.md").read_text().replace("Woningscan", "Nieuw")
    status, body = _persist(tree.backend, ITEM, raw)
    assert status == 200, body
    assert makefile.read_bytes() == before
    item = tree.content / "items" / "woningscan.md"
    assert not item.is_symlink() and item.read_text() == raw
    assert planted.is_symlink() and os.readlink(planted).endswith("Makefile")
    assert [p.name for p in item.parent.iterdir() if p.name.endswith(".cms-tmp")] == [planted.name]


@pytest.mark.parametrize("inside", [False, True])
def test_a_link_in_the_place_of_the_file_is_refused(tree: Tree, inside: bool) -> None:
    """Never over a link either: replacing it would change what the link is, and
    writing through it would change its target (outside, or another content file)."""
    item = tree.content / "items" / "woningscan.md"
    item.unlink()
    target = tree.content / "site.yaml" if inside else tree.outside / "Makefile"
    item.symlink_to(target)
    before = _snapshot(tree.root)
    status, body = _persist(tree.backend, ITEM, "overschreven")
    assert status == 403 and "link" in body["error"], body
    assert _snapshot(tree.root) == before


def test_a_linked_folder_is_not_written_into(tree: Tree) -> None:
    items = tree.content / "items"
    shutil.rmtree(items)
    items.symlink_to(tree.outside / "hooks")
    before = _snapshot(tree.root)
    status, body = _persist(tree.backend, "content/items/pre-commit.md", "#!/bin/sh\n")
    assert status == 403, body
    status, body = _call(tree.backend, "getEntry", path=ITEM)
    assert status == 403, body
    assert _snapshot(tree.root) == before


def test_a_save_keeps_the_files_permissions_and_leaves_no_temporary_file(tree: Tree) -> None:
    item = tree.content / "items" / "woningscan.md"
    item.chmod(0o640)
    status, _ = _persist(tree.backend, ITEM, "nieuw")
    assert status == 200
    assert item.stat().st_mode & 0o777 == 0o640 and item.read_text() == "nieuw"
    assert not list(tree.content.rglob("*.cms-tmp"))


WRITABLE = [
    "content/items/nieuw-onderdeel.md",
    "content/pakketten/nieuw-pakket.md",
    "content/site.yaml",
    "content/organisaties.yaml",
    "content/withdrawn.yaml",
]
NOT_WRITABLE = [
    "content/items/.verborgen.md",  # a dot-file
    "content/items/.woningscan.md.cms-tmp",
    "content/items/notities.txt",  # another type
    "content/items/Hoofdletters.md",  # not an id
    "content/items/con.md",  # a Windows device name
    "content/items/sub/x.md",  # another folder
    "content/x.md",
    "content/Makefile",
    "content/site.yml",
    "content/.git/hooks/pre-commit",
    "content/themes/burgemeesters/tokens.json",
    "content/documenten/folder.pdf",  # documents come as uploads (assets), not entries
    "content/items/../../Makefile",
    "content/../Makefile",
    "/etc/passwd",
    "content",
    "content/",
]


@pytest.mark.parametrize("path", WRITABLE)
def test_the_editor_writes_the_models_files(tree: Tree, path: str) -> None:
    status, body = _persist(tree.backend, path, "tekst\n")
    assert status == 200, body
    assert (tree.content / path.removeprefix("content/")).read_text() == "tekst\n"


@pytest.mark.parametrize("path", NOT_WRITABLE)
def test_the_editor_writes_nothing_else(tree: Tree, path: str) -> None:
    before = _snapshot(tree.root)
    status, body = _persist(tree.backend, path, "tekst\n")
    assert 400 <= status < 500 and body["error"], body
    assert _snapshot(tree.root) == before


UPLOADS = {
    "content/documenten/folder.pdf": True,
    "content/documenten/lijst.xlsx": True,
    "content/documenten/brief.odt": True,
    "content/documenten/pagina.html": False,  # would be published beside the site
    "content/documenten/logo.svg": False,
    "content/documenten/script.js": False,
    "content/documenten/.verborgen.pdf": False,
    "content/documenten/sub/folder.pdf": False,
    "content/items/folder.pdf": False,
    "content/documenten/..pdf": False,
}


@pytest.mark.parametrize("path", sorted(UPLOADS))
def test_uploads_go_only_into_the_documents_folder(tree: Tree, path: str) -> None:
    asset = {"path": path, "content": base64.b64encode(b"%PDF-1.7").decode(), "encoding": "base64"}
    before = _snapshot(tree.root)
    status, body = _call(tree.backend, "persistMedia", asset=asset)
    if UPLOADS[path]:
        assert status == 200, body
        assert (tree.content / path.removeprefix("content/")).read_bytes() == b"%PDF-1.7"
        return
    assert status == 403, body
    assert _snapshot(tree.root) == before
    # nor along with an entry
    raw = (tree.content / "items" / "woningscan.md").read_text()
    status, body = _call(
        tree.backend, "persistEntry", dataFiles=[{"path": ITEM, "raw": raw}], assets=[asset]
    )
    assert status == 403 and _snapshot(tree.root) == before, body


def test_a_rename_is_checked_before_anything_is_written(tree: Tree) -> None:
    raw = (tree.content / "items" / "woningscan.md").read_text()
    before = _snapshot(tree.root)
    for new_path, status in [
        ("content/items/ondersteuningsteam-weerbaar-bestuur.md", 409),  # exists
        ("content/pakketten/woningscan.md", 403),  # another folder
        ("content/items/.woningscan.md", 403),
    ]:
        got, body = _persist(tree.backend, ITEM, raw, newPath=new_path)
        assert got == status, body
        assert _snapshot(tree.root) == before
    got, body = _persist(tree.backend, ITEM, raw, newPath="content/items/woningscan-2.md")
    assert got == 200, body
    assert not (tree.content / "items" / "woningscan.md").exists()
    assert (tree.content / "items" / "woningscan-2.md").read_text() == raw


# --------------------------------------------------------------------------- deletes


def test_a_delete_is_all_or_nothing(tree: Tree) -> None:
    """``deleteFiles`` with a valid path and a traversal path once answered 403 after it
    had deleted the first file."""
    before = _snapshot(tree.root)
    for second, status in [
        ("content/../Makefile", 403),
        ("content/items/../../Makefile", 403),
        ("content/site.yaml", 403),  # not an item or pakket
        ("content/items/bestaat-niet.md", 404),
        ("content/items/.woningscan.md", 403),
        (5, 400),
    ]:
        got, body = _call(tree.backend, "deleteFiles", paths=[ITEM, second])
        assert got == status, (second, body)
        assert _snapshot(tree.root) == before, second
    two = [ITEM, "content/pakketten/veiligheidspakket-startende-burgemeesters.md"]
    assert _call(tree.backend, "deleteFiles", paths=two)[0] == 200
    assert not any((tree.content / p.removeprefix("content/")).exists() for p in two)


@pytest.mark.parametrize(
    "path",
    ["content/site.yaml", "content/organisaties.yaml", "content/themes/burgemeesters/tokens.json"],
)
def test_only_items_and_pakketten_are_deleted(tree: Tree, path: str) -> None:
    before = _snapshot(tree.root)
    status, body = _call(tree.backend, "deleteFile", path=path)
    assert status == 403 and "items and pakketten" in body["error"], body
    assert _snapshot(tree.root) == before


def test_a_linked_entry_is_not_deleted(tree: Tree) -> None:
    link = tree.content / "items" / "elders.md"
    link.symlink_to(tree.outside / "Makefile")
    before = _snapshot(tree.root)
    assert _call(tree.backend, "deleteFile", path="content/items/elders.md")[0] == 403
    assert _snapshot(tree.root) == before


# --------------------------------------------------------------------------- reads


def test_reads_are_the_models_files_too(tree: Tree) -> None:
    (tree.content / "items" / "elders.md").symlink_to(tree.outside / "Makefile")
    (tree.content / "items" / ".verborgen.md").write_text("verborgen")
    assert _call(tree.backend, "getEntry", path="content/items/elders.md")[0] == 403
    assert _call(tree.backend, "getEntry", path="content/items/.verborgen.md")[0] == 403
    tokens = "content/themes/burgemeesters/tokens.json"
    assert _call(tree.backend, "getEntry", path=tokens)[0] == 403
    assert _call(tree.backend, "entriesByFolder", folder="content/themes")[0] == 403
    assert _call(tree.backend, "getMedia", mediaFolder="content/items")[0] == 403
    status, entries = _call(
        tree.backend, "entriesByFolder", folder="content/items", extension="md", depth=1
    )
    names = [e["file"]["path"].rsplit("/", 1)[1] for e in entries]
    assert status == 200 and len(names) == 7 and "elders.md" not in names
    assert ".verborgen.md" not in names


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("entriesByFolder", {"folder": "content/items", "extension": "md", "depth": "x"}),
        ("entriesByFolder", {"folder": "content/items", "extension": "md", "depth": [1]}),
        ("entriesByFolder", {"folder": "content/items", "extension": "md", "depth": True}),
        ("entriesByFolder", {"folder": "content/items", "extension": "md", "depth": 0}),
        ("entriesByFolder", {"folder": "content/items", "extension": "md", "depth": 10**100}),
        ("entriesByFolder", {"folder": "content/items", "extension": ["md"], "depth": 1}),
        ("entriesByFolder", {"folder": 5}),
        ("entriesByFiles", {"files": "content/site.yaml"}),
        ("entriesByFiles", {"files": [1]}),
        ("getEntry", {"path": ["content/site.yaml"]}),
        ("getEntry", {"path": "content/items/\x00.md"}),
        ("getEntry", {"path": "content/" + "a/" * 1000}),
        ("persistEntry", {"dataFiles": [{"path": ITEM, "raw": 5}]}),
        ("persistEntry", {"dataFiles": [{"path": ITEM}]}),
        ("persistEntry", {"dataFiles": []}),
        ("persistEntry", {"dataFiles": [{"path": ITEM, "raw": "x"}], "assets": "x"}),
        ("persistMedia", {"asset": {"path": "content/documenten/a.pdf", "content": "!!",
                                    "encoding": "base64"}}),
        ("persistMedia", {"asset": {"path": "content/documenten/a.pdf", "content": "eA==",
                                    "encoding": "utf-8"}}),
        ("persistMedia", {"asset": "x"}),
        ("deleteFiles", {"paths": "content/items/woningscan.md"}),
        ("deleteFiles", {"paths": []}),
        ("unpublishedEntry", {}),
        ("__init__", {}),
        ("_info", {}),
    ],
)  # fmt: skip
def test_malformed_parameters_are_refused(tree: Tree, action: str, params: Any) -> None:
    """``depth`` as ``"x"`` once raised in the backend: no answer, a traceback."""
    before = _snapshot(tree.root)
    status, body = _call(tree.backend, action, **params)
    assert 400 <= status < 500 and body["error"], body
    assert _snapshot(tree.root) == before


@pytest.mark.parametrize("payload", [[1, 2], "x", None, 5, {"params": {}}, {"action": 5},
                                     {"action": "info", "params": []}])  # fmt: skip
def test_malformed_requests_are_refused(tree: Tree, payload: object) -> None:
    status, body = tree.backend.handle(payload)
    assert status == 400 and body["error"]


# --------------------------------------------------------------------------- fuzzing

PATHS = st.sampled_from(
    [*WRITABLE, *NOT_WRITABLE, *UPLOADS, ITEM, "content/items", "content/documenten"]
) | st.text(max_size=30)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
DATA_FILE = st.fixed_dictionaries(
    {"path": PATHS, "raw": st.text(max_size=40)}, optional={"newPath": PATHS, "slug": JSON}
)
ASSET = st.fixed_dictionaries(
    {"path": PATHS, "content": st.sampled_from(["JVBERg==", "!!", ""]) | st.text(max_size=8),
     "encoding": st.sampled_from(["base64", "utf-8"]) | JSON}
)  # fmt: skip
PARAMS = st.fixed_dictionaries(
    {},
    optional={
        "folder": PATHS, "extension": JSON | st.just("md"), "depth": JSON, "path": PATHS,
        "paths": st.lists(PATHS, max_size=3) | JSON, "mediaFolder": PATHS,
        "files": st.lists(st.fixed_dictionaries({"path": PATHS}) | JSON, max_size=3) | JSON,
        "dataFiles": st.lists(DATA_FILE | JSON, max_size=2) | JSON,
        "assets": st.lists(ASSET | JSON, max_size=2) | JSON, "asset": ASSET | JSON,
        "entry": DATA_FILE | JSON,
    },
)  # fmt: skip
PAYLOADS = (
    st.fixed_dictionaries(
        {"action": st.sampled_from([*_ACTIONS, "unpublishedEntry", "_info"]) | JSON,
         "params": PARAMS | JSON}
    )
    | JSON
)  # fmt: skip


FIXTURES_OK = [HealthCheck.function_scoped_fixture]


def _only_model_files(content: Path) -> list[str]:
    """Files in the content folder that are not the model's own, apart from the real
    content's themes (which the editor does not touch)."""
    strays = []
    for path in content.rglob("*"):
        rel = path.relative_to(content)
        if path.is_symlink() or (
            path.is_file() and rel.parts[0] != "themes" and kind_of(rel.parts) is None
        ):
            strays.append(rel.as_posix())
    return strays


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURES_OK)
@given(payload=PAYLOADS)
def test_fuzz_the_backend_protocol(tree: Tree, payload: object) -> None:
    """Any JSON at all: an answer (200 or 4xx, JSON-ready), nothing outside the content
    folder changes, and nothing but the model's files appears in it."""
    outside = _snapshot(tree.outside)
    status, body = tree.backend.handle(payload)
    assert status == 200 or 400 <= status < 500, (status, body)
    json.dumps(body)
    assert _snapshot(tree.outside) == outside
    assert _only_model_files(tree.content) == []


# --------------------------------------------------------------------------- HTTP


@dataclass
class Server:
    server: PreviewServer
    content: Path
    outside: Path
    log: io.StringIO

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def secret(self) -> str:
        return self.server.secret


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    content = root / "content"
    shutil.copytree(REAL_CONTENT, content)
    (content / "items" / "geheim-concept.md").write_text(CONCEPT, encoding="utf-8")
    outside = root / "buiten"
    outside.mkdir()
    (outside / "Makefile").write_text("all:\n", encoding="utf-8")
    log = io.StringIO()
    preview = Preview(content, root / "site", ["html", "json"], log)
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Server(server, content, outside, log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def raw(port: int, request: bytes, *, head: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as it is; the status, headers and body of the one answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head_part, _, body = data.partition(b"\r\n\r\n")
        lines = head_part.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1."), data[:200]
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = 0 if head else int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, headers, body


def request(
    server: Server,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    fields = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    if body or method == "POST":
        fields.setdefault("Content-Length", str(len(body)))
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items() if v)]
    return raw(server.port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body,
               head=method == "HEAD")  # fmt: skip


def api(server: Server, payload: object, *, secret: str | None = None) -> tuple[int, Any]:
    path = f"{cms.API_PATH}/{server.secret if secret is None else secret}"
    body = json.dumps(payload).encode()
    status, _, reply = request(server, "POST", path, body, {"Content-Type": "application/json"})
    return status, json.loads(reply)


LIST_ITEMS = {"action": "entriesByFolder",
              "params": {"folder": "content/items", "extension": "md", "depth": 1}}  # fmt: skip


def test_without_the_secret_the_editor_and_its_api_are_closed(
    http_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    status, entries = api(http_server, LIST_ITEMS)
    assert status == 200
    assert CONCEPT_TITLE in json.dumps(entries)  # the editor sees concepts: its own work
    for wrong in ("", "raden", http_server.secret[:-1], http_server.secret + "x",
                  http_server.secret.upper()):  # fmt: skip
        path = f"{cms.API_PATH}/{wrong}".rstrip("/")
        status, _, reply = request(http_server, "POST", path, json.dumps(LIST_ITEMS).encode(),
                                   {"Content-Type": "application/json"})  # fmt: skip
        assert status == 403, (wrong, reply)
        assert CONCEPT_TITLE.encode() not in reply
    wrong_admin = f"/admin/{http_server.secret}x/config.yml"
    for path in ("/admin/", "/admin/index.html", "/admin/config.yml", "/admin/raden/",
                 "/admin/raden/config.yml", wrong_admin):  # fmt: skip
        status, _, reply = request(http_server, "GET", path)
        assert status == 403, path
        assert http_server.secret.encode() not in reply and b"decap" not in reply.lower()
    status, _, reply = request(http_server, "GET", f"/admin/{http_server.secret}/config.yml")
    assert status == 200 and f"{cms.API_PATH}/{http_server.secret}".encode() in reply
    assert "Traceback" not in capsys.readouterr().err


def test_concept_items_are_never_served_without_the_secret(http_server: Server) -> None:
    """The preview publishes only published items; the concept is seen only through the
    editor's API, with the secret."""
    for path in ("/", "/items/geheim-concept/", "/api/v1/items.json", "/feed.json",
                 "/manifest.json", "/admin/", f"{cms.API_PATH}"):  # fmt: skip
        _status, _, reply = request(http_server, "GET", path)
        assert CONCEPT_TITLE.encode() not in reply, path


def test_another_process_without_the_secret_gets_403(http_server: Server) -> None:
    """A plain HTTP client in another process (another user's, where ``setpriv`` can drop
    to ``nobody``): it reaches the port, but not the editor's API or files; and the
    secret is in no place another process could read it (command line, environment)."""
    url = f"http://127.0.0.1:{http_server.port}{cms.API_PATH}"
    payload = json.dumps(LIST_ITEMS)
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is needed as the other process")
    commands = [[curl, "-s", "-o", "/dev/null", "-w", "%{http_code}"]]
    setpriv = shutil.which("setpriv")
    if setpriv and hasattr(os, "geteuid") and os.geteuid() == 0:
        commands.append([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *commands[0]])
    for command in commands:
        for args in (
            ["-X", "POST", "-H", "Content-Type: application/json", "--data", payload, url],
            ["-X", "POST", "-H", "Content-Type: application/json", "--data", payload,
             url + "/geraden"],
            [f"http://127.0.0.1:{http_server.port}/admin/config.yml"],
        ):  # fmt: skip
            done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=30)
            assert done.stdout == "403", (command, args, done.stdout, done.stderr)
        preview_page = [f"http://127.0.0.1:{http_server.port}/"]
        done = subprocess.run([*command, *preview_page], capture_output=True, text=True, timeout=30)
        assert done.stdout == "200", done.stderr  # the preview itself: published items only
    me = Path(f"/proc/{os.getpid()}")
    if me.is_dir():
        for name in ("cmdline", "environ"):
            assert http_server.secret.encode() not in (me / name).read_bytes()


@pytest.mark.parametrize(
    "path",
    ["/", "/items/woningscan/", "/manifest.json", "/__pakketbuild/version", "/admin/", "{editor}",
     "{editor}config.yml", "/bestaat-niet/"],
)  # fmt: skip
@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example:{port}"},  # DNS rebinding: the attacker's name on 127.0.0.1
        {"Host": "evil.example"},
        {"Host": "127.0.0.1:{port}.evil.example"},
        {"Host": "127.0.0.1:1"},  # another port
        {"Host": "evil.example@127.0.0.1:{port}"},
        {"Host": "localhost:{port}", "Origin": "https://evil.example"},
        {"Host": "localhost:{port}", "Origin": "null"},
        {"Host": "localhost:{port}", "Origin": "http://127.0.0.1:1"},
    ],
)
def test_a_rebound_request_gets_403(
    http_server: Server, path: str, headers: dict[str, str]
) -> None:
    """GET ``/``, ``/admin/`` and ``/admin/config.yml`` once answered 200 to a rebound
    name, with the evil host written into ``site_url``."""
    path = path.format(editor=http_server.server.editor_path)
    filled = {k: v.format(port=http_server.port) for k, v in headers.items()}
    status, _, reply = request(http_server, "GET", path, headers=filled)
    assert status == 403, (path, filled, reply[:200])
    assert b"evil" not in reply and http_server.secret.encode() not in reply
    assert CONCEPT_TITLE.encode() not in reply


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_served_names_are_answered(http_server: Server, host: str) -> None:
    headers = {"Host": host.format(port=http_server.port)}
    assert request(http_server, "GET", "/", headers=headers)[0] == 200
    origin = {**headers, "Origin": "http://" + headers["Host"]}
    assert request(http_server, "GET", "/", headers=origin)[0] == 200
    status, _, config = request(
        http_server, "GET", http_server.server.editor_path + "config.yml", headers=headers
    )
    assert status == 200 and f"site_url: http://{headers['Host'].lower()}".encode() in config


def _nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


GET = b"GET %s HTTP/1.1\r\nHost: {host}\r\n\r\n"
POST = b"POST {api} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
LIST_DEPTH = b'{"action":"entriesByFolder","params":{"folder":"content/items","depth":%s}}'
INFO_WITH = b'{"action":"info","params":{"x":%s}}'
MALFORMED: dict[str, tuple[bytes, int]] = {
    "nul-in-path": (GET % b"/items/%00", 400),
    "url-8000": (GET % (b"/" + b"a" * 8000), 414),
    "url-65000": (GET % (b"/" + b"a" * 65000), 414),
    "url-70000": (GET % (b"/" + b"a" * 70000), 414),
    "name-too-long": (GET % (b"/" + b"a" * 1500 + b"/"), 404),
    "absolute-form": (GET % b"http://evil.example/", 400),
    "double-slash": (GET % b"//evil.example/", 404),  # read as /evil.example/
    "no-host": (b"GET / HTTP/1.1\r\n\r\n", 400),
    "two-hosts": (b"GET / HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\n\r\n", 400),
    "put": (b"PUT / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n", 405),
    "options": (b"OPTIONS / HTTP/1.1\r\nHost: {host}\r\n\r\n", 405),
    "brew": (b"BREW / HTTP/1.1\r\nHost: {host}\r\n\r\n", 405),
    "version": (b"GET / HTTP/9.9\r\nHost: {host}\r\n\r\n", 400),
    "garbage": (b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n", 400),
    "header-too-long": (b"GET / HTTP/1.1\r\nHost: {host}\r\nX: " + b"a" * 70000 + b"\r\n\r\n", 431),
    "depth-text": (b"{body}" + LIST_DEPTH % b'"x"', 400),
    "depth-list": (b"{body}" + LIST_DEPTH % b"[1]", 400),
    "nested-100000": (b"{body}" + _nested(100_000), 400),
    "nested-17": (b"{body}" + INFO_WITH % _nested(15), 400),
    "huge-number": (b"{body}" + INFO_WITH % (b"1" * 5000), 400),
    "not-json": (b"{body}action=info", 400),
    "not-utf8": (b'{body}{"action":"\xff"}', 400),
    "empty": (b"{body}", 400),
    "chunked": (POST + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    "no-length": (POST + b"\r\n", 411),
    "bad-length": (POST + b"Content-Length: zes\r\n\r\n", 400),
    "too-large": (POST + b"Content-Length: %d\r\n\r\n" % (cms.MAX_BODY + 1), 413),
    "post-elsewhere": (b"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n", 405),
}
"""Raw requests and their answers; ``{body}`` + JSON is a POST of that JSON to the API."""


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_every_malformed_request_is_answered(
    http_server: Server, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Each of these once got no answer and put a traceback in the editor's terminal
    (``depth`` as text or a list, a JSON body nested 100,000 levels, ``/items/%00``,
    URLs of 8,000 and 65,000 characters), or got a 5xx."""
    data, expected = MALFORMED[name]
    before = _snapshot(http_server.outside)
    if data.startswith(b"{body}"):
        data = _post(http_server, data[len(b"{body}") :])
    data = data.replace(b"{host}", f"127.0.0.1:{http_server.port}".encode())
    data = data.replace(b"{api}", f"{cms.API_PATH}/{http_server.secret}".encode())
    status, _headers, body = raw(http_server.port, data)
    assert status == expected, (name, body[:300])
    assert body.strip(), name  # it says why
    assert "Traceback" not in capsys.readouterr().err
    assert _snapshot(http_server.outside) == before
    assert MAX_TARGET < 8000


def _post(server: Server, body: bytes) -> bytes:
    return (
        f"POST {cms.API_PATH}/{server.secret} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURES_OK)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"])
    | st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=8),
    path=st.sampled_from(["/", "/admin/", "/admin/{secret}/", "/admin/{secret}/config.yml",
                          "{api}", "/items/woningscan/", "/__pakketbuild/version?seen=x",
                          "/%00", "/..%2f..%2fetc/passwd"])
    | st.text(max_size=60).map(lambda t: "/" + t),
    host=st.sampled_from(["127.0.0.1:{port}", "localhost:{port}", "evil.example:{port}", ""])
    | st.text(max_size=20),
    origin=st.none() | st.sampled_from(["http://127.0.0.1:{port}", "null"]) | st.text(max_size=20),
    content_type=st.sampled_from(["application/json", "text/plain", ""]),
    body=st.binary(max_size=200) | PAYLOADS.map(lambda p: json.dumps(p).encode()),
)  # fmt: skip
def test_fuzz_the_http_handler(
    http_server: Server,
    capsys: pytest.CaptureFixture[str],
    method: str,
    path: str,
    host: str,
    origin: str | None,
    content_type: str,
    body: bytes,
) -> None:
    """Any method, target, Host, Origin and body: one answer below 500 (the content is
    fine, so no 503), no traceback, nothing outside the content folder changed and
    nothing but the model's files in it."""
    fill = {"secret": http_server.secret, "api": f"{cms.API_PATH}/{http_server.secret}",
            "port": str(http_server.port)}  # fmt: skip
    for key, value in fill.items():
        path, host = path.replace("{" + key + "}", value), host.replace("{" + key + "}", value)
        origin = origin.replace("{" + key + "}", value) if origin is not None else None
    headers = [f"Host: {_latin(host)}", f"Content-Length: {len(body)}"]
    if origin is not None:
        headers.append(f"Origin: {_latin(origin)}")
    if content_type:
        headers.append(f"Content-Type: {content_type}")
    target = path.encode("utf-8", "surrogatepass").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
    data = (
        method.encode("utf-8", "surrogatepass") + b" " + target + b" HTTP/1.1\r\n"
        + "\r\n".join(headers).encode("latin-1") + b"\r\nConnection: close\r\n\r\n" + body
    )  # fmt: skip
    status, _headers, _reply = raw(http_server.port, data, head=method == "HEAD")
    assert 100 <= status < 500, (method, path, host, status)
    assert "Traceback" not in capsys.readouterr().err
    assert _snapshot(http_server.outside) == {"Makefile": hashlib.sha256(b"all:\n").hexdigest()}
    assert _only_model_files(http_server.content) == []


def _latin(text: str) -> str:
    """A header value as the wire can carry it (no line breaks)."""
    return "".join(c if c not in "\r\n" and ord(c) < 256 else "?" for c in text)


def test_the_secret_is_new_at_every_start(tmp_path: Path) -> None:
    preview = Preview(REAL_CONTENT, tmp_path / "site", ["html"], io.StringIO())
    secrets = set()
    for _ in range(3):
        server = make_server(preview, "127.0.0.1", 0)
        try:
            secrets.add(server.secret)
            assert len(server.secret) >= 32 and server.secret in server.editor_path
        finally:
            server.server_close()
    assert len(secrets) == 3


def test_serve_prints_the_editor_address_with_its_secret(tmp_path: Path) -> None:
    """The secret reaches the editor only through the terminal of whoever started serve."""
    from tests.test_serve import Process

    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    process = Process(["serve", "--content", str(content), "--port", "0"], cwd=tmp_path)
    try:
        found = process.wait_for_line(r"http://127\.0\.0\.1:(\d+)/admin/([A-Za-z0-9_-]{32,})/")
        port, secret = found.group(1), found.group(2)
        cmdline = Path(f"/proc/{process.proc.pid}/cmdline")
        if cmdline.exists():
            assert secret.encode() not in cmdline.read_bytes()
            assert secret.encode() not in Path(f"/proc/{process.proc.pid}/environ").read_bytes()
        status, _, page = raw(int(port), f"GET /admin/{secret}/ HTTP/1.1\r\nHost: 127.0.0.1:"
                                          f"{port}\r\n\r\n".encode())  # fmt: skip
        assert status == 200 and b"decap-cms.js" in page
    finally:
        assert process.interrupt() == 0


def test_on_another_host_only_addresses_and_that_name_are_answered(tmp_path: Path) -> None:
    """``--host 0.0.0.0``: clients use one of the machine's addresses, which no DNS answer
    can stand for, so any address is answered, and no name but the loopback ones (and the
    one ``--host`` gave, when it is a name)."""
    preview = Preview(REAL_CONTENT, tmp_path / "site", ["html"], io.StringIO())
    server = make_server(preview, "0.0.0.0", 0)
    try:
        port = server.port
        assert not server.editable and "0.0.0.0" in server.names
        for name in ("192.168.1.5", "[fe80::1]", "0.0.0.0", "127.0.0.1", "localhost"):
            assert server.names_this_server(f"{name}:{port}"), name
        for name in ("evil.example", "fe80::1", "[::ffff:zzzz]", "192.168.1.5.evil.example"):
            assert not server.names_this_server(f"{name}:{port}"), name
        assert not server.names_this_server(f"192.168.1.5:{port + 1}")
    finally:
        server.server_close()
