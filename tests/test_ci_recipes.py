"""The shipped CI recipes, run the way their CI would run them.

`.github/workflows/pakketbuild.yml` and `.gitlab-ci.yml` are what a content team adopts on
day one. Their shell steps are extracted here and run in order, in a clean virtual
environment, on a copy of this repository: on the shipped content they must pass and
publish `exports/`; on a copy with a content error, and on one with an overdue review
date, they must fail at the check, before anything is built. A recipe that silently stops
working (a renamed option, a missing install step, an expression the test does not know)
fails here.

What is not ours to test is skipped with a reason: `uses:` steps are GitHub's own actions,
and `apt-get` (system libraries for WeasyPrint) is a no-op shim because `make test` has
already installed those libraries on this machine. The install steps do run for real, from
the lock file with hashes, so they need the package index (as CI has).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "https://voorbeeld.nl/pakket"
"""What the hosts hand the recipes as the deploy address (GitHub's configure-pages and
GitLab's CI_PAGES_URL both give it without a trailing slash)."""

COPIED = (
    "pyproject.toml",
    "README.md",
    "requirements",
    "src",
    "content",
    "schema",
    ".github",
    ".gitlab-ci.yml",
)
"""What a checkout of a content repository holds that the recipes use."""
COMMIT_TIME = "2025-12-01T23:30:00+00:00"
"""When the copy's one commit was made: 00:30 on 2 December in the Netherlands, so the
documents must say 2 December (the Dutch date, not the UTC one)."""
COMMIT_DATE_ISO = "2025-12-02"
COMMIT_DATE_DUTCH = "2 december 2025"

GITHUB_CONDITIONS = {
    "${{ !cancelled() }}": True,
    "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'": True,
}
"""Every `if:` the GitHub recipe may use, and how it is taken here (a push to main)."""
GITHUB_EXPRESSIONS = {
    "steps.pages.outputs.base_url": BASE_URL,
    "steps.pages.outputs.base_url && '1' || ''": "1",
}
"""Every expression allowed in a step's `env:`, with the value its host would give."""
GITLAB_VARIABLES = {
    "CI_PAGES_URL": BASE_URL,
    "CI_COMMIT_BRANCH": "main",
    "CI_DEFAULT_BRANCH": "main",
    "GITLAB_CI": "true",
}


@dataclass
class Step:
    name: str
    script: str
    env: dict[str, str] = field(default_factory=dict)
    may_fail: bool = False


@dataclass
class Run:
    failed_step: str | None
    log: str


def github_steps(recipe: dict[str, Any]) -> Iterator[Step]:
    for number, step in enumerate(recipe["jobs"]["build"]["steps"], 1):
        name = step.get("name", f"step {number}")
        if "run" not in step:
            assert "uses" in step, f"{name}: neither run nor uses"
            continue  # GitHub's own action, not a shell step of ours
        condition = step.get("if")
        assert condition is None or condition in GITHUB_CONDITIONS, (
            f"{name}: unknown condition {condition!r}; add it to GITHUB_CONDITIONS"
        )
        if condition is not None and not GITHUB_CONDITIONS[condition]:
            continue
        assert "${{" not in step["run"], f"{name}: pass expressions through env:, not the script"
        env = {key: _expression(str(value), name) for key, value in step.get("env", {}).items()}
        yield Step(name, step["run"], env, bool(step.get("continue-on-error", False)))


def _expression(value: str, step: str) -> str:
    def resolve(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in GITHUB_EXPRESSIONS, f"{step}: unknown expression {expression!r}"
        return GITHUB_EXPRESSIONS[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", resolve, value)


def gitlab_steps(recipe: dict[str, Any]) -> Iterator[Step]:
    stages: list[str] = recipe["stages"]
    before: list[str] = recipe.get("default", {}).get("before_script", [])
    jobs = [
        (name, job)
        for name, job in recipe.items()
        if isinstance(job, dict) and "script" in job and not name.startswith(".")
    ]
    jobs.sort(key=lambda pair: stages.index(pair[1]["stage"]))
    for name, job in jobs:
        rules = job.get("rules", [])
        for rule in rules:
            assert rule == {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}, (
                f"{name}: unknown rule {rule!r}"
            )
        lines = [*job.get("before_script", before), *job["script"]]
        yield Step(name, "\n".join(lines), {str(k): str(v) for k, v in recipe["variables"].items()})


def run_recipe(steps: list[Step], workdir: Path, venv: Path, extra_env: dict[str, str]) -> Run:
    shims = workdir.parent / f"{workdir.name}-shims"
    shims.mkdir()
    (shims / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    (shims / "apt-get").write_text(
        '#!/bin/sh\necho "apt-get $* (skipped: make test installed the libraries)"\n'
    )
    for shim in shims.iterdir():
        shim.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "VIRTUAL_ENV",
            "PYTHONPATH",
            "PAKKETBUILD_BASE_URL",
            "PAKKETBUILD_PUBLISH",
            "SOURCE_DATE_EPOCH",
        }
    }
    env.update(extra_env)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(shims), env.get("PATH", "")])
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    log: list[str] = []
    for step in steps:
        step_env = {
            **env,
            **{k: v.replace("$CI_PROJECT_DIR", str(workdir)) for k, v in step.env.items()},
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.script],
            cwd=workdir,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        log.append(f"== {step.name} (exit {done.returncode})\n{done.stdout}{done.stderr}")
        if done.returncode != 0 and not step.may_fail:
            return Run(step.name, "\n".join(log))
    return Run(None, "\n".join(log))


@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("recipe") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv


def repository_copy(root: Path) -> Path:
    """A checkout as CI has it: the files the recipes use, committed once at
    :data:`COMMIT_TIME` (the recipes date the documents by the last commit)."""
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".pakketbuild-cache")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    git = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "Redactie",
        "GIT_AUTHOR_EMAIL": "redactie@voorbeeld.nl",
        "GIT_COMMITTER_NAME": "Redactie",
        "GIT_COMMITTER_EMAIL": "redactie@voorbeeld.nl",
        "GIT_AUTHOR_DATE": COMMIT_TIME,
        "GIT_COMMITTER_DATE": COMMIT_TIME,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Inhoud"]):
        subprocess.run(["git", *command], cwd=root, env=git, check=True, capture_output=True)
    return root


def break_content(root: Path) -> None:
    item = root / "content/items/woningscan.md"
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("status: gepubliceerd", "status: klaar", 1), encoding="utf-8")


def overdue_review(root: Path) -> None:
    item = root / "content/items/woningscan.md"
    text = item.read_text(encoding="utf-8")
    dates = "status: gepubliceerd\nlast_reviewed: 2020-01-01\nreview_by: 2021-01-01"
    item.write_text(text.replace("status: gepubliceerd", dates, 1), encoding="utf-8")


def test_the_recipes_that_publish_install_libreoffice() -> None:
    """The jobs that build install LibreOffice and its Python bridge (page numbers in the
    Word and ODT contents lists); GitLab's check job does not need them."""
    for name, (path, extract, _env) in RECIPES.items():
        recipe = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
        steps = list(extract(recipe))
        building = [s for s in steps if "pakketbuild build" in s.script]
        assert building, name
        for step in building:
            before = step.script.split("pakketbuild build")[0]
            seen = (
                before
                if name == "gitlab"
                else "\n".join(s.script for s in steps[: steps.index(step)])
            )
            installed = seen[seen.find("apt-get install") :]
            assert "libreoffice-writer-nogui" in installed, (name, step.name)
            assert "python3-uno" in installed, (name, step.name)
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "libreoffice" not in " ".join(gitlab["default"]["before_script"])


RECIPES = {
    "github": (".github/workflows/pakketbuild.yml", github_steps, {"GITHUB_ACTIONS": "true"}),
    "gitlab": (".gitlab-ci.yml", gitlab_steps, GITLAB_VARIABLES),
}


def _steps(name: str, root: Path) -> tuple[list[Step], dict[str, str]]:
    path, extract, env = RECIPES[name]
    recipe = yaml.safe_load((root / path).read_text(encoding="utf-8"))
    steps = list(extract(recipe))
    extra = dict(env)
    if name == "github":
        extra["GITHUB_STEP_SUMMARY"] = str(root.parent / f"{root.name}-summary.md")
    return steps, extra


def _locked(name: str) -> str:
    text = (REPO / "requirements/build.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(name)}==(\S+)", text, re.MULTILINE)
    assert match, f"{name} is not in requirements/build.txt"
    return match.group(1)


@pytest.mark.recipes
@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_recipe_passes_and_publishes_the_shipped_content(
    recipe: str, clean_venv: Path, tmp_path: Path
) -> None:
    root = repository_copy(tmp_path / "repo")
    steps, env = _steps(recipe, root)
    run = run_recipe(steps, root, clean_venv, env)
    assert run.failed_step is None, run.log
    published = root / ("public" if recipe == "gitlab" else "exports")
    manifest = yaml.safe_load((published / "manifest.json").read_text(encoding="utf-8"))
    # the files were made with exactly the locked versions, and say so
    for library in ("weasyprint", "python-docx", "markdown-it-py"):
        assert manifest["versions"][library] == _locked(library)
    assert (published / "index.html").is_file()
    # the host's deploy address reached the build: absolute links for partners
    feed = yaml.safe_load((published / "feeds/feed.json").read_text(encoding="utf-8"))
    assert feed["home_page_url"] == BASE_URL + "/"
    assert all(entry["url"].startswith(BASE_URL + "/") for entry in feed["items"])
    assert any(a["path"].endswith(".pdf") for a in manifest["artifacts"])
    # LibreOffice numbered the Word and ODT contents lists (installed here by make tools)
    assert manifest["versions"]["libreoffice"], run.log
    assert "LibreOffice is not installed" not in run.log
    # the last commit dates what the content does not: the Atom feed, the covers
    atom = (published / "feeds/feed.atom").read_text(encoding="utf-8")
    assert f"<updated>{COMMIT_DATE_ISO}T00:00:00Z</updated>" in atom.split("<entry>")[0]
    if shutil.which("pdftotext"):
        pdf = published / "downloads/veiligheidspakket-startende-burgemeesters.pdf"
        cover = subprocess.run(
            ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert COMMIT_DATE_DUTCH in cover
    assert "review-missing" in run.log  # told as a notice, not hidden
    if recipe == "github":
        summary = (root.parent / f"{root.name}-summary.md").read_text(encoding="utf-8")
        assert summary.strip(), "the status overview reached the job summary"


@pytest.mark.recipes
@pytest.mark.parametrize("recipe", sorted(RECIPES))
@pytest.mark.parametrize(
    ("damage", "expected"),
    [(break_content, "status"), (overdue_review, "review-overdue")],
    ids=["content-error", "overdue-review"],
)
def test_recipe_fails_at_the_check_before_anything_is_built(
    recipe: str, damage: Any, expected: str, clean_venv: Path, tmp_path: Path
) -> None:
    root = repository_copy(tmp_path / "repo")
    damage(root)
    steps, env = _steps(recipe, root)
    run = run_recipe(steps, root, clean_venv, env)
    assert run.failed_step is not None, run.log
    assert run.failed_step.lower().startswith("check"), run.log
    assert expected in run.log
    assert "content/items/woningscan.md" in run.log
    assert not (root / "exports").exists()
    assert not (root / "public").exists()
