"""How the content's facts are named to readers, in Dutch: one place for each rule.

The label tables of the enums (:data:`~pakketbuild.model.AUDIENCE_LABELS`,
:data:`~pakketbuild.model.KIND_LABELS`) belong to the input model (the CMS and the
editors' guide show them too); the resolved item
(:class:`pakketbuild.publication.PubItem`) and every writer name audiences, dates and
lists through the functions here, so a label or the way a list is joined cannot differ
between formats. File types are named in :mod:`pakketbuild.mediatypes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache

from babel.dates import format_date

from pakketbuild.model import AUDIENCE_LABELS, Audience


@lru_cache(maxsize=4096)
def dutch_date(value: dt.date) -> str:
    """``2026-11-29`` → ``29 november 2026`` (cached: pages repeat the same dates)."""
    return format_date(value, format="long", locale="nl")


def audience_label(audience: Audience) -> str:
    """Singular Dutch label: ``burgemeester``."""
    return AUDIENCE_LABELS[audience][0]


def audience_plural(audience: Audience) -> str:
    """Plural Dutch label: ``burgemeesters``."""
    return AUDIENCE_LABELS[audience][1]


def dutch_join(words: Sequence[str]) -> str:
    """``['a', 'b', 'c']`` → ``a, b en c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def audiences_text(audiences: Iterable[Audience]) -> str:
    """Plural Dutch labels: ``burgemeesters, wethouders en raadsleden``."""
    return dutch_join([audience_plural(a) for a in audiences])
