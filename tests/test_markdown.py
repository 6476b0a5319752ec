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
