"""A running preview server for tests: ``with serving(preview) as base: ...``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pakketbuild.preview import Preview
from pakketbuild.serve_http import make_server


@contextmanager
def serving(preview: Preview, *, watch: bool = False) -> Iterator[str]:
    """Build ``preview`` and serve it on a free loopback port; yields the base URL
    (``http://127.0.0.1:<port>``). With ``watch``, its file watcher runs too (started
    before the first build, as ``pakketbuild serve`` does). Everything stops on exit."""
    server = make_server(preview, "127.0.0.1", 0)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    if watch:
        watcher.start()
    preview.rebuild()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
        if watch:
            watcher.join(timeout=10)
