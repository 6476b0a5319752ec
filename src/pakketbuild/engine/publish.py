"""Publishing a build: the output folder is replaced as a whole, atomically.

The new tree is assembled in a staging folder beside the output folder
(:data:`STAGING_PREFIX`) and exchanged with it in one ``renameat2(RENAME_EXCHANGE)``
call, so a reader always sees the previous complete tree or the new complete tree.
Leftovers of a build that was killed are removed (or moved back) by the next build. One
build at a time runs beside the same output folder (:func:`locked`), and SIGTERM is
handled like Ctrl-C (:func:`interruptible`). Test hooks: :func:`checkpoint`.

Imported by every build, including a no-op: standard library only.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from pakketbuild.i18n import _

if TYPE_CHECKING:
    from pakketbuild.report import Reporter

STAGING_PREFIX = ".pakketbuild-staging-"
OLD_PREFIX = ".pakketbuild-old-"
MANIFEST = "manifest.json"
KEEP_FILES = ("README.md",)
"""Files in the output folder that are not build output and survive a build."""


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (same file, same mtime); copy when impossible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_kept(out: Path, staging: Path) -> None:
    for name in KEEP_FILES:
        source = out / name
        if source.is_file() and not (staging / name).exists():
            link_or_copy(source, staging / name)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux") or os.environ.get("PAKKETBUILD_TEST_NO_EXCHANGE"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    code = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if code == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def swap(staging: Path, out: Path, salvage: Callable[[Path], None] | None = None) -> None:
    """Replace ``out`` by ``staging``; ``salvage`` may take files out of the old tree
    before it is removed.

    Where the file system can exchange two folders atomically (Linux: ext4, xfs, btrfs,
    tmpfs …), readers see the old tree until the instant they see the new one, and the
    old tree ends up under the staging name, removed at once or by the next build.
    Elsewhere two renames leave a moment without ``out``; a build killed in that moment
    leaves ``OLD_PREFIX…`` behind, which the next build moves back first.
    """
    if out.exists():
        if _exchange(staging, out):
            if salvage is not None:
                salvage(staging)
            shutil.rmtree(staging, ignore_errors=True)
            return
        old = out.parent / f"{OLD_PREFIX}{out.name}-{os.getpid()}"
        os.replace(out, old)
        checkpoint("between-renames")
        os.replace(staging, out)
        if salvage is not None:
            salvage(old)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)


def checkpoint(name: str) -> None:
    """Test hook: with ``PAKKETBUILD_TEST_HOLD=<name>`` the build announces the point on
    stderr and waits there, so tests can kill it at exactly that moment."""
    if os.environ.get("PAKKETBUILD_TEST_HOLD") == name:
        print(f"pakketbuild-test: holding at {name}", file=sys.stderr, flush=True)
        time.sleep(60)


def clean_leftovers(out: Path) -> None:
    """Remove staging folders of interrupted builds; restore ``out`` if a swap was cut short."""
    for prefix in (OLD_PREFIX, STAGING_PREFIX):
        for leftover in sorted(out.parent.glob(f"{prefix}{out.name}-*")):
            if prefix == OLD_PREFIX and not out.exists():
                os.replace(leftover, out)
                continue
            shutil.rmtree(leftover, ignore_errors=True)


# --------------------------------------------------------------------------- signals, lock


class BuildTerminated(KeyboardInterrupt):
    """SIGTERM during a build: handled like Ctrl-C (staging removed, exports untouched)."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM into an exception while the build runs, so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise BuildTerminated()

    previous: Callable[[int, FrameType | None], Any] | int | None
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def locked(folder: Path, reporter: Reporter) -> Iterator[None]:
    """One build at a time beside the same output folder (another one waits): an
    ``flock`` on the folder that holds the output and staging folders. Nothing is
    created for it, so a build that fails early leaves no trace."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            reporter.step(_("waiting for another build in the same folder …"))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
