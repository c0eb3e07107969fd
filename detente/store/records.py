"""Arrow results as JSON-friendly rows: the one conversion the faces (API, CLI) apply to what the store returns."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pyarrow as pa

__all__ = ["engagement_records", "records"]


def records(table: pa.Table) -> list[dict[str, Any]]:
    """Rows of an Arrow table (dates as ISO strings, NaN and ±inf as None), without pandas."""
    out: list[dict[str, Any]] = []
    for row in table.to_pylist():
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, float) and not math.isfinite(v):
                clean[k] = None
            elif isinstance(v, dt.date):  # datetime is a date too
                clean[k] = v.isoformat()
            else:
                clean[k] = v
        out.append(clean)
    return out


def engagement_records(table: pa.Table) -> list[dict[str, Any]]:
    """:func:`records` with each engagement's ``attributes`` parsed from JSON."""
    out = records(table)
    for row in out:
        if isinstance(row.get("attributes"), str):
            row["attributes"] = json.loads(row["attributes"])
    return out
