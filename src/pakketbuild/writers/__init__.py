"""Writers: one per output format, all reading the same :class:`Publication`.

A writer plans *jobs* (one per output file) and renders a job to bytes. Jobs name the
content they show (``deps``) so the build engine can cache and parallelise them; the
writer itself never touches the file system of ``exports/``.

To add a format: subclass :class:`Writer`, set ``name``, implement :meth:`Writer.jobs`
and :meth:`Writer.render`, and add it to :data:`WRITERS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import ClassVar

from pakketbuild.diagnostics import UsageError
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
    ``organisations``, ``site``, or ``*`` for everything)."""


class Writer:
    """Base class of the format writers."""

    name: ClassVar[str]
    heavy: ClassVar[bool] = False
    """True when rendering is slow enough to be worth a process pool (PDF, DOCX)."""

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        raise NotImplementedError

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        raise NotImplementedError


WRITERS: dict[str, str] = {
    "html": "pakketbuild.writers.html:HtmlWriter",
    "json": "pakketbuild.writers.jsonfeed:JsonWriter",
    "pdf": "pakketbuild.writers.pdf:PdfWriter",
    "docx": "pakketbuild.writers.docx:DocxWriter",
}
"""Format name → ``module:Class``; modules are imported only when their format is built."""


def get_writer(name: str) -> Writer:
    """The writer for ``name``; an unknown name is a usage error with a suggestion."""
    spec = WRITERS.get(name)
    if spec is None:
        import difflib

        guess = difflib.get_close_matches(name, WRITERS, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        raise UsageError(
            f"unknown format '{name}'{hint}; choose from {', '.join(WRITERS)}"
        )
    module_name, class_name = spec.split(":")
    writer_class = getattr(importlib.import_module(module_name), class_name)
    writer = writer_class()
    assert isinstance(writer, Writer)
    return writer
