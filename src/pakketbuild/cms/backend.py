"""The local backend of the browser editor: Decap's proxy protocol, confined to the files
of the content model.

``pakketbuild serve`` answers POSTs to its secret API address (:data:`~pakketbuild.cms.API_PATH`
plus the run's secret) with :class:`LocalBackend`. The backend does only what the editor
needs (SECURITY.md, "The preview server"):

* it reads and writes only the content model's own files (:class:`Kind`): items and
  pakketten (``items/<id>.md``, ``pakketten/<id>.md``), the settings files (``site.yaml``,
  ``organisaties.yaml``, ``withdrawn.yaml``) and uploaded documents
  (``documenten/<name>`` of a type in :data:`~pakketbuild.cms.MEDIA_SUFFIXES`); never a
  dot-file, another type or another folder;
* it deletes only items and pakketten, and only after every path of the request passed;
* it follows no symbolic link: folders are opened one level at a time with
  ``O_NOFOLLOW`` (:func:`pakketbuild.confine.open_folder`), a file is written to a new
  temporary file made with ``O_CREAT|O_EXCL|O_NOFOLLOW`` in the target folder and renamed
  over the name, and the result is checked with :func:`pakketbuild.confine.unlinked`;
* every malformed request is refused with a 4xx status and a Dutch message, never an
  exception (``tests/test_cms_security.py`` fuzzes it).

See :mod:`pakketbuild.cms` for the editor as a whole and :mod:`pakketbuild.serve_http`
for the HTTP side (secret, host, limits).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pakketbuild.cms import LOCAL_PREFIX, MAX_JSON_DEPTH, MAX_UPLOAD, MEDIA_DIR, MEDIA_SUFFIXES
from pakketbuild.confine import Confined, Confinement, Refusal, open_folder, unlinked
from pakketbuild.i18n import _, machine_failure
from pakketbuild.loading.reading import (
    ITEMS_DIR,
    MAX_CONTENT_FILE,
    ORGANISATIONS_FILE,
    PAKKETTEN_DIR,
    SITE_FILE,
    WITHDRAWN_FILE,
    is_slug,
)
from pakketbuild.model import WINDOWS_RESERVED

MAX_PATH = 512
"""Longest repository path the backend looks at (the model's ids are at most 80)."""
TEMP_SUFFIX = ".cms-tmp"
"""Suffix of the temporary files a save makes (dot-files: the loader skips them)."""
_MEDIA_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}", re.IGNORECASE)
_OPEN_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class BackendError(Exception):
    """A request the local backend refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Kind(Enum):
    """The files of the content model the editor may touch."""

    ENTRY = "entry"
    """``items/<id>.md`` and ``pakketten/<id>.md``: read, written, renamed, deleted."""
    SETTINGS = "settings"
    """``site.yaml``, ``organisaties.yaml``, ``withdrawn.yaml``: read and written."""
    MEDIA = "media"
    """``documenten/<name>.<type>``: uploaded and read (removed outside the editor)."""


ENTRY_FOLDERS = (ITEMS_DIR, PAKKETTEN_DIR)
SETTINGS_FILES = (SITE_FILE, ORGANISATIONS_FILE, WITHDRAWN_FILE)
LIMITS = {Kind.ENTRY: MAX_CONTENT_FILE, Kind.SETTINGS: MAX_CONTENT_FILE, Kind.MEDIA: MAX_UPLOAD}
"""Largest file of each kind the backend reads or writes (what the loader accepts)."""


def kind_of(parts: tuple[str, ...]) -> Kind | None:
    """What the file at ``parts`` (relative to the content folder) is, or None when it is
    none of the model's files."""
    if len(parts) == 1 and parts[0] in SETTINGS_FILES:
        return Kind.SETTINGS
    if len(parts) != 2:
        return None
    folder, name = parts
    stem = name.removesuffix(".md")
    if folder in ENTRY_FOLDERS and name.endswith(".md") and _is_id(stem):
        return Kind.ENTRY
    if (
        folder == MEDIA_DIR
        and _MEDIA_NAME.fullmatch(name)
        and name.lower().endswith(MEDIA_SUFFIXES)
        and ".." not in name
    ):
        return Kind.MEDIA
    return None


def _is_id(value: str) -> bool:
    """An id the model accepts as a file name (the loader's rule)."""
    return is_slug(value) and value not in WINDOWS_RESERVED


@dataclass(frozen=True)
class Target:
    """A checked repository path: a file of the content model."""

    repo_path: str
    parts: tuple[str, ...]
    kind: Kind

    @property
    def folder(self) -> tuple[str, ...]:
        return self.parts[:-1]

    @property
    def name(self) -> str:
        return self.parts[-1]


@dataclass(frozen=True)
class LocalBackend:
    """Decap's local proxy protocol (as npm ``decap-server`` speaks it), confined to the
    model's files in one content folder. ``prefix`` is the repository path of that folder
    in the configuration (always :data:`~pakketbuild.cms.LOCAL_PREFIX` for ``serve``)."""

    root: Path
    prefix: str = LOCAL_PREFIX

    def handle(self, payload: object) -> tuple[int, Any]:
        """Answer one POSTed JSON request: (HTTP status, JSON-ready body). Never raises
        for what a request holds: a refusal is a 4xx, a failure of the machine (a full
        disk) a 500 with the Dutch line that says what to do."""
        try:
            return 200, self._dispatch(payload)
        except BackendError as exc:
            return exc.status, {"error": str(exc)}
        except OSError as exc:
            return 500, {"error": machine_failure(exc, where=self.root)}

    @property
    def _root(self) -> Path:
        return self.root.resolve()

    # -- paths

    def target(self, repo_path: object, *kinds: Kind) -> Target:
        """The model's file that ``repo_path`` names, if it is of one of ``kinds``;
        refuses everything else (another folder or type, a dot-file, ``..``)."""
        parts = self._parts(repo_path)
        kind = kind_of(parts)
        if kind is None or kind not in kinds:
            raise BackendError(
                _(
                    "the editor may not use '{path}': it reads and writes only items, "
                    "pakketten, the settings files and documents in '{media}/'"
                ).format(path=repo_path, media=MEDIA_DIR),
                403,
            )
        return Target(str(repo_path), parts, kind)

    def _parts(self, repo_path: object) -> tuple[str, ...]:
        """``repo_path`` below the content folder, as names (refusing any other form)."""
        if not isinstance(repo_path, str) or not repo_path or len(repo_path) > MAX_PATH:
            raise BackendError(_("not a valid path: {path}").format(path=_shown(repo_path)))
        if any(ord(c) < 32 or c in "\\\x7f" for c in repo_path):
            raise BackendError(_("not a valid path: {path}").format(path=_shown(repo_path)))
        parts = repo_path.split("/")
        prefix = self.prefix.split("/")
        rest = parts[len(prefix) :]
        if parts[: len(prefix)] != prefix or not rest or any(p in ("", ".", "..") for p in rest):
            raise BackendError(
                _("the path '{path}' is outside the content folder").format(path=repo_path), 403
            )
        return tuple(rest)

    def _folder(self, repo_path: object, *folders: str) -> tuple[str, ...]:
        """A folder the editor lists (``items``, ``pakketten`` or ``documenten``)."""
        parts = self._parts(repo_path)
        if len(parts) != 1 or parts[0] not in folders:
            raise BackendError(
                _("the editor may not list the folder '{path}'").format(path=repo_path), 403
            )
        return parts

    def _repo_path(self, parts: tuple[str, ...]) -> str:
        return "/".join((self.prefix, *parts))

    def _open_folder(self, parts: tuple[str, ...], *, create: bool = False) -> int | None:
        """The folder's descriptor (None when it does not exist and is not made)."""
        try:
            return open_folder(self._root, parts, create=create)
        except Confinement as exc:
            if exc.reason is Refusal.MISSING:
                return None
            raise BackendError(
                _(
                    "the folder '{path}' is a link or not a folder; the editor follows no links"
                ).format(path=self._repo_path(parts)),
                403,
            ) from None

    # -- actions

    def _dispatch(self, payload: object) -> Any:
        if not isinstance(payload, dict):
            raise BackendError(_("expected a JSON object"))
        action = payload.get("action")
        params = payload.get("params", {})
        if not isinstance(action, str):
            raise BackendError(_("the request names no action"))
        if not isinstance(params, dict):
            raise BackendError(_("'params' must be a JSON object"))
        handler = _ACTIONS.get(action)
        if handler is None:
            raise BackendError(
                _("unknown action: {action} (only the simple publishing mode is offered)").format(
                    action=_shown(action)
                ),
                422,
            )
        return handler(self, params)

    def _info(self, params: dict[str, Any]) -> Any:
        return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}

    def _entries_by_folder(self, params: dict[str, Any]) -> Any:
        folder = self._folder(params.get("folder"), *ENTRY_FOLDERS)
        extension = params.get("extension", "md")
        depth = params.get("depth", 1)
        if not isinstance(extension, str) or len(extension) > 16:
            raise BackendError(_("'extension' must be a short text"))
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 100:
            raise BackendError(_("'depth' must be a whole number from 1 to 100"))
        suffix = "." + extension.lstrip(".") if extension else ""
        return [
            self._entry(self._repo_path(parts))
            for parts in self._list(folder, Kind.ENTRY)
            if parts[-1].endswith(suffix)
        ]

    def _entries_by_files(self, params: dict[str, Any]) -> Any:
        files = params.get("files")
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            raise BackendError(_("'files' must be a list of objects"))
        return [self._entry(f.get("path"), f.get("label")) for f in files]

    def _get_entry(self, params: dict[str, Any]) -> Any:
        return self._entry(params.get("path"))

    def _get_media(self, params: dict[str, Any]) -> Any:
        folder = self._folder(params.get("mediaFolder"), MEDIA_DIR)
        return [self._media(self._repo_path(parts)) for parts in self._list(folder, Kind.MEDIA)]

    def _get_media_file(self, params: dict[str, Any]) -> Any:
        return self._media(params.get("path"))

    def _persist_media(self, params: dict[str, Any]) -> Any:
        asset = params.get("asset")
        if not isinstance(asset, dict):
            raise BackendError(_("'asset' is missing"))
        target = self.target(asset.get("path"), Kind.MEDIA)
        self._write(target, _decode(asset))
        return self._media(target.repo_path)

    def _delete_file(self, params: dict[str, Any]) -> Any:
        self._delete([params.get("path")])
        return {"message": "deleted file"}

    def _delete_files(self, params: dict[str, Any]) -> Any:
        paths = params.get("paths")
        if not isinstance(paths, list) or not paths:
            raise BackendError(_("'paths' must be a list of paths"))
        self._delete(paths)
        return {"message": "deleted files"}

    def _nothing(self, params: dict[str, Any]) -> Any:
        return None

    def _no_entries(self, params: dict[str, Any]) -> Any:
        return []

    # -- reading

    def _list(self, folder: tuple[str, ...], kind: Kind) -> list[tuple[str, ...]]:
        """The model's files of ``kind`` in ``folder``: regular files, no links, no
        dot-files, sorted by name."""
        fd = self._open_folder(folder)
        if fd is None:
            return []
        try:
            with os.scandir(fd) as entries:
                names = sorted(e.name for e in entries if e.is_file(follow_symlinks=False))
        finally:
            os.close(fd)
        return [(*folder, name) for name in names if kind_of((*folder, name)) is kind]

    def _read(self, target: Target) -> bytes | None:
        """The file's bytes, None when it does not exist; a link or a special file is
        refused (opened without following links, never blocking on a FIFO)."""
        fd = self._open_folder(target.folder)
        if fd is None:
            return None
        try:
            try:
                handle = os.open(target.name, _OPEN_READ, dir_fd=fd)
            except FileNotFoundError:
                return None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _not_regular(target) from None
                raise
        finally:
            os.close(fd)
        with open(handle, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _not_regular(target)
            if info.st_size > LIMITS[target.kind]:
                raise BackendError(
                    _("'{path}' is larger than {limit} bytes").format(
                        path=target.repo_path, limit=f"{LIMITS[target.kind]:,}"
                    ),
                    413,
                )
            return file.read(LIMITS[target.kind] + 1)

    def _entry(self, repo_path: object, label: object = None) -> dict[str, Any]:
        target = self.target(repo_path, Kind.ENTRY, Kind.SETTINGS)
        file: dict[str, Any] = {"path": target.repo_path}
        if isinstance(label, str):
            file["label"] = label
        data = self._read(target)
        if data is None:
            return {"data": None, "file": {**file, "id": None}}
        file["id"] = hashlib.sha256(data).hexdigest()
        return {"data": data.decode("utf-8", errors="replace"), "file": file}

    def _media(self, repo_path: object) -> dict[str, Any]:
        target = self.target(repo_path, Kind.MEDIA)
        data = self._read(target)
        if data is None:
            raise BackendError(_("file not found: {path}").format(path=target.repo_path), 404)
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": target.repo_path,
            "name": target.name,
        }

    # -- writing

    def _persist(self, params: dict[str, Any]) -> Any:
        """Save an entry (and the documents uploaded with it). Every path and every
        file is checked before anything is written."""
        data_files = params.get("dataFiles")
        if data_files is None and isinstance(params.get("entry"), dict):
            data_files = [params["entry"]]
        assets = params.get("assets", [])
        if not isinstance(data_files, list) or not data_files:
            raise BackendError(_("'dataFiles' is missing"))
        if not isinstance(assets, list) or not all(isinstance(a, dict) for a in assets):
            raise BackendError(_("'assets' must be a list of objects"))
        writes: list[tuple[Target, bytes, Target | None]] = []
        for item in data_files:
            if not isinstance(item, dict) or not isinstance(item.get("raw"), str):
                raise BackendError(_("every file needs a 'path' and a 'raw' text"))
            target = self.target(item.get("path"), Kind.ENTRY, Kind.SETTINGS)
            data = item["raw"].encode("utf-8", errors="replace")
            if len(data) > LIMITS[target.kind]:
                raise BackendError(
                    _("'{path}' is larger than {limit} bytes").format(
                        path=target.repo_path, limit=f"{LIMITS[target.kind]:,}"
                    ),
                    413,
                )
            moved = self._new_path(target, item.get("newPath"))
            if moved is not None and self._read(moved) is not None:
                raise BackendError(_("'{path}' already exists").format(path=moved.repo_path), 409)
            writes.append((target, data, moved))
        for asset in assets:
            writes.append((self.target(asset.get("path"), Kind.MEDIA), _decode(asset), None))
        for target, data, moved in writes:
            if moved is None:
                self._write(target, data)
            else:  # a new id: the file under its new name, then the old one removed
                self._write(moved, data, exclusive=True)
                self._remove(target)
        return {"message": "entry persisted"}

    def _new_path(self, target: Target, new_path: object) -> Target | None:
        """The entry's new name when the save renames it (``newPath``), checked."""
        if new_path in (None, "", target.repo_path):
            return None
        moved = self.target(new_path, Kind.ENTRY)
        if target.kind is not Kind.ENTRY or moved.folder != target.folder:
            raise BackendError(
                _("'{path}' cannot be moved to '{new}'").format(
                    path=target.repo_path, new=new_path
                ),
                403,
            )
        return moved

    def _write(self, target: Target, data: bytes, *, exclusive: bool = False) -> None:
        """Write ``data`` as the target file: a new temporary file in the same folder
        (``O_CREAT|O_EXCL|O_NOFOLLOW``, a random name), renamed over the name in one step
        (the watcher never sees half a file); never through or over a link. With
        ``exclusive``, an existing file is not replaced (409)."""
        fd = self._open_folder(target.folder, create=True)
        assert fd is not None
        temp = f".{target.name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            mode = self._existing_mode(fd, target)
            handle = os.open(temp, _OPEN_NEW, 0o666, dir_fd=fd)
            try:
                with open(handle, "wb", closefd=False) as file:
                    file.write(data)
                    file.flush()
                    if mode is not None:
                        os.fchmod(handle, mode)  # as the file it replaces
                    os.fsync(handle)
            finally:
                os.close(handle)
            if exclusive:
                try:
                    os.link(temp, target.name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
                except FileExistsError:
                    raise BackendError(
                        _("'{path}' already exists").format(path=target.repo_path), 409
                    ) from None
            else:
                os.replace(temp, target.name, src_dir_fd=fd, dst_dir_fd=fd)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=fd)
            os.close(fd)
        written = self._root.joinpath(*target.parts)
        if not isinstance(unlinked(written, self._root), Confined):  # pragma: no cover - a race
            raise BackendError(
                _("'{path}' was not saved as a regular file in the content folder").format(
                    path=target.repo_path
                ),
                409,
            )

    def _existing_mode(self, fd: int, target: Target) -> int | None:
        """The permissions of the file a write replaces (None: a new file); refuses to
        replace anything but a regular file (a link, a folder)."""
        try:
            info = os.stat(target.name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(target)
        return stat.S_IMODE(info.st_mode)

    # -- deleting

    def _delete(self, paths: list[object]) -> None:
        """Delete items or pakketten: all of them, after every path passed, or none."""
        for path in paths:
            if kind_of(self._parts(path)) is not Kind.ENTRY:
                raise BackendError(
                    _(
                        "the editor deletes only items and pakketten, not '{path}'; remove "
                        "other files in the content folder itself"
                    ).format(path=path),
                    403,
                )
        targets = [self.target(path, Kind.ENTRY) for path in paths]
        for target in targets:
            fd = self._open_folder(target.folder)
            try:
                if fd is None or self._existing_mode(fd, target) is None:
                    raise BackendError(
                        _("file not found: {path}").format(path=target.repo_path), 404
                    )
            finally:
                if fd is not None:
                    os.close(fd)
        for target in targets:
            self._remove(target)

    def _remove(self, target: Target) -> None:
        fd = self._open_folder(target.folder)
        if fd is None:
            return
        try:
            if self._existing_mode(fd, target) is not None:
                os.unlink(target.name, dir_fd=fd)
        finally:
            os.close(fd)


def _not_regular(target: Target) -> BackendError:
    return BackendError(
        _(
            "'{path}' is a link or not a regular file; the editor reads and writes only "
            "regular files"
        ).format(path=target.repo_path),
        403,
    )


def _shown(value: object) -> str:
    """A value from a request as a message shows it: short, printable."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=True)[:80]
    return "".join(c if c.isprintable() else "?" for c in text[:80])


def _decode(asset: dict[str, Any]) -> bytes:
    content = asset.get("content")
    if asset.get("encoding") != "base64" or not isinstance(content, str):
        raise BackendError(_("only base64-encoded files are accepted"))
    if len(content) > (MAX_UPLOAD + 2) // 3 * 4 + 4:
        raise BackendError(
            _("the file is larger than {limit} bytes").format(limit=f"{MAX_UPLOAD:,}"), 413
        )
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BackendError(_("the file's base64 content is not valid")) from None


_ACTIONS = {
    "info": LocalBackend._info,
    "entriesByFolder": LocalBackend._entries_by_folder,
    "entriesByFiles": LocalBackend._entries_by_files,
    "getEntry": LocalBackend._get_entry,
    "persistEntry": LocalBackend._persist,
    "getMedia": LocalBackend._get_media,
    "getMediaFile": LocalBackend._get_media_file,
    "persistMedia": LocalBackend._persist_media,
    "deleteFile": LocalBackend._delete_file,
    "deleteFiles": LocalBackend._delete_files,
    "getDeployPreview": LocalBackend._nothing,
    "unpublishedEntries": LocalBackend._no_entries,
}
"""Decap's proxy actions of the simple publishing mode (the editorial workflow's answer 422)."""


def parse_request(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> object:
    """The JSON of a POST to the API: a refusal when it is not JSON, or nested deeper than
    ``max_depth`` (checked before parsing, so no parser recursion is at stake)."""
    if json_depth(body) > max_depth:
        raise BackendError(
            _("the request is nested more than {depth} levels deep").format(depth=max_depth)
        )
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BackendError(_("the request is not valid JSON")) from None


_STRUCTURE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings skipped), without
    parsing it; text that is not JSON gives some number, and the parser refuses it."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest
