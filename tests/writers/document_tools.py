"""Helpers for the PDF and DOCX tests: render the scenario content and read PDFs back.

The real clients themselves (poppler, LibreOffice, the PDF/UA checkers) are run through
the harness in :mod:`tests.clients`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from pakketbuild.loader import load_content
from pakketbuild.publication import Publication, build_publication
from pakketbuild.writers import BuildContext, Job, Writer
from tests import clients

DATA = Path(__file__).resolve().parent.parent / "data"
SCENARIO = DATA / "documents"
"""Small content tree with steps, lists, a table, links and contacts."""
ROOT = DATA.parent.parent
REAL_CONTENT = ROOT / "content"


@cache
def publication(content: Path) -> Publication:
    return build_publication(load_content(content))


def render_all(writer: Writer, content: Path, template: bytes | None = None) -> dict[str, bytes]:
    """Every job of ``writer`` for ``content``: path → bytes."""
    pub = publication(content)
    inputs = {writer.name: template} if template is not None else {}
    ctx = BuildContext(formats=(writer.name,), inputs=inputs)
    return {job.path: writer.render(pub, ctx, job) for job in writer.jobs(pub, ctx)}


def job_for(writer: Writer, content: Path, subject: str) -> tuple[Publication, Job]:
    pub = publication(content)
    ctx = BuildContext(formats=(writer.name,))
    return pub, next(job for job in writer.jobs(pub, ctx) if job.subject == subject)


def poppler(tool: str) -> str:
    """A poppler-utils command (``pdffonts``, ``pdfinfo`` …): present when ``pdftotext`` is,
    as they come in one Debian package; skipped or failed like every client."""
    clients.require("pdftotext")
    path = shutil.which(tool)
    assert path is not None, f"{tool} is missing although pdftotext is installed"
    return path


def normalise(text: str) -> str:
    """Text with line-break hyphenation undone and all whitespace collapsed."""
    text = text.replace("\u00ad", "")
    text = re.sub(r"(\w)\u2010\n(\w)", r"\1\2", text)  # WeasyPrint's automatic hyphens
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    """The PDF's text as ``pdftotext`` (poppler) extracts it, normalised."""
    return normalise(clients.pdf_text(path))


def pdf_body_text(path: Path) -> str:
    """The text inside the A4 page margins only (running headers and footers left out, so
    a sentence that continues on the next page reads as one), normalised."""
    tool = poppler("pdftotext")
    crop = ["-x", "0", "-y", "70", "-W", "596", "-H", "708"]  # points: 24 mm / 22 mm margins
    result = subprocess.run(
        [tool, "-enc", "UTF-8", *crop, str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return normalise(result.stdout.decode("utf-8"))


def pdf_fonts(path: Path) -> list[str]:
    """Font names ``pdffonts`` lists (subset tags removed)."""
    tool = poppler("pdffonts")
    result = subprocess.run([tool, str(path)], capture_output=True, check=True, timeout=60)
    lines = result.stdout.decode().splitlines()[2:]
    return [line.split()[0].split("+", 1)[-1] for line in lines if line.strip()]
