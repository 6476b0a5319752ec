"""Host configuration for the API and the feeds.

``_headers`` at the root of ``exports/`` is read by Netlify and Cloudflare Pages (and
ignored by every other host): it sends, for the API documents and the feeds,

* ``API-Version`` (the full version of the v1 contract, see
  :data:`pakketbuild.writers.openapi.API_FULL_VERSION`), as the Dutch API Design Rules ask;
* the right media types (``application/feed+json`` for JSON Feeds, ``application/atom+xml``,
  ``application/schema+json`` for the schemas) with ``charset=utf-8``;
* ``Access-Control-Allow-Origin: *``, so a partner's web page may read them;
* ``Cache-Control: public, max-age=300, must-revalidate``: partners poll, so a change
  reaches them within five minutes (hosts add ``ETag``/``Last-Modified`` themselves).

The same rules for nginx are in ``docs/hosting/nginx.conf`` (a snippet to include in a
``server`` block). Paths start at the base URL's path when one is known (a site published
under ``https://voorbeeld.nl/pakket/`` gets ``/pakket/api/*``), else at ``/``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pakketbuild import mediatypes
from pakketbuild.publication import Publication
from pakketbuild.writers import urls
from pakketbuild.writers.openapi import API_FULL_VERSION

CACHE_CONTROL = "public, max-age=300, must-revalidate"
COMMON = (
    f"API-Version: {API_FULL_VERSION}",
    "Access-Control-Allow-Origin: *",
    f"Cache-Control: {CACHE_CONTROL}",
)


def netlify_headers(pub: Publication) -> str:
    """The ``_headers`` file of the export (full edition and every view)."""
    base = urlsplit(pub.site.base_url).path if pub.site.base_url else "/"
    rules: list[tuple[str, tuple[str, ...]]] = []
    for _view_id, edition in pub.editions():
        root = base + edition.path_prefix
        rules.append((f"{root}api/*", COMMON))
        rules.append(
            (
                f"{root}{urls.SCHEMA_DIR}/*",
                (f"Content-Type: {mediatypes.SCHEMA}; charset=utf-8",),
            )
        )
        feeds = [urls.FEED, *(urls.audience_feed(a.value) for a in edition.audiences)]
        atoms = [urls.ATOM_FEED, *(urls.audience_atom(a.value) for a in edition.audiences)]
        for path in feeds:
            rules.append(
                (f"{root}{path}", (f"Content-Type: {mediatypes.FEED}; charset=utf-8", *COMMON))
            )
        for path in atoms:
            rules.append(
                (f"{root}{path}", (f"Content-Type: {mediatypes.ATOM}; charset=utf-8", *COMMON))
            )
    lines = [
        "# Response headers for Netlify and Cloudflare Pages (written by pakketbuild; other",
        "# hosts ignore this file: see docs/hosting/nginx.conf for nginx).",
    ]
    for pattern, headers in rules:
        lines.append(pattern)
        lines += [f"  {header}" for header in headers]
    return "\n".join(lines) + "\n"
