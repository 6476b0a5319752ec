"""The one "did you mean …?" hint, for names typed by hand (fields, ids, formats,
audiences, kinds).

What counts as close enough (:func:`closest`) and how the hint is worded
(:func:`did_you_mean`, translated) are decided here; each message places the hint with
a ``{hint}`` placeholder of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from pakketbuild.i18n import _


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``value``, or None when none is close enough: the same name
    in other letter case or with a plural ending (``-s``, ``-en``, ``-eren``) first, then
    the closest by difflib's ratio of 0.6, case forgiven."""
    import difflib

    folded = {choice.casefold(): choice for choice in choices}
    text = value.strip().casefold()
    for candidate in (
        text,
        text.removesuffix("s"),
        text.removesuffix("en"),
        text.removesuffix("en") + "er",
    ):
        if candidate in folded:
            return folded[candidate]
    guess = difflib.get_close_matches(text, list(folded), n=1)
    return folded[guess[0]] if guess else None


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``did you mean 'x'?`` (translated) for the choice closest to ``value``, or ``""``
    when none is close."""
    guess = closest(value, choices)
    return _("did you mean '{guess}'?").format(guess=guess) if guess else ""
