"""The API's dyad timeline and trust answers as JSON bytes, from series encoded once and then sliced.

A chart asks for the same series again and again with another page size or start (``points``, ``since``): the
rows from a period on are encoded once per (series, data version), column by column (orjson encodes each column,
the keys are interleaved: the bytes of the rows as dicts, without making a dict per row), remembering where each
row starts, so a later page of that series is a slice of bytes. An encoding that starts later than a page asks
is replaced by one from the page's start. The bytes are the answers of
:func:`detente.measure.report.dyad_report` and :func:`detente.measure.report.trust_report` exactly (tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import orjson

from detente.measure import report
from detente.measure import resident as fast
from detente.measure.report import TRUST
from detente.store.resident import UNIX, Resident
from detente.store.warehouse import Store

__all__ = ["KEPT_BYTES", "dyad_index_json", "trust_json"]

#: How many bytes of encoded series are kept per data version (least recently used dropped first).
KEPT_BYTES = 64 << 20

_DIRECTED = ("cooperation", "conflict", "balance", "events")


class _Encoded:
    """Rows ``first``… of a series as one JSON array (``body``) and the offset of each row in it."""

    __slots__ = ("body", "first", "starts")

    def __init__(self, first: int, body: bytes, starts: Any) -> None:
        self.first, self.body, self.starts = first, body, starts


def _encode(keys: tuple[str, ...], columns: list[list[Any]]) -> tuple[bytes, Any]:
    """The JSON array of rows {keys[0]: columns[0][i], …} and where each row starts in it, built column by column
    in C: each column's values encoded by orjson once (as in a dict: the same bytes) and interleaved with the
    keys, instead of a dict per row."""
    n, m = len(columns[0]), len(keys)
    parts: list[bytes] = [b""] * (2 * m * n)
    for j, (key, values) in enumerate(zip(keys, columns, strict=True)):
        tokens = orjson.dumps(values)[1:-1].split(b",")  # numbers, null and ISO dates: no comma inside
        lead = (b"},{" if j == 0 else b",") + orjson.dumps(key) + b":"  # a row closes the one before it
        parts[2 * j :: 2 * m] = [lead] * n
        parts[2 * j + 1 :: 2 * m] = tokens
    parts[0] = parts[0][2:]
    body = b"[" + b"".join(parts) + b"}]"
    ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("}"))  # flat rows: one "}" each
    return body, np.concatenate([np.ones(1, np.int64), ends[:-1] + 2])  # after "[", then after each "},"


def _rows_json(
    r: Resident, key: tuple[Any, ...], start: int, keys: tuple[str, ...], build: Callable[[int], list[list[Any]]]
) -> bytes:
    """The JSON array of a series' rows from row ``start`` on (``build(start)`` gives their columns)."""
    kept = fast.memo_lru(r, "pages", KEPT_BYTES, lambda enc: len(enc.body))
    enc = kept.get(key)
    if enc is None or enc.first > start:
        columns = build(start)
        if not columns[0]:
            return b"[]"
        body, starts = _encode(keys, columns)
        enc = _Encoded(start, body, starts)
        kept.put(key, enc)
    i = start - enc.first
    if i >= enc.starts.size:
        return b"[]"
    return b"[" + enc.body[int(enc.starts[i]) :]


def _index(periods: Any, first: dt.date | None) -> int:
    return 0 if first is None else int(np.searchsorted(periods, (first - UNIX).days, side="left"))


def _from(cols: dict[str, Any], names: tuple[str, ...], digits: int) -> Callable[[int], list[list[Any]]]:
    def build(start: int) -> list[list[Any]]:
        return fast.series_lists(cols, names, digits, start)

    return build


def _last(v: Any, digits: int) -> float | None:
    x = float(np.round(v, digits) + 0.0)
    return x if np.isfinite(x) else None


def dyad_index_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes:
    """:func:`detente.measure.report.dyad_report` (with ``points`` and ``digits``) as JSON bytes."""
    r = store.served.resident if store.served is not None else None
    if r is None:
        return orjson.dumps(report.dyad_report(store, a, b, res, since, until, points=points, digits=digits))
    a, b = report.check_series_question(store, a, b, res, since, until)
    cols = fast.kept_series(r, a, b, res, until)
    first, page = report.first_period(cols, since, points)
    start = _index(cols["period"], first)
    key = (min(a, b), max(a, b), res, until, digits)
    series = _rows_json(r, ("series", *key), start, ("period", *fast.SERIES), _from(cols, fast.SERIES, digits))
    directed: dict[str, Any] = {}
    day = None if first is None else (first - UNIX).days
    for s, t in ((a, b), (b, a)):
        if day is None or int(fast.period_keys(np.array([day], dtype=np.int64), res)[0]) == day:
            # from a period's start: a slice of the whole directed series
            d = fast.kept_directed(r, s, t, res, until)
            build = _from(d, _DIRECTED, digits)
            where = ("directed", s, t, res, until, digits)
            rows = _rows_json(r, where, _index(d["period"], first), ("period", *_DIRECTED), build)
            directed[f"{s}->{t}"] = orjson.Fragment(rows)
        else:  # from within a period (a since of the caller's): its first period sums only the days from since on
            directed[f"{s}->{t}"] = fast.directed_series(r, s, t, res, first, until, digits)
    n = cols["period"].size
    out = {
        "dyad": [a, b],
        "res": res,
        "series": orjson.Fragment(series),
        "directed": directed,
        "trust": _last(cols["trust"][-1], digits) if start < n else 0.0,
        "engagements": report.dyad_engagements(store, a, b),
        "page": page,
    }
    return orjson.dumps(out)


def trust_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes:
    """:func:`detente.measure.report.trust_report` (with ``points`` and ``digits``) as JSON bytes."""
    r = store.served.resident if store.served is not None else None
    if r is None:
        return orjson.dumps(report.trust_report(store, a, b, res, since, until, points=points, digits=digits))
    a, b = report.check_series_question(store, a, b, res, since, until)
    cols = fast.kept_series(r, a, b, res, until)
    first, page = report.first_period(cols, since, points)
    key = ("trust", min(a, b), max(a, b), res, until, digits)
    rows = _rows_json(r, key, _index(cols["period"], first), ("period", *TRUST), _from(cols, TRUST, digits))
    return orjson.dumps({"dyad": [a, b], "res": res, "trust": orjson.Fragment(rows), "page": page})
