"""The format registry and the job protocol, seen from a writer's side.

The recipe "add an output format" of docs/architecture.md, done for real: a writer
defined in this file and one registry entry are all a new format needs; the engine, the
CLI's format check and the manifest take it without naming it anywhere. And a writer's
mistakes in the job protocol stop the build when it plans, instead of publishing files
that would never be rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pakketbuild import jobkeys
from pakketbuild.build import BuildOptions, build
from pakketbuild.diagnostics import UsageError
from pakketbuild.publication import Publication
from pakketbuild.writers import FORMATS, BuildContext, Format, Job, Writer, check_formats

SMALL = Path(__file__).resolve().parents[1] / "data" / "small"
HERE = "tests.build.test_registry"


class TextWriter(Writer):
    """A throwaway format: one plain-text file per item (title and summary)."""

    name = "txt"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        return [
            Job(
                f"text/{item.id}.txt",
                self.name,
                jobkeys.item(item.id),
                "text/plain; charset=utf-8",
                (jobkeys.item_dep(item.id),),
            )
            for item in pub.items.values()
        ]

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        item = pub.items[jobkeys.parse(job.subject).ident]
        return f"{item.title}\n\n{item.item.summary}\n".encode()


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


def _build(tmp_path: Path, formats: list[str]) -> dict[str, dict[str, object]]:
    out = tmp_path / "exports"
    options = BuildOptions(
        content=SMALL,
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
