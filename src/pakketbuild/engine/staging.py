"""The staging folder of one build and the records that become its manifest.

Every artifact reaches the staging folder in one of three ways: taken over from the
previous tree (a hard link: same file, same mtime) when its cache key did not change,
copied from the cache, or rendered. A rendered file whose bytes equal the previous
tree's is linked too, so an unchanged artifact is never rewritten. Each placement is
recorded (:class:`~pakketbuild.cache.Record`); the records are the manifest.

Forked helper processes place files through the same :meth:`Staging.place_rendered`,
so where a file was rendered never shows in the tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pakketbuild.cache import Cache, Record, State, sha256_bytes
from pakketbuild.engine.publish import link_or_copy
from pakketbuild.writers import Job, Writer


@dataclass
class Planned:
    """A job of the plan, with its writer and its cache key."""

    writer: Writer
    job: Job
    key: str


@dataclass
class Staging:
    folder: Path
    """The staging folder (beside the output folder)."""
    out: Path
    """The published output folder (the previous tree)."""
    old: State
    """What the last build recorded."""
    cache: Cache
    force: bool
    """Take nothing over from the previous tree."""
    records: dict[str, Record] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    """Paths whose bytes are new in this build."""
    new_objects: list[tuple[str, Path]] = field(default_factory=list)
    """Rendered files of heavy formats, to copy into the cache when the build succeeds."""
    folders: set[Path] = field(default_factory=set)

    def old_file(self, path: str, record: Record | None) -> Path | None:
        """The previous tree's file at ``path`` if it is still exactly what we wrote."""
        if record is None:
            return None
        source = self.out / path
        try:
            info = os.stat(source)
        except OSError:
            return None
        return source if record.matches(info) else None

    def reuse(self, planned: Planned) -> str | None:
        """Take over an unchanged artifact; None when it must be rendered."""
        job = planned.job
        old = self.old.artifacts.get(job.path)
        if old is not None and old.key == planned.key:
            source = self.old_file(job.path, old)
            if source is not None:
                self._link(source, job.path)
                self._record(planned, old.sha256, old.bytes, old.seconds)
                self.cache.touch(planned.key)
                return "reused"
        # Checked against their sha256 (Cache.get, Cache.packed): a damaged copy is a
        # miss, rendered again, never placed.
        data = self.cache.get(planned.key)
        if data is None and not planned.writer.format.heavy:
            data = self.cache.packed(planned.key)  # light files are cached in packs
        if data is None:
            return None
        status = self.place(planned, data, old.seconds if old else 0.0)
        return "reused" if status == "reused" else "written"

    def place_rendered(self, planned: Planned, data: bytes, secs: float) -> str:
        """:meth:`place` for a file rendered in this build ("written" or "reused")."""
        status = self.place(planned, data, secs)
        if planned.writer.format.heavy:
            # Light (HTML, JSON) files reach the cache only when a later build replaces
            # them (see Build.salvage): copying thousands of them at every cold build
            # costs more than rendering them again if the output folder is ever deleted.
            self.new_objects.append((planned.key, self.folder / planned.job.path))
        return status

    def place(self, planned: Planned, data: bytes, secs: float) -> str:
        """Put ``data`` at the job's path in staging; keep the previous file when the
        bytes are the same (so an unchanged artifact is never rewritten)."""
        job = planned.job
        sha = sha256_bytes(data)
        old = self.old.artifacts.get(job.path)
        source = None if self.force else self.old_file(job.path, old)
        if source is not None and old is not None and old.sha256 == sha:
            self._link(source, job.path)
            status = "reused"
            info = None
        else:
            info = self._write(job.path, data)
            status = "written"
            self.written.append(job.path)
        self._record(planned, sha, len(data), secs, info)
        return status

    def _folder(self, path: str) -> Path:
        """The staging path of ``path``, its folder created (once per build)."""
        target = self.folder / path
        folder = target.parent
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        return target

    def _write(self, path: str, data: bytes) -> os.stat_result:
        """Write a new file into staging; returns its status (size, mtime, inode) without
        looking the file up again."""
        fd = os.open(self._folder(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
            return os.fstat(fd)
        finally:
            os.close(fd)

    def _link(self, source: Path, path: str) -> None:
        link_or_copy(source, self._folder(path))

    def _record(
        self,
        planned: Planned,
        sha: str,
        size: int,
        secs: float,
        info: os.stat_result | None = None,
    ) -> None:
        job = planned.job
        if info is None:
            info = os.stat(self.folder / job.path)
        self.records[job.path] = Record(
            key=planned.key,
            sha256=sha,
            bytes=size,
            format=job.format,
            subject=job.subject,
            media_type=job.media_type,
            mtime_ns=info.st_mtime_ns,
            ino=info.st_ino,
            seconds=round(secs, 4),
        )


def manifest_entries(records: dict[str, Record]) -> list[dict[str, object]]:
    """The manifest's ``artifacts``, sorted by path."""
    return [
        {
            "path": path,
            "format": record.format,
            "subject": record.subject,
            "media_type": record.media_type,
            "bytes": record.bytes,
            "sha256": record.sha256,
        }
        for path, record in sorted(records.items())
    ]


def stat_matches(path: Path, expected: list[int]) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return [info.st_size, info.st_mtime_ns, info.st_ino] == expected


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
