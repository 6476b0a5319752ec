"""The print stylesheet: a pakket page printed from the browser is at most one page longer
than the pakket's PDF (no forced page per item)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest

from tests import clients


@pytest.mark.clients
def test_a_printed_pakket_page_is_at_most_one_page_longer_than_its_pdf(
    real_documents: Path, tmp_path: Path
) -> None:
    clients.require("chromium")
    pages = sorted(real_documents.glob("*/index.html"))
    pakketten = [
        p for p in pages if (real_documents / "downloads" / f"{p.parent.name}.pdf").exists()
    ]
    assert pakketten
    for page in pakketten:
        printed = tmp_path / f"{page.parent.name}.pdf"
        with tempfile.TemporaryDirectory(prefix="pakketbuild-chromium-") as profile:
            subprocess.run(
                [
                    str(clients.CHROMIUM),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    f"--user-data-dir={profile}",
                    "--no-pdf-header-footer",
                    f"--print-to-pdf={printed}",
                    page.as_uri(),
                ],
                capture_output=True,
                check=True,
                timeout=120,
            )
        with pikepdf.open(printed) as pdf:
            printed_pages = len(pdf.pages)
        with pikepdf.open(real_documents / "downloads" / f"{page.parent.name}.pdf") as pdf:
            pdf_pages = len(pdf.pages)
        assert printed_pages <= pdf_pages + 1, (page.parent.name, printed_pages, pdf_pages)
