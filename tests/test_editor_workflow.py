"""The editor's path without knowing about .venv: ``make`` targets, the preview with its
download links, and the files to hand out where the guide says they are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pakketbuild.cli import serve_formats
from pakketbuild.preview import Preview
from pakketbuild.serve_http import make_server
from tests.content.tree import write_tree
from tests.serving import serving

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "redactie.md"


def test_serve_documenten_adds_every_document_format() -> None:
    from pakketbuild.writers import FORMATS

    assert serve_formats("html,json", documents=False) == ["html", "json"]
    made = serve_formats("html,json", documents=True)
    assert made[:4] == ["html", "json", "pdf", "docx"]
    assert ("odt" in made) == ("odt" in FORMATS)


@pytest.fixture
def preview_with_documents(tmp_path: Path) -> Iterator[str]:
    content = write_tree(tmp_path / "content")
    preview = Preview(
        content,
        tmp_path / "preview" / "site",
        serve_formats("html,json", documents=True),
        open(os.devnull, "w"),  # noqa: SIM115 - closed with the process
    )
    with serving(preview) as served:
        yield served.base


def test_the_download_links_of_the_preview_work(preview_with_documents: str) -> None:
    base = preview_with_documents
    with urllib.request.urlopen(f"{base}/", timeout=30) as reply:
        page = reply.read().decode()
    links = sorted(set(re.findall(r'href="((?:\.\./)*downloads/[^"]+)"', page)))
    assert any(link.endswith(".pdf") for link in links), links
    assert any(link.endswith(".docx") for link in links), links
    for link in links:
        with urllib.request.urlopen(f"{base}/{link.lstrip('./')}", timeout=30) as reply:
            assert reply.status == 200
            assert len(reply.read()) > 1000


def test_make_runs_the_editor_commands_without_activation() -> None:
    """The targets call the programs in .venv/bin themselves (dry run: nothing installed)."""
    shown = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "check", "serve", "status", "new-item", "ID=x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in (
        ".venv/bin/pakketbuild check",
        ".venv/bin/pakketbuild serve --documenten",
        ".venv/bin/pakketbuild status",
        '.venv/bin/pakketbuild new item "x" --kind "other"',
    ):
        assert command in shown, shown


def _guide_paths() -> list[str]:
    """The places of the handed-out files as the guide names them."""
    text = GUIDE.read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`(exports/[^`]*downloads/[^`]+)`", text)))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to clone")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout (nothing to clone)")
def test_from_a_fresh_clone_to_the_files_to_hand_out(tmp_path: Path) -> None:
    """Clone the repository, run the guide's commands (make check, make build) and find
    the PDF and Word files of the whole pakket and of each audience view where the guide
    says they are. The clone borrows this checkout's .venv (installing is not the test)."""
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(clone)], check=True
    )
    # The working tree's content, guide and code (the clone has the last commit only).
    for name in ("content", "docs", "src", "Makefile", "pyproject.toml"):
        source = ROOT / name
        target = clone / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.exists():
        pytest.skip("this checkout has no .venv made by 'make venv'")
    env = {**os.environ, "LANGUAGE": "nl"}
    make = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "venv"]
    checked = subprocess.run([*make, "check"], cwd=clone, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "controle geslaagd" in checked.stderr
    built = subprocess.run([*make, "build"], cwd=clone, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    from pakketbuild.writers import FORMATS

    paths = _guide_paths()
    assert len(paths) >= 7, paths
    if "odt" not in FORMATS:
        # One document per audience view and ODT beside every Word file come with the
        # documents issue (its ODT writer marks its arrival).
        paths = [
            p
            for p in paths
            if not p.endswith(".odt")
            and not re.fullmatch(r"exports/views/<weergave>/downloads/<weergave>\.\w+", p)
        ]
    views = sorted(p.name for p in (clone / "exports" / "views").iterdir())
    assert views, "no audience views were built"
    for pattern in paths:
        names = [pattern.replace("<weergave>", view) for view in views]
        for name in names if "<weergave>" in pattern else [pattern]:
            if "*" in name or "<" in name:
                found = list(clone.glob(re.sub(r"<[^>]+>", "*", name)))
                assert found, f"nothing at {name}, which the guide names"
            else:
                assert (clone / name).exists(), f"{name} (from the guide) does not exist"


def _anchor(heading: str) -> str:
    """The anchor GitHub and GitLab give a heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_the_guides_contents_list_matches_its_sections() -> None:
    text = re.sub(r"^```.*?^```", "", GUIDE.read_text(encoding="utf-8"), flags=re.M | re.S)
    headings = re.findall(r"^## (.+)$", text, re.M)
    contents = re.findall(r"^\d+\. \[(.+)\]\(#([^)]+)\)$", text, re.M)
    assert [title for title, _ in contents] == headings
    assert [anchor for _, anchor in contents] == [_anchor(h) for h in headings]
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):  # every link inside the guide
        assert anchor in {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}, anchor


def test_the_guide_explains_the_markdown_editors_need() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for example in (
        "\n- burgemeester bent;\n",
        "\n1. Bel het team.\n",
        "**belangrijk**",
        "[de site van het netwerk](https://www.voorbeeld.nl)",
        "## Wat kunt u doen?",
    ):
        assert example in text, example
    for english_doc in ("views-themes.md", "(in het Engels)"):
        assert english_doc not in text


def test_a_download_missing_from_a_preview_without_documents_says_how_to_get_it(
    tmp_path: Path,
) -> None:
    content = write_tree(tmp_path / "content")
    preview = Preview(content, tmp_path / "site", ["html", "json"], open(os.devnull, "w"))  # noqa: SIM115
    preview.rebuild()
    server = make_server(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/downloads/items/woningscan.pdf"
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=30)
        assert caught.value.code == 404
        assert "make serve" in caught.value.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
