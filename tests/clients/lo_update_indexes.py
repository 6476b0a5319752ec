"""Open documents in headless LibreOffice, update every index (the contents list) as a
reader does with "Update all" / "Update field", and save each as PDF.

Run with Debian's Python, which has LibreOffice's UNO bridge (package ``python3-uno``),
not with the project's virtual environment:

    /usr/bin/python3 tests/clients/lo_update_indexes.py PROFILE_DIR IN.docx OUT.pdf [IN OUT ...]

``soffice --convert-to`` cannot do this: it converts a document as it opens, without
updating fields. Exit code 0 when every PDF was written.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(argv: list[str]) -> int:
    profile, pairs = Path(argv[0]), argv[1:]
    if not pairs or len(pairs) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    pipe = f"pakketbuild-{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        env=dict(os.environ, HOME=str(profile)),
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        context = None
        for _attempt in range(240):  # up to 120 s for the first start-up
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.5)
        if context is None:
            print("LibreOffice did not accept a connection", file=sys.stderr)
            return 1
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        for source, target in zip(pairs[::2], pairs[1::2], strict=True):
            url = uno.systemPathToFileUrl(str(Path(source).resolve()))
            document = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            indexes = document.getDocumentIndexes()
            for number in range(indexes.getCount()):
                indexes.getByIndex(number).update()
            document.storeToURL(
                uno.systemPathToFileUrl(str(Path(target).resolve())),
                (_prop("FilterName", "writer_pdf_Export"),),
            )
            document.close(True)
        with contextlib.suppress(Exception):  # the bridge closes while terminating
            desktop.terminate()
        return 0
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
