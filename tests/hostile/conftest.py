"""Fixtures for the hostile-input tests: trees made from a case, a previous good export."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pakketbuild.build import BuildOptions, build
from tests.content.tree import ITEM, write_tree
from tests.hostile.cases import SECRET, Case


def make_outside(root: Path) -> Path:
    """A folder beside the content that no build may read: a secret and a valid item."""
    outside = root / "buiten"
    (outside / "items").mkdir(parents=True, exist_ok=True)
    (outside / "geheim.txt").write_text(SECRET, encoding="utf-8")
    (outside / "geheim.css").write_text(
        f'body::after {{ content: "{SECRET}"; }}\n', encoding="utf-8"
    )
    (outside / "items" / "woningscan.md").write_text(ITEM, encoding="utf-8")
    return outside


def make_tree(case: Case, root: Path) -> tuple[Path, Path]:
    """The content folder of ``case`` under ``root`` (and the outside folder)."""
    outside = make_outside(root)
    content = write_tree(root / "content", case.files)
    if case.setup is not None:
        case.setup(content, outside)
    return content, outside


def tree_hash(folder: Path) -> dict[str, str]:
    """Relative path → sha256 (folders as ``dir``) of everything under ``folder``."""
    result: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file():
            result[rel] = "dir" if path.is_dir() else "other"
        else:
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


@pytest.fixture(scope="session")
def good_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good HTML + JSON build of the minimal tree: the export a failed build must keep."""
    root = tmp_path_factory.mktemp("good")
    content = write_tree(root / "content")
    out = root / "exports"
    build(
        BuildOptions(
            content=content,
            out=out,
            formats=["html", "json"],
            cache_dir=root / "cache",
            jobs=1,
            verbosity="quiet",
        )
    )
    return out


@pytest.fixture
def previous_export(good_export: Path, tmp_path: Path) -> Path:
    """A copy of the good export in this test's folder, as the build's ``--out``."""
    out = tmp_path / "exports"
    shutil.copytree(good_export, out, symlinks=True)
    return out
