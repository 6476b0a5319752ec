"""The one "did you mean …?" hint, for names typed by hand (fields, ids, formats)."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``did you mean 'x'?`` for the choice closest to ``value``, or "" when none is
    close enough (difflib's ratio of 0.6)."""
    import difflib

    guess = difflib.get_close_matches(value, list(choices), n=1)
    return f"did you mean '{guess[0]}'?" if guess else ""
