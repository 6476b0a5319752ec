"""Redraw the page images of the README and docs/documents.md from the real content.

    .venv/bin/python scripts/doc_images.py

Builds ``content/`` (PDF, Word, ODT) into a temporary folder, has LibreOffice lay out the
raadsleden view's Word and ODT files with a fontconfig that holds no Liberation font (so
the pictures show what the files carry themselves, as on a reader's machine without the
font), and draws the pages with ``pdftoppm -r 45`` into ``docs/images/``. Needs poppler
and LibreOffice (``make tools``). Run it after a change to how the documents look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pakketbuild.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
DPI = "45"
PICTURES = {
    # image name: (file of the export, page)
    "pakket-pdf-page-1": ("downloads/veiligheidspakket-startende-burgemeesters.pdf", 1),
    "pakket-pdf-page-2": ("downloads/veiligheidspakket-startende-burgemeesters.pdf", 2),
    "raadsleden-pdf-page-1": ("views/raadsleden/downloads/raadsleden.pdf", 1),
    "raadsleden-pdf-page-3": ("views/raadsleden/downloads/raadsleden.pdf", 3),
    "raadsleden-docx-page-3": ("views/raadsleden/downloads/raadsleden.docx", 3),
    "raadsleden-odt-page-3": ("views/raadsleden/downloads/raadsleden.odt", 3),
}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/libreoffice")


def _libreoffice_pdf(document: Path, tmp: Path) -> Path:
    """``document`` laid out by headless LibreOffice without any Liberation font."""
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>"
        + "".join(f"<dir>{folder}</dir>" for folder in FONT_DIRS)
        + f"<cachedir>{tmp / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    out = tmp / document.suffix[1:]
    profile = tmp / f"profile-{document.suffix[1:]}"
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(profile))
    subprocess.run(
        ["soffice", "--headless", "--norestore", "--nologo", "--nolockcheck",
         f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf",
         "--outdir", str(out), str(document)],
        check=True, capture_output=True, env=env, timeout=300,
    )  # fmt: skip
    return out / f"{document.stem}.pdf"


def main(argv: list[str]) -> int:
    for tool in ("pdftoppm", "soffice"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: run `make tools`", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="pakketbuild-images-") as folder:
        tmp = Path(folder)
        exports = tmp / "exports"
        build(
            BuildOptions(
                content=ROOT / "content",
                out=exports,
                formats=["pdf", "docx", "odt"],
                cache_dir=tmp / "cache",
                progress=False,
                verbosity="quiet",
            )
        )
        IMAGES.mkdir(exist_ok=True)
        for name, (path, page) in PICTURES.items():
            source = exports / path
            pdf = source if source.suffix == ".pdf" else _libreoffice_pdf(source, tmp)
            prefix = tmp / name
            subprocess.run(
                ["pdftoppm", "-png", "-r", DPI, "-f", str(page), "-l", str(page),
                 "-singlefile", str(pdf), str(prefix)],
                check=True, timeout=120,
            )  # fmt: skip
            shutil.copyfile(prefix.with_suffix(".png"), IMAGES / f"{name}.png")
            print(f"docs/images/{name}.png: {path}, page {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
