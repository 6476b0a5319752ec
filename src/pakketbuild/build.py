"""The build: load, model, run the writers, publish ``exports/`` atomically and
incrementally. The design is described in ``docs/build-engine.md``; in short:

* **Atomic.** The new tree is assembled in a staging folder beside the output folder and
  exchanged with it in one ``renameat2(RENAME_EXCHANGE)`` call, so a reader always sees
  the previous complete tree or the new complete tree. Leftovers of a build that was
  killed are removed by the next build.
* **Incremental.** Every artifact has a cache key: a hash over pakketbuild's code,
  templates and fonts, the build's formats, and the bytes of the content files the
  artifact shows (``Job.deps``). An artifact whose key did not change is taken over from
  the previous tree (a hard link: same file, same mtime) or from the cache.
* **No-op in milliseconds.** When no input file changed and the published tree is still
  exactly the one the last build wrote, the build stops before importing the content
  model, the writers or any rendering library.
* **Parallel.** PDF and DOCX jobs (``Writer.heavy``) render in worker processes when that
  pays; large builds also share the Markdown checks and the HTML/JSON rendering with a
  forked helper. Results never depend on which process rendered what, or when.

This module is imported by every ``pakketbuild build``, so it imports only what a no-op
needs; everything else is imported inside the functions that use it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from pakketbuild.cache import (
    Cache,
    Inputs,
    Record,
    State,
    code_fingerprint,
    default_cache_dir,
    hash_tree,
    job_key,
    sha256_bytes,
)
from pakketbuild.diagnostics import PakketbuildError, UsageError
from pakketbuild.gctools import gc_paused
from pakketbuild.i18n import _
from pakketbuild.report import Reporter, Verbosity, make_reporter
from pakketbuild.writers import WRITERS, BuildContext, Job, Writer, get_writer, resolve

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from pakketbuild.loader import Content
    from pakketbuild.publication import Publication, Shared

STAGING_PREFIX = ".pakketbuild-staging-"
OLD_PREFIX = ".pakketbuild-old-"
MANIFEST = "manifest.json"
KEEP_FILES = ("README.md",)
"""Files in the output folder that are not build output and survive a build."""
MIN_SECONDS_PER_WORKER = 2.0
"""Without an explicit ``--jobs``, start one worker per this much expected PDF/DOCX
rendering (previous render times, else an estimate), at most one per core."""
STARTUP_SECONDS = {"pdf": 0.6, "docx": 0.2, "odt": 0.2}
"""CPU a process spends before its first file of a heavy format (importing WeasyPrint,
python-docx); other heavy formats are assumed to cost this much."""
DEFAULT_STARTUP_SECONDS = 0.5
MIN_OVERLAP_SECONDS = 0.2
"""A small build starts a worker for its costliest heavy format only when the worker and
the build process both get at least this much work (what running side by side saves)."""
MIN_LIGHT_JOBS_PER_PROCESS = 300
"""HTML and JSON render in the build process; when no PDF/DOCX pool keeps the other cores
busy, one more process per this many HTML/JSON files to render shares the work (a few
milliseconds each: below a few hundred, starting a process costs more than it saves)."""


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    formats: list[str]
    docx_template: Path | None = None
    jobs: int | None = None
    """Processes for PDF and DOCX. None = up to the number of cores, as many as the
    amount of work pays for (small builds render in-process); N = exactly N workers
    whenever two or more heavy jobs need rendering; 1 = everything in-process."""
    force: bool = False
    """Render and write every artifact again, ignoring the cache and the previous tree."""
    cache_dir: Path | None = None
    """None = ``$PAKKETBUILD_CACHE_DIR`` or ``.pakketbuild-cache/`` beside the content."""
    base_url: str | None = None
    """The base URL for absolute links (``--base-url`` or ``$PAKKETBUILD_BASE_URL``,
    normalised by :mod:`pakketbuild.baseurl`); None = ``base_url`` in site.yaml."""
    verbosity: Verbosity = "normal"
    progress: bool | None = None
    """Show a progress bar; None = only when stderr is a terminal."""


@dataclass
class BuildResult:
    artifacts: list[dict[str, object]] = field(default_factory=list)
    """The manifest entries, sorted by path."""
    seconds_per_format: dict[str, float] = field(default_factory=dict)
    """Time spent rendering per format (summed over processes when run in parallel)."""
    written: list[str] = field(default_factory=list)
    """Paths whose bytes are new in this build."""
    reused: int = 0
    """Artifacts taken over unchanged (from the previous tree or the cache)."""
    rendered: int = 0
    """Artifacts rendered in this build (a rendered artifact may be byte-identical to the
    previous one, in which case the previous file is kept)."""
    noop: bool = False
    """Nothing changed: the build stopped before loading the content."""
    published: bool = False
    """A new tree was swapped in (False for a no-op or when the tree came out identical)."""
    seconds: float = 0.0

    def summary(self) -> str:
        if self.noop:
            return _("up to date: {count} files unchanged, nothing rendered ({seconds}s)").format(
                count=len(self.artifacts), seconds=f"{self.seconds:.2f}"
            )
        times = ", ".join(f"{fmt} {secs:.2f}s" for fmt, secs in self.seconds_per_format.items())
        return _(
            "{count} files: {written} written, {reused} reused, {rendered} rendered "
            "({times}); {seconds}s"
        ).format(
            count=len(self.artifacts),
            written=len(self.written),
            reused=self.reused,
            rendered=self.rendered,
            times=times,
            seconds=f"{self.seconds:.2f}",
        )


def _check_formats(formats: list[str]) -> tuple[str, ...]:
    if not formats:
        raise UsageError(
            _("--formats is empty; choose from {formats}").format(formats=", ".join(WRITERS))
        )
    for name in formats:
        if name not in WRITERS:
            get_writer(name)  # raises a UsageError with a suggestion
    return tuple(f for f in WRITERS if f in formats)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- entry point


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Build every requested format and publish atomically (see the module docstring)."""
    started = time.perf_counter()
    formats = _check_formats(options.formats)
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(_("--jobs must be 1 or more"))
    reporter = reporter or make_reporter(options.verbosity, options.progress)
    content_root = options.content.resolve()
    out = options.out.resolve()
    _check_out(out, content_root)
    cache = Cache((options.cache_dir or default_cache_dir(content_root)).resolve(), out)
    with _interruptible(), _locked(out.parent, reporter):
        _clean_leftovers(out)
        inputs = Inputs(
            content=hash_tree(content_root) if content_root.is_dir() else {},
            code=code_fingerprint(),
            formats=formats,
            template=_template_hash(options),
            base_url=options.base_url,
        )
        state = cache.load_state()
        if not options.force and _up_to_date(state, inputs, out):
            for warning in state.warnings:
                reporter.warning(str(warning.get("text", "")))
            return BuildResult(
                artifacts=_manifest_entries(state.artifacts),
                reused=len(state.artifacts),
                noop=True,
                seconds=time.perf_counter() - started,
            )
        result = _Build(options, reporter, cache, state, inputs, content_root, out).run()
    result.seconds = time.perf_counter() - started
    return result


def _read_template(
    options: BuildOptions, root: Path, content: Content | None = None
) -> bytes | None:
    path = options.docx_template
    if path is None:
        return _site_template(content) if content is not None else None
    if not path.is_file():
        raise UsageError(_("--docx-template {path}: there is no such file").format(path=path))
    return path.read_bytes()


def _site_template(content: Content) -> bytes | None:
    """``docx_template`` from site.yaml: like a document, a regular file inside the content
    folder (a link that leads out is refused)."""
    from pakketbuild.diagnostics import ContentError, Diagnostic, Severity
    from pakketbuild.loader import MAX_DOCUMENT_FILE

    value = content.site.docx_template
    if value is None:
        return None
    source = content.sources.get("site")
    mark = source.at(("docx_template",)) if source is not None else None
    path = content.root / value
    resolved = path.resolve()
    problem: tuple[str, str] | None = None
    if not path.exists():
        problem = ("missing-file", _("the Word template '{value}' does not exist in the "
                   "content folder; add it or fix the path").format(value=value))  # fmt: skip
    elif not resolved.is_relative_to(content.root.resolve()):
        problem = ("path-outside-content", _("the Word template '{value}' leads outside the "
                   "content folder (a link?); copy the file into the content folder").format(
                       value=value))  # fmt: skip
    elif not resolved.is_file():
        problem = ("not-a-file", _("'{value}' is not a regular file").format(value=value))
    elif resolved.stat().st_size > MAX_DOCUMENT_FILE:
        problem = (
            "file-too-large",
            _("'{value}' is larger than {limit} bytes").format(
                value=value, limit=f"{MAX_DOCUMENT_FILE:,}"
            ),
        )
    if problem is not None:
        raise ContentError(
            [
                Diagnostic(
                    source.display if source is not None else "site.yaml",
                    mark.line if mark is not None else 1,
                    mark.col if mark is not None else 1,
                    Severity.ERROR,
                    problem[0],
                    problem[1],
                    "docx_template",
                )
            ]
        )
    return resolved.read_bytes()


def _template_hash(options: BuildOptions) -> str | None:
    path = options.docx_template
    if path is None:
        return None
    try:
        return sha256_bytes(path.read_bytes())
    except OSError:
        raise UsageError(
            _("--docx-template {path}: there is no such file").format(path=path)
        ) from None


def _check_out(out: Path, content: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    if out == content or out in content.parents or content in out.parents:
        raise UsageError(
            _(
                "--out {out}: the output folder must not contain or be inside the content folder"
            ).format(out=out)
        )
    if out.exists() and not out.is_dir():
        raise UsageError(_("--out {out}: exists and is not a folder").format(out=out))


def _check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that holds files pakketbuild did not write (checked
    after loading, so content errors are reported first)."""
    if out.is_dir() and not (out / MANIFEST).is_file():
        strangers = sorted(name for name in os.listdir(out) if name not in KEEP_FILES)
        if strangers:
            raise UsageError(
                _(
                    "--out {out}: this folder holds files that pakketbuild did not write "
                    "({names}…) and would be replaced as a whole; choose a new or empty folder"
                ).format(out=out, names=", ".join(strangers[:3]))
            )


def _up_to_date(state: State, inputs: Inputs, out: Path) -> bool:
    """True when the last build had the same inputs and its tree is still intact."""
    if not state.fingerprint or state.fingerprint != inputs.fingerprint:
        return False
    manifest = state.kept.get(MANIFEST)
    if manifest is None or not _stat_matches(out / MANIFEST, manifest):
        return False
    for path, record in state.artifacts.items():
        try:
            info = os.stat(out / path)
        except OSError:
            return False
        if not record.matches(info):
            return False
    return True


def _stat_matches(path: Path, expected: list[int]) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return [info.st_size, info.st_mtime_ns, info.st_ino] == expected


def _manifest_entries(records: dict[str, Record]) -> list[dict[str, object]]:
    return [
        {
            "path": path,
            "format": record.format,
            "subject": record.subject,
            "media_type": record.media_type,
            "bytes": record.bytes,
            "sha256": record.sha256,
        }
        for path, record in sorted(records.items())
    ]


# --------------------------------------------------------------------------- the full build


@dataclass
class _Planned:
    writer: Writer
    job: Job
    key: str


class _Build:
    """One build that loads the content (everything except the no-op)."""

    def __init__(
        self,
        options: BuildOptions,
        reporter: Reporter,
        cache: Cache,
        state: State,
        inputs: Inputs,
        content_root: Path,
        out: Path,
    ) -> None:
        self.options = options
        self.reporter = reporter
        self.cache = cache
        self.old = state
        self.inputs = inputs
        self.content_root = content_root
        self.out = out
        self.staging = out.parent / f"{STAGING_PREFIX}{out.name}-{os.getpid()}"
        self.records: dict[str, Record] = {}
        self.new_objects: list[tuple[str, Path]] = []
        """Rendered PDF/DOCX files to copy into the cache when the build succeeds."""
        self.folders: set[Path] = set()
        self.salvaged = 0
        self.pub: Publication | None = None
        self.renders_before = (0, 0)
        self.result = BuildResult()

    def run(self) -> BuildResult:
        from pakketbuild.loader import load_content
        from pakketbuild.publication import build_publication, restore_renders, shared_mark

        loaded = time.perf_counter()
        processes = min(self.options.jobs or default_jobs(), default_jobs())
        content = load_content(self.content_root, processes=processes)
        _check_replaceable(self.out)
        template = _read_template(self.options, content.root, content)
        pub = build_publication(content, base_url=self.options.base_url)
        if not self.options.force:  # what the last build of this folder rendered
            restore_renders(self.cache.load_renders(self.inputs.code))
        self.pub, self.renders_before = pub, shared_mark()
        ctx = BuildContext(formats=self.inputs.formats, docx_template=template)
        warnings = [{"text": d.format_text()} for d in content.warnings]
        for warning in warnings:
            self.reporter.warning(warning["text"])
        self.reporter.step(
            _("loaded {items} items and {pakketten} pakketten ({seconds}s)").format(
                items=len(content.items),
                pakketten=len(content.pakketten),
                seconds=f"{time.perf_counter() - loaded:.2f}",
            )
        )
        plan = self._plan(pub, ctx, content)
        self.staging.mkdir()
        # The content and the publication live until the end: keep them out of the cyclic
        # garbage collector's full collections (up to a second of a 1,000-item build), and
        # out of the workers' copy-on-write pages (a collection writes to every object).
        # Unfrozen at the end, so that a long-lived process (serve) collects them later.
        gc.freeze()
        try:
            self._produce(plan, pub, ctx)
            self._finish(warnings)
        except BaseException:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        finally:
            gc.unfreeze()
        return self.result

    # -- planning ----------------------------------------------------------------------

    def _plan(self, pub: Publication, ctx: BuildContext, content: Content) -> list[_Planned]:
        template = sha256_bytes(ctx.docx_template) if ctx.docx_template is not None else None
        dep_hash = _DepHasher(content, self.inputs)
        plan: list[_Planned] = []
        seen: set[str] = set()
        for name in self.inputs.formats:
            writer = get_writer(name)
            for job in writer.jobs(pub, ctx):
                _check_job_path(job, seen)
                key = job_key(
                    self.inputs,
                    fmt=job.format,
                    path=job.path,
                    subject=job.subject,
                    media_type=job.media_type,
                    deps={dep: dep_hash(dep) for dep in sorted(set(job.deps))},
                    template=template if name == "docx" else None,
                )
                plan.append(_Planned(writer, job, key))
        return plan

    # -- producing ---------------------------------------------------------------------

    def _produce(self, plan: list[_Planned], pub: Publication, ctx: BuildContext) -> None:
        totals: dict[str, int] = {}
        for planned in plan:
            totals[planned.job.format] = totals.get(planned.job.format, 0) + 1
        seconds = dict.fromkeys(totals, 0.0)
        counts = {fmt: {"written": 0, "reused": 0, "rendered": 0} for fmt in totals}
        to_render: list[_Planned] = []
        for planned in plan:
            status = None if self.options.force else self._reuse(planned)
            if status is None:
                to_render.append(planned)
            else:
                counts[planned.job.format][status] += 1
        heavy = [p for p in to_render if p.writer.heavy]
        light = [p for p in to_render if not p.writer.heavy]
        jobs = self.options.jobs or default_jobs()
        # Longest first: previous render times where known, pakketten before items.
        heavy.sort(key=lambda p: (-self._expected_seconds(p), p.job.path))

        def done(planned: _Planned, data: bytes, secs: float) -> None:
            placed(planned, self._place_rendered(planned, data, secs), secs)

        def placed(planned: _Planned, status: str, secs: float) -> None:
            fmt = planned.job.format
            seconds[fmt] += secs
            counts[fmt][status] += 1
            counts[fmt]["rendered"] += 1
            self.reporter.artifact(fmt, planned.job.path, status)

        workers, pooled = self._heavy_plan(heavy, light, jobs)
        pool = _Pool(pub, ctx, self.content_root, workers) if pooled else None
        in_pool = {p.job.path for p in pooled}
        here = [p for p in heavy if p.job.path not in in_pool]
        helpers = None if pool is not None else self._light_helpers(plan, light, pub, ctx)
        futures: list[tuple[_Planned, Future[tuple[bytes, float]]]] = []
        shares: list[Future[_Placed]] = []
        try:
            if pool is not None:  # the parent renders the light jobs meanwhile
                futures = [(p, pool.submit(p)) for p in pooled]
            self.reporter.start(totals)
            rendering = {p.job.path for p in to_render}
            for planned in plan:
                if planned.job.path not in rendering:
                    self.reporter.artifact(planned.job.format, planned.job.path, "reused")
            with gc_paused():
                if helpers is not None:
                    own, others, light = _split_light(light, pub, helpers.processes + 1)
                    index = {id(planned): n for n, planned in enumerate(plan)}
                    shares = [helpers.submit_many([index[id(p)] for p in part]) for part in others]
                    for planned in own:
                        data, secs = _render(planned.writer, pub, ctx, planned.job)
                        done(planned, data, secs)
                    for share in shares:
                        results, shared = share.result()
                        pub.adopt_shared(shared)
                        for n, status, record in results:
                            self.records[record_path := plan[n].job.path] = record
                            if status == "written":
                                self.result.written.append(record_path)
                            placed(plan[n], status, record.seconds)
                for planned in light:
                    data, secs = _render(planned.writer, pub, ctx, planned.job)
                    done(planned, data, secs)
            for planned in here:
                data, secs = _render(planned.writer, pub, ctx, planned.job)
                done(planned, data, secs)
            for planned, future in futures:
                data, secs = future.result()
                done(planned, data, secs)
        finally:
            for other in (pool, helpers):
                if other is not None:
                    other.close()
            self.reporter.close()
        for fmt, count in counts.items():
            self.result.seconds_per_format[fmt] = seconds[fmt]
            self.reporter.format_done(
                fmt,
                _(
                    "{count} files, {written} written, {reused} reused, {rendered} rendered "
                    "({seconds}s)"
                ).format(
                    count=totals[fmt],
                    written=count["written"],
                    reused=count["reused"],
                    rendered=count["rendered"],
                    seconds=f"{seconds[fmt]:.2f}",
                ),
            )
        self.result.rendered = sum(c["rendered"] for c in counts.values())
        self.result.reused = sum(c["reused"] for c in counts.values())

    def _heavy_plan(
        self, heavy: list[_Planned], light: list[_Planned], jobs: int
    ) -> tuple[int, list[_Planned]]:
        """How many worker processes render which PDF/DOCX jobs (the rest render here).

        ``--jobs N``: N workers for all of them (none for ``--jobs 1``). By default, a
        large build (at least :data:`MIN_SECONDS_PER_WORKER` of expected rendering per
        core) gets a worker per core for all of them, while this process renders HTML and
        JSON. A small build gets one worker for its costliest format (PDF: WeasyPrint's
        import and layout) while this process renders the rest, when both sides have
        enough to do (:data:`MIN_OVERLAP_SECONDS`): every worker imports its libraries
        again, so a worker per format or per core would cost more than it saves.
        """
        if not heavy:
            return 0, []
        if self.options.jobs is not None:
            workers = min(jobs, len(heavy))
            return (workers, heavy) if workers > 1 else (0, [])
        expected: dict[str, float] = {}
        for planned in heavy:
            fmt = planned.job.format
            expected[fmt] = expected.get(fmt, 0.0) + self._expected_seconds(planned)
        if sum(expected.values()) >= jobs * MIN_SECONDS_PER_WORKER:
            workers = min(jobs, len(heavy))
            return (workers, heavy) if workers > 1 else (0, [])
        if jobs < 2:
            return 0, []

        def cost(fmt: str) -> float:
            return STARTUP_SECONDS.get(fmt, DEFAULT_STARTUP_SECONDS) + expected[fmt]

        costliest = max(expected, key=lambda fmt: (cost(fmt), fmt))
        here = len(light) * 0.002 + sum(cost(fmt) for fmt in expected if fmt != costliest)
        if min(here, cost(costliest)) < MIN_OVERLAP_SECONDS:
            return 0, []
        return 1, [p for p in heavy if p.job.format == costliest]

    def _light_helpers(
        self, plan: list[_Planned], light: list[_Planned], pub: Publication, ctx: BuildContext
    ) -> _Pool | None:
        """Processes that render a share of the HTML and JSON files alongside this one and
        write them into the staging folder, for builds with many of them (None: render
        them all here). They are forked from this process and place files exactly as it
        would (:meth:`_place`), so they need ``fork``."""
        global _PLACER
        from pakketbuild.loader import may_fork

        allowed = min(self.options.jobs or default_jobs(), default_jobs())
        processes = min(allowed, len(light) // MIN_LIGHT_JOBS_PER_PROCESS) - 1
        if processes < 1 or not may_fork():
            return None
        _PLACER = (self, plan)
        return _Pool(pub, ctx, self.content_root, processes)

    def _expected_seconds(self, planned: _Planned) -> float:
        record = self.old.artifacts.get(planned.job.path)
        if record is not None and record.seconds:
            return record.seconds
        subject = planned.job.subject
        if planned.job.view is not None:  # view:<id>:pakket:<pakket-id>
            subject = subject.removeprefix(f"view:{planned.job.view}:")
        return 0.4 if subject.startswith("pakket:") else 0.05

    def _old_file(self, path: str, record: Record | None) -> Path | None:
        """The previous tree's file at ``path`` if it is still exactly what we wrote."""
        if record is None:
            return None
        source = self.out / path
        try:
            info = os.stat(source)
        except OSError:
            return None
        return source if record.matches(info) else None

    def _reuse(self, planned: _Planned) -> str | None:
        """Take over an unchanged artifact; None when it must be rendered."""
        job = planned.job
        old = self.old.artifacts.get(job.path)
        if old is not None and old.key == planned.key:
            source = self._old_file(job.path, old)
            if source is not None:
                self._link(source, job.path)
                self._record(planned, old.sha256, old.bytes, old.seconds)
                self.cache.touch(planned.key)
                return "reused"
        cached = self.cache.get(planned.key)
        if cached is not None:
            try:
                data = cached.read_bytes()
            except OSError:
                return None
            status = self._place(planned, data, old.seconds if old else 0.0)
            return "reused" if status == "reused" else "written"
        return None

    def _place_rendered(self, planned: _Planned, data: bytes, secs: float) -> str:
        status = self._place(planned, data, secs)
        if planned.writer.heavy:
            # Light (HTML, JSON) files reach the cache only when a later build replaces
            # them (see _salvage): copying thousands of them at every cold build costs
            # more than rendering them again if the output folder is ever deleted.
            self.new_objects.append((planned.key, self.staging / planned.job.path))
        return status

    def _place(self, planned: _Planned, data: bytes, secs: float) -> str:
        """Put ``data`` at the job's path in staging; keep the previous file when the
        bytes are the same (so an unchanged artifact is never rewritten)."""
        job = planned.job
        sha = sha256_bytes(data)
        old = self.old.artifacts.get(job.path)
        source = None if self.options.force else self._old_file(job.path, old)
        if source is not None and old is not None and old.sha256 == sha:
            self._link(source, job.path)
            status = "reused"
            info = None
        else:
            info = self._write(job.path, data)
            status = "written"
            self.result.written.append(job.path)
        self._record(planned, sha, len(data), secs, info)
        return status

    def _folder(self, path: str) -> Path:
        """The staging path of ``path``, its folder created (once per build)."""
        target = self.staging / path
        folder = target.parent
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        return target

    def _write(self, path: str, data: bytes) -> os.stat_result:
        """Write a new file into staging; returns its status (size, mtime, inode) without
        looking the file up again."""
        fd = os.open(self._folder(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
            return os.fstat(fd)
        finally:
            os.close(fd)

    def _link(self, source: Path, path: str) -> None:
        _link_or_copy(source, self._folder(path))

    def _record(
        self,
        planned: _Planned,
        sha: str,
        size: int,
        secs: float,
        info: os.stat_result | None = None,
    ) -> None:
        job = planned.job
        if info is None:
            info = os.stat(self.staging / job.path)
        self.records[job.path] = Record(
            key=planned.key,
            sha256=sha,
            bytes=size,
            format=job.format,
            subject=job.subject,
            media_type=job.media_type,
            mtime_ns=info.st_mtime_ns,
            ino=info.st_ino,
            seconds=round(secs, 4),
        )

    # -- publishing --------------------------------------------------------------------

    def _finish(self, warnings: list[dict[str, Any]]) -> None:
        from pakketbuild import jsonout, provenance

        if hash_tree(self.content_root) != self.inputs.content:
            raise PakketbuildError(
                _(
                    "the content changed while the build was running; nothing was published, "
                    "run the build again"
                )
            )
        self.result.artifacts = _manifest_entries(self.records)
        manifest = {
            "generator": "pakketbuild",
            "versions": provenance.versions(),
            "artifacts": self.result.artifacts,
        }
        text = jsonout.dumps(manifest, indent=2, sort_keys=True) + "\n"
        data = text.encode("utf-8")
        kept: dict[str, list[int]] = {}
        old_manifest = self.out / MANIFEST
        same = not self.result.written and _read(old_manifest) == data
        same = same and set(self.records) == set(self.old.artifacts)
        _checkpoint("rendered")
        if same:
            # The tree would come out identical: keep the published one untouched.
            shutil.rmtree(self.staging)
            published_manifest = old_manifest
        else:
            (self.staging / MANIFEST).write_bytes(data)
            _copy_kept(self.out, self.staging)
            for key, path in self.new_objects:
                self.cache.put_file(key, path)
            _checkpoint("before-swap")
            _swap(self.staging, self.out, self._salvage)
            self.result.published = True
            _checkpoint("after-swap")
            published_manifest = self.out / MANIFEST
        info = os.stat(published_manifest)
        kept[MANIFEST] = [info.st_size, info.st_mtime_ns, info.st_ino]
        state = State(
            fingerprint=self.inputs.fingerprint,
            manifest_sha256=sha256_bytes(data),
            artifacts=self.records,
            kept=kept,
            warnings=warnings,
        )
        self.cache.save_state(state)
        self._save_renders()
        if self.new_objects or self.salvaged:
            self.cache.prune({r.key for r in self.records.values()})
        self.reporter.step(
            _("published {folder}/ ({count} files)").format(
                folder=self.out.name, count=len(self.records)
            )
            if self.result.published
            else _("{folder}/ is unchanged").format(folder=self.out.name)
        )

    def _save_renders(self) -> None:
        """Keep the rendered Markdown of the current texts for the next build, when this
        build rendered any it did not have (a 1,000-item edit then parses one body
        instead of every body, which the feeds show)."""
        from pakketbuild.publication import saved_renders, shared_mark

        if self.pub is None or shared_mark() == self.renders_before:
            return
        # The tree is published: a failure here only makes a later build slower.
        with contextlib.suppress(OSError):
            self.cache.save_renders(self.inputs.code, saved_renders(self.pub.markdown_texts()))

    def _salvage(self, tree: Path) -> None:
        """Keep what the previous tree (``tree``, just replaced) held for keys this build
        no longer has, in the cache under those keys: a reverted edit then finds them
        there. A file this build no longer publishes is moved (a rename); one it
        publishes again, unchanged but under a new key (it shows content that changed
        without changing it), is copied. A file that is not exactly as the previous
        build wrote it (edited since) is left."""
        for path, record in self.old.artifacts.items():
            new = self.records.get(path)
            if new is not None and new.key == record.key:
                continue  # the same key: it is this build's, published or in the cache
            if new is not None and new.ino == record.ino:
                source, published = self.out / path, True  # linked into the new tree
            else:
                source, published = tree / path, False
            if self.cache.adopt(record.key, source, record.matches, published=published):
                self.salvaged += 1


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


class _DepHasher:
    """Content key (``item:<id>`` …) → hash of the bytes of the files behind it.

    A key covers the content in its resolved form, so it includes the files it refers
    to: an item its providers and document files, a pakket and the site their publisher
    (all organisations live in one file). A writer that shows a provider's name then
    needs no separate ``organisations`` dependency to stay correct.
    """

    def __init__(self, content: Content, inputs: Inputs) -> None:
        self.content = content
        self.inputs = inputs
        self.memo: dict[str, str] = {}

    def _file(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.content.root).as_posix()
        except ValueError:
            return "outside"
        return self.inputs.content.get(rel, "absent")

    def __call__(self, key: str) -> str:
        if key not in self.memo:
            self.memo[key] = self._hash(key)
        return self.memo[key]

    def _hash(self, key: str) -> str:
        from pakketbuild.loader import ORGANISATIONS_FILE

        content = self.content
        organisations = self._file(content.root / ORGANISATIONS_FILE)
        if key == "*":
            return self.inputs.everything
        if key in ("organisations", "organisaties") or key.startswith("organisation:"):
            return organisations
        if key not in content.sources:
            return "absent"
        parts = [self._file(content.sources[key].path)]
        kind, _, ident = key.partition(":")
        item = content.items.get(ident) if kind == "item" else None
        if item is not None:
            if item.providers:
                parts.append(organisations)
            parts += [self._file(content.root / d.path) for d in item.documents if d.path]
        elif kind == "pakket" or (key == "site" and content.site.publisher):
            parts.append(organisations)
        return parts[0] if len(parts) == 1 else sha256_bytes("\n".join(parts).encode())


def _check_job_path(job: Job, seen: set[str]) -> None:
    parts = job.path.split("/")
    if (
        not job.path
        or job.path.startswith("/")
        or any(p in ("", ".", "..") for p in parts)
        or "\\" in job.path
        or job.path in (MANIFEST, *KEEP_FILES)
    ):
        raise RuntimeError(f"writer {job.format} planned an invalid path {job.path!r}")
    if job.path in seen:
        raise RuntimeError(f"two jobs write {job.path!r}")
    seen.add(job.path)


def _split_light(
    light: list[_Planned], pub: Publication, parts: int
) -> tuple[list[_Planned], list[list[_Planned]], list[_Planned]]:
    """Share HTML/JSON jobs between ``parts`` processes: (this process's share, the other
    processes' shares, the jobs left for this process once the others are done).

    Jobs about one pakket (its page and API document, the pages and API documents of the
    items it holds first, in every edition) stay together, so each body is parsed in one
    process. Jobs about everything render in this process: indexes and schemas first,
    feeds (every item's text) last, after it has taken over what the other processes
    derived (rendered Markdown, feed entries).
    """
    groups: dict[str, list[_Planned]] = {}
    first: list[_Planned] = []
    last: list[_Planned] = []
    for planned in light:
        group = _group(pub, planned.job)
        if group is not None:
            groups.setdefault(group, []).append(planned)
        elif planned.job.media_type in _FEED_MEDIA_TYPES:
            last.append(planned)
        else:
            first.append(planned)
    # Contiguous runs of groups, the same amount of work each; this process also renders
    # the indexes first (about AGGREGATE_WEIGHT pages' worth each) and the feeds last.
    total = sum(len(jobs) for jobs in groups.values()) + AGGREGATE_WEIGHT * len(first)
    shares: list[list[_Planned]] = [[] for _ in range(parts)]
    shares[0].extend(first)
    done = AGGREGATE_WEIGHT * len(first)
    for key in sorted(groups):
        jobs = groups[key]
        index = min(parts - 1, done * parts // max(total, 1))
        shares[index].extend(jobs)
        done += len(jobs)
    return shares[0], [share for share in shares[1:] if share], last


_FEED_MEDIA_TYPES = ("application/feed+json", "application/atom+xml")
AGGREGATE_WEIGHT = 10
"""Rendering an index costs about as much as this many item pages (for sharing work)."""


def _group(pub: Publication, job: Job) -> str | None:
    """The pakket a job belongs to (see :func:`_split_light`), None for the others."""
    edition, local = resolve(pub, job)
    kind, _, key = local.subject.partition(":")
    if kind == "pakket":
        return key
    if kind == "item":
        first = edition.pakket_for(key)
        return first.id if first is not None else local.subject
    return None


def _render(writer: Writer, pub: Publication, ctx: BuildContext, job: Job) -> tuple[bytes, float]:
    started = time.perf_counter()
    data = writer.render(pub, ctx, job)
    if not isinstance(data, bytes):
        raise TypeError(f"{writer.name} writer returned {type(data).__name__} for {job.path}")
    return data, time.perf_counter() - started


# --------------------------------------------------------------------------- process pool

_WORKER: tuple[Publication, BuildContext, dict[str, Writer]] | None = None
"""What a worker renders from; inherited from the parent under ``fork``."""


def _worker_init(spec: tuple[Path, bytes | None, tuple[str, ...]] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    gc.enable()  # PDF and DOCX layout is cyclic garbage, whatever the parent did
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (fork)
    _die_with_parent()
    global _WORKER
    if spec is not None:  # "spawn" platforms: load the content once per worker
        from pakketbuild.loader import load_content
        from pakketbuild.publication import build_publication

        root, template, formats = spec
        pub = build_publication(load_content(root))
        ctx = BuildContext(formats=formats, docx_template=template)
        _WORKER = (pub, ctx, {name: get_writer(name) for name in formats})


def _worker_render(fmt: str, job: Job) -> tuple[bytes, float]:
    assert _WORKER is not None
    pub, ctx, writers = _WORKER
    try:
        return _render(writers[fmt], pub, ctx, job)
    except PakketbuildError:
        raise
    except Exception as exc:
        import traceback

        # Exceptions must cross the process boundary as something picklable.
        text = "".join(traceback.format_exception(exc))
        raise RuntimeError(f"{fmt} writer failed on {job.path}:\n{text}") from None


_PLACER: tuple[_Build, list[_Planned]] | None = None
"""The build and its plan, for light helpers (inherited under ``fork``)."""
_Placed = tuple[list[tuple[int, str, Record]], "Shared"]


def _worker_render_many(indexes: list[int]) -> _Placed:
    """Render light jobs (by their index in the plan) and write them into the staging
    folder; returns how each was placed, and what was derived for them (rendered
    Markdown, feed entries), which the build process then does not derive again for its
    indexes and feeds. The build process merges the records into its own."""
    from pakketbuild.publication import shared_mark

    assert _WORKER is not None and _PLACER is not None
    build, plan = _PLACER
    mark = shared_mark()
    results: list[tuple[int, str, Record]] = []
    with gc_paused():
        for n in indexes:
            planned = plan[n]
            data, secs = _worker_render(planned.job.format, planned.job)
            status = build._place_rendered(planned, data, secs)
            results.append((n, status, build.records[planned.job.path]))
    return results, _WORKER[0].shared_since(mark)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (even by SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover
        pass


class _Pool:
    """A process pool for heavy jobs; workers fork from the parent after the content is
    loaded, so they start with the publication (and its rendered-Markdown cache) in
    memory instead of unpickling or reloading it."""

    def __init__(self, pub: Publication, ctx: BuildContext, root: Path, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _WORKER
        methods = multiprocessing.get_all_start_methods()
        spec: tuple[Path, bytes | None, tuple[str, ...]] | None = None
        context: BaseContext
        if "fork" in methods:
            context = multiprocessing.get_context("fork")
            _WORKER = (pub, ctx, {name: get_writer(name) for name in ctx.formats})
        else:  # pragma: no cover - not Linux
            context = multiprocessing.get_context()
            spec = (root, ctx.docx_template, ctx.formats)
        self.processes = jobs
        self.executor: ProcessPoolExecutor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_worker_init, initargs=(spec,)
        )

    def submit(self, planned: _Planned) -> Future[tuple[bytes, float]]:
        return self.executor.submit(_worker_render, planned.job.format, planned.job)

    def submit_many(self, indexes: list[int]) -> Future[_Placed]:
        return self.executor.submit(_worker_render_many, indexes)

    def close(self) -> None:
        global _WORKER, _PLACER
        processes = list(getattr(self.executor, "_processes", {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
        _WORKER = _PLACER = None


# --------------------------------------------------------------------------- publishing


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (same file, same mtime); copy when impossible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _copy_kept(out: Path, staging: Path) -> None:
    for name in KEEP_FILES:
        source = out / name
        if source.is_file() and not (staging / name).exists():
            _link_or_copy(source, staging / name)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux") or os.environ.get("PAKKETBUILD_TEST_NO_EXCHANGE"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    code = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if code == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _swap(staging: Path, out: Path, salvage: Callable[[Path], None] | None = None) -> None:
    """Replace ``out`` by ``staging``; ``salvage`` may take files out of the old tree
    before it is removed.

    Where the file system can exchange two folders atomically (Linux: ext4, xfs, btrfs,
    tmpfs …), readers see the old tree until the instant they see the new one, and the
    old tree ends up under the staging name, removed at once or by the next build.
    Elsewhere two renames leave a moment without ``out``; a build killed in that moment
    leaves ``OLD_PREFIX…`` behind, which the next build moves back first.
    """
    if out.exists():
        if _exchange(staging, out):
            if salvage is not None:
                salvage(staging)
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = out.parent / f"{OLD_PREFIX}{out.name}-{os.getpid()}"
        os.replace(out, old)
        _checkpoint("between-renames")
        os.replace(staging, out)
        if salvage is not None:
            salvage(old)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)


def _checkpoint(name: str) -> None:
    """Test hook: with ``PAKKETBUILD_TEST_HOLD=<name>`` the build announces the point on
    stderr and waits there, so tests can kill it at exactly that moment."""
    if os.environ.get("PAKKETBUILD_TEST_HOLD") == name:
        print(f"pakketbuild-test: holding at {name}", file=sys.stderr, flush=True)
        time.sleep(60)


def _clean_leftovers(out: Path) -> None:
    """Remove staging folders of interrupted builds; restore ``out`` if a swap was cut short."""
    for prefix in (OLD_PREFIX, STAGING_PREFIX):
        for leftover in sorted(out.parent.glob(f"{prefix}{out.name}-*")):
            if prefix == OLD_PREFIX and not out.exists():
                os.replace(leftover, out)
                continue
            shutil.rmtree(leftover, ignore_errors=True)


# --------------------------------------------------------------------------- signals, lock


class BuildTerminated(KeyboardInterrupt):
    """SIGTERM during a build: handled like Ctrl-C (staging removed, exports untouched)."""


@contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGTERM into an exception while the build runs, so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise BuildTerminated()

    previous: Callable[[int, FrameType | None], Any] | int | None
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _locked(folder: Path, reporter: Reporter) -> Iterator[None]:
    """One build at a time beside the same output folder (another one waits): an
    ``flock`` on the folder that holds the output and staging folders. Nothing is
    created for it, so a build that fails early leaves no trace."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            reporter.step(_("waiting for another build in the same folder …"))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
