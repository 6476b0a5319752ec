"""The date of the source revision: ``SOURCE_DATE_EPOCH``, the reproducible-builds
convention, as the publication date of content that gives none.

The CI recipes set ``SOURCE_DATE_EPOCH`` to the time of the last commit
(``git log -1 --format=%ct``): the moment the content being built was fixed. A document
whose content names no date of its own (a pakket's ``edition``, a view's ``edition``, an
item's change log) shows that day on its cover and in its colophon; without the variable
it shows no date at all. The build never reads the clock.

The variable is read once per build, by the command line (:func:`from_environment`),
and travels in :attr:`pakketbuild.build.BuildOptions.source_date_epoch`; the build turns
it into a date with :func:`dutch_date` and makes that date part of the cache keys of
exactly the files that show it (:data:`pakketbuild.jobkeys.SOURCE_DATE`).

**Which day.** An instant is a date only in a time zone. The readers are Dutch, so the
date is the one on a Dutch calendar: a commit at 00:30 on 2 December in The Hague is
23:30 on 1 December in UTC, and the document says 2 December. The zone is not looked up
in the machine's time zone database (``zoneinfo``, ``TZ``): the same commit would then
give other bytes on a machine with another (or no) database, and CI runners usually run
in UTC. Instead the rule for the Netherlands is written out here: Central European Time
(UTC+1), summer time (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on
the last Sunday of October — the EU rule (Directive 2000/84/EC) that has applied since
1996. It is applied to every year, so for the years 1980 to 1995 (summer time then ended in
September) the date may be a day early for an hour around midnight in October.

**What is refused** (a usage error, exit code 1, no traceback): anything that is not a
whole number of seconds, negative numbers, and instants before 1980-01-01 (``0``, the
1970 of a misconfigured CI, would otherwise put "1 januari 1970" on every cover) or
after the year 9999 (an epoch in milliseconds lands in the year 56,000). An empty value
counts as not set, as CI templates often expand an unset variable to nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping

from pakketbuild.diagnostics import UsageError
from pakketbuild.i18n import _

ENV_SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"

EARLIEST = 315532800
"""1980-01-01T00:00:00Z: the earliest instant accepted."""
LATEST = 253402297199
"""9999-12-31T22:59:59Z: the last instant whose Dutch date (23:59:59 CET) is in the year
9999."""

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_EXAMPLE = "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"


def check(value: int, source: str = ENV_SOURCE_DATE_EPOCH) -> int:
    """``value`` when it is an instant the build can show, else a :class:`UsageError`
    that says what is wrong and how to set it (``source`` names where it came from)."""
    if value < 0:
        raise UsageError(
            _(
                "{source} is {value}, a negative number; it must be the time of the last "
                "commit in seconds since 1970, for example {example}"
            ).format(source=source, value=value, example=_EXAMPLE)
        )
    if value < EARLIEST:
        raise UsageError(
            _(
                "{source} is {value}, a moment before 1980; that is not the date of a "
                "revision of the content (0 means 1 January 1970). Set it to the time of "
                "the last commit, for example {example}, or leave it out"
            ).format(source=source, value=value, example=_EXAMPLE)
        )
    if value > LATEST:
        raise UsageError(
            _(
                "{source} is {value}, a moment after the year 9999; give seconds, not "
                "milliseconds, for example {example}"
            ).format(source=source, value=value, example=_EXAMPLE)
        )
    return value


def parse(text: str, source: str = ENV_SOURCE_DATE_EPOCH) -> int | None:
    """The instant ``text`` gives (seconds since 1970-01-01 UTC), None for an empty
    value, or a :class:`UsageError` for anything else (see the module docstring)."""
    stripped = text.strip()
    if not stripped:
        return None
    if not _WHOLE_NUMBER.fullmatch(stripped):
        raise UsageError(
            _(
                "{source} is '{text}', not a whole number of seconds; set it to the time "
                "of the last commit, for example {example}"
            ).format(source=source, text=text, example=_EXAMPLE)
        )
    return check(int(stripped), source)


def from_environment(env: Mapping[str, str] | None = None) -> int | None:
    """``SOURCE_DATE_EPOCH`` of the environment (checked), or None when it is not set."""
    environ = os.environ if env is None else env
    value = environ.get(ENV_SOURCE_DATE_EPOCH)
    if value is None:
        return None
    return parse(value, _("the environment variable {name}").format(name=ENV_SOURCE_DATE_EPOCH))


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)


def utc_offset(moment: dt.datetime) -> dt.timedelta:
    """The offset of Dutch civil time from UTC at ``moment`` (an aware datetime)."""
    utc = moment.astimezone(dt.UTC)
    start = dt.datetime.combine(_last_sunday(utc.year, 3), dt.time(1), tzinfo=dt.UTC)
    end = dt.datetime.combine(_last_sunday(utc.year, 10), dt.time(1), tzinfo=dt.UTC)
    return dt.timedelta(hours=2 if start <= utc < end else 1)


def dutch_date(epoch: int) -> dt.date:
    """The date on a Dutch calendar at ``epoch`` seconds after 1970-01-01 UTC."""
    moment = dt.datetime.fromtimestamp(check(epoch), dt.UTC)
    return (moment + utc_offset(moment)).date()
