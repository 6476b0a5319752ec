"""The editor guide and the CI recipe stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

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
