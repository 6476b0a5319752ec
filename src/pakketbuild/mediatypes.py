"""Media types and the names of file types: one table for all of pakketbuild.

:data:`FILE_TYPES` holds every file type that pakketbuild writes, copies, serves or names
in its documents: the media type, the file name suffixes and how readers name the type.
Everything else looks a type up here:

* the export's own files (pages, stylesheets, API documents, feeds, schemas, sitemap, host
  headers) by their media type's constant (:data:`HTML`, :data:`FEED` …), in their jobs,
  links and headers;
* files by name (:func:`of_name`): a theme's fonts and logo, the files a build copies or
  hands to WeasyPrint, the files ``serve`` answers with;
* the file type of an item's document (its ``media_type``) by the names readers see:
  :func:`label` on the web page (``PDF``, ``Word``, ``webpagina``), :func:`short_name` in
  the PDF, Word and ODT documents (``pdf``, ``docx``, ``webpagina``);
* a download format's files: its :class:`~pakketbuild.writers.Format` names its media
  type here (``media_type=mediatypes.PDF``); the extension and the label of its
  downloads are that file type's (:func:`file_type`).

A fixed table rather than :mod:`mimetypes`, which reads the machine's ``/etc/mime.types``:
the same file gets the same type on every machine.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    """One file type."""

    media_type: str
    suffixes: tuple[str, ...] = ()
    """File name suffixes, lower case with the dot; the first is the usual one. Empty
    for a type whose files have a more general type's suffix (a JSON Feed is a ``.json``)."""
    label: str | None = None
    """How a reader names the type, in Dutch (``PDF``, ``Word``, ``webpagina``): on the
    web page beside an item's document, in download links and feed attachments."""
    short: str | None = None
    """The short name in the PDF, Word and ODT documents when it is not the usual suffix
    (:attr:`short_name`)."""

    @property
    def extension(self) -> str | None:
        """The usual suffix without its dot (``pdf``), when the type has one."""
        return self.suffixes[0].removeprefix(".") if self.suffixes else None

    @property
    def short_name(self) -> str:
        """The short name in the documents: :attr:`short`, else the usual suffix without
        its dot (``pdf``, ``docx``), else the media type's subtype."""
        return self.short or self.extension or self.media_type.split("/")[-1]


# The export's own files.
HTML = "text/html"
CSS = "text/css"
JSON = "application/json"
FEED = "application/feed+json"
"""A JSON Feed (``feeds/*.json``)."""
ATOM = "application/atom+xml"
SCHEMA = "application/schema+json"
"""A JSON Schema (``api/v1/schema/*.json``)."""
XML = "application/xml"
"""The sitemap."""
TEXT = "text/plain"
"""Also the host headers file ``_headers``."""
# The download formats' files (each named by its Format in the registry).
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
# Theme files, the editor's files, and documents that items name.
SVG = "image/svg+xml"
PNG = "image/png"
JPEG = "image/jpeg"
JAVASCRIPT = "text/javascript"
YAML = "text/yaml"
"""The browser editor's ``config.yml``."""
OCTET_STREAM = "application/octet-stream"
"""Bytes of no known type."""

FILE_TYPES: tuple[FileType, ...] = (
    FileType(HTML, (".html", ".htm"), "webpagina", short="webpagina"),
    FileType(CSS, (".css",)),
    FileType(JSON, (".json",)),
    FileType(FEED),
    FileType(ATOM, (".atom",)),
    FileType(SCHEMA),
    FileType(XML, (".xml",)),
    FileType(TEXT, (".txt",), "tekst"),
    FileType(PDF, (".pdf",), "PDF"),
    FileType(DOCX, (".docx",), "Word"),
    FileType(ODT, (".odt",), "OpenDocument"),
    FileType(SVG, (".svg",), "SVG"),
    FileType(PNG, (".png",), "PNG"),
    FileType(JPEG, (".jpg", ".jpeg"), "JPEG"),
    FileType("font/ttf", (".ttf",)),
    FileType("font/otf", (".otf",)),
    FileType("font/woff", (".woff",)),
    FileType("font/woff2", (".woff2",)),
    FileType(JAVASCRIPT, (".js", ".mjs")),
    FileType(YAML, (".yml", ".yaml")),
    FileType("text/csv", (".csv",), "CSV"),
    FileType("application/msword", (".doc",), "Word"),
    FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"
    ),
    FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        "PowerPoint",
    ),
)
"""Every file type pakketbuild knows, one row each."""

_BY_MEDIA_TYPE = {t.media_type: t for t in FILE_TYPES}
_BY_SUFFIX = {suffix: t for t in FILE_TYPES for suffix in t.suffixes}


def of_name(name: str) -> str:
    """The media type of a file name (:data:`OCTET_STREAM` when the suffix is unknown)."""
    found = _BY_SUFFIX.get(posixpath.splitext(name)[1].lower())
    return found.media_type if found is not None else OCTET_STREAM


def file_type(media_type: str) -> FileType | None:
    """The known file type of a media type (parameters such as ``charset`` ignored)."""
    return _BY_MEDIA_TYPE.get(media_type.split(";")[0].strip().lower())


def label(media_type: str) -> str:
    """How a reader names a document's file type: ``application/pdf`` → ``PDF``; a type
    without a name is shown as it is written."""
    known = file_type(media_type)
    return known.label if known is not None and known.label else media_type


def short_name(media_type: str | None) -> str | None:
    """The short name of a document's file type in the PDF, Word and ODT documents:
    ``application/pdf`` → ``pdf``, ``text/html`` → ``webpagina``; an unknown type by its
    subtype."""
    if media_type is None:
        return None
    known = file_type(media_type)
    return known.short_name if known is not None else media_type.split("/")[-1]
