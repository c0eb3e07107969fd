"""Arrow results as rows (detente.store.records): converted column by column, the rows are those of a plain
row-by-row conversion, whatever the column types, nulls, NaNs, infinities and dates."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from detente.store.records import records


def _row_by_row(table: pa.Table) -> list[dict[str, Any]]:
    """The conversion as it was: every value of every row looked at."""
    out = []
    for row in table.to_pylist():
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, float) and not math.isfinite(v):
                clean[k] = None
            elif isinstance(v, dt.date):
                clean[k] = v.isoformat()
            else:
                clean[k] = v
        out.append(clean)
    return out


_FLOATS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
_COLUMNS = {
    "int": (pa.int64(), st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))),
    "small": (pa.int8(), st.one_of(st.none(), st.integers(-128, 127))),
    "float": (pa.float64(), _FLOATS),
    "text": (pa.string(), st.one_of(st.none(), st.text(max_size=8))),
    "flag": (pa.bool_(), st.one_of(st.none(), st.booleans())),
    "day": (pa.date32(), st.one_of(st.none(), st.dates())),
    "at": (pa.timestamp("us"), st.one_of(st.none(), st.datetimes())),
    "list": (pa.list_(pa.float64()), st.one_of(st.none(), st.lists(_FLOATS, max_size=3))),
}


@st.composite
def _tables(draw: st.DrawFn) -> pa.Table:
    names = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), unique=True, max_size=len(_COLUMNS)))
    n = draw(st.integers(0, 6))
    return pa.table(
        {k: pa.array(draw(st.lists(_COLUMNS[k][1], min_size=n, max_size=n)), type=_COLUMNS[k][0]) for k in names}
    )


@given(_tables())
def test_rows_column_by_column_equal_rows_value_by_value(table: pa.Table) -> None:
    assert repr(records(table)) == repr(_row_by_row(table))  # repr: a NaN left inside a list equals itself


def test_days_of_any_year_are_iso() -> None:
    days = [dt.date(1, 1, 1), dt.date(5, 3, 9), dt.date(999, 12, 31), dt.date(2019, 10, 24), dt.date(9999, 12, 31)]
    assert records(pa.table({"d": pa.array(days, pa.date32())})) == [{"d": d.isoformat()} for d in days]
