"""``pakketbuild serve``: the preview server, in-process and as a real process."""

from __future__ import annotations

import io
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pakketbuild import serve as serve_module
from pakketbuild.cli import _parser, main
from pakketbuild.diagnostics import UsageError
from pakketbuild.serve import RELOAD_PATH, VERSION_PATH, Preview, _inject, make_server
from tests.content.tree import ITEM, write_tree

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
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Running(f"http://127.0.0.1:{server.server_address[1]}", preview, content, log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_pages_get_the_reload_script(running: Running) -> None:
    page = fetch(running.base + "/items/woningscan/")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-store"
    assert "De tekst van het onderdeel." in page.body
    version = fetch(running.base + VERSION_PATH).body
    tag = f'<script src="{RELOAD_PATH}" data-version="{version}"></script>\n</body>'
    assert page.body.count(RELOAD_PATH) == 1 and tag in page.body
    script = fetch(running.base + RELOAD_PATH)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert VERSION_PATH in script.body and "location.reload()" in script.body


def test_the_version_long_poll_answers_when_a_rebuild_gives_a_new_version(
    running: Running,
) -> None:
    seen = fetch(running.base + VERSION_PATH).body
    answers: list[str] = []
    waiting = threading.Thread(
        target=lambda: answers.append(fetch(f"{running.base}{VERSION_PATH}?seen={seen}").body)
    )
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and answers == []  # held open: nothing has changed yet
    running.preview.rebuild()
    waiting.join(timeout=10)
    assert answers == [running.preview.snapshot().version] and answers[0] != seen


def test_the_version_long_poll_answers_at_once_for_an_old_version_and_times_out(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = fetch(running.base + VERSION_PATH).body
    assert fetch(f"{running.base}{VERSION_PATH}?seen=old-0").body == current
    monkeypatch.setattr("pakketbuild.serve.LONG_POLL_SECONDS", 0.2)
    assert fetch(f"{running.base}{VERSION_PATH}?seen={current}").body == current


def test_other_files_are_served_unchanged(running: Running) -> None:
    served = fetch(running.base + "/manifest.json")
    assert served.status == 200
    assert served.headers["Content-Type"] == "application/json; charset=utf-8"
    on_disk = (running.preview.site / "manifest.json").read_text(encoding="utf-8")
    assert served.body == on_disk


def test_redirect_404_head_and_traversal(running: Running) -> None:
    moved = fetch(running.base + "/items/woningscan")
    assert moved.status == 301 and moved.headers["Location"] == "/items/woningscan/"
    missing = fetch(running.base + "/bestaat-niet/")
    assert missing.status == 404
    assert "Pagina niet gevonden" in missing.body and RELOAD_PATH in missing.body
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
        assert RELOAD_PATH in page.body
    data = fetch(running.base + "/manifest.json")
    assert data.status == 503 and data.headers["Content-Type"].startswith("text/plain")
    assert "content/items/woningscan.md:4:7: error[invalid-value] (kind)" in data.body
    assert "content/items/woningscan.md:4:7: error[invalid-value] (kind)" in running.log.getvalue()
    (running.content / "items" / "woningscan.md").write_text(ITEM, encoding="utf-8")
    running.preview.rebuild()
    assert fetch(running.base + "/items/woningscan/").status == 200


def test_a_bug_shows_a_500_page_and_the_traceback(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_build(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr(serve_module, "build", broken_build)
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
    assert _inject(b"<p>x</p>", "v1").startswith(b"<p>x</p><script src=")
    injected = _inject(b"<BODY>a</BODY></html>", "v1")
    assert injected.endswith(b'data-version="v1"></script>\n</BODY></html>')


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

    def interrupt(self) -> int:
        """Press Ctrl-C; the exit code once the process has ended and its output is read."""
        self.proc.send_signal(signal.SIGINT)
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
        assert page.status == 200 and "Woningscan" in page.body and RELOAD_PATH in page.body

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
