"""Loading, phase 2: each file's own checks (id matches the file name, summary,
placeholders, the Markdown of bodies and steps), and the forked helper that runs the
Markdown checks of large content folders in a second process (:class:`LintElsewhere`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pakketbuild import markdown, placeholders
from pakketbuild.diagnostics import Diagnostic
from pakketbuild.gctools import gc_paused
from pakketbuild.i18n import _
from pakketbuild.loading.reading import ITEMS_DIR, Reader, Source
from pakketbuild.model import (
    Status,
)
from pakketbuild.processes import die_with_parent, may_fork, stop_pool
from pakketbuild.yamlsafe import Mark

PARALLEL_LINT_MIN_FILES = 400
"""With ``processes`` > 1, :func:`load_content` checks the Markdown of this many item files
or more partly in a second process (below, starting it costs more than it saves)."""
TEXTS_PER_ITEM = 2
"""Markdown texts per item file to plan for (its body and a step text or two), to tell
whether all of a build's texts fit in :data:`pakketbuild.markdown.TOKEN_CACHE_TEXTS`
(:func:`keeps_rendered`)."""


def keeps_rendered(files: int, rendering: bool) -> bool:
    """Whether loading ``files`` item files for a build keeps, right after each text's
    checks, what rendering reads of it (:func:`keep_rendered`): when the build renders
    and its texts do not all fit in the token cache, so their tokens would be let go
    before rendering and parsed again."""
    return rendering and files > markdown.TOKEN_CACHE_TEXTS // TEXTS_PER_ITEM


def check_id(reader: Reader, source: Source, data: dict[str, Any], path: Path) -> None:
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


def check_summary(reader: Reader, source: Source, data: dict[str, Any]) -> None:
    summary = data.get("summary")
    if isinstance(summary, str) and "\n\n" in summary.strip():
        reader.err(
            source.path,
            source.at(("summary",)),
            "invalid-value",
            _("the summary must be one paragraph (no empty line); move the rest to the text"),
            "summary",
        )


def check_placeholders(
    reader: Reader, source: Source, data: dict[str, Any], fields: tuple[str, ...]
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


def lint_item(reader: Reader, source: Source, data: dict[str, Any]) -> None:
    """The Markdown checks of one item file: its body and its step texts."""
    if isinstance(data.get("body"), str):
        reader.lint_markdown(source, data["body"], source.body_line, "body")
    _check_steps(reader, source, data)


class LintElsewhere:
    """The Markdown checks of some item files, run in a forked process while this one
    reads and validates every file: the checks parse every text, the largest part of
    loading (``check``, and builds too large to keep every text's tokens). The other
    process reads the same files (parsing their front matter too) and returns only the
    diagnostics of the checks, which then stand next to this process's own; ``sorted()``
    makes the order the same as in one process."""

    def __init__(self, root: Path, paths: list[Path], executor: Any, future: Any) -> None:
        self.root = root
        self.paths = set(paths)
        self.ordered = paths
        self.executor = executor
        self.future = future

    @classmethod
    def start(cls, root: Path, files: list[Path], rendering: bool = False) -> LintElsewhere | None:
        """The helper, or None when the checks run in this process: few files, no
        ``fork``, or (``rendering``) a build: the checks' parse is then the only parse of
        each text (every format and every forked worker reads the same tokens, or, for
        more texts than the token cache holds, what :func:`keep_rendered` kept of them),
        which saves more than the second process would (at 10,000 items: one parse per
        text instead of 1.9, and the same wall time)."""
        if len(files) < PARALLEL_LINT_MIN_FILES or not may_fork():
            return None
        if rendering:
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Two thirds of the files: this process also reads and validates all of them.
        paths = [path for index, path in enumerate(files) if index % 3]
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_lint_worker_init,
            initargs=(os.getpid(),),
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
        stop_pool(self.executor)


def _lint_worker_init(parent: int) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the loading process handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited by fork
    die_with_parent(parent)  # never outlive a loading process that was killed


def _lint_files(root: Path, paths: list[Path]) -> list[Diagnostic]:
    """The diagnostics of :func:`lint_item` for ``paths`` (nothing else: problems with
    reading or front matter are reported by the process that loads the content)."""
    reader = Reader(root)
    found: list[Diagnostic] = []
    with gc_paused():
        for path in paths:
            loaded = reader.front_matter(path, "body")
            if loaded is None:
                continue
            data, source = loaded
            before = len(reader.sink.items)
            lint_item(reader, source, data)
            found.extend(reader.sink.items[before:])
    return found


def keep_rendered(data: dict[str, Any]) -> None:
    """Render (and keep, see :func:`pakketbuild.markdown.keep_rendered`) the body and the
    step texts of an item file that :func:`lint_item` has just checked, from the tokens
    of that check."""
    texts = [data.get("body")]
    steps = data.get("steps")
    if isinstance(steps, list):
        texts += [step.get("text") for step in steps if isinstance(step, dict)]
    for text in texts:
        if isinstance(text, str):
            markdown.keep_rendered(text)


def _check_steps(reader: Reader, source: Source, data: dict[str, Any]) -> None:
    steps = data.get("steps")
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        if isinstance(step, dict) and isinstance(step.get("text"), str):
            mark = source.at(("steps", index, "text"))
            for problem in markdown.lint(step["text"]):
                reader.err(source.path, mark, problem.code, problem.message, f"steps[{index}].text")
