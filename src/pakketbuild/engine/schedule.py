"""Scheduling a build: which process renders which job.

Heavy formats (:attr:`Format.heavy <pakketbuild.writers.Format.heavy>`: PDF, DOCX) render
in worker processes when that pays (:func:`heavy_plan`); large builds also share their
light (HTML, JSON) jobs with forked helpers, grouped so that each body is parsed in one
process (:func:`split_light`). How many processes a build may use is decided in one
place, :class:`Budget`. Results never depend on which process rendered what, or when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pakketbuild import jobkeys
from pakketbuild.engine.staging import Planned
from pakketbuild.processes import cores
from pakketbuild.writers import FORMATS, Job, resolve

if TYPE_CHECKING:
    from pakketbuild.cache import State
    from pakketbuild.publication import Publication

MIN_SECONDS_PER_WORKER = 2.0
"""Without an explicit ``--jobs``, start one worker per this much expected rendering of
heavy formats (previous render times, else an estimate), at most one per core."""
MIN_OVERLAP_SECONDS = 0.2
"""A small build starts a worker for its costliest heavy format only when the worker and
the build process both get at least this much work (what running side by side saves)."""
MIN_LIGHT_JOBS_PER_PROCESS = 300
"""HTML and JSON render in the build process; when no worker pool keeps the other cores
busy, one more process per this many HTML/JSON files to render shares the work (a few
milliseconds each: below a few hundred, starting a process costs more than it saves)."""
AGGREGATE_WEIGHT = 10
"""Rendering an index costs about as much as this many item pages (for sharing work)."""


@dataclass(frozen=True)
class Budget:
    """The processes a build may use, from ``--jobs`` (None: not given) and the cores."""

    requested: int | None
    reserved: int = 0
    """Worker processes already at work for the build (started before loading, see
    :mod:`pakketbuild.engine.early`), which count against the others."""

    @property
    def workers(self) -> int:
        """Worker processes for heavy jobs: exactly ``--jobs``, else one per core."""
        return max(1, (self.requested or cores()) - self.reserved)

    @property
    def processes(self) -> int:
        """Processes for loading and for light jobs: ``--jobs`` or the cores, whichever
        is fewer."""
        return max(1, min(self.requested or cores(), cores()) - self.reserved)

    def light_helpers(self, light_jobs: int) -> int:
        """Forked helpers that share ``light_jobs`` HTML/JSON jobs (0: none pays)."""
        return max(0, min(self.processes, light_jobs // MIN_LIGHT_JOBS_PER_PROCESS) - 1)


def expected_seconds(planned: Planned, old: State) -> float:
    """How long a job will take: its previous render time, else an estimate."""
    record = old.artifacts.get(planned.job.path)
    if record is not None and record.seconds:
        return record.seconds
    subject = jobkeys.parse(planned.job.subject, planned.job.view)
    return 0.4 if subject.kind == "pakket" else 0.05


def heavy_plan(
    heavy: list[Planned], light: list[Planned], budget: Budget, old: State
) -> tuple[int, list[Planned]]:
    """How many worker processes render which PDF/DOCX jobs (the rest render here).

    ``--jobs N``: N workers for all of them (none for ``--jobs 1``). By default, a
    large build (at least :data:`MIN_SECONDS_PER_WORKER` of expected rendering per
    core) gets a worker per core for all of them, while this process renders HTML and
    JSON. A small build gets one worker for its costliest format (PDF: WeasyPrint's
    import and layout) while this process renders the rest, when both sides have
    enough to do (:data:`MIN_OVERLAP_SECONDS`): every worker imports its libraries
    again, so a worker per format or per core would cost more than it saves.
    """
    jobs = budget.workers
    if not heavy:
        return 0, []
    if budget.requested is not None:
        workers = min(jobs, len(heavy))
        return (workers, heavy) if workers > 1 else (0, [])
    expected: dict[str, float] = {}
    for planned in heavy:
        fmt = planned.job.format
        expected[fmt] = expected.get(fmt, 0.0) + expected_seconds(planned, old)
    if sum(expected.values()) >= jobs * MIN_SECONDS_PER_WORKER:
        workers = min(jobs, len(heavy))
        return (workers, heavy) if workers > 1 else (0, [])
    if jobs < 2:
        return 0, []

    def cost(fmt: str) -> float:
        return FORMATS[fmt].startup_seconds + expected[fmt]

    costliest = max(expected, key=lambda fmt: (cost(fmt), fmt))
    here = len(light) * 0.002 + sum(cost(fmt) for fmt in expected if fmt != costliest)
    if min(here, cost(costliest)) < MIN_OVERLAP_SECONDS:
        return 0, []
    return 1, [p for p in heavy if p.job.format == costliest]


def split_light(
    light: list[Planned], pub: Publication, parts: int
) -> tuple[list[Planned], list[list[Planned]], list[Planned]]:
    """Share HTML/JSON jobs between ``parts`` processes: (this process's share, the other
    processes' shares, the jobs left for this process once the others are done).

    Jobs about one pakket (its page and API document, the pages and API documents of the
    items it holds first, in every edition) stay together, so each body is parsed in one
    process. Jobs about everything render in this process: indexes and schemas first,
    feeds (every item's text) last, after it has taken over what the other processes
    derived (rendered Markdown, feed entries).
    """
    groups: dict[str, list[Planned]] = {}
    first: list[Planned] = []
    last: list[Planned] = []
    for planned in light:
        pakket = pakket_group(pub, planned.job)
        if pakket is not None:
            groups.setdefault(pakket, []).append(planned)
        elif planned.writer.render_last(planned.job):
            last.append(planned)
        else:
            first.append(planned)
    # Contiguous runs of groups, the same amount of work each; this process also renders
    # the indexes first (about AGGREGATE_WEIGHT pages' worth each) and the feeds last.
    total = sum(len(jobs) for jobs in groups.values()) + AGGREGATE_WEIGHT * len(first)
    shares: list[list[Planned]] = [[] for _ in range(parts)]
    shares[0].extend(first)
    done = AGGREGATE_WEIGHT * len(first)
    for key in sorted(groups):
        jobs = groups[key]
        index = min(parts - 1, done * parts // max(total, 1))
        shares[index].extend(jobs)
        done += len(jobs)
    return shares[0], [share for share in shares[1:] if share], last


def pakket_group(pub: Publication, job: Job) -> str | None:
    """The pakket a job belongs to (see :func:`split_light`), None for the others."""
    edition, local = resolve(pub, job)
    subject = jobkeys.parse(local.subject)
    if subject.kind == "pakket":
        return subject.ident
    if subject.kind == "item":
        first = edition.pakket_for(subject.ident)
        return first.id if first is not None else local.subject
    return None
