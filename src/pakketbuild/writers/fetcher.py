"""The confined URL fetcher WeasyPrint uses for every resource of a PDF.

WeasyPrint's default fetcher reads any URL it is given: ``http(s)`` on the network and
any ``file:`` on the machine (``<link rel=attachment href=file:///etc/passwd>`` would be
embedded in the PDF). :class:`ConfinedFetcher` serves only

* files of the package's own ``assets/`` folder (fonts, the PDF stylesheet),
* regular files inside the content folder (``file:`` URLs, or ``pakketbuild-content:``
  URLs relative to it, which the PDF's HTML uses so its bytes do not depend on where
  the folder is: :func:`pakketbuild.confine.content_url`), and
* ``data:`` URLs of an SVG, PNG or JPEG image in base64 (the colophon's QR code, made by
  the writer: such a URL carries its bytes and reads nothing; the content cannot place
  one, as Markdown images and raw HTML are refused),

after resolving symbolic links, and refuses everything else with a
:class:`~pakketbuild.diagnostics.ContentError` that names the content file the PDF was
made from. The fetcher is created with ``fail_on_errors=True`` so that a refusal stops
the render instead of becoming a WeasyPrint warning and a silently incomplete PDF.

weasyprint is imported here, so only the PDF writer imports this module.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

from pakketbuild import mediatypes
from pakketbuild.confine import (
    CONTENT_SCHEME,
    MAX_DOCUMENT_FILE,
    Confined,
    Refusal,
    Refused,
    confine,
)
from pakketbuild.diagnostics import ContentError, Diagnostic, Severity

ASSETS = Path(__file__).resolve().parent.parent / "assets"
"""The package's own assets folder."""
_DATA_MEDIA_TYPES = frozenset({mediatypes.SVG, mediatypes.PNG, mediatypes.JPEG})
"""What a ``data:`` URL may hold: an image."""


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint fetcher that reads only package assets and files inside the content.

    ``source`` is the content file the document is made from, as shown to the user
    (``content/items/woningscan.md``); every refusal is reported against it.
    """

    def __init__(self, *, content_root: Path, source: str, assets: Path = ASSETS) -> None:
        super().__init__(allowed_protocols=None, allow_redirects=False, fail_on_errors=True)
        self.content_root = content_root.resolve()
        self.assets = assets.resolve()
        self.source = source

    # WeasyPrint calls fetch() for stylesheets, fonts, images and attachments alike.
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            data, media_type = self._data(url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type})
        path = self.resolve(url)
        data = path.read_bytes()
        headers = {"Content-Type": mediatypes.of_name(path.name)}
        return URLFetcherResponse(path.as_uri(), data, headers)

    def _data(self, url: str) -> tuple[bytes, str]:
        """The bytes and media type of a ``data:`` URL of an image in base64."""
        header, comma, payload = url[5:].partition(",")
        media_type, _, encoding = header.partition(";")
        if comma and encoding == "base64" and media_type in _DATA_MEDIA_TYPES:
            try:
                return base64.b64decode(payload, validate=True), media_type
            except ValueError:
                pass
        self._refuse(
            "remote-resource",
            f"the PDF would load '{_short(url)}'; only images made by pakketbuild can be "
            "given inline",
        )

    def resolve(self, url: str) -> Path:
        """The local file ``url`` stands for, or a :class:`ContentError` saying why not."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            self._refuse(
                "remote-resource",
                f"the PDF would load '{_short(url)}' from the internet; PDFs may only use "
                "files from the content folder",
            )
        if scheme == CONTENT_SCHEME:
            return self._confined(url, self.content_root / url2pathname(parts.path))
        if scheme != "file":
            self._refuse(
                "remote-resource",
                f"the PDF would load '{_short(url)}'; only files from the content folder "
                "can be used",
            )
        if parts.netloc not in ("", "localhost"):
            self._refuse(
                "remote-resource",
                f"the PDF would load '{_short(url)}' from another machine; only files from "
                "the content folder can be used",
            )
        return self._confined(url, Path(url2pathname(parts.path)))

    def _confined(self, url: str, path: Path) -> Path:
        raw = unquote(urlsplit(url).path)
        if any(segment == ".." for segment in raw.split("/")):
            self._refuse(
                "path-outside-content",
                f"'{_short(url)}' uses '..' to leave its folder; PDFs may only use files "
                "inside the content folder",
            )
        found = confine(path, (self.assets, self.content_root))
        refused = found.reason if isinstance(found, Refused) else None
        if refused in (Refusal.MISSING, Refusal.DANGLING):
            self._refuse("missing-file", f"the file '{_short(url)}' does not exist")
        if refused is Refusal.OUTSIDE:
            via_link = path.is_relative_to(self.content_root) or path.is_relative_to(self.assets)
            reason = (
                "is a link to a place outside the content folder"
                if via_link
                else "is outside the content folder"
            )
            self._refuse(
                "path-outside-content",
                f"the file '{_short(url)}' {reason}; PDFs may only use files inside the "
                "content folder (copy the file into it)",
            )
        if not isinstance(found, Confined):
            self._refuse("not-a-file", f"'{_short(url)}' is not a regular file")
        if found.st_size > MAX_DOCUMENT_FILE:
            self._refuse(
                "file-too-large",
                f"'{_short(url)}' is {found.st_size:,} bytes; files used in a PDF may be at "
                f"most {MAX_DOCUMENT_FILE:,} bytes",
            )
        return found.path

    def _refuse(self, code: str, message: str) -> NoReturn:
        raise ContentError([Diagnostic(self.source, 1, 1, Severity.ERROR, code, message)])


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."
