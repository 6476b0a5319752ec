"""Diagnostics: what went wrong, where, and how to fix it.

Every problem in content is a :class:`Diagnostic` with a file, a 1-based line and
column, a stable code and a plain-language message. User mistakes travel as
:class:`ContentError` (a bundle of diagnostics); bugs are ordinary exceptions.
The CLI maps them to exit code 1 (a bug in pakketbuild itself exits with 2).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from pakketbuild.i18n import N_, _

SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "notice": N_("notice")}
"""The severities as words (``notice`` comes with the review policy of the lead's branch)."""
BODY_FIELDS = frozenset({"body", "intro"})
"""Fields that are the Markdown text below the front matter, not lines an editor writes."""


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop a build, warnings do not (unless ``--strict``),
    notices never do (not even with ``--strict``): they tell, they do not block."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one place of the content."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    field: str = ""

    def format_text(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        what = f" ({self.field})" if self.shown_field else ""
        return f"{where}: {self.severity_word}[{self.code}]{what}: {self.message}"

    @property
    def severity_word(self) -> str:
        """``error``/``warning``/``notice`` in the reader's language (``fout``,
        ``waarschuwing``, ``opmerking``)."""
        return _(SEVERITY_WORDS.get(str(self.severity), str(self.severity)))

    @property
    def shown_field(self) -> str:
        """The field as the editor knows it: the text below the fields is no field."""
        return "" if self.field in BODY_FIELDS else self.field

    def format_github(self) -> str:
        kind = str(self.severity)  # GitHub's workflow commands: ::error, ::warning, ::notice
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        title = f"{self.code} {self.shown_field}".strip()
        return f"::{kind} file={self.path},line={self.line},col={self.col},title={title}::{message}"

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass
class DiagnosticSink:
    """Collects diagnostics during a run so that all problems are reported at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self, path: str, line: int, col: int, code: str, message: str, field: str = ""
    ) -> None:
        self.add(Diagnostic(path, line, col, Severity.ERROR, code, message, field))

    def warning(
        self, path: str, line: int, col: int, code: str, message: str, field: str = ""
    ) -> None:
        self.add(Diagnostic(path, line, col, Severity.WARNING, code, message, field))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items))


class PakketbuildError(Exception):
    """Base of the user-facing error family (exit code 1)."""


class ContentError(PakketbuildError):
    """The content (or a file named by it) is wrong; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format_text() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Diagnostic]]]:
        # Keeps the diagnostics when the error crosses a process pool.
        return (type(self), (self.diagnostics,))


class UsageError(PakketbuildError):
    """A command-line option or argument is wrong (exit code 1, like any bad input)."""


def format_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    """Render diagnostics as ``text``, ``github`` or ``json``."""
    if fmt == "json":
        return json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(d.format_github() for d in diagnostics)
    return "\n".join(d.format_text() for d in diagnostics)
