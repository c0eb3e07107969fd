"""The served series' JSON tokens (detente.measure.pages) are orjson's encoding of the same values as Python
objects, byte for byte: numbers from the arrays in one call, dates from a table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import orjson
from hypothesis import given
from hypothesis import strategies as st

from detente.measure import pages
from detente.measure import resident as fast

UNIX = dt.date(1970, 1, 1)

# the lookup tables are made once, before hypothesis times its first example (0.4 s on a loaded machine)
pages.prepare()
fast.series_lists({"period": np.zeros(1, np.int64)}, (), None, 0)


def _as_dict_values(values: list[object]) -> list[bytes]:
    """What orjson writes for each value inside a dict (the report path)."""
    return [orjson.dumps({"k": v})[5:-1] for v in values]


@given(
    st.lists(  # sums and stocks of an index: far from overflowing when rounded, or not finite at all
        st.one_of(st.floats(-1e12, 1e12), st.sampled_from([float("nan"), float("inf"), float("-inf")])), max_size=60
    ),
    st.sampled_from([None, 0, 2, 4, 6]),
)
def test_float_tokens_equal_the_reports_floats(values: list[float], digits: int | None) -> None:
    v = np.array(values, dtype=np.float64)
    want = _as_dict_values(fast.series_lists({"period": np.zeros(v.size, np.int64), "x": v}, ("x",), digits, 0)[1])
    assert pages._tokens(v, digits) == want


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=60), st.integers(0, 5))
def test_int_tokens_equal_the_reports_ints_from_any_start(values: list[int], start: int) -> None:
    v = np.array(values, dtype=np.int64)
    assert pages._tokens(v[start:], 4) == _as_dict_values(values[start:])


@given(st.lists(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), max_size=40))
def test_date_tokens_equal_iso_dates_in_and_out_of_the_table(days: list[dt.date]) -> None:
    at = np.array([(d - UNIX).days for d in days], dtype=np.int64)
    assert pages._date_tokens(at) == _as_dict_values([d.isoformat() for d in days])


def test_a_page_of_tokens_is_the_rows_as_dicts() -> None:
    cols = {
        "period": np.array([18000, 18001, 18030], dtype=np.int64),
        "a": np.array([0.1234567, -0.0, np.nan]),
        "n": np.array([1, 0, 7], dtype=np.int64),
    }
    body, starts = pages._encode(("period", "a", "n"), pages._columns(cols, ("a", "n"), 4, 0))
    assert body == orjson.dumps(fast.series_records(cols, None, ("a", "n"), 4))
    assert [orjson.loads(b"[" + body[int(i) :])[0]["period"] for i in starts] == [
        "2019-04-14",
        "2019-04-15",
        "2019-05-14",
    ]
