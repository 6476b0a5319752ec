"""Freshness: which published items are due for review, relative to a reference date.

Only ``check`` and ``status`` use this module. The loader and the build never look at
today's date, so the build output is the same whatever day it runs; the reference date
is passed in (``--today``, default the real today) so CI runs and tests are reproducible.

Only published items are considered: a concept is not read by anyone yet, and an
archived item is no longer shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from pakketbuild.diagnostics import Diagnostic, Severity, UsageError
from pakketbuild.i18n import _
from pakketbuild.loader import Content
from pakketbuild.model import Item, ReviewPolicy, Status

DUE_SOON_DAYS = 30
"""A review due within this many days (today included) counts as 'due soon'."""
NO_OWNER = "(geen eigenaar)"
"""How an item without an owner is grouped in the overview."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReviewState(StrEnum):
    """Where an item stands with its review on the reference date."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"
    MISSING = "missing"


@dataclass(frozen=True)
class Review:
    """The review situation of one published item."""

    item: Item
    state: ReviewState
    days_left: int | None
    """Days from the reference date to ``review_by`` (negative when overdue)."""

    @property
    def owner(self) -> str:
        return self.item.owner or NO_OWNER


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` as a date; anything else is a :class:`UsageError`."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            _(
                "'{text}' is not a date; write an existing date as YYYY-MM-DD, "
                "for example 2026-11-29"
            ).format(text=text)
        ) from None


def review_of(item: Item, today: dt.date, horizon: int = DUE_SOON_DAYS) -> Review:
    """Classify one item's review on ``today``."""
    if item.review_by is None:
        return Review(item, ReviewState.MISSING, None)
    days = (item.review_by - today).days
    if days < 0:
        state = ReviewState.OVERDUE
    elif days <= horizon:
        state = ReviewState.DUE_SOON
    else:
        state = ReviewState.OK
    return Review(item, state, days)


def reviews(content: Content, today: dt.date, horizon: int = DUE_SOON_DAYS) -> list[Review]:
    """The review of every published item, by id."""
    return [
        review_of(item, today, horizon)
        for item in content.items.values()
        if item.status is Status.GEPUBLICEERD
    ]


def missing_severity(content: Content) -> Severity:
    """How loud ``review-missing`` is under the site's ``review_policy``.

    ``geleidelijk`` (the default) fits content that is faithful to a source without review
    dates: until the editors set the first review date on any published item, a missing
    date is a notice (``check --strict`` still passes); from then on it is a warning, so a
    newly published item without dates fails ``--strict``. ``verplicht``: always a warning.
    An overdue review is a warning under every policy.
    """
    if content.site.review_policy is ReviewPolicy.VERPLICHT:
        return Severity.WARNING
    started = any(
        item.review_by is not None or item.last_reviewed is not None
        for item in content.items.values()
        if item.status is Status.GEPUBLICEERD
    )
    return Severity.WARNING if started else Severity.NOTICE


def freshness_diagnostics(content: Content, today: dt.date) -> list[Diagnostic]:
    """``review-overdue`` warnings and ``review-missing`` warnings or notices (see
    :func:`missing_severity`), positioned in the item files."""
    found: list[Diagnostic] = []
    missing = missing_severity(content)
    for review in reviews(content, today):
        item = review.item
        source = content.sources[f"item:{item.id}"]
        owner = _("owner: {owner}").format(owner=item.owner) if item.owner else _("no owner set")
        if review.state is ReviewState.OVERDUE:
            mark = source.at(("review_by",))
            message = _(
                "review was due on {date} ({owner}); check the text and set new "
                "review dates (last_reviewed and review_by)"
            ).format(date=item.review_by, owner=owner)
            code, field, severity = "review-overdue", "review_by", Severity.WARNING
        elif review.state is ReviewState.MISSING:
            mark = source.at(("id",), key=True)
            message = _(
                "this published item has no review date ({owner}); add 'last_reviewed' and "
                "'review_by' (YYYY-MM-DD) so it is checked again in time"
            ).format(owner=owner)
            code, field, severity = "review-missing", "review_by", missing
        else:
            continue
        found.append(
            Diagnostic(source.display, mark.line, mark.col, severity, code, message, field)
        )
    return found
