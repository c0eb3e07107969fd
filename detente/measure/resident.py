"""Dyad timelines, trust and the tension map from the resident tables (:mod:`detente.store.resident`): the same
numbers as the engine's queries (:mod:`detente.measure.report` falls back to those), in NumPy over one dyad's
rows, so a distinct question costs a millisecond or two instead of several queries.

The maths is the queries', step for step: directed daily sums rolled up per period (weeks start on Monday),
the undirected dyad as the sum of both directions, ``balance`` from the registered index, engagements joined
per period (a period with engagements and no event counts), the trust input and the decay recursion of
:func:`detente.core.indices.trust_stock_grouped`, and the tension map's closed-form trust stock on one day.
Sums may differ from the engine's in the last bits (another order of addition); tests compare to 1e-9.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.core.indices import INDICES, trust_stock
from detente.core.indices.weights import CONFLICT_TO_TRUST, COOPERATION_TO_TRUST, TRUST_HALF_LIFE_DAYS
from detente.lru import LRU
from detente.store.resident import UNIX, DyadRows, Resident

__all__ = [
    "NONE", "SERIES", "EventPage", "carry", "changed_days", "count_from", "directed_series", "dyad_series",
    "event_page", "events_since", "iso_at", "kept_directed", "kept_page", "kept_series", "memo_lru", "period_keys",
    "same_engagements", "series_lists", "series_records", "tension_rows", "trust_stocks", "undirected_sums",
]  # fmt: skip

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
EPOCH_OFFSET = (UNIX - dt.date(1800, 1, 1)).days  # days from the trust EPOCH (1800-01-01) to 1970-01-01

_EMPTY_I = np.empty(0, dtype=np.int64)
_EMPTY_F = np.empty(0, dtype=np.float64)


def period_keys(day: IntArray, res: str) -> IntArray:
    """The first day of each day's period (days since 1970-01-01), as the engine truncates dates."""
    if res == "day":
        return day
    if res == "week":  # 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) % 7
        return day - (day + 3) % 7
    at = day - _STARTS_FROM
    if at.size and int(at.min()) >= 0 and int(at.max()) < _STARTS_DAYS:
        return _starts(res)[at]  # a lookup: a tenth of the time of converting 24,000 days through datetime64
    return _truncate(day, res)


def _truncate(day: IntArray, res: str) -> IntArray:
    unit = "M" if res == "month" else "Y"
    return np.asarray(day.astype("datetime64[D]").astype(f"datetime64[{unit}]").astype("datetime64[D]"), np.int64)


_STARTS_FROM = (dt.date(1900, 1, 1) - UNIX).days
_STARTS_DAYS = (dt.date(2100, 1, 1) - dt.date(1900, 1, 1)).days
_STARTS: dict[str, IntArray] = {}  # per resolution: the first day of every day's month or year, 1900 to 2099


def _starts(res: str) -> IntArray:
    table = _STARTS.get(res)
    if table is None:
        table = _STARTS[res] = _truncate(np.arange(_STARTS_FROM, _STARTS_FROM + _STARTS_DAYS, dtype=np.int64), res)
    return table


def _window(rows: DyadRows | None, since: int | None, until: int | None) -> tuple[IntArray, dict[str, Any]]:
    if rows is None:
        return _EMPTY_I, {}
    lo = 0 if since is None else int(np.searchsorted(rows.day, since, side="left"))
    hi = rows.day.size if until is None else int(np.searchsorted(rows.day, until, side="right"))
    return rows.day[lo:hi], {k: v[lo:hi] for k, v in rows.cols.items()}


def _rollup(parts: list[tuple[IntArray, dict[str, Any]]], res: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Sum columns ``names`` of several day-sorted slices per period; returns ``period`` (sorted) and the sums."""
    parts = [(d, c) for d, c in parts if d.size]
    if not parts:
        return {"period": _EMPTY_I, **{k: (_EMPTY_F if k in _FLOATS else _EMPTY_I) for k in names}}
    if len(parts) == 1 and res == "day":  # one slice of daily rows: already one row per period
        d, c = parts[0]
        return {"period": d, **{k: c[k] for k in names}}
    if len(parts) == 1:  # one slice sorted by day: its periods are already in order
        ranked, order = period_keys(parts[0][0], res), None
    else:
        keys = np.concatenate([period_keys(d, res) for d, _ in parts])
        order = np.argsort(keys, kind="stable")  # sorted runs: a merge, not a hash (np.unique's) per question
        ranked = keys[order]
    new = np.empty(ranked.size, dtype=bool)
    new[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    out: dict[str, Any] = {"period": ranked[starts]}
    for k in names:  # each period's rows summed in their order (a stable sort keeps it)
        v = parts[0][1][k] if order is None else np.concatenate([c[k] for _, c in parts])[order]
        out[k] = np.add.reduceat(v.astype(np.float64 if k in _FLOATS else np.int64, copy=False), starts)
    return out


_FLOATS = {"cooperation", "conflict", "engagement_trust"}
_EV = ("cooperation", "conflict", "events")


def undirected_sums(r: Resident, lo: str, hi: str, res: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Per period of the undirected dyad (lo, hi): the sums of ``names`` over both directions' daily rows, as the
    engine's undirected index rolls them up from ``dyad_day``; ``period`` sorted."""
    return _rollup([_window(r.directed.get((lo, hi)), None, None), _window(r.directed.get((hi, lo)), None, None)],
                   res, names)  # fmt: skip


def _balance(cooperation: FloatArray, conflict: FloatArray) -> FloatArray:
    return np.asarray(INDICES.get("balance")({"cooperation": cooperation, "conflict": conflict}), dtype=np.float64)


def _day(d: dt.date | None) -> int | None:
    return None if d is None else (d - UNIX).days


def directed_series(
    r: Resident, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None, digits: int | None = None
) -> list[dict[str, Any]]:
    """Rows (period, cooperation, conflict, balance, events) of the directed dyad a→b; floats rounded to
    ``digits`` decimals when given."""
    s = _rollup([_window(r.directed.get((a, b)), _day(since), _day(until))], res, _EV)
    bal = _balance(s["cooperation"], s["conflict"])
    return [
        {"period": p, "cooperation": c, "conflict": k, "balance": x, "events": n}
        for p, c, k, x, n in zip(
            _iso(s["period"]), _finite(s["cooperation"], digits), _finite(s["conflict"], digits),
            _finite(bal, digits), s["events"].tolist(), strict=True,
        )
    ]  # fmt: skip


def kept_directed(r: Resident, a: str, b: str, res: str, until: dt.date | None) -> dict[str, Any]:
    """The columns (period, cooperation, conflict, balance, events) of the directed dyad a→b up to ``until``, from
    its first period on, computed once per data version. From a period's start on, they are the rows of
    :func:`directed_series` (which sums only the days from its ``since`` on). Callers must not change them."""
    series = memo_lru(r, "series", KEPT_SERIES_BYTES, _nbytes)
    key = ("directed", a, b, res, until)
    cols = series.get(key)
    if cols is None:
        s = _rollup([_window(r.directed.get((a, b)), None, _day(until))], res, _EV)
        cols = {**s, "balance": _balance(s["cooperation"], s["conflict"])}
        series.put(key, cols)
    return cols


_ISO_FROM = (dt.date(1900, 1, 1) - UNIX).days
_ISO_DAYS = (dt.date(2100, 1, 1) - dt.date(1900, 1, 1)).days
_ISO_TABLE: list[Any] = []  # every day's ISO date from 1900 to 2099, made once (a lookup instead of formatting)


def _iso(days: IntArray) -> list[str]:
    if not _ISO_TABLE:
        _ISO_TABLE.append(np.datetime_as_string(np.arange(_ISO_FROM, _ISO_FROM + _ISO_DAYS).astype("datetime64[D]")))
    at = days - _ISO_FROM
    if at.size and (int(at.min()) < 0 or int(at.max()) >= _ISO_DAYS):
        return list(np.datetime_as_string(days.astype("datetime64[D]")).tolist())
    return list(_ISO_TABLE[0][at].tolist())


def dyad_series(
    r: Resident, a: str, b: str, res: str, until: dt.date | None, half_life: float = TRUST_HALF_LIFE_DAYS
) -> dict[str, Any]:
    """The undirected dyad's trust series columns up to ``until``, as :func:`detente.measure.trust.trust_series`
    gives them: period (days since 1970), cooperation, conflict, events, balance, engagements,
    engagement_trust, trust_input, trust."""
    lo, hi = min(a, b), max(a, b)
    u = _day(until)
    ev = _rollup([_window(r.directed.get((lo, hi)), None, u), _window(r.directed.get((hi, lo)), None, u)], res, _EV)
    cols: dict[str, Any]
    if r.engagements is None:
        n = ev["period"].size
        cols = {**ev, "engagements": np.zeros(n, np.int64), "engagement_trust": np.zeros(n, np.float64)}
        cols["balance"] = _balance(ev["cooperation"], ev["conflict"])
    else:
        today = _day(min(until, r.built_on) if until is not None else r.built_on)
        eg = _rollup([_window(r.engagements.get((lo, hi)), None, today)], res, ("engagements", "engagement_trust"))
        both = np.concatenate([ev["period"], eg["period"]])
        both.sort(kind="stable")  # two sorted runs: a merge (np.union1d hashes)
        period = both[np.concatenate([both[:1] == both[:1], both[1:] != both[:-1]])]
        i = np.searchsorted(period, ev["period"])
        j = np.searchsorted(period, eg["period"])
        cols = {"period": period}
        for k, src, idx in (
            ("cooperation", ev, i), ("conflict", ev, i), ("events", ev, i),
            ("engagements", eg, j), ("engagement_trust", eg, j),
        ):  # fmt: skip
            z = np.zeros(period.size, dtype=src[k].dtype)
            z[idx] = src[k]
            cols[k] = z
        bal = np.zeros(period.size, np.float64)
        bal[i] = _balance(ev["cooperation"], ev["conflict"])
        cols["balance"] = bal
    cols["trust_input"] = (
        COOPERATION_TO_TRUST * cols["cooperation"] - CONFLICT_TO_TRUST * cols["conflict"] + cols["engagement_trust"]
    )
    days = (cols["period"] + EPOCH_OFFSET).astype(np.float64)
    cols["trust"] = trust_stock(days, cols["trust_input"], half_life)  # one dyad: trust_stock_grouped's numbers
    return cols


def changed_days(r: Resident, previous: Resident | None) -> dict[tuple[str, str], IntArray] | None:
    """Per undirected dyad whose daily rows differ from ``previous``'s (the version served before): the days that
    differ; None without ``previous``. A load that read only the dyads new files touched keeps every other dyad's
    rows as they were (the same objects: not compared)."""
    if previous is None:
        return None
    out: dict[tuple[str, str], list[IntArray]] = {}
    for key in {*r.directed, *previous.directed}:
        new, old = r.directed.get(key), previous.directed.get(key)
        if new is old:
            continue  # the same object: not read again
        if new is None or old is None:
            days = (new or old).day  # type: ignore[union-attr]
        else:
            both, i, j = np.intersect1d(new.day, old.day, assume_unique=True, return_indices=True)
            same = np.ones(both.size, dtype=bool)
            for k, v in new.cols.items():
                same &= v[i] == old.cols[k][j]
            days = np.concatenate([np.setxor1d(new.day, old.day, assume_unique=True), both[~same]])
        if days.size:
            out.setdefault((min(key), max(key)), []).append(days)
    return {k: np.unique(np.concatenate(v)) for k, v in out.items()}


def carry(r: Resident, previous: Resident | None, changed: dict[tuple[str, str], IntArray] | None) -> None:
    """Keep in ``r`` what ``previous`` computed (the LRUs of :func:`memo_lru`: the dyad series and their encoded
    pages) for every dyad whose rows did not change between them (``changed``: :func:`changed_days`): after a write
    only the dyads it touched are computed again. A dyad's undirected series also needs its engagements unchanged."""
    if previous is None or changed is None or previous.built_on != r.built_on:
        return
    if (previous.engagements is None) != (r.engagements is None):
        return
    same: dict[tuple[str, str], bool] = {}

    def engagements_same(lo: str, hi: str) -> bool:
        if (lo, hi) not in same:
            same[(lo, hi)] = same_engagements(r, previous, lo, hi)
        return same[(lo, hi)]

    for name, lru in previous.memo.items():
        if not isinstance(lru, LRU) or name not in ("series", "pages"):
            continue
        kept = memo_lru(r, str(name), lru.max_bytes, lru.size)
        for key, value in lru.entries():
            directed = key[0] == "directed"
            a, b = (key[1], key[2]) if key[0] in ("directed", "series", "trust") else (key[0], key[1])
            lo, hi = min(a, b), max(a, b)
            if (lo, hi) not in changed and (directed or engagements_same(lo, hi)):
                kept.put(key, value)


def same_engagements(r: Resident, previous: Resident, lo: str, hi: str) -> bool:
    """Whether the undirected dyad (lo, hi) has the same engagement rows in both versions."""
    if r.engagements is None or previous.engagements is None:
        return (r.engagements is None) == (previous.engagements is None)
    x, y = r.engagements.get((lo, hi)), previous.engagements.get((lo, hi))
    return (x is None and y is None) or (
        x is not None and y is not None and np.array_equal(x.day, y.day)
        and all(np.array_equal(v, y.cols[k]) for k, v in x.cols.items())
    )  # fmt: skip


#: How many bytes of series :func:`kept_series` keeps per data version (least recently used dropped first).
KEPT_SERIES_BYTES = 64 << 20


def memo_lru(r: Resident, name: str, max_bytes: int, size: Callable[[Any], int]) -> LRU[Any, Any]:
    """The LRU ``name`` of ``r``'s answers computed once per data version (made on first use)."""
    lru: LRU[Any, Any] | None = r.memo.get(name)
    return lru if lru is not None else r.memo.setdefault(name, LRU(max_bytes, size))


def _nbytes(cols: dict[str, Any]) -> int:
    return sum(int(v.nbytes) for v in cols.values())


def kept_series(r: Resident, a: str, b: str, res: str, until: dt.date | None) -> dict[str, Any]:
    """:func:`dyad_series` computed once per (dyad, resolution, until) and data version: the timeline and the
    trust of a dyad, and their pages, share it. Callers must not change the arrays."""
    series = memo_lru(r, "series", KEPT_SERIES_BYTES, _nbytes)
    key = (min(a, b), max(a, b), res, until)
    cols = series.get(key)
    if cols is None:
        cols = dyad_series(r, a, b, res, until)
        series.put(key, cols)
    return cols


def series_records(
    cols: dict[str, Any], since: dt.date | None, names: tuple[str, ...], digits: int | None = None, start: int = 0
) -> list[dict[str, Any]]:
    """Rows of :func:`dyad_series` from ``since`` (or row ``start``) on, with these columns (period first, as an
    ISO date); floats rounded to ``digits`` decimals when given."""
    if since is not None:
        start = int(np.searchsorted(cols["period"], (since - UNIX).days, side="left"))
    lists = series_lists(cols, names, digits, start)
    keys = ("period", *names)
    return [dict(zip(keys, row, strict=True)) for row in zip(*lists, strict=True)]


def series_lists(cols: dict[str, Any], names: tuple[str, ...], digits: int | None, start: int) -> list[list[Any]]:
    """The values of :func:`series_records` column by column: the periods as ISO dates, then ``names``."""
    return [_iso(cols["period"][start:])] + [_finite(cols[k][start:], digits) for k in names]


def count_from(cols: dict[str, Any], since: dt.date | None) -> int:
    """How many periods of :func:`dyad_series` start on or after ``since``."""
    n = int(cols["period"].size)
    return n if since is None else n - int(np.searchsorted(cols["period"], (since - UNIX).days, side="left"))


def iso_at(cols: dict[str, Any], i: int) -> str:
    """The ISO date of period ``i`` of :func:`dyad_series`."""
    return str(cols["period"][i].astype("datetime64[D]"))


def _finite(v: npt.NDArray[Any], digits: int | None = None) -> list[Any]:
    if v.dtype.kind == "f" and digits is not None:
        v = np.round(v, digits) + 0.0  # + 0.0: no -0.0
    if v.dtype.kind == "f" and not np.isfinite(v).all():
        return [x if np.isfinite(x) else None for x in v.tolist()]
    return list(v.tolist())


SERIES = ("cooperation", "conflict", "events", "balance", "engagements", "engagement_trust", "trust_input", "trust")


#: :func:`events_since` of a question with no answer: the dyad or actor has no event in the range.
NONE = dt.date.max


def events_since(
    r: Resident, a: str, b: str | None, directed: bool, since: dt.date | None, until: dt.date | None, need: int
) -> dt.date | None:
    """A day from which on the dyad (or the actor, ``b`` None) has at least ``need`` events up to ``until``: the
    newest ``need`` events all lie on or after it, so an event search may add it as its ``since`` and the engine
    skips every older part of the events. ``since`` when there are fewer (nothing to narrow); :data:`NONE` when
    there is no such event at all (no query needed)."""
    if b == a:  # an actor with itself: the derived tables hold no such dyad, the events may
        return since
    if b is None:
        keys = [(a, "")]
        rows = r.actor_days
    else:
        keys = [(a, b)] if directed else [(a, b), (b, a)]
        rows = r.directed
    parts = [_window(rows.get(k), _day(since), _day(until)) for k in keys]
    parts = [(d, c["events"]) for d, c in parts if d.size]
    if not parts:
        return NONE
    day = np.concatenate([d for d, _ in parts])
    n = np.concatenate([c for _, c in parts]).astype(np.int64)
    order = np.argsort(-day, kind="stable")
    total = np.cumsum(n[order])
    i = int(np.searchsorted(total, need, side="left"))
    if i >= total.size:
        return since
    return UNIX + dt.timedelta(days=int(day[order][i]))


@dataclass(frozen=True)
class EventPage:
    """Where one page of a dyad's event search lies: every event on the days [since, until] (``rowids``), of
    which the page is ``limit`` rows from ``offset`` in the search's order (newest first, then by event id);
    ``rows``: how many it holds (0: the answer is empty, no query needed)."""

    rowids: list[int]
    since: dt.date
    until: dt.date
    limit: int
    offset: int
    rows: int


def event_page(
    r: Resident, a: str, b: str, directed: bool, since: dt.date | None, until: dt.date | None, limit: int, offset: int
) -> EventPage | None:
    """The rows a dyad's event search (:func:`detente.store.analytics.events.dyad_events`) answers, from the
    resident event rows (:class:`detente.store.resident.EventRows`): the page's days hold at most a few more
    events than the page, so the engine fetches those by row id instead of scanning the events. None when the
    resident rows cannot tell (an actor with itself, or a page older than the events they list)."""
    if a == b:
        return None
    keys = [(a, b)] if directed else [(a, b), (b, a)]
    lists = [e for e in (r.event_rows.get(k) for k in keys) if e is not None]  # a dyad not listed has no event
    lo = _day(since)
    hi = _day(until)
    cut = max((e.complete_from for e in lists if e.complete_from is not None), default=None)
    floor = cut if lo is None or (cut is not None and cut > lo) else lo
    parts = [_window(DyadRows(e.day, {"rowid": e.rowid}), floor, hi) for e in lists]
    day = np.concatenate([d for d, _ in parts]) if parts else _EMPTY_I
    rowid = np.concatenate([c["rowid"] for _, c in parts]) if parts else _EMPTY_I
    end = offset + limit
    if end > day.size and floor != lo:  # the page reaches days older than the listed ones
        return None
    if offset >= day.size:
        return EventPage([], dt.date.min, dt.date.min, limit, 0, 0)
    newest_first = np.sort(day)[::-1]
    top, bottom = int(newest_first[offset]), int(newest_first[min(end, day.size) - 1])
    sel = (day >= bottom) & (day <= top)
    newer = int(np.count_nonzero(day > top))
    return EventPage(
        sorted(rowid[sel].tolist()), UNIX + dt.timedelta(days=bottom), UNIX + dt.timedelta(days=top), limit,
        offset - newer, min(end, day.size) - offset,
    )  # fmt: skip


def kept_page(
    r: Resident, a: str, b: str, directed: bool, since: dt.date | None, until: dt.date | None, limit: int, offset: int
) -> Any | None:
    """A dyad's event search page (an Arrow table with the columns of
    :func:`detente.store.analytics.events.dyad_events`) from the events the resident tables hold whole
    (:class:`detente.store.resident.KeptEvents`): no engine at all. None when they cannot tell (a dyad not kept, or
    a page past its kept events)."""
    kept = r.kept_events
    if kept is None or a == b:
        return None
    parts = []
    for key in [(a, b)] if directed else [(a, b), (b, a)]:
        if key not in r.event_rows:  # no event that way
            continue
        got = kept.dyads.get(key)
        if got is None:
            return None
        parts.append(got)
    if not parts:
        return None
    idx = np.concatenate([np.arange(start, end, dtype=np.int64) for start, end, _ in parts])
    idx = idx[np.lexsort((kept.event_id[idx], -kept.day[idx]))]  # newest first, then by event id
    valid = idx.size  # the merged rows are the search's up to the last kept row of any dyad not kept whole
    for start, end, whole in parts:
        if not whole:
            valid = min(valid, int(np.flatnonzero(idx == end - 1)[0]) + 1) if end > start else 0
    day = kept.day[idx[:valid]]
    lo, hi = _day(since), _day(until)
    mask = np.ones(day.size, dtype=bool)
    if lo is not None:
        mask &= day >= lo
    if hi is not None:
        mask &= day <= hi
    rows = idx[:valid][mask]
    if offset + limit > rows.size and not all(whole for *_, whole in parts):
        return None  # the page reaches past the kept rows
    return kept.table.take(rows[offset : offset + limit])


def tension_rows(r: Resident, actor: str, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """Per partner of ``actor`` with events in [since, until]: cooperation, conflict, events, tension; most tense
    first (ties: by actor), as :func:`detente.store.analytics.dyads.tension_sums` gives them."""
    s, u = _day(since), _day(until)
    rows: list[dict[str, Any]] = []
    for other in r.partners.get(actor, []):
        parts = [_window(r.directed.get((actor, other)), s, u), _window(r.directed.get((other, actor)), s, u)]
        parts = [(d, c) for d, c in parts if d.size]
        if not parts:
            continue
        coop = float(sum(c["cooperation"].sum() for _, c in parts))
        conf = float(sum(c["conflict"].sum() for _, c in parts))
        n = int(sum(c["events"].sum() for _, c in parts))
        rows.append({"actor": other, "cooperation": coop, "conflict": conf, "events": n,
                     "tension": conf / (coop + conf + 1e-9)})  # fmt: skip
    rows.sort(key=lambda x: (-float(x["tension"]), str(x["actor"])))
    return rows


def trust_stocks(r: Resident, actor: str, partners: list[str], on: dt.date, half_life: float) -> dict[str, float]:
    """The trust stock of ``actor`` with each of ``partners`` on ``on``: every daily input up to ``on`` decayed to
    it (:func:`detente.store.analytics.trust.trust_at`). The input is linear, so each direction and the
    engagements are decayed apart and added."""
    out: dict[str, float] = {}
    o = _day(on)
    assert o is not None
    eng_until = _day(min(on, r.built_on))
    for other in partners:
        total = 0.0
        for key in ((actor, other), (other, actor)):
            d, c = _window(r.directed.get(key), None, o)
            if d.size:
                x = COOPERATION_TO_TRUST * c["cooperation"] - CONFLICT_TO_TRUST * c["conflict"]
                total += float((x * np.exp2(-(o - d) / half_life)).sum())
        if r.engagements is not None:
            d, c = _window(r.engagements.get((min(actor, other), max(actor, other))), None, eng_until)
            if d.size:
                total += float((c["engagement_trust"] * np.exp2(-(o - d) / half_life)).sum())
        out[other] = total
    return out
