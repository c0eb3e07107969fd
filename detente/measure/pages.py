"""The API's dyad timeline and trust answers as JSON bytes, from series encoded once and then sliced.

A chart asks for the same series again and again with another page size or start (``points``, ``since``): the
rows from a period on are encoded once per (series, data version), column by column (orjson encodes each numeric
array in one call, dates are looked up as ready tokens, the keys are interleaved: the bytes of the rows as dicts,
without making a dict or a Python float per value), remembering where each row starts, so a later page of that
series is a slice of bytes. An encoding that starts later than a page asks is extended by the rows before it
(only those are encoded). The bytes are the answers of :func:`detente.measure.report.dyad_report` and
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
    "KEPT_BYTES", "RESOLUTIONS", "WARM_BYTES", "carry_changed", "dyad_index_json", "kept_dyad_index_json",
    "kept_trust_json", "prepare", "trust_json", "warm",
]  # fmt: skip

#: How many bytes of encoded series are kept per data version (least recently used dropped first), and how many of
#: them :func:`warm` fills ahead with the whole series of the most active dyads.
KEPT_BYTES = 256 << 20
WARM_BYTES = 160 << 20
#: The resolutions :func:`warm` encodes ahead.
RESOLUTIONS = ("day", "week", "month", "year")

_DIRECTED = ("cooperation", "conflict", "balance", "events")


class _Encoded:
    """Rows ``first``… of a series as one JSON array (``body``), the offset of each row in it and their periods."""

    __slots__ = ("body", "first", "periods", "starts")

    def __init__(self, first: int, body: bytes, starts: Any, periods: Any) -> None:
        self.first, self.body, self.starts, self.periods = first, body, starts, periods


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
    r: Resident, key: tuple[Any, ...], start: int, keys: tuple[str, ...], cols: dict[str, Any], digits: int
) -> bytes:
    """The JSON array of a series' rows (columns ``cols``: ``period`` and ``keys[1:]``) from row ``start`` on."""
    kept = fast.memo_lru(r, "pages", KEPT_BYTES, _size)
    enc = kept.get(key)
    if enc is None or enc.first > start:
        stop = None if enc is None else enc.first  # an encoding from a later row on: only the rows before it
        columns = _columns(cols, keys[1:], digits, start, stop)
        if not columns[0]:
            return b"[]"
        body, starts = _encode(keys, columns)
        if enc is not None:
            body, starts = _join(body, len(body) - 1, starts, enc.body, enc.starts)
        enc = _Encoded(start, body, starts, cols["period"][start:])
        kept.put(key, enc)
    i = start - enc.first
    if i >= enc.starts.size:
        return b"[]"
    return b"[" + enc.body[int(enc.starts[i]) :]


def _index(periods: Any, first: dt.date | None) -> int:
    return 0 if first is None else int(np.searchsorted(periods, (first - UNIX).days, side="left"))


def _columns(
    cols: dict[str, Any], names: tuple[str, ...], digits: int, start: int, stop: int | None = None
) -> list[list[bytes]]:
    """The JSON tokens of the rows from ``start`` (to ``stop``), column by column: the periods, then ``names``."""
    return [_date_tokens(cols["period"][start:stop])] + [_tokens(cols[k][start:stop], digits) for k in names]


def _join(head: bytes, end: int, head_starts: Any, tail: bytes, tail_starts: Any) -> tuple[bytes, Any]:
    """Two JSON arrays of rows (and their row offsets) as one: the rows of ``head`` up to ``end`` (the offset just
    after a row's "}"; ``head_starts``: those rows' offsets), then every row of ``tail``; copied once."""
    body = b"".join((memoryview(head)[:end], b",", memoryview(tail)[1:]))
    return body, np.concatenate([head_starts, tail_starts + end])


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
    series = _rows_json(r, ("series", *key), start, ("period", *fast.SERIES), cols, digits)
    directed: dict[str, Any] = {}
    day = None if first is None else (first - UNIX).days
    for s, t in ((a, b), (b, a)):
        if day is None or int(fast.period_keys(np.array([day], dtype=np.int64), res)[0]) == day:
            # from a period's start: a slice of the whole directed series
            d = fast.kept_directed(r, s, t, res, until)
            where = ("directed", s, t, res, until, digits)
            rows = _rows_json(r, where, _index(d["period"], first), ("period", *_DIRECTED), d, digits)
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
    rows = _rows_json(q.r, key, start, ("period", *TRUST), q.cols, digits)
    return orjson.dumps({"dyad": [q.a, q.b], "res": res, "trust": orjson.Fragment(rows), "page": q.page})


def _size(enc: _Encoded) -> int:
    return len(enc.body)


def carry_changed(r: Resident, previous: Resident | None, changed: dict[tuple[str, str], Any] | None) -> int:
    """The encoded pages ``previous`` (the version served before) held for dyads a write changed, made again for
    ``r`` before it is served: the old bytes up to the first period the write changed (every period before it is
    the same, its trust stock too: a stock depends on the inputs up to its period only), then the new rows from it
    on. A 15-minute file changes the last day or two of a long series, so the series encoded ahead stay encoded
    ahead at a fraction of their cost. Only whole-range pages (no ``until``) of dyads with unchanged engagements
    are spliced; the rest are computed on request as before. Run after :func:`detente.measure.resident.carry`;
    returns how many pages it made."""
    if previous is None or changed is None or previous.built_on != r.built_on:
        return 0
    old = previous.memo.get("pages")
    if old is None:
        return 0
    kept = fast.memo_lru(r, "pages", KEPT_BYTES, _size)
    same: dict[tuple[str, str], bool] = {}
    made = 0
    for key, enc in old.entries():
        kind, a, b, res, until, digits = key
        lo, hi = min(a, b), max(a, b)
        days = changed.get((lo, hi))
        if days is None or until is not None or not days.size or kept.get(key) is not None:
            continue
        if kind != "directed" and not same.setdefault((lo, hi), fast.same_engagements(r, previous, lo, hi)):
            continue
        names: tuple[str, ...] = _DIRECTED if kind == "directed" else fast.SERIES if kind == "series" else TRUST
        cols = fast.kept_directed(r, a, b, res, None) if kind == "directed" else fast.kept_series(r, a, b, res, None)
        changed_from = int(fast.period_keys(days[:1].astype(np.int64), res)[0])  # days are sorted
        cut = int(np.searchsorted(enc.periods, changed_from, side="left"))  # rows of enc before the change
        new_cut = enc.first + cut
        if not np.array_equal(cols["period"][enc.first : new_cut], enc.periods[:cut]):
            continue  # not the same periods before the change (not expected): computed on request
        tail = _columns(cols, names, digits, new_cut)
        if not tail[0]:
            continue
        body, starts = _encode(("period", *names), tail)
        if cut:  # the old rows before the change (their bytes up to the comma after the last), then the new ones
            end = int(enc.starts[cut]) - 1 if cut < enc.starts.size else len(enc.body) - 1
            body, starts = _join(enc.body, end, enc.starts[:cut], body, starts)
        kept.put(key, _Encoded(enc.first, body, starts, cols["period"][enc.first :]))
        made += 1
    return made


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
