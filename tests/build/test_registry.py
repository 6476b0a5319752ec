"""The format registry and the job protocol, seen from a writer's side.

The recipe "add an output format" of docs/architecture.md, done for real: a writer
defined in this file and one registry entry are all a new format needs; the engine, the
CLI's format check, the views and the manifest take it without naming it anywhere. A
writer that skips :func:`pakketbuild.writers.resolve` in ``render`` crashes on the first
view, as the recipe warns. And a writer's mistakes in the job protocol stop the build
when it plans, instead of publishing files that would never be rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pakketbuild import jobkeys, mediatypes
from pakketbuild.build import BuildOptions, build
from pakketbuild.diagnostics import UsageError
from pakketbuild.publication import Publication
from pakketbuild.writers import (
    FORMATS,
    BuildContext,
    Format,
    Job,
    Writer,
    check_formats,
    for_each_edition,
    resolve,
)
from tests.views.trees import RAADSLID_BODY, WETHOUDER_BODY, write_views_tree

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"
HERE = "tests.build.test_registry"


class TextWriter(Writer):
    """A throwaway format: one plain-text file per item (title, summary and the text as
    the edition's readers see it), in the full edition and in every view."""

    name = "txt"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        return for_each_edition(pub, self.plan)

    def plan(self, edition: Publication) -> list[Job]:
        """One edition's jobs, with paths and subjects relative to the edition."""
        return [
            Job(
                f"text/{item.id}.txt",
                self.name,
                jobkeys.item(item.id),
                f"{mediatypes.TEXT}; charset=utf-8",
                (jobkeys.item_dep(item.id),),
            )
            for item in edition.items.values()
        ]

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)  # the view's publication, the job as it planned it
        item = pub.items[jobkeys.parse(job.subject).ident]
        return f"{item.title}\n\n{item.summary}\n\n{item.body_text}\n".encode()


class ForgetfulWriter(TextWriter):
    """Renders without :func:`resolve`: a view's job has the subject
    ``view:<id>:item:<id>``, which names no item of the full edition."""

    name = "forgetful"

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        item = pub.items[jobkeys.parse(job.subject).ident]
        return item.title.encode()


class MistypedWriter(TextWriter):
    """Plans a dependency key no content can have ("itme:" instead of "item:")."""

    name = "mistyped"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        return [
            Job("mistyped.txt", self.name, jobkeys.SITE, "text/plain", (jobkeys.Dep("itme:x"),))
        ]


class TwinWriter(TextWriter):
    """Plans two files about the same subject."""

    name = "twins"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        return [Job(f"{n}.txt", self.name, jobkeys.SITE, "text/plain") for n in ("a", "b")]


def _register(monkeypatch: pytest.MonkeyPatch, writer: type[Writer]) -> None:
    fmt = Format(writer.name, f"{HERE}:{writer.__name__}", "a test format")
    monkeypatch.setitem(FORMATS, writer.name, fmt)


def _build(
    tmp_path: Path, formats: list[str], content: Path = SMALL
) -> dict[str, dict[str, object]]:
    out = tmp_path / "exports"
    options = BuildOptions(
        content=content,
        out=out,
        formats=formats,
        cache_dir=tmp_path / "cache",
        jobs=1,
        progress=False,
        verbosity="quiet",
    )
    build(options)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in manifest["artifacts"]}


def test_a_new_format_needs_its_writer_and_one_registry_entry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _register(monkeypatch, TextWriter)
    assert check_formats(["txt", "html"]) == ("html", "txt")
    artifacts = _build(tmp_path, ["html", "txt"])
    texts = {path: entry for path, entry in artifacts.items() if entry["format"] == "txt"}
    assert sorted(texts) == [
        "text/hulplijn.txt",
        "text/stappenplan-melden.txt",
        "text/training-weerbaarheid.txt",
    ]  # the concept item is not published
    assert texts["text/hulplijn.txt"]["subject"] == "item:hulplijn"
    first = (tmp_path / "exports" / "text" / "hulplijn.txt").read_text(encoding="utf-8")
    assert first.splitlines()[0] and first.endswith("\n")
    assert any(entry["format"] == "html" for entry in artifacts.values())


def test_a_new_format_shows_up_in_every_view(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Planned with ``for_each_edition`` and rendered after ``resolve``, the throwaway
    format writes each view's items under ``views/<id>/`` with the view's passages only."""
    _register(monkeypatch, TextWriter)
    content = write_views_tree(tmp_path / "content")
    artifacts = _build(tmp_path, ["html", "txt"], content)
    texts = {
        path: entry["subject"] for path, entry in artifacts.items() if entry["format"] == "txt"
    }
    assert texts == {
        "text/hulp.txt": "item:hulp",
        "text/scan.txt": "item:scan",
        "views/raadsleden/text/hulp.txt": "view:raadsleden:item:hulp",
        "views/wethouders/text/hulp.txt": "view:wethouders:item:hulp",
    }  # scan is for burgemeesters only: in no view
    out = tmp_path / "exports"
    full = (out / "text" / "hulp.txt").read_text(encoding="utf-8")
    raadsleden = (out / "views" / "raadsleden" / "text" / "hulp.txt").read_text(encoding="utf-8")
    assert RAADSLID_BODY in full and WETHOUDER_BODY in full
    assert RAADSLID_BODY in raadsleden and WETHOUDER_BODY not in raadsleden


def test_a_writer_that_skips_resolve_crashes_on_the_views(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Why the recipe says to call ``resolve`` first: without it a view's job names no
    item of the full edition, and nothing is published."""
    _register(monkeypatch, ForgetfulWriter)
    with pytest.raises(KeyError, match="raadsleden:item:hulp"):
        _build(tmp_path, ["forgetful"], write_views_tree(tmp_path / "content"))
    assert not (tmp_path / "exports").exists()


def test_without_the_registry_entry_the_format_is_unknown() -> None:
    with pytest.raises(UsageError, match="unknown format 'txt'"):
        check_formats(["html", "txt"])


def test_an_unknown_dependency_key_stops_the_build_when_it_plans(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _register(monkeypatch, MistypedWriter)
    with pytest.raises(ValueError, match="unknown dependency key 'itme:x'"):
        _build(tmp_path, ["mistyped"])
    assert not (tmp_path / "exports").exists()


def test_two_jobs_about_the_same_subject_stop_the_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _register(monkeypatch, TwinWriter)
    with pytest.raises(RuntimeError, match="two jobs have the subject 'site'"):
        _build(tmp_path, ["twins"])


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("site", "site"),
        ("*", "*"),
        ("item:a", "item"),
        ("theme-file:huis:logo.svg", "theme-file"),
        ("organisation:vng", "organisation"),
    ],
)
def test_known_dependency_keys(key: str, kind: str) -> None:
    assert jobkeys.check_dep(key) == kind


@pytest.mark.parametrize("key", ["", "item:", "items:a", "sites", "view:x:item:a"])
def test_unknown_dependency_keys(key: str) -> None:
    with pytest.raises(ValueError, match="unknown dependency key"):
        jobkeys.check_dep(key)


def test_view_subjects_round_trip() -> None:
    subject = jobkeys.in_view("wethouders", jobkeys.pakket("start"))
    assert subject == "view:wethouders:pakket:start"
    parsed = jobkeys.parse(subject, "wethouders")
    assert (parsed.kind, parsed.ident, parsed.view) == ("pakket", "start", "wethouders")


def test_every_registered_format_is_consistent() -> None:
    for name, fmt in FORMATS.items():
        assert fmt.name == name
        if fmt.extension is not None:  # a download format has everything a link needs
            assert fmt.media_type and fmt.label
