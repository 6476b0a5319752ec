"""The code fingerprint is remembered in a long-lived process, but never past a change."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from pakketbuild import cache


def test_the_code_fingerprint_follows_every_change_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pakketbuild"
    (package / "templates").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "build.py").write_text("x = 1\n", encoding="utf-8")
    (package / "templates" / "item.html").write_text("<p>{{ x }}</p>\n", encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_ROOT", package)
    monkeypatch.setattr(cache, "_code_memo", None)
    hashed: list[Path] = []
    hash_tree = cache.hash_tree

    def counting(root: Path, **kwargs: Any) -> dict[str, str]:
        hashed.append(root)
        return hash_tree(root, **kwargs)

    monkeypatch.setattr(cache, "hash_tree", counting)
    first = cache.code_fingerprint()
    assert cache.code_fingerprint() == first
    assert hashed == [package]  # the second time from memory
    (package / "__pycache__" / "build.cpython-311.pyc").write_bytes(b"compiled")
    assert cache.code_fingerprint() == first  # byte code is not the code
    seen = {first}
    template = package / "templates" / "item.html"
    for change in (
        lambda: template.write_text("<p>{{ y }}</p>\n", encoding="utf-8"),  # same size
        lambda: (package / "templates" / "new.html").write_text("", encoding="utf-8"),
        lambda: (package / "templates" / "new.html").unlink(),
        lambda: (package / "fonts").mkdir(),
        lambda: (package / "fonts" / "a.woff2").write_bytes(b"font"),
    ):
        # A later edit: file times tick with the kernel's clock (a few ms), not per write.
        time.sleep(0.03)
        change()
        now = cache.code_fingerprint()
        assert now == cache.code_fingerprint()
        seen.add(now)
    # New fingerprints but for removing the file added just before, and an empty folder.
    assert len(seen) == 4
    monkeypatch.setattr(cache, "_code_memo", None)
    assert cache.code_fingerprint() == now  # the same as hashing from scratch
