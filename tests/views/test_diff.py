"""``pakketbuild diff REV [REV2]``: release notes from two commits of a test repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pakketbuild.cli import main
from tests.views.trees import HULP, SCAN, write_views_tree

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@voorbeeld.nl",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]  # fmt: skip


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        [*GIT, "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two commits: the scenario tree, then a few edits."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    write_views_tree(root / "content")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "eerste editie")
    write_views_tree(
        root / "content",
        {
            "items/hulp.md": HULP.replace("Slottekst voor iedereen.", "Nieuwe slottekst.")
            .replace("title: Hulp bij bedreiging", "title: Hulp bij dreiging")
            .replace(
                "    summary: Passages per doelgroep toegevoegd.\n",
                "    summary: Passages per doelgroep toegevoegd.\n"
                "  - date: 2026-11-01\n    summary: Slottekst herschreven.\n",
            ),
            "items/scan.md": SCAN.replace("status: gepubliceerd", "status: gearchiveerd"),
            "items/nieuw.md": SCAN.replace("id: scan", "id: nieuw").replace(
                "title: Scan van de woning", "title: Nieuw onderdeel"
            ),
            "pakketten/pakket.md": None,  # type: ignore[dict-item]
        },
    )
    (root / "content/pakketten/pakket.md").write_text(
        (root / "content/pakketten/pakket.md").read_text("utf-8").replace("[hulp, scan]", "[hulp]"),
        encoding="utf-8",
    )
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "tweede editie")
    return root


def test_diff_reports_the_known_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD~1", "HEAD", "--content", str(repo / "content")]) == 0
    notes = capsys.readouterr().out
    first, second = _git(repo, "rev-parse", "HEAD~1"), _git(repo, "rev-parse", "HEAD")
    assert notes.startswith(
        f"# Wijzigingen in de inhoud van `HEAD~1` ({first[:10]}) tot `HEAD` ({second[:10]})\n"
    )
    assert "## Nieuwe onderdelen\n\n- **Nieuw onderdeel** (`nieuw`), voor burgemeesters\n" in notes
    assert "## Ingetrokken onderdelen\n\n- **Scan van de woning** (`scan`): status nu " in notes
    assert "### Hulp bij dreiging (`hulp`)" in notes
    assert "- `title`: Hulp bij bedreiging → Hulp bij dreiging" in notes
    assert "- Wijzigingslog: 2026-11-01: Slottekst herschreven." in notes
    assert "  -Slottekst voor iedereen.\n  +Nieuwe slottekst." in notes
    assert "- **Testpakket** (`pakket`): onderdelen eruit: scan" in notes


def test_diff_against_the_working_tree(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "--content", str(repo / "content")]) == 0
    assert "Geen wijzigingen in de gepubliceerde inhoud." in capsys.readouterr().out
    path = repo / "content/items/nieuw.md"
    path.write_text(path.read_text("utf-8") + "\nEen zin erbij.\n", encoding="utf-8")
    assert main(["diff", "HEAD", "--content", str(repo / "content")]) == 0
    out = capsys.readouterr().out
    assert "tot de werkmap" in out and "+Een zin erbij." in out


def test_unknown_revision_or_no_repository_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "nergens", "--content", str(repo / "content")]) == 1
    assert "unknown version 'nergens'" in capsys.readouterr().err
    plain = write_views_tree(tmp_path / "los" / "content")
    assert main(["diff", "HEAD", "--content", str(plain)]) == 1
    assert "is not inside a git repository" in capsys.readouterr().err


def test_content_errors_at_a_revision_are_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "content/items/hulp.md"
    path.write_text(path.read_text("utf-8").replace("kind: support-line", "kind: hulp"), "utf-8")
    _git(repo, "commit", "-q", "-am", "kapot")
    assert main(["diff", "HEAD~1", "HEAD", "--content", str(repo / "content")]) == 1
    err = capsys.readouterr().err
    assert "content/items/hulp.md:4:7: error[invalid-value] (kind)" in err
    assert "the content at `HEAD`" in err
