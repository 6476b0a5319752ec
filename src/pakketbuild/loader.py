"""Read and validate a content folder, reporting every problem with file, line and column.

Layout of a content folder::

    site.yaml              SiteConfig
    organisaties.yaml      OrganisationsFile
    items/<id>.md          Item: YAML front matter + Markdown body
    pakketten/<id>.md      Pakket: YAML front matter + Markdown intro
    withdrawn.yaml         WithdrawnFile: removed items kept as tombstones (optional)
    themes/<id>/tokens.json  a theme: W3C design tokens + font/logo files (optional)
    documenten/…           files that items refer to (optional)

:func:`load_content` reads everything, collects all diagnostics and either returns a
:class:`Content` or raises :class:`ContentError` with every problem found.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pakketbuild import markdown, placeholders, theme
from pakketbuild.diagnostics import ContentError, Diagnostic, DiagnosticSink, Severity
from pakketbuild.gctools import gc_paused
from pakketbuild.i18n import N_, _, os_reason
from pakketbuild.messages import field_name, translate
from pakketbuild.model import (
    SLUG_PATTERN,
    Audience,
    Item,
    Organisation,
    OrganisationsFile,
    Pakket,
    SiteConfig,
    Status,
    View,
    WithdrawnEntry,
    WithdrawnFile,
)
from pakketbuild.theme import Theme
from pakketbuild.yamlsafe import Located, Mark, YamlProblem, load_yaml

SITE_FILE = "site.yaml"
ORGANISATIONS_FILE = "organisaties.yaml"
ITEMS_DIR = "items"
PAKKETTEN_DIR = "pakketten"
WITHDRAWN_FILE = "withdrawn.yaml"
MAX_CONTENT_FILE = 1024 * 1024
"""Largest content file we read (1 MiB); real items are a few kilobytes."""
MAX_DOCUMENT_FILE = 50 * 1024 * 1024
"""Largest document file an item may refer to (50 MiB)."""

M = TypeVar("M", bound=BaseModel)

KIND_WORDS = {
    "item": N_("item"),
    "pakket": N_("pakket"),
    "organisation": N_("organisation"),
    "theme": N_("theme"),
}
"""What a reference points at, as a word in messages."""


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


@dataclass
class Content:
    """Everything in a content folder, validated."""

    root: Path
    site: SiteConfig
    organisations: dict[str, Organisation]
    items: dict[str, Item]
    pakketten: dict[str, Pakket]
    sources: dict[str, Source] = field(default_factory=dict)
    """Keyed ``item:<id>``, ``pakket:<id>``, ``organisation:<id>``, ``site``,
    ``withdrawn``, ``theme:<id>`` (its tokens.json) and ``theme-file:<id>:<name>`` (each
    font or logo file of a theme)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    themes: dict[str, Theme] = field(default_factory=dict)
    """Themes of ``content/themes/``, by id (the built-in default is not listed)."""
    withdrawn: dict[str, WithdrawnEntry] = field(default_factory=dict)
    """The register of removed items (``withdrawn.yaml``), by id."""

    def files(self) -> list[Path]:
        """Every content file that was read (for cache keys and watching)."""
        return sorted({source.path for source in self.sources.values()})


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sink = DiagnosticSink()
        self.broken: set[str] = set()
        """Ids (``item:x``, ``organisations``) that exist but failed to load: references to
        them are not reported again, so one mistake gives one message."""
        self.invalid: list[tuple[str, Source, dict[str, Any]]] = []
        """Item and pakket files that failed validation, with their raw fields: their
        references are still checked, so no mistake waits for another to be fixed."""

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
        try:
            info = path.lstat()
        except OSError as exc:
            self.err(
                path,
                start,
                "unreadable-file",
                _(
                    "cannot read the file ({reason}); check that it exists and that you may read it"
                ).format(reason=os_reason(exc)),
            )
            return None
        # Resolved every time: a link to a folder (items/ -> /elsewhere) leads out too.
        target = _resolve(path)
        if target is None:
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
        if not _inside(target, self.root):
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
        if stat.S_ISLNK(info.st_mode):
            info = target.stat()
        if not stat.S_ISREG(info.st_mode):
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


def _resolve(path: Path) -> Path | None:
    """``path`` with every link followed, or None for a dangling link or a loop of links."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


PARALLEL_LINT_MIN_FILES = 400
"""With ``processes`` > 1, :func:`load_content` checks the Markdown of this many item files
or more partly in a second process (below, starting it costs more than it saves)."""


def load_content(root: Path, *, processes: int = 1) -> Content:
    """Read and validate everything under ``root``; raise :class:`ContentError` on any error.

    ``processes`` > 1 allows a second process for the Markdown checks of large content
    folders (see :class:`_LintElsewhere`); the result is the same.
    """
    with gc_paused():
        return _load_content(root, processes)


def _load_content(root: Path, processes: int) -> Content:
    root = root.resolve()
    reader = _Reader(root)
    if not root.is_dir():
        raise ContentError(
            [
                Diagnostic(
                    str(root),
                    1,
                    1,
                    Severity.ERROR,
                    "no-content",
                    _(
                        "the content folder does not exist; run the command in the folder "
                        "that holds 'content/', or name the folder with --content"
                    ),
                )
            ]
        )
    try:
        os.listdir(root)
    except OSError as exc:  # a folder one may not open: every file would look missing
        raise ContentError(
            [
                Diagnostic(
                    str(root),
                    1,
                    1,
                    Severity.ERROR,
                    "no-content",
                    _(
                        "the content folder cannot be read ({reason}); ask for access to it, "
                        "or copy it to a folder of your own"
                    ).format(reason=os_reason(exc)),
                )
            ]
        ) from None
    sources: dict[str, Source] = {}

    site = _load_site(reader, root / SITE_FILE, sources)
    organisations = _load_organisations(reader, root / ORGANISATIONS_FILE, sources)
    items: dict[str, Item] = {}
    item_files = _markdown_files(reader, root / ITEMS_DIR)
    elsewhere = _LintElsewhere.start(root, item_files) if processes > 1 else None
    try:
        for path in item_files:
            loaded = reader.front_matter(path, "body")
            if loaded is None:
                reader.broken.add(f"item:{path.stem}")
                continue
            data, source = loaded
            item = reader.validate(Item, data, source)
            if item is None:
                reader.broken.add(f"item:{path.stem}")
                reader.invalid.append(("item", source, data))
            else:
                sources[f"item:{item.id}"] = source
                items[item.id] = item
            if elsewhere is None or path not in elsewhere.paths:
                _lint_item(reader, source, data)
            _check_summary(reader, source, data)
            _check_placeholders(reader, source, data, ("summary", "body"))
            _check_id(reader, source, data, path)
        if elsewhere is not None:
            reader.sink.extend(elsewhere.result())
    finally:
        if elsewhere is not None:
            elsewhere.close()
    pakketten: dict[str, Pakket] = {}
    for path in _markdown_files(reader, root / PAKKETTEN_DIR):
        loaded = reader.front_matter(path, "intro")
        if loaded is None:
            continue
        data, source = loaded
        pakket = reader.validate(Pakket, data, source)
        if pakket is not None:
            sources[f"pakket:{pakket.id}"] = source
            pakketten[pakket.id] = pakket
        else:
            reader.invalid.append(("pakket", source, data))
        if isinstance(data.get("intro"), str):
            reader.lint_markdown(source, data["intro"], source.body_line, "intro")
        _check_placeholders(reader, source, data, ("summary", "intro"))
        _check_id(reader, source, data, path)

    themes = _load_themes(reader, root, sources)
    withdrawn = _load_withdrawn(reader, root / WITHDRAWN_FILE, sources)

    _check_unique(reader, root, sources, items, "item")
    _check_unique(reader, root, sources, pakketten, "pakket")
    _cross_check(reader, site, organisations, items, pakketten, sources)
    _check_editions(reader, site, themes, items, withdrawn, sources)
    if site is not None and pakketten == {} and not reader.sink.errors:
        reader.err(
            root / PAKKETTEN_DIR,
            Mark(1, 1),
            "no-pakket",
            _("there is no pakket; add content/pakketten/<id>.md"),
        )
    if reader.sink.errors or site is None:
        if site is None and not reader.sink.errors:  # pragma: no cover - defensive
            reader.err(root / SITE_FILE, Mark(1, 1), "missing-file", _("site.yaml is missing"))
        raise ContentError(reader.sink.sorted())
    return Content(
        root=root,
        site=site,
        organisations=organisations,
        items=dict(sorted(items.items())),
        pakketten=dict(sorted(pakketten.items())),
        sources=sources,
        warnings=reader.sink.sorted(),
        themes=themes,
        withdrawn=withdrawn,
    )


def _markdown_files(reader: _Reader, folder: Path) -> list[Path]:
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


def _load_site(reader: _Reader, path: Path, sources: dict[str, Source]) -> SiteConfig | None:
    if not path.exists() and not path.is_symlink():
        reader.err(
            path,
            Mark(1, 1),
            "missing-file",
            _("site.yaml is missing; create it with at least 'title:' and 'id:'"),
        )
        return None
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    if located is None:
        return None
    source = Source(path, reader.display(path), located)
    sources["site"] = source
    return reader.validate(SiteConfig, located.data, source)


def _load_organisations(
    reader: _Reader, path: Path, sources: dict[str, Source]
) -> dict[str, Organisation]:
    if not path.exists() and not path.is_symlink():
        return {}
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    parsed = None
    if located is not None:
        source = Source(path, reader.display(path), located)
        parsed = reader.validate(OrganisationsFile, located.data, source)
    if located is None or parsed is None:
        reader.broken.add("organisations")
        return {}
    result: dict[str, Organisation] = {}
    seen: dict[str, str] = {}
    for index, org in enumerate(parsed.organisations):
        folded = _fold(org.id)
        if folded in seen:
            reader.err(
                path,
                located.value_mark(("organisations", index, "id")),
                "duplicate-id",
                _(
                    "the organisation id '{id}' is used twice; give each organisation its own id"
                ).format(id=org.id),
                f"organisations[{index}].id",
            )
            continue
        seen[folded] = org.id
        result[org.id] = org
        sources[f"organisation:{org.id}"] = source
    return dict(sorted(result.items()))


def _check_id(reader: _Reader, source: Source, data: dict[str, Any], path: Path) -> None:
    value = data.get("id")
    if isinstance(value, str) and value != path.stem:
        kind = "item" if path.parent.name == ITEMS_DIR else "pakket"
        reader.broken.update({f"{kind}:{path.stem}", f"{kind}:{value}"})
        reader.err(
            path,
            source.at(("id",)),
            "id-mismatch",
            _(
                "the id '{id}' differs from the file name '{file}'; rename the file to "
                "'{id}.md' or change the id to '{stem}'"
            ).format(id=value, file=path.name, stem=path.stem),
            "id",
        )


def _check_summary(reader: _Reader, source: Source, data: dict[str, Any]) -> None:
    summary = data.get("summary")
    if isinstance(summary, str) and "\n\n" in summary.strip():
        reader.err(
            source.path,
            source.at(("summary",)),
            "invalid-value",
            _("the summary must be one paragraph (no empty line); move the rest to the text"),
            "summary",
        )


def _check_placeholders(
    reader: _Reader, source: Source, data: dict[str, Any], fields: tuple[str, ...]
) -> None:
    """A published file must not keep the example text that ``pakketbuild new`` wrote."""
    if data.get("status") != Status.GEPUBLICEERD.value:
        return
    for name in fields:
        text = data.get(name)
        if not isinstance(text, str):
            continue
        for sentence in placeholders.SENTENCES:
            at = text.find(sentence)
            if at < 0:
                continue
            if name in ("body", "intro") and source.body_line:
                mark = Mark(source.body_line + text.count("\n", 0, at), 1)
            else:
                mark = source.at((name,))
            reader.err(
                source.path,
                mark,
                "placeholder-text",
                _(
                    "the example text '{text}' is still here, but the status is "
                    "'gepubliceerd'; replace it with your own text (or set the status back "
                    "to 'concept')"
                ).format(text=sentence if len(sentence) <= 50 else sentence[:47] + "..."),
                name,
            )
            break


def _lint_item(reader: _Reader, source: Source, data: dict[str, Any]) -> None:
    """The Markdown checks of one item file: its body and its step texts."""
    if isinstance(data.get("body"), str):
        reader.lint_markdown(source, data["body"], source.body_line, "body")
    _check_steps(reader, source, data)


class _LintElsewhere:
    """The Markdown checks of some item files, run in a forked process while this one
    reads and validates every file: the checks parse every text once more, the largest
    part of loading. The other process reads the same files (parsing their front matter
    too) and returns only the diagnostics of the checks, which then stand next to this
    process's own; ``sorted()`` makes the order the same as in one process."""

    def __init__(self, root: Path, paths: list[Path], executor: Any, future: Any) -> None:
        self.root = root
        self.paths = set(paths)
        self.ordered = paths
        self.executor = executor
        self.future = future

    @classmethod
    def start(cls, root: Path, files: list[Path]) -> _LintElsewhere | None:
        if len(files) < PARALLEL_LINT_MIN_FILES or not may_fork():
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Two thirds of the files: this process also reads and validates all of them.
        paths = [path for index, path in enumerate(files) if index % 3]
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_lint_worker_init,
        )
        try:
            future = executor.submit(_lint_files, root, paths)
        except Exception:
            executor.shutdown(wait=False, cancel_futures=True)
            return None
        return cls(root, paths, executor, future)

    def result(self) -> list[Diagnostic]:
        """The other process's diagnostics; if it failed, the checks run here instead."""
        try:
            diagnostics: list[Diagnostic] = self.future.result()
        except Exception:
            diagnostics = _lint_files(self.root, self.ordered)
        return diagnostics

    def close(self) -> None:
        """Let the other process end (stop it at once when loading stopped early)."""
        if self.future.done():
            self.executor.shutdown(wait=True)
            return
        processes = list(getattr(self.executor, "_processes", {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def may_fork() -> bool:
    """``fork`` exists and this process runs no other thread (a thread holding a lock at
    the moment of the fork would leave it locked forever in the child; ``serve`` runs
    builds next to its web server)."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _lint_worker_init() -> None:
    import signal

    from pakketbuild.build import _die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the loading process handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited by fork
    _die_with_parent()  # never outlive a loading process that was killed


def _lint_files(root: Path, paths: list[Path]) -> list[Diagnostic]:
    """The diagnostics of :func:`_lint_item` for ``paths`` (nothing else: problems with
    reading or front matter are reported by the process that loads the content)."""
    reader = _Reader(root)
    found: list[Diagnostic] = []
    with gc_paused():
        for path in paths:
            loaded = reader.front_matter(path, "body")
            if loaded is None:
                continue
            data, source = loaded
            before = len(reader.sink.items)
            _lint_item(reader, source, data)
            found.extend(reader.sink.items[before:])
    return found


def _check_steps(reader: _Reader, source: Source, data: dict[str, Any]) -> None:
    steps = data.get("steps")
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        if isinstance(step, dict) and isinstance(step.get("text"), str):
            mark = source.at(("steps", index, "text"))
            for problem in markdown.lint(step["text"]):
                reader.err(source.path, mark, problem.code, problem.message, f"steps[{index}].text")


def _check_unique(
    reader: _Reader, root: Path, sources: dict[str, Source], models: dict[str, Any], kind: str
) -> None:
    seen: dict[str, str] = {}
    for key in sorted(models):
        folded = _fold(key)
        if folded in seen:
            source = sources[f"{kind}:{key}"]
            reader.err(
                source.path,
                source.at(("id",)),
                "duplicate-id",
                _("the {kind} id '{id}' is also used by '{other}'; ids must be unique").format(
                    kind=_(KIND_WORDS[kind]), id=key, other=seen[folded]
                ),
                "id",
            )
        seen[folded] = key


def _ref_error(
    reader: _Reader,
    source: Source,
    loc: tuple[str | int, ...],
    value: str,
    what: str,
    known: Iterable[str],
) -> None:
    if "organisations" in reader.broken and what == "organisation":
        return
    if f"{what}:{value}" in reader.broken:
        return
    # Files that exist but have other errors are candidates for "did you mean" too.
    failed = [b.split(":", 1)[1] for b in reader.broken if b.startswith(f"{what}:")]
    guess = difflib.get_close_matches(value, sorted({*known, *failed}), n=1)
    hint = (
        _("did you mean '{guess}'?").format(guess=guess[0])
        if guess
        else _("add the {kind} or fix the id").format(kind=_(KIND_WORDS[what]))
    )
    reader.err(
        source.path,
        source.at(loc),
        "unknown-reference",
        _("there is no {kind} with id '{id}'; {hint}").format(
            kind=_(KIND_WORDS[what]), id=value, hint=hint
        ),
        field_name(loc),
    )


def _cross_check(
    reader: _Reader,
    site: SiteConfig | None,
    organisations: dict[str, Organisation],
    items: dict[str, Item],
    pakketten: dict[str, Pakket],
    sources: dict[str, Source],
) -> None:
    if site is not None and site.publisher and site.publisher not in organisations:
        _ref_error(
            reader, sources["site"], ("publisher",), site.publisher, "organisation", organisations
        )
    # Like a document: check reports a template that is missing, leads out or is no Word
    # file, not only the build (which refuses it again before reading it).
    if (
        site is not None
        and site.docx_template is not None
        and _check_document(reader, sources["site"], ("docx_template",), site.docx_template)
    ):
        _check_docx_template(reader, sources["site"], site.docx_template)
    for item in items.values():
        source = sources[f"item:{item.id}"]
        for index, org in enumerate(item.providers):
            if org not in organisations:
                _ref_error(reader, source, ("providers", index), org, "organisation", organisations)
        for index, ref in enumerate(item.related):
            if ref not in items:
                _ref_error(reader, source, ("related", index), ref, "item", items)
            elif ref == item.id:
                reader.err(
                    source.path,
                    source.at(("related", index)),
                    "invalid-value",
                    _("an item cannot be related to itself; remove this entry"),
                    f"related[{index}]",
                )
        if item.replaced_by is not None and item.replaced_by not in items:
            _ref_error(reader, source, ("replaced_by",), item.replaced_by, "item", items)
        for index, document in enumerate(item.documents):
            if document.path is not None:
                _check_document(reader, source, ("documents", index, "path"), document.path)
    for kind, source, data in reader.invalid:
        _check_raw_references(reader, kind, source, data, organisations, items)
    view_ids = {view.id for view in site.views} if site is not None else set()
    for pakket in pakketten.values():
        source = sources[f"pakket:{pakket.id}"]
        if pakket.id in view_ids:
            # views/<id>/downloads/<id>.pdf is the view's combined document
            reader.err(
                source.path,
                source.at(("id",)),
                "duplicate-id",
                _(
                    "'{id}' is also the id of a view in site.yaml; the view's own "
                    "document would have the same file name as this pakket's. Rename the "
                    "pakket (file name and id) or the view"
                ).format(id=pakket.id),
                "id",
            )
        if pakket.publisher not in organisations:
            _ref_error(
                reader, source, ("publisher",), pakket.publisher, "organisation", organisations
            )
        seen: set[str] = set()
        for index, ref in enumerate(pakket.items):
            if ref in seen:
                reader.err(
                    source.path,
                    source.at(("items", index)),
                    "duplicate-id",
                    _("the item '{id}' is listed twice in this pakket; keep one").format(id=ref),
                    f"items[{index}]",
                )
            seen.add(ref)
            target = items.get(ref)
            if target is None:
                _ref_error(reader, source, ("items", index), ref, "item", items)
            elif pakket.status is Status.GEPUBLICEERD and target.status is not Status.GEPUBLICEERD:
                reader.err(
                    source.path,
                    source.at(("items", index)),
                    "unpublished-item",
                    _(
                        "the item '{id}' has status '{status}', so it cannot be in a "
                        "published pakket; set its status to 'gepubliceerd' or remove it here"
                    ).format(id=ref, status=target.status),
                    f"items[{index}]",
                )


_REFERENCE_FIELDS = {
    "item": (("providers", "organisation"), ("related", "item"), ("replaced_by", "item")),
    "pakket": (("publisher", "organisation"), ("items", "item")),
}
"""The fields of a file that name other files, and what they name."""


def _check_raw_references(
    reader: _Reader,
    kind: str,
    source: Source,
    data: dict[str, Any],
    organisations: dict[str, Organisation],
    items: dict[str, Item],
) -> None:
    """References in a file that failed validation for other reasons. Only values that are
    well-formed ids are looked up: a value that is itself wrong was reported already."""
    for name, target in _REFERENCE_FIELDS[kind]:
        value = data.get(name)
        entries: list[tuple[tuple[str | int, ...], Any]]
        if isinstance(value, list):
            entries = [((name, index), entry) for index, entry in enumerate(value)]
        else:
            entries = [((name,), value)]
        known: dict[str, Any] = organisations if target == "organisation" else items
        for loc, entry in entries:
            if isinstance(entry, str) and _is_slug(entry) and entry not in known:
                _ref_error(reader, source, loc, entry, target, known)


def _check_docx_template(reader: _Reader, source: Source, value: str) -> None:
    """A Word template must be a real .docx/.dotx (a zip with a main document part)."""
    path = reader.root / value
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        reader.err(
            source.path,
            source.at(("docx_template",)),
            "invalid-template",
            _(
                "'{value}' is not a Word document (.docx or .dotx); open it in Word and save "
                "it again as 'Word-document (.docx)'"
            ).format(value=value),
            "docx_template",
        )


def _check_document(
    reader: _Reader, source: Source, loc: tuple[str | int, ...], value: str
) -> bool:
    """Report a document path that is missing, leads out or is not a usable file;
    True when the file is fine."""
    path = reader.root / value
    mark = source.at(loc)
    name = field_name(loc)
    if not path.exists() and not path.is_symlink():
        reader.err(
            source.path,
            mark,
            "missing-file",
            _(
                "the document '{value}' does not exist in the content folder; add it or fix "
                "the path"
            ).format(value=value),
            name,
        )
        return False
    resolved = _resolve(path)
    if resolved is None:
        reader.err(
            source.path,
            mark,
            "missing-file",
            _(
                "the document '{value}' is a link to a file that does not exist (or a loop "
                "of links); replace the link with the file"
            ).format(value=value),
            name,
        )
        return False
    if not _inside(resolved, reader.root):
        reader.err(
            source.path,
            mark,
            "path-outside-content",
            _(
                "the document '{value}' leads outside the content folder (a link?); "
                "copy the file into the content folder"
            ).format(value=value),
            name,
        )
        return False
    info = resolved.stat()
    if not stat.S_ISREG(info.st_mode):
        reader.err(
            source.path,
            mark,
            "not-a-file",
            _("'{value}' is not a regular file").format(value=value),
            name,
        )
        return False
    if info.st_size > MAX_DOCUMENT_FILE:
        reader.err(
            source.path,
            mark,
            "file-too-large",
            _("'{value}' is {size} bytes; documents may be at most {limit} bytes").format(
                value=value, size=f"{info.st_size:,}", limit=f"{MAX_DOCUMENT_FILE:,}"
            ),
            name,
        )
        return False
    return True


# --------------------------------------------------------------------------- views, themes,
# withdrawn items


def _load_themes(reader: _Reader, root: Path, sources: dict[str, Source]) -> dict[str, Theme]:
    """Every theme under ``themes/``, validated (contrast included)."""
    folder = root / theme.THEMES_DIR
    if not folder.is_dir():
        return {}
    themes: dict[str, Theme] = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        theme_dir = Path(entry.path)
        path = theme_dir / theme.TOKENS_FILE
        name = entry.name
        if not _is_slug(name):
            reader.err(
                theme_dir,
                Mark(1, 1),
                "invalid-id",
                _(
                    "the theme folder '{name}' is not a valid id: use lower-case letters a-z, "
                    "digits and single hyphens"
                ).format(name=name),
            )
            continue
        reader.broken.add(f"theme:{name}")  # until it loads
        if not path.exists() and not path.is_symlink():
            reader.err(
                path,
                Mark(1, 1),
                "missing-file",
                _("the theme '{name}' has no {file}; add the design tokens there").format(
                    name=name, file=theme.TOKENS_FILE
                ),
            )
            continue
        text = reader.read_text(path)
        if text is None:
            continue
        loaded, problems = theme.parse_theme(name, text, theme_dir, root)
        for problem in problems:
            reader.err(
                problem.path or path,
                Mark(problem.line, problem.col),
                problem.code,
                problem.message,
                problem.field,
            )
        if loaded is None:
            continue
        reader.broken.discard(f"theme:{name}")
        themes[name] = loaded
        sources[f"theme:{name}"] = Source(path, reader.display(path), Located(None))
        for file_name, file_path in loaded.files().items():
            sources[f"theme-file:{name}:{file_name}"] = Source(
                file_path, reader.display(file_path), Located(None)
            )
    return themes


def _is_slug(value: str) -> bool:
    return re.fullmatch(SLUG_PATTERN, value) is not None and len(value) <= 80


def _load_withdrawn(
    reader: _Reader, path: Path, sources: dict[str, Source]
) -> dict[str, WithdrawnEntry]:
    if not path.exists() and not path.is_symlink():
        return {}
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    if located is None:
        return {}
    source = Source(path, reader.display(path), located)
    parsed = reader.validate(WithdrawnFile, located.data, source)
    if parsed is None:
        return {}
    sources["withdrawn"] = source
    result: dict[str, WithdrawnEntry] = {}
    for index, entry in enumerate(parsed.withdrawn):
        if entry.id in result:
            reader.err(
                path,
                located.value_mark(("withdrawn", index, "id")),
                "duplicate-id",
                _("'{id}' is listed twice; keep one entry").format(id=entry.id),
                f"withdrawn[{index}].id",
            )
            continue
        result[entry.id] = entry
    return result


def _check_view_items(
    reader: _Reader, source: Source, index: int, view: View, items: dict[str, Item]
) -> None:
    """A view's ``items`` (the order of its combined document): known items, each once,
    each for at least one of the view's audiences."""
    listed: set[str] = set()
    scope = {a.value for a in view.audiences}
    for position, item_id in enumerate(view.items):
        loc: tuple[str | int, ...] = ("views", index, "items", position)
        if item_id in listed:
            reader.err(
                source.path,
                source.at(loc),
                "duplicate-id",
                _("'{id}' is listed twice in the items of view '{view}'; keep one").format(
                    id=item_id, view=view.id
                ),
                field_name(loc),
            )
            continue
        listed.add(item_id)
        item = items.get(item_id)
        if item is None:
            _ref_error(reader, source, loc, item_id, "item", items)
        elif scope.isdisjoint(a.value for a in item.audiences):
            reader.err(
                source.path,
                source.at(loc),
                "invalid-value",
                _(
                    "'{id}' is not for this view's audiences ({audiences}), so it cannot be "
                    "in its document; remove it from the list or add one of those audiences "
                    "to the item"
                ).format(id=item_id, audiences=", ".join(sorted(scope))),
                field_name(loc),
            )


def _check_editions(
    reader: _Reader,
    site: SiteConfig | None,
    themes: dict[str, Theme],
    items: dict[str, Item],
    withdrawn: dict[str, WithdrawnEntry],
    sources: dict[str, Source],
) -> None:
    """Views, themes, the withdrawn register and audience passages."""
    known_themes = sorted({*themes, theme.DEFAULT_THEME})
    if site is not None:
        source = sources["site"]
        if site.theme is not None and site.theme not in known_themes:
            _ref_error(reader, source, ("theme",), site.theme, "theme", known_themes)
        seen: set[str] = set()
        for index, view in enumerate(site.views):
            if view.id in seen:
                reader.err(
                    source.path,
                    source.at(("views", index, "id")),
                    "duplicate-id",
                    _("the view id '{id}' is used twice; give each view its own id").format(
                        id=view.id
                    ),
                    f"views[{index}].id",
                )
            seen.add(view.id)
            if view.theme is not None and view.theme not in known_themes:
                _ref_error(
                    reader, source, ("views", index, "theme"), view.theme, "theme", known_themes
                )
            _check_view_items(reader, source, index, view, items)
    if withdrawn:
        source = sources["withdrawn"]
        for index, entry in enumerate(withdrawn.values()):
            if entry.id in items or f"item:{entry.id}" in reader.broken:
                reader.err(
                    source.path,
                    source.at(("withdrawn", index, "id")),
                    "duplicate-id",
                    _(
                        "'{id}' is listed as withdrawn, but items/{id}.md still "
                        "exists; remove the file, or remove this entry and give the item "
                        "'status: gearchiveerd'"
                    ).format(id=entry.id),
                    f"withdrawn[{index}].id",
                )
            if entry.replaced_by is not None and entry.replaced_by not in items:
                _ref_error(
                    reader,
                    source,
                    ("withdrawn", index, "replaced_by"),
                    entry.replaced_by,
                    "item",
                    items,
                )
    for item in items.values():
        source = sources[f"item:{item.id}"]
        for line, names in markdown.passages(item.body):
            others = [n for n in names if n in {a.value for a in Audience}]
            stray = [n for n in others if n not in item.audiences]
            if stray and source.body_line:
                reader.sink.warning(
                    source.display,
                    source.body_line + line,
                    1,
                    "passage-audience",
                    _(
                        "this passage is for {stray}, but the item is not "
                        "(audiences: {audiences}); add the audience to "
                        "'audiences' or remove it here"
                    ).format(stray=", ".join(stray), audiences=", ".join(item.audiences)),
                    "body",
                )
