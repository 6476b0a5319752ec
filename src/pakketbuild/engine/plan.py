"""Planning a build: every writer's jobs, checked, each with its cache key.

A cache key is a hash over pakketbuild's code, templates and fonts, the build's formats,
the job itself, the format's extra inputs (:meth:`~pakketbuild.writers.Writer.read_input`),
the outside program that helps render it (:meth:`~pakketbuild.writers.Writer.uses_tool`:
which LibreOffice, or none) and the bytes of the content files the job shows
(``Job.deps``, hashed by :class:`DepHasher`; the dependency ``source-date`` stands for the
date of ``SOURCE_DATE_EPOCH``, so only the jobs that show that date depend on it).
Planning checks what writers promise: paths inside the tree and unique, subjects unique,
dependency keys that content can have (:func:`pakketbuild.jobkeys.check_dep`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pakketbuild import jobkeys
from pakketbuild.cache import Inputs, job_key, sha256_bytes
from pakketbuild.engine.publish import KEEP_FILES, MANIFEST
from pakketbuild.engine.staging import Planned
from pakketbuild.writers import FORMATS, BuildContext, Job, get_writer

if TYPE_CHECKING:
    from pakketbuild.loader import Content
    from pakketbuild.publication import Publication


def read_inputs(content: Content, formats: tuple[str, ...], options: object) -> dict[str, bytes]:
    """The extra input files of ``formats`` (:meth:`Writer.read_input`); ``options`` holds
    the files given on the command line (:attr:`Format.option`)."""
    inputs: dict[str, bytes] = {}
    for name in formats:
        option = FORMATS[name].option
        data = get_writer(name).read_input(content, getattr(options, option) if option else None)
        if data is not None:
            inputs[name] = data
    return inputs


def plan(pub: Publication, ctx: BuildContext, content: Content, inputs: Inputs) -> list[Planned]:
    """Every job of every format of the build, in format order, with its cache key."""
    extra = {name: sha256_bytes(data) for name, data in ctx.inputs.items()}
    dep_hash = DepHasher(content, inputs)
    planned: list[Planned] = []
    seen: set[str] = set()
    subjects: set[tuple[str, str]] = set()
    for name in inputs.formats:
        writer = get_writer(name)
        for job in writer.jobs(pub, ctx):
            check_job_path(job, seen)
            check_subject(job, subjects)
            key = job_key(
                inputs,
                fmt=job.format,
                path=job.path,
                subject=job.subject,
                media_type=job.media_type,
                deps={dep: dep_hash(dep) for dep in sorted(set(job.deps))},
                template=extra.get(name),
                tool=inputs.tools.get(name) if writer.uses_tool(job) else None,
            )
            planned.append(Planned(writer, job, key))
    return planned


class DepHasher:
    """Content key (``item:<id>`` …) → hash of the bytes of the files behind it.

    A key covers the content in its resolved form, so it includes the files it refers
    to: an item its providers and document files, a pakket and the site their publisher
    (all organisations live in one file). A writer that shows a provider's name then
    needs no separate ``organisations`` dependency to stay correct.
    """

    def __init__(self, content: Content, inputs: Inputs) -> None:
        self.content = content
        self.inputs = inputs
        self.memo: dict[str, str] = {}

    def _file(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.content.root).as_posix()
        except ValueError:
            return "outside"
        return self.inputs.content.get(rel, "absent")

    def __call__(self, key: str) -> str:
        if key not in self.memo:
            self.memo[key] = self._hash(key)
        return self.memo[key]

    def _hash(self, key: str) -> str:
        from pakketbuild.loader import ORGANISATIONS_FILE

        jobkeys.check_dep(key)  # a key no content can have: the writer's mistake
        content = self.content
        organisations = self._file(content.root / ORGANISATIONS_FILE)
        if key == "*":
            return self.inputs.everything
        if key == "source-date":
            return self.inputs.source_date or "absent"
        if key in ("organisations", "organisaties") or key.startswith("organisation:"):
            return organisations
        if key not in content.sources:
            return "absent"
        parts = [self._file(content.sources[key].path)]
        kind, _, ident = key.partition(":")
        item = content.items.get(ident) if kind == "item" else None
        if item is not None:
            if item.providers:
                parts.append(organisations)
            parts += [self._file(content.root / d.path) for d in item.documents if d.path]
        elif kind == "pakket" or (key == "site" and content.site.publisher):
            parts.append(organisations)
        return parts[0] if len(parts) == 1 else sha256_bytes("\n".join(parts).encode())


def check_subject(job: Job, seen: set[tuple[str, str]]) -> None:
    """Subjects are unique per media type (the API index and the feed are both about
    the ``site``, which the published manifest says)."""
    key = (job.subject, job.media_type)
    if key in seen:
        raise RuntimeError(f"two jobs have the subject {job.subject!r} ({job.media_type})")
    seen.add(key)


def check_job_path(job: Job, seen: set[str]) -> None:
    parts = job.path.split("/")
    if (
        not job.path
        or job.path.startswith("/")
        or any(p in ("", ".", "..") for p in parts)
        or "\\" in job.path
        or job.path in (MANIFEST, *KEEP_FILES)
    ):
        raise RuntimeError(f"writer {job.format} planned an invalid path {job.path!r}")
    if job.path in seen:
        raise RuntimeError(f"two jobs write {job.path!r}")
    seen.add(job.path)
