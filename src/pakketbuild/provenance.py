"""Which software made the files: the exact versions a partner needs to explain a difference.

Two builds of the same content give byte-identical files only with the same versions of
pakketbuild and of the libraries that shape the bytes (WeasyPrint lays out the PDF,
python-docx writes the Word files, fontTools cuts the fonts they embed, markdown-it-py
turns text into HTML). ``--version``
prints them and the manifest records them, so "why do these two builds differ?" has an
answer that needs no access to the machine that made them.

Read from the names of the installed distributions' metadata folders
(``weasyprint-70.0.dist-info``), one ``listdir`` per ``sys.path`` entry: no library is
imported and ``importlib.metadata`` (≈ 25 ms to import) is not needed, so every command
starts as fast as before. The cache's code fingerprint lists the same folders.
"""

from __future__ import annotations

import os
import re
import sys

from pakketbuild import __version__

LIBRARIES: tuple[str, ...] = (
    "weasyprint",
    "pydyf",
    "python-docx",
    "odfdo",
    "fonttools",
    "markdown-it-py",
    "mdit-py-plugins",
    "jinja2",
    "pydantic",
)
"""Distributions whose version can change the bytes of an export, in display order.
Libraries that are not installed (an optional writer's) are left out."""

_SUFFIXES = (".dist-info", ".egg-info")


def installed_distributions() -> list[str]:
    """The metadata folders (``name-version.dist-info``) on ``sys.path``, in path order."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found.extend(name for name in names if name.endswith(_SUFFIXES))
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def versions() -> dict[str, str]:
    """``{distribution: version}`` for pakketbuild and every installed library above (the
    first one on ``sys.path`` where several are, as ``import`` would find it)."""
    installed: dict[str, str] = {}
    for folder in installed_distributions():
        stem = folder.rsplit(".", 1)[0]
        name, _, version = stem.rpartition("-")
        if name and version:
            installed.setdefault(_normalise(name), version)
    found = {"pakketbuild": __version__}
    for library in LIBRARIES:
        if library in installed:
            found[library] = installed[library]
    return found


def version_text() -> str:
    """The text of ``pakketbuild --version``: one ``name version`` per line."""
    return "\n".join(f"{name} {version}" for name, version in versions().items())
