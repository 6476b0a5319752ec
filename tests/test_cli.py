"""The command line: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.writers import office_pages
from tests.content.tree import write_tree

BROKEN_ITEM = "---\nid: woningscan\ntitle: Woningscan\nkind: scann\n---\n"


def test_check_passes_on_the_real_content(
    real_content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The source gives no review dates and we never invent them: one notice per item, and
    # under the review policy 'geleidelijk' notices do not fail --strict (the CI recipe).
    assert main(["check", "--content", str(real_content), "--today", "2026-11-29"]) == 0
    err = capsys.readouterr().err
    assert "check passed: 0 errors, 0 warnings, 7 notices" in err
    assert err.count("notice[review-missing] (review_by)") == 7
    assert "content/items/woningscan.md:3:1: notice[review-missing]" in err
    assert main(["check", "--content", str(real_content), "--strict"]) == 0
    assert "check passed: 0 errors, 0 warnings, 7 notices" in capsys.readouterr().err


def test_check_reports_errors_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content", {"items/woningscan.md": BROKEN_ITEM})
    assert main(["check", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert "items/woningscan.md:4:7: error[invalid-value] (kind):" in err
    assert "items/woningscan.md:2:1: error[missing-field] (summary):" in err
    assert "check failed: 3 errors, 0 warnings" in err


def test_check_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "content", {"items/woningscan.md": BROKEN_ITEM})
    assert main(["check", "--content", str(root), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=")
    assert any(
        line.startswith("::error file=")
        and "items/woningscan.md,line=4,col=7,title=invalid-value kind::" in line
        for line in lines
    )


def test_check_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "content", {"items/woningscan.md": BROKEN_ITEM})
    assert main(["check", "--content", str(root), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    kind = next(d for d in data if d["field"] == "kind")
    assert kind["line"] == 4 and kind["col"] == 7
    assert kind["severity"] == "error" and kind["code"] == "invalid-value"
    assert kind["path"].endswith("items/woningscan.md")


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content", {"items/notities.txt": "los"})
    assert main(["check", "--content", str(root)]) == 0
    assert main(["check", "--content", str(root), "--strict"]) == 1


def test_usage_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "xml"]) == 1
    assert "invalid choice" in capsys.readouterr().err
    assert main(["bogus"]) == 1
    assert main([]) == 1


def test_unknown_build_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    code = main(
        ["build", "--content", str(root), "--out", str(tmp_path / "out"), "--formats", "htm"]
    )
    assert code == 1
    assert "unknown format 'htm' (did you mean 'html'?)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_build_with_content_errors_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    root = write_tree(tmp_path / "content", {"items/woningscan.md": BROKEN_ITEM})
    assert main(["build", "--content", str(root), "--out", str(out), "--formats", "json"]) == 1
    assert "error[invalid-value]" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert list(tmp_path.glob(".pakketbuild-*")) == []


@pytest.mark.parametrize(
    "payload", [b"\xff\xfe\x00garbage", b"---\n: : :\n---\n", b"---\n- a\n---\n"]
)
def test_no_traceback_as_a_process(tmp_path: Path, payload: bytes) -> None:
    root = write_tree(tmp_path / "content", {"items/woningscan.md": payload})
    run = subprocess.run(
        [sys.executable, "-m", "pakketbuild", "check", "--content", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "items/woningscan.md:" in run.stderr


def test_version_names_the_libraries_that_shape_the_bytes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from importlib import metadata

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    lines = dict(line.split(" ", 1) for line in capsys.readouterr().out.splitlines())
    assert lines["pakketbuild"] == metadata.version("pakketbuild")
    # read from the metadata folders' names; must agree with importlib.metadata
    for library in ("weasyprint", "python-docx", "markdown-it-py", "odfdo", "pydyf"):
        assert lines[library] == metadata.version(library), library
    # and LibreOffice, which numbers the Word and ODT contents pages, when it is there
    found = office_pages.find()
    if isinstance(found, office_pages.Installation):
        assert lines["libreoffice"] == found.version
    else:
        assert "libreoffice" not in lines
