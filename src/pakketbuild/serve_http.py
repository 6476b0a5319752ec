"""The HTTP side of ``pakketbuild serve``: the preview's files, live reload, problems
pages and the browser editor, answered from the state of a :class:`~pakketbuild.preview.Preview`.

Pages get the reload script (:data:`RELOAD_JS`) injected; :data:`VERSION_PATH` is the long
poll it waits on; requests for built files wait until a build under way has settled; while
the content has errors, pages answer 503 with the problems. See :mod:`pakketbuild.serve`
for the whole.

The editor and its local backend (:mod:`pakketbuild.cms`) are behind a secret made anew at
every start (:attr:`PreviewServer.secret`): the editor is at ``/admin/<secret>/``, and its
configuration points Decap's proxy backend at ``API_PATH/<secret>`` (Decap sends no header
of its own, so the secret is part of the address it posts to). Without the secret the API
answers 403 and ``/admin/`` only says where the editor is. Every request, GET included,
must name this server in ``Host`` (and in ``Origin`` when a browser sends one): a loopback
name and the serve port, so a page whose name was rebound to 127.0.0.1 gets 403 (on a
non-loopback ``--host``, any IP address and that host's own name too; an address cannot be
rebound, and the API refuses everything there). Request
targets are at most :data:`MAX_TARGET` characters (414 beyond), bodies at most
:data:`pakketbuild.cms.MAX_BODY` bytes, JSON at most :data:`pakketbuild.cms.MAX_JSON_DEPTH`
levels deep; every malformed request gets a 4xx with a Dutch line, never a traceback.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import html
import ipaddress
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, unquote

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
MAX_TARGET = 2048
"""Longest request target (path and query) the preview answers; a longer one gets 414."""
METHODS = ("GET", "HEAD", "POST")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
"""Host names of this machine that no DNS answer can rebind."""
_AUTHORITY = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?")

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
    secret: str = ""
    """This run's secret: part of the editor's address and of its API's."""
    names: frozenset[str] = LOOPBACK
    """Host names a request may name in ``Host`` and ``Origin`` (with the serve port)."""
    ip_literals: bool = False
    """Also any IP address as the host name (serving on a non-loopback address, where
    clients use one of the machine's addresses; an address cannot be rebound)."""
    _admin: tuple[str, dict[str, bytes]] | None = None
    _admin_lock: threading.Lock
    write_lock: threading.Lock
    """One editor request at a time touches the content folder."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that went away (a closed tab, a reload while a long poll waited)
        is not an error worth a traceback in the editor's terminal."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def editor_path(self) -> str:
        """The editor's address on this server (``/admin/<secret>/``)."""
        return f"{cms.ADMIN_PATH}{self.secret}/"

    @property
    def api_path(self) -> str:
        """The address the editor posts to (``API_PATH/<secret>``)."""
        return f"{cms.API_PATH}/{self.secret}"

    def names_this_server(self, authority: str) -> bool:
        """``authority`` (``host[:port]`` of a ``Host`` or ``Origin``) is this server: a
        name in :attr:`names` (or an IP address, see :attr:`ip_literals`) and its port."""
        found = _AUTHORITY.fullmatch(authority)
        if found is None:
            return False
        host, port = found.group(1).lower(), int(found.group(2) or 80)
        if port != self.port:
            return False
        bare = host.strip("[]")
        if bare in self.names:
            return True
        if not self.ip_literals:
            return False
        try:
            ipaddress.ip_address(bare)
        except ValueError:
            return False
        return host.startswith("[") == (":" in bare)

    def admin_files(self, origin: str) -> dict[str, bytes]:
        """The local editor's ``admin/`` files (made again after each rebuild)."""
        key = self.preview.snapshot().version + " " + origin
        with self._admin_lock:
            if self._admin is None or self._admin[0] != key:
                files = cms_admin.admin_files(
                    self.preview.content, local=True, site_url=origin, proxy_url=self.api_path
                )
                self._admin = (key, files)
            return self._admin[1]


class _Server6(PreviewServer):
    address_family = socket.AF_INET6


class Refused(Exception):
    """A request the preview does not answer: the status and the Dutch line it gets."""

    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class _Handler(SimpleHTTPRequestHandler):
    server_version = "pakketbuild-preview"
    protocol_version = "HTTP/1.1"  # keep connections open: a reload asks for several files
    default_request_version = "HTTP/1.0"
    """A request line without a version (or garbage) is answered with a status line too
    (the standard library's HTTP/0.9 default would send the body alone)."""
    timeout = 2 * LONG_POLL_SECONDS
    """An idle kept-open connection is closed after this many seconds."""
    target: str = "/"
    """The request's path (percent-encoded, as sent; no query)."""
    query: str = ""

    @property
    def preview(self) -> Preview:
        return cast(PreviewServer, self.server).preview

    @property
    def _server(self) -> PreviewServer:
        return cast(PreviewServer, self.server)

    # -- every request

    def parse_request(self) -> bool:
        """The standard parsing, then this server's gate for every request (any method):
        a target of at most :data:`MAX_TARGET` characters, a ``Host`` (and an ``Origin``
        when there is one) that names this server, a method it answers."""
        if not super().parse_request():
            return False
        try:
            self._gate()
        except Refused as refused:
            self._refuse(refused)
            return False
        return True

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue``: the gate first, so a refused request sends no body."""
        try:
            self._gate()
        except Refused as refused:
            self._refuse(refused)
            return False
        return super().handle_expect_100()

    def _gate(self) -> None:
        self.target, self.query = "/", ""  # not the previous request's on this connection
        if len(self.path) > MAX_TARGET:
            raise Refused(
                HTTPStatus.REQUEST_URI_TOO_LONG,
                _("the address is longer than {limit} characters").format(limit=MAX_TARGET),
            )
        if not self.path.startswith("/") or self.path.startswith("//"):
            raise Refused(HTTPStatus.BAD_REQUEST, _("the address must start with one '/'"))
        target, _sep, query = self.path.partition("#")[0].partition("?")
        self.target, self.query = target, query
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            raise Refused(HTTPStatus.BAD_REQUEST, _("the request needs exactly one Host header"))
        if not self._server.names_this_server(hosts[0].strip()):
            raise Refused(
                HTTPStatus.FORBIDDEN,
                _(
                    "the preview answers only requests for its own address, such as "
                    "http://127.0.0.1:{port}/ (a web page under another name is refused)"
                ).format(port=self._server.port),
            )
        origins = self.headers.get_all("Origin") or []
        if len(origins) > 1 or any(not self._own_origin(o.strip()) for o in origins):
            raise Refused(HTTPStatus.FORBIDDEN, _("a request from another website is refused"))
        if self.command not in METHODS:
            raise Refused(
                HTTPStatus.METHOD_NOT_ALLOWED,
                _("the preview answers only GET, HEAD and POST"),
                {"Allow": ", ".join(METHODS)},
            )

    def _own_origin(self, origin: str) -> bool:
        return origin.startswith("http://") and self._server.names_this_server(origin[7:])

    def _refuse(self, refused: Refused) -> None:
        """Answer a refused request with its status and Dutch line, and close the
        connection (its body, if any, is not read)."""
        self.close_connection = True
        headers = {"Connection": "close", **refused.headers}
        if self.target == self._server.api_path or self.target.startswith(cms.API_PATH):
            self._json(refused.status, {"error": str(refused)}, headers)
            return
        body = f"{refused.status.value} {refused.status.phrase}: {refused}\n".encode()
        self._send(
            refused.status,
            body,
            f"{mediatypes.TEXT}; charset=utf-8",
            self.command != "HEAD",
            headers,
        )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (a malformed request line, headers that
        are too long): plain text with a Dutch line, never a 5xx for what a client sent."""
        if code >= 500:
            code = HTTPStatus.BAD_REQUEST
        self.error_content_type = f"{mediatypes.TEXT}; charset=utf-8"
        self.error_message_format = "%(code)d %(message)s: %(explain)s\n"
        super().send_error(code, message, _("the preview cannot answer this request"))

    # -- methods

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        """The editor's local backend (the Decap proxy protocol), nothing else."""
        try:
            status, body = self._api()
        except Refused as refused:
            self._refuse(refused)
            return
        self._json(HTTPStatus(status), body)

    def _api(self) -> tuple[int, Any]:
        server = self._server
        if self.target != server.api_path:
            if self.target.startswith(cms.API_PATH):
                raise Refused(
                    HTTPStatus.FORBIDDEN,
                    _(
                        "the editor's requests carry the secret of this run of "
                        "'pakketbuild serve'; open the editor from the address it printed"
                    ),
                )
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, _("only the editor posts here"))
        if not server.editable:
            raise Refused(
                HTTPStatus.FORBIDDEN,
                _(
                    "the editor can save only when 'pakketbuild serve' listens on this "
                    "computer alone (--host 127.0.0.1)"
                ),
            )
        if not (self.headers.get("Content-Type") or "").startswith(mediatypes.JSON):
            raise Refused(HTTPStatus.FORBIDDEN, _("only JSON requests of the editor are answered"))
        data = self._body()
        try:
            payload = parse_request(data, cms.MAX_JSON_DEPTH)
        except BackendError as exc:
            return exc.status, {"error": str(exc)}
        with server.write_lock:
            return LocalBackend(self.preview.content).handle(payload)

    def _body(self) -> bytes:
        """The request body: its ``Content-Length`` bytes, at most :data:`cms.MAX_BODY`."""
        if self.headers.get("Transfer-Encoding"):
            raise Refused(HTTPStatus.LENGTH_REQUIRED, _("send the request with a Content-Length"))
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) != 1:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, _("send the request with a Content-Length"))
        text = lengths[0].strip()
        if not text.isdigit() or len(text) > 12:
            raise Refused(HTTPStatus.BAD_REQUEST, _("the Content-Length is not a number"))
        length = int(text)
        if length > cms.MAX_BODY:
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                _("the request is larger than {limit} bytes").format(limit=f"{cms.MAX_BODY:,}"),
            )
        data = self.rfile.read(length)
        if len(data) != length:
            raise Refused(HTTPStatus.BAD_REQUEST, _("the request ended before its body did"))
        return data

    def _json(
        self, status: HTTPStatus, body: object, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(
            status,
            data,
            f"{mediatypes.JSON}; charset=utf-8",
            send_body=self.command != "HEAD",
            headers={"Referrer-Policy": "no-referrer", **(headers or {})},
        )

    def _admin(self, path: str, send_body: bool) -> None:
        """``/admin/<secret>/…``: the editor; ``/admin/`` without the secret says where it
        is (the address ``serve`` printed) and serves nothing of it."""
        server = self._server
        if path == "/admin":
            self._send(
                HTTPStatus.MOVED_PERMANENTLY,
                b"",
                mediatypes.TEXT,
                send_body,
                {"Location": "/admin/"},
            )
            return
        rest = path[len(cms.ADMIN_PATH) :]
        secret, slash, name = rest.partition("/")
        if not hmac.compare_digest(secret.encode(), server.secret.encode()):
            page = _page(
                "De editor staat op een geheim adres",
                "<p>De browser-editor staat op het adres dat <code>pakketbuild serve</code> "
                "(of <code>make serve</code>) in de terminal toont, achter <em>editor op</em>. "
                "Dat adres bevat een geheime code die bij elke start nieuw is, zodat andere "
                "gebruikers en websites de inhoud niet kunnen lezen of wijzigen.</p>\n"
                "<p>Open dat adres, of start <code>pakketbuild serve</code> opnieuw.</p>",
            )
            self._send(
                HTTPStatus.FORBIDDEN,
                page.encode(),
                f"{mediatypes.HTML}; charset=utf-8",
                send_body,
                {"Referrer-Policy": "no-referrer"},
            )
            return
        if not slash:
            self._send(
                HTTPStatus.MOVED_PERMANENTLY,
                b"",
                mediatypes.TEXT,
                send_body,
                {"Location": server.editor_path, "Referrer-Policy": "no-referrer"},
            )
            return
        origin = "http://" + (self.headers.get("Host") or "").strip().lower()
        data = server.admin_files(origin).get(unquote(name) or "index.html")
        if data is None:
            self._send(HTTPStatus.NOT_FOUND, b"niet gevonden\n", mediatypes.TEXT, send_body)
            return
        self._send(
            HTTPStatus.OK,
            data,
            content_type(name or "index.html"),
            send_body,
            {"Referrer-Policy": "no-referrer"},
        )

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
        self.send_header("X-Content-Type-Options", "nosniff")
        headers = headers or {}
        if "Cache-Control" not in headers:
            self.send_header("Cache-Control", "no-store")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _respond(self, send_body: bool) -> None:
        path = self.target
        snapshot = self.preview.snapshot()
        if path == VERSION_PATH:
            seen = parse_qs(self.query).get("seen")
            answer = snapshot.version
            if seen:
                answer = self.preview.wait_for_change(seen[0], LONG_POLL_SECONDS)
            self._send(HTTPStatus.OK, answer.encode(), mediatypes.TEXT, send_body)
            return
        if path == "/admin" or path.startswith(cms.ADMIN_PATH):
            self._admin(path, send_body)  # the editor also works while the content has errors
            return
        if any(ord(c) < 32 or c == "\x7f" for c in unquote(path)):
            self._refuse(
                Refused(HTTPStatus.BAD_REQUEST, _("the address holds a control character"))
            )
            return
        snapshot = self.preview.settled(LONG_POLL_SECONDS)  # a build under way: its result
        if snapshot.problems or snapshot.failure:
            self._send_problems(snapshot, path, send_body)
            return
        target = Path(self.translate_path(path))
        if _is_dir(target):
            if not path.endswith("/"):
                location = path + "/" + (f"?{self.query}" if self.query else "")
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
            except (OSError, ValueError):  # a name too long for the file system
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


def _is_dir(path: Path) -> bool:
    """A folder (False for a name the file system cannot even look up)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


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


def make_server(
    preview: Preview, host: str, port: int, *, secret: str | None = None
) -> PreviewServer:
    """Bind the preview server (not yet serving) with a new secret for its editor (or
    ``secret``, for tests); a busy port is a usage error."""
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
    server.editable = host in LOOPBACK
    server.secret = secret or secrets.token_urlsafe(24)
    if not server.editable:
        server.names = LOOPBACK | {host.lower().strip("[]")}
        server.ip_literals = True
    server._admin_lock = threading.Lock()
    server.write_lock = threading.Lock()
    return server
