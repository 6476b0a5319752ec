"""Loading, phase 4: files that content refers to (documents, the Word template):
present, inside the content folder (:func:`pakketbuild.confine.confine`), regular and
not too large (:func:`read_template` reads the Word template for the build with the
same checks); and every symbolic link in the content folder, dot-files included, that
leads outside it (:func:`check_links`).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from pakketbuild.confine import Confined, Refusal, Refused, confine
from pakketbuild.diagnostics import ContentError
from pakketbuild.i18n import _
from pakketbuild.loading.reading import MAX_DOCUMENT_FILE, Reader, Source
from pakketbuild.messages import field_name
from pakketbuild.yamlsafe import Mark


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
        reader.outside.add(reader.root / value)
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


def check_links(reader: Reader) -> None:
    """Refuse every symbolic link in the content folder that leads outside it, read or
    not, dot-files and links to nothing included: a link nobody reads today is where a
    later write lands (the browser editor's old temporary name, planted as
    ``items/.woningscan.md.cms-tmp -> ../../Makefile``, once wrote the editor's text
    there). Links already refused where they are read or named are not reported again."""
    root = reader.root
    for path in _links(root):
        if path in reader.outside or any(path in p.parents for p in reader.outside):
            continue
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a loop of links: it leads nowhere
            continue
        if target.is_relative_to(root):
            continue
        try:
            shown = os.readlink(path)
        except OSError:  # pragma: no cover - it was a link a moment ago
            shown = str(target)
        reader.err(
            path,
            Mark(1, 1),
            "path-outside-content",
            _(
                "this is a link to '{target}', outside the content folder; remove the link, "
                "or put the file itself in the content folder"
            ).format(target=shown[:200]),
        )


def _links(root: Path) -> list[Path]:
    """Every symbolic link under ``root`` (links to folders are not entered), sorted."""
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                found.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return sorted(found)
