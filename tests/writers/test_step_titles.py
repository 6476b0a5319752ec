"""Step titles are plain text in every format: '1. Bel 112' keeps its '1.'."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from tests.clients import require
from tests.content.tree import ITEM, write_tree

TITLES = ["1. Bel 112", "---", "*Niet* vet"]


@pytest.fixture
def built(tmp_path: Path, make_build: Callable[..., Path]) -> Path:
    steps = "".join(f"  - title: '{title}'\n" for title in TITLES)
    item = ITEM.replace("kind: scan", "kind: step-plan").replace(
        "status: gepubliceerd", f"steps:\n{steps}status: gepubliceerd"
    )
    root = write_tree(tmp_path / "content", {"items/woningscan.md": item})
    return make_build(root, "html,json,pdf,docx", jobs=1)


def test_docx_keeps_step_titles_as_written(built: Path) -> None:
    document = docx.Document(str(built / "downloads/items/woningscan.docx"))
    texts = [p.text for p in document.paragraphs]
    for title in TITLES:
        assert title in texts


@pytest.mark.clients
def test_pdf_keeps_step_titles_as_written(built: Path) -> None:
    require("pdftotext")
    # -layout: the default mode joins a line ending in '-' with the next one (dehyphenation).
    pdf = built / "downloads/items/woningscan.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for title in TITLES:
        assert title in text


def test_html_and_json_keep_step_titles_as_written(built: Path) -> None:
    page = (built / "items/woningscan/index.html").read_text(encoding="utf-8")
    api = (built / "api/v1/items/woningscan.json").read_text(encoding="utf-8")
    for title in TITLES:
        assert title in page
        assert f'"title": "{title}"' in api
