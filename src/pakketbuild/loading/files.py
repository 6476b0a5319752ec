"""Loading, phase 4: files that content refers to (documents, the Word template):
present, inside the content folder (:func:`pakketbuild.confine.confine`), regular and
not too large. :func:`read_template` reads the Word template for the build with the same
checks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pakketbuild.confine import Confined, Refusal, Refused, confine
from pakketbuild.diagnostics import ContentError
from pakketbuild.i18n import _
from pakketbuild.loading.reading import MAX_DOCUMENT_FILE, Reader, Source
from pakketbuild.messages import field_name


def check_docx_template(reader: Reader, source: Source, value: str) -> None:
    """A Word template must be a real .docx/.dotx (a zip with a main document part)."""
    path = reader.root / value
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        reader.err(
            source.path,
            source.at(("docx_template",)),
            "invalid-template",
            _(
                "'{value}' is not a Word document (.docx or .dotx); open it in Word and save "
                "it again as 'Word-document (.docx)'"
            ).format(value=value),
            "docx_template",
        )


def check_document(reader: Reader, source: Source, loc: tuple[str | int, ...], value: str) -> bool:
    """Report a document path that is missing, leads out or is not a usable file;
    True when the file is fine."""
    mark = source.at(loc)
    name = field_name(loc)
    info = confine(reader.root / value, reader.root)
    refused = info.reason if isinstance(info, Refused) else None
    if refused is Refusal.MISSING:
        reader.err(
            source.path,
            mark,
            "missing-file",
            _(
                "the document '{value}' does not exist in the content folder; add it or fix "
                "the path"
            ).format(value=value),
            name,
        )
        return False
    if refused is Refusal.DANGLING:
        reader.err(
            source.path,
            mark,
            "missing-file",
            _(
                "the document '{value}' is a link to a file that does not exist (or a loop "
                "of links); replace the link with the file"
            ).format(value=value),
            name,
        )
        return False
    if refused is Refusal.OUTSIDE:
        reader.err(
            source.path,
            mark,
            "path-outside-content",
            _(
                "the document '{value}' leads outside the content folder (a link?); "
                "copy the file into the content folder"
            ).format(value=value),
            name,
        )
        return False
    if not isinstance(info, Confined):
        reader.err(
            source.path,
            mark,
            "not-a-file",
            _("'{value}' is not a regular file").format(value=value),
            name,
        )
        return False
    if info.st_size > MAX_DOCUMENT_FILE:
        reader.err(
            source.path,
            mark,
            "file-too-large",
            _("'{value}' is {size} bytes; documents may be at most {limit} bytes").format(
                value=value, size=f"{info.st_size:,}", limit=f"{MAX_DOCUMENT_FILE:,}"
            ),
            name,
        )
        return False
    return True


def read_template(root: Path, value: str, source: Source) -> bytes:
    """The bytes of the Word template that site.yaml names (``value``, at ``source``),
    checked again as ``check`` checks it, since the file may have changed after loading:
    a :class:`ContentError` with the same messages when it is missing, leads out of the
    content folder, is not a regular file, is too large or is no Word file."""
    reader = Reader(root)
    if check_document(reader, source, ("docx_template",), value):
        check_docx_template(reader, source, value)
    found = confine(root / value, root)
    if not reader.sink.errors and isinstance(found, Confined):
        return found.path.read_bytes()
    if not reader.sink.errors:  # changed again since the checks: say what it is now
        check_document(reader, source, ("docx_template",), value)
    raise ContentError(reader.sink.sorted())
