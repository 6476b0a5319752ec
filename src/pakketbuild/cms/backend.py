"""The local backend of the browser editor: Decap's proxy protocol, confined to one
content folder.

``pakketbuild serve`` answers POSTs to :data:`~pakketbuild.cms.API_PATH` with
:class:`LocalBackend`, which reads and writes only regular files inside the content folder
(no ``..``, no absolute paths, no symbolic links, nothing outside). See
:mod:`pakketbuild.cms` for the editor as a whole.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pakketbuild.cms import (
    LOCAL_PREFIX,
    MAX_UPLOAD,
)


class BackendError(Exception):
    """A request the local backend refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class LocalBackend:
    """Decap's local proxy protocol (as npm ``decap-server`` speaks it), confined to one
    content folder. ``prefix`` is the repository path of that folder in the configuration
    (``cms.content_folder``, default ``content``)."""

    root: Path
    prefix: str = LOCAL_PREFIX

    def handle(self, payload: object) -> tuple[int, Any]:
        """Answer one POSTed JSON request: (HTTP status, JSON-ready body)."""
        try:
            return 200, self._dispatch(payload)
        except BackendError as exc:
            return exc.status, {"error": str(exc)}

    # -- paths

    def resolve(self, repo_path: object) -> Path:
        """The file in the content folder that ``repo_path`` names; refuses anything
        outside it, ``..``, absolute paths and symbolic links on the way."""
        if not isinstance(repo_path, str) or not repo_path or "\\" in repo_path:
            raise BackendError(f"ongeldig pad: {repo_path!r}")
        if "\x00" in repo_path:
            raise BackendError("ongeldig pad")
        path = PurePosixPath(repo_path)
        if path.is_absolute() or any(p in ("..", ".", "") for p in repo_path.split("/")):
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        parts = path.parts
        prefix = PurePosixPath(self.prefix).parts
        if parts[: len(prefix)] != prefix:
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        rest = parts[len(prefix) :]
        target = self.root
        for part in rest:
            target = target / part
            if target.is_symlink():
                raise BackendError(f"symbolische koppeling geweigerd: {repo_path}", 403)
        root = self.root.resolve()
        if not (target.resolve() == root or target.resolve().is_relative_to(root)):
            raise BackendError(f"pad buiten de inhoudsmap: {repo_path}", 403)
        return target

    def _repo_path(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return f"{self.prefix}/{rel}" if rel != "." else self.prefix

    # -- actions

    def _dispatch(self, payload: object) -> Any:
        if not isinstance(payload, dict):
            raise BackendError("verwacht een JSON-object")
        action = payload.get("action")
        params = payload.get("params") or {}
        if not isinstance(params, dict):
            raise BackendError("'params' moet een JSON-object zijn")
        if action == "info":
            return {"repo": self.root.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            folder = self.resolve(params.get("folder"))
            extension = str(params.get("extension") or "")
            depth = int(params.get("depth") or 1)
            return [self._entry(self._repo_path(p)) for p in self._list(folder, extension, depth)]
        if action == "entriesByFiles":
            files = params.get("files")
            if not isinstance(files, list):
                raise BackendError("'files' moet een lijst zijn")
            return [
                self._entry(f.get("path"), f.get("label")) for f in files if isinstance(f, dict)
            ]
        if action == "getEntry":
            return self._entry(params.get("path"))
        if action == "persistEntry":
            return self._persist(params)
        if action == "getMedia":
            folder = self.resolve(params.get("mediaFolder"))
            return [self._media(self._repo_path(p)) for p in self._list(folder, "", 1)]
        if action == "getMediaFile":
            return self._media(params.get("path"))
        if action == "persistMedia":
            asset = params.get("asset")
            if not isinstance(asset, dict):
                raise BackendError("'asset' ontbreekt")
            self._write(asset.get("path"), self._decode(asset))
            return self._media(asset.get("path"))
        if action == "deleteFile":
            self._delete(params.get("path"))
            return {"message": f"deleted file {params.get('path')}"}
        if action == "deleteFiles":
            paths = params.get("paths")
            if not isinstance(paths, list):
                raise BackendError("'paths' moet een lijst zijn")
            for path in paths:
                self._delete(path)
            return {"message": "deleted files"}
        if action == "getDeployPreview":
            return None
        if action in ("unpublishedEntries",):
            return []
        raise BackendError(
            f"onbekende actie: {action!r} (alleen de eenvoudige publicatiemodus)", 422
        )

    def _list(self, folder: Path, extension: str, depth: int) -> list[Path]:
        out: list[Path] = []
        if depth <= 0 or not folder.is_dir() or folder.is_symlink():
            return out
        for entry in sorted(folder.iterdir()):
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_dir():
                out += self._list(entry, extension, depth - 1)
            elif entry.is_file() and entry.name.endswith(extension):
                out.append(entry)
        return out

    def _read(self, target: Path) -> bytes:
        info = target.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise FileNotFoundError(target)
        return target.read_bytes()

    def _entry(self, repo_path: object, label: object = None) -> dict[str, Any]:
        target = self.resolve(repo_path)
        file: dict[str, Any] = {"path": str(repo_path)}
        if isinstance(label, str):
            file["label"] = label
        try:
            data = self._read(target)
        except OSError:
            return {"data": None, "file": {**file, "id": None}}
        file["id"] = hashlib.sha256(data).hexdigest()
        return {"data": data.decode("utf-8", errors="replace"), "file": file}

    def _media(self, repo_path: object) -> dict[str, Any]:
        target = self.resolve(repo_path)
        try:
            data = self._read(target)
        except OSError:
            raise BackendError(f"bestand niet gevonden: {repo_path}", 404) from None
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": str(repo_path),
            "name": target.name,
        }

    @staticmethod
    def _decode(asset: dict[str, Any]) -> bytes:
        if asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
            raise BackendError("alleen base64-bestanden worden aangenomen")
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except ValueError:
            raise BackendError("ongeldige base64-inhoud") from None
        if len(data) > MAX_UPLOAD:
            raise BackendError(f"bestand groter dan {MAX_UPLOAD:,} bytes", 413)
        return data

    def _write(self, repo_path: object, data: bytes) -> None:
        target = self.resolve(repo_path)
        if target == self.root or (target.exists() and not target.is_file()):
            raise BackendError(f"geen bestand: {repo_path}", 403)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.resolve(repo_path)  # again: a folder made above may not lead elsewhere
        temp = target.with_name(f".{target.name}.cms-tmp")
        temp.write_bytes(data)
        os.replace(temp, target)  # the watcher sees one complete file, never half of it

    def _delete(self, repo_path: object) -> None:
        target = self.resolve(repo_path)
        if not target.is_file():
            raise BackendError(f"bestand niet gevonden: {repo_path}", 404)
        target.unlink()

    def _persist(self, params: dict[str, Any]) -> dict[str, str]:
        data_files = params.get("dataFiles")
        if data_files is None and isinstance(params.get("entry"), dict):
            data_files = [params["entry"]]
        if not isinstance(data_files, list):
            raise BackendError("'dataFiles' ontbreekt")
        assets = params.get("assets") or []
        writes: list[tuple[object, bytes]] = []
        moves: list[tuple[object, object]] = []
        for item in data_files:
            if not isinstance(item, dict) or not isinstance(item.get("raw"), str):
                raise BackendError("elk bestand heeft 'path' en 'raw' nodig")
            self.resolve(item.get("path"))
            writes.append((item.get("path"), item["raw"].encode("utf-8")))
            if item.get("newPath"):
                self.resolve(item["newPath"])
                moves.append((item.get("path"), item["newPath"]))
        for asset in assets if isinstance(assets, list) else []:
            if isinstance(asset, dict):
                writes.append((asset.get("path"), self._decode(asset)))
        for path, data in writes:
            self._write(path, data)
        for old, new in moves:
            source, target = self.resolve(old), self.resolve(new)
            if target.exists():
                raise BackendError(f"bestaat al: {new}", 409)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        return {"message": "entry persisted"}


def parse_request(body: bytes) -> object:
    """The JSON of a POST to :data:`API_PATH` (a refusal when it is not JSON)."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackendError("geen geldige JSON") from None
