"""The one check that a file may be read or written: it stays inside an allowed folder.

A security boundary (SECURITY.md): everything that opens a file named by the content —
the loader (content files, documents), themes (fonts, logos), the Word template of
site.yaml and the WeasyPrint fetcher — asks :func:`confine` first. It follows every
symbolic link (a link to a folder, ``items/ -> /elsewhere``, leads out too), and admits
only a regular file: no folder, FIFO, device or socket, which could block a build or
stream without end.

What writes into the content folder (the browser editor's local backend) is stricter: it
follows no link at all. :func:`open_folder` opens the folder a file goes into one level
at a time without following a link, and :func:`unlinked` says whether a path reaches a
regular file with no link on the way (what ``confine`` admits, and nothing it had to
follow to get there).

The callers word their own messages (they differ per place and are translated
elsewhere); this module only says *why* a path is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote

MAX_DOCUMENT_FILE = 50 * 1024 * 1024
"""Largest document file an item may refer to (50 MiB); the loader and the PDF fetcher
refuse larger ones."""


CONTENT_SCHEME = "pakketbuild-content"
"""URLs of content files in a PDF's HTML: ``pakketbuild-content:themes/x/logo.png``.
WeasyPrint names a raster image in the PDF after a hash of its URL, so a ``file:`` URL
would make the bytes depend on where ``content/`` is on disk; this one does not."""


def content_url(path: Path, content_root: Path) -> str:
    """The folder-independent URL of a file inside the content folder."""
    relative = path.resolve().relative_to(content_root.resolve())
    return f"{CONTENT_SCHEME}:{quote(relative.as_posix())}"


class Refusal(Enum):
    """Why :func:`confine` refuses a path, in the order it checks."""

    MISSING = "missing"
    """Nothing at the path (not even a link)."""
    DANGLING = "dangling"
    """A link to nothing, or a loop of links."""
    OUTSIDE = "outside"
    """The path, once every link is followed, lies outside every allowed folder."""
    NOT_A_FILE = "not-a-file"
    """A folder, FIFO, device or socket."""
    LINK = "link"
    """A symbolic link on the way (only for :func:`open_folder` and :func:`unlinked`,
    which follow none)."""


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    error: OSError | None = None
    """What the system said about a :attr:`Refusal.MISSING` path."""


@dataclass(frozen=True)
class Confined:
    """A regular file inside an allowed folder."""

    path: Path
    """The path with every link followed."""
    st_size: int


def confine(path: Path, roots: Path | Iterable[Path]) -> Confined | Refused:
    """``path`` as a regular file inside one of ``roots`` (folders already resolved), or
    why not. Nothing is opened: the caller reads ``Confined.path``."""
    allowed = (roots,) if isinstance(roots, Path) else tuple(roots)
    try:
        info = path.lstat()
    except OSError as exc:
        return Refused(Refusal.MISSING, exc)
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Refused(Refusal.DANGLING)
    if not any(target.is_relative_to(root) for root in allowed):
        return Refused(Refusal.OUTSIDE)
    if stat.S_ISLNK(info.st_mode):
        info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        return Refused(Refusal.NOT_A_FILE)
    return Confined(target, info.st_size)


class Confinement(Exception):
    """:func:`open_folder` refuses the way to a folder; ``reason`` says why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def open_folder(root: Path, parts: Sequence[str], *, create: bool = False) -> int:
    """A descriptor (the caller closes it) of the folder ``root/parts…``, opened one level
    at a time with ``O_NOFOLLOW``, so no symbolic link on the way is followed even if one
    appears while this runs; with ``create``, missing folders are made. ``parts`` are
    plain names (no ``/``, ``.`` or ``..``: the caller's syntax check). Raises
    :class:`Confinement` for a link (:attr:`Refusal.LINK`), something that is not a
    folder (:attr:`Refusal.NOT_A_FILE`) or a missing folder (:attr:`Refusal.MISSING`)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(root, flags)
    try:
        for part in parts:
            if part in ("", ".", "..") or "/" in part or "\x00" in part:
                raise Confinement(Refusal.OUTSIDE)
            try:
                child = os.open(part, flags, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise Confinement(Refusal.MISSING) from None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
                child = _open_child(part, flags, fd)
            except OSError as exc:
                raise _refusal(exc, part, fd) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_child(part: str, flags: int, fd: int) -> int:
    try:
        return os.open(part, flags, dir_fd=fd)
    except OSError as exc:
        raise _refusal(exc, part, fd) from None


def _refusal(exc: OSError, part: str, fd: int) -> Exception:
    """Why the folder ``part`` (in the folder ``fd``) could not be opened without
    following a link (``O_NOFOLLOW`` with ``O_DIRECTORY`` says ``ENOTDIR`` for a link)."""
    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
        return exc
    try:
        info = os.stat(part, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return exc
    return Confinement(Refusal.LINK if stat.S_ISLNK(info.st_mode) else Refusal.NOT_A_FILE)


def unlinked(path: Path, root: Path) -> Confined | Refused:
    """:func:`confine` for a file that is written: ``path`` (absolute, below ``root``,
    which is resolved) must be a regular file inside ``root`` that is reached without
    following any link, as a file the editor just wrote must be (:attr:`Refusal.LINK`
    when ``confine`` had to follow one)."""
    found = confine(path, root)
    if isinstance(found, Confined) and found.path != path:
        return Refused(Refusal.LINK)
    return found
