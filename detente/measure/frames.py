"""Run Ibis expressions to pandas frames and JSON-friendly rows.

Results come through Arrow (``to_pyarrow``): Ibis 12's pandas conversion trips pandas 3
deprecation warnings, Arrow's does not, and dates stay ``datetime.date``.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from detente.store.queries import records

__all__ = ["frame", "rows"]


def frame(expr: ir.Table) -> pd.DataFrame:
    df: pd.DataFrame = expr.to_pyarrow().to_pandas(date_as_object=True)
    return df


def rows(expr: ir.Table | pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-friendly rows of an expression or a frame: :func:`detente.store.queries.records` for both.

    A frame goes to Arrow first (NaN, NaT and pandas' NA become null, hence None; numpy scalars Python ones),
    so each of its columns must hold one type, as the frames measure builds do: an object column mixing, say,
    dates and strings, raises ``pyarrow.ArrowTypeError`` (an alert signal returns typed ALERT_COLUMNS).
    """
    if isinstance(expr, pd.DataFrame):
        return records(pa.Table.from_pandas(expr, preserve_index=False))
    return records(expr)
