"""Run Ibis expressions to pandas frames and JSON-friendly rows.

Results come through Arrow (``to_pyarrow``): Ibis 12's pandas conversion trips pandas 3
deprecation warnings, Arrow's does not, and dates stay ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis.expr.types as ir
import pandas as pd

__all__ = ["clean", "frame", "rows"]


def frame(expr: ir.Table) -> pd.DataFrame:
    df: pd.DataFrame = expr.to_pyarrow().to_pandas(date_as_object=True)
    return df


def clean(v: Any) -> Any:
    """One JSON-friendly value: ISO dates, None for NaN/NaT, Python scalars."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):
        return clean(v.item())
    return v


def rows(expr: ir.Table | pd.DataFrame) -> list[dict[str, Any]]:
    df = expr if isinstance(expr, pd.DataFrame) else frame(expr)
    return [{str(k): clean(v) for k, v in r.items()} for r in df.to_dict(orient="records")]
