"""Date resolution against the document date; hypothesis: bounded windows, never a crash."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.coder.dates import MAX_YEAR, MIN_YEAR, find_dates, resolve_date

DOC = dt.date(2024, 5, 9)  # a Thursday


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("Talks ended yesterday.", "2024-05-08", "day"),
        ("They met on Monday.", "2024-05-06", "day"),
        ("They will meet on Monday.", "2024-05-13", "day"),
        ("They met last Thursday.", "2024-05-02", "day"),
        ("The accord was signed in March 1978.", "1978-03-01", "month"),
        ("The war ended in 1995.", "1995-01-01", "year"),
        ("on 21 March 1978", "1978-03-21", "day"),
        ("on March 21, 1978", "1978-03-21", "day"),
        ("on 2023-10-07", "2023-10-07", "day"),
        ("on 5 May", "2024-05-05", "day"),
        ("on 20 May", "2023-05-20", "day"),
        ("three days ago", "2024-05-06", "day"),
        ("last month", "2024-04-09", "month"),
        ("in March", "2024-03-01", "month"),
    ],
)
def test_expressions(text: str, day: str, precision: str) -> None:
    w = resolve_date(text, DOC)
    assert w is not None and (w.day.isoformat(), w.precision) == (day, precision)


@pytest.mark.parametrize(
    "text", ["Article 5 of the treaty", "This may help.", "Troops march on.", "in 1650", "on 32 May"]
)
def test_no_date(text: str) -> None:
    assert resolve_date(text, DOC) is None


RELATIVE = [
    "yesterday",
    "today",
    "tomorrow",
    "last week",
    "next week",
    "last month",
    "next month",
    "last year",
    "next year",
    "on Monday",
    "on Sunday",
    "next Friday",
    "last Tuesday",
    "5 days ago",
    "in 3 weeks",
    "twelve months ago",
    "in 400 days",
    "on 29 February",
    "on 31 December",
    "in January",
]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 12, 31)), st.sampled_from(RELATIVE), st.booleans()
)
def test_relative_dates_stay_near_the_document(doc: dt.date, expr: str, future: bool) -> None:
    text = ("They will meet " if future else "They met ") + expr + "."
    found = find_dates(text, doc)
    if expr == "on 29 February" and not any(calendar.isleap(doc.year + k) for k in (-1, 0, 1)):
        assert found == []  # no leap day within a year of the document: no guess
        return
    assert len(found) == 1 and found[0].relative
    assert abs((found[0].day - doc).days) <= 400 + 366


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_any_text_never_crashes_and_years_are_bounded(text: str, doc: dt.date) -> None:
    for w in find_dates(text, doc):
        assert MIN_YEAR - 1 <= w.day.year <= MAX_YEAR + 1
        assert 0 <= w.start < w.end <= len(text)


def test_extreme_document_dates_do_not_overflow() -> None:
    assert find_dates("They meet tomorrow, next week and on Monday.", dt.date(9999, 12, 31)) == []
    assert find_dates("They met yesterday.", dt.date(1, 1, 1)) == []
