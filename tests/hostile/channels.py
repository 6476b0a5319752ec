"""Checks over every output channel of a build: what a hostile input must never produce.

Each ``*_problems`` function returns a list of findings (``[]`` = safe), each naming the
file and what was found, so one assertion shows everything that went wrong.

=========================  =================================================================
channel                    what is checked
=========================  =================================================================
HTML pages                 no executable ``<script>``; no ``on*`` attribute; no
                           ``javascript:``/``vbscript:``/``data:`` URL; no element that
                           loads or embeds something (``img``, ``iframe``, ``svg`` …;
                           only the theme logo, an ``<img>`` inside the export); no
                           stylesheet or style attribute that could call ``url()``; every
                           resource the page loads is relative (stays in the export)
JSON ``*_html`` values     the same, for the fragments partners inject into their pages
JSON-LD                    parses as JSON; the raw block holds no ``</script`` or ``<!--``
JSON URL fields            ``url``/``*_url`` values are https
Atom feeds                 well-formed, no DTD; ``content type="html"`` as a fragment;
                           links https or relative
PDF                        every link annotation is a /URI to https, mailto or tel (or an
                           in-document /GoTo); no JavaScript, launch, submit, import or
                           embedded-file actions anywhere in the file
DOCX                       every external relationship (all parts) is a hyperlink to
                           https, mailto or tel, with ``TargetMode="External"``
=========================  =================================================================
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

SAFE_LINK = re.compile(r"^(?:https://|mailto:|tel:|#)", re.IGNORECASE)
"""Targets a reader may be sent to."""
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file|livescript|mocha):")
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
     "srcset", "cite", "longdesc", "ping", "manifest", "codebase", "archive", "lowsrc"}
)  # fmt: skip
_EMBEDDING = frozenset(
    {"iframe", "frame", "frameset", "img", "svg", "math", "object", "embed", "applet",
     "video", "audio", "source", "track", "picture", "image", "base", "form", "input",
     "button", "textarea", "select", "template", "portal", "style", "meta-refresh"}
)  # fmt: skip
_SCRIPT_DATA_TYPES = frozenset({"application/ld+json"})
_TEMPLATE_FAVICON = ("link", "href", "data:,")
"""``<link rel="icon" href="data:,">`` in the page template: an empty icon, which stops
browsers from requesting ``/favicon.ico``. The only ``data:`` URL the pages may hold."""
_STYLE_ATTRIBUTE = re.compile(r"^text-align:\s*(?:left|right|center)\s*;?$")
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _scheme_text(value: str) -> str:
    """A URL as a browser reads its scheme: whitespace and control characters removed,
    lower case (the HTML parser has already decoded character references)."""
    return "".join(c for c in value if c > " " and c != "\x7f").lower()


def _is_local(src: str) -> bool:
    """A relative URL inside the export (the theme's logo: ``assets/theme/logo.svg``)."""
    scheme = _scheme_text(src)
    return bool(scheme) and ":" not in scheme.split("/", 1)[0] and not scheme.startswith("/")


class _Checker(HTMLParser):
    def __init__(self, name: str, *, fragment: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.fragment = fragment
        self.problems: list[str] = []
        self._script: str | None = None
        self._script_text: list[str] = []
        self.json_ld: list[str] = []

    def _bad(self, what: str) -> None:
        self.problems.append(f"{self.name}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            if kind not in _SCRIPT_DATA_TYPES or self.fragment or "src" in values:
                self._bad(f"executable <script {values}>")
            self._script = kind
            self._script_text = []
        local_image = tag == "img" and not self.fragment and _is_local(values.get("src", ""))
        if tag in _EMBEDDING and not local_image:
            self._bad(f"<{tag}> element {values}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._bad(f"<meta http-equiv=refresh {values}>")
        if tag == "link":
            rel = values.get("rel", "").lower().split()
            href = values.get("href", "")
            if self.fragment:
                self._bad(f"<link> in a fragment {values}")
            elif ("stylesheet" in rel or "preload" in rel or "import" in rel) and (
                "//" in href or ":" in href
            ):
                self._bad(f"<link> loads from elsewhere {values}")
        for name, value in values.items():
            if name.startswith("on"):
                self._bad(f"event handler attribute {name}={value!r} on <{tag}>")
            if name == "style" and not _STYLE_ATTRIBUTE.match(value.strip()):
                self._bad(f"style attribute {value!r} on <{tag}>")
            if name in _URL_ATTRIBUTES:
                self._url(tag, name, value)

    def _url(self, tag: str, name: str, value: str) -> None:
        scheme = _scheme_text(value)
        if (tag, name, value) == _TEMPLATE_FAVICON and not self.fragment:
            return
        if _BAD_SCHEME.match(scheme):
            self._bad(f"<{tag} {name}={value!r}>: dangerous scheme")
        elif tag == "a" and name == "href":
            if ":" in scheme.split("/", 1)[0] and not SAFE_LINK.match(scheme):
                self._bad(f"<a href={value!r}>: scheme other than https, mailto, tel")
            if scheme.startswith("//"):
                self._bad(f"<a href={value!r}>: protocol-relative link")
        elif name == "href" and tag == "link":
            pass  # judged above
        elif "//" in scheme or ":" in scheme.split("/", 1)[0]:
            self._bad(f"<{tag} {name}={value!r}> loads from another host")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if self._script in _SCRIPT_DATA_TYPES:
                self.json_ld.append("".join(self._script_text))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_comment(self, data: str) -> None:
        if self.fragment:
            self._bad(f"HTML comment in a fragment: {data[:60]!r}")


def html_problems(text: str, name: str, *, fragment: bool = False) -> list[str]:
    """Findings in one HTML page (or, with ``fragment``, an HTML fragment from the API)."""
    checker = _Checker(name, fragment=fragment)
    checker.feed(text)
    checker.close()
    problems = checker.problems
    for block in checker.json_ld:
        problems.extend(json_ld_problems(block, name))
    if not fragment:
        # The raw JSON-LD blocks, as the browser's tokenizer sees them.
        for match in re.finditer(
            r"<script[^>]*application/ld\+json[^>]*>(.*?)</script", text, re.S | re.I
        ):
            raw = match.group(1)
            if "<!--" in raw or "<script" in raw.lower():
                problems.append(f"{name}: JSON-LD block holds '<!--' or '<script'")
    return problems


def json_ld_problems(block: str, name: str) -> list[str]:
    problems = []
    try:
        json.loads(block)
    except ValueError as exc:
        problems.append(f"{name}: JSON-LD does not parse ({exc}): {block[:200]!r}")
    for bad in ("</script", "<!--", "<script"):
        if bad in block.lower():
            problems.append(f"{name}: JSON-LD holds {bad!r}")
    return problems


def _walk_json(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, key, string) for every string value under a key."""
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, str):
                yield f"{path}.{key}", key, child
            else:
                yield from _walk_json(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk_json(child, f"{path}[{index}]")


_OPENAPI_RELATIVE = frozenset({"../v1", "../.."})
"""The relative server URLs of ``api/v1/openapi.json`` without a base URL."""


def json_problems(text: str, name: str) -> list[str]:
    """Findings in one JSON document: every ``*_html`` value as a fragment, every URL."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return [f"{name}: not JSON ({exc})"]
    problems: list[str] = []
    for where, key, value in _walk_json(data):
        if key.endswith("_html"):
            problems.extend(html_problems(value, f"{name}{where}", fragment=True))
        elif (key == "url" or key.endswith("_url")) and not value.startswith("https://"):
            if (
                name.endswith("openapi.json")
                and ".servers[" in where
                and value in _OPENAPI_RELATIVE
            ):
                continue  # written by pakketbuild itself, never from the content
            problems.append(f"{name}{where}: URL {value!r} is not https")
    return problems


_ATOM = "{http://www.w3.org/2005/Atom}"


def atom_problems(data: bytes, name: str) -> list[str]:
    """Findings in one Atom feed: well-formed XML, every ``content type="html"`` as a
    fragment, every link https or relative to the feed."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return [f"{name}: not well-formed XML ({exc})"]
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return [f"{name}: DTD or entity declaration"]
    problems: list[str] = []
    for element in root.iter():
        if element.tag == f"{_ATOM}content" and element.get("type") in ("html", "xhtml"):
            problems += html_problems(element.text or "", f"{name} <content>", fragment=True)
        href = element.get("href") if element.tag.endswith("}link") else None
        if element.tag == f"{_ATOM}uri":
            href = element.text or ""
        if href is not None:
            scheme = _scheme_text(href)
            if ":" in scheme.split("/", 1)[0] and not scheme.startswith("https://"):
                problems.append(f"{name}: link {href!r} is not https")
            if scheme.startswith("//"):
                problems.append(f"{name}: protocol-relative link {href!r}")
    return problems


def site_problems(out: Path) -> list[str]:
    """Findings in every HTML page, JSON document and Atom feed of an export tree."""
    problems: list[str] = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            problems += html_problems(path.read_text(encoding="utf-8"), rel)
        elif path.suffix == ".json":
            problems += json_problems(path.read_text(encoding="utf-8"), rel)
        elif path.suffix == ".atom":
            problems += atom_problems(path.read_bytes(), rel)
    return problems


# --------------------------------------------------------------------------- documents


_PDF_FORBIDDEN_ACTIONS = (
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
    "/Rendition", "/Sound", "/Movie", "/RichMediaExecute",
)  # fmt: skip


def pdf_problems(path: Path, name: str) -> list[str]:
    """Findings in one PDF: link targets, and any action or embedding beyond plain links."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        names = pdf.Root.get("/Names")
        if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
            problems.append(f"{name}: document-level JavaScript or embedded files")
        for key in ("/OpenAction", "/AA", "/AcroForm"):
            if key in pdf.Root:
                problems.append(f"{name}: catalog has {key}")
        for number, page in enumerate(pdf.pages, start=1):
            if "/AA" in page.obj:
                problems.append(f"{name} p{number}: page has /AA")
            for annot in page.obj.get("/Annots", []):
                subtype = str(annot.get("/Subtype"))
                if subtype != "/Link":
                    problems.append(f"{name} p{number}: annotation {subtype}")
                    continue
                action = annot.get("/A")
                if action is None:
                    if "/Dest" not in annot:
                        problems.append(f"{name} p{number}: link without target")
                    continue
                kind = str(action.get("/S"))
                if kind == "/URI":
                    uri = str(action.get("/URI", ""))
                    if not SAFE_LINK.match(uri) or uri.startswith("#"):
                        problems.append(f"{name} p{number}: link to {uri!r}")
                elif kind != "/GoTo":
                    problems.append(f"{name} p{number}: link action {kind}")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and str(obj.get("/S")) in (
                _PDF_FORBIDDEN_ACTIONS
            ):
                problems.append(f"{name}: action {obj.get('/S')} in the file")
            if isinstance(obj, pikepdf.Dictionary) and "/JS" in obj:
                problems.append(f"{name}: /JS entry in the file")
    return problems


def pdf_uris(path: Path) -> list[str]:
    """Every /URI link target of a PDF, in page order."""
    import pikepdf

    uris: list[str] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and str(action.get("/S")) == "/URI":
                    uris.append(str(action.get("/URI", "")))
    return uris


def docx_relationships(path: Path) -> list[tuple[str, str, str, str]]:
    """(part, type, target, target mode) of every relationship in every part of a DOCX."""
    found = []
    with zipfile.ZipFile(path) as package:
        for member in package.namelist():
            if not member.endswith(".rels"):
                continue
            root = ElementTree.fromstring(package.read(member))
            for rel in root.iter(f"{_RELS_NS}Relationship"):
                found.append(
                    (
                        member,
                        rel.get("Type", ""),
                        rel.get("Target", ""),
                        rel.get("TargetMode", "Internal"),
                    )
                )
    return found


def docx_problems(path: Path, name: str) -> list[str]:
    """Findings in one DOCX: external relationships other than safe hyperlinks."""
    problems: list[str] = []
    for part, kind, target, mode in docx_relationships(path):
        external = mode == "External" or "://" in target or target.startswith("\\\\")
        if kind == HYPERLINK_TYPE:
            if mode != "External" or not SAFE_LINK.match(target) or target.startswith("#"):
                problems.append(f"{name} {part}: hyperlink {target!r} ({mode})")
        elif external:
            problems.append(f"{name} {part}: external {kind.rsplit('/', 1)[-1]} {target!r}")
    return problems


def document_problems(out: Path) -> list[str]:
    """Findings in every PDF and DOCX of an export tree."""
    problems: list[str] = []
    for path in sorted(out.rglob("*.pdf")):
        problems += pdf_problems(path, path.relative_to(out).as_posix())
    for path in sorted(out.rglob("*.docx")):
        problems += docx_problems(path, path.relative_to(out).as_posix())
    return problems


def output_texts(out: Path) -> Iterator[tuple[str, str]]:
    """(file, text) of every output file: text files as they are, PDFs as their
    uncompressed content streams and strings, DOCX as the XML of every part."""
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                for member in package.namelist():
                    yield f"{rel}!{member}", package.read(member).decode("utf-8", "replace")
        elif path.suffix == ".pdf":
            yield rel, _pdf_strings(path)
        else:
            yield rel, path.read_bytes().decode("utf-8", "replace")


def _pdf_strings(path: Path) -> str:
    import pikepdf

    parts: list[str] = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    continue
            elif isinstance(obj, pikepdf.String):
                parts.append(bytes(obj).decode("latin-1"))
        for name, attachment in pdf.attachments.items():
            parts.append(name + attachment.get_file().read_bytes().decode("latin-1"))
    return "\n".join(parts)
