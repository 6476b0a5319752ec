"""A worker started at the very beginning of a build, before the content is loaded.

Some formats spend most of a small build importing their libraries and loading what
every document needs (PDF: WeasyPrint's import, the hyphenation dictionary, fonts and
stylesheets, together about a second of CPU) before their first file. A worker forked
after loading starts that work only when the content is loaded; this one is forked
first, runs :meth:`EarlyPart.warm_up <pakketbuild.writers.EarlyPart.warm_up>` for its formats
(:attr:`Format.early <pakketbuild.writers.Format.early>`) while the build process loads
and checks the content, and then finishes the jobs the build process prepares for it
(:meth:`Writer.prepare`, :meth:`EarlyPart.render_prepared`). It imports only those
parts' modules and never holds the content, so
nothing but prepared jobs and rendered bytes cross the pipe.

No threads in the build process: a plain forked process and a pipe (a process pool
would start a thread, and a process running threads must not fork its other helpers).
Inside the worker a thread reads requests as they come, so the build process never
waits to send one while the worker renders.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from pakketbuild.diagnostics import PakketbuildError
from pakketbuild.engine.workers import COLLECT_EVERY
from pakketbuild.processes import die_with_parent, use_scratch
from pakketbuild.writers import FORMATS, get_early_part

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from pakketbuild.engine.staging import Planned
    from pakketbuild.publication import Publication
    from pakketbuild.writers import BuildContext

WINDOW = 3
STEAL_FROM = 8
"""The build process starts rendering the worker's jobs itself when at least this many
are still waiting once its own work is done (the first one costs it the libraries'
import and warm-up, about one document's time or two)."""
"""Jobs sent ahead of the one the worker is rendering (each prepared job is a document's
HTML, so the build process keeps only a few of them in flight)."""

Done = Callable[["Planned", bytes, float], None]


def early_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in formats if FORMATS[name].early)


class EarlyWorker:
    """One forked process for the :attr:`Format.early` formats of a build."""

    def __init__(self, formats: tuple[str, ...], scratch: str) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.formats = formats
        self.conn, child = context.Pipe(duplex=True)
        self.process: BaseProcess = context.Process(
            target=_main, args=(child, formats, os.getpid(), scratch), daemon=True
        )
        self.process.start()
        child.close()
        self.pending: deque[Planned] = deque()
        self.sent: dict[int, Planned] = {}
        self.counter = 0

    def takes(self, planned: Planned) -> bool:
        return planned.job.format in self.formats

    def queue(self, jobs: list[Planned]) -> None:
        """Jobs for this worker, in the order given (longest first)."""
        self.pending.extend(jobs)

    def feed(self, pub: Publication, ctx: BuildContext, done: Done) -> None:
        """Take the finished jobs (``done``) and send more, without waiting."""
        while self.sent and self.conn.poll():
            self._receive(done)
        while self.pending and len(self.sent) < WINDOW:
            planned = self.pending.popleft()
            prepared = planned.writer.prepare(pub, ctx, planned.job)
            self.counter += 1
            self.sent[self.counter] = planned
            self.conn.send((self.counter, planned.job.format, prepared))

    def finish(
        self,
        pub: Publication,
        ctx: BuildContext,
        done: Done,
        steal: Callable[[Planned], None] | None = None,
    ) -> None:
        """Wait for every job, keeping the worker fed. With ``steal``, the caller (whose
        own work is done) renders jobs from the short end of the queue itself while
        enough are left to pay for loading the libraries in a second process
        (:data:`STEAL_FROM`): one worker alone would leave a core idle for the rest
        of a large build."""
        stealing = False
        while self.pending or self.sent:
            self.feed(pub, ctx, done)
            if steal is not None and self.pending and (stealing or len(self.pending) >= STEAL_FROM):
                stealing = True
                steal(self.pending.pop())  # the worker keeps the long ones at the front
                continue
            if self.sent:
                self._receive(done)

    @property
    def busy(self) -> bool:
        return bool(self.pending or self.sent)

    def _receive(self, done: Done) -> None:
        number, ok, value, secs = self.conn.recv()
        planned = self.sent.pop(number)
        if not ok:
            if isinstance(value, str):  # a traceback: the writer's mistake
                raise RuntimeError(
                    f"{planned.job.format} writer failed on {planned.job.path}:\n{value}"
                )
            raise value
        done(planned, value, secs)

    def close(self) -> None:
        """Stop the worker now: it holds nothing worth waiting for (its temporary files
        are in the build's scratch folder)."""
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():  # pragma: no cover - a worker stuck in a library
            self.process.kill()
            self.process.join(timeout=5)


def _main(conn: Connection, formats: tuple[str, ...], parent: int, scratch: str) -> None:
    import threading
    from queue import SimpleQueue

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (fork)
    gc.enable()  # layout is cyclic garbage, whatever the parent did
    die_with_parent(parent)
    use_scratch(scratch)
    parts = {name: get_early_part(name) for name in formats}
    requests: SimpleQueue[tuple[int, str, object] | None] = SimpleQueue()

    def read() -> None:
        try:
            while True:
                requests.put(conn.recv())
        except (EOFError, OSError):
            requests.put(None)

    threading.Thread(target=read, daemon=True).start()
    for part in parts.values():
        # A failed warm-up only costs time; the jobs report what is wrong.
        with contextlib.suppress(Exception):
            part.warm_up()
    rendered = 0
    while (request := requests.get()) is not None:
        number, fmt, prepared = request
        started = time.perf_counter()
        try:
            data = parts[fmt].render_prepared(prepared)
            rendered += 1
            if rendered % COLLECT_EVERY == 0:
                # As the pool's workers do (engine.workers): layout leaves cyclic garbage
                # holding C memory that the collector reaches only rarely.
                gc.collect()
                gc.freeze()
            secs = time.perf_counter() - started
            reply: tuple[int, bool, object, float] = (number, True, data, secs)
        except PakketbuildError as exc:
            reply = (number, False, exc, 0.0)
        except Exception as exc:
            import traceback

            reply = (number, False, "".join(traceback.format_exception(exc)), 0.0)
        try:
            conn.send(reply)
        except OSError:
            break
    os._exit(0)
