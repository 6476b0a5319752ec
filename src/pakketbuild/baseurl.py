"""The base URL of a build: where ``exports/`` will be published.

The deploy address is usually known only when CI publishes, so it cannot be content. In
order of precedence:

1. ``pakketbuild build --base-url URL``;
2. the environment variable ``PAKKETBUILD_BASE_URL`` (set by the CI recipes);
3. ``base_url`` in ``content/site.yaml``.

A base URL must be absolute, ``https://`` or ``http://``, without user name, query or
fragment. A missing final ``/`` is added (``https://voorbeeld.nl/pakket`` →
``https://voorbeeld.nl/pakket/``), and scheme and host are written in lower case, so the
same address always gives the same bytes. Anything else is refused with a Dutch message
(exit code 1).

A *publishing* build is one whose environment sets ``PAKKETBUILD_PUBLISH=1`` (the deploy
job of the CI recipe). ``check --strict`` then warns (fails) when no base URL is known,
because feeds without absolute links are of little use to feed readers. ``CI=true`` alone
is not enough: pull-request checks and this project's own tests run with it too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from pakketbuild.diagnostics import Diagnostic, PakketbuildError, Severity
from pakketbuild.i18n import _

ENV_BASE_URL = "PAKKETBUILD_BASE_URL"
ENV_PUBLISH = "PAKKETBUILD_PUBLISH"


class BaseUrlError(PakketbuildError):
    """A base URL that cannot be used (exit code 1, Dutch message)."""


def normalise(value: str, source: str) -> str:
    """``value`` as a usable base URL (see the module docstring); ``source`` names where it
    came from in the error message (``--base-url``, ``PAKKETBUILD_BASE_URL`` …)."""
    text = value.strip()
    fix = _("write the full address, for example https://www.voorbeeld.nl/pakket/")
    if not text:
        raise BaseUrlError(
            _("{source} is empty; {fix}, or leave it out").format(source=source, fix=fix)
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise BaseUrlError(
            _("{source} '{text}' contains spaces or control characters; {fix}").format(
                source=source, text=text, fix=fix
            )
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise BaseUrlError(
            _("{source} '{text}' is not a valid web address; {fix}").format(
                source=source, text=text, fix=fix
            )
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise BaseUrlError(
            _("{source} '{text}' does not start with https:// or http://; {fix}").format(
                source=source, text=text, fix=fix
            )
        )
    if not parts.hostname:
        raise BaseUrlError(
            _("{source} '{text}' names no server (host); {fix}").format(
                source=source, text=text, fix=fix
            )
        )
    if parts.username is not None or parts.password is not None:
        raise BaseUrlError(
            _(
                "{source} '{text}' contains a user name or password; never put those in an "
                "address that ends up in the feeds"
            ).format(source=source, text=text)
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise BaseUrlError(
            _("{source} '{text}' contains a '?' or '#'; a base address is a folder, {fix}").format(
                source=source, text=text, fix=fix
            )
        )
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((scheme, netloc, path, "", ""))


def from_environment(cli_value: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The build's base URL override: ``--base-url``, else ``PAKKETBUILD_BASE_URL``
    (normalised), else None (``site.yaml``'s ``base_url`` applies)."""
    environ = os.environ if env is None else env
    if cli_value is not None:
        return normalise(cli_value, "--base-url")
    value = environ.get(ENV_BASE_URL, "")
    if value.strip():  # CI sets it empty on pull requests: empty means not set
        return normalise(value, _("the environment variable {name}").format(name=ENV_BASE_URL))
    return None


def is_publishing(env: Mapping[str, str] | None = None) -> bool:
    """True for a publishing build: ``PAKKETBUILD_PUBLISH`` is ``1``, ``true`` or ``yes``."""
    environ = os.environ if env is None else env
    return environ.get(ENV_PUBLISH, "").strip().lower() in ("1", "true", "yes")


def publishing_diagnostics(
    site_base_url: str | None, site_path: str, env: Mapping[str, str] | None = None
) -> list[Diagnostic]:
    """The warning ``check`` gives when a publishing build has no base URL."""
    environ = os.environ if env is None else env
    if not is_publishing(environ) or site_base_url or environ.get(ENV_BASE_URL, "").strip():
        return []
    return [
        Diagnostic(
            site_path,
            1,
            1,
            Severity.WARNING,
            "base-url-missing",
            _(
                "this is a publishing build ({publish}=1) but there is no base address: the "
                "feeds and the API get no absolute links and feed readers show no link per "
                "entry; set {base} in the CI step, pass 'build --base-url URL' or fill in "
                "base_url in site.yaml"
            ).format(publish=ENV_PUBLISH, base=ENV_BASE_URL),
            "base_url",
        )
    ]
