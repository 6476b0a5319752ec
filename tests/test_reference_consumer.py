"""The reference consumer of docs/examples/ syncs a partner's copy over HTTP (the built
tree served by ``http.server`` on 127.0.0.1): it fetches only what changed and removes
what was withdrawn."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.views.trees import SCAN, write_views_tree
from tests.writers.html_tools import build_tree

ROOT = Path(__file__).resolve().parent.parent
CONSUMER = ROOT / "docs/examples/sync_partner_copy.py"
EXTRA = SCAN.replace("id: scan", "id: extra").replace("Scan van de woning", "Los onderdeel")


def _consumer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_partner_copy", CONSUMER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Server:
    def __init__(self, root: Path) -> None:
        self.requests: list[str] = []
        log = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                log.append(self.path)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Path, _Server]]:
    content = write_views_tree(tmp_path / "content", {"items/extra.md": EXTRA})
    out = build_tree(content, tmp_path / "site" / "exports", "json")
    server = _Server(out)
    try:
        yield content, out, server
    finally:
        server.close()


def test_the_reference_consumer_syncs_only_what_changed(
    served: tuple[Path, Path, _Server], tmp_path: Path
) -> None:
    content, out, server = served
    sync = _consumer().sync
    index_url = server.url + "api/v1/index.json"
    store = tmp_path / "kopie"

    first = sync(index_url, store)
    assert first == {"fetched": ["extra", "hulp", "scan"], "removed": []}
    assert sorted(p.name for p in store.glob("*.json")) == [
        "extra.json", "hulp.json", "scan.json", "versions.json",
    ]  # fmt: skip

    server.requests.clear()
    assert sync(index_url, store) == {"fetched": [], "removed": []}  # nothing changed
    assert not [r for r in server.requests if "/items/" in r]

    hulp = content / "items/hulp.md"
    hulp.write_text(hulp.read_text("utf-8").replace("Slottekst", "Nieuwe slottekst"), "utf-8")
    build_tree(content, out, "json")
    server.requests.clear()
    assert sync(index_url, store) == {"fetched": ["hulp"], "removed": []}
    assert [r for r in server.requests if "/items/" in r] == ["/api/v1/items/hulp.json"]
    assert "Nieuwe slottekst" in (store / "hulp.json").read_text("utf-8")

    extra = content / "items/extra.md"
    extra.write_text(EXTRA.replace("status: gepubliceerd", "status: gearchiveerd"), "utf-8")
    build_tree(content, out, "json")
    assert sync(index_url, store) == {"fetched": [], "removed": ["extra"]}
    assert not (store / "extra.json").exists()


def test_the_consumer_is_short_and_uses_only_the_standard_library_and_jsonschema() -> None:
    text = CONSUMER.read_text("utf-8")
    imports = {
        line.split()[1].split(".")[0]
        for line in text.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports == {"__future__", "json", "sys", "urllib", "pathlib", "typing", "jsonschema"}
    code = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(code) <= 60
