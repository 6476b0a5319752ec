"""``pakketbuild serve``: a local preview that rebuilds on every save and reloads the page.

* The site is built with :func:`pakketbuild.build.build` into a temporary folder (never
  ``exports/``), in memory (``/dev/shm``) where there is room for it, and served by the
  standard library's :class:`ThreadingHTTPServer` (HTTP/1.1, connections kept open), bound
  to 127.0.0.1 unless another host is asked for.
* A watcher thread (watchfiles) rebuilds after every change in the content folder; it
  looks for changes every :data:`.preview.WATCH_STEP_MS` ms and starts once a save has
  been quiet for one such step.
* Only preview responses get live reload: the server adds one inline ``<script>`` to each
  HTML page it serves (inline: a reload asks for no extra file); that script waits on
  :data:`.serve_http.VERSION_PATH` (a long poll) and reloads the page when the answer
  differs from the page's version. The answer comes as soon as a build is past its no-op
  check (:data:`.preview.BUILDING`): the browser starts its reload while the build
  renders, and every request for a built file waits until the new tree is swapped in or
  the build has failed (:meth:`.preview.Preview.settled`), so it never gets the old page.
  After the swap the build cleans up (the old tree into the cache, its state) once the
  reloaded pages have asked again, so the clean-up does not compete with the reload. A
  save that changes nothing (a no-op build) does not reload the page. The built files
  themselves are untouched.
* Pages are sent with ``Cache-Control: no-store``; every other file (style sheets,
  scripts, JSON, documents) with ``no-cache`` and an ``ETag`` (a hash of its bytes), so a
  reload asks again and gets ``304 Not Modified`` for what did not change, and the new
  bytes for what did.
* While the content has errors, every HTML route answers **503** with a Dutch error
  page listing each problem as ``file:line:col`` (and the terminal prints the same), so
  an editor never looks at stale output. A bug in pakketbuild answers **500** with the
  traceback. Other files (CSS, JSON) answer 503 with the problems as plain text.
* ``/admin/<secret>/`` is the browser editor (:mod:`pakketbuild.cms`, Decap CMS) with a
  local backend: POSTs to :data:`pakketbuild.cms.API_PATH` plus the secret read and write
  the content model's files only, and the watcher rebuilds the preview after each save.
  The secret is made anew at every start and printed only in the terminal, so other
  local users, other processes and web pages cannot use the editor; every request must
  name the served loopback address and port in ``Host`` (and ``Origin``), against DNS
  rebinding; writes are accepted only while serving on a loopback address. See
  :mod:`pakketbuild.serve_http` and SECURITY.md.
* Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop the watcher and the server, remove
  the temporary folder and exit 0.
* With ``PAKKETBUILD_SERVE_TRACE=1`` every rebuild also prints one line for the benchmark
  (``benchmarks/reload.mjs``): ``pakketbuild-trace: started=… published=… finished=…``,
  epoch milliseconds (``published=-`` when no new tree was swapped in).

The parts: :mod:`pakketbuild.preview` builds (and rebuilds on every save) and keeps the
state the pages wait on (:class:`~pakketbuild.preview.Preview`); :mod:`pakketbuild.serve_http`
answers HTTP from that state (files, the long poll, problems pages, ``/admin/``); this
module is the command that wires them together (work folder, start, Ctrl-C). The editor it
serves is :mod:`pakketbuild.cms`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from pakketbuild.diagnostics import UsageError
from pakketbuild.i18n import _
from pakketbuild.preview import Preview
from pakketbuild.serve_http import DEFAULT_HOST, DEFAULT_PORT, PreviewServer, make_server
from pakketbuild.writers import check_formats

DEFAULT_FORMATS = ("html", "json")
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_FOLDER_MIN_FREE = 1 << 30
"""The preview is built in :data:`MEMORY_FOLDER` only when that has this much room (a
container's is often 64 MiB); otherwise in the usual temporary folder."""


@dataclass(frozen=True)
class ServeOptions:
    content: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    formats: Sequence[str] = DEFAULT_FORMATS


WORK_PREFIX = "pakketbuild-preview-"
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""Signals that stop ``serve`` cleanly: Ctrl-C, ``kill``, and a terminal that closes."""


class Stopped(KeyboardInterrupt):
    """One of :data:`STOP_SIGNALS` arrived: stop as Ctrl-C does."""


def _work_folder() -> Path:
    """A new temporary folder for the preview: in memory (:data:`MEMORY_FOLDER`) when it
    has room, so that staging a rebuild and removing the old tree (a few hundred folder
    and file operations) cost microseconds instead of the disk's milliseconds. Its name
    holds the process id (``pakketbuild-preview-<pid>-…``), so a leftover can be told
    apart."""
    prefix = f"{WORK_PREFIX}{os.getpid()}-"
    try:
        room = os.statvfs(MEMORY_FOLDER)
        if room.f_bavail * room.f_frsize >= MEMORY_FOLDER_MIN_FREE:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=MEMORY_FOLDER))
    except (OSError, AttributeError):  # no such folder, not writable, or not POSIX
        pass
    return Path(tempfile.mkdtemp(prefix=prefix))


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn :data:`STOP_SIGNALS` into :class:`Stopped` in the main thread, once: a second
    signal while the preview cleans up is ignored, so the clean-up runs to its end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stopping.is_set():
            stopping.set()
            raise Stopped(signum)

    previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        stopping.set()  # from here on a signal changes nothing until the handlers go back
        for number, handler in previous.items():
            signal.signal(number, handler)


def _say(text: str, out: TextIO) -> None:
    """A line on the terminal, if it is still there (after SIGHUP it may not be)."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=out, flush=True)


def serve(options: ServeOptions, log: TextIO | None = None) -> int:
    """Build, serve and rebuild until Ctrl-C, SIGTERM or SIGHUP; returns the exit code (0)."""
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
    with _stop_on_signals():
        workdir = _work_folder()
        try:
            _run(options, formats, workdir, out)
        except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP (Stopped)
            pass
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    _say(_("preview stopped"), out)
    return 0


def _run(options: ServeOptions, formats: list[str], workdir: Path, out: TextIO) -> None:
    """Build, serve and rebuild until interrupted; stops the watcher and the server."""
    stop = threading.Event()
    server: PreviewServer | None = None
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
        _say(
            _("preview on http://{host}:{port}/ (open it in your browser; Ctrl-C to stop)").format(
                host=shown, port=port
            ),
            out,
        )
        _say(
            _(
                "editor on http://{host}:{port}{path} (this address holds a secret made anew "
                "at every start; do not share it)"
            ).format(host=shown, port=port, path=server.editor_path),
            out,
        )
        if not server.editable:
            _say(
                _(
                    "warning: listening on {host}: other machines can see this preview; "
                    "the editor cannot save"
                ).format(host=options.host),
                out,
            )
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        if watcher is not None:
            watcher.join(timeout=10)
