"""Every hostile or broken input of the corpus, through ``check`` and ``build``.

An error case must end in exit 1 with exactly the expected diagnostics (file, line, code,
field), never a traceback, and ``build`` must leave the previous export byte for byte as
it was. A safe case must check and build, and the output must pass the channel checks of
:mod:`tests.hostile.channels` (HTML pages, JSON ``*_html`` values, JSON-LD, and for
``documents`` cases the PDF link annotations and DOCX relationships).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from pakketbuild import markdown
from pakketbuild.cli import main
from tests.hostile.cases import CASES, CATEGORIES, SECRET, Case, Error, Safe
from tests.hostile.channels import (
    document_problems,
    docx_problems,
    html_problems,
    output_texts,
    site_problems,
)
from tests.hostile.conftest import make_tree, tree_hash
from tests.writers.html_tools import parse_page

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def build_args(content: Path, out: Path, formats: str) -> list[str]:
    cache = out.parent / "cache"
    return ["build", "--content", str(content), "--out", str(out), "--formats", formats,
            "--cache-dir", str(cache), "--jobs", "1", "--quiet"]  # fmt: skip


def expected_lines(case: Case) -> list[tuple[str, int, str, str]]:
    assert not isinstance(case.expect, Safe)
    return sorted((f"content/{e.path}", e.line, e.code, e.field) for e in case.expect)


def case_id(case: Case) -> str:
    return f"{case.category}:{case.id}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(
    case: Case, tmp_path: Path, previous_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, _ = make_tree(case, tmp_path)
    code, out, err = run_cli(["check", "--content", str(content), "--format", "json"], capsys)
    assert "Traceback" not in err
    diagnostics = json.loads(out)
    errors = sorted(
        (d["path"], d["line"], d["code"], d["field"])
        for d in diagnostics
        if d["severity"] == "error"
    )
    if isinstance(case.expect, Safe):
        assert (code, errors) == (0, []), err
        check_safe_build(case, content, tmp_path / "fresh" / "exports", capsys)
        return

    assert code == 1, err
    assert errors == expected_lines(case), json.dumps(diagnostics, indent=1, ensure_ascii=False)

    before = tree_hash(previous_export)
    code, _, err = run_cli(build_args(content, previous_export, "html,json"), capsys)
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    for path, line, diagnostic_code, _field in expected_lines(case):
        assert f"{path}:{line}:" in err and f"[{diagnostic_code}]" in err, err
    assert tree_hash(previous_export) == before, "a failed build changed the export"
    leftovers = [p.name for p in previous_export.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers


def check_safe_build(
    case: Case, content: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert isinstance(case.expect, Safe)
    formats = "html,json,pdf,docx" if case.expect.documents else "html,json"
    if case.setup is None:
        code, _, err = run_cli(build_args(content, out, formats), capsys)
    else:
        # Special files (a FIFO, a link to /dev/zero) once made the build hang: build in a
        # process with a time limit, so a regression fails instead of stalling the suite.
        proc = subprocess.run(
            [sys.executable, "-m", "pakketbuild", *build_args(content, out, formats)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tempfile.gettempdir(),
            check=False,
        )
        code, err = proc.returncode, proc.stderr
    assert code == 0, err
    assert "Traceback" not in err
    assert site_problems(out) == []
    if case.expect.documents:
        assert document_problems(out) == []
    leaks = [name for name, text in output_texts(out) if SECRET in text]
    assert leaks == [], "text of a file outside the content folder was published"
    pages = " ".join(
        parse_page(p.read_text(encoding="utf-8")).text for p in sorted(out.rglob("*.html"))
    )
    for text in case.expect.shown:
        assert text in pages, f"{text!r} should be shown as text"


# --------------------------------------------------------------------------- renderers


MARKDOWN_CASES = [case for case in CASES if case.markdown is not None]


@pytest.mark.parametrize("case", MARKDOWN_CASES, ids=case_id)
def test_renderers_are_safe_even_without_check(case: Case, tmp_path: Path) -> None:
    """Defence in depth: what ``check`` refuses must still come out harmless from both
    renderers (the HTML fragment partners embed, and the Word document)."""
    import docx

    from pakketbuild.writers.docx_markdown import DocxState, MarkdownRenderer

    assert case.markdown is not None
    fragment = markdown.render_html(case.markdown, heading_offset=1, id_prefix="x--")
    assert html_problems(fragment, "render_html", fragment=True) == []
    markdown.render_text(case.markdown)
    document = docx.Document()
    MarkdownRenderer(DocxState(document)).render(case.markdown, document)
    target = tmp_path / "fragment.docx"
    raw = io.BytesIO()
    document.save(raw)
    target.write_bytes(raw.getvalue())
    assert docx_problems(target, "fragment.docx") == []


# --------------------------------------------------------------------------- processes

SUBPROCESS_CASES = [
    "script-element",
    "js-link-entity",
    "doc-symlink-loop",
    "item-fifo",
    "yaml-alias-bomb",
    "invalid-utf8",
    "reserved-con",
]


@pytest.mark.parametrize("case_name", SUBPROCESS_CASES)
def test_real_process_exits_1_without_traceback(case_name: str, tmp_path: Path) -> None:
    from tests.hostile.cases import BY_ID

    case = BY_ID[case_name]
    content, _ = make_tree(case, tmp_path)
    for command in (
        ["check", "--content", str(content)],
        build_args(content, tmp_path / "exports", "html,json,pdf,docx"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "pakketbuild", *command],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tempfile.gettempdir(),
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        for path, line, code, _ in expected_lines(case):
            assert f"{path}:{line}:" in proc.stderr and f"[{code}]" in proc.stderr
    assert not (tmp_path / "exports").exists()


# --------------------------------------------------------------------------- the corpus


def test_the_corpus_covers_every_category() -> None:
    counts = Counter(case.category for case in CASES)
    assert set(counts) == set(CATEGORIES)
    assert len(CASES) >= 60
    assert all(counts[category] >= 10 for category in CATEGORIES), counts


def test_every_error_case_names_file_line_and_a_known_code() -> None:
    for case in CASES:
        if isinstance(case.expect, Safe):
            continue
        assert case.expect, case.id
        for error in case.expect:
            assert isinstance(error, Error)
            assert error.line >= 1 and error.path and error.code
