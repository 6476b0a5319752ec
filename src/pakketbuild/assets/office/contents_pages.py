"""Lay documents out in headless LibreOffice and report the page numbers of their contents.

Started by pakketbuild (``pakketbuild.writers.office_pages``) with an interpreter that has
LibreOffice's UNO bridge (Debian: ``/usr/bin/python3`` with ``python3-uno``); it is not
imported by pakketbuild, whose own interpreter has no bridge::

    PYTHON contents_pages.py SOFFICE_BIN PARENT_PID

It starts one ``soffice.bin`` (headless, a private temporary user profile, a local pipe,
no port) and writes ``{"ready": "<LibreOffice version>"}`` or ``{"error": "..."}`` as its
first line. Then it answers one JSON line on stdin per document::

    {"extension": "<file extension>", "data": "<the document, base64>"}

with one JSON line on stdout: ``{"entries": [["Inleiding", "2"], ...]}`` (the contents
index as LibreOffice's own update makes it, each entry's text and page number; ``[]``
when the document has none) or ``{"error": "..."}``.

When its input ends (pakketbuild is done with it, or died), when it gets SIGTERM, SIGHUP
or SIGINT, or when its parent dies (``PR_SET_PDEATHSIG``: SIGTERM), it stops LibreOffice
and removes the profile. LibreOffice itself is killed
when this process dies (``PR_SET_PDEATHSIG``), whatever the cause.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RESTART = 81
"""soffice.bin's exit code after it made a new user profile: start it again."""
START_SECONDS = 150.0
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop
 oor:name="CollectUsageInformation" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
"""The private profile's settings: no macros, no external references from a document
(images, links), nothing collected."""
LAUNCH = (
    "import ctypes, os, signal, sys; "
    "ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
"""Starts soffice.bin so that Linux kills it when this process dies (``PR_SET_PDEATHSIG``
survives ``exec``), without a ``preexec_fn`` (unsafe once the UNO bridge runs threads)."""


class Failure(Exception):
    """LibreOffice could not start or could not lay out a document."""


def reply(message: dict[str, Any]) -> None:
    try:
        sys.stdout.buffer.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()
    except (BrokenPipeError, ValueError):  # nobody reads any more: stop taking requests
        with contextlib.suppress(OSError):
            os.close(0)


def die_with_parent(parent: int) -> None:
    """SIGTERM (which ends this process cleanly) when the parent dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(1)


def prop(uno: Any, name: str, value: object) -> Any:
    value_type = uno.getClass("com.sun.star.beans.PropertyValue")
    found = value_type()
    found.Name, found.Value = name, value
    return found


def launch(arguments: list[str], profile: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, HOME=str(profile), LC_ALL="C.UTF-8")
    env.pop("LANGUAGE", None)
    return subprocess.Popen(
        [sys.executable, "-S", "-c", LAUNCH, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def start(uno: Any, binary: str, work: Path) -> tuple[subprocess.Popen[bytes], Any, str]:
    """LibreOffice running with a new profile in ``work``: the process, its desktop and its
    version."""
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    pipe = f"pakketbuild-{os.getpid()}-{secrets.token_hex(4)}"
    arguments = [
        binary,
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--nodefault",
        "--nofirststartwizard",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--accept=pipe,name={pipe};urp;",
    ]
    office = launch(arguments, profile)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    no_connection = uno.getClass("com.sun.star.connection.NoConnectException")
    deadline = time.monotonic() + START_SECONDS
    while True:
        code = office.poll()
        if code == RESTART:  # the first start made the profile; the second one runs
            office = launch(arguments, profile)
            continue
        if code is not None:
            raise Failure(f"soffice.bin stopped while starting (exit {code})")
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except no_connection:
            if time.monotonic() > deadline:
                office.kill()
                raise Failure(f"no connection after {START_SECONDS:.0f} s") from None
            time.sleep(0.05)
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return office, desktop, version(uno, manager, context)


def version(uno: Any, manager: Any, context: Any) -> str:
    with contextlib.suppress(Exception):
        provider = manager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", context
        )
        product = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (prop(uno, "nodepath", "/org.openoffice.Setup/Product"),),
        )
        name = product.getByName("ooName")
        number = product.getByName("ooSetupVersionAboutBox")
        return f"{name} {number}"
    return "LibreOffice"


def measure(uno: Any, desktop: Any, work: Path, request: dict[str, Any]) -> list[list[str]]:
    """The entries of the document's contents index after LibreOffice updated it."""
    extension = str(request.get("extension", ""))
    if not re.fullmatch(r"[a-z]{2,5}", extension):
        raise Failure(f"unknown file extension {extension!r}")
    path = work / f"document.{extension}"
    path.write_bytes(base64.b64decode(str(request.get("data", "")), validate=True))
    options = (
        prop(uno, "Hidden", True),
        prop(uno, "MacroExecutionMode", NEVER_EXECUTE),
        prop(uno, "UpdateDocMode", NO_UPDATE),
    )
    try:
        url = uno.systemPathToFileUrl(str(path))
        document = desktop.loadComponentFromURL(url, "_blank", 0, options)
        if document is None:
            raise Failure("LibreOffice could not open the document")
        try:
            return contents(document)
        finally:
            document.close(True)
    finally:
        path.unlink(missing_ok=True)


def contents(document: Any) -> list[list[str]]:
    indexes = document.getDocumentIndexes()
    index = None
    for number in range(indexes.getCount()):
        candidate = indexes.getByIndex(number)
        if candidate.supportsService("com.sun.star.text.ContentIndex"):
            index = candidate
            break
    if index is None:
        return []
    cursor = document.getCurrentController().getViewCursor()
    entries: list[list[str]] | None = None
    for _round in range(4):  # until the numbers stand still (a longer index moves pages)
        cursor.jumpToLastPage()  # every page is laid out before the numbers are taken
        index.update()
        now = entries_of(index)
        if now == entries:
            break
        entries = now
    return now


def entries_of(index: Any) -> list[list[str]]:
    """``[text, page number]`` of each entry (a paragraph with a tab: the title has none)."""
    found: list[list[str]] = []
    paragraphs = index.getAnchor().createEnumeration()
    while paragraphs.hasMoreElements():
        text = paragraphs.nextElement().getString()
        title, tab, number = text.rpartition("\t")
        if tab:
            found.append([title, number.strip()])
    return found


def stop(desktop: Any, office: subprocess.Popen[bytes] | None) -> None:
    if desktop is not None:
        with contextlib.suppress(Exception):  # the bridge closes while LibreOffice ends
            desktop.terminate()
    if office is not None:
        try:
            office.wait(timeout=15)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


def requests() -> Iterator[bytes]:
    """The request lines, until the input ends or is closed (by a stop signal)."""
    while True:
        try:
            line = sys.stdin.buffer.readline()
        except (OSError, ValueError):  # closed by :func:`main`'s signal handler
            return
        if not line:
            return
        yield line


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    binary, parent = argv[0], int(argv[1])

    def terminate(signum: int, frame: object) -> None:
        # Stop reading requests: the loop below ends and the clean-up runs. (A handler
        # that raised could cut the clean-up short: the input ends at the same moment as
        # the parent dies, so the signal often comes while it runs.)
        with contextlib.suppress(OSError):
            os.close(0)

    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(number, terminate)
    die_with_parent(parent)
    work = Path(tempfile.mkdtemp(prefix="pakketbuild-office-"))
    office: subprocess.Popen[bytes] | None = None
    desktop = None
    try:
        try:
            import uno  # type: ignore[import-not-found]

            office, desktop, name = start(uno, binary, work)
        except Exception as exc:  # ImportError (no bridge), Failure, UNO exceptions
            reply({"error": f"{type(exc).__name__}: {exc}"})
            return 1
        reply({"ready": name})
        for line in requests():
            try:
                reply({"entries": measure(uno, desktop, work, json.loads(line))})
            except Exception as exc:  # this document; say why and go on if LibreOffice runs
                reply({"error": f"{type(exc).__name__}: {exc}"})
                if office.poll() is not None:
                    return 1
        return 0
    finally:
        stop(desktop, office)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
