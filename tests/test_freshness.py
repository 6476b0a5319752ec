"""Review dates: warnings in ``check`` relative to a settable reference date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.diagnostics import UsageError
from pakketbuild.freshness import (
    ReviewState,
    freshness_diagnostics,
    parse_date,
    review_of,
    reviews,
)
from pakketbuild.loader import load_content
from tests.content.tree import ITEM, SITE, write_tree

DATES = "last_reviewed: 2026-04-01\nreview_by: 2026-10-01\nowner: Team X\n"


def item_with(extra: str, item_id: str = "woningscan", status: str = "gepubliceerd") -> str:
    text = ITEM.replace("status: gepubliceerd\n", f"status: {status}\n{extra}")
    return text.replace("id: woningscan", f"id: {item_id}")


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", {"items/woningscan.md": item_with(DATES)})


def test_overdue_names_the_owner_at_the_review_by_value(dated: Path) -> None:
    [diagnostic] = freshness_diagnostics(load_content(dated), dt.date(2026, 10, 2))
    assert diagnostic.format_text() == (
        "content/items/woningscan.md:13:12: warning[review-overdue] (review_by): review was "
        "due on 2026-10-01 (owner: Team X); check the text and set new review dates "
        "(last_reviewed and review_by)"
    )


def test_overdue_without_owner_says_so(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "content", {"items/woningscan.md": item_with("review_by: 2026-10-01\n")}
    )
    [diagnostic] = freshness_diagnostics(load_content(root), dt.date(2027, 1, 1))
    assert diagnostic.code == "review-overdue"
    assert "(no owner set)" in diagnostic.message


def test_missing_dates_are_a_notice_at_the_id_line_until_reviews_start(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content")
    [diagnostic] = freshness_diagnostics(load_content(root), dt.date(2026, 11, 29))
    assert diagnostic.format_text() == (
        "content/items/woningscan.md:2:1: notice[review-missing] (review_by): this published "
        "item has no review date (no owner set); add 'last_reviewed' and 'review_by' "
        "(YYYY-MM-DD) so it is checked again in time"
    )


def test_missing_dates_warn_once_any_published_item_has_review_dates(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "content",
        {"items/training.md": item_with(DATES, item_id="training")},
    )
    found = freshness_diagnostics(load_content(root), dt.date(2026, 5, 1))
    assert [(d.path, d.severity, d.code) for d in found] == [
        ("content/items/woningscan.md", "warning", "review-missing")
    ]


def test_dates_on_a_concept_do_not_start_the_reviews(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "content",
        {"items/training.md": item_with(DATES, item_id="training", status="concept")},
    )
    [diagnostic] = freshness_diagnostics(load_content(root), dt.date(2026, 5, 1))
    assert (diagnostic.severity, diagnostic.code) == ("notice", "review-missing")


def test_policy_verplicht_always_warns(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content", {"site.yaml": SITE + "review_policy: verplicht\n"})
    [diagnostic] = freshness_diagnostics(load_content(root), dt.date(2026, 11, 29))
    assert (diagnostic.severity, diagnostic.code) == ("warning", "review-missing")


def test_unknown_policy_is_refused_at_its_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content", {"site.yaml": SITE + "review_policy: soepel\n"})
    assert main(["check", "--content", str(root)]) == 1


@pytest.mark.parametrize(
    ("changes", "today", "exit_code", "summary"),
    [
        # shipped situation: no review dates anywhere -> notices only, strict passes
        ({}, "2026-11-29", 0, "check passed: 0 errors, 0 warnings, 1 notice"),
        # an overdue review fails strict
        (
            {"items/woningscan.md": item_with(DATES)},
            "2026-10-02",
            1,
            "check failed: 1 error, 0 warnings",
        ),
        # reviews have started: a published item without dates fails strict
        (
            {"items/training.md": item_with(DATES, item_id="training")},
            "2026-05-01",
            1,
            "check failed: 1 error, 0 warnings",
        ),
    ],
)
def test_strict_fails_on_warnings_but_never_on_notices(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, str | bytes | None],
    today: str,
    exit_code: int,
    summary: str,
) -> None:
    root = write_tree(tmp_path / "content", changes)
    assert main(["check", "--strict", "--today", today, "--content", str(root)]) == exit_code
    assert capsys.readouterr().err.splitlines()[-1] == summary


def test_github_format_reports_notices_as_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["check", "--strict", "--format", "github", "--content", str(root)]) == 0
    assert capsys.readouterr().out.startswith("::notice file=content/items/woningscan.md,line=2")


@pytest.mark.parametrize(
    ("today", "state", "days"),
    [
        ("2026-08-31", ReviewState.OK, 31),
        ("2026-09-01", ReviewState.DUE_SOON, 30),
        ("2026-10-01", ReviewState.DUE_SOON, 0),
        ("2026-10-02", ReviewState.OVERDUE, -1),
    ],
)
def test_review_states_around_the_due_date(
    dated: Path, today: str, state: ReviewState, days: int
) -> None:
    item = load_content(dated).items["woningscan"]
    review = review_of(item, dt.date.fromisoformat(today))
    assert (review.state, review.days_left) == (state, days)


def test_only_published_items_are_reviewed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "content",
        {
            "items/concept.md": item_with("review_by: 2020-01-01\n", "concept", "concept"),
            "items/oud.md": item_with("", "oud", "gearchiveerd"),
        },
    )
    content = load_content(root)
    assert [r.item.id for r in reviews(content, dt.date(2026, 11, 29))] == ["woningscan"]


def test_the_loader_never_looks_at_the_date(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "content", {"items/woningscan.md": item_with("review_by: 2000-01-01\n")}
    )
    assert load_content(root).warnings == []


def test_check_uses_today_and_strict_makes_it_an_error(
    dated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--content", str(dated), "--today", "2026-10-01"]) == 0
    assert "check passed: 0 errors, 0 warnings" in capsys.readouterr().err
    assert main(["check", "--content", str(dated), "--today", "2026-10-02"]) == 0
    err = capsys.readouterr().err
    assert (
        "warning[review-overdue] (review_by): review was due on 2026-10-01 (owner: Team X)" in err
    )
    assert "check passed: 0 errors, 1 warning" in err
    assert main(["check", "--content", str(dated), "--today", "2026-10-02", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "error[review-overdue]" in err
    assert "check failed: 1 error, 0 warnings" in err


def test_check_github_format_under_strict(dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--content", str(dated), "--today", "2027-01-01", "--format", "github"]
    assert main([*argv, "--strict"]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("::error file=")
    assert "items/woningscan.md,line=13,col=12,title=review-overdue review_by::" in line


def test_check_defaults_to_the_real_today(dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--content", str(dated)])
    overdue = dt.date.today() > dt.date(2026, 10, 1)
    assert ("review-overdue" in capsys.readouterr().err) is overdue


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "29-11-2026", "morgen", "20261129"])
def test_invalid_today_is_a_usage_error(
    dated: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--content", str(dated), "--today", value]) == 1
    err = capsys.readouterr().err
    assert f"argument --today: '{value}' is not a date; write an existing date as YYYY-MM-DD" in err


def test_parse_date() -> None:
    assert parse_date("2026-11-29") == dt.date(2026, 11, 29)
    with pytest.raises(UsageError):
        parse_date("2026-1-1")
