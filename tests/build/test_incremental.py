"""Incremental builds: an edit shows up everywhere it should (the result equals a clean
build), only what depends on it is rendered, and an unchanged file is never rewritten."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pakketbuild import build as build_module
from pakketbuild.build import BuildOptions, BuildResult, build
from pakketbuild.diagnostics import ContentError
from pakketbuild.report import Reporter

from .helpers import leftovers, manifest, snapshot, tree_problems

ITEM = "woningscan"
PAKKET = "veiligheidspakket-startende-burgemeesters"


def _options(content: Path, out: Path, cache: Path, **kwargs: object) -> BuildOptions:
    return BuildOptions(
        content,
        out,
        ["html", "json"],
        cache_dir=cache,
        jobs=1,
        progress=False,
        **kwargs,  # type: ignore[arg-type]
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _clean_build(content: Path, tmp_path: Path, name: str) -> dict[str, Any]:
    out = tmp_path / f"clean-{name}" / "exports"
    build(_options(content, out, tmp_path / f"clean-{name}" / "cache"))
    return manifest(out)


@pytest.fixture
def built(content_copy: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    out, cache = tmp_path / "exports", tmp_path / "cache"
    build(_options(content_copy, out, cache))
    return content_copy, out, cache


def test_noop_touches_nothing(built: tuple[Path, Path, Path]) -> None:
    content, out, cache = built
    before = snapshot(out)
    for path in content.rglob("*.md"):  # new mtimes, same bytes
        path.write_bytes(path.read_bytes())
    result = build(_options(content, out, cache))
    assert result.noop and result.rendered == 0 and not result.written
    assert snapshot(out) == before
    assert "up to date" in result.summary()


def test_noop_does_not_import_the_content_model(built: tuple[Path, Path, Path]) -> None:
    import subprocess
    import sys

    content, out, cache = built
    code = (
        "import sys\n"
        "from pakketbuild.cli import main\n"
        f"code = main(['build', '--content', {str(content)!r}, '--out', {str(out)!r},"
        f" '--cache-dir', {str(cache)!r}, '--formats', 'html,json', '--quiet'])\n"
        "heavy = [m for m in ('pydantic', 'jinja2', 'weasyprint', 'docx', 'markdown_it',"
        " 'babel', 'yaml', 'rich') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0 []", done.stderr
    assert done.stderr == ""  # --quiet


EDITS: dict[str, Callable[[Path], None]] = {
    "item body": lambda c: _edit(c / "items" / f"{ITEM}.md", "Door eerst", "Door allereerst"),
    "item title": lambda c: _edit(c / "items" / f"{ITEM}.md", "title: Woningscan", "title: Scan"),
    "organisation": lambda c: _edit(
        c / "organisaties.yaml", "name: Netwerk Weerbaar Bestuur", "name: Netwerk WB"
    ),
    "site title": lambda c: _edit(c / "site.yaml", "title: Netwerk", "title: Het Netwerk"),
    "pakket intro": lambda c: _edit(c / "pakketten" / f"{PAKKET}.md", "Het prachtige", "Het mooie"),
    "pakket order": lambda c: _edit(c / "pakketten" / f"{PAKKET}.md", f"  - {ITEM}\n", ""),
    "audience": lambda c: _edit(
        c / "items" / f"{ITEM}.md", "audiences: [burgemeester]", "audiences: [burgemeester, gezin]"
    ),
    "comment only": lambda c: _edit(c / "site.yaml", "# Instellingen", "# De instellingen"),
    "new item": lambda c: _new_item(c),
}


def _new_item(content: Path) -> None:
    text = (content / "items" / f"{ITEM}.md").read_text(encoding="utf-8")
    new = content / "items" / "nieuw-onderdeel.md"
    new.write_text(text.replace(f"id: {ITEM}", "id: nieuw-onderdeel"), encoding="utf-8")


@pytest.mark.parametrize("name", list(EDITS))
def test_edit_equals_clean_build_and_rewrites_only_changes(
    name: str, built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    content, out, cache = built
    before = snapshot(out)
    old_manifest = manifest(out)
    EDITS[name](content)
    result = build(_options(content, out, cache))
    assert manifest(out) == _clean_build(content, tmp_path, "x")
    assert tree_problems(out) == [] and leftovers(out) == []
    after = snapshot(out)
    changed = {a["path"] for a in manifest(out)["artifacts"]} - {
        (a["path"]) for a in old_manifest["artifacts"]
    }
    old_sha = {a["path"]: a["sha256"] for a in old_manifest["artifacts"]}
    for entry in manifest(out)["artifacts"]:
        if old_sha.get(entry["path"]) != entry["sha256"]:
            changed.add(entry["path"])
    assert set(result.written) == changed
    for path, stamp in after.items():
        if path not in changed and path != "manifest.json" and path in before:
            assert stamp == before[path], f"{path} was rewritten although unchanged"
    if name == "comment only":
        assert not result.published and after == before


def test_item_edit_renders_only_what_shows_the_item(built: tuple[Path, Path, Path]) -> None:
    content, out, cache = built
    subjects = {a["path"]: a["subject"] for a in manifest(out)["artifacts"]}
    total = len(subjects)
    recorded: list[str] = []
    reporter = _Recorder(recorded)
    EDITS["item body"](content)
    result = build(_options(content, out, cache), reporter=reporter)
    rendered = [path for path, status in _statuses(recorded) if status != "reused-old"]
    allowed = {f"item:{ITEM}", f"pakket:{PAKKET}"}
    for path in result.written:
        subject = subjects[path]
        assert subject in allowed or not subject.startswith(("item:", "pakket:")), path
    assert 0 < result.rendered < total / 2
    assert result.reused == total - len(result.written)
    assert rendered  # the reporter saw every artifact


class _Recorder(Reporter):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("verbose", io.StringIO())
        self.lines = lines

    def artifact(self, fmt: str, path: str, status: str) -> None:
        self.lines.append(f"{status} {path}")


def _statuses(lines: list[str]) -> list[tuple[str, str]]:
    return [(line.split(" ", 1)[1], line.split(" ", 1)[0]) for line in lines]


def test_force_renders_everything(built: tuple[Path, Path, Path]) -> None:
    content, out, cache = built
    before = manifest(out)
    result = build(_options(content, out, cache, force=True))
    assert not result.noop
    assert result.rendered == len(result.artifacts) == len(result.written)
    assert manifest(out) == before


def test_a_code_change_renders_everything_but_rewrites_nothing(
    built: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out, cache = built
    before = snapshot(out)
    monkeypatch.setattr(build_module, "code_fingerprint", lambda: "another version")
    result = build(_options(content, out, cache))
    assert result.rendered == len(result.artifacts)
    assert result.written == [] and not result.published
    assert snapshot(out) == before


def test_cache_lives_outside_and_can_be_deleted(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    content, out, cache = built
    assert out not in cache.parents and cache.is_dir()
    before = manifest(out)
    shutil.rmtree(cache)
    EDITS["item title"](content)
    result = build(_options(content, out, cache))
    assert not result.noop and manifest(out) == _clean_build(content, tmp_path, "y")
    assert manifest(out) != before
    assert cache.is_dir()


def test_cache_brings_back_a_reverted_edit_without_rendering(
    built: tuple[Path, Path, Path],
) -> None:
    content, out, cache = built
    original = manifest(out)
    item = content / "items" / f"{ITEM}.md"
    text = item.read_bytes()
    EDITS["item title"](content)
    build(_options(content, out, cache))
    item.write_bytes(text)
    result = build(_options(content, out, cache))
    assert result.rendered == 0 and manifest(out) == original


def test_deleted_output_folder_comes_back_from_the_cache_without_rendering(
    built: tuple[Path, Path, Path],
) -> None:
    """HTML and JSON of a build are packed into the cache: after ``rm -rf exports`` the
    next build renders nothing (its report says so per format) and publishes the same
    tree; a pack whose bytes were damaged is not trusted (that file is rendered)."""
    content, out, cache = built
    original = manifest(out)
    shutil.rmtree(out)
    stream = io.StringIO()
    result = build(_options(content, out, cache), reporter=Reporter("normal", stream))
    assert result.rendered == 0 and manifest(out) == original and tree_problems(out) == []
    lines = [line for line in stream.getvalue().splitlines() if re.match(r"(html|json): ", line)]
    assert len(lines) == 2 and all(
        ", 0 opnieuw gemaakt" in line or ", 0 rendered" in line for line in lines
    ), lines
    packs = sorted((cache / "packs").glob("*.pack"))
    assert packs
    data = bytearray(packs[0].read_bytes())
    data[0] ^= 0xFF  # the first packed file no longer matches its recorded sha256
    packs[0].write_bytes(bytes(data))
    shutil.rmtree(out)
    result = build(_options(content, out, cache))
    assert result.rendered == 1 and manifest(out) == original and tree_problems(out) == []


def test_tampered_output_is_repaired(built: tuple[Path, Path, Path]) -> None:
    content, out, cache = built
    page = out / "index.html"
    good = page.read_bytes()
    page.write_bytes(b"defaced")
    result = build(_options(content, out, cache))
    assert not result.noop and page.read_bytes() == good and "index.html" in result.written
    assert tree_problems(out) == []


def test_content_error_keeps_exports_and_warnings_are_repeated(
    built: tuple[Path, Path, Path],
) -> None:
    content, out, cache = built
    before = snapshot(out)
    item = content / "items" / f"{ITEM}.md"
    good = item.read_bytes()
    _edit(item, "kind: scan", "kind: scann")
    with pytest.raises(ContentError):
        build(_options(content, out, cache))
    assert snapshot(out) == before and leftovers(out) == []
    item.write_bytes(good)
    (content / "items" / "notities.txt").write_text("los bestand", encoding="utf-8")
    for expected_noop in (False, True):
        stream = io.StringIO()
        result = build(_options(content, out, cache), reporter=Reporter("normal", stream))
        assert result.noop is expected_noop
        assert re.search(r"notities\.txt.*warning\[unexpected-file\]", stream.getvalue())


def test_quiet_verbose_and_plain_progress(built: tuple[Path, Path, Path]) -> None:
    content, out, cache = built
    EDITS["item title"](content)
    stream = io.StringIO()
    build(_options(content, out, cache), reporter=Reporter("verbose", stream))
    lines = stream.getvalue().splitlines()
    assert any(line.startswith("html: ") for line in lines)
    assert any(re.match(r"\s+written\s+items/woningscan/index\.html", line) for line in lines)
    assert any(re.match(r"\s+reused\s+", line) for line in lines)
    quiet = io.StringIO()
    EDITS["site title"](content)
    result: BuildResult = build(_options(content, out, cache), reporter=Reporter("quiet", quiet))
    assert quiet.getvalue() == "" and result.written
