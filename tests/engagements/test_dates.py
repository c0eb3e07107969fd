"""The partial-date parser: properties over every date, and the datasets' own spellings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.ingest.engagements.dates import PartialDate, from_parts, parse_partial

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
UNKNOWN = st.sampled_from(["xx", "XX", "-9", "", "??"])


@given(dates)
def test_full_dates_round_trip_in_every_spelling(d: dt.date) -> None:
    want = PartialDate(d, "day")
    assert parse_partial(f"{d.month}/{d.day}/{d.year}") == want
    assert parse_partial(f"{d.month:02d}/{d.day:02d}/{d.year}") == want
    assert parse_partial(d.isoformat(), order="ymd") == want
    assert parse_partial(d.isoformat()) == want  # ISO is recognised whatever the order
    assert parse_partial(dt.datetime(d.year, d.month, d.day, 13, 5)) == want
    assert from_parts(d.year, d.month, d.day) == want
    assert from_parts(float(d.year), str(d.month), f"{d.day}.0") == want


@given(dates, UNKNOWN)
def test_unknown_day_gives_the_first_of_the_month(d: dt.date, unknown: str) -> None:
    got = parse_partial(f"{d.month}/{unknown}/{d.year}")
    assert got == PartialDate(d.replace(day=1), "month")
    assert got.date <= d <= got.last
    assert got.last.month == d.month and (got.last + dt.timedelta(days=1)).day == 1
    assert from_parts(d.year, d.month, unknown) == got
    assert parse_partial(f"{d.year}-{d.month:02d}-{unknown or 'xx'}", order="ymd") == got


@given(dates, UNKNOWN)
def test_unknown_month_gives_the_year(d: dt.date, unknown: str) -> None:
    got = from_parts(d.year, unknown, unknown)
    assert got == PartialDate(dt.date(d.year, 1, 1), "year")
    assert got.last == dt.date(d.year, 12, 31)


@given(dates)
def test_two_digit_years_pivot(d: dt.date) -> None:
    yy = d.year % 100
    got = parse_partial(f"{d.month}/{d.day}/{yy:02d}", pivot=30)
    assert got is not None
    assert got.date.year == (1900 + yy if yy >= 30 else 2000 + yy)
    assert (got.date.month, got.date.day) == (d.month, d.day)


@given(st.text(max_size=20))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        got = parse_partial(text)
    except ValueError:
        return
    assert got is None or (got.date <= got.last and got.precision in ("day", "month", "year"))


@pytest.mark.parametrize(
    ("text", "order", "want"),
    [
        ("11/xx/1974", "mdy", PartialDate(dt.date(1974, 11, 1), "month")),
        ("1980-01-xx", "ymd", PartialDate(dt.date(1980, 1, 1), "month")),
        ("12//67", "mdy", PartialDate(dt.date(1967, 12, 1), "month")),
        ("5/28/00", "mdy", PartialDate(dt.date(2000, 5, 28), "day")),
        ("1995-11-21 00:00:00", "ymd", PartialDate(dt.date(1995, 11, 21), "day")),
        ("2009", "mdy", PartialDate(dt.date(2009, 1, 1), "year")),
        ("-9", "mdy", None),
        (None, "mdy", None),
        (float("nan"), "mdy", None),
    ],
)
def test_dataset_spellings(text: object, order: str, want: PartialDate | None) -> None:
    assert parse_partial(text, order=order) == want  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["13/01/1990", "2/30/1990", "02/126/1993", "abc", "1/2/3/4", "xx/5/1990", "98?"])
def test_impossible_dates_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_partial(text)
