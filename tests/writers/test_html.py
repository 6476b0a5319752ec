"""The HTML writer: structure, links, accessibility basics and JSON-LD, checked by parsing
every page with ``html.parser`` (the real-client checks are in test_real_clients_html)."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pakketbuild import markdown
from pakketbuild.labels import dutch_join
from pakketbuild.writers import BuildContext
from pakketbuild.writers.html import HtmlWriter
from pakketbuild.writers.html_jsonld import json_ld
from tests.writers.html_tools import (
    SMALL,
    Page,
    build_tree,
    html_pages,
    parse_page,
    publication,
)

ALLOWED_SCHEMES = {"https", "mailto", "tel"}
BASE_URL = "https://voorbeeld.nl/pakket/"  # tests/data/small/site.yaml


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(SMALL, tmp_path_factory.mktemp("small") / "exports")


@pytest.fixture(scope="module")
def small_pages(small_site: Path) -> dict[str, Page]:
    return {
        p.relative_to(small_site).as_posix(): parse_page(p.read_text(encoding="utf-8"))
        for p in html_pages(small_site)
    }


def _site_pages(root: Path) -> dict[str, Page]:
    return {
        p.relative_to(root).as_posix(): parse_page(p.read_text(encoding="utf-8"))
        for p in html_pages(root)
    }


@pytest.fixture(params=["small", "real"])
def site(request: pytest.FixtureRequest) -> Path:
    fixture = "small_site" if request.param == "small" else "real_site"
    root: Path = request.getfixturevalue(fixture)
    return root


# --------------------------------------------------------------------------- layout


def test_small_tree_has_the_documented_pages(small_site: Path) -> None:
    pages = {p.relative_to(small_site).as_posix() for p in html_pages(small_site)}
    assert pages == {
        "index.html",
        "startpakket/index.html",
        "items/hulplijn/index.html",
        "items/stappenplan-melden/index.html",
        "items/training-weerbaarheid/index.html",
    }
    assert (small_site / "assets/site.css").is_file()
    assert (small_site / "assets/print.css").is_file()


def test_concept_item_is_nowhere(small_site: Path) -> None:
    for path in small_site.rglob("*"):
        if path.is_file():
            assert "concept-woningcheck" not in path.read_text(encoding="utf-8"), path
            assert "concept-woningcheck" not in path.as_posix()


def test_real_site_has_a_page_per_published_item(real_site: Path, real_content: Path) -> None:
    pub = publication(real_content)
    for item_id in pub.items:
        assert (real_site / "items" / item_id / "index.html").is_file()
    for pakket_id in pub.pakketten:
        assert (real_site / pakket_id / "index.html").is_file()


# --------------------------------------------------------------------------- every page


def test_every_page_is_well_formed(site: Path) -> None:
    pages = _site_pages(site)
    assert pages
    for path, page in pages.items():
        assert page.doctype, path
        assert page.lang == "nl", path
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1, f"{path}: {page.headings}"
        assert levels[0] == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{path}: heading level skips {before}→{after}"
        assert len(page.ids) == len(set(page.ids)), f"{path}: duplicate ids"
        is_index = path == "index.html" or re.fullmatch(r"views/[a-z0-9-]+/index\.html", path)
        assert {"header", "nav", "main", "footer"} <= page.landmarks or is_index
        assert {"header", "main", "footer"} <= page.landmarks, path
        assert page.first_link is not None and page.first_link.startswith("#"), path
        assert page.first_link[1:] in page.ids, f"{path}: skip link target missing"
        assert page.style_elements == 0, f"{path}: <style> element"
        assert "Naar de inhoud" in page.text


def test_no_javascript_only_json_ld(site: Path) -> None:
    for path, page in _site_pages(site).items():
        kinds = {kind for kind, _ in page.scripts}
        assert kinds <= {"application/ld+json"}, path
        assert not any(t.lower().startswith("on") for t in page.tags)
        for link in page.links:
            assert not link["href"].lower().startswith("javascript:"), path
        for data in page.json_ld:  # parses as JSON
            assert data["@context"] == "https://schema.org"


def test_links_are_relative_and_resolve(site: Path) -> None:
    """Links between pages are relative and point at files (and ids) that exist; the only
    absolute links are https/mailto/tel; no element loads anything from elsewhere."""
    pages = _site_pages(site)
    for path, page in pages.items():
        assert page.sources == [], f"{path}: src attributes {page.sources}"
        for link in page.links:
            href = link["href"]
            parts = urlsplit(href)
            if link["tag"] == "link" and link.get("rel") == "icon":
                assert href == "data:,"
                continue
            if link["tag"] == "link" and link.get("rel") == "canonical":
                # The full edition's own address (base URL + path): not a request.
                full = path.split("/", 2)[2] if path.startswith("views/") else path
                assert href == BASE_URL + full, f"{path}: canonical {href}"
                continue
            if parts.scheme:
                assert parts.scheme in ALLOWED_SCHEMES, f"{path}: {href}"
                assert link["tag"] == "a", f"{path}: <link> to {href} would be a request"
                continue
            assert not href.startswith(("/", "//")), f"{path}: {href}"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), parts.path))
            if parts.path:
                assert not target.startswith(".."), f"{path}: {href} leaves the tree"
                assert (site / target).is_file(), f"{path}: {href} → {target} missing"
            if parts.fragment:
                target_page = pages[target] if parts.path else page
                assert parts.fragment in target_page.ids, f"{path}: {href} has no target"


def test_head_links_styles_and_feed(site: Path) -> None:
    for path, page in _site_pages(site).items():
        heads = [link for link in page.links if link["tag"] == "link"]
        styles = [(ln["href"], ln.get("media")) for ln in heads if ln["rel"] == "stylesheet"]
        # site.css first, then the edition's theme (custom properties), then print.
        assert [(href.rsplit("/", 2)[-2:], media) for href, media in styles] == [
            (["assets", "site.css"], None),
            (["assets", "theme.css"], None),
            (["assets", "print.css"], "print"),
        ], path
        feeds = [(link["type"], link["href"]) for link in heads if link["rel"] == "alternate"]
        assert [t for t, _ in feeds] == ["application/feed+json", "application/atom+xml"], path
        assert feeds[0][1].endswith("feeds/feed.json")
        assert feeds[1][1].endswith("feeds/feed.atom")


# --------------------------------------------------------------------------- item pages


def test_item_page_shows_everything(small_pages: dict[str, Page]) -> None:
    page = small_pages["items/hulplijn/index.html"]
    assert [h for h in page.headings if h[0] <= 2] == [
        (1, "Hulplijn Weerbaar Bestuur"),
        (2, "Wat de hulplijn doet"),
        (2, "Contact"),
        (2, "Documenten"),
        (2, "Aangeboden door"),
        (2, "Zie ook"),
        (2, "Wijzigingen"),
    ]
    assert (3, "Wanneer u belt") in page.headings
    hrefs = page.hrefs()
    assert "tel:+31701234567" in hrefs
    assert "mailto:hulplijn@voorbeeld.nl" in hrefs
    assert "https://voorbeeld.nl/documenten/factsheet-hulplijn.pdf" in hrefs
    assert "https://steunpunt.example.invalid/" in hrefs  # provider with a url
    assert "070-1234567" in page.text  # shown as written
    assert "Folder voor partners (PDF)" in page.text  # document without address: no link
    assert "15 november 2026" in page.text  # Dutch date of the latest change
    assert "Editie: 29 november 2026" in page.text  # footer edition of its pakket
    # Heading ids of the body: the API's body_html has them with the item's prefix.
    assert "wat-de-hulplijn-doet" in page.ids


def test_item_page_breadcrumbs_and_pager(small_pages: dict[str, Page]) -> None:
    page = small_pages["items/stappenplan-melden/index.html"]
    assert "Kruimelpad" in page.navs
    hrefs = page.hrefs()
    # skip link, site title, then the breadcrumbs
    assert hrefs[2:4] == ["../../index.html", "../../startpakket/index.html"]
    pager = {
        link.get("rel"): link["href"] for link in page.links if link.get("rel") in ("prev", "next")
    }
    assert pager == {
        "prev": "../hulplijn/index.html",
        "next": "../training-weerbaarheid/index.html",
    }
    first = small_pages["items/hulplijn/index.html"]
    assert {link.get("rel") for link in first.links} >= {"next"}
    assert "prev" not in {link.get("rel") for link in first.links}


def test_step_plan_lists_steps(small_pages: dict[str, Page]) -> None:
    page = small_pages["items/stappenplan-melden/index.html"]
    assert (2, "Stappen") in page.headings
    steps = [text for level, text in page.headings if level == 3]
    assert steps == ["Leg vast wat er gebeurde", "Meld het incident", "Doe aangifte"]
    assert "tel:+31701234567" in page.hrefs()  # link inside a step's Markdown


def test_json_ld_per_kind(small_pages: dict[str, Page]) -> None:
    (support,) = small_pages["items/hulplijn/index.html"].json_ld
    assert support["@type"] == "GovernmentService"
    channel = support["availableChannel"][0]
    assert channel["servicePhone"]["@type"] == "ContactPoint"
    assert channel["servicePhone"]["telephone"] == "+31701234567"
    assert "email" not in channel["servicePhone"]  # an e-mail address is no phone
    # Two providers: no single organisation holds the addresses, so mailto: channels.
    assert {c.get("serviceUrl") for c in support["availableChannel"]} >= {
        "mailto:hulplijn@voorbeeld.nl",
        "mailto:secretariaat@voorbeeld.nl",
    }
    assert support["url"] == "https://voorbeeld.nl/pakket/items/hulplijn/index.html"

    (howto,) = small_pages["items/stappenplan-melden/index.html"].json_ld
    assert howto["@type"] == "HowTo"
    assert [s["@type"] for s in howto["step"]] == ["HowToStep"] * 3
    assert [s["position"] for s in howto["step"]] == [1, 2, 3]

    (course,) = small_pages["items/training-weerbaarheid/index.html"].json_ld
    assert course["@type"] == "Course"
    assert course["provider"][0]["name"] == "Opleidingsinstituut Test & Oefening"
    assert "dateModified" not in course  # the content holds no date for it


def test_json_ld_without_base_url_has_no_urls(real_site: Path) -> None:
    for path in html_pages(real_site):
        for data in parse_page(path.read_text(encoding="utf-8")).json_ld:
            assert '"url"' not in json.dumps(data), path


def test_json_ld_cannot_break_out_of_its_script(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    item = content / "items" / "training-weerbaarheid.md"
    hostile = "Sluit af met </script><script>alert(1)</script> & <!-- -->"
    text = re.sub(
        r"^summary: (.*)$",
        lambda m: f"summary: '{hostile} {m.group(1)}'",
        item.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    item.write_text(text, encoding="utf-8")
    out = build_tree(content, tmp_path / "out" / "exports")
    raw = (out / "items/training-weerbaarheid/index.html").read_text(encoding="utf-8")
    page = parse_page(raw)
    assert [kind for kind, _ in page.scripts] == ["application/ld+json"]
    (data,) = page.json_ld
    assert data["description"].startswith(hostile)
    assert "</script><script>" not in raw
    assert "&lt;/script&gt;" in raw  # the visible summary is escaped text


def test_json_ld_escaping() -> None:
    text = str(json_ld({"a": "</script>&<!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script>&<!--"}


# --------------------------------------------------------------------------- pakket page


def test_pakket_page_has_all_items_in_order(small_pages: dict[str, Page]) -> None:
    page = small_pages["startpakket/index.html"]
    items = ["hulplijn", "stappenplan-melden", "training-weerbaarheid"]
    titles = [
        "Hulplijn Weerbaar Bestuur",
        "Stappenplan melden en aangifte doen",
        "Training weerbaarheid voor bestuurders",
    ]
    h2 = [text for level, text in page.headings if level == 2]
    assert h2 == ["Hoe u dit pakket gebruikt", "Inhoud", *titles]
    in_page = [h for h in page.hrefs() if h.startswith("#")]
    toc = [f"#{i}" for i in items]
    assert any(in_page[n : n + len(toc)] == toc for n in range(len(in_page))), in_page
    for item_id in items:
        assert item_id in page.ids
    # Body headings move down one level and get the item's prefix.
    assert (3, "Wat de hulplijn doet") in page.headings
    assert "hulplijn--wat-de-hulplijn-doet" in page.ids
    assert "inleiding--hoe-u-dit-pakket-gebruikt" in page.ids
    # Related items inside the same pakket are in-page links.
    assert "#stappenplan-melden" in page.hrefs()
    assert "Editie: 29 november 2026" in page.text
    (data,) = page.json_ld
    assert data["@type"] == "ItemList" and data["numberOfItems"] == 3
    assert [e["position"] for e in data["itemListElement"]] == [1, 2, 3]
    assert [e["item"]["@type"] for e in data["itemListElement"]] == [
        "GovernmentService",
        "HowTo",
        "Course",
    ]


def test_index_lists_pakketten_and_feeds(small_pages: dict[str, Page]) -> None:
    page = small_pages["index.html"]
    hrefs = page.hrefs()
    assert "startpakket/index.html" in hrefs
    assert "feeds/feed.json" in hrefs
    for audience in ("burgemeester", "wethouder", "griffier", "gezin"):
        assert f"feeds/{audience}.json" in hrefs
    assert "api/v1/index.json" in hrefs


# --------------------------------------------------------------------------- writer API


def test_download_links_only_when_built() -> None:
    pub = publication(SMALL)
    writer = HtmlWriter()
    for formats, expected in (
        (("html", "json"), set()),
        (("html", "pdf"), {"../../downloads/items/hulplijn.pdf"}),
        (
            ("html", "pdf", "docx"),
            {"../../downloads/items/hulplijn.pdf", "../../downloads/items/hulplijn.docx"},
        ),
    ):
        ctx = BuildContext(formats=formats)
        job = next(j for j in writer.jobs(pub, ctx) if j.path == "items/hulplijn/index.html")
        page = parse_page(writer.render(pub, ctx, job).decode())
        downloads = {h for h in page.hrefs() if "downloads/" in h}
        assert downloads == expected
        for link in page.links:
            if "downloads/" in link["href"]:
                assert link["hreflang"] == "nl"
                assert link["type"] in (
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                )
    ctx = BuildContext(formats=("html", "pdf"))
    job = next(j for j in writer.jobs(pub, ctx) if j.path == "startpakket/index.html")
    page = parse_page(writer.render(pub, ctx, job).decode())
    assert "../downloads/startpakket.pdf" in page.hrefs()
    assert "(PDF)" in page.text


def test_jobs_and_deps() -> None:
    pub = publication(SMALL)
    ctx = BuildContext(formats=("html", "json"))
    jobs = {j.path: j for j in HtmlWriter().jobs(pub, ctx)}
    assert all(j.format == "html" for j in jobs.values())
    item = jobs["items/stappenplan-melden/index.html"]
    assert item.subject == "item:stappenplan-melden"
    assert item.media_type == "text/html"
    assert set(item.deps) == {
        "site",
        "organisations",
        "item:stappenplan-melden",
        "item:hulplijn",  # related and previous
        "item:training-weerbaarheid",  # next
        "pakket:startpakket",
    }
    assert "*" not in item.deps
    pakket = jobs["startpakket/index.html"]
    assert {"pakket:startpakket", "item:hulplijn", "item:training-weerbaarheid"} <= set(pakket.deps)
    assert jobs["assets/site.css"].deps == ()
    assert jobs["assets/site.css"].media_type == "text/css"


def test_render_is_deterministic() -> None:
    ctx = BuildContext(formats=("html", "json"))
    first = publication(SMALL)
    second = publication(SMALL)
    writer = HtmlWriter()
    for job in writer.jobs(first, ctx):
        one = writer.render(first, ctx, job)
        assert one == writer.render(second, ctx, job), job.path
        assert one.endswith(b"\n")
        assert b"/work/" not in one and str(SMALL).encode() not in one


def test_body_is_the_shared_markdown_rendering(small_site: Path) -> None:
    pub = publication(SMALL)
    html = (small_site / "items/hulplijn/index.html").read_text(encoding="utf-8")
    body = markdown.render_html(pub.items["hulplijn"].item.body)
    assert body.strip() in html
    api = json.loads((small_site / "api/v1/items/hulplijn.json").read_text(encoding="utf-8"))
    # The same rendering, its heading ids prefixed for embedding (as on the pakket page).
    assert api["body_html"] == markdown.render_html(
        pub.items["hulplijn"].item.body, id_prefix="hulplijn--"
    )
    assert api["body_html"].replace('id="hulplijn--', 'id="') == body


def test_dutch_join() -> None:
    assert dutch_join([]) == ""
    assert dutch_join(["a"]) == "a"
    assert dutch_join(["a", "b", "c"]) == "a, b en c"


def test_css_has_print_rules_only_in_print_css(small_site: Path) -> None:
    site_css = (small_site / "assets/site.css").read_text(encoding="utf-8")
    print_css = (small_site / "assets/print.css").read_text(encoding="utf-8")
    assert "@page" not in site_css
    assert "@page" in print_css
    assert "url(" not in site_css + print_css  # no fonts or images from anywhere
    assert "--color-text" in site_css  # themable custom properties


def test_item_outside_every_pakket(tmp_path: Path) -> None:
    """An item in no pakket: listed on the index, breadcrumbs without a pakket, no pager."""
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    pakket = content / "pakketten" / "startpakket.md"
    pakket.write_text(
        pakket.read_text(encoding="utf-8").replace("  - training-weerbaarheid\n", ""),
        encoding="utf-8",
    )
    out = build_tree(content, tmp_path / "out" / "exports")
    page = parse_page((out / "items/training-weerbaarheid/index.html").read_text("utf-8"))
    assert page.hrefs()[2] == "../../index.html"
    assert not any("startpakket" in h for h in page.hrefs())
    assert {link.get("rel") for link in page.links}.isdisjoint({"prev", "next"})
    assert "Editie" not in page.text
    index = parse_page((out / "index.html").read_text("utf-8"))
    assert (2, "Andere onderdelen") in index.headings
    assert "items/training-weerbaarheid/index.html" in index.hrefs()
    previous = parse_page((out / "items/stappenplan-melden/index.html").read_text("utf-8"))
    assert "next" not in {link.get("rel") for link in previous.links}


def test_links_to_different_places_read_differently(real_documents: Path) -> None:
    """In a screen reader's list of links, two links on one page with the same text go
    to the same place: a title offered as PDF, Word and ODT carries the format in its
    link text (WCAG 2.4.4, and 2.4.9's stricter wording). Every page of the real build,
    documents and views included."""
    import html as html_lib
    from urllib.parse import urljoin

    anchor = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
    pages = sorted(real_documents.rglob("*.html"))
    assert len(pages) > 20
    clashes = []
    for page in pages:
        seen: dict[str, str] = {}
        text = page.read_text(encoding="utf-8")
        for href, inner in anchor.findall(text):
            name = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", inner)).split())
            target = urljoin(page.as_uri(), html_lib.unescape(href)).split("#")[0]
            if seen.setdefault(name, target) != target:
                clashes.append(f"{page.relative_to(real_documents)}: {name!r}")
    assert clashes == []


def test_in_page_links_of_a_text_follow_its_ids(tmp_path: Path) -> None:
    """A text's link to one of its own headings (``[…](#wanneer-u-belt)``) points at the id
    that heading got wherever the text is shown: its own page (no prefix), the pakket's
    page and the API (``hulplijn--``). Before, only the PDF rewrote such links, so on the
    pakket page and in the API they led nowhere."""
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    item = content / "items" / "hulplijn.md"
    text = item.read_text(encoding="utf-8")
    marker = "De hulplijn luistert"
    assert marker in text
    item.write_text(
        text.replace(marker, "Zie [wanneer u belt](#wanneer-u-belt). " + marker), encoding="utf-8"
    )
    out = build_tree(content, tmp_path / "out" / "exports")
    own = (out / "items/hulplijn/index.html").read_text("utf-8")
    assert 'href="#wanneer-u-belt"' in own and 'id="wanneer-u-belt"' in own
    pakket = (out / "startpakket/index.html").read_text("utf-8")
    assert 'href="#hulplijn--wanneer-u-belt"' in pakket
    assert 'id="hulplijn--wanneer-u-belt"' in pakket
    assert 'href="#wanneer-u-belt"' not in pakket
    api = json.loads((out / "api/v1/items/hulplijn.json").read_text("utf-8"))
    assert 'href="#hulplijn--wanneer-u-belt"' in api["body_html"]
    assert 'id="hulplijn--wanneer-u-belt"' in api["body_html"]
