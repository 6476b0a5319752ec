"""What a build tells the user while it runs: a progress bar on a terminal, one plain
line per step elsewhere (CI logs), nothing but errors under ``--quiet``, and every
artifact under ``--verbose``.

Everything goes to stderr; stdout stays free for machine-readable output. ``rich`` is
imported only when a progress bar is actually shown.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

Verbosity = Literal["quiet", "normal", "verbose"]


class Reporter:
    """Plain text, one line per step (used without a terminal, e.g. in CI)."""

    def __init__(self, verbosity: Verbosity = "normal", stream: TextIO | None = None) -> None:
        self.verbosity = verbosity
        self.stream = stream if stream is not None else sys.stderr

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def step(self, text: str) -> None:
        """A step of the build (loading, publishing …)."""
        if self.verbosity != "quiet":
            self._line(text)

    def warning(self, text: str) -> None:
        if self.verbosity != "quiet":
            self._line(text)

    def alert(self, text: str) -> None:
        """What the user must hear even under ``--quiet``: the machine did not do its
        part (a cache that could not be written, or was damaged), though the build
        succeeded."""
        self._line(text)

    def start(self, totals: dict[str, int]) -> None:
        """Rendering starts; ``totals`` is the number of artifacts per format."""

    def artifact(self, fmt: str, path: str, status: str) -> None:
        """One artifact is done; ``status`` is ``written``, ``reused`` or ``unchanged``."""
        if self.verbosity == "verbose":
            self._line(f"  {status:9} {path}")

    def format_done(self, fmt: str, text: str) -> None:
        self.step(f"{fmt}: {text}")

    def close(self) -> None:
        """Rendering is over (successfully or not)."""


class RichReporter(Reporter):
    """A progress bar per format on a terminal."""

    def __init__(self, verbosity: Verbosity = "normal", stream: TextIO | None = None) -> None:
        super().__init__(verbosity, stream)
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def _line(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            super()._line(text)

    def start(self, totals: dict[str, int]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self._progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        self._progress.start()
        for fmt, total in totals.items():
            self._tasks[fmt] = self._progress.add_task(fmt, total=total)

    def artifact(self, fmt: str, path: str, status: str) -> None:
        super().artifact(fmt, path, status)
        if self._progress is not None and fmt in self._tasks:
            self._progress.advance(self._tasks[fmt])

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def make_reporter(verbosity: Verbosity = "normal", progress: bool | None = None) -> Reporter:
    """A rich progress bar when stderr is a terminal (unless ``progress`` says otherwise
    or the build is quiet), plain lines otherwise."""
    if progress is None:
        progress = sys.stderr.isatty()
    if progress and verbosity != "quiet":
        return RichReporter(verbosity)
    return Reporter(verbosity)
