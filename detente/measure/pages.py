"""The API's dyad timeline and trust answers as JSON bytes, from series encoded once and then sliced.

A chart asks for the same series again and again with another page size or start (``points``, ``since``): the
rows from a period on are encoded once per (series, data version), column by column (orjson encodes each numeric
array in one call, dates are looked up as ready tokens, the keys are interleaved: the bytes of the rows as dicts,
without making a dict or a Python float per value), remembering where each row starts, so a later page of that
series is a slice of bytes. An encoding that starts later than a page asks is replaced by one from the page's
start. The bytes are the answers of :func:`detente.measure.report.dyad_report` and
:func:`detente.measure.report.trust_report` exactly (tested). The ``kept_`` functions answer from the resident
tables alone (None without them): the API runs them on its event loop (:func:`detente.api.deps.answer`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import orjson

from detente.errors import DetenteError
from detente.measure import report
from detente.measure import resident as fast
from detente.measure.report import TRUST
from detente.store.resident import UNIX, Resident
from detente.store.warehouse import Store

__all__ = [
    "KEPT_BYTES", "RESOLUTIONS", "WARM_BYTES", "dyad_index_json", "kept_dyad_index_json", "kept_trust_json", "prepare",
    "trust_json", "warm",
]  # fmt: skip

#: How many bytes of encoded series are kept per data version (least recently used dropped first), and how many of
#: them :func:`warm` fills ahead with the whole series of the most active dyads.
KEPT_BYTES = 256 << 20
WARM_BYTES = 160 << 20
#: The resolutions :func:`warm` encodes ahead.
RESOLUTIONS = ("day", "week", "month", "year")

_DIRECTED = ("cooperation", "conflict", "balance", "events")


class _Encoded:
    """Rows ``first``… of a series as one JSON array (``body``) and the offset of each row in it."""

    __slots__ = ("body", "first", "starts")

    def __init__(self, first: int, body: bytes, starts: Any) -> None:
        self.first, self.body, self.starts = first, body, starts


_NUMPY = orjson.OPT_SERIALIZE_NUMPY
_DATES_FROM = (dt.date(1900, 1, 1) - UNIX).days
_DATES: list[Any] = []  # every day's JSON token from 1900 to 2099 (b'"2019-10-24"'), made on first use


def prepare() -> None:
    """Make the table of date tokens (20 ms, once: the server does it while warming, not in a user's request)."""
    if not _DATES:
        n = (dt.date(2100, 1, 1) - dt.date(1900, 1, 1)).days
        iso = np.arange(_DATES_FROM, _DATES_FROM + n).astype("datetime64[D]").astype(str)
        _DATES.append(np.array([b'"%s"' % d.encode() for d in iso.tolist()], dtype=object))


def _date_tokens(days: Any) -> list[bytes]:
    """The JSON tokens of periods (days since 1970) as orjson writes their ISO dates: looked up, not formatted."""
    prepare()
    at = days - _DATES_FROM
    if at.size and (int(at.min()) < 0 or int(at.max()) >= _DATES[0].size):
        return [orjson.dumps(d) for d in fast.series_lists({"period": days}, (), None, 0)[0]]
    return list(_DATES[0][at].tolist())


def _tokens(v: Any, digits: int | None) -> list[bytes]:
    """The JSON tokens of a numeric column as orjson writes its values in a dict (floats rounded to ``digits``, NaN
    and infinities as null): orjson encodes the array in one call, with no Python float per value."""
    if v.dtype.kind == "f" and digits is not None:
        v = np.round(v, digits) + 0.0  # + 0.0: no -0.0
    raw = orjson.dumps(np.ascontiguousarray(v), option=_NUMPY)
    return raw[1:-1].split(b",") if v.size else []  # numbers and null: no comma inside


def _encode(keys: tuple[str, ...], columns: list[list[bytes]]) -> tuple[bytes, Any]:
    """The JSON array of rows {keys[0]: columns[0][i], …} from each column's JSON tokens, and where each row starts
    in it: the tokens interleaved with the keys in C, instead of a dict per row."""
    n, m = len(columns[0]), len(keys)
    parts: list[bytes] = [b""] * (2 * m * n)
    for j, (key, tokens) in enumerate(zip(keys, columns, strict=True)):
        lead = (b"},{" if j == 0 else b",") + orjson.dumps(key) + b":"  # a row closes the one before it
        parts[2 * j :: 2 * m] = [lead] * n
        parts[2 * j + 1 :: 2 * m] = tokens
    parts[0] = parts[0][2:]
    body = b"[" + b"".join(parts) + b"}]"
    ends = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == ord("}"))  # flat rows: one "}" each
    return body, np.concatenate([np.ones(1, np.int64), ends[:-1] + 2])  # after "[", then after each "},"


def _rows_json(
    r: Resident, key: tuple[Any, ...], start: int, keys: tuple[str, ...], build: Callable[[int], list[list[bytes]]]
) -> bytes:
    """The JSON array of a series' rows from row ``start`` on (``build(start)`` gives their columns)."""
    kept = fast.memo_lru(r, "pages", KEPT_BYTES, _size)
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


def _from(cols: dict[str, Any], names: tuple[str, ...], digits: int) -> Callable[[int], list[list[bytes]]]:
    def build(start: int) -> list[list[bytes]]:
        return [_date_tokens(cols["period"][start:])] + [_tokens(cols[k][start:], digits) for k in names]

    return build


def _last(v: Any, digits: int) -> float | None:
    x = float(np.round(v, digits) + 0.0)
    return x if np.isfinite(x) else None


class _Question:
    """A dyad series question answered from the resident tables: its actors, the kept series and the page shown."""

    __slots__ = ("a", "b", "cols", "first", "page", "r")

    def __init__(
        self, r: Resident, store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None,
        points: int,
    ) -> None:  # fmt: skip
        self.r = r
        self.a, self.b = report.check_series_question(store, a, b, res, since, until)
        self.cols = fast.kept_series(r, self.a, self.b, res, until)
        self.first, self.page = report.first_period(self.cols, since, points)


def _question(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int
) -> _Question | None:
    """The question checked and its page found, on a cursor holding the resident tables (else None)."""
    r = store.served.resident if store.served is not None else None
    return None if r is None else _Question(r, store, a, b, res, since, until, points)


def dyad_index_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes:
    """:func:`detente.measure.report.dyad_report` (with ``points`` and ``digits``) as JSON bytes."""
    got = kept_dyad_index_json(store, a, b, res, since, until, points, digits)
    if got is None:
        return orjson.dumps(report.dyad_report(store, a, b, res, since, until, points=points, digits=digits))
    return got


def kept_dyad_index_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes | None:
    """:func:`dyad_index_json` from the resident tables alone; None on a cursor without them."""
    q = _question(store, a, b, res, since, until, points)
    if q is None:
        return None
    r, a, b, cols, first = q.r, q.a, q.b, q.cols, q.first
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
        "page": q.page,
    }
    return orjson.dumps(out)


def trust_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes:
    """:func:`detente.measure.report.trust_report` (with ``points`` and ``digits``) as JSON bytes."""
    got = kept_trust_json(store, a, b, res, since, until, points, digits)
    if got is None:
        return orjson.dumps(report.trust_report(store, a, b, res, since, until, points=points, digits=digits))
    return got


def kept_trust_json(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, points: int, digits: int
) -> bytes | None:
    """:func:`trust_json` from the resident tables alone; None on a cursor without them."""
    q = _question(store, a, b, res, since, until, points)
    if q is None:
        return None
    key = ("trust", min(q.a, q.b), max(q.a, q.b), res, until, digits)
    start = _index(q.cols["period"], q.first)
    rows = _rows_json(q.r, key, start, ("period", *TRUST), _from(q.cols, TRUST, digits))
    return orjson.dumps({"dyad": [q.a, q.b], "res": res, "trust": orjson.Fragment(rows), "page": q.page})


def _size(enc: _Encoded) -> int:
    return len(enc.body)


def warm(store: Store, digits: int, max_bytes: int = WARM_BYTES, idle: Callable[[], bool] | None = None) -> int:
    """Encode ahead the whole timeline and trust series (every resolution) of the most active dyads not encoded
    yet, until the kept pages hold ``max_bytes``: a first question about them, whatever its page, is then a slice
    of bytes. The server runs it after each load, off the request path, calling ``idle`` before each series (it
    returns once no request is in flight, so the encoding yields to the users; False: stop, the data changed). The
    pages of the dyads a write did not
    touch come from the version before (:func:`detente.measure.resident.carry`), so after a write only the touched
    ones are encoded again. Returns how many series it encoded."""
    r = store.served.resident if store.served is not None else None
    if r is None:
        return 0
    kept = fast.memo_lru(r, "pages", KEPT_BYTES, _size)
    events: dict[tuple[str, str], int] = {}
    for (a, b), rows in r.directed.items():
        key = (min(a, b), max(a, b))
        events[key] = events.get(key, 0) + int(rows.cols["events"].sum())
    done = 0
    for (lo, hi), _ in sorted(events.items(), key=lambda x: (-x[1], x[0])):
        for res in RESOLUTIONS:
            if kept.bytes >= max_bytes:
                return done
            have = kept.get(("series", lo, hi, res, None, digits))
            if have is not None and have.first == 0 and kept.get(("trust", lo, hi, res, None, digits)) is not None:
                continue
            if idle is not None and not idle():
                return done
            whole = 1 << 30  # points: every period
            try:
                kept_dyad_index_json(store, lo, hi, res, None, None, whole, digits)
                kept_trust_json(store, lo, hi, res, None, None, whole, digits)
            except DetenteError:  # an actor id no question could name: nobody asks for it
                break
            done += 1
    return done
