"""``pakketbuild serve``: a local preview that rebuilds on every save and reloads the page.

* The site is built with :func:`pakketbuild.build.build` into a temporary folder (never
  ``exports/``), in memory (``/dev/shm``) where there is room for it, and served by the
  standard library's :class:`ThreadingHTTPServer` (HTTP/1.1, connections kept open), bound
  to 127.0.0.1 unless another host is asked for.
* A watcher thread (watchfiles) rebuilds after every change in the content folder; it
  looks for changes every :data:`WATCH_STEP_MS` ms and starts once a save has been quiet
  for one such step.
* Only preview responses get live reload: the server adds one inline ``<script>`` to each
  HTML page it serves (inline: a reload asks for no extra file); that script waits on
  :data:`VERSION_PATH` (a long poll) and reloads the page when the answer differs from
  the page's version. The answer comes as soon as a build is past its no-op check
  (:data:`BUILDING`): the browser starts its reload while the build renders, and every
  request for a built file waits until the new tree is swapped in or the build has
  failed (:meth:`Preview.settled`), so it never gets the old page. After the swap the
  build cleans up (the old tree into the cache, its state) once the reloaded pages have
  asked again, so the clean-up does not compete with the reload. A save that changes
  nothing (a no-op build) does not reload the page. The built files themselves are
  untouched.
* Pages are sent with ``Cache-Control: no-store``; every other file (style sheets,
  scripts, JSON, documents) with ``no-cache`` and an ``ETag`` (a hash of its bytes), so a
  reload asks again and gets ``304 Not Modified`` for what did not change, and the new
  bytes for what did.
* While the content has errors, every HTML route answers **503** with a Dutch error
  page listing each problem as ``file:line:col`` (and the terminal prints the same), so
  an editor never looks at stale output. A bug in pakketbuild answers **500** with the
  traceback. Other files (CSS, JSON) answer 503 with the problems as plain text.
* ``/admin/`` is the browser editor (:mod:`pakketbuild.cms`, Decap CMS) with a local
  backend: POSTs to :data:`pakketbuild.cms.API_PATH` read and write files in the content
  folder only, and the watcher rebuilds the preview after each save. Writes are accepted
  only from this preview's own pages (JSON requests whose ``Host``/``Origin`` are the
  loopback address being served) and only while serving on a loopback address.
* Ctrl-C stops the watcher and the server, removes the temporary folder and exits 0.
* With ``PAKKETBUILD_SERVE_TRACE=1`` every rebuild also prints one line for the benchmark
  (``benchmarks/reload.mjs``): ``pakketbuild-trace: started=… published=… finished=…``,
  epoch milliseconds (``published=-`` when no new tree was swapped in).

Why one module: the server, the watcher thread and the request handler share one state
(:class:`Preview`: the current tree, its version, the build in progress, the problems) and
one lock, and each step of a reload is a hand-over between them; split up, that state and
its lock would travel between modules. The editor it serves is :mod:`pakketbuild.cms`.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO, cast
from urllib.parse import parse_qs, urlsplit

from pakketbuild import cms
from pakketbuild.build import BuildOptions, build
from pakketbuild.cache import hash_tree
from pakketbuild.cms import admin as cms_admin
from pakketbuild.cms.backend import BackendError, LocalBackend, parse_request
from pakketbuild.diagnostics import ContentError, Diagnostic, PakketbuildError, UsageError
from pakketbuild.i18n import _, machine_failure, ngettext, os_reason
from pakketbuild.writers import check_formats

PREFIX = "/__pakketbuild/"
VERSION_PATH = PREFIX + "version"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_FORMATS = ("html", "json")
WATCH_STEP_MS = 10
"""watchfiles' ``step``: how often the watcher looks for changes, and how long a save
must be quiet before the rebuild starts (its default, 50 ms, made a save wait 100 ms)."""
TRACE_ENV = "PAKKETBUILD_SERVE_TRACE"
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_FOLDER_MIN_FREE = 1 << 30
"""The preview is built in :data:`MEMORY_FOLDER` only when that has this much room (a
container's is often 64 MiB); otherwise in the usual temporary folder."""
SAME_SAVE_ATTEMPTS = 3
"""How often a build that failed while the content changed under it is repeated at once."""
RELOAD_GRACE_SECONDS = 0.5
"""After a swap, the build waits up to this long for the pages that were waiting to ask
again (they have reloaded) before it cleans up: on a small machine the clean-up (the old
tree into the cache, the state) would otherwise compete with the browser's reload."""
LONG_POLL_SECONDS = 25.0
BUILDING = "bouwt"
"""The long poll's answer when a build that renders has started (any answer other than
the page's own version makes it reload)."""
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


@dataclass(frozen=True)
class ServeOptions:
    content: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    formats: Sequence[str] = DEFAULT_FORMATS


@dataclass(frozen=True)
class Snapshot:
    """The outcome of the latest build, as the request handlers see it."""

    version: str
    problems: tuple[Diagnostic, ...] = ()
    """Content errors (and warnings) of a failed build."""
    failure: str = ""
    """A failed build that is not a content error: a message or a traceback."""
    internal: bool = False
    """True when ``failure`` is a bug in pakketbuild (HTTP 500) rather than a user error."""


@dataclass
class Preview:
    """Builds the content into ``site`` and remembers how the latest build went."""

    content: Path
    site: Path
    formats: Sequence[str]
    log: TextIO = field(default_factory=lambda: sys.stderr)
    _token: str = field(default_factory=lambda: secrets.token_hex(4))
    _count: int = 0
    _snapshot: Snapshot = field(default_factory=lambda: Snapshot("0"))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _build_lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _waiting: int = 0
    """Long polls waiting now (pages that reload at the next build)."""
    _pending: bool = False
    """A build is loading and rendering: page requests wait for its outcome."""
    _reloading: int = 0
    """Pages told to reload when the build under way started."""
    _back: tuple[str, int] = ("", 0)
    """A version just announced and how many long polls have asked about it since."""
    building: threading.Event = field(default_factory=threading.Event)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    def wait_for_change(self, seen: str, timeout: float) -> str:
        """The browser's long poll: :data:`BUILDING` as soon as a build that renders is
        under way (the page reloads at once, and its request waits for the build: see
        :meth:`settled`), the current version as soon as it differs from ``seen``, or
        after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            if seen == self._back[0]:  # a reloaded page: see _await_reloads
                self._back = (seen, self._back[1] + 1)
                self._changed.notify_all()
            self._waiting += 1
            try:
                while True:
                    snapshot = self.snapshot()
                    remaining = deadline - time.monotonic()
                    if snapshot.version != seen:
                        return snapshot.version
                    if self._pending:
                        return BUILDING
                    if remaining <= 0:
                        return snapshot.version
                    self._changed.wait(remaining)
            finally:
                self._waiting -= 1

    def settled(self, timeout: float) -> Snapshot:
        """The latest snapshot once no build is loading and rendering (at most ``timeout``
        seconds later): a page asked for during a build is the new one, never the old."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        return self.snapshot()

    def rebuild(self) -> Snapshot:
        """Build once; report the outcome on the terminal and to the browser.

        Once the build is past its no-op check (it will load and render), the waiting
        pages are told to reload, and page requests wait until the new tree is swapped in
        or the build has failed: the browser's navigation overlaps the build. The build
        then still salvages and removes the old tree and saves its state, after the
        reloaded pages have asked again. A save that changes nothing (a no-op build) does
        not reload the page."""
        with self._build_lock:
            self.building.set()
            started = time.perf_counter()
            started_at = time.time()
            announced: list[Snapshot] = []
            published_at = 0.0

            def rendering() -> None:  # in this thread, past the no-op check
                with self._changed:
                    if not self._pending:  # (not again when a build is repeated)
                        self._pending, self._reloading = True, self._waiting
                    self._changed.notify_all()

            def published() -> None:  # in this thread, right after the swap
                nonlocal published_at
                published_at = time.time()
                version = self._next_version()
                with self._changed:
                    self._back, pages = (version, 0), self._reloading
                announced.append(self._announce(Snapshot(version)))
                self._await_reloads(version, pages)

            try:
                return self._build(rendering, published, announced, started)
            finally:
                with self._changed:  # even if the build was interrupted
                    self._pending = False
                    self._changed.notify_all()
                if os.environ.get(TRACE_ENV):
                    print(
                        f"pakketbuild-trace: started={started_at * 1000:.1f} "
                        f"published={f'{published_at * 1000:.1f}' if published_at else '-'} "
                        f"finished={time.time() * 1000:.1f}",
                        file=self.log,
                        flush=True,
                    )

    def _build(
        self,
        rendering: Callable[[], None],
        published: Callable[[], None],
        announced: list[Snapshot],
        started: float,
    ) -> Snapshot:
        """Run the build; make its outcome the current snapshot and report it.

        A build that fails while the content changes under it (a save written in several
        steps, a second save) is repeated at once: its errors may be of a half-written
        file, and the page would show them only to reload again."""
        problems: tuple[Diagnostic, ...] = ()
        failure, internal, summary = "", False, ""
        try:
            for _attempt in range(SAME_SAVE_ATTEMPTS):
                before = hash_tree(self.content)
                problems, failure, internal = (), "", False
                try:
                    result = build(
                        BuildOptions(
                            content=self.content,
                            out=self.site,
                            formats=list(self.formats),
                            rendering=rendering,
                            published=published,
                        )
                    )
                    summary = result.summary()
                except ContentError as exc:
                    problems = tuple(exc.diagnostics)
                except PakketbuildError as exc:
                    failure = str(exc)
                except OSError as exc:  # the machine (a full disk), not pakketbuild
                    failure = machine_failure(exc, where=self.site)
                except Exception:  # a bug: show it, keep serving so a fix can be previewed
                    failure, internal = traceback.format_exc(), True
                if not (problems or failure) or hash_tree(self.content) == before:
                    break
        finally:
            self.building.clear()
        seconds = time.perf_counter() - started
        current = self.snapshot()
        if problems or failure:
            snapshot = self._announce(Snapshot(self._next_version(), problems, failure, internal))
        elif announced:
            snapshot = announced[-1]
        elif current.problems or current.failure:  # fixed back to the published tree
            snapshot = self._announce(Snapshot(self._next_version()))
        else:  # nothing new was published: the pages show the current tree
            snapshot = self._announce(current)
        self._report(snapshot, summary, seconds)
        return snapshot

    def _await_reloads(self, version: str, pages: int) -> None:
        """Wait until ``pages`` long polls have asked about ``version`` (the pages told
        to reload have reloaded), at most :data:`RELOAD_GRACE_SECONDS`."""
        deadline = time.monotonic() + RELOAD_GRACE_SECONDS
        with self._changed:
            while self._back[0] == version and self._back[1] < pages:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._changed.wait(remaining)

    def _next_version(self) -> str:
        with self._lock:
            self._count += 1
            return f"{self._token}-{self._count}"

    def _announce(self, snapshot: Snapshot) -> Snapshot:
        """Make ``snapshot`` the current one, end the wait of held page requests and wake
        the waiting long polls."""
        with self._lock:
            self._snapshot = snapshot
        with self._changed:
            self._pending = False
            self._changed.notify_all()
        return snapshot

    def _report(self, snapshot: Snapshot, summary: str, seconds: float) -> None:
        stamp = time.strftime("%H:%M:%S")
        if snapshot.problems:
            lines = [d.format_text() for d in snapshot.problems]
            errors = sum(1 for d in snapshot.problems if d.severity == "error")
            lines.append(
                ngettext(
                    "[{time}] {count} error in the content; the preview shows it until it is fixed",
                    "[{time}] {count} errors in the content; the preview shows them until "
                    "they are fixed",
                    errors,
                ).format(time=stamp, count=errors)
            )
        elif snapshot.failure:
            line = (
                _("[{time}] build failed, internal error (a bug; please report it):")
                if snapshot.internal
                else _("[{time}] build failed:")
            )
            lines = [line.format(time=stamp), snapshot.failure.rstrip()]
        else:
            lines = [
                _("[{time}] rebuilt in {seconds}s: {summary}").format(
                    time=stamp, seconds=f"{seconds:.2f}", summary=summary
                )
            ]
        print("\n".join(lines), file=self.log, flush=True)

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after every batch of changes until ``stop`` is set."""
        import watchfiles

        try:
            for _changes in watchfiles.watch(
                self.content,
                stop_event=stop,
                raise_interrupt=False,
                debounce=400,
                step=WATCH_STEP_MS,
            ):
                if stop.is_set():
                    break
                self.rebuild()
        except Exception:  # keep the server up; say that saving no longer rebuilds
            print(
                _("watching the content folder stopped (restart 'make serve'):")
                + "\n"
                + traceback.format_exc(),
                file=self.log,
                flush=True,
            )


# --------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: Preview
    editable: bool = False
    """The editor may write (only when serving on a loopback address)."""
    _admin: tuple[str, dict[str, bytes]] | None = None
    _admin_lock: threading.Lock

    def admin_files(self, site_url: str) -> dict[str, bytes]:
        """The local editor's ``admin/`` files (made again after each rebuild)."""
        key = self.preview.snapshot().version + " " + site_url
        with self._admin_lock:
            if self._admin is None or self._admin[0] != key:
                files = cms_admin.admin_files(self.preview.content, local=True, site_url=site_url)
                self._admin = (key, files)
            return self._admin[1]


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(SimpleHTTPRequestHandler):
    server_version = "pakketbuild-preview"
    protocol_version = "HTTP/1.1"  # keep connections open: a reload asks for several files
    timeout = 2 * LONG_POLL_SECONDS
    """An idle kept-open connection is closed after this many seconds."""

    @property
    def preview(self) -> Preview:
        return cast(_Server, self.server).preview

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
        if not cast(_Server, self.server).editable:
            return (
                "de editor kan alleen opslaan als 'pakketbuild serve' op deze computer luistert "
                "(--host 127.0.0.1)"
            )
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
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
        self._send(status, data, "application/json; charset=utf-8", send_body=True)

    def _admin(self, path: str, send_body: bool) -> None:
        if path == "/admin":
            self._send(
                HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", send_body, {"Location": "/admin/"}
            )
            return
        name = path[len(cms.ADMIN_PATH) :] or "index.html"
        host = self.headers.get("Host") or f"{DEFAULT_HOST}:{DEFAULT_PORT}"
        files = cast(_Server, self.server).admin_files(f"http://{host}")
        data = files.get(name)
        if data is None:
            self._send(HTTPStatus.NOT_FOUND, b"niet gevonden\n", "text/plain", send_body)
            return
        content_type = self.guess_type(name)
        if name.endswith(".yml"):
            content_type = "text/yaml"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, data, content_type, send_body)

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
            self._send(HTTPStatus.OK, answer.encode(), "text/plain", send_body)
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
                    "text/plain",
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
            self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", send_body)
            return
        data, modified = found
        content_type = self.guess_type(str(target))
        is_page = content_type == "text/html"
        if content_type.startswith("text/") or content_type in (
            "application/json",
            "application/javascript",
        ):
            content_type += "; charset=utf-8"
        if is_page:  # never from a cache: the reload script in it names the version
            self._send(HTTPStatus.OK, _inject(data, snapshot.version), content_type, send_body)
            return
        self._send_file(data, modified, content_type, send_body)

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
            self._send(status, text.encode() + b"\n", "text/plain; charset=utf-8", send_body)
            return
        page = _problems_page(snapshot)
        self._send(
            status, _inject(page.encode(), snapshot.version), "text/html; charset=utf-8", send_body
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


def make_server(preview: Preview, host: str, port: int) -> _Server:
    """Bind the preview server (not yet serving); a busy port is a usage error."""
    server_class = _Server6 if ":" in host else _Server
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


def _work_folder() -> Path:
    """A new temporary folder for the preview: in memory (:data:`MEMORY_FOLDER`) when it
    has room, so that staging a rebuild and removing the old tree (a few hundred folder
    and file operations) cost microseconds instead of the disk's milliseconds."""
    prefix = "pakketbuild-preview-"
    try:
        room = os.statvfs(MEMORY_FOLDER)
        if room.f_bavail * room.f_frsize >= MEMORY_FOLDER_MIN_FREE:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=MEMORY_FOLDER))
    except (OSError, AttributeError):  # no such folder, not writable, or not POSIX
        pass
    return Path(tempfile.mkdtemp(prefix=prefix))


def serve(options: ServeOptions, log: TextIO | None = None) -> int:
    """Build, serve and rebuild until Ctrl-C; returns the exit code (0)."""
    out = log or sys.stderr
    check_formats(options.formats)
    formats = list(options.formats)
    if not options.content.is_dir():
        raise UsageError(
            _(
                "the content folder '{folder}' does not exist; run the command in the folder "
                "that holds 'content/', or name the folder with --content"
            ).format(folder=options.content)
        )
    workdir = _work_folder()
    stop = threading.Event()
    server: _Server | None = None
    watcher: threading.Thread | None = None
    try:
        preview = Preview(options.content, workdir / "site", formats, out)
        server = make_server(preview, options.host, options.port)
        watcher = threading.Thread(
            target=preview.watch, args=(stop,), name="pakketbuild-watch", daemon=True
        )
        watcher.start()  # before the first build, so no save is missed
        preview.rebuild()
        host, port = str(server.server_address[0]), int(server.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        print(
            _("preview on http://{host}:{port}/ (open it in your browser; Ctrl-C to stop)").format(
                host=shown, port=port
            ),
            file=out,
            flush=True,
        )
        print(
            _("editor on http://{host}:{port}{path}").format(
                host=shown, port=port, path=cms.ADMIN_PATH
            ),
            file=out,
            flush=True,
        )
        if options.host not in (DEFAULT_HOST, "localhost", "::1"):
            print(
                _("warning: listening on {host}: other machines can see this preview").format(
                    host=options.host
                ),
                file=out,
                flush=True,
            )
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        if watcher is not None:
            watcher.join(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print(_("preview stopped"), file=out, flush=True)
    return 0
