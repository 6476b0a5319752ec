"""Property-based tests (Hypothesis): arbitrary text never breaks the loader or a renderer.

* ``load_content`` either succeeds or raises :class:`ContentError` (the project's own
  content error) for any item body, title, front-matter fragment, whole file (bytes) and
  ``organisaties.yaml``.
* ``markdown.render_html``, ``markdown.render_text``, ``markdown.lint`` and the DOCX
  Markdown renderer never raise, and the HTML they give passes the fragment checks of
  :mod:`tests.hostile.channels` (no script, no event handler, no dangerous URL, no
  element that loads anything); the Word document gets no external relationship other
  than a hyperlink to https, mailto or tel.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pakketbuild import markdown
from pakketbuild.diagnostics import ContentError
from pakketbuild.loader import load_content
from pakketbuild.writers.docx_markdown import DocxState, MarkdownRenderer
from tests.content.tree import ITEM, write_tree
from tests.hostile.cases import item
from tests.hostile.channels import SAFE_LINK, html_problems

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces of Markdown and HTML that make arbitrary text reach the interesting paths:
# links and their disguises, raw HTML, nesting, tables, entities, control characters.
PIECES = [
    "[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "#", "|", ":", "&", ";", "\\", "\n",
    "\n\n", " ", "\t", "> ", "- ", "1. ", "## ", "```\n", "    ", "---\n", "| a |\n|---|\n",
    "[x](", "](", "![", "<a href=", "<script>", "</script>", "<svg onload=", " onerror=",
    "javascript:", "JaVaScRiPt:", "vbscript:", "data:text/html,", "jav&#x61;script:",
    "&#106;", "&colon;", "&lt;", "https://voorbeeld.nl", "mailto:a@b.nl", "tel:+31701234567",
    "#kop", "//evil.example", "url(", "style=", "\x00", "\x0b", "\u202e", "\u200b", "\ufffe",
    "\uffff", "\r", "::: alleen-voor raadslid\n", ":::\n", "[r]: ", "\"", "'",
]  # fmt: skip
markdownish = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=40).map("".join)
any_text = st.text() | markdownish


@contextmanager
def content_tree() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pakketbuild-fuzz-") as folder:
        yield write_tree(Path(folder) / "content")


def loads_or_content_error(root: Path) -> None:
    try:
        load_content(root)
    except ContentError as exc:
        assert exc.diagnostics, "a ContentError must carry its diagnostics"
        for diagnostic in exc.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.col >= 1
            assert diagnostic.path.startswith("content"), diagnostic


@FUZZ
@given(body=any_text)
def test_loader_survives_any_body(body: str) -> None:
    with content_tree() as root:
        (root / "items" / "woningscan.md").write_text(item(body=body), encoding="utf-8")
        loads_or_content_error(root)


@FUZZ
@given(title=any_text, quoted=st.booleans())
def test_loader_survives_any_title(title: str, quoted: bool) -> None:
    value = json.dumps(title) if quoted else title
    with content_tree() as root:
        path = root / "items" / "woningscan.md"
        path.write_text(item(title=f"title: {value}"), encoding="utf-8", errors="surrogatepass")
        loads_or_content_error(root)


@FUZZ
@given(fragment=any_text)
def test_loader_survives_any_front_matter_fragment(fragment: str) -> None:
    with content_tree() as root:
        path = root / "items" / "woningscan.md"
        path.write_text(item(fragment + "\n"), encoding="utf-8", errors="surrogatepass")
        loads_or_content_error(root)


@FUZZ
@given(data=st.binary() | any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_loader_survives_any_file(data: bytes) -> None:
    with content_tree() as root:
        (root / "items" / "woningscan.md").write_bytes(data)
        (root / "organisaties.yaml").write_bytes(data)
        loads_or_content_error(root)


@FUZZ
@given(data=st.binary(max_size=64))
def test_loader_survives_bytes_in_a_valid_item(data: bytes) -> None:
    with content_tree() as root:
        raw = ITEM.encode()
        cut = len(raw) // 2
        (root / "items" / "woningscan.md").write_bytes(raw[:cut] + data + raw[cut:])
        loads_or_content_error(root)


@FUZZ
@example(text="HREF=JAVASCRIPT:", offset=0)
@example(text="[x](javascript:alert(1)) <a href=javascript:alert(1)>y</a>", offset=0)
@given(text=any_text, offset=st.integers(0, 3))
def test_html_renderer_never_raises_and_stays_safe(text: str, offset: int) -> None:
    markdown.lint(text)
    html = markdown.render_html(text, heading_offset=offset, id_prefix="x--")
    assert html_problems(html, "render_html", fragment=True) == []
    lowered = html.lower()
    assert "<script" not in lowered
    # Only inside tags: the text 'href=javascript:' in a paragraph is escaped text, not a link.
    for tag in re.findall(r"<[^>]*>", lowered):
        assert (
            re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):""", tag) is None
        )
    markdown.render_text(text)


@FUZZ
@given(text=any_text)
def test_docx_renderer_never_raises_and_links_stay_safe(text: str) -> None:
    document = docx.Document()
    renderer = MarkdownRenderer(DocxState(document))
    renderer.render(text, document, heading_offset=1, anchor_prefix="x--")
    renderer.render_in_list_item(text, document, level=1, heading_offset=2, anchor_prefix="y--")
    for rel in document.part.rels.values():
        if rel.is_external:
            assert rel.reltype == RT.HYPERLINK
            assert SAFE_LINK.match(rel.target_ref) and not rel.target_ref.startswith("#")
