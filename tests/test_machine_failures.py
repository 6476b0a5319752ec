"""Failures of the machine, not of the content: a full disk, no permission, a read-only
disk, a content folder that is missing or unreadable. Each gives one Dutch line that names
the path and says what to do, exit code 1, no traceback, and leaves the output folder as
it was. Real mechanisms: a small tmpfs (filled up, or remounted read-only) and a non-root
user (root would bypass file permissions)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.content.tree import write_tree

NOBODY = 65534
ROOT_ONLY = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="mounting a tmpfs and switching to another user needs root",
)


def _run(
    argv: list[str], *, user: int | None = None, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pakketbuild", *argv]
    if user is not None:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is needed to run as another user")
        command = [setpriv, f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    env = {**os.environ, "LANGUAGE": "nl"}
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _one_dutch_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith("fout: "), line
    for needle in needles:
        assert needle in line, line
    for bad in ("Traceback", "Error", "bug", "Errno"):
        assert bad not in line, line
    return line


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pakketbuild-machine-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder / "disk")], capture_output=True)
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def _build(content: Path, out: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(
        ["build", "--content", str(content), "--out", str(out), "--cache-dir", str(cache),
         "--formats", "html,json", "-q", *extra]
    )  # fmt: skip


@ROOT_ONLY
def test_a_full_disk(shared_dir: Path) -> None:
    content = write_tree(shared_dir / "content")
    disk = shared_dir / "disk"
    _mount_tmpfs(disk, "2m")
    out = disk / "exports"
    assert _build(content, out, shared_dir / "cache").returncode == 0
    before = _tree_hash(out)
    with (disk / "vulling").open("wb") as filler:  # fill what is left of the disk
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    result = _build(content, out, shared_dir / "cache", "--force")
    _one_dutch_line(result, "de schijf is vol", str(out), "maak ruimte", "is niet veranderd")
    assert _tree_hash(out) == before
    assert sorted(p.name for p in disk.iterdir()) == ["exports", "vulling"]  # no leftovers


@ROOT_ONLY
def test_a_read_only_output_folder(shared_dir: Path) -> None:
    content = write_tree(shared_dir / "content")
    disk = shared_dir / "disk"
    _mount_tmpfs(disk, "4m")
    out = disk / "exports"
    assert _build(content, out, shared_dir / "cache").returncode == 0
    before = _tree_hash(out)
    remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
    if remount.returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only")
    result = _build(content, out, shared_dir / "cache", "--force")
    _one_dutch_line(result, str(disk), "kan niet geschreven worden", "--out")
    assert _tree_hash(out) == before


def _cache_on_disk(shared_dir: Path, size: str, formats: str) -> tuple[Path, Path, Path, Path]:
    """Content and output on the ordinary disk, the cache on a small tmpfs of its own,
    filled by a first build."""
    content = write_tree(shared_dir / "content")
    disk = shared_dir / "disk"
    _mount_tmpfs(disk, size)
    out, cache = shared_dir / "exports", disk / "cache"
    first = _build(content, out, cache, "--formats", formats)
    assert first.returncode == 0, first.stderr
    return content, disk, out, cache


def _edit_title(content: Path) -> None:
    item = content / "items" / "woningscan.md"
    item.write_text(item.read_text(encoding="utf-8").replace("Woningscan", "Nieuwe titel", 1))


def _cache_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A build that succeeded although its cache could not be written: exit 0 and one
    Dutch line that says so and what to do, nothing that says the opposite."""
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    for needle in ("cache", "--cache-dir", *needles):
        assert needle in line, line
    for bad in ("Traceback", "Error", "Errno", "niet veranderd", "gelaten zoals"):
        assert bad not in line, line
    return line


CACHED_FORMATS = pytest.mark.parametrize(
    "formats", ["html,json", "html,json,docx"], ids=["packs", "objects"]
)
"""Light files reach the cache after the swap (packs), heavy ones before it (objects)."""


@ROOT_ONLY
@CACHED_FORMATS
def test_a_read_only_cache_folder_still_publishes_and_says_so(
    shared_dir: Path, formats: str
) -> None:
    """The build once published the new tree, then exited 1 saying the output folder was
    unchanged and advising --out: the opposite of what had happened."""
    content, disk, out, cache = _cache_on_disk(shared_dir, "8m", formats)
    remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
    if remount.returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only")
    _edit_title(content)
    result = _build(content, out, cache, "--formats", formats)
    _cache_line(result, "is toch gepubliceerd", str(cache))
    page = (out / "items" / "woningscan" / "index.html").read_text(encoding="utf-8")
    assert "Nieuwe titel" in page
    from tests.build.helpers import tree_problems

    assert tree_problems(out) == []
    again = _build(content, out, cache, "--formats", formats)  # still read-only
    assert again.returncode == 0, again.stderr  # nothing new: no word about the cache


@ROOT_ONLY
@CACHED_FORMATS
def test_a_full_cache_folder_still_publishes_and_says_so(shared_dir: Path, formats: str) -> None:
    content, disk, out, cache = _cache_on_disk(shared_dir, "8m", formats)
    with (disk / "vulling").open("wb") as filler:  # fill what is left of the cache's disk
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    _edit_title(content)
    result = _build(content, out, cache, "--formats", formats, "--force")
    _cache_line(result, "is toch gepubliceerd", "maak ruimte")
    from tests.build.helpers import tree_problems

    assert tree_problems(out) == []
    assert "Nieuwe titel" in (out / "items" / "woningscan" / "index.html").read_text("utf-8")


@ROOT_ONLY
def test_no_permission_for_the_output_folder(shared_dir: Path) -> None:
    content = write_tree(shared_dir / "content")
    out = shared_dir / "van-root" / "exports"
    out.parent.mkdir(mode=0o755)
    assert _build(content, out, shared_dir / "cache").returncode == 0
    before = _tree_hash(out)
    cache = shared_dir / "cache-nobody"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    result = _run(
        ["build", "--content", str(content), "--out", str(out), "--cache-dir", str(cache),
         "--formats", "html,json", "-q", "--force"],
        user=NOBODY,
        home=cache,
    )  # fmt: skip
    _one_dutch_line(result, "geen toestemming", str(out.parent), "vraag toegang")
    assert _tree_hash(out) == before


@ROOT_ONLY
@pytest.mark.parametrize("command", ["check", "build", "status"])
def test_an_unreadable_content_folder(shared_dir: Path, command: str) -> None:
    content = write_tree(shared_dir / "content")
    content.chmod(0o000)
    home = shared_dir / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    argv = [command, "--content", str(content)]
    if command == "build":
        argv += ["--out", str(home / "exports"), "--cache-dir", str(home / "cache")]
    result = _run(argv, user=NOBODY, home=home)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "vraag toegang" in result.stderr  # "kan niet gelezen worden" / "geen toestemming"
    assert str(content) in result.stderr
    if command != "check":  # check keeps its file:line:col form and summary for CI
        _one_dutch_line(result)
    assert not (home / "exports").exists()


def test_a_missing_content_folder(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    result = _run(["build", "--content", str(tmp_path / "nergens"), "--out", str(out)])
    _one_dutch_line(result, str(tmp_path / "nergens"), "bestaat niet", "--content")
    assert not out.exists()
