"""Real clients for the test suite: each helper runs a real checker and returns its findings.

The tools come from ``make tools`` (Debian packages + ``npm ci`` in this folder):

=====================  ====================================================  ==============
helper                 client                                                needs
=====================  ====================================================  ==============
``vnu_errors``         Nu HTML Checker (npm ``vnu-jar``), one JVM per call   java, vnu-jar
``axe_results``        axe-core in Debian Chromium via ``axe_run.mjs``       node, chromium,
                                                                             axe-core,
                                                                             playwright-core
``validate_jsonfeed``  JSON Feed 1.1 schema (npm ``jsonfeed-schema``)        jsonfeed-schema
``pdf_text``           poppler ``pdftotext``                                 pdftotext
``pdf_to_png``         poppler ``pdftoppm``                                  pdftoppm
``pdf_layout``         poppler ``pdftotext -bbox-layout``                    pdftotext
``pdfua_failures``     PyPI ``page-validation`` and ``pdfua``                (venv)
``libreoffice_convert``  ``soffice --headless --convert-to pdf``             soffice
``pdf_outline``        the first-level bookmarks of a PDF (pikepdf)          (venv)
``contents_numbers``   the page numbers on a PDF's contents page (poppler)   pdftotext
``odf_schema_errors``  jing with the ODF 1.3 RelaxNG schemas (PyPI             jing, (venv)
                       ``openxml-audit`` ships them)
=====================  ====================================================  ==============

``libreoffice_update_indexes`` opens documents in LibreOffice through its UNO bridge
(``lo_update_indexes.py``, Debian's Python with ``python3-uno``), updates their indexes
as a reader's "update all" does and saves PDFs.

A missing tool skips the test locally and fails it when ``CI=true`` (see :func:`require`),
so a CI machine that lacks a client can never pass by skipping. A client that runs but
misbehaves raises :class:`ClientError` with its output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, NoReturn, TypedDict, cast
from urllib.parse import unquote, urlparse

import pytest

__all__ = [
    "CLIENTS_DIR",
    "NODE_MODULES",
    "AxePage",
    "AxeViolation",
    "ClientError",
    "LayoutLine",
    "LayoutPage",
    "PdfUaReport",
    "axe_results",
    "contents_numbers",
    "jsonfeed_schema",
    "libreoffice_convert",
    "libreoffice_convert_many",
    "libreoffice_update_indexes",
    "odf_schema_errors",
    "pdf_layout",
    "pdf_outline",
    "pdf_text",
    "pdf_to_png",
    "pdfua_failures",
    "pdfua_report",
    "require",
    "require_uno",
    "spectral_results",
    "validate_jsonfeed",
    "vnu_errors",
]

CLIENTS_DIR: Final = Path(__file__).resolve().parent
NODE_MODULES: Final = CLIENTS_DIR / "node_modules"
VNU_JAR: Final = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_RUN: Final = CLIENTS_DIR / "axe_run.mjs"
JSONFEED_SCHEMA: Final = NODE_MODULES / "jsonfeed-schema" / "schema-v1.1.json"
CHROMIUM: Final = Path(os.environ.get("PAKKETBUILD_CHROMIUM", "/usr/bin/chromium"))

SPECTRAL: Final = NODE_MODULES / "@stoplight" / "spectral-cli" / "dist" / "index.js"
API_DESIGN_RULES: Final = CLIENTS_DIR / "api-design-rules" / "linter.yaml"
"""The Logius Spectral ruleset (copied with its licence; see its SOURCE.md)."""

NPM_PACKAGES: Final = frozenset(
    {"vnu-jar", "axe-core", "playwright-core", "jsonfeed-schema", "@stoplight/spectral-cli"}
)
_EXECUTABLES: Final = frozenset({"java", "node", "pdftotext", "pdftoppm", "soffice", "jing"})
_INSTALL_HINT: Final = "run `make tools` in the repository root"

# Generous upper bounds: a hung client must fail the test, not the whole CI run.
_TIMEOUT_VNU: Final = 300
_TIMEOUT_AXE: Final = 600
_TIMEOUT_POPPLER: Final = 120
_TIMEOUT_SOFFICE: Final = 180


class ClientError(RuntimeError):
    """A real client was present but did not do its job (crash, no output, bad output)."""


# --------------------------------------------------------------------------- availability


def _missing(message: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing test client is a failure, not a skip)")
    pytest.skip(message)


@cache
def _java_major() -> int | None:
    """The major version of ``java`` on PATH, or None when it cannot be told."""
    try:
        proc = subprocess.run(
            ["java", "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if match is None:
        return None
    major = int(match.group(1))
    # Java 8 and older print "1.8.0_…".
    return int(match.group(2) or 0) if major == 1 else major


def require(tool: str) -> None:
    """Make sure ``tool`` is usable here, or skip (locally) / fail (``CI=true``) the test.

    ``tool`` is an executable (``java``, ``node``, ``chromium``, ``pdftotext``,
    ``pdftoppm``, ``soffice``, ``jing``) or one of the npm packages in this folder
    (``vnu-jar``, ``axe-core``, ``playwright-core``, ``jsonfeed-schema``).
    """
    if tool in NPM_PACKAGES:
        if not (NODE_MODULES / tool / "package.json").is_file():
            _missing(f"npm package {tool} is not installed in {CLIENTS_DIR}: {_INSTALL_HINT}")
        return
    if tool == "chromium":
        if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
            _missing(f"{CHROMIUM} is missing (Debian package chromium): {_INSTALL_HINT}")
        return
    if tool not in _EXECUTABLES:
        raise ValueError(
            f"unknown test client {tool!r}; known: "
            + ", ".join(sorted(_EXECUTABLES | NPM_PACKAGES | {"chromium"}))
        )
    if shutil.which(tool) is None:
        _missing(f"`{tool}` is not on PATH: {_INSTALL_HINT}")
    if tool == "java":
        major = _java_major()
        if major is None or major < 17:
            _missing(f"the Nu HTML Checker needs Java 17 or newer, `java -version` gave {major}")


def _run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    what: str,
    ok_codes: frozenset[int] = frozenset({0}),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a client; raise ClientError on a timeout or an unexpected exit code."""
    try:
        proc = subprocess.run(
            [os.fspath(a) for a in argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise ClientError(f"{what}: no result after {timeout} s") from exc
    if proc.returncode not in ok_codes:
        raise ClientError(
            f"{what} exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}"
            f"\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc


def _existing(paths: Sequence[Path]) -> list[Path]:
    resolved = [Path(p).resolve() for p in paths]
    missing = [str(p) for p in resolved if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no such file(s): {', '.join(missing)}")
    return resolved


# --------------------------------------------------------------------------- Nu HTML Checker


def vnu_errors(paths: Sequence[Path]) -> list[str]:
    """Check HTML (and ``.css``/``.svg``) files with the Nu HTML Checker in ONE java run.

    Returns the errors (warnings and info are not asked for) as ``"file:line: message"``,
    ``file`` as given by the caller; ``[]`` means valid. Raises ClientError when the
    checker could not check a file (a "non-document-error") or failed to run.
    Note: the checker reports paged-media CSS (``string-set``, ``target-counter``…)
    inside ``<style>`` as errors.
    """
    require("java")
    require("vnu-jar")
    if not paths:
        return []
    files = _existing(paths)
    shown = {str(f): str(p) for f, p in zip(files, paths, strict=True)}
    argv: list[str | os.PathLike[str]] = [
        "java",
        "-jar",
        VNU_JAR,
        "--errors-only",
        "--format",
        "json",
        "--stdout",
    ]
    suffixes = {f.suffix.lower() for f in files}
    if ".css" in suffixes:
        argv.append("--also-check-css")
    if ".svg" in suffixes:
        argv.append("--also-check-svg")
    argv += files
    # Exit 1 just means "errors found": the JSON says which.
    proc = _run(argv, timeout=_TIMEOUT_VNU, what="vnu.jar", ok_codes=frozenset({0, 1}))
    try:
        report = json.loads(proc.stdout)
        messages = cast(list[dict[str, Any]], report["messages"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ClientError(
            f"vnu.jar gave no JSON report (exit {proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        ) from exc

    errors: list[str] = []
    cannot_check: list[str] = []
    for msg in messages:
        url = str(msg.get("url", ""))
        local = unquote(urlparse(url).path) if url.startswith("file:") else ""
        file = shown.get(local, url)
        line = msg.get("lastLine", msg.get("firstLine", "?"))
        text = f"{file}:{line}: {msg.get('message', '')}"
        if msg.get("type") == "non-document-error":
            cannot_check.append(text)
        elif msg.get("type") == "error":
            errors.append(text)
    if cannot_check:
        raise ClientError("vnu.jar could not check:\n" + "\n".join(cannot_check))
    return errors


# --------------------------------------------------------------------------- axe-core


class AxeViolation(TypedDict):
    id: str
    impact: str | None
    help: str
    nodes: list[list[str]]


class AxePage(TypedDict):
    file: str
    violations: list[AxeViolation]
    blocked_requests: list[str]
    executable_scripts: list[str]


def axe_results(paths: Sequence[Path]) -> list[AxePage]:
    """Run axe-core (WCAG 2.0/2.1 A+AA) over local HTML files in one Chromium.

    Pages load with JavaScript off (see ``axe_run.mjs``). One entry per file, in order:
    ``violations``, ``blocked_requests`` (non-file:/data: URLs the page tried to load,
    all aborted) and ``executable_scripts`` (``<script>`` elements, on* handlers and
    ``javascript:`` URLs; JSON-LD is data and not listed). The caller judges.
    """
    for tool in ("node", "chromium", "axe-core", "playwright-core"):
        require(tool)
    if not paths:
        return []
    files = _existing(paths)
    proc = _run(
        ["node", AXE_RUN, *files], timeout=_TIMEOUT_AXE, what="axe_run.mjs", cwd=CLIENTS_DIR
    )
    try:
        pages = cast(list[AxePage], json.loads(proc.stdout)["pages"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ClientError(f"axe_run.mjs gave no JSON:\n{proc.stdout[-2000:]}") from exc
    if len(pages) != len(files):
        raise ClientError(f"axe_run.mjs returned {len(pages)} pages for {len(files)} files")
    for entry, given in zip(pages, paths, strict=True):
        entry["file"] = str(given)  # as the caller named it, not the resolved path
    return pages


# --------------------------------------------------------------------------- JSON Feed 1.1

_URI: Final = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.\-]*:"  # scheme
    r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$"
)
_RFC3339: Final = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+\-]\d{2}:\d{2})$"
)


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or _URI.match(value) is not None


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if _RFC3339.match(value) is None:
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@cache
def jsonfeed_schema() -> dict[str, Any]:
    """The JSON Feed 1.1 JSON Schema (draft-07) shipped by npm ``jsonfeed-schema``."""
    require("jsonfeed-schema")
    return cast(dict[str, Any], json.loads(JSONFEED_SCHEMA.read_text(encoding="utf-8")))


def validate_jsonfeed(doc: Mapping[str, Any]) -> list[str]:
    """Validate a parsed feed against JSON Feed 1.1; ``[]`` means valid.

    Formats are checked too: ``uri`` (absolute RFC 3986 URI) and ``date-time``
    (RFC 3339) with checkers defined here, since jsonschema only checks them when
    optional extra packages are installed.
    """
    import jsonschema  # type: ignore[import-untyped, unused-ignore]

    base = jsonschema.Draft7Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker()
    checker.checkers = dict(base.checkers)
    checker.checks("uri")(_is_uri)
    checker.checks("date-time")(_is_rfc3339)
    schema = jsonfeed_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=checker)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in errors]


# --------------------------------------------------------------------------- Spectral


_TIMEOUT_SPECTRAL: Final = 300


def spectral_results(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Lint OpenAPI documents with npm ``@stoplight/spectral-cli`` and the Logius ruleset
    of the Dutch API Design Rules; every finding as Spectral's JSON (``code``,
    ``severity`` 0 = error … 3 = hint, ``path``, ``message``, ``source``)."""
    require("node")
    require("@stoplight/spectral-cli")
    files = _existing(paths)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "spectral.json"
        argv = ["node", SPECTRAL, "lint", "--ruleset", API_DESIGN_RULES, "--format", "json"]
        argv += ["--output", report, "--fail-severity", "error", "--quiet", *files]
        # Exit 1: findings at error level (they are the result, judged by the caller).
        _run(argv, timeout=_TIMEOUT_SPECTRAL, what="spectral", ok_codes=frozenset({0, 1}))
        if not report.is_file():
            raise ClientError("spectral wrote no report")
        data = json.loads(report.read_text("utf-8") or "[]")
    if not isinstance(data, list):
        raise ClientError(f"spectral: unexpected report {str(data)[:200]}")
    return data


# --------------------------------------------------------------------------- poppler


def pdf_text(path: Path) -> str:
    """The text of a PDF, as ``pdftotext -enc UTF-8 FILE -`` gives it (pages split by \\f)."""
    require("pdftotext")
    (pdf,) = _existing([path])
    return _run(
        ["pdftotext", "-enc", "UTF-8", pdf, "-"], timeout=_TIMEOUT_POPPLER, what="pdftotext"
    ).stdout


@dataclass(frozen=True)
class LayoutLine:
    """A line of text as poppler laid it out: its words joined by spaces, and its box in
    points from the page's top left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class LayoutPage:
    width: float
    height: float
    lines: tuple[LayoutLine, ...]


def pdf_layout(path: Path) -> list[LayoutPage]:
    """Every page of a PDF with every line of text and its place, as ``pdftotext
    -bbox-layout`` finds them (in poppler's reading order)."""
    from lxml import etree

    require("pdftotext")
    (pdf,) = _existing([path])
    proc = _run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-"],
        timeout=_TIMEOUT_POPPLER,
        what="pdftotext -bbox-layout",
    )
    xhtml = "{http://www.w3.org/1999/xhtml}"
    try:
        root = etree.fromstring(proc.stdout.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise ClientError(f"pdftotext -bbox-layout gave no XHTML for {pdf}: {exc}") from exc
    pages = []
    for page in root.iter(f"{xhtml}page"):
        lines = []
        for line in page.iter(f"{xhtml}line"):
            words = [word.text or "" for word in line.iter(f"{xhtml}word")]
            box = [float(line.get(name, "0")) for name in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(LayoutLine(" ".join(words), *box))
        pages.append(
            LayoutPage(float(page.get("width", "0")), float(page.get("height", "0")), tuple(lines))
        )
    if not pages:
        raise ClientError(f"pdftotext -bbox-layout found no pages in {pdf}")
    return pages


def pdf_to_png(
    path: Path, out_dir: Path, first: int = 1, last: int | None = None, *, dpi: int = 72
) -> list[Path]:
    """Render pages ``first``..``last`` (1-based, inclusive; ``last=None``: to the end)
    to PNG files in ``out_dir`` and return them in page order."""
    require("pdftoppm")
    (pdf,) = _existing([path])
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    for old in out_dir.glob(f"{glob_escape(pdf.stem)}-*.png"):
        old.unlink()
    argv: list[str | os.PathLike[str]] = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first)]
    if last is not None:
        argv += ["-l", str(last)]
    _run([*argv, pdf, prefix], timeout=_TIMEOUT_POPPLER, what="pdftoppm")
    pages = sorted(
        out_dir.glob(f"{glob_escape(pdf.stem)}-*.png"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    if not pages:
        raise ClientError(f"pdftoppm wrote no PNG for pages {first}..{last} of {pdf}")
    return pages


def pdf_outline(path: Path) -> list[tuple[str, int]]:
    """The first-level bookmarks of a PDF (LibreOffice writes one per level-1 heading):
    ``(title, page)`` with the 1-based number of the page the bookmark leads to."""
    import pikepdf

    (pdf,) = _existing([path])
    found: list[tuple[str, int]] = []
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages, 1)}
        with document.open_outline() as outline:
            for item in outline.root:
                destination = item.destination
                if isinstance(destination, pikepdf.Array) and len(destination):
                    found.append((str(item.title), pages.get(destination[0].objgen, 0)))
                else:
                    found.append((str(item.title), 0))
    return found


def contents_numbers(path: Path, titles: Sequence[str]) -> list[str | None]:
    """The page number the contents page of a PDF shows for each of ``titles`` (in that
    order): the number after the title and its dot leader, None where an entry has no
    number. The contents page is the first of the first three pages with "Inhoud" on a
    line of its own; an entry may wrap (its dots and number then start the next line)."""
    require("pdftotext")
    (pdf,) = _existing([path])
    text = ""
    for page in range(1, 4):
        layout = _run(
            ["pdftotext", "-enc", "UTF-8", "-layout", "-f", str(page), "-l", str(page), pdf, "-"],
            timeout=_TIMEOUT_POPPLER,
            what="pdftotext -layout",
            ok_codes=frozenset({0, 99}),  # 99: the page does not exist
        ).stdout
        lines = [line.strip() for line in layout.splitlines()]
        if "Inhoud" in lines:
            text = " ".join(lines[lines.index("Inhoud") + 1 :])
            break
    text = re.sub(r"\s+", " ", text)
    numbers: list[str | None] = []
    position = 0
    for title in titles:
        words = r"\s+".join(re.escape(word) for word in title.split())
        found = re.compile(words + r"(?:\s*\.{2,}\s*(\d+)\b)?").search(text, position)
        if found is None:
            numbers.append(None)
            continue
        numbers.append(found.group(1))
        position = found.end()
    return numbers


def glob_escape(text: str) -> str:
    """Escape glob metacharacters in a literal file-name part."""
    return re.sub(r"([*?\[])", r"[\1]", text)


# --------------------------------------------------------------------------- PDF/UA-1


@dataclass(frozen=True)
class PdfUaReport:
    """What both PDF/UA-1 checkers said about one PDF.

    ``failures``: page-validation's failed rules (every one is a conformance or
    metadata failure) and pdfua's ERROR findings. ``warnings``: pdfua's WARNING/INFO
    findings (heuristic ones included). ``skipped``: pdfua rules that could not be
    evaluated on this file (pdfua's word for "not checked", not a pass).
    Every entry starts with the checker's name.
    """

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def pdfua_report(path: Path) -> PdfUaReport:
    """Run page-validation (profile ua1, 104 rules) and pdfua (12 checks) on one PDF."""
    import page
    import pdfua

    (pdf,) = _existing([path])
    report = PdfUaReport()
    try:
        page_report = page.validate_pdf(pdf, profile="ua1")
    except page.PageError as exc:
        report.failures.append(f"page-validation: cannot read the PDF: {exc}")
    else:
        for failure in page_report.failures:
            where = "" if failure.object_id is None else f" (obj {failure.object_id.object_number})"
            report.failures.append(
                f"page-validation: {failure.rule_id} [{failure.category.value}]{where}: "
                f"{failure.message}"
            )
    try:
        ua_report = pdfua.validate(str(pdf))
    except pdfua.PdfuaError as exc:
        report.failures.append(f"pdfua: cannot read the PDF: {exc}")
        return report
    for finding in ua_report.findings:
        text = (
            f"pdfua: {finding.rule_id} [{finding.severity.name.lower()}, "
            f"{finding.confidence.value}] {finding.location.describe()}: {finding.message}"
        )
        if finding.severity >= pdfua.Severity.ERROR:
            report.failures.append(text)
        else:
            report.warnings.append(text)
    for outcome in ua_report.skipped:
        report.skipped.append(f"pdfua: {outcome.rule_id} not evaluated: {outcome.skipped_reason}")
    return report


def pdfua_failures(path: Path) -> list[str]:
    """PDF/UA-1 failures from both checkers, each prefixed ``page-validation:`` or
    ``pdfua:``; ``[]`` means neither found a failure (which is not a conformance claim:
    see :func:`pdfua_report` for warnings and rules that were not evaluated)."""
    return pdfua_report(path).failures


# --------------------------------------------------------------------------- LibreOffice


def libreoffice_convert(docx: Path, out_dir: Path) -> Path:
    """Convert a document to PDF with headless LibreOffice; return the PDF's path.

    Each call uses its own fresh user profile (a temporary folder), so calls in a row
    or in parallel never share or lock a profile, and nothing is read from ~/.config.
    Raises ClientError with LibreOffice's output when no PDF appears (LibreOffice
    exits 0 even when it could not load the source).
    """
    require("soffice")
    (src,) = _existing([docx])
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir.resolve() / f"{src.stem}.pdf"
    target.unlink(missing_ok=True)  # never mistake an old PDF for this run's
    with tempfile.TemporaryDirectory(prefix="pakketbuild-lo-") as profile:
        env = dict(os.environ, HOME=profile)
        proc = _run(
            _soffice_to_pdf(Path(profile), out_dir.resolve(), [src]),
            timeout=_TIMEOUT_SOFFICE,
            what="soffice --convert-to pdf",
            env=env,
        )
    if not target.is_file() or target.stat().st_size == 0:
        raise ClientError(
            f"LibreOffice made no PDF from {src} (exit {proc.returncode})\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return target


def _soffice_to_pdf(profile: Path, out_dir: Path, documents: Sequence[Path]) -> list[str]:
    """The command line that converts ``documents`` to PDF in ``out_dir`` with headless
    LibreOffice and a private profile (no user settings, no lock files, no restore)."""
    return [
        "soffice",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *(str(document) for document in documents),
    ]


UNO_PYTHON: Final = "/usr/bin/python3"
"""Debian's Python, whose ``python3-uno`` is LibreOffice's UNO bridge."""


def require_uno() -> str:
    """LibreOffice and its Python bridge (``python3-uno``), or skip (locally) / fail
    (``CI=true``); returns the interpreter that has the bridge."""
    require("soffice")
    probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        _missing(f"Debian package python3-uno (LibreOffice's Python bridge): {_INSTALL_HINT}")
    return UNO_PYTHON


def libreoffice_update_indexes(pairs: Sequence[tuple[Path, Path]], profile: Path) -> None:
    """Open each document in headless LibreOffice, update its indexes (the contents list,
    as a reader's "update field" does) and save it as PDF: ``(document, pdf)`` pairs. Runs
    ``lo_update_indexes.py`` with Debian's Python, which has the UNO bridge
    (``python3-uno``). Raises ClientError when a PDF is missing."""
    python = require_uno()
    profile.mkdir(parents=True, exist_ok=True)
    script = Path(__file__).with_name("lo_update_indexes.py")
    arguments = [str(part) for pair in pairs for part in pair]
    _run(
        [python, script, profile, *arguments],
        timeout=_TIMEOUT_SOFFICE * max(1, len(pairs) // 4),
        what="LibreOffice index update (UNO)",
    )
    for source, target in pairs:
        if not target.is_file() or target.stat().st_size == 0:
            raise ClientError(f"LibreOffice made no PDF from {source}")


def libreoffice_convert_many(documents: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert many documents to PDF with one headless LibreOffice process (one start-up
    instead of one per file); return document → PDF. Documents that share a file name
    (a view's copy of a pakket) are copied under unique names first. Raises ClientError
    when a PDF is missing."""
    require("soffice")
    sources = _existing(list(documents))
    out_dir = out_dir.resolve()
    staging = out_dir / "sources"
    staging.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, Path] = {}
    for number, src in enumerate(sources):
        copy = staging / f"{number:03d}-{src.name}"
        shutil.copyfile(src, copy)
        staged[src] = copy
    with tempfile.TemporaryDirectory(prefix="pakketbuild-lo-") as profile:
        env = dict(os.environ, HOME=profile)
        _run(
            _soffice_to_pdf(Path(profile), out_dir, list(staged.values())),
            timeout=_TIMEOUT_SOFFICE * max(1, len(staged) // 4),
            what="soffice --convert-to pdf (batch)",
            env=env,
        )
    result = {}
    for src, copy in staged.items():
        target = out_dir / f"{copy.stem}.pdf"
        if not target.is_file() or target.stat().st_size == 0:
            raise ClientError(f"LibreOffice made no PDF from {src}")
        result[src] = target
    return result


# --------------------------------------------------------------------------- ODF 1.3 (jing)

_TIMEOUT_JING: Final = 600


def odf_schemas() -> dict[str, Path]:
    """The ODF 1.3 RelaxNG schemas as PyPI ``openxml-audit`` ships them (OASIS's
    ``OpenDocument-v1.3-schema.rng`` for content, styles and meta, and the manifest's)."""
    import importlib.util

    spec = importlib.util.find_spec("openxml_audit")
    if spec is None or spec.origin is None:
        _missing("PyPI openxml-audit (the ODF schemas) is not installed: run `make test-venv`")
    folder = Path(spec.origin).parent / "odf" / "schemas" / "odf-1.3"
    schemas = {
        "document": folder / "OpenDocument-v1.3-schema.rng",
        "manifest": folder / "OpenDocument-v1.3-manifest-schema.rng",
    }
    missing = [str(path) for path in schemas.values() if not path.is_file()]
    if missing:
        raise ClientError(f"openxml-audit no longer ships {', '.join(missing)}")
    return schemas


def odf_schema_errors(parts: Sequence[Path], schema: str) -> list[str]:
    """Validate XML parts of ODF packages (already unpacked) against the ODF 1.3 schema
    ``schema`` (``document`` or ``manifest``) with jing, in one run; every error as jing
    reports it (``file:line:col: error: …``), ``[]`` when all are valid. ``-i``: the
    schema's own ID-type checks (jing's DTD-compatibility mode) are not applied, as the
    OASIS schema does not meet them."""
    require("jing")
    schema_path = odf_schemas()[schema]
    files = _existing(list(parts))
    proc = _run(
        ["jing", "-i", schema_path, *files],
        timeout=_TIMEOUT_JING,
        what="jing",
        ok_codes=frozenset({0, 1}),
    )
    errors = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode == 1 and not errors:
        raise ClientError(f"jing failed without naming an error:\n{proc.stderr[-2000:]}")
    return errors
