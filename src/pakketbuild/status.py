"""``pakketbuild status``: an editorial overview of the content on a reference date.

Items per status, reviews overdue, due soon and missing, and the same per owner; as a
terminal table (rich), JSON (for tools) or Markdown (for CI job summaries). The labels
are Dutch because editors read this overview; JSON keys are English like the rest of
the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pakketbuild.freshness import DUE_SOON_DAYS, Review, ReviewState, reviews
from pakketbuild.i18n import _
from pakketbuild.loader import Content
from pakketbuild.model import Status


@dataclass(frozen=True)
class OwnerRow:
    """Review counts of the published items of one owner."""

    owner: str
    published: int = 0
    overdue: int = 0
    due_soon: int = 0
    missing: int = 0


@dataclass
class Overview:
    """Everything ``status`` shows."""

    today: dt.date
    horizon: int
    statuses: dict[str, int]
    overdue: list[Review] = field(default_factory=list)
    due_soon: list[Review] = field(default_factory=list)
    missing: list[Review] = field(default_factory=list)
    owners: list[OwnerRow] = field(default_factory=list)


def overview(content: Content, today: dt.date, horizon: int = DUE_SOON_DAYS) -> Overview:
    """Count and sort what editors need to act on."""
    statuses = {s.value: 0 for s in Status}
    for item in content.items.values():
        statuses[item.status.value] += 1
    found = reviews(content, today, horizon)

    def pick(state: ReviewState) -> list[Review]:
        chosen = [r for r in found if r.state is state]
        return sorted(chosen, key=lambda r: (r.item.review_by or today, r.item.id))

    counts: dict[str, dict[str, int]] = {}
    for review in found:
        row = counts.setdefault(review.owner, {"published": 0})
        row["published"] += 1
        key = review.state.value
        row[key] = row.get(key, 0) + 1
    owners = [
        OwnerRow(
            owner,
            published=row["published"],
            overdue=row.get("overdue", 0),
            due_soon=row.get("due_soon", 0),
            missing=row.get("missing", 0),
        )
        for owner, row in sorted(counts.items(), key=lambda kv: kv[0].casefold())
    ]
    return Overview(
        today=today,
        horizon=horizon,
        statuses=statuses,
        overdue=pick(ReviewState.OVERDUE),
        due_soon=pick(ReviewState.DUE_SOON),
        missing=pick(ReviewState.MISSING),
        owners=owners,
    )


# --------------------------------------------------------------------------- JSON


def _review_json(review: Review) -> dict[str, Any]:
    item = review.item
    return {
        "id": item.id,
        "title": item.title,
        "owner": item.owner,
        "last_reviewed": item.last_reviewed.isoformat() if item.last_reviewed else None,
        "review_by": item.review_by.isoformat() if item.review_by else None,
        "days_left": review.days_left,
    }


def as_json(view: Overview) -> dict[str, Any]:
    """The overview as JSON-ready data (owner ``null`` in items, "(geen eigenaar)" in rows)."""
    return {
        "today": view.today.isoformat(),
        "due_soon_days": view.horizon,
        "statuses": view.statuses,
        "overdue": [_review_json(r) for r in view.overdue],
        "due_soon": [_review_json(r) for r in view.due_soon],
        "missing": [_review_json(r) for r in view.missing],
        "owners": [
            {
                "owner": row.owner,
                "published": row.published,
                "overdue": row.overdue,
                "due_soon": row.due_soon,
                "missing": row.missing,
            }
            for row in view.owners
        ],
    }


# --------------------------------------------------------------------------- tables

_Section = tuple[str, list[str], list[list[str]]]


def _sections(view: Overview) -> list[_Section]:
    """Title, column headings and rows of each part of the overview (shared by all views)."""

    def owner(review: Review) -> str:
        return review.owner

    return [
        (
            _("Items per status"),
            [_("Status"), _("Number")],
            [[status, str(count)] for status, count in view.statuses.items()],
        ),
        (
            _("Review overdue ({count})").format(count=len(view.overdue)),
            [_("Item"), _("Owner"), _("Review by"), _("Days late")],
            [
                [r.item.id, owner(r), str(r.item.review_by), str(-(r.days_left or 0))]
                for r in view.overdue
            ],
        ),
        (
            _("Review within {days} days ({count})").format(
                days=view.horizon, count=len(view.due_soon)
            ),
            [_("Item"), _("Owner"), _("Review by"), _("Days left")],
            [[r.item.id, owner(r), str(r.item.review_by), str(r.days_left)] for r in view.due_soon],
        ),
        (
            _("Without review date ({count})").format(count=len(view.missing)),
            [_("Item"), _("Owner")],
            [[r.item.id, owner(r)] for r in view.missing],
        ),
        (
            _("Per owner (published items)"),
            [
                _("Owner"),
                _("Published"),
                _("Late"),
                _("Within {days} days").format(days=view.horizon),
                _("Without date"),
            ],
            [
                [
                    row.owner,
                    str(row.published),
                    str(row.overdue),
                    str(row.due_soon),
                    str(row.missing),
                ]
                for row in view.owners
            ],
        ),
    ]


def _title(view: Overview) -> str:
    return _("Editorial overview on {date}").format(date=view.today.isoformat())


def as_markdown(view: Overview) -> str:
    """GitHub-flavoured Markdown, for ``$GITHUB_STEP_SUMMARY`` and merge request notes."""

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = [f"## {_title(view)}", ""]
    for title, headings, rows in _sections(view):
        out += [f"### {title}", ""]
        if not rows:
            out += [_("Nothing."), ""]
            continue
        out.append("| " + " | ".join(headings) + " |")
        aligns = ["---:" if i and _numeric(rows, i) else "---" for i in range(len(headings))]
        out.append("|" + "|".join(aligns) + "|")
        out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def _numeric(rows: list[list[str]], column: int) -> bool:
    return all(row[column].lstrip("-").isdigit() for row in rows)


def print_table(view: Overview) -> None:
    """Print the overview as rich tables on standard output."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Text(_title(view), style="bold"))
    for title, headings, rows in _sections(view):
        console.print()
        if not rows:
            console.print(Text(title, style="italic"))
            console.print(Text("  " + _("Nothing.")))
            continue
        table = Table(title=title, title_justify="left", show_edge=False)
        for index, heading in enumerate(headings):
            numeric = index > 0 and _numeric(rows, index)
            table.add_column(heading, justify="right" if numeric else "left")
        for row in rows:
            table.add_row(*(Text(c) for c in row))  # Text: content is never rich markup
        console.print(table)
