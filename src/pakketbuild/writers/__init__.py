"""Writers: one per output format, all reading the same :class:`Publication`.

A writer plans *jobs* (one per output file) and renders a job to bytes. Jobs name the
content they show (``deps``) so the build engine can cache and parallelise them; the
writer itself never touches the file system of ``exports/``.

To add a format: subclass :class:`Writer`, set ``name``, implement :meth:`Writer.jobs`
and :meth:`Writer.render` (which calls :func:`resolve` first), and add its
:class:`Format` to :data:`FORMATS` (for a download format its media type, whose extension
and Dutch label come from :mod:`pakketbuild.mediatypes`; start-up cost, extra input,
outside program). Nothing else names a format: the engine, the CLI, the download links,
the API and the feeds read these facts (``docs/architecture.md`` has the whole recipe).

Editions: a writer plans the jobs of one edition (paths relative to that edition's root)
and :func:`for_each_edition` repeats them for every view under ``views/<id>/``; in
:meth:`Writer.render` the writer calls :func:`resolve` first, which hands it the view's
publication and the job with its edition-relative path and subject. Links inside an
edition are relative, so every view is a self-contained subtree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar, Protocol

from pakketbuild import jobkeys, mediatypes
from pakketbuild.diagnostics import UsageError
from pakketbuild.i18n import N_, _
from pakketbuild.jobkeys import Dep, Subject
from pakketbuild.suggest import did_you_mean

if TYPE_CHECKING:  # imported lazily: a no-op build must not pay for pydantic and babel
    from pathlib import Path

    from pakketbuild.loader import Content
    from pakketbuild.publication import Publication


@dataclass(frozen=True)
class BuildContext:
    """Options every writer may consult."""

    formats: tuple[str, ...]
    """All formats in this build (HTML pages link to downloads only when they are built)."""
    inputs: Mapping[str, bytes] = field(default_factory=dict)
    """Extra input files by format name (:meth:`Writer.read_input`), e.g. the reference
    .docx whose styles the DOCX writer uses."""

    def input_of(self, fmt: str) -> bytes | None:
        return self.inputs.get(fmt)


@dataclass(frozen=True)
class Job:
    """One output file to produce."""

    path: str
    """POSIX path relative to the export root, e.g. ``items/woningscan/index.html``."""
    format: str
    subject: Subject
    """What the file is about (:mod:`pakketbuild.jobkeys`): ``item:<id>``, ``site`` …"""
    media_type: str
    deps: tuple[Dep, ...] = field(default=())
    """Content keys whose change must rebuild this file (:mod:`pakketbuild.jobkeys`)."""
    view: str | None = None
    """The view this file belongs to (None: the full edition). Its ``path`` then starts
    with ``views/<view>/`` and its ``subject`` with ``view:<view>:``."""


class EarlyPart(Protocol):
    """What a worker started before the content is loaded does for a format
    (:attr:`Format.early`)."""

    def warm_up(self) -> None:
        """Get the process ready for the format's jobs: import its libraries, load what
        every job needs."""

    def render_prepared(self, prepared: object) -> bytes:
        """The bytes of a job from what :meth:`Writer.prepare` made of it."""
        ...


@dataclass(frozen=True)
class ToolState:
    """What a format's outside program (:attr:`Format.tool`) is on this machine, found
    without starting it (cheap enough for every build, the no-op included)."""

    key: str
    """Which program will run, or that none will: part of the cache key of every job that
    uses it (:meth:`Writer.uses_tool`) and of the no-op check, so that a file made without
    the program is never reused by a build that has it, or the other way round."""
    label: str | None = None
    """Name and version for the manifest's ``versions`` (None when it is not there)."""
    name: str = ""
    """The manifest's name for it (``versions``)."""
    warning: str | None = None
    """Said once per build when the program is missing: what is missing, what the files
    get instead, what to install (translated when made)."""


class Tool(Protocol):
    """An outside program a writer runs while rendering (:attr:`Format.tool`)."""

    def state(self) -> ToolState:
        """Whether and which program is there (no start, no import of a library)."""
        ...

    def close(self) -> None:
        """Stop what this process started for the program (at the end of a build, also an
        interrupted one); the next use starts it again."""


class Writer:
    """Base class of the format writers; its facts are its :class:`Format` in
    :data:`FORMATS`."""

    name: ClassVar[str]

    @property
    def format(self) -> Format:
        return FORMATS[self.name]

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        """One job per output file of every edition: ``for_each_edition(pub, plan)``, where
        ``plan`` gives one edition's jobs."""
        raise NotImplementedError

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        """The bytes of ``job``'s file. Starts with ``pub, job = resolve(pub, job)``: a
        view's job names the view (path ``views/<id>/…``, subject ``view:<id>:…``), and
        :func:`resolve` gives its edition and the job as that edition planned it."""
        raise NotImplementedError

    def read_input(self, content: Content, option: Path | None) -> bytes | None:
        """The bytes of this format's extra input file (:attr:`Format.option`: the file
        given on the command line, else one named by the content), which join the cache
        key of its jobs; None when there is none. Called once per build, after loading."""
        return None

    def prepare(self, pub: Publication, ctx: BuildContext, job: Job) -> object:
        """For a format with an :attr:`Format.early` part: everything of ``job`` that needs
        the publication, as a picklable value that the early part
        (:meth:`EarlyPart.render_prepared`) turns into the file's bytes in a process that
        never loaded the content."""
        raise NotImplementedError

    def uses_tool(self, job: Job) -> bool:
        """True for a job whose bytes depend on the format's outside program
        (:attr:`Format.tool`): its cache key then includes the program's
        :attr:`ToolState.key`."""
        return False

    def render_last(self, job: Job) -> bool:
        """True for a job that shows every item (a feed): a build that shares rendering
        between processes renders it last, in the build process, after taking over what
        the others derived."""
        return False


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
            deps = jobkeys.deps((*job.deps, *extra, *((jobkeys.SITE_DEP,) if view_id else ())))
            if view_id is None:
                jobs.append(replace(job, deps=deps))
            else:
                jobs.append(
                    replace(
                        job,
                        path=edition.path_prefix + job.path,
                        subject=jobkeys.in_view(view_id, job.subject),
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
    return edition, replace(
        job,
        path=job.path.removeprefix(edition.path_prefix),
        subject=jobkeys.outside_view(job.view, job.subject),
        view=None,
    )


@dataclass(frozen=True)
class Format:
    """Everything the rest of pakketbuild knows about an output format. Kept here, not in
    the writer's module, so that the engine, the CLI and the other writers can use the
    facts without importing the writer (a no-op build imports no writer at all)."""

    name: str
    """As given to ``--formats``; also the ``format`` of its manifest entries."""
    writer: str
    """``module:Class`` of its :class:`Writer`, imported only when the format is built."""
    outputs: str
    """What it writes, for developers (``docs/architecture.md``)."""
    media_type: str | None = None
    """A download format (one file per pakket and per item): the media type of its files,
    a constant of :mod:`pakketbuild.mediatypes` (whose table gives the extension and the
    label); None for formats that write other files."""
    startup_seconds: float = 0.0
    """CPU a process spends before its first file (importing its libraries). More than
    0: rendering is slow enough to be worth worker processes; 0: it renders in the build
    process."""
    early: str | None = None
    """``module:name`` of its :class:`EarlyPart`, for a format whose jobs split into a part
    that needs the publication (:meth:`Writer.prepare`, in the build process) and the
    costly rest: a worker started at the very beginning of a build imports only that
    module and warms up while the content loads, then takes the prepared jobs."""
    tool: str | None = None
    """``module:name`` of a :class:`Tool`: an outside program some of its jobs use while
    rendering (:meth:`Writer.uses_tool`). The module is imported on every build, so it may
    import only the standard library; the engine asks it for its :class:`ToolState` and
    closes it when the build ends."""
    option: str | None = None
    """The :class:`~pakketbuild.build.BuildOptions` field naming an extra input file
    (:meth:`Writer.read_input`), whose bytes join the cache key of the format's jobs;
    the command line offers it as ``--<option with dashes> FILE``."""
    option_help: str = ""
    option_missing: str = ""
    """The usage error when the option names no file (``{path}``), marked for translation."""

    @property
    def heavy(self) -> bool:
        return self.startup_seconds > 0

    @property
    def file_type(self) -> mediatypes.FileType | None:
        """A download format's file type (:data:`pakketbuild.mediatypes.FILE_TYPES`)."""
        return mediatypes.file_type(self.media_type) if self.media_type else None

    @property
    def extension(self) -> str | None:
        """A download format's file extension (``downloads/<pakket-id>.<extension>``)."""
        return self.file_type.extension if self.file_type is not None else None

    @property
    def label(self) -> str | None:
        """Dutch name of its downloads, as links and feed attachments show it."""
        return self.file_type.label if self.file_type is not None else None


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "html",
            "pakketbuild.writers.html:HtmlWriter",
            "the static site: pages, stylesheets, theme files",
        ),
        Format(
            "json",
            "pakketbuild.writers.jsonfeed:JsonWriter",
            "JSON Feed 1.1 and Atom 1.0 feeds (one writer: the feeds share their entries, "
            "writers/feeds.py), the JSON API and its JSON Schemas",
        ),
        Format(
            "pdf",
            "pakketbuild.writers.pdf:PdfWriter",
            "a PDF per pakket and per item (WeasyPrint)",
            media_type=mediatypes.PDF,
            startup_seconds=1.2,
            early="pakketbuild.writers.pdf_layout:LAYOUT",
        ),
        Format(
            "docx",
            "pakketbuild.writers.docx:DocxWriter",
            "a Word document per pakket and per item (python-docx)",
            media_type=mediatypes.DOCX,
            startup_seconds=0.2,
            tool="pakketbuild.writers.office_pages:OFFICE",
            option="docx_template",
            option_help=N_("a Word file (.docx) whose styles the Word documents use"),
            option_missing=N_("--docx-template {path}: there is no such file"),
        ),
        Format(
            "odt",
            "pakketbuild.writers.odt:OdtWriter",
            "an OpenDocument text per pakket and per item, and a view's combined document (odfdo)",
            media_type=mediatypes.ODT,
            startup_seconds=0.2,
            tool="pakketbuild.writers.office_pages:OFFICE",
        ),
    )
}
"""The registry, in build order (also the order of ``--formats``' default). Adding a
format: its writer module and one entry here (see ``docs/architecture.md``)."""


def download_formats() -> tuple[Format, ...]:
    """The formats with one file per pakket and per item, in registry order."""
    return tuple(f for f in FORMATS.values() if f.extension)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats asked for, in the registry's order; an empty list or an unknown name is
    a usage error (with a suggestion)."""
    if not formats:
        raise UsageError(
            _("--formats is empty; choose from {formats}").format(formats=", ".join(FORMATS))
        )
    for name in formats:
        if name not in FORMATS:
            get_writer(name)  # raises a UsageError with a suggestion
    return tuple(f for f in FORMATS if f in formats)


def get_early_part(name: str) -> EarlyPart:
    """The :attr:`Format.early` part of format ``name`` (imports only its module)."""
    spec = FORMATS[name].early
    assert spec is not None, f"format {name} has no early part"
    module_name, attr = spec.split(":")
    part: EarlyPart = getattr(importlib.import_module(module_name), attr)
    return part


def get_tool(name: str) -> Tool | None:
    """The :attr:`Format.tool` of format ``name`` (imports only its module), or None."""
    spec = FORMATS[name].tool
    if spec is None:
        return None
    module_name, attr = spec.split(":")
    tool: Tool = getattr(importlib.import_module(module_name), attr)
    return tool


def tool_states(formats: Sequence[str]) -> dict[str, ToolState]:
    """The :class:`ToolState` of each of ``formats`` that has an outside program."""
    states: dict[str, ToolState] = {}
    for name in formats:
        tool = get_tool(name)
        if tool is not None:
            states[name] = tool.state()
    return states


def close_tools(formats: Sequence[str]) -> None:
    """Stop what this process started for the outside programs of ``formats``; a tool
    whose module was never imported started nothing and is left alone."""
    import sys

    closed: set[int] = set()
    for name in formats:
        spec = FORMATS[name].tool
        if spec is None or spec.split(":")[0] not in sys.modules:
            continue
        tool = get_tool(name)
        if tool is not None and id(tool) not in closed:
            closed.add(id(tool))
            tool.close()


def get_writer(name: str) -> Writer:
    """The writer for ``name``; an unknown name is a usage error with a suggestion."""
    fmt = FORMATS.get(name)
    if fmt is None:
        hint = did_you_mean(name, FORMATS)
        raise UsageError(
            _("unknown format '{name}'{hint}; choose from {formats}").format(
                name=name, hint=f" ({hint})" if hint else "", formats=", ".join(FORMATS)
            )
        )
    module_name, class_name = fmt.writer.split(":")
    writer_class = getattr(importlib.import_module(module_name), class_name)
    writer = writer_class()
    assert isinstance(writer, Writer) and writer.name == name
    return writer
