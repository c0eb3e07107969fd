"""The derived tables held in memory for one data version: what the server answers dyad timelines, trust and the
tension map from without a query per request.

``dyad_day`` is small next to the events (one row per directed dyad and day with events: 0.78 M rows for 7.8 M
events), so the server keeps it as NumPy columns sorted by (a, b, day) with each dyad's slice in a dict: a
lookup touches only that dyad's rows. With it: the engagements' daily trust inputs, the actors any event or the
reference knows, the days the store covers, every actor's latest covered day (from ``actor_day``) and, per
directed dyad, where its newest events lie in the ``events`` table (:class:`EventRows`: their days and row ids,
so an event search fetches only the rows of the page asked for instead of scanning the events).
:class:`Resident` is loaded in ONE read transaction (one snapshot) and labelled with the data version it was
read at; a reader uses it only when the labels match (:class:`detente.store.writer.Writer` loads it again after
each write, off the request path), so an answer is never older than the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.store.warehouse import Store

__all__ = [
    "EVENT_ROWS", "EVENT_ROWS_TOTAL", "KEPT_PER_DYAD", "KEPT_TOTAL", "LIST_LIMIT", "UNIX", "EventRows", "KeptEvents",
    "Resident", "Served", "keep_events", "load",
]  # fmt: skip

UNIX = dt.date(1970, 1, 1)
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DyadRows:
    """One directed dyad's (or one undirected dyad's engagement) daily rows, sorted by day."""

    day: IntArray  # days since 1970-01-01
    cols: dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class EventRows:
    """Where one directed dyad's newest events lie: their days (ascending) and ``events`` row ids (DuckDB's
    ``rowid``, stable while no event is deleted: the store never deletes one). Every event of every listed day is
    listed; ``complete_from`` is the oldest listed day when older days were left out (None: all are listed)."""

    day: IntArray
    rowid: IntArray
    complete_from: int | None


@dataclass(frozen=True)
class KeptEvents:
    """The newest events of the most active directed dyads as whole rows (the columns of an event search), so
    their first pages need no engine at all. ``table`` holds each kept dyad's rows together, newest first then
    by event id; ``day``/``event_id`` are its dates (days since 1970) and ids; ``dyads`` maps (source, target) to
    its rows' [start, end) and whether they are all its events."""

    table: Any  # pyarrow.Table
    day: IntArray
    event_id: IntArray
    dyads: dict[tuple[str, str], tuple[int, int, bool]]


@dataclass
class Resident:
    """The derived tables of one data version, in memory (see the module doc)."""

    version: Hashable
    built_on: dt.date
    directed: dict[tuple[str, str], DyadRows]
    engagements: dict[tuple[str, str], DyadRows] | None  # per (lo, hi); None: the store has no engagements view
    partners: dict[str, list[str]]  # actor -> every actor it shares a directed dyad_day row with, sorted
    actor_days: dict[tuple[str, str], DyadRows]  # (actor, "") -> its events per day, every dataset
    known: frozenset[str]
    event_days: IntArray
    coverage: dict[str, dict[str, Any]]  # actor -> latest_covered_day(store, actor)
    engagement_lists: dict[tuple[str, str], list[dict[str, Any]]]  # (lo, hi) -> its latest LIST_LIMIT engagements
    event_rows: dict[tuple[str, str], EventRows] = field(default_factory=dict)  # (source, target) -> its events
    kept_events: KeptEvents | None = None
    files_max: int = 0  # the newest file id and the events held when loaded (a later load adds what came since)
    events_held: int = 0
    reloaded_rows: int = 0  # dyad_day rows loaded again for touched dyads since the last whole load
    since_file: int | None = None  # a load of touched dyads only: the newest file id the tables before it held
    pending: tuple[Any, ...] | None = None  # what :func:`keep_events` needs when the kept events come later
    memo: dict[Hashable, Any] = field(default_factory=dict)  # answers of this version computed once

    def current(self, version: Hashable) -> bool:
        return self.version == version and self.built_on == dt.date.today()


@dataclass(frozen=True)
class Served:
    """What a cursor lent by the server's writer knows: the data version its answers are of, and the resident
    tables of that version (None: the queries run on the engine).

    ``behind``: the cursor's engine reads newer data than ``resident`` holds (a write ended, or is under way, and
    the tables of its version are not served yet); ``version`` is then the tables' own version, and only answers
    from memory may use them: a consistent older snapshot, never mixed with the engine's newer data
    (:meth:`newest` gives what the engine answers with)."""

    version: Hashable
    resident: Resident | None
    behind: Hashable | None = None  # the version the cursor's engine reads, when ``resident`` is older

    def newest(self) -> Served:
        """What the cursor answers with on the engine: its own data's version, without older tables."""
        return self if self.behind is None else Served(self.behind, None)


#: At least how many of each directed dyad's newest events :class:`EventRows` lists (whole days: a few more), and
#: about how many in all (16 bytes each: 64 MiB); when every dyad's share would pass it, each lists fewer.
EVENT_ROWS = 2048
EVENT_ROWS_TOTAL = 4_000_000
#: How many of its newest events :class:`KeptEvents` holds whole per directed dyad (at most EVENT_ROWS), and in
#: all (the most active dyads first; about 300 bytes an event: 80 MiB).
KEPT_PER_DYAD = 320
KEPT_TOTAL = 262_144

#: How many engagements a dyad report lists (:func:`detente.measure.report.dyad_engagements`).
LIST_LIMIT = 20

_SUMS = ("cooperation", "conflict", "events", "cooperative_events", "hostile_events")


def _days(col: Any) -> IntArray:
    return np.asarray(col.to_numpy(zero_copy_only=False).astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def _split(runs: list[tuple[str, str, int]], day: IntArray, cols: dict[str, npt.NDArray[Any]]) -> dict[
    tuple[str, str], DyadRows
]:  # fmt: skip
    """Rows sorted by (a, b, day) cut into one slice per (a, b); ``runs``: (a, b, rows) in the same order."""
    out: dict[tuple[str, str], DyadRows] = {}
    start = 0
    for a, b, n in runs:
        out[(a, b)] = DyadRows(day[start : start + n], {k: v[start : start + n] for k, v in cols.items()})
        start += n
    return out


def _runs(con: Any, table: str) -> list[tuple[str, str, int]]:
    rows = con.execute(f"SELECT a, b, count(*) FROM {table} GROUP BY a, b ORDER BY a, b").fetchall()
    return [(str(a), str(b), int(n)) for a, b, n in rows]


def load(store: Store, version: Hashable, previous: Resident | None = None, *, later: bool = False) -> Resident:
    """Read the derived tables (in one transaction: one snapshot) into a :class:`Resident` labelled ``version``.

    With ``previous`` (the tables of an older version, loaded today) and nothing but new files' events since it
    (no other event added), only the dyads and actors those events name are read again from ``dyad_day`` and
    ``actor_day``; every other dyad's rows are ``previous``'s. The rest (small, or depending on every event: the
    engagements, coverage, days, event rows) is read whole. A whole load again once the rows read for touched
    dyads since the last whole load pass half of all the rows (the old arrays are then released)."""
    from detente.store import derived, prepared
    from detente.store.analytics.coverage import latest_covered_days
    from detente.store.analytics.dyads import dyad_engagement_lists
    from detente.store.analytics.trust import engagement_inputs_expr, has_engagement_dyads

    con = store._con
    con.execute("BEGIN TRANSACTION")
    try:
        if not derived.fresh(store):
            raise LookupError("the derived tables are not in step with the events")
        files_max, held = (int(x) for x in con.execute(
            "SELECT (SELECT coalesce(max(file_id), 0) FROM files), (SELECT count(*) FROM events)"
        ).fetchall()[0])  # fmt: skip
        since = _since(con, previous, files_max, held)
        where = "" if since is None else "JOIN _touched USING (a, b)"
        if since is not None:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _touched AS SELECT DISTINCT source_actor AS a, target_actor AS b"
                " FROM events WHERE file_id > $since AND source_actor IS NOT NULL AND target_actor IS NOT NULL"
                " AND source_actor <> target_actor",
                {"since": since},
            )
        t = con.sql(f"SELECT day, {', '.join(_SUMS)} FROM dyad_day {where} ORDER BY a, b, day").to_arrow_table()
        cols: dict[str, npt.NDArray[Any]] = {
            "cooperation": t.column("cooperation").to_numpy().astype(np.float64),
            "conflict": t.column("conflict").to_numpy().astype(np.float64),
            "events": t.column("events").to_numpy().astype(np.int64),
            "cooperative_events": t.column("cooperative_events").to_numpy().astype(np.int64),
            "hostile_events": t.column("hostile_events").to_numpy().astype(np.int64),
        }
        directed = _split(_runs(con, f"dyad_day {where}"), _days(t.column("day")), cols)
        reloaded = 0
        if previous is not None and since is not None:
            reloaded = previous.reloaded_rows + t.num_rows
            directed = {**previous.directed, **directed}
        pairs = sorted(directed)
        runs = [(a, b, int(directed[(a, b)].day.size)) for a, b in pairs]
        dyad_days = np.concatenate([directed[k].day for k in pairs]) if pairs else _EMPTY
        events = np.concatenate([directed[k].cols["events"] for k in pairs]) if pairs else _EMPTY
        partners: dict[str, set[str]] = {}
        for x, y in directed:
            partners.setdefault(x, set()).add(y)
            partners.setdefault(y, set()).add(x)
        engagements = None
        if has_engagement_dyads(store):  # compiled once: the day itself is a parameter (nothing after today counts)

            def inputs(s: Store, until: dt.date) -> Any:
                return engagement_inputs_expr(s, "day", until=until)

            today = {"until": dt.date.today()}
            sql, names, _ = prepared.compiled(store, (store.path, "engagement_inputs_day"), inputs, today)
            con.execute(f"CREATE OR REPLACE TEMP TABLE _eng AS {sql}", {k: today[k] for k in names} or None)
            e = con.sql("SELECT period, engagements, engagement_trust FROM _eng ORDER BY a, b, period").to_arrow_table()
            engagements = _split(
                _runs(con, "_eng"), _days(e.column("period")),
                {
                    "engagements": e.column("engagements").to_numpy().astype(np.int64),
                    "engagement_trust": e.column("engagement_trust").to_numpy().astype(np.float64),
                },
            )  # fmt: skip
        known = {str(r[0]) for r in con.execute("SELECT actor_id FROM actors").fetchall()}
        touched = (
            ""
            if since is None
            # the actors the new events name
            else (
                f"WHERE actor IN (SELECT source_actor FROM events WHERE file_id > {int(since)}"
                f" UNION SELECT target_actor FROM events WHERE file_id > {int(since)})"
            )
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _ad AS SELECT actor AS a, '' AS b, day, sum(events) AS events "
            f"FROM actor_day {touched} GROUP BY actor, day"
        )
        ad = con.sql("SELECT day, events FROM _ad ORDER BY a, b, day").to_arrow_table()
        actor_days = _split(_runs(con, "_ad"), _days(ad.column("day")), {"events": ad.column("events").to_numpy()})
        if previous is not None and since is not None:
            actor_days = {**previous.actor_days, **actor_days}
        coverage = latest_covered_days(store)  # one entry per actor any event names
        known |= set(coverage)
        days = con.sql("SELECT day FROM event_days ORDER BY day").to_arrow_table()
        lists = dyad_engagement_lists(store, LIST_LIMIT)
        event_rows, listed = _event_rows(con, EVENT_ROWS, runs, dyad_days, events)
        dyads = con.execute("SELECT k, a, b, n FROM _cut ORDER BY n DESC, k").fetchall()
        kept_events = None if later else _kept_events(con, min(KEPT_PER_DYAD, EVENT_ROWS), KEPT_TOTAL, listed, dyads)
    finally:
        con.execute("COMMIT")
    return Resident(
        version=version,
        built_on=dt.date.today(),
        directed=directed,
        engagements=engagements,
        partners={k: sorted(v) for k, v in partners.items()},
        actor_days=actor_days,
        known=frozenset(known),
        event_days=_days(days.column("day")),
        coverage=coverage,
        engagement_lists=lists,
        event_rows=event_rows,
        kept_events=kept_events,
        files_max=files_max,
        events_held=held,
        reloaded_rows=reloaded,
        since_file=since,
        pending=(listed, dyads) if later else None,
    )


def keep_events(store: Store, r: Resident) -> KeptEvents | None:
    """The events held whole of a :class:`Resident` loaded with ``later`` (read in a transaction of its own: the
    caller makes sure the data did not change since ``r``'s), or None when there is nothing to do."""
    if r.pending is None:
        return None
    con = store._con
    con.execute("BEGIN TRANSACTION")
    try:
        return _kept_events(con, min(KEPT_PER_DYAD, EVENT_ROWS), KEPT_TOTAL, *r.pending)
    finally:
        con.execute("COMMIT")


_EMPTY = np.empty(0, dtype=np.int64)


def _since(con: Any, previous: Resident | None, files_max: int, held: int) -> int | None:
    """The newest file id ``previous`` holds when every event added since came with newer files (a load may then
    read only the dyads they touch), else None (a whole load)."""
    if previous is None or previous.built_on != dt.date.today() or files_max < previous.files_max:
        return None
    total = sum(int(r.day.size) for r in previous.directed.values())
    if previous.reloaded_rows * 2 > total:
        return None
    added = int(
        con.execute("SELECT count(*) FROM events WHERE file_id > $f", {"f": previous.files_max}).fetchall()[0][0]
    )
    return previous.files_max if held - previous.events_held == added else None


def _event_rows(
    con: Any, keep: int, runs: list[tuple[str, str, int]], day: IntArray, events: IntArray
) -> tuple[dict[tuple[str, str], EventRows], dict[str, IntArray]]:
    """Per directed dyad, the days and row ids of its events on its newest days holding at least ``keep`` events
    (all of them when it has fewer). ``dyad_day`` (here: its rows sorted by a, b, day, cut in ``runs``) counts
    exactly the events a dyad search finds (both actors named and distinct), so it tells each dyad's oldest day
    to keep without reading the events; the events are then read from the oldest such day on only. Also returns
    those events' columns k (the dyad's place in ``runs``), day, event_id and rowid, sorted by k."""
    import pyarrow as pa

    rows = np.array([r[2] for r in runs], dtype=np.int64)  # dyad_day rows per dyad
    starts = np.concatenate([np.zeros(1, np.int64), np.cumsum(rows)[:-1]])[: rows.size]
    total = np.cumsum(events.astype(np.int64))
    upto = total[starts + rows - 1]  # events up to each dyad's last row, all dyads before it included
    per_dyad = np.diff(np.concatenate([np.zeros(1, np.int64), upto]))
    keep = _share(per_dyad, keep, EVENT_ROWS_TOTAL)
    newer = np.repeat(upto, rows) - total  # events of the dyad on later days than this row's
    drop = np.add.reduceat((newer >= keep).astype(np.int64), starts) if runs else rows
    cut = day[starts + drop]
    con.register(
        "_cut_rows",
        pa.table({
            "k": np.arange(rows.size, dtype=np.int64), "a": [r[0] for r in runs], "b": [r[1] for r in runs],
            "cut": cut.astype("datetime64[D]"), "first": day[starts].astype("datetime64[D]"),
            "n": per_dyad,
        }),
    )  # fmt: skip
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _cut AS SELECT * FROM _cut_rows")
    finally:
        con.unregister("_cut_rows")
    oldest = UNIX + dt.timedelta(days=int(cut.min())) if runs else UNIX
    cuts = con.execute("SELECT a, b, cut, first FROM _cut ORDER BY k").fetchall()
    t = con.sql(
        "SELECT c.k, e.date AS day, e.rowid AS rowid, e.event_id FROM events e JOIN _cut c ON e.source_actor = c.a"
        " AND e.target_actor = c.b WHERE e.date >= c.cut AND e.date >= $oldest ORDER BY c.k, e.date, e.rowid",
        params={"oldest": oldest},
    ).to_arrow_table()
    k = np.asarray(t.column("k").to_numpy(), dtype=np.int64)
    day = _days(t.column("day"))
    rowid = np.asarray(t.column("rowid").to_numpy(), dtype=np.int64)
    bounds = np.searchsorted(k, np.arange(len(cuts) + 1), side="left")
    out: dict[tuple[str, str], EventRows] = {}
    for i, (a, b, cut, first) in enumerate(cuts):
        part = slice(int(bounds[i]), int(bounds[i + 1]))
        out[(str(a), str(b))] = EventRows(day[part], rowid[part], None if first == cut else (cut - UNIX).days)
    event_id = np.asarray(t.column("event_id").to_numpy(), dtype=np.int64)
    return out, {"k": k, "day": day, "event_id": event_id, "rowid": rowid}


def _share(per_dyad: IntArray, keep: int, total: int) -> int:
    """The largest ``k`` <= ``keep`` with sum(min(events, k)) over the dyads within ``total`` (at least 1)."""
    lo, hi = 1, keep
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if int(np.minimum(per_dyad, mid).sum()) <= total:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _kept_events(
    con: Any, per_dyad: int, total: int, listed: dict[str, IntArray], dyads: list[tuple[Any, ...]]
) -> KeptEvents:
    """The newest ``per_dyad`` events of each directed dyad, whole, the most active dyads first while the
    ``total`` lasts; ``listed``: the events :func:`_event_rows` lists (they hold each dyad's newest ones);
    ``dyads``: (k, a, b, events) of every dyad, the most active first."""
    import pyarrow as pa

    picked: list[int] = []
    room = total
    for k, _a, _b, n in dyads:
        if min(int(n), per_dyad) > room:
            break
        picked.append(int(k))
        room -= min(int(n), per_dyad)
    k, day, event_id = listed["k"], listed["day"], listed["event_id"]
    order = np.lexsort((event_id, -day, k))  # per dyad: newest first, then by event id
    k = k[order]
    rank = np.arange(k.size) - np.searchsorted(k, k, side="left")
    chosen = order[np.isin(k, np.array(picked, dtype=np.int64)) & (rank < per_dyad)]  # still sorted by k
    rowid = listed["rowid"][chosen]
    got = con.sql(
        "SELECT rowid AS _rowid, * EXCLUDE (dedup_key) FROM events WHERE rowid = ANY($ids::BIGINT[])",
        params={"ids": rowid.tolist()},
    ).to_arrow_table()
    have = np.asarray(got.column("_rowid").to_numpy(), dtype=np.int64)
    by_id = np.argsort(have)
    table = got.take(pa.array(by_id[np.searchsorted(have, rowid, sorter=by_id)])).drop(["_rowid"])
    kk = listed["k"][chosen]
    out: dict[tuple[str, str], tuple[int, int, bool]] = {}
    name = {int(i): (str(a), str(b), int(n)) for i, a, b, n in dyads}
    for i in picked:
        start, end = int(np.searchsorted(kk, i, side="left")), int(np.searchsorted(kk, i, side="right"))
        a, b, n = name[i]
        out[(a, b)] = (start, end, end - start == n)
    return KeptEvents(
        table, _days(table.column("date")), np.asarray(table.column("event_id").to_numpy(), dtype=np.int64), out
    )
