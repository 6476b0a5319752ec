"""``pakketbuild serve``: the preview server, in-process and as a real process."""

from __future__ import annotations

import http.client
import io
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pakketbuild import preview as preview_module
from pakketbuild import serve_http
from pakketbuild.build import build
from pakketbuild.cli import _parser, main
from pakketbuild.diagnostics import UsageError
from pakketbuild.preview import BUILDING, Preview
from pakketbuild.serve_http import RELOAD_JS, VERSION_PATH, _inject, make_server
from tests.content.tree import ITEM, SITE, write_tree
from tests.serving import serving

BROKEN = ITEM.replace("kind: scan", "kind: scann")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


def fetch(url: str, method: str = "GET") -> Response:
    request = urllib.request.Request(url, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as reply:
            return Response(reply.status, dict(reply.headers), reply.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read().decode())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# --------------------------------------------------------------------------- in-process


@dataclass
class Running:
    base: str
    preview: Preview
    content: Path
    log: io.StringIO


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    content = write_tree(tmp_path / "content")
    log = io.StringIO()
    preview = Preview(content, tmp_path / "preview" / "site", ["html", "json"], log)
    with serving(preview) as served:
        yield Running(served.base, preview, content, log)


def test_pages_get_the_reload_script(running: Running) -> None:
    page = fetch(running.base + "/items/woningscan/")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-store"
    assert "De tekst van het onderdeel." in page.body
    version = fetch(running.base + VERSION_PATH).body
    # Inline, so that a reload asks for no extra file.
    tag = f'<script data-version="{version}">\n{RELOAD_JS}</script>\n</body>'
    assert page.body.count(RELOAD_JS) == 1 and tag in page.body
    assert VERSION_PATH in RELOAD_JS and "location.reload()" in RELOAD_JS


def _version_of(page: str) -> str:
    found = re.search(r'data-version="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_a_waiting_page_reloads_when_a_build_starts_and_gets_the_new_page(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The long poll answers as soon as a build starts rendering; the page the browser then
    asks for waits until the new tree is swapped in (never the old one), so the browser's
    navigation overlaps the build."""
    from pakketbuild.build import _Build

    monkeypatch.setattr(preview_module, "RELOAD_GRACE_SECONDS", 0.05)
    release = threading.Event()
    produce = _Build._produce

    def held_produce(self: _Build, *args: Any) -> None:
        assert release.wait(timeout=20)
        produce(self, *args)

    monkeypatch.setattr(_Build, "_produce", held_produce)
    seen = fetch(running.base + VERSION_PATH).body
    answers: list[str] = []
    waiting = threading.Thread(
        target=lambda: answers.append(fetch(f"{running.base}{VERSION_PATH}?seen={seen}").body)
    )
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and answers == []  # held open: nothing has changed yet
    item = running.content / "items" / "woningscan.md"
    item.write_text(ITEM.replace("De tekst", "De nieuwe tekst"), encoding="utf-8")
    builder = threading.Thread(target=running.preview.rebuild)
    builder.start()
    waiting.join(timeout=10)
    assert answers == [BUILDING]  # the page reloads now, while the build renders
    pages: list[Response] = []
    reload = threading.Thread(
        target=lambda: pages.append(fetch(running.base + "/items/woningscan/"))
    )
    reload.start()
    reload.join(timeout=0.5)
    assert reload.is_alive() and pages == []  # waits for the build, not the old page
    release.set()
    reload.join(timeout=10)
    builder.join(timeout=10)
    assert pages[0].status == 200 and "De nieuwe tekst van het onderdeel." in pages[0].body
    version = running.preview.snapshot().version
    assert _version_of(pages[0].body) == version != seen
    assert fetch(f"{running.base}{VERSION_PATH}?seen={seen}").body == version


def test_a_save_that_changes_nothing_does_not_reload_the_page(running: Running) -> None:
    before = fetch(running.base + VERSION_PATH).body
    answers: list[str] = []
    waiting = threading.Thread(
        target=lambda: answers.append(fetch(f"{running.base}{VERSION_PATH}?seen={before}").body)
    )
    waiting.start()
    item = running.content / "items" / "woningscan.md"
    item.write_text(ITEM, encoding="utf-8")  # saved again, the same bytes: a no-op build
    running.preview.rebuild()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and answers == []
    # A change that publishes nothing new keeps the version (the tree was not replaced).
    site = running.content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "# een opmerking\n", encoding="utf-8")
    running.preview.rebuild()
    assert fetch(running.base + VERSION_PATH).body == before
    waiting.join(timeout=30)


def test_the_clean_up_waits_until_the_reloaded_page_asks_again(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the swap, the build salvages the old tree only once the page that reloaded
    has asked again with the new version, so it does not compete with the reload; a page
    that never comes back holds it up for RELOAD_GRACE_SECONDS at most."""
    from pakketbuild.build import _Build

    monkeypatch.setattr(preview_module, "RELOAD_GRACE_SECONDS", 20.0)
    monkeypatch.setattr(serve_http, "LONG_POLL_SECONDS", 1.0)
    asked_again = threading.Event()
    at_salvage: list[bool] = []
    salvage = _Build._salvage

    def watched_salvage(self: _Build, tree: Path) -> None:
        at_salvage.append(asked_again.is_set())
        salvage(self, tree)

    monkeypatch.setattr(_Build, "_salvage", watched_salvage)

    def browser() -> None:  # what the reload script does: wait, reload, wait again
        seen = fetch(running.base + VERSION_PATH).body
        assert fetch(f"{running.base}{VERSION_PATH}?seen={seen}").body == BUILDING
        page = fetch(running.base + "/items/woningscan/")
        time.sleep(0.3)  # style sheets, script
        asked_again.set()
        fetch(f"{running.base}{VERSION_PATH}?seen={_version_of(page.body)}")

    page = threading.Thread(target=browser)
    page.start()
    time.sleep(0.3)  # the page is waiting
    item = running.content / "items" / "woningscan.md"
    item.write_text(ITEM.replace("De tekst", "De nieuwe tekst"), encoding="utf-8")
    running.preview.rebuild()
    page.join(timeout=10)
    assert at_salvage == [True] and not page.is_alive()


def test_other_files_are_served_unchanged(running: Running) -> None:
    served = fetch(running.base + "/manifest.json")
    assert served.status == 200
    assert served.headers["Content-Type"] == "application/json; charset=utf-8"
    on_disk = (running.preview.site / "manifest.json").read_text(encoding="utf-8")
    assert served.body == on_disk


def conditional(url: str, etag: str, method: str = "GET") -> Response:
    request = urllib.request.Request(url, method=method, headers={"If-None-Match": etag})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return Response(reply.status, dict(reply.headers), reply.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read().decode())


def test_files_carry_validators_and_answer_304_while_unchanged(running: Running) -> None:
    url = running.base + "/assets/site.css"
    first = fetch(url)
    assert first.status == 200 and first.headers["Content-Type"] == "text/css; charset=utf-8"
    assert first.headers["Cache-Control"] == "no-cache"  # kept, but asked again on every use
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["Last-Modified"].endswith(" GMT")
    assert first.body == (running.preview.site / "assets" / "site.css").read_text("utf-8")
    for header in (etag, f"W/{etag}", f'"ander", {etag}', "*"):
        again = conditional(url, header)
        assert again.status == 304 and again.body == "", header
        assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "no-cache"
        assert "Content-Length" not in again.headers
    assert conditional(url, etag, method="HEAD").status == 304
    other = conditional(url, '"ander"')
    assert other.status == 200 and other.body == first.body and other.headers["ETag"] == etag
    # Pages are never validated or kept: the reload script in them names the version.
    page = conditional(running.base + "/items/woningscan/", "*")
    assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
    assert "ETag" not in page.headers


THEMED: dict[str, str | bytes | None] = {
    "site.yaml": SITE + "theme: huis\n",
    "themes/huis/tokens.json": '{"color": {"$type": "color", "brand": {"$value": "#5c2d91"}}}\n',
}


def test_an_edit_is_never_served_stale(tmp_path: Path) -> None:
    """After a save, the page has the new text and a changed style sheet comes with its
    new bytes and a new ETag (not 304); an unchanged one still answers 304."""
    content = write_tree(tmp_path / "content", THEMED)
    preview = Preview(content, tmp_path / "preview" / "site", ["html", "json"], io.StringIO())
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        theme, site_css = fetch(base + "/assets/theme.css"), fetch(base + "/assets/site.css")
        assert "#5c2d91" in theme.body
        tokens = content / "themes" / "huis" / "tokens.json"
        tokens.write_text(tokens.read_text("utf-8").replace("#5c2d91", "#0b5c2d"), "utf-8")
        item = content / "items" / "woningscan.md"
        item.write_text(ITEM.replace("De tekst", "De nieuwe tekst"), encoding="utf-8")
        preview.rebuild()
        page = fetch(base + "/items/woningscan/")
        assert page.status == 200 and "De nieuwe tekst van het onderdeel." in page.body
        new_theme = conditional(base + "/assets/theme.css", theme.headers["ETag"])
        assert new_theme.status == 200 and "#0b5c2d" in new_theme.body
        assert "#5c2d91" not in new_theme.body
        assert new_theme.headers["ETag"] != theme.headers["ETag"]
        assert conditional(base + "/assets/site.css", site_css.headers["ETag"]).status == 304
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_connections_are_kept_open(running: Running) -> None:
    port = int(running.base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for path in ("/items/woningscan/", "/assets/site.css", "/manifest.json"):
            connection.request("GET", path)
            reply = connection.getresponse()
            assert reply.status == 200 and reply.read() and not reply.will_close
        sock = connection.sock
        connection.request("GET", "/assets/site.css", headers={"If-None-Match": "*"})
        reply = connection.getresponse()
        assert reply.status == 304 and reply.read() == b""
        assert connection.sock is sock  # the same connection throughout
    finally:
        connection.close()


def test_redirect_404_head_and_traversal(running: Running) -> None:
    moved = fetch(running.base + "/items/woningscan")
    assert moved.status == 301 and moved.headers["Location"] == "/items/woningscan/"
    missing = fetch(running.base + "/bestaat-niet/")
    assert missing.status == 404
    assert "Pagina niet gevonden" in missing.body and RELOAD_JS in missing.body
    head = fetch(running.base + "/items/woningscan/", method="HEAD")
    assert head.status == 200 and head.body == "" and int(head.headers["Content-Length"]) > 0
    secret = running.content.parent / "geheim.txt"
    secret.write_text("geheim", encoding="utf-8")
    for path in ("/../geheim.txt", "/%2e%2e/geheim.txt", "/..%2fgeheim.txt"):
        assert fetch(running.base + path).status == 404


def test_content_errors_replace_every_page(running: Running) -> None:
    before = fetch(running.base + VERSION_PATH).body
    (running.content / "items" / "woningscan.md").write_text(BROKEN, encoding="utf-8")
    running.preview.rebuild()
    assert fetch(running.base + VERSION_PATH).body != before
    for path in ("/", "/items/woningscan/", "/bestaat-niet/"):
        page = fetch(running.base + path)
        assert page.status == 503
        assert "<h1>De inhoud bevat fouten</h1>" in page.body
        assert "content/items/woningscan.md:4:7</span>: error[invalid-value] (kind):" in page.body
        assert RELOAD_JS in page.body
    data = fetch(running.base + "/manifest.json")
    assert data.status == 503 and data.headers["Content-Type"].startswith("text/plain")
    assert "content/items/woningscan.md:4:7: error[invalid-value] (kind)" in data.body
    assert "content/items/woningscan.md:4:7: error[invalid-value] (kind)" in running.log.getvalue()
    (running.content / "items" / "woningscan.md").write_text(ITEM, encoding="utf-8")
    running.preview.rebuild()
    assert fetch(running.base + "/items/woningscan/").status == 200


def test_errors_of_a_save_still_being_written_are_not_shown(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails while the content changes under it (the rest of the save
    arrives) is repeated at once: the page never shows the half-written file's errors."""
    item = running.content / "items" / "woningscan.md"
    item.write_text(BROKEN, encoding="utf-8")  # the first half of a save
    builds: list[str] = []

    def build_then_finish_the_save(*args: Any, **kwargs: Any) -> Any:
        builds.append(item.read_text(encoding="utf-8"))
        try:
            return build(*args, **kwargs)
        finally:
            if len(builds) == 1:
                item.write_text(ITEM.replace("De tekst", "De nieuwe tekst"), encoding="utf-8")

    monkeypatch.setattr(preview_module, "build", build_then_finish_the_save)
    snapshot = running.preview.rebuild()
    assert builds[0] == BROKEN and len(builds) == 2
    assert snapshot.problems == () and not snapshot.failure
    assert "error[" not in running.log.getvalue()
    page = fetch(running.base + "/items/woningscan/")
    assert page.status == 200 and "De nieuwe tekst van het onderdeel." in page.body
    # A failure with content that stays the same is shown, after one build.
    item.write_text(BROKEN, encoding="utf-8")
    assert running.preview.rebuild().problems and len(builds) == 3


def test_a_bug_shows_a_500_page_and_the_traceback(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_build(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr(preview_module, "build", broken_build)
    running.preview.rebuild()
    page = fetch(running.base + "/")
    assert page.status == 500
    assert "Er ging iets mis in pakketbuild" in page.body and "RuntimeError: kapot" in page.body
    assert "internal error (a bug; please report it)" in running.log.getvalue()


def test_binds_to_127_0_0_1_only(running: Running) -> None:
    assert _parser().parse_args(["serve"]).host == "127.0.0.1"
    port = int(running.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    # Another loopback address reaches a socket bound to all interfaces, but not ours.
    with socket.socket() as control:
        control.bind(("0.0.0.0", 0))
        control.listen()
        try:
            socket.create_connection(("127.0.0.2", control.getsockname()[1]), timeout=2).close()
        except OSError:
            pytest.skip("127.0.0.2 is not routed to the loopback interface here")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=2)


def test_busy_port_is_a_usage_error(running: Running) -> None:
    port = int(running.base.rsplit(":", 1)[1])
    with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{port}"):
        make_server(running.preview, "127.0.0.1", port)


def test_inject() -> None:
    assert _inject(b"<p>x</p>", "v1").startswith(b'<p>x</p><script data-version="v1">')
    injected = _inject(b"<BODY>a</BODY></html>", "v1")
    assert injected.endswith(b"})();\n</script>\n</BODY></html>")


def test_serve_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["serve", "--content", str(root), "--formats", "htm"]) == 1
    assert "unknown format 'htm'" in capsys.readouterr().err
    assert main(["serve", "--content", str(tmp_path / "nergens")]) == 1
    assert "does not exist" in capsys.readouterr().err


# --------------------------------------------------------------------------- as a process


class Process:
    """``python -m pakketbuild serve`` with its stderr collected line by line."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pakketbuild", *argv],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        """Press Ctrl-C (or send ``signum``); the exit code once the process has ended and
        its output is read."""
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=20)
        finally:
            self.proc.kill()  # no-op when it already ended
            self.reader.join(timeout=5)
            assert self.proc.stderr is not None
            self.proc.stderr.close()
        return code

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def wait_for_line(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                assert self.proc.poll() is None, "".join(self.stderr)
                continue
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}:\n{''.join(self.stderr)}")


def poll(url: str, check: Callable[[Response], bool], timeout: float = 30) -> Response:
    deadline = time.monotonic() + timeout
    last: Response | None = None
    while time.monotonic() < deadline:
        last = fetch(url)
        if check(last):
            return last
        time.sleep(0.1)
    raise AssertionError(f"{url} never matched; last response: {last}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT as Ctrl-C is POSIX")
def test_serve_rebuilds_on_save_shows_errors_and_stops_on_ctrl_c(
    tmp_path: Path, content_copy: Path
) -> None:
    process = Process(["serve", "--content", str(content_copy), "--port", "0"], cwd=tmp_path)
    try:
        port = process.wait_for_line(r"preview on http://127\.0\.0\.1:(\d+)/").group(1)
        url = f"http://127.0.0.1:{port}/items/woningscan/"
        page = fetch(url)
        assert page.status == 200 and "Woningscan" in page.body and RELOAD_JS in page.body

        item = content_copy / "items" / "woningscan.md"
        original = item.read_text(encoding="utf-8")
        edited = original.replace("Door eerst", "Nieuwe zin van de redactie. Door eerst")
        item.write_text(edited, encoding="utf-8")
        poll(url, lambda r: r.status == 200 and "Nieuwe zin van de redactie." in r.body)

        item.write_text(edited.replace("kind: scan", "kind: scann"), encoding="utf-8")
        where = "content/items/woningscan.md:5:7</span>: error[invalid-value] (kind)"
        page = poll(url, lambda r: r.status == 503 and where in r.body)
        assert "De inhoud bevat fouten" in page.body
        process.wait_for_line(r"content/items/woningscan\.md:5:7: error\[invalid-value\]")

        item.write_text(original, encoding="utf-8")
        poll(url, lambda r: r.status == 200 and "Nieuwe zin van de redactie." not in r.body)
    finally:
        code = process.interrupt()
    stderr = "".join(process.stderr)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("preview stopped")
    assert not (tmp_path / "exports").exists()


def _work_folders(pid: int) -> list[Path]:
    """The preview folders of the serve process ``pid`` (in memory or in the temp folder)."""
    from pakketbuild.serve import MEMORY_FOLDER, WORK_PREFIX

    pattern = f"{WORK_PREFIX}{pid}-*"
    return sorted([*MEMORY_FOLDER.glob(pattern), *Path(tempfile.gettempdir()).glob(pattern)])


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=str)
def test_serve_cleans_up_on_sigterm_and_sighup_as_on_ctrl_c(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """``kill -TERM`` (and a closed terminal, SIGHUP) once left the preview's folder in
    /dev/shm behind; only Ctrl-C cleaned up."""
    content = write_tree(tmp_path / "content")
    process = Process(["serve", "--content", str(content), "--port", "0"], cwd=tmp_path)
    try:
        process.wait_for_line(r"preview on http://127\.0\.0\.1:(\d+)/")
        folders = _work_folders(process.proc.pid)
        assert len(folders) == 1 and (folders[0] / "site" / "index.html").is_file(), folders
    finally:
        code = process.interrupt(signum)
    stderr = "".join(process.stderr)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("preview stopped")
    assert _work_folders(process.proc.pid) == []


def test_a_browser_that_went_away_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """A long poll answered after its tab closed ends in a broken pipe: that is not an
    error for the editor's terminal (other errors are still reported)."""
    from pakketbuild.serve_http import PreviewServer

    server = PreviewServer.__new__(PreviewServer)  # no socket: only the error hook is used
    for gone in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
        try:
            raise gone
        except OSError:
            server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("echt fout")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: echt fout" in capsys.readouterr().err
