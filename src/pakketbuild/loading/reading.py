"""Loading, phase 1: reading content files safely.

:class:`Reader` reads one file at a time (confined to the content folder by
:func:`pakketbuild.confine.confine`, size-limited, UTF-8, no NUL bytes), parses YAML and
front matter, validates against the pydantic models and collects every diagnostic with
file, line and column. :class:`Source` is where a loaded value came from. The content
folder's layout (file names, limits) is defined here too.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pakketbuild import markdown
from pakketbuild.confine import MAX_DOCUMENT_FILE as MAX_DOCUMENT_FILE  # the loader's limit
from pakketbuild.confine import Confined, Refusal, Refused, confine
from pakketbuild.diagnostics import DiagnosticSink
from pakketbuild.i18n import _, os_reason
from pakketbuild.messages import field_name, translate
from pakketbuild.model import (
    SLUG_PATTERN,
)
from pakketbuild.yamlsafe import Located, Mark, YamlProblem, load_yaml


def is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_PATTERN, value) is not None and len(value) <= 80


SITE_FILE = "site.yaml"


ORGANISATIONS_FILE = "organisaties.yaml"


ITEMS_DIR = "items"


PAKKETTEN_DIR = "pakketten"


WITHDRAWN_FILE = "withdrawn.yaml"


MAX_CONTENT_FILE = 1024 * 1024
"""Largest content file we read (1 MiB); real items are a few kilobytes."""


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Source:
    """Where a piece of content came from, to point diagnostics at it."""

    path: Path
    display: str
    located: Located
    body_line: int = 0
    """1-based line where the Markdown body starts (0 when there is none)."""

    def at(self, loc: tuple[str | int, ...], *, key: bool = False) -> Mark:
        """The position of ``loc`` in this file."""
        if loc and loc[0] in ("body", "intro") and self.body_line:
            return Mark(self.body_line, 1)
        return self.located.mark(loc) if key else self.located.value_mark(loc)


class Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sink = DiagnosticSink()
        self.broken: set[str] = set()
        """Ids (``item:x``, ``organisations``) that exist but failed to load: references to
        them are not reported again, so one mistake gives one message."""
        self.invalid: list[tuple[str, Source, dict[str, Any]]] = []
        """Item and pakket files that failed validation, with their raw fields: their
        references are still checked, so no mistake waits for another to be fixed."""
        self.outside: set[Path] = set()
        """Paths already refused for leading outside the content folder: the check of
        every link (:func:`pakketbuild.loading.files.check_links`) does not report the
        links behind them a second time."""

    def show(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def display(self, path: Path) -> str:
        return (
            (Path(self.root.name) / self.show(path)).as_posix() if path != self.root else str(path)
        )

    def err(self, path: Path, mark: Mark, code: str, message: str, field: str = "") -> None:
        self.sink.error(self.display(path), mark.line, mark.col, code, message, field)

    # -- files --------------------------------------------------------------------------

    def read_text(self, path: Path) -> str | None:
        """The file's text (BOM removed, CRLF normalised), or None after reporting why not."""
        start = Mark(1, 1)
        # Resolved every time: a link to a folder (items/ -> /elsewhere) leads out too.
        info = confine(path, self.root)
        refused = info.reason if isinstance(info, Refused) else None
        if isinstance(info, Refused) and info.error is not None:  # Refusal.MISSING
            self.err(
                path,
                start,
                "unreadable-file",
                _(
                    "cannot read the file ({reason}); check that it exists and that you may read it"
                ).format(reason=os_reason(info.error)),
            )
            return None
        if refused is Refusal.DANGLING:
            self.err(
                path,
                start,
                "unreadable-file",
                _(
                    "this file is a link to a file that does not exist (or a loop of links); "
                    "replace the link with the file"
                ),
            )
            return None
        if refused is Refusal.OUTSIDE:
            self.outside.add(path)
            self.err(
                path,
                start,
                "path-outside-content",
                _(
                    "this file is (or lies in a folder that is) a link to a place outside the "
                    "content folder; copy the file into the content folder instead"
                ),
            )
            return None
        if not isinstance(info, Confined):
            self.err(path, start, "not-a-file", _("this is not a regular file; remove it"))
            return None
        if info.st_size > MAX_CONTENT_FILE:
            self.err(
                path,
                start,
                "file-too-large",
                _(
                    "the file is {size} bytes; content files may be at most {limit} bytes, "
                    "so split the text"
                ).format(size=f"{info.st_size:,}", limit=f"{MAX_CONTENT_FILE:,}"),
            )
            return None
        data = path.read_bytes()
        if not data.strip():
            self.err(path, start, "empty-file", _("the file is empty; add its fields or remove it"))
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            self.err(
                path,
                Mark(line, col),
                "invalid-utf8",
                _(
                    "the file is not valid UTF-8 text; save it as UTF-8 (in most editors: "
                    "'Save with encoding' → UTF-8)"
                ),
            )
            return None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        nul = text.find("\x00")
        if nul >= 0:
            line = text.count("\n", 0, nul) + 1
            col = nul - (text.rfind("\n", 0, nul) + 1) + 1
            self.err(
                path, Mark(line, col), "nul-byte", _("the file contains a NUL byte; remove it")
            )
            return None
        return text

    def yaml(self, path: Path, text: str, line_offset: int = 0) -> Located | None:
        try:
            return load_yaml(text, line_offset=line_offset)
        except YamlProblem as problem:
            self.err(path, Mark(problem.line, problem.col), problem.code, problem.message)
            return None

    def validate(
        self, model: type[M], data: Any, source: Source, *, field_prefix: tuple[str | int, ...] = ()
    ) -> M | None:
        if not isinstance(data, dict):
            self.err(
                source.path,
                source.at(()),
                "wrong-type",
                _("expected a block of fields (lines such as 'title: …'), found {found}").format(
                    found=_("nothing") if data is None else _("something else")
                ),
            )
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for problem in translate(exc, model):
                loc = (*field_prefix, *problem.loc)
                target = loc[:-1] if problem.code == "missing-field" else loc
                mark = source.at(target, key=problem.at_key)
                self.err(source.path, mark, problem.code, problem.message, field_name(loc))
            return None

    # -- front matter documents -----------------------------------------------------------

    def front_matter(self, path: Path, body_field: str) -> tuple[dict[str, Any], Source] | None:
        text = self.read_text(path)
        if text is None:
            return None
        lines = text.split("\n")
        if lines[0].rstrip() != "---":
            self.err(
                path,
                Mark(1, 1),
                "no-front-matter",
                _(
                    "the file must start with a line '---', then the fields (title: …), then a "
                    "line '---', then the text"
                ),
            )
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is None:
            self.err(
                path,
                Mark(1, 1),
                "no-front-matter",
                _(
                    "the fields that start on line 1 are never closed; add a line '---' "
                    "after the last field"
                ),
            )
            return None
        located = self.yaml(path, "\n".join(lines[1:end]) + "\n", line_offset=1)
        if located is None:
            return None
        source = Source(path, self.display(path), located, body_line=end + 2)
        if located.data is None:
            located.data = {}
        if not isinstance(located.data, dict):
            self.err(
                path,
                Mark(2, 1),
                "wrong-type",
                _("between the '---' lines there must be fields such as 'title: …'"),
            )
            return None
        if body_field in located.data:
            self.err(
                path,
                located.mark((body_field,)),
                "unknown-field",
                _(
                    "'{field}' is not written as a field: put the text below the closing '---' line"
                ).format(field=body_field),
                body_field,
            )
            return None
        body = "\n".join(lines[end + 1 :]).strip("\n")
        data = dict(located.data)
        data[body_field] = body
        return data, source

    def lint_markdown(self, source: Source, text: str, first_line: int, fieldname: str) -> None:
        for problem in markdown.lint(text):
            self.err(
                source.path,
                Mark(first_line + problem.line, 1),
                problem.code,
                problem.message,
                fieldname,
            )


def fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def markdown_files(reader: Reader, folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files: list[Path] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if not entry.name.endswith(".md"):
            reader.sink.warning(
                reader.display(path),
                1,
                1,
                "unexpected-file",
                _("only '.md' files are read in this folder; this file is ignored"),
            )
            continue
        files.append(path)
    return files
