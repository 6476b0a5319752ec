"""The URL contract of ``exports/``: where every document lives, in one place.

These paths are public and stable (documented in ``docs/url-contract.md``): partners link
to them and feed readers remember them. Change them only with a new API version.

All functions return POSIX paths relative to the export root. :func:`relative` turns such
a path into a link that works from another page, so the tree can be served from any
folder or host (or opened from disk).
"""

from __future__ import annotations

import posixpath

from pakketbuild.writers import download_formats

INDEX = "index.html"
SITE_CSS = "assets/site.css"
PRINT_CSS = "assets/print.css"
THEME_CSS = "assets/theme.css"
SITEMAP = "sitemap.xml"
"""Sitemap of the full edition's pages (written only when a base URL is known)."""
FEED = "feeds/feed.json"
ATOM_FEED = "feeds/feed.atom"
API_INDEX = "api/v1/index.json"
API_WITHDRAWN = "api/v1/withdrawn.json"
API_OPENAPI = "api/v1/openapi.json"
HOST_HEADERS = "_headers"
"""Response headers for Netlify/Cloudflare-Pages-style hosts (full edition root only)."""
SCHEMA_DIR = "api/v1/schema"
SCHEMA_NAMES = ("index", "item", "pakket", "feed-extension", "withdrawn")
"""The JSON Schemas published under :data:`SCHEMA_DIR`, by file stem."""
DOWNLOAD_FORMATS = tuple(f.name for f in download_formats())
"""Formats with a download per pakket and per item (from the registry)."""


def view_download(view_id: str, ext: str) -> str:
    """A view's combined document, relative to the view's folder (``views/<id>/``)."""
    return f"downloads/{view_id}.{ext}"


def pakket_page(pakket_id: str) -> str:
    return f"{pakket_id}/index.html"


def item_page(item_id: str) -> str:
    return f"items/{item_id}/index.html"


def audience_feed(audience: str) -> str:
    return f"feeds/{audience}.json"


def audience_atom(audience: str) -> str:
    return f"feeds/{audience}.atom"


def theme_file(name: str) -> str:
    """A bundled font or logo of the edition's theme: ``assets/theme/<name>``."""
    return f"assets/theme/{name}"


def view_root(view_id: str) -> str:
    """Folder of a view's subtree; every path above exists under it too."""
    return f"views/{view_id}/"


def api_item(item_id: str) -> str:
    return f"api/v1/items/{item_id}.json"


def api_combined(view_id: str) -> str:
    """A view's combined pakket (all its items in editorial order), in the view's API."""
    return f"api/v1/combined/{view_id}.json"


def api_pakket(pakket_id: str) -> str:
    return f"api/v1/pakketten/{pakket_id}.json"


def schema(name: str) -> str:
    return f"{SCHEMA_DIR}/{name}.json"


def pakket_download(pakket_id: str, fmt: str) -> str:
    """``downloads/<pakket-id>.pdf`` (written by the PDF/DOCX writers)."""
    return f"downloads/{pakket_id}.{fmt}"


def item_download(item_id: str, fmt: str) -> str:
    """``downloads/items/<item-id>.pdf`` (written by the PDF/DOCX writers)."""
    return f"downloads/items/{item_id}.{fmt}"


def relative(from_path: str, to_path: str) -> str:
    """A relative link from the file ``from_path`` to the file ``to_path``.

    >>> relative("items/a/index.html", "assets/site.css")
    '../../assets/site.css'
    >>> relative("index.html", "items/a/index.html")
    'items/a/index.html'
    """
    start = posixpath.dirname(from_path) or "."
    return posixpath.relpath(to_path, start)
