"""Worker processes: a pool that renders heavy jobs, and forked helpers that render a
share of the light jobs and place them into the staging folder themselves.

Workers fork from the build process after the content is loaded, so they start with the
publication (and its rendered-Markdown cache) in memory instead of unpickling or
reloading it. What a worker renders from is the module-level :data:`_STATE`, set by the
build process just before the fork and inherited by the children (that is how ``fork``
passes memory; it is cleared again when the pool closes). Helpers place files through
the public :meth:`Staging.place_rendered <pakketbuild.engine.staging.Staging.place_rendered>`.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pakketbuild import jobkeys
from pakketbuild.cache import Record
from pakketbuild.diagnostics import PakketbuildError
from pakketbuild.engine.staging import Planned, Staging
from pakketbuild.gctools import gc_paused
from pakketbuild.processes import die_with_parent, stop_pool
from pakketbuild.writers import BuildContext, Job, Writer, get_writer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from pakketbuild.publication import Publication, Shared


MEMORY_LOG = "PAKKETBUILD_MEMORY_LOG"
"""Environment variable: when set, every rendered PDF/DOCX/ODT job appends a line to the
file it names (process id, job, seconds, the process's peak and current resident set in
MiB from ``/proc/self/status``), to find which process and which document peaks."""


def render(writer: Writer, pub: Publication, ctx: BuildContext, job: Job) -> tuple[bytes, float]:
    """Render one job; its bytes and the seconds it took."""
    started = time.perf_counter()
    data = writer.render(pub, ctx, job)
    if not isinstance(data, bytes):
        raise TypeError(f"{writer.name} writer returned {type(data).__name__} for {job.path}")
    seconds = time.perf_counter() - started
    if writer.format.heavy:
        _collect_now_and_then(job)
        if log := os.environ.get(MEMORY_LOG):
            _log_memory(log, job, seconds)
    return data, seconds


_HEAVY_RENDERED = 0
"""Documents (heavy jobs) this process rendered, for :data:`COLLECT_EVERY`."""


def _collect_now_and_then(job: Job) -> None:
    """Documents leave cyclic garbage that holds C memory (lxml trees under python-docx,
    WeasyPrint's layout): small Python objects, so the collector's counts reach the
    oldest generation only rarely, and a process grew by about 0.5 MiB per document. Every
    :data:`COLLECT_EVERY` documents, and after a view's combined document (so that the
    next large one is not laid out on top of its remains), a full collection runs; what
    survives is long-lived (libraries, caches) and is frozen, so the next one skips it.
    In every process that renders documents: pool workers and the build process."""
    global _HEAVY_RENDERED
    _HEAVY_RENDERED += 1
    if (
        _HEAVY_RENDERED % COLLECT_EVERY == 0
        or jobkeys.parse(job.subject, job.view).kind == "bundle"
    ):
        gc.collect()
        gc.freeze()


def _resident_mib() -> tuple[int, int]:
    """This process's peak and current resident set in MiB (0, 0 where unknown)."""
    found = {"VmHWM": 0, "VmRSS": 0}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in found:
                    found[key] = int(value.split()[0]) // 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return found["VmHWM"], found["VmRSS"]


def _log_memory(log: str, job: Job | str, seconds: float = 0.0) -> None:
    peak, current = _resident_mib()
    what = job if isinstance(job, str) else job.path
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()} {what} {seconds:.2f}s hwm={peak} rss={current}\n")


@dataclass
class _State:
    pub: Publication
    ctx: BuildContext
    writers: dict[str, Writer]
    staging: Staging | None = None
    """For helpers that place what they render (None in a pool for heavy jobs)."""
    plan: list[Planned] | None = None


COLLECT_EVERY = 8
"""A process runs a full garbage collection after this many heavy jobs: a Word worker then
stays at 92 MiB over 100 documents instead of growing by 0.5 MiB each (15 ms per
collection with the survivors frozen, next to 0.1 to 0.5 s per document)."""


_STATE: _State | None = None
"""What a worker renders from; inherited from the build process under ``fork``."""

Placed = tuple[list[tuple[int, str, Record]], "Shared"]
"""What a helper reports: (index in the plan, "written"/"reused", record) per job, and
what it derived (rendered Markdown, feed entries) for the build process to take over."""
_Spec = tuple[Path, dict[str, bytes], tuple[str, ...], str | None, dt.date | None]
"""What a worker needs to load the content itself ("spawn" platforms): the content
folder, the formats' extra inputs, the formats, the base URL and the source date."""


def _worker_init(spec: _Spec | None, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    gc.enable()  # PDF and DOCX layout is cyclic garbage, whatever the parent did
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (fork)
    die_with_parent(parent)
    global _STATE
    if spec is not None:  # "spawn" platforms: load the content once per worker
        from pakketbuild.loader import load_content
        from pakketbuild.publication import build_publication

        root, inputs, formats, base_url, source_date = spec
        pub = build_publication(load_content(root), base_url=base_url, source_date=source_date)
        ctx = BuildContext(formats=formats, inputs=inputs)
        _STATE = _State(pub, ctx, {name: get_writer(name) for name in formats})


def _worker_render(fmt: str, job: Job) -> tuple[bytes, float]:
    assert _STATE is not None
    try:
        return render(_STATE.writers[fmt], _STATE.pub, _STATE.ctx, job)
    except PakketbuildError:
        raise
    except Exception as exc:
        import traceback

        # Exceptions must cross the process boundary as something picklable.
        text = "".join(traceback.format_exception(exc))
        raise RuntimeError(f"{fmt} writer failed on {job.path}:\n{text}") from None


def _worker_render_many(indexes: list[int]) -> Placed:
    """Render light jobs (by their index in the plan) and write them into the staging
    folder; returns how each was placed, and what was derived for them (rendered
    Markdown, feed entries), which the build process then does not derive again for its
    indexes and feeds. The build process merges the records into its own."""
    from pakketbuild.publication import shared_mark

    assert _STATE is not None and _STATE.staging is not None and _STATE.plan is not None
    staging, plan = _STATE.staging, _STATE.plan
    mark = shared_mark()
    results: list[tuple[int, str, Record]] = []
    with gc_paused():
        for n in indexes:
            planned = plan[n]
            data, secs = _worker_render(planned.job.format, planned.job)
            status = staging.place_rendered(planned, data, secs)
            results.append((n, status, staging.records[planned.job.path]))
    return results, _STATE.pub.shared_since(mark)


class Pool:
    """Worker processes for heavy jobs (:meth:`submit`) or, given the staging and the
    plan, helpers that place light jobs themselves (:meth:`submit_many`; needs
    ``fork``)."""

    def __init__(
        self,
        pub: Publication,
        ctx: BuildContext,
        root: Path,
        processes: int,
        staging: Staging | None = None,
        plan: list[Planned] | None = None,
    ) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _STATE
        methods = multiprocessing.get_all_start_methods()
        spec: _Spec | None = None
        context: BaseContext
        if "fork" in methods:
            context = multiprocessing.get_context("fork")
            writers = {name: get_writer(name) for name in ctx.formats}
            _STATE = _State(pub, ctx, writers, staging, plan)
        else:  # pragma: no cover - not Linux
            context = multiprocessing.get_context()
            spec = (root, dict(ctx.inputs), ctx.formats, pub.site.base_url, pub.source_date)
        self.processes = processes
        if log := os.environ.get(MEMORY_LOG):
            _log_memory(log, f"(build process, starting {processes} workers)")
        self.executor: ProcessPoolExecutor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=context,
            initializer=_worker_init,
            initargs=(spec, os.getpid()),
        )

    def submit(self, planned: Planned) -> Future[tuple[bytes, float]]:
        return self.executor.submit(_worker_render, planned.job.format, planned.job)

    def submit_many(self, indexes: list[int]) -> Future[Placed]:
        return self.executor.submit(_worker_render_many, indexes)

    def close(self) -> None:
        global _STATE
        stop_pool(self.executor)
        _STATE = None
