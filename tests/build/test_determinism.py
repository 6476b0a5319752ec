"""Byte identity: the same content gives the same artifacts whatever the clock, time zone,
locale, hash seed, file-system order or number of processes."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from .helpers import ROOT, build_command, cli_env, manifest, tree_problems

REAL_CONTENT = ROOT / "content"


def _formats() -> str:
    formats = ["html", "json", "pdf"]
    if importlib.util.find_spec("pakketbuild.writers.docx") is not None:
        formats.append("docx")
    formats.append("odt")  # with docx: contents pages numbered by LibreOffice when installed
    return ",".join(formats)


def _copy(target: Path, *, reverse: bool) -> Path:
    """Copy the content creating files in sorted or reverse order (directory order)."""
    files = sorted(p for p in REAL_CONTENT.rglob("*") if p.is_file())
    for path in reversed(files) if reverse else files:
        dest = target / path.relative_to(REAL_CONTENT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return target


def test_identical_across_jobs_clock_zone_locale_seed_and_order(tmp_path: Path) -> None:
    import subprocess

    formats = _formats()
    runs = [
        (
            False,
            ["--jobs", "1"],
            {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
            [],
        ),
        (
            True,
            ["--jobs", "2"],
            {
                "TZ": "Pacific/Kiritimati",
                "LANG": "nl_NL.UTF-8",
                "LC_ALL": "nl_NL.UTF-8",
                "PYTHONHASHSEED": "4242",
            },
            # Another clock: libfaketime when installed (make tools installs it).
            ["faketime", "2031-07-15 23:59:59"] if shutil.which("faketime") else [],
        ),
    ]
    outs = []
    for index, (reverse, args, env, prefix) in enumerate(runs):
        content = _copy(tmp_path / f"content-{index}", reverse=reverse)
        out = tmp_path / f"out-{index}" / "exports"
        command = prefix + build_command(content, out, tmp_path / f"cache-{index}", formats, *args)
        done = subprocess.run(
            command, env=cli_env(**env), capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        assert tree_problems(out) == []
        outs.append(out)
    first, second = (manifest(out) for out in outs)
    assert first == second
    assert {str(a["format"]) for a in first["artifacts"]} == set(formats.split(","))
    for path in sorted(outs[0].rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (outs[1] / path.relative_to(outs[0])).read_bytes(), path
