"""Golden files: the HTML and JSON export of ``tests/data/small`` compared file by file.

When a change to the output is intended, update the golden files and review the diff:

    PAKKETBUILD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/writers/test_golden.py

The update rewrites ``tests/golden/small/`` completely (files that are no longer built
are removed) and then fails the run on purpose, so an update is never mistaken for a pass.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from tests.writers.html_tools import GOLDEN_SMALL, SMALL, build_tree

UPDATE = os.environ.get("PAKKETBUILD_UPDATE_GOLDEN") == "1"


NOT_GOLDEN = {"README.md", "manifest.json"}
"""Not writer output (README) or owned and tested by the build engine (manifest)."""


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() not in NOT_GOLDEN
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _files(build_tree(SMALL, tmp_path_factory.mktemp("golden") / "exports"))


def _update_golden_files(built: dict[str, bytes]) -> None:
    shutil.rmtree(GOLDEN_SMALL, ignore_errors=True)
    for path, data in built.items():
        target = GOLDEN_SMALL / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    pytest.fail(f"golden files rewritten ({len(built)} files): review the diff and rerun")


if UPDATE:  # defined only when asked for, so a normal run has no permanent skip
    test_update_golden_files = _update_golden_files


def test_same_files_as_golden(built: dict[str, bytes]) -> None:
    if UPDATE:
        pytest.skip("updating golden files")
    assert GOLDEN_SMALL.is_dir(), "no golden files: run with PAKKETBUILD_UPDATE_GOLDEN=1"
    assert sorted(built) == sorted(_files(GOLDEN_SMALL))


def _golden_paths() -> list[str]:
    return sorted(_files(GOLDEN_SMALL)) if GOLDEN_SMALL.is_dir() else []


@pytest.mark.parametrize("path", _golden_paths())
def test_file_matches_golden(path: str, built: dict[str, bytes]) -> None:
    if UPDATE:
        pytest.skip("updating golden files")
    expected = (GOLDEN_SMALL / path).read_bytes()
    actual = built.get(path)
    assert actual is not None, f"{path} is no longer built"
    if actual != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8").splitlines(),
            actual.decode("utf-8").splitlines(),
            f"golden/{path}",
            f"built/{path}",
            lineterm="",
        )
        pytest.fail("\n".join(list(diff)[:80]) + "\n(update: PAKKETBUILD_UPDATE_GOLDEN=1)")
