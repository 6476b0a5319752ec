"""The one Markdown configuration: what survives, what check refuses."""

from __future__ import annotations

import pytest

from pakketbuild import markdown


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://voorbeeld.nl/pad", True),
        ("HTTPS://voorbeeld.nl", True),
        ("mailto:info@voorbeeld.nl", True),
        ("tel:+31703738314", True),
        ("#sectie", True),
        ("http://voorbeeld.nl", False),
        ("https:voorbeeld.nl", False),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("vbscript:msgbox", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("java\tscript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("relatief/pad", False),
        ("//voorbeeld.nl", False),
    ],
)
def test_link_allow_list(url: str, allowed: bool) -> None:
    assert markdown.link_allowed(url) is allowed


def test_refused_links_render_as_text() -> None:
    html = markdown.render_html("[klik](javascript:alert(1)) [ok](https://voorbeeld.nl)")
    assert 'href="https://voorbeeld.nl"' in html
    assert "javascript:" not in html.split("[klik]")[0]
    assert '<a href="javascript' not in html


def test_raw_html_is_escaped() -> None:
    html = markdown.render_html("<script>alert(1)</script>\n\ntekst <b onclick=x>vet</b>")
    assert "<script" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_headings_get_stable_unique_ids_and_shift() -> None:
    html = markdown.render_html("## Woning & omgeving\n\n## Woning & omgeving", heading_offset=1)
    assert '<h3 id="woning-omgeving">' in html
    assert '<h3 id="woning-omgeving-2">' in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Kop", "a '#' heading is not allowed"),
        ("### Kop", "the first heading in the text must start with '##' (the title is the only"),
        ("## A\n\n#### B", "this heading skips a level ('####' after '##'); use '###'"),
        ("##### Kop", "headings deeper than #### are not allowed"),
    ],
)
def test_heading_structure_is_checked(text: str, message: str) -> None:
    [problem] = markdown.lint(text)
    assert problem.code == "heading-level"
    assert problem.message.startswith(message)


def test_good_heading_structure_passes() -> None:
    assert markdown.lint("## A\n\n### B\n\n#### C\n\n## D\n\n### E") == []


def test_lint_reports_lines() -> None:
    problems = markdown.lint("eerste\n\ntweede [x](http://a.nl)\n\n![p](https://a.nl/p.png)")
    assert [(p.line, p.code) for p in problems] == [(2, "unsafe-link"), (4, "image-not-allowed")]


def test_phone_numbers_and_email_addresses_in_running_text_become_links() -> None:
    html = markdown.render_html(
        "Bel 070-3738314 of mail info@voorbeeld.nl; [het team](tel:+31701234567) "
        "en `secretariaat@voorbeeld.nl` blijven zoals ze zijn. In 2024 kwamen 1234567 "
        "meldingen binnen."
    )
    assert '<a href="tel:+31703738314">070-3738314</a>' in html
    assert '<a href="mailto:info@voorbeeld.nl">info@voorbeeld.nl</a>' in html
    assert '<a href="tel:+31701234567">het team</a>' in html  # an existing link stays one
    assert "<code>secretariaat@voorbeeld.nl</code>" in html  # code is not linked
    assert html.count("<a ") == 3  # years and other numbers are not phone numbers
    assert markdown.render_text("Bel 070-3738314.") == "Bel 070-3738314."


def test_international_numbers_with_a_space_after_the_country_code_become_links() -> None:
    html = markdown.render_html("Bel +31 70 373 8314 of +31-6-12345678, niet +31 1234.")
    assert '<a href="tel:+31703738314">+31 70 373 8314</a>' in html
    assert '<a href="tel:+31612345678">+31-6-12345678</a>' in html
    assert html.count("<a ") == 2


# ----------------------------------------------------------------------- one parse per text

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = [
    "## Kop\n", "# Kop\n", "#### diep\n", "###### te diep\n", "tekst ", "\n", "\n\n",
    "- punt\n", "1. een\n", "1.twee\n", "*ster\n", "• geplakt\n", "> citaat\n", "    code\n",
    "```\n", "`x`", "*nadruk*", "**vet**", "[link](https://example.nl)",
    "[slecht](http://example.nl)", "[rel](pagina.html)", "[anker](#kop)", "![foto](foto.jpg)",
    "![foto](https://example.nl/f.png)", "<https://example.nl>", "<b>", "</b>", "<div>\n",
    "<!-- c -->", "a < b > c", "<a href='x'>", "[ref]\n\n[ref]: https://example.nl\n",
    "[ref2]: http://example.nl\n", "::: alleen-voor raadslid\n", "::: alleen-voor\n",
    "::: onbekend\n", ":::\n", "::: alleen-voor raadslid, statenlid\n", "| a | b |\n|---|---|\n",
    "info@example.nl ", "bel 070 123 4567 ", "&amp;", "\\<", "< ", "<a",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_checks_on_the_shared_parse_equal_the_permissive_parse(pieces: list[str]) -> None:
    """``lint`` reads the publishing tokens unless the text holds something the checks'
    permissive parser parses differently: the result must be the same either way."""
    text = "".join(pieces)
    permissive = markdown._lint_tokens(text, markdown._lint_parser().parse(text))
    assert markdown.lint(text) == permissive


def test_the_shared_parse_is_used_for_plain_texts_only_when_it_is_exact() -> None:
    assert markdown._parsed("## Kop\n\nTekst met [link](https://example.nl).")[1]
    assert markdown._parsed("::: alleen-voor raadslid\nx\n:::\n")[1]
    for text in ("<b>vet</b>", "<div>\n", "[x](http://example.nl)", "::: anders\n", "![f](f.png)"):
        assert not markdown._parsed(text)[1], text


def test_every_format_reads_one_parse_of_a_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks, HTML (at several heading levels), plain text and the syntax tree of Word
    and ODT parse a text once, and none of them changes the shared tokens."""
    calls: list[str] = []
    parser = markdown.markdown_parser()
    original = type(parser).parse

    def counting(self: object, src: str, env: object = None) -> object:
        calls.append(src)
        return original(self, src, env)  # type: ignore[arg-type]

    monkeypatch.setattr(type(parser), "parse", counting)
    text = "## Eén kop\n\nTekst, bel 070 123 4567.\n\n### Onder\n\n- a\n- b\n\n## Eén kop\n"
    before = [(t.type, t.tag, dict(t.attrs)) for t in markdown.tokens(text)]
    assert markdown.lint(text) == []
    first = markdown.render_html(text)
    shifted = markdown.render_html(text, heading_offset=1, id_prefix="x--")
    assert '<h3 id="x--een-kop">' in shifted and '<h4 id="x--onder">' in shifted
    assert '<h2 id="een-kop-2">' in first
    markdown.render_text(text)
    markdown.token_tree(text)
    assert markdown.render_html(text) == first
    assert [(t.type, t.tag, dict(t.attrs)) for t in markdown.tokens(text)] == before
    assert calls == [text]


def _reference_html(text: str, heading_offset: int, id_prefix: str) -> str:
    """render_html as written before it rendered the parts shared by every level once:
    a fresh parse, headings re-tagged in place, the whole stream rendered, nh3.clean."""
    import nh3

    md = markdown.markdown_parser()
    parsed = markdown.parse(text)
    seen: dict[str, int] = {}
    for index, token in enumerate(parsed):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
            if token.type == "heading_open":
                slug = markdown.slugify(parsed[index + 1].content)
                seen[slug] = seen.get(slug, 0) + 1
                if seen[slug] > 1:
                    slug = f"{slug}-{seen[slug]}"
                token.attrSet("id", f"{id_prefix}{slug}")
    own = {t.attrGet("id") for t in parsed if t.type == "heading_open"}
    for token in parsed:
        for child in token.children or ():
            href = str(child.attrGet("href") or "")
            # a link to one of the text's own headings points at its prefixed id
            if child.type == "link_open" and href.startswith("#") and id_prefix + href[1:] in own:
                child.attrSet("href", f"#{id_prefix}{href[1:]}")
    return nh3.clean(
        md.renderer.render(parsed, md.options, {}),
        tags=markdown._ALLOWED_TAGS,
        attributes=markdown._ALLOWED_ATTRS,
        url_schemes={"https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_PIECES, "## Kop\n", "### Kop\n", "- a\n  ## in lijst\n"]), max_size=14
    ),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(["", "woningscan--", "stap-2--", 'x"&<']),
)
def test_html_is_the_same_as_rendering_the_whole_stream(
    pieces: list[str], offset: int, prefix: str
) -> None:
    text = "".join(pieces)
    assert markdown.render_html(text, heading_offset=offset, id_prefix=prefix) == (
        _reference_html(text, offset, prefix)
    )
