"""A built export of the views scenario tree (every format), shared by the view tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.views.trees import write_views_tree
from tests.writers.html_tools import build_tree


@pytest.fixture(scope="session")
def views_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_views_tree(tmp_path_factory.mktemp("views-content") / "content")


@pytest.fixture(scope="session")
def views_site(views_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario tree built to HTML, JSON, PDF, DOCX and ODT (once per session)."""
    out = tmp_path_factory.mktemp("views-site") / "exports"
    return build_tree(views_content, out, formats="html,json,pdf,docx,odt")
