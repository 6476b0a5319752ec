"""The language of messages: Dutch by default, English on request.

Everything an editor or CI reader sees goes through :func:`_` (gettext) where the text is
made. The message ids are the English texts, with ``{name}`` placeholders filled in by
``str.format`` *after* translation, so a translation can reorder them::

    _("there is no {what} with id '{value}'").format(what=..., value=...)

Texts defined at import time are marked with :func:`N_` and translated where they are
used. Catalogs: ``locale/<lang>/LC_MESSAGES/pakketbuild.po`` (edited by hand), compiled
to ``.mo`` beside them and shipped as package data; ``tools/messages.py`` (``make
messages``) extracts the ids with Babel, updates both catalogs and compiles them
deterministically (a test checks that the committed ``.mo`` files match their ``.po``).

The language is chosen once per process (:func:`set_language`): ``--lang nl|en``, else the
first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that names Dutch or English,
else Dutch — the content is Dutch, and ``C``/``POSIX`` (common in CI) mean "no preference".
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "pakketbuild"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: _gettext.NullTranslations | None = None
_language = ""


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale variables ask for (``nl`` when they name neither)."""
    env = os.environ if environ is None else environ
    for name in ENV_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
        if name != "LANGUAGE":  # GNU: the first set LC_ALL/LC_MESSAGES/LANG decides
            break
    return DEFAULT_LANGUAGE


def set_language(language: str | None = None) -> str:
    """Use ``language`` (or the one of the environment) from now on; returns it."""
    global _current, _language
    chosen = language if language in LANGUAGES else language_from_env()
    assert chosen is not None
    _current = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    import argparse

    # argparse looks its texts up through these module globals at the time of use.
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    return chosen


def current_language() -> str:
    if _current is None:
        set_language()
    return _language


def _(message: str) -> str:
    """``message`` (an English message id) in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (import-time texts)."""
    return message


_OS_REASONS = {
    "ENOSPC": N_("the disk is full"),
    "EDQUOT": N_("the disk quota is used up"),
    "EACCES": N_("no permission"),
    "EPERM": N_("no permission"),
    "EROFS": N_("the disk is read-only"),
    "ENOENT": N_("it does not exist"),
    "ENOTDIR": N_("a part of the path is not a folder"),
    "EISDIR": N_("it is a folder"),
    "EIO": N_("the disk could not be read or written"),
    "ENAMETOOLONG": N_("the name is too long"),
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in words (no errno, no exception name)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_REASONS:
        return _(_OS_REASONS[name])
    return _("the system refused it")


def machine_failure(exc: OSError, where: object = None, out: object = None) -> str:
    """One line for a failure of the machine (disk full, no permission): the path and what
    to do. ``where`` names the place when the system did not (a full disk says no file);
    ``out`` is the output folder, which a failed build never changes."""
    import errno

    path = str(exc.filename if exc.filename is not None else where or "")
    kept = _("; {out} was left as it was").format(out=out) if out is not None else ""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in ("ENOSPC", "EDQUOT"):
        return (
            _(
                "the disk is full (while writing '{path}'); make room on the disk, or build "
                "to another folder with --out, and run the command again"
            ).format(path=path)
            + kept
        )
    if name in ("EACCES", "EPERM"):
        return (
            _(
                "no permission to use '{path}'; ask for access to this folder, or work in a "
                "folder of your own"
            ).format(path=path)
            + kept
        )
    if name == "EROFS":
        return (
            _(
                "'{path}' is on a disk that cannot be written to; choose another folder with --out"
            ).format(path=path)
            + kept
        )
    if name == "ENOENT":
        return (
            _("'{path}' does not exist; check the name of the folder or file").format(path=path)
            + kept
        )
    return (
        _(
            "'{path}' could not be read or written ({reason}); check the disk and run the "
            "command again"
        ).format(path=path, reason=os_reason(exc))
        + kept
    )


ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)
"""The texts of :mod:`argparse` that editors see (usage lines, ``--help``, mistakes on the
command line); :func:`set_language` points argparse at our catalog for them."""
