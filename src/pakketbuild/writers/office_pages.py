"""Page numbers for the contents lists of the Word and ODT documents, measured by LibreOffice.

python-docx and odfdo write a document; neither lays it out, so neither knows on which
page a heading lands. LibreOffice does. For every document with a contents list (a
pakket, a view's combined document) the writer hands the finished bytes to
:func:`contents_pages`; LibreOffice opens them, updates the contents index as a reader's
*Update* would (until the numbers stand still: an index that grows by a line can push
the headings on), and reports each entry with its page number. The writer then puts
those numbers into the entries it wrote itself — the document stays pakketbuild's,
LibreOffice only measures — so the file opens with page numbers and LibreOffice's own
update changes none of them.

How LibreOffice runs (``assets/office/contents_pages.py``, run by an interpreter with
LibreOffice's Python bridge, Debian's ``/usr/bin/python3`` with ``python3-uno``):

* **Once per process that needs it**, started at its first document and kept for the
  next ones; stopped at the end of the build (:meth:`Office.close`, called by the
  engine also when the build fails or is interrupted), or at the exit of a test process.
* **Private and offline**: ``soffice.bin`` headless with its own temporary user profile
  (no user settings, no lock files, nothing read from ``~/.config``), talking over a
  local pipe (no port is opened); documents are opened hidden without running macros,
  without updating links, with untrusted external references blocked.
* **Dies with its parent**: the helper runs in its own session (Ctrl-C reaches the build,
  which stops it), asks Linux to end it when its parent dies (also by SIGKILL), and stops
  LibreOffice and removes the profile when its input ends or it is told to stop.

Where LibreOffice or its Python bridge is not installed, :meth:`Office.state` says so
(the engine warns once per build) and the documents keep their titles without page
numbers. Which LibreOffice is installed (or that none is) is part of the cache key of the
documents it measures (:class:`~pakketbuild.writers.ToolState`), found without starting it.

Imported on every build (the no-op included): standard library only, and what only a
measurement needs (``subprocess``, ``select``, ``base64``) is imported when it runs.
"""

from __future__ import annotations

import atexit
import glob
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pakketbuild.diagnostics import PakketbuildError
from pakketbuild.i18n import _
from pakketbuild.writers import ToolState

SCRIPT = Path(__file__).resolve().parent.parent / "assets" / "office" / "contents_pages.py"
"""The helper that drives LibreOffice (run by an interpreter with the UNO bridge)."""
SYSTEM_PYTHON = "/usr/bin/python3"
"""Where Linux distributions install the interpreter their UNO bridge belongs to."""
UNO_MODULES = (
    "/usr/lib/python3/dist-packages/uno.py",  # Debian, Ubuntu (python3-uno)
    "/usr/lib/python3*/site-packages/uno.py",
    "/usr/lib64/python3*/site-packages/uno.py",  # Fedora (libreoffice-pyuno)
)
START_SECONDS = 180.0
"""At most this long for LibreOffice to start (the first start makes its profile)."""
DOCUMENT_SECONDS = 120.0
"""At most this long to lay out one document."""
NAME = "libreoffice"
"""LibreOffice's name in the manifest's ``versions``."""
OFFICE_LOG = "PAKKETBUILD_OFFICE_LOG"
"""Environment variable: when set, every start of LibreOffice and every document it
measured appends a JSON line to the file it names (event, process id, seconds), to see
what LibreOffice costs and in which processes it runs."""


class OfficeError(PakketbuildError):
    """LibreOffice is installed but could not lay out a document."""


@dataclass(frozen=True)
class Installation:
    """A LibreOffice that can measure: its program and an interpreter with its bridge."""

    binary: str
    """``soffice.bin`` (started directly, so that it is our child and dies with us)."""
    python: str
    version: str
    """``LibreOffice 7.4 40(Build:2)``: the product and build of the installation."""
    key: str
    """The version and the size and date of its main files (a package update changes
    them; the same package on two machines gives the same)."""


@dataclass(frozen=True)
class Missing:
    """What is missing for measuring: LibreOffice itself or its Python bridge."""

    bridge: bool
    """True when LibreOffice is there but its Python bridge (python3-uno) is not."""


def find() -> Installation | Missing:
    """The LibreOffice on ``PATH`` that can measure, found without starting it (a few
    ``stat`` calls and two small files: cheap enough for every build, the no-op too)."""
    return _look(os.environ.get("PATH", ""))


_pinned: Installation | Missing | None = None
"""What :meth:`Office.state` found for the running build: the documents are measured
with the LibreOffice their cache keys name (forked workers inherit it), even when one is
installed or removed while the build runs."""


def _look(path: str) -> Installation | Missing:
    found = shutil.which("soffice", path=path) or shutil.which("libreoffice", path=path)
    if found is None:
        return Missing(bridge=False)
    program = Path(os.path.realpath(found)).parent
    binary = program / "soffice.bin"
    if not binary.is_file():
        return Missing(bridge=False)
    bridge = [p for p in (program / "pyuno.so", program / "libpyuno.so") if p.is_file()]
    bundled = program / "python"  # LibreOffice's own builds bring their interpreter
    if bridge and bundled.is_file() and (program / "uno.py").is_file():
        python, module = bundled, program / "uno.py"
    else:
        modules = sorted(m for pattern in UNO_MODULES for m in glob.glob(pattern))
        if not bridge or not modules or not Path(SYSTEM_PYTHON).is_file():
            return Missing(bridge=True)
        python, module = Path(SYSTEM_PYTHON), Path(modules[0])
    version = _version(program)
    files = [binary, bridge[0], module, program / "libmergedlo.so", program / "libswlo.so"]
    stats = []
    for file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        stats.append(f"{file.name}:{info.st_size}:{info.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(stats).encode()).hexdigest()[:16]
    return Installation(str(binary), str(python), version, f"{version} {digest}")


def _version(program: Path) -> str:
    """``LibreOffice 7.4 40(Build:2)`` from the installation's own files (``bootstraprc``:
    the product, ``versionrc``: the build), without starting it."""
    values: dict[str, str] = {}
    for name in ("bootstraprc", "versionrc"):
        try:
            text = (program / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values.setdefault(key.strip().lower(), value.strip())
    product = values.get("productkey", "LibreOffice")
    build = values.get("buildid", "")
    return f"{product} {build}".strip()


# --------------------------------------------------------------------------- the tool


class Office:
    """LibreOffice as the outside program of the Word and ODT writers
    (:class:`~pakketbuild.writers.Tool`)."""

    def state(self) -> ToolState:
        global _pinned
        found = _pinned = find()
        if isinstance(found, Installation):
            return ToolState(key=found.key, label=found.version, name=NAME)
        if found.bridge:
            warning = _(
                "LibreOffice's Python bridge (python3-uno) is not installed: the contents "
                "lists of the Word and ODT documents show their titles without page numbers. "
                "For page numbers install the Debian package python3-uno "
                "(apt-get install python3-uno) and build again."
            )
        else:
            warning = _(
                "LibreOffice is not installed (no soffice on PATH): the contents lists of the "
                "Word and ODT documents show their titles without page numbers. For page "
                "numbers install the Debian packages libreoffice-writer-nogui and python3-uno "
                "(apt-get install libreoffice-writer-nogui python3-uno) and build again."
            )
        return ToolState(key="absent", warning=f"{_('warning')}: {warning}", name=NAME)

    def close(self) -> None:
        global _session, _pinned
        with _lock:
            session, _session, _pinned = _session, None, None
        if session is not None:
            session.close()


OFFICE = Office()


def contents_pages(data: bytes, extension: str, titles: Sequence[str]) -> list[str] | None:
    """The page number of each contents entry (``titles``, in order) of the document
    ``data`` (a file with ``extension``), as LibreOffice's own index update gives them;
    None when LibreOffice cannot measure here (not installed), or when its contents
    list does not hold every entry (the document then keeps its titles only). Raises
    :class:`OfficeError` when an installed LibreOffice fails twice."""
    found = _pinned if _pinned is not None else find()
    if not isinstance(found, Installation) or not titles:
        return None
    import base64

    request = json.dumps(
        {"extension": extension, "data": base64.b64encode(data).decode("ascii")}
    ).encode()
    started = time.perf_counter()
    with _lock:
        global _session
        for attempt in (1, 2):
            if _session is None or not _session.usable(found):
                if _session is not None:
                    _session.close()
                _session = _Session(found)
            try:
                reply = _session.ask(request)
                break
            except OfficeError:
                _session.close()
                _session = None
                if attempt == 2:
                    raise
    _log("document", started, bytes=len(data))
    return match_entries(titles, reply)


def _log(event: str, started: float, **details: object) -> None:
    if log := os.environ.get(OFFICE_LOG):
        seconds = round(time.perf_counter() - started, 3)
        line = {"event": event, "pid": os.getpid(), "seconds": seconds, **details}
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def match_entries(titles: Sequence[str], entries: Sequence[Sequence[str]]) -> list[str] | None:
    """The number of each title, taken in order from LibreOffice's ``(text, number)``
    entries (which may hold more: a template that gives another style an outline level);
    None when a title is not there or a number is not a page number."""
    numbers: list[str] = []
    rest = iter(entries)
    for title in titles:
        for text, number in rest:
            if _plain(text) == _plain(title):
                if not re.fullmatch(r"[0-9A-Za-z]{1,12}", number):
                    return None
                numbers.append(number)
                break
        else:
            return None
    return numbers


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


# --------------------------------------------------------------------------- the helper


_lock = threading.Lock()
_session: _Session | None = None


class _Session:
    """One helper process (and its LibreOffice) of this process."""

    def __init__(self, office: Installation) -> None:
        import subprocess

        self.office = office
        self.owner = os.getpid()
        self.buffer = b""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("PYTHON") and key != "VIRTUAL_ENV"
        }
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                [office.python, str(SCRIPT), office.binary, str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # Ctrl-C reaches the build, which stops it
                bufsize=0,
            )
        except OSError as exc:
            raise _failed(office, str(exc)) from None
        atexit.register(self.close)
        ready = self._read(START_SECONDS)
        if "ready" not in ready:
            self.close()
            raise _failed(office, str(ready.get("error", ready)))
        _log("start", started, version=ready["ready"])

    def usable(self, office: Installation) -> bool:
        """Started by this process (not inherited by a fork) for this installation."""
        return self.owner == os.getpid() and self.office == office and self.process.poll() is None

    def ask(self, request: bytes) -> list[list[str]]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(request + b"\n")
        except OSError as exc:
            raise _failed(self.office, str(exc)) from None
        reply = self._read(DOCUMENT_SECONDS)
        entries = reply.get("entries")
        if not isinstance(entries, list) or not all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(v, str) for v in e)
            for e in entries
        ):
            reason = _("it could not lay out a document: {detail}")
            raise _failed(self.office, reason.format(detail=reply.get("error", "?")))
        return entries

    def _read(self, seconds: float) -> dict[str, object]:
        """The helper's next reply (one JSON line)."""
        import select
        import subprocess

        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _failed(self.office, _("no answer after {seconds} s").format(seconds=seconds))
            ready, _w, _x = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                try:
                    code: int | str = self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    code = "?"
                raise _failed(self.office, _("it stopped (exit {code})").format(code=code))
            self.buffer += chunk
        line, _n, self.buffer = self.buffer.partition(b"\n")
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            return {"error": line[:200].decode("utf-8", "replace")}
        return reply

    def close(self) -> None:
        """End the helper: its input ends, so it stops LibreOffice and removes the profile;
        one that does not end soon is killed (LibreOffice with it: it dies with its
        parent)."""
        import subprocess

        atexit.unregister(self.close)
        if self.owner != os.getpid():
            return  # a forked copy: the process that started it stops it
        process = self.process
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            if process.stdout is not None:
                process.stdout.close()


def _failed(office: Installation, reason: str) -> OfficeError:
    return OfficeError(
        _(
            "{office} could not number the contents lists of the Word and ODT documents "
            "({reason}); build again, and if it fails again repair LibreOffice: apt-get "
            "install --reinstall libreoffice-writer-nogui python3-uno"
        ).format(office=office.version, reason=reason)
    )
