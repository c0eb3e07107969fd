"""What the store returns (Arrow tables) as pandas frames, and frames as JSON-friendly rows.

Frames come through Arrow (``to_pandas(date_as_object=True)``), so dates stay ``datetime.date``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from detente.store.records import records

__all__ = ["frame", "rows"]


def frame(table: pa.Table) -> pd.DataFrame:
    df: pd.DataFrame = table.to_pandas(date_as_object=True)
    return df


def rows(data: pa.Table | pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-friendly rows of an Arrow table or a frame: :func:`detente.store.records.records` for both.

    A frame goes to Arrow first (NaN, NaT and pandas' NA become null, hence None; numpy scalars Python ones),
    so each of its columns must hold one type, as the frames measure builds do: an object column mixing, say,
    dates and strings, raises ``pyarrow.ArrowTypeError`` (an alert signal returns typed ALERT_COLUMNS).
    """
    if isinstance(data, pd.DataFrame):
        return records(pa.Table.from_pandas(data, preserve_index=False))
    return records(data)
