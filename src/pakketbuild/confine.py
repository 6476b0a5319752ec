"""The one check that a file may be read: it stays inside an allowed folder.

A security boundary (SECURITY.md): everything that opens a file named by the content —
the loader (content files, documents), themes (fonts, logos), the Word template of
site.yaml and the WeasyPrint fetcher — asks :func:`confine` first. It follows every
symbolic link (a link to a folder, ``items/ -> /elsewhere``, leads out too), and admits
only a regular file: no folder, FIFO, device or socket, which could block a build or
stream without end.

The callers word their own messages (they differ per place and are translated
elsewhere); this module only says *why* a path is refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
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
