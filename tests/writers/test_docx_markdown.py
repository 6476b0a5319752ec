"""Markdown → Word: every construct the parser allows is rendered, none silently dropped."""

from __future__ import annotations

import re
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from pakketbuild import markdown
from pakketbuild.markdown import UnsupportedMarkdown
from pakketbuild.writers.docx_markdown import (
    DocxState,
    MarkdownRenderer,
    bookmark_name,
)

EVERYTHING = """\
Alinea met *nadruk*, **sterk**, ***beide***, `code` en een [link](https://example.nl/a).
Zachte regelovergang en een harde\\
regelovergang. Ook \\*geen nadruk\\* &amp; een entiteit, en <https://example.nl/auto>.

Mail [ons](mailto:info@example.nl), bel [070-1234567](tel:+31701234567) of ga naar
[de tweede kop](#tweede-kop).

## Eerste kop

Setext-kop
----------

### Derde niveau

#### Vierde niveau

1. een
2. twee
   - genest a
   - genest b
     1. dieper
3. drie

Tussentekst.

5. vijf
6. zes

- los

  met een tweede alinea
- nog een

> Citaat met **nadruk**.
>
> 1. lijst in citaat

| Kop A | Kop B |
|:------|------:|
| *cel* | `code` |
| [link](https://example.nl/t) | gewoon |

```
fenced regel 1
fenced regel 2
```

    ingesprongen code

---

::: alleen-voor raadslid, statenlid
Een passage **alleen** voor raadsleden en Statenleden.

- met een lijst
:::

## Tweede kop

Slot.
"""

NODE_TYPES = {
    "root", "paragraph", "inline", "heading", "bullet_list", "ordered_list", "list_item",
    "blockquote", "code_block", "fence", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "text", "softbreak", "hardbreak", "em", "strong", "code_inline", "link",
    "container_alleen-voor",
}  # fmt: skip
"""Every node type the publishing parser produces for accepted content."""

ACTIVE_RULES = {
    "core": ["normalize", "block", "inline", "text_join", "limit_nesting", "contact_links"],
    "block": ["table", "code", "container_alleen-voor", "fence", "blockquote", "hr", "list",
              "reference",
              "html_block", "heading", "lheading", "paragraph"],
    "inline": ["text", "newline", "escape", "backticks", "emphasis", "link", "image",
               "autolink", "html_inline", "entity"],
    "inline2": ["balance_pairs", "emphasis", "fragments_join"],
}  # fmt: skip


def render(text: str, offset: int = 1) -> Any:
    document = docx.Document()
    renderer = MarkdownRenderer(DocxState(document))
    renderer.render(text, document, heading_offset=offset, anchor_prefix="t--")
    return document


def words(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


def document_text(document: Any) -> str:
    parts: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            parts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            parts.append(block.text)
    return "\n\n".join(parts)


def node_types(text: str) -> set[str]:
    found: set[str] = set()
    stack = [markdown.token_tree(text)]
    while stack:
        node = stack.pop()
        found.add(node.type)
        stack.extend(node.children)
    return found


def test_the_sample_covers_every_node_type_and_the_parser_has_no_new_rules() -> None:
    """If this fails after a change to pakketbuild.markdown, add the new construct to the
    sample and a method for it to the DOCX renderer."""
    assert markdown.markdown_parser().get_active_rules() == ACTIVE_RULES
    assert node_types(EVERYTHING) == NODE_TYPES


def test_nothing_is_lost() -> None:
    """The document says what the plain-text rendering says, word for word (list numbers
    and quote marks are Word's numbering and styles, so they are left out)."""
    expected = re.sub(r"(?m)^(?:> )*\s*(?:\d+\.|-) ", "", markdown.render_text(EVERYTHING))
    expected = re.sub(r"(?m)^(?:> )+", "", expected)
    assert words(document_text(render(EVERYTHING))) == words(expected)


def paragraphs(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_block_styles() -> None:
    found = paragraphs(render(EVERYTHING))
    styles = dict((text, style) for style, text in found)
    assert styles["Eerste kop"] == "Heading 2"  # '##' one level below the item title
    assert styles["Setext-kop"] == "Heading 2"
    assert styles["Derde niveau"] == "Heading 3"
    assert styles["Vierde niveau"] == "Heading 4"
    assert styles["een"] == "List Number"
    assert styles["genest a"] == "List Bullet 2"
    assert styles["dieper"] == "List Number 3"
    assert styles["los"] == "List Bullet"
    assert styles["met een tweede alinea"] == "List Continue"
    assert styles["Citaat met nadruk."] == "Quote"
    assert styles["lijst in citaat"] == "List Number"
    assert styles["fenced regel 1\nfenced regel 2"] == "HTML Preformatted"
    assert styles["ingesprongen code"] == "HTML Preformatted"
    assert styles[""] == "Horizontal Line"
    assert render("## Kop", offset=0).paragraphs[0].style.name == "Heading 1"


def test_inline_character_styles_and_no_direct_formatting() -> None:
    document = render(EVERYTHING)
    body = document.element.body
    runs: dict[str, str | None] = {}
    for run in body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        runs.setdefault(text, style.get(qn("w:val")) if style is not None else None)
    assert runs["nadruk"] == "Emphasis"
    assert runs["sterk"] == "Strong"
    assert runs["beide"] == "StrongEmphasis"
    assert runs["code"] == "HTMLCode"
    assert runs["link"] == "Hyperlink"
    assert runs["cel"] == "Emphasis"
    assert runs["Kop A"] == "Strong"  # header cells
    for rpr in body.iter(qn("w:rPr")):
        assert [child.tag for child in rpr] == [qn("w:rStyle")], "direct run formatting"
    for ppr in body.iter(qn("w:pPr")):
        assert {child.tag for child in ppr} <= {qn("w:pStyle"), qn("w:numPr")}


def test_hard_breaks_and_code_lines_are_line_breaks() -> None:
    document = render(EVERYTHING)
    first = document.paragraphs[0]
    assert "harde\nregelovergang" in first.text
    assert "Zachte regelovergang" in first.text and "\nZachte" not in first.text


def test_links_are_real_hyperlinks() -> None:
    document = render(EVERYTHING)
    links = [link for p in document.paragraphs for link in p.hyperlinks]
    external = {link.url for link in links if link.address}
    assert external == {
        "https://example.nl/a",
        "https://example.nl/auto",
        "mailto:info@example.nl",
        "tel:+31701234567",
    }
    rels = document.part.rels
    for element in document.element.body.iter(qn("w:hyperlink")):
        rid = element.get(qn("r:id"))
        if rid is not None:
            assert rels[rid].is_external
    internal = [link for link in links if link.fragment and not link.address]
    assert [link.fragment for link in internal] == [bookmark_name("t--tweede-kop")]
    bookmarks = [b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))]
    assert bookmark_name("t--tweede-kop") in bookmarks
    table_links = [h for h in document.tables[0]._tbl.iter(qn("w:hyperlink")) if h.get(qn("r:id"))]
    assert len(table_links) == 1


def test_each_ordered_list_restarts_at_one() -> None:
    document = render(EVERYTHING)
    numbering = document.part.numbering_part.element
    ordered = [p for p in document.paragraphs if p.style.name.startswith("List Number")]
    num_ids: dict[int, list[str]] = {}
    for paragraph in ordered:
        num_pr = paragraph._p.pPr.numPr
        assert num_pr is not None, paragraph.text
        num_ids.setdefault(int(num_pr.numId.val), []).append(paragraph.text)
    assert list(num_ids.values()) == [
        ["een", "twee", "drie"],
        ["dieper"],
        ["vijf", "zes"],
        ["lijst in citaat"],
    ]
    for num_id in num_ids:
        num = numbering.num_having_numId(num_id)
        (override,) = num.findall(qn("w:lvlOverride"))
        assert override.get(qn("w:ilvl")) == "0"
        assert override.find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_table_has_a_header_row() -> None:
    table = render(EVERYTHING).tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["Kop A", "Kop B"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None
    assert [c.text for c in table.rows[2].cells] == ["link", "gewoon"]


def test_bookmark_names_are_valid_for_word() -> None:
    for key in ("kort", "item-" + "heel-lang-" * 10, "ä-ö 1"):
        name = bookmark_name(key)
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name), name
    assert bookmark_name("a" * 60) != bookmark_name("a" * 61)


def test_unknown_constructs_are_a_bug_not_silently_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    from markdown_it.tree import SyntaxTreeNode

    strike = MarkdownIt("commonmark").enable("strikethrough")
    monkeypatch.setattr(markdown, "token_tree", lambda text: SyntaxTreeNode(strike.parse(text)))
    with pytest.raises(UnsupportedMarkdown, match=r"'s'.*bug in pakketbuild"):
        render("Een ~~doorgehaald~~ woord.")
    html = MarkdownIt("commonmark", {"html": True})
    monkeypatch.setattr(markdown, "token_tree", lambda text: SyntaxTreeNode(html.parse(text)))
    with pytest.raises(UnsupportedMarkdown, match=r"'html_block' \(line 1\)"):
        render("<div>rauw</div>\n")


def test_images_are_refused_by_check_and_only_their_alt_text_is_rendered() -> None:
    """check reports images (image-not-allowed); should one reach the renderer anyway, it
    keeps the alt text and never makes a picture or a relationship to the image's host
    (SECURITY.md: the renderers never raise on any text)."""
    assert [p.code for p in markdown.lint("![alt](https://example.nl/x.png)")] == [
        "image-not-allowed"
    ]
    document = render("![alt *tekst*](https://example.nl/x.png)")
    assert document.paragraphs[-1].text == "alt tekst"
    targets = [rel.target_ref for rel in document.part.rels.values()]
    assert not any("example.nl" in target for target in targets)
    assert not document.inline_shapes
