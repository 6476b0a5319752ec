"""The cache is checked on every read (issue 22): a damaged entry is a miss, never a
published file.

Once, one flipped byte in each cache file, ``exports/`` deleted and a new build published
153 HTML/JSON files correctly rebuilt and 93 PDF/DOCX/ODT files corrupt, with exit 0,
their corrupt checksums in ``manifest.json``, and the next build said everything was up to
date; truncated entries gave a 10-byte PDF. Here every format is built, the cache is
damaged in those ways (and others), ``exports/`` is deleted, and the next build must
publish exactly the bytes of a clean build, say once that the cache was damaged, and
leave a cache that restores the tree without rendering and without a word.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pakketbuild.cache import SEAL, seal, unseal
from pakketbuild.writers import FORMATS
from tests.content.tree import write_tree

from .helpers import manifest, run_build, tree_problems

ALL = ",".join(FORMATS)
DAMAGED = "damaged (changed or cut short)"


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _cut_to_10(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:10])


def _cut_the_seal(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: -SEAL.size])


def _cut_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "one flipped byte": _flip,
    "cut to 10 bytes": _cut_to_10,
    "the seal cut off": _cut_the_seal,
    "cut in half": _cut_half,
}


def _published(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """A content tree, the bytes of its clean build in every format, and that cache."""
    root = tmp_path_factory.mktemp("clean")
    content = write_tree(root / "content")
    out, cache = root / "exports", root / "cache"
    done = run_build(content, out, cache, ALL, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert tree_problems(out) == []
    return content, _published(out), cache


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_cache_is_a_miss_never_a_published_file(
    clean: tuple[Path, dict[str, str], Path], tmp_path: Path, how: str
) -> None:
    content, expected, clean_cache = clean
    cache = tmp_path / "cache"
    shutil.copytree(clean_cache, cache)
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    objects = [p for p in files if p.parent.parent.name == "objects"]
    assert objects and list((cache / "packs").glob("*.pack")) and list(cache.glob("state/*"))
    assert [p for p in expected if p.startswith("downloads/")]  # PDF, Word, ODT too
    for path in files:  # every cache file: objects, packs and their indexes, the state
        DAMAGE[how](path)
    out = tmp_path / "exports"  # exports/ deleted: everything must come from somewhere

    done = run_build(content, out, cache, ALL, "--jobs", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert _published(out) == expected  # byte for byte the clean build
    assert tree_problems(out) == []  # the manifest is of the bytes published
    lines = [line for line in done.stderr.splitlines() if DAMAGED in line]
    assert len(lines) == 1, done.stderr  # said once, even under --quiet
    assert str(cache) in lines[0]

    again = run_build(content, out, cache, ALL, "--jobs", "1")
    assert again.returncode == 0 and "up to date" in again.stderr, again.stderr
    # The damaged entries were replaced: without exports/, the cache restores the tree
    # without rendering a thing and without a word about damage.
    shutil.rmtree(out)
    restored = run_build(content, out, cache, ALL, "--jobs", "1", "--verbose")
    assert restored.returncode == 0, restored.stderr
    assert DAMAGED not in restored.stderr
    assert _published(out) == expected
    rendered = [line for line in restored.stderr.splitlines() if " rendered (" in line]
    assert rendered and all(", 0 rendered" in line for line in rendered), rendered


def test_an_intact_cache_restores_every_format_without_rendering(
    clean: tuple[Path, dict[str, str], Path], tmp_path: Path
) -> None:
    """The control: the same cache undamaged restores the same tree, silently."""
    content, expected, clean_cache = clean
    cache = tmp_path / "cache"
    shutil.copytree(clean_cache, cache)
    out = tmp_path / "exports"
    done = run_build(content, out, cache, ALL, "--jobs", "1")
    assert done.returncode == 0 and DAMAGED not in done.stderr, done.stderr
    assert _published(out) == expected
    rendered = [line for line in done.stderr.splitlines() if " rendered (" in line]
    assert rendered and all(", 0 rendered" in line for line in rendered), done.stderr
    assert manifest(out)["artifacts"]


def test_seal_and_unseal() -> None:
    data = b"%PDF-1.7 inhoud"
    sealed = seal(data)
    assert unseal(sealed) == data and len(sealed) == len(data) + SEAL.size
    assert unseal(sealed[:-1]) is None and unseal(sealed[1:]) is None
    assert unseal(data) is None and unseal(b"") is None
    flipped = bytearray(sealed)
    flipped[0] ^= 1
    assert unseal(bytes(flipped)) is None
    assert unseal(seal(b"")) == b""
