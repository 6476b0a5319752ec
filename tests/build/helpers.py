"""Helpers for the build-engine tests: run builds as processes, inspect trees."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pakketbuild.build import KEEP_FILES, MANIFEST

ROOT = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAKKETBUILD_")}
    env.update(extra)
    return env


def build_command(content: Path, out: Path, cache: Path, formats: str, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pakketbuild",
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--formats",
        formats,
        *args,
    ]


def run_build(
    content: Path, out: Path, cache: Path, formats: str = "html,json", *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        build_command(content, out, cache, formats, *args),
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def hold_at(command: list[str], point: str, **env: str) -> subprocess.Popen[str]:
    """Start a build that stops at the test hook ``point`` (``PAKKETBUILD_TEST_HOLD``, see
    :func:`pakketbuild.engine.publish.checkpoint`) and return it once it holds there."""
    process = subprocess.Popen(
        command, env=cli_env(PAKKETBUILD_TEST_HOLD=point, **env), stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:
        if f"holding at {point}" in line:
            return process
    process.wait()  # pragma: no cover - diagnostic
    raise AssertionError(f"the build never reached {point} (exit {process.returncode})")


def manifest(out: Path) -> dict[str, Any]:
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def tree_problems(out: Path) -> list[str]:
    """Why ``out`` is not a complete published tree (empty list: it is complete): every
    file the manifest lists is there with its sha256, and nothing else is."""
    if not (out / MANIFEST).is_file():
        return [f"{out}/{MANIFEST} is missing"]
    listed = {str(a["path"]): str(a["sha256"]) for a in manifest(out)["artifacts"]}
    problems = []
    present = set()
    for path in out.rglob("*"):
        if path.is_file():
            rel = path.relative_to(out).as_posix()
            present.add(rel)
            if rel in (MANIFEST, *KEEP_FILES):
                continue
            if rel not in listed:
                problems.append(f"unlisted file {rel}")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != listed[rel]:
                problems.append(f"{rel} does not match the manifest")
    problems += [f"missing {rel}" for rel in sorted(set(listed) - present)]
    return problems


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    """path → (inode, mtime_ns) of every file under ``out``."""
    result = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            info = path.stat()
            result[path.relative_to(out).as_posix()] = (info.st_ino, info.st_mtime_ns)
    return result


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".pakketbuild-"))
