"""Helpers for the HTML/JSON writer tests: parse pages with ``html.parser`` and build the
small scenario tree (``tests/data/small``) without touching the repository."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pakketbuild.build import BuildOptions, build
from pakketbuild.loader import load_content
from pakketbuild.publication import Publication, build_publication

DATA = Path(__file__).resolve().parent.parent / "data"
SMALL = DATA / "small"
GOLDEN_SMALL = Path(__file__).resolve().parent.parent / "golden" / "small"


def build_tree(content: Path, out: Path, formats: str = "html,json") -> Path:
    """Build ``content`` into ``out`` with a private cache (nothing written beside content)."""
    build(
        BuildOptions(
            content=content,
            out=out,
            formats=formats.split(","),
            cache_dir=out.parent / "cache",
            jobs=1,
            verbosity="quiet",
        )
    )
    return out


def publication(content: Path) -> Publication:
    return build_publication(load_content(content))


@dataclass
class Page:
    """What the tests need to know about one HTML page."""

    lang: str | None = None
    doctype: bool = False
    headings: list[tuple[int, str]] = field(default_factory=list)
    """(level, text) in document order."""
    ids: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    """Attributes of every ``<a href>`` and ``<link href>`` (with ``tag``)."""
    sources: list[str] = field(default_factory=list)
    """``src`` attributes of any element."""
    scripts: list[tuple[str | None, str]] = field(default_factory=list)
    """(type, text) of every ``<script>``."""
    tags: list[str] = field(default_factory=list)
    landmarks: set[str] = field(default_factory=set)
    style_elements: int = 0
    text: str = ""
    first_link: str | None = None
    """``href`` of the first ``<a>`` in the body (the skip link)."""
    navs: list[str | None] = field(default_factory=list)
    """``aria-label`` of every ``<nav>``."""

    @property
    def json_ld(self) -> list[Any]:
        return [json.loads(text) for kind, text in self.scripts if kind == "application/ld+json"]

    def hrefs(self, tag: str = "a") -> list[str]:
        return [link["href"] for link in self.links if link["tag"] == tag]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._heading: int | None = None
        self._heading_text: list[str] = []
        self._script: str | bool | None = False
        self._script_text: list[str] = []
        self._text: list[str] = []

    def handle_decl(self, decl: str) -> None:
        if decl.lower() == "doctype html":
            self.page.doctype = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        page = self.page
        page.tags.append(tag)
        if tag == "html":
            page.lang = a.get("lang")
        if "id" in a:
            page.ids.append(a["id"])
        if "src" in a:
            page.sources.append(a["src"])
        if tag in ("a", "link") and "href" in a:
            page.links.append({"tag": tag, **a})
            if tag == "a" and page.first_link is None:
                page.first_link = a["href"]
        if tag in ("header", "nav", "main", "footer"):
            page.landmarks.add(tag)
        if tag == "nav":
            page.navs.append(a.get("aria-label"))
        if tag == "style":
            page.style_elements += 1
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = int(tag[1])
            self._heading_text = []
        if tag == "script":
            self._script = a.get("type")
            self._script_text = []

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            text = " ".join("".join(self._heading_text).split())
            self.page.headings.append((self._heading, text))
            self._heading = None
        if tag == "script" and self._script is not False:
            kind = self._script if isinstance(self._script, str) else None
            self.page.scripts.append((kind, "".join(self._script_text)))
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script is not False:
            self._script_text.append(data)
            return
        if self._heading is not None:
            self._heading_text.append(data)
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self.page.text = " ".join("".join(self._text).split())


def parse_page(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def json_documents(root: Path, under: str) -> list[Path]:
    return sorted((root / under).rglob("*.json"))
