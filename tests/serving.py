"""A running preview server for tests: ``with serving(preview) as served: ...``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from pakketbuild.preview import Preview
from pakketbuild.serve_http import PreviewServer, make_server


class Served(NamedTuple):
    base: str
    """``http://127.0.0.1:<port>``."""
    server: PreviewServer

    @property
    def editor(self) -> str:
        """The editor's address, with this run's secret (as ``serve`` prints it)."""
        return self.base + self.server.editor_path

    @property
    def api(self) -> str:
        """The address the editor posts to, with the secret."""
        return self.base + self.server.api_path


@contextmanager
def serving(preview: Preview, *, watch: bool = False) -> Iterator[Served]:
    """Build ``preview`` and serve it on a free loopback port; yields its base URL
    (``http://127.0.0.1:<port>``) and the server. With ``watch``, its file watcher runs
    too (started before the first build, as ``pakketbuild serve`` does). Everything stops
    on exit."""
    server = make_server(preview, "127.0.0.1", 0)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    if watch:
        watcher.start()
    preview.rebuild()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", server)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
        if watch:
            watcher.join(timeout=10)
