"""SOURCE_DATE_EPOCH: read once, checked, turned into the Dutch date of the commit.

The date is the one on a Dutch calendar, computed from the EU summer-time rule written
out in ``sourcedate.py`` (never from the machine's zone database, so the bytes do not
depend on the machine); a value no revision can have is a usage error with exit 1, in
Dutch, without a traceback, and leaves ``exports/`` as it was.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from pakketbuild import sourcedate
from pakketbuild.build import BuildOptions, build
from pakketbuild.cli import main
from pakketbuild.diagnostics import UsageError
from tests.conftest import DATA

SMALL = DATA / "small"


def test_the_date_is_the_dutch_calendar_date_of_the_commit() -> None:
    # 1 December 2025 23:30 UTC is 00:30 on 2 December in The Hague (winter time)
    assert sourcedate.dutch_date(1764631800) == dt.date(2025, 12, 2)
    # 30 June 2025 22:30 UTC is 00:30 on 1 July (summer time, UTC+2)
    assert sourcedate.dutch_date(1751322600) == dt.date(2025, 7, 1)
    # 30 June 2025 21:59:59 UTC is 23:59:59 on 30 June
    assert sourcedate.dutch_date(1751320799) == dt.date(2025, 6, 30)
    # summer time starts at 01:00 UTC on the last Sunday of March, ends on October's

    def hours(*moment: int) -> float:
        utc = dt.datetime(*moment, tzinfo=dt.UTC)  # type: ignore[arg-type, misc]
        return sourcedate.utc_offset(utc).total_seconds() / 3600

    assert hours(2024, 3, 31, 0, 59, 59) == 1 and hours(2024, 3, 31, 1) == 2
    assert hours(2024, 10, 27, 0, 59, 59) == 2 and hours(2024, 10, 27, 1) == 1


def test_the_rule_agrees_with_the_zone_database_since_1996() -> None:
    """The written-out rule gives the dates Europe/Amsterdam gives, for instants spread over
    1996-2037 and for the hours around every change of the clock (the test may read the
    machine's zone database; the build never does)."""
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine")
    rng = random.Random(21)
    instants = [rng.randint(820454400, 2145916800) for _ in range(20000)]
    for year in range(1996, 2038):
        for month in (3, 10):
            change = dt.datetime.combine(
                sourcedate._last_sunday(year, month), dt.time(1), tzinfo=dt.UTC
            )
            base = int(change.timestamp())
            instants += [base + delta for delta in range(-7200, 7201, 900)]
    wrong = [
        e
        for e in instants
        if sourcedate.dutch_date(e) != dt.datetime.fromtimestamp(e, amsterdam).date()
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("  ", None),
        ("1764547200", 1764547200),
        (" 1764547200\n", 1764547200),
        (str(sourcedate.EARLIEST), sourcedate.EARLIEST),
        (str(sourcedate.LATEST), sourcedate.LATEST),
    ],
)
def test_accepted_values(value: str, expected: int | None) -> None:
    assert sourcedate.parse(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("gisteren", "not a whole number"),
        ("1764547200.5", "not a whole number"),
        ("1,7e9", "not a whole number"),
        ("+1764547200", "not a whole number"),
        ("-1", "negative"),
        ("0", "before 1980"),
        (str(sourcedate.EARLIEST - 1), "before 1980"),
        ("1764547200000", "milliseconds"),  # an epoch in milliseconds
        ("9" * 40, "milliseconds"),
        (str(sourcedate.LATEST + 1), "after the year 9999"),
    ],
)
def test_refused_values_say_what_is_wrong_and_how_to_fix_it(value: str, words: str) -> None:
    with pytest.raises(UsageError) as caught:
        sourcedate.parse(value)
    message = str(caught.value)
    assert words in message
    assert "SOURCE_DATE_EPOCH" in message
    assert "git log -1 --format=%ct" in message


def test_an_unset_variable_is_no_date() -> None:
    assert sourcedate.from_environment({}) is None
    assert sourcedate.from_environment({"SOURCE_DATE_EPOCH": ""}) is None
    assert sourcedate.from_environment({"SOURCE_DATE_EPOCH": "1764547200"}) == 1764547200


def test_the_library_refuses_an_impossible_epoch_too(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="before 1980"):
        build(BuildOptions(content=SMALL, out=tmp_path / "out", formats=["html"],
                           source_date_epoch=0))  # fmt: skip
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["morgen", "-5", "0", "1764547200000"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_the_command_line_stops_with_a_dutch_message_and_keeps_exports(
    value: str,
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "exports"
    build(BuildOptions(content=SMALL, out=out, formats=["html"], cache_dir=tmp_path / "cache"))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    args = ["--lang", "nl", command, "--content", str(SMALL)]
    if command == "build":
        args += ["--out", str(out), "--formats", "html", "--cache-dir", str(tmp_path / "cache")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout: de omgevingsvariabele SOURCE_DATE_EPOCH is "), err
    assert "git log -1 --format=%ct" in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
