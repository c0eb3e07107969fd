"""Periods of days (detente.measure.resident.period_keys): looked up for 1900-2099, computed elsewhere, the same
first days as truncating dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from detente.measure.resident import period_keys

UNIX = dt.date(1970, 1, 1)


def _first_day(d: dt.date, res: str) -> dt.date:
    if res == "day":
        return d
    if res == "week":
        return d - dt.timedelta(days=d.weekday())
    return d.replace(day=1) if res == "month" else d.replace(month=1, day=1)


@given(
    st.lists(st.dates(min_value=dt.date(1800, 1, 8), max_value=dt.date(2300, 1, 1)), max_size=50),
    st.sampled_from(["day", "week", "month", "year"]),
)
def test_period_keys_are_the_first_days_of_the_periods(days: list[dt.date], res: str) -> None:
    at = np.array([(d - UNIX).days for d in days], dtype=np.int64)
    got = period_keys(at, res).tolist()
    assert got == [(_first_day(d, res) - UNIX).days for d in days]
