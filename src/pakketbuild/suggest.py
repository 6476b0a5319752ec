"""The one "did you mean …?" lookup, for names typed by hand (fields, ids, formats).

Each place words the hint itself (the texts are translated, see :mod:`pakketbuild.i18n`);
what counts as close enough is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``value``, or None when none is close enough (difflib's
    ratio of 0.6)."""
    import difflib

    guess = difflib.get_close_matches(value, list(choices), n=1)
    return guess[0] if guess else None
