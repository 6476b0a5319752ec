"""Shared fixtures: the real content, small scenario trees, and built export trees."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# The messages' source language is English and most tests compare exact English texts
# (their ids in the catalogs). Dutch, the default for editors, is tested in
# tests/test_i18n.py with --lang nl / LANGUAGE=nl. Set here, so that subprocesses and
# pakketbuild.cli.main (which reads the locale variables) use English too.
os.environ["LANGUAGE"] = "en"

from pakketbuild.build import BuildOptions, build
from pakketbuild.i18n import set_language

set_language("en")

ROOT = Path(__file__).resolve().parent.parent
REAL_CONTENT = ROOT / "content"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _no_deploy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI job that publishes sets PAKKETBUILD_BASE_URL / PAKKETBUILD_PUBLISH (and a
    reproducible build SOURCE_DATE_EPOCH); the tests must not see them (they would change
    every build run through the CLI)."""
    monkeypatch.delenv("PAKKETBUILD_BASE_URL", raising=False)
    monkeypatch.delenv("PAKKETBUILD_PUBLISH", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def without_the_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """LibreOffice sees no Liberation font in this test (``FONTCONFIG_FILE``): documents
    must bring their own. Returns a folder for the converted files."""
    from tests.writers.font_tools import fontconfig_without_the_family

    return fontconfig_without_the_family(tmp_path, monkeypatch)


@pytest.fixture
def real_content() -> Path:
    """The repository's own content folder (read-only: copy it before changing)."""
    return REAL_CONTENT


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


@pytest.fixture
def make_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build a content folder into a fresh output folder and return that folder."""

    def _build(content: Path, formats: str = "html,json", **kwargs: object) -> Path:
        out = tmp_path_factory.mktemp("exports") / "exports"
        build(BuildOptions(content=content, out=out, formats=formats.split(","), **kwargs))  # type: ignore[arg-type]
        return out

    return _build


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built to HTML and JSON once per test session."""
    out = tmp_path_factory.mktemp("real-site") / "exports"
    build(BuildOptions(content=REAL_CONTENT, out=out, formats=["html", "json"]))
    return out


@pytest.fixture(scope="session")
def real_documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content built to every format once per test session."""
    out = tmp_path_factory.mktemp("real-docs") / "exports"
    build(
        BuildOptions(content=REAL_CONTENT, out=out, formats=["html", "json", "pdf", "docx", "odt"])
    )
    return out
