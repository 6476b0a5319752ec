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
* **Parallel.** Jobs of heavy formats (``Format.heavy``: PDF, DOCX) render in worker
  processes when that pays; large builds also share the Markdown checks and the HTML/JSON
  rendering with a forked helper. Results never depend on which process rendered what, or when.

This module is the entry point and the conductor; the parts live in
:mod:`pakketbuild.engine`: ``plan`` (jobs and cache keys), ``schedule`` (which process
renders what), ``staging`` (placing files, the manifest's records), ``workers`` (the
process pool and helpers) and ``publish`` (the atomic swap, leftovers, lock, signals).
It is imported by every ``pakketbuild build``, so it imports only what a no-op needs;
everything else is imported inside the functions that use it.

Why one module: :func:`build` and the conductor ``_Build`` share one build's state (options,
cache, staging folder, the previous manifest) step by step; the steps themselves are in
:mod:`pakketbuild.engine`.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pakketbuild.cache import (
    Cache,
    Inputs,
    State,
    code_fingerprint,
    default_cache_dir,
    hash_tree,
    sha256_bytes,
)
from pakketbuild.diagnostics import PakketbuildError, UsageError
from pakketbuild.engine.publish import (
    KEEP_FILES,
    MANIFEST,
    OLD_PREFIX,
    STAGING_PREFIX,
    BuildTerminated,
    checkpoint,
    clean_leftovers,
    copy_kept,
    interruptible,
    locked,
    swap,
)
from pakketbuild.engine.staging import Planned, Staging, manifest_entries, read, stat_matches
from pakketbuild.gctools import gc_paused
from pakketbuild.i18n import _, ngettext, os_reason
from pakketbuild.report import Reporter, Verbosity, make_reporter
from pakketbuild.writers import (
    FORMATS,
    BuildContext,
    ToolState,
    check_formats,
    close_tools,
    tool_states,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from pakketbuild.engine.early import EarlyWorker
    from pakketbuild.engine.schedule import Budget
    from pakketbuild.engine.workers import Pool
    from pakketbuild.publication import Publication

__all__ = [
    "KEEP_FILES",
    "MANIFEST",
    "OLD_PREFIX",
    "STAGING_PREFIX",
    "BuildOptions",
    "BuildResult",
    "BuildTerminated",
    "build",
]


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
    source_date_epoch: int | None = None
    """The time of the source revision (``SOURCE_DATE_EPOCH``, read once by the command
    line: :func:`pakketbuild.sourcedate.from_environment`): its Dutch date is the
    publication date of the documents whose content gives none. None = no such date
    (those documents show none); the clock is never read."""
    verbosity: Verbosity = "normal"
    progress: bool | None = None
    """Show a progress bar; None = only when stderr is a terminal."""
    rendering: Callable[[], None] | None = field(default=None, compare=False)
    """Called when the build goes past the no-op check (it loads and renders; ``serve``
    tells the browser to reload, and holds its requests until the build is done)."""
    published: Callable[[], None] | None = field(default=None, compare=False)
    """Called the moment the new tree is in place, before the old tree is salvaged and
    removed and the state is saved (``serve`` answers the held requests then)."""


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


# --------------------------------------------------------------------------- entry point


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Build every requested format and publish atomically (see the module docstring)."""
    started = time.perf_counter()
    formats = check_formats(options.formats)
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(_("--jobs must be 1 or more"))
    _source_date(options)  # a bad SOURCE_DATE_EPOCH stops the build before anything else
    reporter = reporter or make_reporter(options.verbosity, options.progress)
    content_root = options.content.resolve()
    out = options.out.resolve()
    _check_out(out, content_root)
    cache = Cache((options.cache_dir or default_cache_dir(content_root)).resolve(), out)
    with interruptible(), locked(out.parent, reporter):
        clean_leftovers(out)
        tools = tool_states(formats)
        try:
            result = _build(options, reporter, cache, content_root, out, formats, tools)
        finally:
            # Outside programs this process started (LibreOffice) end with the build, also
            # one that fails or is interrupted (Ctrl-C, SIGTERM: BuildTerminated).
            close_tools(formats)
    result.seconds = time.perf_counter() - started
    return result


def _build(
    options: BuildOptions,
    reporter: Reporter,
    cache: Cache,
    content_root: Path,
    out: Path,
    formats: tuple[str, ...],
    tools: dict[str, ToolState],
) -> BuildResult:
    """The build inside the lock: a no-op when nothing changed, else a full build."""
    source_date = _source_date(options)
    inputs = Inputs(
        content=hash_tree(content_root) if content_root.is_dir() else {},
        code=code_fingerprint(),
        formats=formats,
        template=_option_hash(options),
        base_url=options.base_url,
        source_date=source_date.isoformat() if source_date else None,
        tools={name: state.key for name, state in tools.items()},
    )
    state = cache.load_state()
    if not options.force and _up_to_date(state, inputs, out):
        for warning in state.warnings:
            reporter.warning(str(warning.get("text", "")))
        return BuildResult(
            artifacts=manifest_entries(state.artifacts),
            reused=len(state.artifacts),
            noop=True,
        )
    if options.rendering is not None:
        options.rendering()
    return _Build(options, reporter, cache, state, inputs, content_root, out, tools).run()


def _source_date(options: BuildOptions) -> dt.date | None:
    """The Dutch date of ``options.source_date_epoch`` (checked: a usage error for an
    instant no revision can have), or None."""
    if options.source_date_epoch is None:
        return None
    from pakketbuild.sourcedate import dutch_date

    return dutch_date(options.source_date_epoch)


def _option_hash(options: BuildOptions) -> str | None:
    """Hash of the extra input files given as options (:attr:`Format.option`, such as
    ``--docx-template``), for the no-op check; the ones named by the content are part of
    the content's hash."""
    hashes: list[str] = []
    for fmt in FORMATS.values():
        if fmt.option is None or getattr(options, fmt.option) is None:
            continue
        path = getattr(options, fmt.option)
        try:
            hashes.append(sha256_bytes(path.read_bytes()))
        except OSError:
            raise UsageError(_(fmt.option_missing).format(path=path)) from None
    if not hashes:
        return None
    return hashes[0] if len(hashes) == 1 else sha256_bytes("\n".join(hashes).encode())


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
    if manifest is None or not stat_matches(out / MANIFEST, manifest):
        return False
    for path, record in state.artifacts.items():
        try:
            info = os.stat(out / path)
        except OSError:
            return False
        if not record.matches(info):
            return False
    return True


# --------------------------------------------------------------------------- the full build


@dataclass
class _Tally:
    """What became of every file of a plan, per format (the build's summary lines), and
    the one way a rendered file is placed in the staging folder and counted."""

    staging: Staging
    reporter: Reporter
    light_rendered: list[str]
    """Light files rendered by this build (:attr:`_Build.light_rendered`)."""
    totals: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Format → ``written``/``reused``/``rendered`` → number of files."""

    @classmethod
    def of(
        cls, plan: list[Planned], staging: Staging, reporter: Reporter, light_rendered: list[str]
    ) -> _Tally:
        tally = cls(staging, reporter, light_rendered)
        for planned in plan:
            fmt = planned.job.format
            tally.totals[fmt] = tally.totals.get(fmt, 0) + 1
        tally.seconds = dict.fromkeys(tally.totals, 0.0)
        tally.counts = {fmt: {"written": 0, "reused": 0, "rendered": 0} for fmt in tally.totals}
        return tally

    def done(self, planned: Planned, data: bytes, secs: float) -> None:
        """``planned`` was rendered to ``data`` in this process (or by a worker)."""
        self.placed(planned, self.staging.place_rendered(planned, data, secs), secs)

    def placed(self, planned: Planned, status: str, secs: float) -> None:
        """``planned`` was rendered and is in the staging folder (``written``, or the
        same bytes as before linked: ``reused``)."""
        fmt = planned.job.format
        self.seconds[fmt] += secs
        self.counts[fmt][status] += 1
        self.counts[fmt]["rendered"] += 1
        if not planned.writer.format.heavy:  # written, or the same bytes linked
            self.light_rendered.append(planned.job.path)
        self.reporter.artifact(fmt, planned.job.path, status)


@dataclass
class _Work:
    """Who renders what (:meth:`_Build._schedule`)."""

    to_render: list[Planned]
    light: list[Planned]
    """Light jobs, rendered in the build process (and the helpers)."""
    pooled: list[Planned]
    """Heavy jobs for the pool."""
    here: list[Planned] = field(default_factory=list)
    """Heavy jobs the build process renders itself."""
    early: EarlyWorker | None = None
    pool: Pool | None = None
    helpers: Pool | None = None
    """Forked helpers that render shares of the light jobs."""

    def close(self) -> None:
        for other in (self.pool, self.helpers):
            if other is not None:
                other.close()


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
        tools: dict[str, ToolState] | None = None,
    ) -> None:
        from pakketbuild.engine.schedule import Budget

        self.options = options
        self.tools = tools or {}
        """The outside programs of the build's formats (:attr:`Format.tool`)."""
        self.tools_used: set[str] = set()
        """The formats with a job that uses their outside program."""
        self.reporter = reporter
        self.cache = cache
        self.old = state
        self.inputs = inputs
        self.content_root = content_root
        self.out = out
        self.budget: Budget = Budget(options.jobs)
        self.staging = Staging(
            folder=out.parent / f"{STAGING_PREFIX}{out.name}-{os.getpid()}",
            out=out,
            old=state,
            cache=cache,
            force=options.force,
        )
        self.salvaged = 0
        self.packed = 0
        self.cache_failure: OSError | None = None
        """The first write to the cache that failed (the build went on without it)."""
        self.light_rendered: list[str] = []
        """Light (HTML, JSON) files rendered by this build (new keys), packed into the
        cache once the build is published."""
        self.early: EarlyWorker | None = None
        self.scratch: str | None = None
        self.announced = False
        self.pub: Publication | None = None
        self.renders_before = (0, 0)
        self.result = BuildResult()

    def run(self) -> BuildResult:
        self._start_early()
        try:
            return self._run()
        finally:
            if self.early is not None:
                self.early.close()
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)

    def _start_early(self) -> None:
        """Start a worker for the :attr:`Format.early` formats before anything is loaded
        (:mod:`pakketbuild.engine.early`), so their libraries load while the content does.
        Not when this process may not start others, and not when every file is in the
        cache (the same inputs as the last build: only the published tree was touched)."""
        from pakketbuild.engine.early import EarlyWorker, early_formats
        from pakketbuild.processes import may_fork

        formats = early_formats(self.inputs.formats)
        if not formats or self.budget.workers < 2 or not may_fork():
            return
        if not self.options.force and self.old.fingerprint == self.inputs.fingerprint:
            return
        import tempfile

        self.scratch = tempfile.mkdtemp(prefix="pakketbuild-")
        self.early = EarlyWorker(formats, self.scratch)

    def _run(self) -> BuildResult:
        from pakketbuild.engine import plan
        from pakketbuild.loader import load_content
        from pakketbuild.publication import build_publication, restore_renders, shared_mark

        loaded = time.perf_counter()
        content = load_content(self.content_root, processes=self.budget.processes, rendering=True)
        # From here on the content (and every text's tokens, parsed once while loading)
        # stays until the end: out of the collector's full collections at once (one of
        # them scanned it all while planning), not only once the publication is built.
        gc.freeze()
        try:
            _check_replaceable(self.out)
            inputs = plan.read_inputs(content, self.inputs.formats, self.options)
            pub = build_publication(
                content, base_url=self.options.base_url, source_date=_source_date(self.options)
            )
            if not self.options.force:  # what the last build of this folder rendered
                restore_renders(self.cache.load_renders(self.inputs.code))
            self.pub, self.renders_before = pub, shared_mark()
            ctx = BuildContext(formats=self.inputs.formats, inputs=inputs)
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
            planned = plan.plan(pub, ctx, content, self.inputs)
            self.tools_used = {
                p.job.format
                for p in planned
                if p.job.format in self.tools and p.writer.uses_tool(p.job)
            }
            for text in self._tool_warnings():
                warnings.append({"text": text})
                self.reporter.warning(text)
            self.staging.folder.mkdir()
        except BaseException:
            gc.unfreeze()
            raise
        # The content and the publication live until the end: keep them out of the cyclic
        # garbage collector's full collections (up to a second of a 1,000-item build), and
        # out of the workers' copy-on-write pages (a collection writes to every object).
        # Unfrozen at the end, so that a long-lived process (serve) collects them later.
        gc.freeze()
        try:
            self._produce(planned, pub, ctx)
            self._finish(warnings)
        except BaseException:
            shutil.rmtree(self.staging.folder, ignore_errors=True)
            raise
        finally:
            gc.unfreeze()
        return self.result

    def _tool_warnings(self) -> list[str]:
        """Once per build, for each missing outside program that some job of this build
        would have used (:attr:`ToolState.warning`), its warning."""
        texts: list[str] = []
        for name, state in self.tools.items():
            if name in self.tools_used and state.warning and state.warning not in texts:
                texts.append(state.warning)
        return texts

    # -- producing ---------------------------------------------------------------------
    # The phases of :meth:`_produce`, in the spirit of Sphinx's ``Builder.build``: take
    # over what did not change, decide who renders what, render, report.

    def _produce(self, plan: list[Planned], pub: Publication, ctx: BuildContext) -> None:
        """Every file of ``plan`` into the staging folder: taken over, or rendered here,
        by the pool, the light helpers or the early worker."""
        tally = _Tally.of(plan, self.staging, self.reporter, self.light_rendered)
        to_render = self._take_over(plan, tally)
        work = self._schedule(plan, to_render, pub, ctx)
        try:
            self._render(plan, work, pub, ctx, tally)
        finally:
            work.close()
            self.reporter.close()
        self._report(tally)

    def _take_over(self, plan: list[Planned], tally: _Tally) -> list[Planned]:
        """Phase 1: the files whose key did not change are taken over from the previous
        tree or the cache (not with ``--force``); the others are returned, to render."""
        to_render: list[Planned] = []
        for planned in plan:
            status = None if self.options.force else self.staging.reuse(planned)
            if status is None:
                to_render.append(planned)
            else:
                tally.counts[planned.job.format][status] += 1
        return to_render

    def _schedule(
        self, plan: list[Planned], to_render: list[Planned], pub: Publication, ctx: BuildContext
    ) -> _Work:
        """Phase 2: which process renders what. Heavy jobs go longest first (previous
        render times where known, pakketten before items) to the early worker (its
        formats), the pool or this process; light ones to this process, shared with
        forked helpers when there are many and neither pool nor early worker runs."""
        from pakketbuild.engine.schedule import expected_seconds, heavy_plan
        from pakketbuild.engine.workers import Pool

        heavy = [p for p in to_render if p.writer.format.heavy]
        light = [p for p in to_render if not p.writer.format.heavy]
        heavy.sort(key=lambda p: (-expected_seconds(p, self.old), p.job.path))
        budget, early = self.budget, self.early
        if early is not None:
            # The worker started before loading takes its formats' jobs; the others
            # are scheduled on the processes that are left.
            early.queue([p for p in heavy if early.takes(p)])
            heavy = [p for p in heavy if not early.takes(p)]
            if early.busy:
                budget = replace(budget, reserved=1)
            else:
                early.close()
                self.early = early = None
        workers, pooled = heavy_plan(heavy, light, budget, self.old)
        in_pool = {p.job.path for p in pooled}
        here = [p for p in heavy if p.job.path not in in_pool]
        work = _Work(to_render, light, pooled, here, early)
        try:
            work.pool = Pool(pub, ctx, self.content_root, workers) if pooled else None
            if work.pool is None and early is None:
                work.helpers = self._light_helpers(plan, light, pub, ctx)
        except BaseException:
            work.close()
            raise
        return work

    def _render(
        self, plan: list[Planned], work: _Work, pub: Publication, ctx: BuildContext, tally: _Tally
    ) -> None:
        """Phase 3: render. The pool starts on its jobs first; meanwhile this process
        renders the light jobs (its share, when helpers take the rest), then its heavy
        ones, then helps the early worker, and takes the pool's results last. The early
        worker is fed whenever this process finishes a file."""
        from pakketbuild.engine.workers import render

        pool, early = work.pool, work.early

        def here(planned: Planned) -> None:
            data, secs = render(planned.writer, pub, ctx, planned.job)
            tally.done(planned, data, secs)

        def feed() -> None:
            if early is not None:
                early.feed(pub, ctx, tally.done)

        futures = [(p, pool.submit(p)) for p in work.pooled] if pool is not None else []
        feed()
        self.reporter.start(tally.totals)
        rendering = {p.job.path for p in work.to_render}
        for planned in plan:
            if planned.job.path not in rendering:
                self.reporter.artifact(planned.job.format, planned.job.path, "reused")
        with gc_paused():
            light = work.light
            if work.helpers is not None:
                light = self._share_light(plan, light, work.helpers, pub, tally, here)
            for planned in light:
                here(planned)
                feed()
        for planned in work.here:
            here(planned)
            feed()
        if early is not None:
            # The pool's workers have their own jobs; the build process helps the
            # early worker only when it would otherwise wait.
            early.finish(pub, ctx, tally.done, steal=here if pool is None else None)
        for planned, future in futures:
            data, secs = future.result()
            tally.done(planned, data, secs)

    def _share_light(
        self,
        plan: list[Planned],
        light: list[Planned],
        helpers: Pool,
        pub: Publication,
        tally: _Tally,
        here: Callable[[Planned], None],
    ) -> list[Planned]:
        """The light helpers render their shares while this process renders its own;
        then their results (and what they derived) are taken over. Returns the light
        jobs that no share holds (the feeds: rendered last, here)."""
        from pakketbuild.engine.schedule import split_light

        own, others, rest = split_light(light, pub, helpers.processes + 1)
        index = {id(planned): n for n, planned in enumerate(plan)}
        shares = [helpers.submit_many([index[id(p)] for p in part]) for part in others]
        for planned in own:
            here(planned)
        for share in shares:
            results, shared = share.result()
            pub.adopt_shared(shared)
            for n, status, record in results:
                self.staging.records[record_path := plan[n].job.path] = record
                if status == "written":
                    self.staging.written.append(record_path)
                tally.placed(plan[n], status, record.seconds)
        return rest

    def _report(self, tally: _Tally) -> None:
        """Phase 4: one line per format, and the build's totals."""
        for fmt, count in tally.counts.items():
            self.result.seconds_per_format[fmt] = tally.seconds[fmt]
            self.reporter.format_done(
                fmt,
                _(
                    "{count} files, {written} written, {reused} reused, {rendered} rendered "
                    "({seconds}s)"
                ).format(
                    count=tally.totals[fmt],
                    written=count["written"],
                    reused=count["reused"],
                    rendered=count["rendered"],
                    seconds=f"{tally.seconds[fmt]:.2f}",
                ),
            )
        self.result.rendered = sum(c["rendered"] for c in tally.counts.values())
        self.result.reused = sum(c["reused"] for c in tally.counts.values())

    def _light_helpers(
        self, plan: list[Planned], light: list[Planned], pub: Publication, ctx: BuildContext
    ) -> Pool | None:
        """Processes that render a share of the HTML and JSON files alongside this one and
        write them into the staging folder, for builds with many of them (None: render
        them all here). They are forked from this process and place files exactly as it
        would (:meth:`Staging.place_rendered`), so they need ``fork``."""
        from pakketbuild.engine.workers import Pool
        from pakketbuild.processes import may_fork

        processes = self.budget.light_helpers(len(light))
        if processes < 1 or not may_fork():
            return None
        return Pool(pub, ctx, self.content_root, processes, self.staging, plan)

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
        self.result.artifacts = manifest_entries(self.staging.records)
        versions = provenance.versions()
        for name, tool in self.tools.items():  # LibreOffice, when it laid out documents
            if name in self.tools_used and tool.label is not None:
                versions[tool.name] = tool.label
        manifest = {
            "generator": "pakketbuild",
            "versions": versions,
            "artifacts": self.result.artifacts,
        }
        text = jsonout.dumps(manifest, indent=2, sort_keys=True) + "\n"
        data = text.encode("utf-8")
        kept: dict[str, list[int]] = {}
        old_manifest = self.out / MANIFEST
        self.result.written = self.staging.written
        same = not self.result.written and read(old_manifest) == data
        same = same and set(self.staging.records) == set(self.old.artifacts)
        checkpoint("rendered")
        if same:
            # The tree would come out identical: keep the published one untouched.
            shutil.rmtree(self.staging.folder)
            published_manifest = old_manifest
        else:
            (self.staging.folder / MANIFEST).write_bytes(data)
            copy_kept(self.out, self.staging.folder)
            for key, path in self.staging.new_objects:
                self._store(partial(self.cache.put_file, key, path))
            checkpoint("before-swap")
            swap(self.staging.folder, self.out, self._swapped)
            self._announce()  # the first build has no old tree to salvage
            self._pack()
            self.result.published = True
            checkpoint("after-swap")
            published_manifest = self.out / MANIFEST
        info = os.stat(published_manifest)
        kept[MANIFEST] = [info.st_size, info.st_mtime_ns, info.st_ino]
        state = State(
            fingerprint=self.inputs.fingerprint,
            manifest_sha256=sha256_bytes(data),
            artifacts=self.staging.records,
            kept=kept,
            warnings=warnings,
        )
        self._store(partial(self.cache.save_state, state))
        self._save_renders()
        if self.staging.new_objects or self.salvaged or self.packed:
            self._store(partial(self.cache.prune, {r.key for r in self.staging.records.values()}))
        self.reporter.step(
            _("published {folder}/ ({count} files)").format(
                folder=self.out.name, count=len(self.staging.records)
            )
            if self.result.published
            else _("{folder}/ is unchanged").format(folder=self.out.name)
        )
        self._report_cache()

    def _store(self, write: Callable[[], object]) -> None:
        """Write to the cache, unless a write failed before: the cache only saves work,
        so a full or read-only cache folder never stops or undoes the build; the failure
        is said once, at the end (:meth:`_report_cache`)."""
        if self.cache_failure is not None:
            return
        try:
            write()
        except OSError as exc:
            self.cache_failure = exc

    def _report_cache(self) -> None:
        """Say, once each, that cache entries were damaged (and made again instead) and
        that the cache could not be written: both true of a build that succeeded."""
        folder = self.cache.root
        if damaged := len(self.cache.damaged):
            self.reporter.alert(
                ngettext(
                    "{count} file in the cache '{folder}' was damaged (changed or cut short) "
                    "and was made again instead",
                    "{count} files in the cache '{folder}' were damaged (changed or cut short) "
                    "and were made again instead",
                    damaged,
                ).format(count=damaged, folder=folder)
            )
        failure = self.cache_failure
        if failure is None:
            return
        text = (
            _(
                "the cache folder '{folder}' could not be written ({reason}); {out}/ was "
                "published all the same, but a later build may render again what the cache "
                "would have kept; make room on the disk, or choose another folder with "
                "--cache-dir"
            )
            if self.result.published
            else _(
                "the cache folder '{folder}' could not be written ({reason}); {out}/ is "
                "complete all the same, but a later build may render again what the cache "
                "would have kept; make room on the disk, or choose another folder with "
                "--cache-dir"
            )
        )
        self.reporter.alert(
            text.format(folder=folder, reason=os_reason(failure), out=self.out.name)
        )

    def _save_renders(self) -> None:
        """Keep the rendered Markdown of the current texts for the next build, when this
        build rendered any it did not have (a 1,000-item edit then parses one body
        instead of every body, which the feeds show)."""
        from pakketbuild.publication import saved_renders, shared_mark

        if self.pub is None or shared_mark() == self.renders_before:
            return
        # The tree is published: a failure here only makes a later build slower.
        self._store(
            partial(
                self.cache.save_renders, self.inputs.code, saved_renders(self.pub.markdown_texts())
            )
        )

    def _pack(self) -> None:
        """Keep the light files this build rendered in the cache, as one pack (one file
        written, not one per artifact): a deleted output folder is then restored from
        the cache without rendering anything. After the swap, so only a build that
        succeeded stores anything; a failure here only makes a later build slower."""
        records = self.staging.records
        files = [
            (records[path].key, records[path].sha256, records[path].bytes, self.out / path)
            for path in self.light_rendered
        ]
        if files:

            def pack() -> None:
                self.packed = self.cache.put_pack(files)

            self._store(pack)

    def _swapped(self, tree: Path) -> None:
        """Right after the swap: the new tree is live; then salvage the old one."""
        self._announce()
        self._salvage(tree)

    def _announce(self) -> None:
        if self.options.published is not None and not self.announced:
            self.announced = True
            self.options.published()

    def _salvage(self, tree: Path) -> None:
        """Keep what the previous tree (``tree``, just replaced) held for keys this build
        no longer has, in the cache under those keys: a reverted edit then finds them
        there. A file this build no longer publishes is moved (a rename); one it
        publishes again, unchanged but under a new key (it shows content that changed
        without changing it), is copied. A file that is not exactly as the previous
        build wrote it (edited since) is left."""
        for path, record in self.old.artifacts.items():
            new = self.staging.records.get(path)
            if new is not None and new.key == record.key:
                continue  # the same key: it is this build's, published or in the cache
            if self.cache.has_packed(record.key):
                continue  # already in a pack
            if new is not None and new.ino == record.ino:
                source, published = self.out / path, True  # linked into the new tree
            else:
                source, published = tree / path, False
            if self.cache.adopt(
                record.key,
                source,
                record.matches,
                sha256=record.sha256,
                size=record.bytes,
                published=published,
            ):
                self.salvaged += 1
