"""The HTML writer: a static site that works from any folder or host, without JavaScript.

Output (see :mod:`pakketbuild.writers.urls` and ``docs/url-contract.md``)::

    index.html                      the pakketten (and items outside every pakket)
    <pakket-id>/index.html          the whole pakket on one page, in order, printable
    items/<item-id>/index.html      one page per item (a withdrawn item: a notice)
    assets/site.css, assets/print.css
    assets/theme.css, assets/theme/…  the edition's theme (custom properties, fonts, logo)
    views/<view-id>/…               the same for every view

Pages are rendered with Jinja2 (autoescape on) from ``templates/html/``; Markdown bodies
come from :func:`pakketbuild.markdown.render_html` only (the same HTML as the JSON API).
Links between pages are relative. Each item carries schema.org JSON-LD.

Heading ids: item pages use the body's own ids (the same as the API's ``body_html``);
the pakket page prefixes body ids with ``<item-id>--``. Ids never contain ``--`` nor
start with ``_``, so these prefixes and the page's own ids (``_inhoud`` …) cannot clash.

Why one module: the writer's jobs, the view models the templates read and the page
renderers share one Jinja environment and one relative-link helper; what is not page
rendering lives beside it (``html_style.py``: the theme's CSS; ``html_jsonld.py``:
schema.org JSON-LD).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pakketbuild import jobkeys, labels, mediatypes
from pakketbuild.publication import PubItem, Publication, PubPakket, Tombstone
from pakketbuild.writers import BuildContext, Job, Writer, for_each_edition, outline, resolve, urls
from pakketbuild.writers.html_jsonld import first_paragraph, item_json_ld, json_ld, pakket_json_ld
from pakketbuild.writers.html_style import site_css
from pakketbuild.writers.outline import Link, Target

HTML_MEDIA_TYPE = mediatypes.HTML
CSS_MEDIA_TYPE = mediatypes.CSS
SITEMAP_MEDIA_TYPE = mediatypes.XML
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ASSETS = {urls.SITE_CSS: "site.css", urls.PRINT_CSS: "print.css"}
"""Export path → file in ``pakketbuild/assets/site/``."""
MAIN_ID = "_inhoud"


# --------------------------------------------------------------------------- links


def _href(to: Callable[[str], str]) -> Callable[[Target | None], str | None]:
    """A link target as a link from the page that ``to`` links from."""

    def href(target: Target | None) -> str | None:
        if target is None:
            return None
        if target.anchor is not None:
            return f"#{target.anchor}"
        if target.page is not None:
            return to(target.page)
        return target.url

    return href


def _body_html(
    doc: outline.Outline, href: Callable[[Target | None], str | None]
) -> Callable[[str, int, str], Markup]:
    """The templates' ``body_html(text, heading_offset, id_prefix)`` for ``doc``'s page."""
    return partial(outline.body_markup, references=doc.references, href=href)


def _date(label: str, value: Any) -> DateView:
    return DateView(label=label, iso=value.isoformat(), text=labels.dutch_date(value))


@dataclass(frozen=True)
class DateView:
    label: str
    iso: str
    text: str


# --------------------------------------------------------------------------- templates


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment (autoescape on, strict about undefined names)."""
    env = Environment(
        loader=PackageLoader("pakketbuild", "templates/html"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["urls"] = urls
    env.globals["outline"] = outline  # its Dutch labels
    return env


def read_asset(name: str) -> bytes:
    """A file from ``pakketbuild/assets/site/`` (package data, never outside the package)."""
    return resources.files("pakketbuild").joinpath("assets", "site", name).read_bytes()


class HtmlWriter(Writer):
    """The static site."""

    name = "html"

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = for_each_edition(pub, lambda edition: self._jobs(edition, ctx), themed=True)
        if pub.site.base_url is not None:  # a sitemap needs absolute URLs
            everything = [jobkeys.pakket_dep(p) for p in pub.pakketten]
            everything += [jobkeys.item_dep(i) for i in pub.items]
            deps = jobkeys.deps((jobkeys.SITE_DEP, *everything))
            jobs.append(Job(urls.SITEMAP, "html", jobkeys.SITEMAP, SITEMAP_MEDIA_TYPE, deps))
        return jobs

    def _jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        jobs = [
            Job(path, "html", jobkeys.asset(name), CSS_MEDIA_TYPE) for path, name in ASSETS.items()
        ]
        jobs.append(Job(urls.THEME_CSS, "html", jobkeys.THEME, CSS_MEDIA_TYPE))
        for name, path in pub.theme.files().items():
            jobs.append(
                Job(
                    urls.theme_file(name),
                    "html",
                    jobkeys.theme_file(name),
                    mediatypes.of_name(path.name),
                )
            )
        # The index lists every pakket with its items, the items outside pakketten, and
        # a feed per audience (which any item can change): it shows everything published.
        everything = [jobkeys.pakket_dep(p) for p in pub.pakketten]
        everything += [jobkeys.item_dep(i) for i in pub.items]
        jobs.append(
            Job(
                urls.INDEX,
                "html",
                jobkeys.SITE,
                HTML_MEDIA_TYPE,
                jobkeys.deps((jobkeys.SITE_DEP, jobkeys.ORGANISATIONS, *everything)),
            )
        )
        for pakket in pub.pakketten.values():
            keys = {k for item in pakket.items for k in outline.page_deps(item)}
            jobs.append(
                Job(
                    urls.pakket_page(pakket.id),
                    "html",
                    jobkeys.pakket(pakket.id),
                    HTML_MEDIA_TYPE,
                    jobkeys.deps(
                        (
                            jobkeys.SITE_DEP,
                            jobkeys.ORGANISATIONS,
                            jobkeys.pakket_dep(pakket.id),
                            *keys,
                        )
                    ),
                )
            )
        for item in pub.items.values():
            keys = outline.page_deps(item)
            first = pub.pakket_for(item.id)
            if first is not None:
                # Breadcrumbs and previous/next show the pakket's title and neighbours.
                keys.add(jobkeys.pakket_dep(first.id))
                keys.update(jobkeys.item_dep(n.id) for n in _neighbours(first, item.id) if n)
            # Which pakket comes first depends on every pakket that holds the item.
            keys.update(jobkeys.pakket_dep(p) for p in item.pakket_ids)
            jobs.append(
                Job(
                    urls.item_page(item.id),
                    "html",
                    jobkeys.item(item.id),
                    HTML_MEDIA_TYPE,
                    jobkeys.deps((jobkeys.SITE_DEP, *keys)),
                )
            )
        for stone in pub.withdrawn.values():
            replacement = [jobkeys.item_dep(stone.replaced_by.id)] if stone.replaced_by else []
            jobs.append(
                Job(
                    urls.item_page(stone.id),
                    "html",
                    jobkeys.withdrawn_item(stone.id),
                    HTML_MEDIA_TYPE,
                    jobkeys.deps(
                        (
                            jobkeys.SITE_DEP,
                            jobkeys.WITHDRAWN_DEP,
                            jobkeys.item_dep(stone.id),
                            *replacement,
                        )
                    ),
                )
            )
        return jobs

    def render(self, pub: Publication, ctx: BuildContext, job: Job) -> bytes:
        pub, job = resolve(pub, job)
        subject = jobkeys.parse(job.subject)
        kind, key = subject.kind, subject.ident
        if kind == "asset":
            return read_asset(key)
        if kind == "theme":
            return site_css(pub.theme).encode("utf-8")
        if kind == "theme-file":
            return pub.theme.files()[key].read_bytes()
        if kind == "sitemap":
            return render_sitemap(pub)
        if kind == "withdrawn":
            return render_withdrawn(pub, ctx, pub.withdrawn[key]).encode("utf-8")
        if job.path == urls.INDEX:
            html = render_index(pub, ctx)
        elif kind == "pakket":
            html = render_pakket(pub, ctx, pub.pakketten[key])
        elif kind == "item":
            html = render_item(pub, ctx, pub.items[key])
        else:
            raise ValueError(f"html writer: unknown job {job.path}")
        return html.encode("utf-8")


def _neighbours(pakket: PubPakket, item_id: str) -> tuple[PubItem | None, PubItem | None]:
    ids = [i.id for i in pakket.items]
    index = ids.index(item_id)
    previous = pakket.items[index - 1] if index > 0 else None
    following = pakket.items[index + 1] if index + 1 < len(ids) else None
    return previous, following


def _relative_to(page: str) -> Callable[[str], str]:
    """``urls.relative(page, …)``, computed once per target on the page and without
    ``posixpath.relpath`` (which asks the operating system for the current folder twice
    per link) when both paths are plain relative paths."""
    start = [part for part in page.split("/")[:-1] if part]
    plain = _plain_path(page)
    memo: dict[str, str] = {}

    def to(path: str) -> str:
        link = memo.get(path)
        if link is None:
            if plain and _plain_path(path):
                parts = path.split("/")
                common = 0
                while common < min(len(start), len(parts)) and start[common] == parts[common]:
                    common += 1
                link = "/".join([".."] * (len(start) - common) + parts[common:]) or "."
            else:
                link = urls.relative(page, path)
            memo[path] = link
        return link

    return to


def _plain_path(path: str) -> bool:
    """A relative POSIX path without empty, ``.`` or ``..`` parts (what relpath keeps)."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def _common(pub: Publication, page: str) -> dict[str, Any]:
    publisher = pub.organisations.get(pub.site.publisher) if pub.site.publisher else None
    logo = pub.theme.logo
    to = _relative_to(page)
    return {
        "site": pub.site,
        "lang": pub.site.language,
        "to": to,
        "href": _href(to),
        "canonical": pub.canonical_url(page),
        "main_id": MAIN_ID,
        "publisher": publisher,
        "edition": None,
        "logo": {"src": urls.theme_file(logo.name), "alt": logo.alt} if logo else None,
    }


def _page(path: str) -> Target:
    return outline.to_page(path)


def render_index(pub: Publication, ctx: BuildContext) -> str:
    page = urls.INDEX
    common = _common(pub, page)
    to = common["to"]
    loose = [i for i in pub.items.values() if not i.pakket_ids]
    feeds = outline.feed_links(pub)
    views = outline.view_links(pub)
    pakketten = [
        {
            "title": p.title,
            "href": to(urls.pakket_page(p.id)),
            "facts": outline.pakket_facts(p, publisher=False),
            "intro": first_paragraph(p.intro_text),
            "entries": [Link(i.title, _page(urls.item_page(i.id))) for i in p.items],
            "downloads": outline.downloads(
                ctx.formats, partial(urls.pakket_download, p.id), p.title
            ),
        }
        for p in pub.pakketten.values()
    ]
    return (
        environment()
        .get_template("index.html")
        .render(
            **common,
            page_title=pub.site.title,
            description=None,
            pakketten=pakketten,
            loose=[Link(i.title, _page(urls.item_page(i.id))) for i in loose],
            feeds=feeds,
            views=views,
            bundle=(
                outline.downloads(
                    ctx.formats, partial(urls.view_download, pub.view.id), pub.view.title
                )
                if pub.view is not None and pub.items
                else ()
            ),
            api_href=to(urls.API_INDEX),
            json_ld=None,
        )
    )


def render_pakket(pub: Publication, ctx: BuildContext, pakket: PubPakket) -> str:
    page = urls.pakket_page(pakket.id)
    common = _common(pub, page)
    common["edition"] = _date(outline.LABEL_EDITION, pakket.edition) if pakket.edition else None
    doc = outline.pakket_page(pub, pakket, ctx.formats)
    return (
        environment()
        .get_template("pakket.html")
        .render(
            **common,
            page_title=f"{pakket.title} | {pub.site.title}",
            description=first_paragraph(pakket.intro_text) or None,
            title=pakket.title,
            doc=doc,
            body_html=_body_html(doc, common["href"]),
            json_ld=json_ld(pakket_json_ld(pub, pakket)),
        )
    )


def render_item(pub: Publication, ctx: BuildContext, item: PubItem) -> str:
    page = urls.item_page(item.id)
    common = _common(pub, page)
    pakket = pub.pakket_for(item.id)
    crumbs = [Link("Home", _page(urls.INDEX))]
    previous = following = None
    if pakket is not None:
        crumbs.append(Link(pakket.title, _page(urls.pakket_page(pakket.id))))
        before, after = _neighbours(pakket, item.id)
        if before:
            previous = Link(before.title, _page(urls.item_page(before.id)), rel="prev")
        if after:
            following = Link(after.title, _page(urls.item_page(after.id)), rel="next")
        if pakket.edition:
            common["edition"] = _date(outline.LABEL_EDITION, pakket.edition)
    doc = outline.item_page(pub, item, ctx.formats)
    return (
        environment()
        .get_template("item.html")
        .render(
            **common,
            page_title=f"{item.title} | {pub.site.title}",
            description=item.summary,
            title=item.title,
            doc=doc,
            body_html=_body_html(doc, common["href"]),
            crumbs=crumbs,
            previous=previous,
            following=following,
            pakket_title=pakket.title if pakket else None,
            json_ld=json_ld(item_json_ld(pub, item)),
        )
    )


def render_withdrawn(pub: Publication, ctx: BuildContext, stone: Tombstone) -> str:
    """The page of a withdrawn item: it says so and points to the replacement."""
    page = urls.item_page(stone.id)
    common = _common(pub, page)
    replacement = (
        Link(stone.replaced_by.title, _page(urls.item_page(stone.replaced_by.id)))
        if stone.replaced_by
        else None
    )
    return (
        environment()
        .get_template("withdrawn.html")
        .render(
            **common,
            page_title=f"Ingetrokken: {stone.title} | {pub.site.title}",
            description=None,
            stone=stone,
            date=_date("Ingetrokken", stone.date) if stone.date else None,
            replacement=replacement,
            crumbs=[Link("Home", _page(urls.INDEX))],
            json_ld=None,
        )
    )


def render_sitemap(pub: Publication) -> bytes:
    """``sitemap.xml`` (sitemaps.org 0.9): the full edition's home, pakket and item pages
    with absolute URLs; ``lastmod`` only where the content records a date (the pakket's
    edition, the item's latest change or first publication). View pages are left out:
    their canonical page is the full edition's."""
    from xml.sax.saxutils import escape

    entries: list[tuple[str, Any]] = [(urls.INDEX, None)]
    entries += [(urls.pakket_page(p.id), p.edition) for p in pub.pakketten.values()]
    entries += [
        (urls.item_page(i.id), i.date_modified or i.date_published) for i in pub.items.values()
    ]
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, date in entries:
        url = pub.canonical_url(path)
        assert url is not None
        lastmod = f"<lastmod>{date.isoformat()}</lastmod>" if date else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
