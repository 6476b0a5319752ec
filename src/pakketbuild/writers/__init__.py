"""Writers: one per output format, all reading the same :class:`Publication`.

A writer plans *jobs* (one per output file) and renders a job to bytes. Jobs name the
content they show (``deps``) so the build engine can cache and parallelise them; the
writer itself never touches the file system of ``exports/``.

To add a format: subclass :class:`Writer`, set ``name``, implement :meth:`Writer.jobs`
and :meth:`Writer.render`, and add it to :data:`WRITERS`.

Editions: a writer plans the jobs of one edition (paths relative to that edition's root)
and :func:`for_each_edition` repeats them for every view under ``views/<id>/``; in
:meth:`Writer.render` the writer calls :func:`resolve` first, which hands it the view's
publication and the job with its edition-relative path and subject. Links inside an
edition are relative, so every view is a self-contained subtree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from pakketbuild.diagnostics import UsageError
from pakketbuild.i18n import _

if TYPE_CHECKING:  # imported lazily: a no-op build must not pay for pydantic and babel
    from pakketbuild.publication import Publication


@dataclass(frozen=True)
class BuildContext:
    """Options every writer may consult."""

    formats: tuple[str, ...]
    """All formats in this build (HTML pages link to downloads only when they are built)."""
    docx_template: bytes | None = None
    """Bytes of a reference .docx whose styles the DOCX writer uses."""


@dataclass(frozen=True)
class Job:
    """One output file to produce."""

    path: str
    """POSIX path relative to the export root, e.g. ``items/woningscan/index.html``."""
    format: str
    subject: str
    """What the file is about: ``item:<id>``, ``pakket:<id>``, ``site``, ``audience:<a>`` …"""
    media_type: str
    deps: tuple[str, ...] = field(default=())
    """Content keys whose change must rebuild this file (``item:<id>``, ``pakket:<id>``,
    ``organisations``, ``site``, ``withdrawn``, ``theme:<id>``, ``theme-file:<id>:<name>``,
    or ``*`` for everything)."""
    view: str | None = None
    """The view this file belongs to (None: the full edition). Its ``path`` then starts
    with ``views/<view>/`` and its ``subject`` with ``view:<view>:``."""


class Writer:
    """Base class of the format writers."""

    name: ClassVar[str]
    heavy: ClassVar[bool] = False
    """True when rendering is slow enough to be worth a process pool (PDF, DOCX)."""

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        raise NotImplementedError

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        raise NotImplementedError


def for_each_edition(
    pub: Publication,
    plan: Callable[[Publication], list[Job]],
    *,
    themed: bool = False,
) -> list[Job]:
    """``plan``'s jobs for the full edition, then for every view (paths under
    ``views/<id>/``, subjects ``view:<id>:…``, and ``site`` among the deps: the view's
    definition lives in site.yaml). ``themed`` adds the edition's theme files to the
    deps (formats that show the theme)."""
    jobs: list[Job] = []
    for view_id, edition in pub.editions():
        extra = edition.theme.dep_keys if themed else ()
        for job in plan(edition):
            deps = tuple(sorted({*job.deps, *extra, *(("site",) if view_id else ())}))
            if view_id is None:
                jobs.append(replace(job, deps=deps))
            else:
                jobs.append(
                    replace(
                        job,
                        path=edition.path_prefix + job.path,
                        subject=f"view:{view_id}:{job.subject}",
                        deps=deps,
                        view=view_id,
                    )
                )
    return jobs


def resolve(pub: Publication, job: Job) -> tuple[Publication, Job]:
    """The publication of ``job``'s edition and the job as that edition plans it (path and
    subject relative to the edition)."""
    if job.view is None:
        return pub, job
    edition = pub.views[job.view]
    prefix = f"view:{job.view}:"
    return edition, replace(
        job,
        path=job.path.removeprefix(edition.path_prefix),
        subject=job.subject.removeprefix(prefix),
        view=None,
    )


WRITERS: dict[str, str] = {
    "html": "pakketbuild.writers.html:HtmlWriter",
    "json": "pakketbuild.writers.jsonfeed:JsonWriter",
    "pdf": "pakketbuild.writers.pdf:PdfWriter",
    "docx": "pakketbuild.writers.docx:DocxWriter",
    "odt": "pakketbuild.writers.odt:OdtWriter",
}
"""Format name → ``module:Class``; modules are imported only when their format is built."""


def get_writer(name: str) -> Writer:
    """The writer for ``name``; an unknown name is a usage error with a suggestion."""
    spec = WRITERS.get(name)
    if spec is None:
        import difflib

        guess = difflib.get_close_matches(name, WRITERS, n=1)
        hint = _(" (did you mean '{guess}'?)").format(guess=guess[0]) if guess else ""
        raise UsageError(
            _("unknown format '{name}'{hint}; choose from {formats}").format(
                name=name, hint=hint, formats=", ".join(WRITERS)
            )
        )
    module_name, class_name = spec.split(":")
    writer_class = getattr(importlib.import_module(module_name), class_name)
    writer = writer_class()
    assert isinstance(writer, Writer)
    return writer
