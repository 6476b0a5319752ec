"""What every process pakketbuild starts needs: how many cores it may use, whether it
may fork, and that a helper dies with the process that started it.

Kept apart (and light) so that the loader's lint helper and the build's workers share
it without importing each other.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def cores() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def may_fork() -> bool:
    """``fork`` exists and this process runs no other thread (a thread holding a lock at
    the moment of the fork would leave it locked forever in the child; ``serve`` runs
    builds next to its web server)."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent (pid ``parent``) dies, even by
    SIGKILL; exit at once if it died before the request (between the fork and now)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover
        return
    if os.getppid() != parent:
        os._exit(1)


def stop_pool(executor: Any) -> None:
    """Stop a ``ProcessPoolExecutor`` now: cancel what has not started, terminate the
    processes that still run and wait (briefly) until they are gone."""
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def use_scratch(folder: str | None) -> None:
    """Make ``folder`` this process's temporary folder (``tempfile``), for a worker whose
    libraries leave temporary files until the process ends (WeasyPrint's fonts): worker
    processes end without exit handlers, so the build removes the folder after them."""
    if folder is not None:
        import tempfile

        tempfile.tempdir = folder
