"""The docs stay in step with the code: the editor guide and the CI recipe, and every
path, module, name and test that a page of ``docs/``, the README, CONTRIBUTING or SECURITY
names exists."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import yaml

from pakketbuild.cms import MEDIA_DIR
from pakketbuild.loading.reading import ORGANISATIONS_FILE, SITE_FILE, WITHDRAWN_FILE
from pakketbuild.model import Kind
from pakketbuild.theme import COLOR_TOKENS

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "pakketbuild"
GUIDE = ROOT / "docs" / "redactie.md"
CI_DOC = ROOT / "docs" / "ci.md"
WORKFLOW = ROOT / ".github" / "workflows" / "pakketbuild.yml"

CHECK_MODULES = (
    "loader", "model", "messages", "markdown", "yamlsafe", "freshness", "theme", "baseurl",
    *(f"loading/{phase}" for phase in ("reading", "lint", "references", "files", "themes")),
    "loading/editions",
)  # fmt: skip
"""The modules behind ``pakketbuild check``: every diagnostic code comes from these."""
NOT_CODES = (
    {k.value for k in Kind}
    | {"utf-8", "text-align", "alleen-voor", "passage-label", "data-audience"}
    | {n for n in COLOR_TOKENS if "-" in n}  # theme token names
)
"""Kebab-case strings in those modules that are not diagnostic codes."""


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for name in CHECK_MODULES:
        text = (SRC / f"{name}.py").read_text(encoding="utf-8")
        found |= set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', text))
    return found - NOT_CODES


def codes_in_guide() -> list[str]:
    return re.findall(r"^#### `([a-z0-9-]+)`", GUIDE.read_text(encoding="utf-8"), re.M)


def test_the_guide_explains_every_check_code_once() -> None:
    documented = codes_in_guide()
    assert len(documented) == len(set(documented)), "a code is explained twice"
    source = codes_in_source()
    assert {"review-overdue", "review-missing", "yaml-syntax", "no-pakket"} <= source
    assert sorted(source - set(documented)) == [], "explain these codes in docs/redactie.md"
    assert sorted(set(documented) - source) == [], "these codes no longer exist"


def test_the_guide_covers_the_editorial_workflow() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for command in (
        "pakketbuild check",
        "pakketbuild serve",
        "pakketbuild new item",
        "pakketbuild new pakket",
        "pakketbuild status",
        "--strict",
        "--today",
    ):
        assert command in text
    for field in ("last_reviewed", "review_by", "owner"):
        assert f"`{field}`" in text
    assert "geen controledata" in text  # editors must fill in the dates of the seed content


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_checks_builds_uploads_and_publishes_on_main() -> None:
    data = workflow()
    triggers = data[True]  # YAML 1.1 reads the key 'on' as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert data["permissions"] == {"contents": "read"}
    steps = data["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    check = next(i for i, r in enumerate(runs) if "pakketbuild check" in r)
    build = next(i for i, r in enumerate(runs) if "pakketbuild build" in r)
    assert runs[check] == "pakketbuild check --format github --strict"
    assert check < build
    artifact = steps[uses.index("actions/upload-artifact")]
    assert artifact["with"]["path"] == "exports/"
    pages = steps[uses.index("actions/upload-pages-artifact")]
    assert pages["with"]["path"] == "exports/" and "refs/heads/main" in pages["if"]
    assert any("--format markdown" in r and "GITHUB_STEP_SUMMARY" in r for r in runs)

    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_ci_note_covers_gitlab() -> None:
    text = CI_DOC.read_text(encoding="utf-8")
    assert ".github/workflows/pakketbuild.yml" in text and ".ci/run" in text
    assert "`.gitlab-ci.yml`" in text
    gitlab = yaml.safe_load((CI_DOC.parents[1] / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "pakketbuild check --strict" in gitlab["check"]["script"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


# --------------------------------------------------------------------------- references

DOCS = (
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "SECURITY.md",
)
"""The pages whose references to the repository are checked (the change log is history).
Paths under ``exports/`` are what a build writes, not files of the repository."""
CONTENT_FILES = {SITE_FILE, ORGANISATIONS_FILE, WITHDRAWN_FILE, MEDIA_DIR}
"""The files at the top of a content folder (``content/site.yaml`` …, and the folder the
browser editor uploads documents to, which the real content does not have yet); deeper
paths under ``content/`` may be an editor's example (``content/items/mijn-onderdeel.md``)."""
FILE_SUFFIXES = {
    "py", "md", "css", "json", "yaml", "yml", "html", "pdf", "docx", "dotx", "odt", "txt",
    "xml", "atom", "js", "mjs", "svg", "png", "jpg", "toml", "conf", "ttf", "gz", "mo", "po",
}  # fmt: skip
"""Endings that make ``theme.css`` a file name rather than the attribute ``css`` of the
module ``theme``."""
PACKAGES = ("pakketbuild", "pakketbuild.writers", "pakketbuild.engine", "pakketbuild.loading",
            "pakketbuild.cms")  # fmt: skip
"""Where a short module name in the docs is looked up: ``urls.relative`` is
``pakketbuild.writers.urls.relative``."""


def _repository_files() -> tuple[set[str], set[str], set[str]]:
    """The repository's top-level names, the names of its Python files, and the names of
    the tests' functions and classes."""
    tops = {p.name for p in ROOT.iterdir()} - {".venv", ".git", "exports"}
    python = [
        p
        for folder in ("src", "tests", "scripts", "benchmarks", "docs")
        for p in (ROOT / folder).rglob("*.py")
        if "node_modules" not in p.parts
    ]
    tests = {
        node.name
        for p in python
        if p.is_relative_to(ROOT / "tests")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    return tops, {p.name for p in python}, tests


def _expand(path: str) -> list[str]:
    """``schema/{item,pakket}.json`` → both paths."""
    match = re.search(r"\{([^{}]*)\}", path)
    if match is None:
        return [path]
    return [
        expanded
        for choice in match.group(1).split(",")
        for expanded in _expand(path[: match.start()] + choice + path[match.end() :])
    ]


def _path_problem(span: str, tops: set[str], python: set[str]) -> str | None:
    """Why the path ``span`` names nothing (None: it does, or it is an example)."""
    if any(mark in span for mark in "<>*…") or " " in span:
        return None  # a pattern: downloads/<pakket-id>.pdf, tests/writers/test_<name>.py
    for path in _expand(span.split("#")[0].rstrip("/")):
        path, _, test = path.partition("::")  # tests/test_x.py::test_y (pytest's node id)
        if test and (ROOT / path).is_file():
            if f"def {test.split('[')[0]}(" not in (ROOT / path).read_text(encoding="utf-8"):
                return f"{path} has no test {test}"
            continue
        first, _, rest = path.partition("/")
        if first == "content" and rest and not (ROOT / path).exists():
            if "/" not in rest and rest not in CONTENT_FILES:
                return f"a content folder has no file {rest}"
        elif first in tops and not (ROOT / path).exists():
            return f"there is no {path}"
        elif first not in tops and (path.endswith(".py") or first == "templates"):
            if "/" not in path and path not in python:
                return f"there is no Python file {path}"
            if "/" in path and not (SRC / path).exists():
                return f"there is no src/pakketbuild/{path}"
    return None


def _name_problem(dotted: str) -> str | None:
    """Why ``suggest.closest``-like names name nothing (None: they do, or they are not a
    module's name)."""
    parts = dotted.split(".")
    if parts[-1] in FILE_SUFFIXES:
        return None
    for package in PACKAGES:
        for n in range(len(parts), 0, -1):
            prefix = parts[:n] if parts[0] == "pakketbuild" else [package, *parts[:n]]
            name = ".".join(prefix)
            if (SRC.parent / name.replace(".", "/")).with_suffix(".py").is_file() or (
                SRC.parent / name.replace(".", "/") / "__init__.py"
            ).is_file():
                found: object = importlib.import_module(name)
                for attribute in parts[n:]:
                    if not hasattr(found, attribute):
                        return f"{name} has no {'.'.join(parts[n:])}"
                    found = getattr(found, attribute)
                return None
    return None


def missing_references(text: str, here: Path) -> list[str]:
    """What the page ``text`` (in the folder ``here``) names that does not exist: a link
    target, a path of the repository, a module or a name in one (``suggest.closest``), a
    test (``test_…``)."""
    tops, python, tests = _repository_files()
    problems: list[str] = []
    for match in re.finditer(r"\]\(([^)\s]+)\)", text):
        target = match.group(1)
        if not re.match(r"[a-z]+:|#", target) and not (here / target.split("#")[0]).exists():
            problems.append(f"link {target}: there is no such file")
    for match in re.finditer(r"`([^`\n]+)`", text):
        span = match.group(1).strip()
        problem: str | None = None
        if "/" in span or span.endswith(".py"):
            problem = _path_problem(span, tops, python)
        elif re.fullmatch(r"test_[a-z0-9_]+", span):
            problem = None if span in tests else "there is no such test"
        elif found := re.fullmatch(r"([A-Za-z_]\w*(?:\.\w+)+)(?:\(.*\))?", span):
            problem = _name_problem(found.group(1))
        if problem is not None:
            problems.append(f"`{span}`: {problem}")
    return problems


def test_the_docs_name_only_what_exists() -> None:
    """No page names a file, module, function or test that is not there."""
    found = {
        doc.relative_to(ROOT).as_posix(): problems
        for doc in DOCS
        if (problems := missing_references(doc.read_text(encoding="utf-8"), doc.parent))
    }
    assert found == {}


def test_the_reference_check_can_fail() -> None:
    page = (
        "See [the guide](redactie.md), [gone](verdwenen.md#x) and [web](https://e.nl/x).\n"
        "`suggest.closest` and `suggest.did_you_mean` exist, `suggest.raad_maar` does not;\n"
        "`writers.resolve(pub, job)`, `urls.relative`, `theme.css`, `item.resolved.title`.\n"
        "`tests/test_docs.py`, `tests/writers/test_item_url.py`, `writers/docx.py`,\n"
        "`writers/dox.py`, `documents.py`, `odf.py`, `schema/{item,pakketten}.json`,\n"
        "`content/site.yaml`, `content/sites.yaml`, `content/items/mijn-item.md`,\n"
        "`downloads/<pakket-id>.pdf`, `test_the_reference_check_can_fail`, `test_nergens`.\n"
        "`tests/test_docs.py::test_the_reference_check_can_fail`,\n"
        "`tests/test_cli.py::test_nergens`.\n"
    )
    assert missing_references(page, ROOT / "docs") == [
        "link verdwenen.md#x: there is no such file",
        "`suggest.raad_maar`: pakketbuild.suggest has no raad_maar",
        "`tests/writers/test_item_url.py`: there is no tests/writers/test_item_url.py",
        "`writers/dox.py`: there is no src/pakketbuild/writers/dox.py",
        "`odf.py`: there is no Python file odf.py",
        "`schema/{item,pakketten}.json`: there is no schema/pakketten.json",
        "`content/sites.yaml`: a content folder has no file sites.yaml",
        "`test_nergens`: there is no such test",
        "`tests/test_cli.py::test_nergens`: tests/test_cli.py has no test test_nergens",
    ]


def test_no_scratch_files_at_the_repository_root() -> None:
    """Code lives in src/, tests/, scripts/, benchmarks/ and tools/, never loose at the root."""
    assert sorted(p.name for p in ROOT.glob("*.py")) == []
