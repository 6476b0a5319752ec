"""The build cache: fingerprints of every input, artifact bytes stored by key, and the
record of the last build of each output folder.

Layout of a cache folder (default ``.pakketbuild-cache/`` beside the content folder)::

    objects/<k[:2]>/<key>       bytes of one artifact, stored under the hash of its inputs
    packs/<id>.pack, <id>.json  the light (HTML, JSON) files one build rendered, in one
                                file, and where each key's bytes are in it
    state/<out-hash>.json       the last successful build of one output folder
    state/<out-hash>.renders.json   its rendered Markdown (an edit then parses one text)

Everything in it can be deleted at any moment between builds: a missing object is
rendered again, a missing state makes the next build a full (still cache-assisted) one.
Writes go to a temporary file first and are renamed into place, so a build that is killed
never leaves a half-written object or state behind.

Everything is checked when it is read (a disk can flip a bit or cut a file short): an
object, the state and the rendered Markdown end in a :data:`SEAL` with the sha256 and
size of what precedes it, and a pack's index holds the sha256 of each of its files. A
read that does not match is a miss: the entry is dropped (so the build stores a new one)
and named in :attr:`Cache.damaged`, and the artifact is rendered again; damaged bytes are
never published.

This module is imported on every build, including a no-op: it must stay cheap to import
(standard library only).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pakketbuild import __version__
from pakketbuild.provenance import installed_distributions

ENGINE_VERSION = 1
"""Bump when the meaning of a cache key or the state format changes."""
PACKAGE_ROOT = Path(__file__).resolve().parent
STALE_OBJECT_SECONDS = 14 * 24 * 3600
"""Objects no build of any output referred to for this long are pruned."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SEAL = struct.Struct(">16s32sQ")
"""What ends every object, state and renders file: :data:`SEAL_MAGIC`, the sha256 of the
bytes before it, and their number (big-endian). A file without it, cut short or changed,
does not unseal."""
SEAL_MAGIC = b"pakketbuild-obj1"


def seal(data: bytes, sha256: str | None = None) -> bytes:
    """``data`` with its seal (``sha256``: its hex digest, when already known)."""
    return data + _seal_of(sha256 or sha256_bytes(data), len(data))


def _seal_of(sha256: str, size: int) -> bytes:
    return SEAL.pack(SEAL_MAGIC, bytes.fromhex(sha256), size)


def unseal(blob: bytes) -> bytes | None:
    """The bytes :func:`seal` sealed, or None when ``blob`` is not intact."""
    if len(blob) < SEAL.size:
        return None
    magic, digest, size = SEAL.unpack_from(blob, len(blob) - SEAL.size)
    data = blob[: -SEAL.size]
    if magic != SEAL_MAGIC or size != len(data) or hashlib.sha256(data).digest() != digest:
        return None
    return data


def _digest(parts: object) -> str:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_bytes(text.encode("utf-8"))


def default_cache_dir(content: Path) -> Path:
    """``$PAKKETBUILD_CACHE_DIR``, else ``.pakketbuild-cache/`` beside the content folder."""
    env = os.environ.get("PAKKETBUILD_CACHE_DIR")
    if env:
        return Path(env)
    return content.resolve().parent / ".pakketbuild-cache"


# --------------------------------------------------------------------------- fingerprints


def hash_tree(root: Path, *, skip_dirs: Iterable[str] = ()) -> dict[str, str]:
    """``relative POSIX path → sha256`` of every file under ``root`` (symlinks followed
    for files, not for folders), in sorted order. Missing root → empty."""
    skip = set(skip_dirs)
    result: dict[str, str] = {}
    top = root.resolve()

    def walk(folder: Path, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in skip:
                    walk(Path(entry.path), rel + "/")
                continue
            try:
                # Only regular files inside the tree are opened: a FIFO would block the
                # build, /dev/zero never ends, and a link that leads out of the tree is
                # refused by the loader anyway (pakketbuild.confine; security: see
                # SECURITY.md). This only fingerprints: it is not the gate.
                info = entry.stat()
                if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(top):
                    result[rel] = "outside:" + os.readlink(entry.path)
                    continue
                if not stat.S_ISREG(info.st_mode):
                    result[rel] = f"special:{stat.S_IFMT(info.st_mode):o}"
                    continue
                with open(entry.path, "rb") as handle:
                    result[rel] = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError as exc:  # dangling link, unreadable: the loader will report it
                result[rel] = f"unreadable:{type(exc).__name__}"

    walk(root, "")
    return result


def code_fingerprint() -> str:
    """Hash of pakketbuild itself (code, templates, styles, fonts), its version, the
    Python version and the names (with versions) of every installed distribution.

    Listing the ``*.dist-info`` folders costs one ``listdir`` per ``sys.path`` entry,
    far less than ``importlib.metadata``; any upgrade of a dependency changes it.
    A long-lived process (``serve``, which builds at every save) hashes the files again
    only when one of them was added, removed or has another size, mtime or inode (hashing
    them, fonts included, took 15-25 ms of every rebuild).
    """
    global _code_memo
    dists = sorted(set(installed_distributions()))
    signature = (_tree_stats(PACKAGE_ROOT), dists)
    if _code_memo is not None and _code_memo[0] == signature:
        return _code_memo[1]
    package = hash_tree(PACKAGE_ROOT, skip_dirs=("__pycache__",))
    package = {k: v for k, v in package.items() if not k.endswith((".pyc", ".pyo"))}
    digest = _digest(
        {
            "engine": ENGINE_VERSION,
            "version": __version__,
            "python": sys.version,
            "package": package,
            "dists": dists,
        }
    )
    _code_memo = (signature, digest)
    return digest


_code_memo: tuple[object, str] | None = None


def _tree_stats(root: Path) -> list[tuple[str, int, int, int, int]]:
    """(path, mode, size, mtime, inode) of everything under ``root`` but ``__pycache__``."""
    found: list[tuple[str, int, int, int, int]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files + dirs):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                found.append((path, -1, -1, -1, -1))
                continue
            found.append((path, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino))
    return found


@dataclass(frozen=True)
class Inputs:
    """Everything a build's output depends on, hashed."""

    content: dict[str, str]
    """Content file → sha256 (relative to the content folder)."""
    code: str
    formats: tuple[str, ...]
    template: str | None
    """sha256 of the ``--docx-template`` file, if one was given."""
    base_url: str | None = None
    """The ``--base-url`` / ``$PAKKETBUILD_BASE_URL`` override (site.yaml's own value is
    content, covered by the ``site`` key); part of every artifact's key."""
    source_date: str | None = None
    """The Dutch date of ``SOURCE_DATE_EPOCH`` (ISO, :mod:`pakketbuild.sourcedate`): part
    of the no-op check, and of the keys of the artifacts that show it (the dependency
    :data:`pakketbuild.jobkeys.SOURCE_DATE`) only. The date, not the epoch: two commits of
    the same day give the same files."""
    tools: dict[str, str] = field(default_factory=dict)
    """Format → the key of its outside program (:class:`~pakketbuild.writers.ToolState`:
    which LibreOffice lays out the contents pages, or none); part of the key of the jobs
    that use it."""

    @property
    def fingerprint(self) -> str:
        return _digest(
            {
                "content": self.content,
                "code": self.code,
                "formats": list(self.formats),
                "template": self.template,
                "base_url": self.base_url,
                "source_date": self.source_date,
                "tools": self.tools,
            }
        )

    @property
    def everything(self) -> str:
        """The hash of all content (what a ``*`` dependency stands for)."""
        return _digest(self.content)


def job_key(
    inputs: Inputs,
    *,
    fmt: str,
    path: str,
    subject: str,
    media_type: str,
    deps: Mapping[str, str],
    template: str | None,
    tool: str | None = None,
) -> str:
    """The cache key of one artifact: a hash over everything its bytes may depend on
    (``tool``: the key of the outside program that helps render it, if one does)."""
    return _digest(
        {
            "code": inputs.code,
            "formats": list(inputs.formats),
            "format": fmt,
            "path": path,
            "subject": subject,
            "media_type": media_type,
            "deps": dict(deps),
            "template": template,
            "base_url": inputs.base_url,
            "tool": tool,
        }
    )


# --------------------------------------------------------------------------- state


@dataclass
class Record:
    """One published file as the last build left it."""

    key: str
    sha256: str
    bytes: int
    format: str
    subject: str
    media_type: str
    mtime_ns: int = 0
    ino: int = 0
    seconds: float = 0.0
    """How long rendering took when it was last rendered (to schedule long jobs first)."""

    def matches(self, info: os.stat_result) -> bool:
        """True when the file on disk is still exactly the one this build wrote."""
        return (
            stat.S_ISREG(info.st_mode)
            and info.st_size == self.bytes
            and info.st_mtime_ns == self.mtime_ns
            and info.st_ino == self.ino
        )


@dataclass
class State:
    """The last successful build of one output folder."""

    fingerprint: str = ""
    manifest_sha256: str = ""
    artifacts: dict[str, Record] = field(default_factory=dict)
    kept: dict[str, list[int]] = field(default_factory=dict)
    """Kept files (README.md) → [size, mtime_ns, ino] as published."""
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": ENGINE_VERSION,
            "fingerprint": self.fingerprint,
            "manifest_sha256": self.manifest_sha256,
            "artifacts": {p: vars(r) for p, r in sorted(self.artifacts.items())},
            "kept": self.kept,
            "warnings": self.warnings,
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        if not isinstance(data, dict) or data.get("engine") != ENGINE_VERSION:
            return cls()
        try:
            return cls(
                fingerprint=str(data["fingerprint"]),
                manifest_sha256=str(data["manifest_sha256"]),
                artifacts={p: Record(**r) for p, r in data["artifacts"].items()},
                kept={k: list(v) for k, v in data.get("kept", {}).items()},
                warnings=list(data.get("warnings", [])),
            )
        except (KeyError, TypeError, AttributeError):
            return cls()


class Cache:
    """A cache folder (see the module docstring)."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root = root
        self.out_id = sha256_bytes(os.fsencode(out))[:20]
        self._packed: dict[str, list[tuple[str, int, int, str]]] | None = None
        self.damaged: set[str] = set()
        """Entries this build found damaged (an object's key, a packed file's key,
        ``state`` or ``renders``): each was a miss, and is replaced when the build
        stores it again."""

    @property
    def packs(self) -> Path:
        return self.root / "packs"

    def put_pack(self, files: Iterable[tuple[str, str, int, Path]]) -> int:
        """Store the files ``(key, sha256, size, path)`` whose keys no pack holds yet as one
        pack: their bytes one after the other in ``packs/<id>.pack`` and where each is in
        ``packs/<id>.json``. Light files (thousands of small ones) go to the cache this
        way: one file written instead of one per artifact, so that a deleted output
        folder can be restored without rendering. Returns how many files were packed."""
        known = self._pack_index()
        index: dict[str, list[object]] = {}
        paths: list[tuple[int, Path, str]] = []
        offset = 0
        for key, sha, size, path in files:
            if key in index or (key in known and key not in self.damaged):
                continue
            index[key] = [offset, size, sha]
            paths.append((size, path, sha))
            offset += size
        if not index:
            return 0
        text = json.dumps(index, sort_keys=True, separators=(",", ":")).encode()
        name = sha256_bytes(text)[:32]
        self.packs.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp", dir=self.packs)
        try:
            with os.fdopen(fd, "wb") as handle:
                for size, path, sha in paths:
                    data = path.read_bytes()
                    if len(data) != size or sha256_bytes(data) != sha:
                        raise OSError(f"{path} changed while it was packed")
                    handle.write(data)
            os.replace(tmp, self.packs / f"{name}.pack")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _atomic_write(self.packs / f"{name}.json", text)  # the index last: a pack is
        self._packed = None  # complete once its index exists
        return len(index)

    def _pack_index(self) -> dict[str, list[tuple[str, int, int, str]]]:
        """Key → every place a pack holds it (a key packed again after its copy was
        found damaged is in two packs)."""
        if self._packed is None:
            self._packed = {}
            with contextlib.suppress(OSError):
                for entry in sorted(os.scandir(self.packs), key=lambda e: e.name):
                    name = entry.name
                    if not name.endswith(".json") or name.startswith(".tmp"):
                        continue
                    try:
                        index = json.loads(Path(entry.path).read_bytes())
                        for key, (offset, size, sha) in index.items():
                            place = (name[: -len(".json")], int(offset), int(size), str(sha))
                            self._packed.setdefault(key, []).append(place)
                    except (OSError, ValueError, TypeError, AttributeError):
                        continue
        return self._packed

    def packed(self, key: str) -> bytes | None:
        """The bytes of ``key`` from a pack, checked against their sha256; None when no
        pack holds an intact copy (a damaged one is noted in :attr:`damaged`)."""
        places = self._pack_index().get(key)
        if not places:
            return None
        for name, offset, size, sha in places:
            try:
                with open(self.packs / f"{name}.pack", "rb") as handle:
                    handle.seek(offset)
                    data = handle.read(size)
            except (OSError, ValueError):
                continue
            if len(data) == size and sha256_bytes(data) == sha:
                return data
        self.damaged.add(key)
        return None

    def has_packed(self, key: str) -> bool:
        """A pack holds ``key`` (not known to be damaged)."""
        return key in self._pack_index() and key not in self.damaged

    @property
    def state_path(self) -> Path:
        return self.root / "state" / f"{self.out_id}.json"

    def object_path(self, key: str) -> Path:
        return self.root / "objects" / key[:2] / key

    def _read_sealed(self, path: Path, name: str) -> bytes | None:
        """The unsealed bytes of ``path``; None when it is missing or damaged (then it is
        noted as ``name`` in :attr:`damaged`)."""
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:  # unreadable (a broken disk, no permission): a miss all the same
            self.damaged.add(name)
            return None
        data = unseal(blob)
        if data is None:
            self.damaged.add(name)
        return data

    def load_state(self) -> State:
        data = self._read_sealed(self.state_path, "state")
        if data is None:
            return State()
        try:
            return State.from_json(json.loads(data))
        except ValueError:  # pragma: no cover - sealed, so written as JSON
            return State()

    def save_state(self, state: State) -> None:
        text = json.dumps(state.to_json(), ensure_ascii=False, separators=(",", ":"))
        _atomic_write(self.state_path, seal(text.encode("utf-8")))

    @property
    def renders_path(self) -> Path:
        return self.root / "state" / f"{self.out_id}.renders.json"

    def load_renders(self, code: str) -> object:
        """What :meth:`save_renders` stored for the same code, else None."""
        raw = self._read_sealed(self.renders_path, "renders")
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:  # pragma: no cover - sealed, so written as JSON
            return None
        if not isinstance(data, dict) or data.get("code") != code:
            return None
        return data.get("renders")

    def save_renders(self, code: str, renders: object) -> None:
        """Rendered Markdown for the next build of this output folder (see
        :func:`pakketbuild.publication.saved_renders`)."""
        text = json.dumps(
            {"code": code, "renders": renders}, ensure_ascii=False, separators=(",", ":")
        )
        _atomic_write(self.renders_path, seal(text.encode("utf-8")))

    def get(self, key: str) -> bytes | None:
        """The bytes stored for ``key``, checked against their seal; None when there is
        no object, or a damaged one (then removed, so a new one can be stored, and noted
        in :attr:`damaged`)."""
        path = self.object_path(key)
        data = self._read_sealed(path, key)
        if data is None and key in self.damaged:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return data

    def put_file(self, key: str, source: Path) -> None:
        """Store a copy of ``source``, sealed (never a hard link: the cache must not
        share an inode with the published tree, which others may touch)."""
        target = self.object_path(key)
        if key not in self.damaged and target.exists():
            os.utime(target)  # mark as recently used (for pruning)
            return
        _atomic_write(target, seal(source.read_bytes()))

    def adopt(
        self,
        key: str,
        source: Path,
        intact: Callable[[os.stat_result], bool],
        *,
        sha256: str,
        size: int,
        published: bool = False,
    ) -> bool:
        """Take ``source``, a file an earlier build made for ``key`` (``sha256`` and
        ``size`` as recorded), into the cache, if there is no object ``key`` yet and
        ``intact`` says the file is still the one that was built. A file of a replaced
        output tree gets its seal appended and is moved (a rename; nothing else links to
        it, or the new tree would); a file that is ``published`` is copied, and only if
        its bytes are the recorded ones. Either way the cache never shares an inode with
        a published file; a seal that does not match what was moved makes a miss later."""
        target = self.object_path(key)
        try:
            info = os.lstat(source)
            if not intact(info) or info.st_size != size or target.exists():
                return False
            if published:
                data = source.read_bytes()
                if sha256_bytes(data) != sha256:
                    return False
                _atomic_write(target, seal(data, sha256))
            elif info.st_nlink != 1:
                return False
            else:
                self._move_in(source, target, _seal_of(sha256, size))
        except OSError:
            return False
        return True

    @staticmethod
    def _move_in(source: Path, target: Path, seal_bytes: bytes) -> None:
        """Append the seal to ``source`` (a file of a replaced tree, no longer
        published) and rename it to ``target``."""
        fd = os.open(source, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.write(fd, seal_bytes)
        finally:
            os.close(fd)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _atomic_write(target, source.read_bytes())  # another file system
        os.utime(target)  # recently used (for pruning)

    def touch(self, key: str) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.object_path(key))

    def prune(self, keep: set[str]) -> int:
        """Remove objects not in ``keep`` that nothing used for a while, and stray
        temporary files; returns how many files were removed."""
        objects = self.root / "objects"
        now = time.time()
        removed = self._prune_packs(keep, now)
        try:
            folders = list(os.scandir(objects))
        except FileNotFoundError:
            return 0
        for folder in folders:
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder.path):
                if entry.name in keep:
                    continue
                try:
                    age = now - entry.stat().st_mtime
                    temporary = entry.name.startswith(".tmp")
                    if age > STALE_OBJECT_SECONDS or (temporary and age > 3600):
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed

    def _prune_packs(self, keep: set[str], now: float) -> int:
        """Packs holding a key in ``keep`` are marked as used; the others go when no
        build used them for a while (and stray temporary files after an hour)."""
        used: set[str] = {
            place[0]
            for key, places in self._pack_index().items()
            if key in keep
            for place in places
        }
        removed = 0
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.packs):
                stem = entry.name.rsplit(".", 1)[0]
                try:
                    if stem in used:
                        os.utime(entry.path)
                        continue
                    age = now - entry.stat().st_mtime
                    if age > STALE_OBJECT_SECONDS or (stem.startswith(".tmp") and age > 3600):
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
