"""The preview build of ``pakketbuild serve``: builds the content into a folder, rebuilds on
every save, and keeps how the latest build went for the HTTP side (:mod:`pakketbuild.serve_http`).

:class:`Preview` holds that state and its locks: the version the pages compare with, the
build under way (:data:`BUILDING`), the problems of a failed build, and the long polls
waiting for the next version. Its watcher thread (watchfiles) starts a rebuild once a save
has been quiet for :data:`WATCH_STEP_MS` ms. See :mod:`pakketbuild.serve` for the whole.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pakketbuild.build import BuildOptions, build
from pakketbuild.cache import hash_tree
from pakketbuild.diagnostics import ContentError, Diagnostic, PakketbuildError
from pakketbuild.i18n import _, machine_failure, ngettext

WATCH_STEP_MS = 10
"""watchfiles' ``step``: how often the watcher looks for changes, and how long a save
must be quiet before the rebuild starts (its default, 50 ms, made a save wait 100 ms)."""
TRACE_ENV = "PAKKETBUILD_SERVE_TRACE"
SAME_SAVE_ATTEMPTS = 3
"""How often a build that failed while the content changed under it is repeated at once."""
RELOAD_GRACE_SECONDS = 0.5
"""After a swap, the build waits up to this long for the pages that were waiting to ask
again (they have reloaded) before it cleans up: on a small machine the clean-up (the old
tree into the cache, the state) would otherwise compete with the browser's reload."""
BUILDING = "bouwt"
"""The long poll's answer when a build that renders has started (any answer other than
the page's own version makes it reload)."""


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
