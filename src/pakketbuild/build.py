"""The build: load, model, run the writers, publish ``exports/`` atomically.

The whole tree is written into a staging folder beside the output folder and swapped
in only when every requested format succeeded, so ``exports/`` is always either the
previous complete tree or the new complete tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pakketbuild.diagnostics import UsageError
from pakketbuild.loader import load_content
from pakketbuild.publication import build_publication
from pakketbuild.writers import WRITERS, BuildContext, Job, get_writer

STAGING_PREFIX = ".pakketbuild-staging-"
OLD_PREFIX = ".pakketbuild-old-"
MANIFEST = "manifest.json"
KEEP_FILES = ("README.md",)
"""Files in the output folder that are not build output and survive a build."""


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    formats: list[str]
    docx_template: Path | None = None


@dataclass
class BuildResult:
    artifacts: list[dict[str, object]] = field(default_factory=list)
    seconds_per_format: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        times = ", ".join(f"{fmt} {secs:.2f}s" for fmt, secs in self.seconds_per_format.items())
        return f"wrote {len(self.artifacts)} files ({times})"


def _check_formats(formats: list[str]) -> tuple[str, ...]:
    if not formats:
        raise UsageError("--formats is empty; choose from " + ", ".join(WRITERS))
    for name in formats:
        if name not in WRITERS:
            get_writer(name)  # raises a UsageError with a suggestion
    return tuple(f for f in WRITERS if f in formats)


def build(options: BuildOptions) -> BuildResult:
    """Build every requested format and publish atomically."""
    formats = _check_formats(options.formats)
    content = load_content(options.content)
    template = _read_template(options, content.root)
    pub = build_publication(content)
    ctx = BuildContext(formats=formats, docx_template=template)

    out = options.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    staging = Path(
        out.parent / f"{STAGING_PREFIX}{out.name}-{os.getpid()}"
    )
    staging.mkdir()
    result = BuildResult()
    try:
        for name in formats:
            started = time.perf_counter()
            writer = get_writer(name)
            for job in writer.jobs(pub, ctx):
                data = writer.render(pub, ctx, job)
                _write(staging, job, data, result)
            result.seconds_per_format[name] = time.perf_counter() - started
        _write_manifest(staging, result)
        _copy_kept(out, staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _read_template(options: BuildOptions, root: Path) -> bytes | None:
    path = options.docx_template
    if path is None:
        return None
    if not path.is_file():
        raise UsageError(f"--docx-template {path}: no such file")
    return path.read_bytes()


def _write(staging: Path, job: Job, data: bytes, result: BuildResult) -> None:
    target = staging / job.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    result.artifacts.append(
        {
            "path": job.path,
            "format": job.format,
            "subject": job.subject,
            "media_type": job.media_type,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )


def _write_manifest(staging: Path, result: BuildResult) -> None:
    artifacts = sorted(result.artifacts, key=lambda a: str(a["path"]))
    manifest = {"generator": "pakketbuild", "artifacts": artifacts}
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (staging / MANIFEST).write_text(text, encoding="utf-8")


def _copy_kept(out: Path, staging: Path) -> None:
    for name in KEEP_FILES:
        source = out / name
        if source.is_file() and not (staging / name).exists():
            shutil.copy2(source, staging / name)


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames (the old tree removed afterwards)."""
    if out.exists():
        old = out.parent / f"{OLD_PREFIX}{out.name}-{os.getpid()}"
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)


def _clean_leftovers(out: Path) -> None:
    """Remove staging folders of interrupted builds; restore ``out`` if a swap was cut short."""
    for prefix in (STAGING_PREFIX, OLD_PREFIX):
        for leftover in out.parent.glob(f"{prefix}{out.name}-*"):
            if prefix == OLD_PREFIX and not out.exists():
                os.replace(leftover, out)
                continue
            shutil.rmtree(leftover, ignore_errors=True)
