"""The HTTP side of ``pakketbuild serve``: the preview's files, live reload, problems
pages and the browser editor, answered from the state of a :class:`~pakketbuild.preview.Preview`.

Pages get the reload script (:data:`RELOAD_JS`) injected; :data:`VERSION_PATH` is the long
poll it waits on; requests for built files wait until a build under way has settled; while
the content has errors, pages answer 503 with the problems. ``/admin/`` serves the editor
and its local backend (:mod:`pakketbuild.cms`), writable from loopback pages only. See
:mod:`pakketbuild.serve` for the whole.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import os
import socket
import sys
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from pakketbuild import cms, mediatypes
from pakketbuild.cms import admin as cms_admin
from pakketbuild.cms.backend import BackendError, LocalBackend, parse_request
from pakketbuild.diagnostics import UsageError
from pakketbuild.i18n import _, os_reason
from pakketbuild.preview import Preview, Snapshot

PREFIX = "/__pakketbuild/"
VERSION_PATH = PREFIX + "version"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LONG_POLL_SECONDS = 25.0
"""How long a version request with ``?seen=`` waits for a new build before it answers with
the same version (well under the usual 60 s proxy and browser idle limits)."""

RELOAD_JS = """\
// pakketbuild preview: reload the page when the site has been rebuilt.
(function () {
  "use strict";
  var me = document.currentScript;
  var seen = me ? me.getAttribute("data-version") : null;
  if (seen === null) { return; }
  // Long poll: the server answers as soon as a rebuild starts rendering (the reload's
  // request then waits for the new page) or gives a new version, or after @WAIT@ s with
  // the same one, so a save shows without a polling delay.
  function poll() {
    fetch("@VERSION_PATH@?seen=" + encodeURIComponent(seen), {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (version) {
        if (version !== seen) { location.reload(); return; }
        poll();
      }, function () { setTimeout(poll, 2000); });
  }
  poll();
})();
""".replace("@VERSION_PATH@", VERSION_PATH).replace("@WAIT@", f"{LONG_POLL_SECONDS:.0f}")

_PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} &ndash; pakketbuild voorbeeld</title>
<style>
body {{ font: 1.05rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1a1a1a; }}
h1 {{ color: #a4000f; }}
li {{ margin: .5rem 0; }}
code, pre {{ font: .95rem/1.4 ui-monospace, monospace; white-space: pre-wrap; }}
.plaats {{ font-weight: bold; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def content_type(name: str) -> str:
    """The ``Content-Type`` of a file answered by name: its media type from the one table
    (:func:`pakketbuild.mediatypes.of_name`, never the machine's ``/etc/mime.types``),
    with ``charset=utf-8`` for text and JSON."""
    media_type = mediatypes.of_name(name)
    if media_type.startswith("text/") or media_type == mediatypes.JSON:
        return f"{media_type}; charset=utf-8"
    return media_type


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    preview: Preview
    editable: bool = False
    """The editor may write (only when serving on a loopback address)."""
    _admin: tuple[str, dict[str, bytes]] | None = None
    _admin_lock: threading.Lock

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that went away (a closed tab, a reload while a long poll waited)
        is not an error worth a traceback in the editor's terminal."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def admin_files(self, site_url: str) -> dict[str, bytes]:
        """The local editor's ``admin/`` files (made again after each rebuild)."""
        key = self.preview.snapshot().version + " " + site_url
        with self._admin_lock:
            if self._admin is None or self._admin[0] != key:
                files = cms_admin.admin_files(self.preview.content, local=True, site_url=site_url)
                self._admin = (key, files)
            return self._admin[1]


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Server6(PreviewServer):
    address_family = socket.AF_INET6


class _Handler(SimpleHTTPRequestHandler):
    server_version = "pakketbuild-preview"
    protocol_version = "HTTP/1.1"  # keep connections open: a reload asks for several files
    timeout = 2 * LONG_POLL_SECONDS
    """An idle kept-open connection is closed after this many seconds."""

    @property
    def preview(self) -> Preview:
        return cast(PreviewServer, self.server).preview

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        """The editor's local backend (the Decap proxy protocol), nothing else."""
        if urlsplit(self.path).path != cms.API_PATH:
            self._json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "alleen voor de editor"})
            return
        refusal = self._refuse_write()
        if refusal:
            self._json(HTTPStatus.FORBIDDEN, {"error": refusal})
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= cms.MAX_UPLOAD * 2:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "verzoek te groot"})
            return
        backend = LocalBackend(self.preview.content)
        try:
            status, body = backend.handle(parse_request(self.rfile.read(length)))
        except BackendError as exc:
            status, body = exc.status, {"error": str(exc)}
        self._json(HTTPStatus(status), body)

    def _refuse_write(self) -> str:
        """Why this POST may not touch the content folder ('' when it may)."""
        if not cast(PreviewServer, self.server).editable:
            return (
                "de editor kan alleen opslaan als 'pakketbuild serve' op deze computer luistert "
                "(--host 127.0.0.1)"
            )
        if not (self.headers.get("Content-Type") or "").startswith(mediatypes.JSON):
            return "alleen JSON-verzoeken van de editor"
        host = self.headers.get("Host") or ""
        if urlsplit(f"http://{host}").hostname not in _LOOPBACK:
            return "onbekende Host"
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            return "verzoek van een andere website geweigerd"
        return ""

    def _json(self, status: HTTPStatus, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, data, f"{mediatypes.JSON}; charset=utf-8", send_body=True)

    def _admin(self, path: str, send_body: bool) -> None:
        if path == "/admin":
            self._send(
                HTTPStatus.MOVED_PERMANENTLY,
                b"",
                mediatypes.TEXT,
                send_body,
                {"Location": "/admin/"},
            )
            return
        name = path[len(cms.ADMIN_PATH) :] or "index.html"
        host = self.headers.get("Host") or f"{DEFAULT_HOST}:{DEFAULT_PORT}"
        files = cast(PreviewServer, self.server).admin_files(f"http://{host}")
        data = files.get(name)
        if data is None:
            self._send(HTTPStatus.NOT_FOUND, b"niet gevonden\n", mediatypes.TEXT, send_body)
            return
        self._send(HTTPStatus.OK, data, content_type(name), send_body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows builds and content errors, not every request."""

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        send_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        headers = headers or {}
        if "Cache-Control" not in headers:
            self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        snapshot = self.preview.snapshot()
        if path == VERSION_PATH:
            seen = parse_qs(urlsplit(self.path).query).get("seen")
            answer = snapshot.version
            if seen:
                answer = self.preview.wait_for_change(seen[0], LONG_POLL_SECONDS)
            self._send(HTTPStatus.OK, answer.encode(), mediatypes.TEXT, send_body)
            return
        if path == "/admin" or path.startswith(cms.ADMIN_PATH):
            self._admin(path, send_body)  # the editor also works while the content has errors
            return
        snapshot = self.preview.settled(LONG_POLL_SECONDS)  # a build under way: its result
        if snapshot.problems or snapshot.failure:
            self._send_problems(snapshot, path, send_body)
            return
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                location = (
                    path + "/" + (f"?{urlsplit(self.path).query}" if "?" in self.path else "")
                )
                self._send(
                    HTTPStatus.MOVED_PERMANENTLY,
                    b"",
                    mediatypes.TEXT,
                    send_body,
                    {"Location": location},
                )
                return
            target = target / "index.html"
        found = self._read(target)
        if found is None:
            page = _page(
                "Pagina niet gevonden",
                f"<p>Deze pagina bestaat niet in het voorbeeld: <code>{html.escape(path)}</code>."
                "</p>\n"
                + (
                    "<p>PDF- en Word-bestanden staan alleen in het voorbeeld als u het start "
                    "met <code>make serve</code> (of <code>pakketbuild serve --documenten"
                    "</code>).</p>\n"
                    if "/downloads/" in path
                    else ""
                )
                + '<p><a href="/">Naar de beginpagina</a></p>',
            )
            body = _inject(page.encode(), snapshot.version)
            self._send(HTTPStatus.NOT_FOUND, body, f"{mediatypes.HTML}; charset=utf-8", send_body)
            return
        data, modified = found
        answer_type = content_type(target.name)
        if mediatypes.of_name(target.name) == mediatypes.HTML:
            # never from a cache: the reload script in it names the version
            self._send(HTTPStatus.OK, _inject(data, snapshot.version), answer_type, send_body)
            return
        self._send_file(data, modified, answer_type, send_body)

    def _send_file(self, data: bytes, modified: float, content_type: str, send_body: bool) -> None:
        """A built file other than a page, with validators: the browser keeps it but asks
        again on every use (``no-cache``), and gets 304 while its bytes are the same."""
        etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
        headers = {
            "Cache-Control": "no-cache",
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
        }
        if _etag_matches(self.headers.get("If-None-Match"), etag):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(HTTPStatus.OK, data, content_type, send_body, headers)

    def _read(self, target: Path) -> tuple[bytes, float] | None:
        """The file's bytes and modification time; retried briefly while a build swaps
        the site folder."""
        for _attempt in range(20):
            try:
                with target.open("rb") as handle:
                    return handle.read(), os.fstat(handle.fileno()).st_mtime
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                if not self.preview.building.is_set():
                    return None
                time.sleep(0.05)
            except OSError:
                return None
        return None

    def _send_problems(self, snapshot: Snapshot, path: str, send_body: bool) -> None:
        status = (
            HTTPStatus.INTERNAL_SERVER_ERROR
            if snapshot.internal
            else HTTPStatus.SERVICE_UNAVAILABLE
        )
        lines = [d.format_text() for d in snapshot.problems] or [snapshot.failure]
        if not _is_page(path):
            text = _("The content has errors; the preview is not updated:") + "\n"
            text += "\n".join(lines)
            self._send(
                status, text.encode() + b"\n", f"{mediatypes.TEXT}; charset=utf-8", send_body
            )
            return
        page = _problems_page(snapshot)
        self._send(
            status,
            _inject(page.encode(), snapshot.version),
            f"{mediatypes.HTML}; charset=utf-8",
            send_body,
        )


def _etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match`` (a list of entity tags or ``*``) names ``etag`` (weak comparison,
    as RFC 9110 asks for this header). ``If-Modified-Since`` is not used: its one-second
    resolution could call a file rebuilt within the same second unmodified."""
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=html.escape(title), body=body)


def _problems_page(snapshot: Snapshot) -> str:
    if snapshot.problems:
        items = "\n".join(
            f'<li><code><span class="plaats">{html.escape(d.path)}:{d.line}:{d.col}</span>: '
            f"{html.escape(d.severity_word)}[{html.escape(d.code)}]"
            + (f" ({html.escape(d.shown_field)})" if d.shown_field else "")
            + f": {html.escape(d.message)}</code></li>"
            for d in snapshot.problems
        )
        errors = sum(1 for d in snapshot.problems if d.severity == "error")
        found = "is 1 fout" if errors == 1 else f"zijn {errors} fouten"
        body = (
            f"<p>De voorbeeldweergave is niet bijgewerkt, want er {found} gevonden. "
            "Verbeter de fouten en sla "
            "het bestand op. Deze pagina laadt dan vanzelf opnieuw.</p>\n"
            "<p>Elke regel noemt het bestand, het regelnummer en de kolom, en dan wat er mis "
            "is. Uitleg per foutcode staat in de redactiehandleiding (docs/redactie.md).</p>\n"
            f"<ol>\n{items}\n</ol>"
        )
        return _page("De inhoud bevat fouten", body)
    if snapshot.internal:
        body = (
            "<p>Dit is een fout in pakketbuild zelf, niet in de inhoud. Meld de tekst hieronder "
            "aan de beheerders. Na een wijziging in de inhoud wordt opnieuw gebouwd.</p>\n"
            f"<pre>{html.escape(snapshot.failure)}</pre>"
        )
        return _page("Er ging iets mis in pakketbuild", body)
    body = (
        "<p>Het bouwen van het voorbeeld is mislukt:</p>\n"
        f"<pre>{html.escape(snapshot.failure)}</pre>"
    )
    return _page("Het voorbeeld kon niet gebouwd worden", body)


def _inject(page: bytes, version: str) -> bytes:
    """Add the reload script just before ``</body>`` (or at the end)."""
    tag = f'<script data-version="{html.escape(version)}">\n{RELOAD_JS}</script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def make_server(preview: Preview, host: str, port: int) -> PreviewServer:
    """Bind the preview server (not yet serving); a busy port is a usage error."""
    server_class = _Server6 if ":" in host else PreviewServer
    handler = partial(_Handler, directory=str(preview.site))
    try:
        server = server_class((host, port), handler)
    except OSError as exc:
        raise UsageError(
            _("cannot listen on {host}:{port} ({reason}); choose another --port").format(
                host=host, port=port, reason=os_reason(exc)
            )
        ) from None
    server.preview = preview
    server.editable = host in _LOOPBACK
    server._admin_lock = threading.Lock()
    return server
