"""Which software made the files: the exact versions a partner needs to explain a difference.

Two builds of the same content give byte-identical files only with the same versions of
pakketbuild and of the libraries that shape the bytes (WeasyPrint lays out the PDF,
python-docx writes the Word files, markdown-it-py turns text into HTML). ``--version``
prints them and the manifest records them, so "why do these two builds differ?" has an
answer that needs no access to the machine that made them.

Read from the installed distributions' metadata: nothing is imported, so a no-op build
stays fast.
"""

from __future__ import annotations

from importlib import metadata

from pakketbuild import __version__

LIBRARIES: tuple[str, ...] = (
    "weasyprint",
    "pydyf",
    "python-docx",
    "odfdo",
    "markdown-it-py",
    "mdit-py-plugins",
    "jinja2",
    "pydantic",
)
"""Distributions whose version can change the bytes of an export, in display order.
Libraries that are not installed (an optional writer's) are left out."""


def versions() -> dict[str, str]:
    """``{distribution: version}`` for pakketbuild and every installed library above."""
    found = {"pakketbuild": __version__}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def version_text() -> str:
    """The text of ``pakketbuild --version``: one ``name version`` per line."""
    return "\n".join(f"{name} {version}" for name, version in versions().items())
