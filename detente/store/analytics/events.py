"""Events and what the store holds: a dyad's events and daily sums, sources, quarantine reasons, actors."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.store import prepared
from detente.store.warehouse import Store

__all__ = [
    "actors",
    "actors_expr",
    "data_version",
    "dyad_daily",
    "dyad_daily_expr",
    "dyad_events",
    "dyad_events_at",
    "dyad_events_expr",
    "file_hashes",
    "hostile_events_in_box",
    "hostile_events_in_box_expr",
    "quarantine_reasons",
    "quarantine_reasons_expr",
    "sources",
    "sources_expr",
]


def _dyad_filter(t: ir.Table, a: str, b: str | None, directed: bool) -> ir.BooleanValue:
    if b is None:
        return (t.source_actor == a) | (t.target_actor == a)
    fwd = (t.source_actor == a) & (t.target_actor == b)
    if directed:
        return fwd
    return fwd | ((t.source_actor == b) & (t.target_actor == a))


def dyad_events_expr(
    store: Store,
    a: str,
    b: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
    limit: int | None = 1000,
    offset: int = 0,
) -> ir.Table:
    """Events between two actors (either direction unless ``directed``), newest first."""
    t = store.ibis.table("events")
    expr = t.filter(_dyad_filter(t, a, b, directed))
    if since:
        expr = expr.filter(expr.date >= since)
    if until:
        expr = expr.filter(expr.date <= until)
    expr = expr.order_by([ibis.desc("date"), "event_id"])
    if limit is not None:
        expr = expr.limit(limit, offset=offset)
    return expr.drop("dedup_key")


def dyad_events(
    store: Store,
    a: str,
    b: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
    limit: int | None = 1000,
    offset: int = 0,
) -> pa.Table:
    """:func:`dyad_events_expr`, run; compiled once per shape."""

    def build(
        s: Store, a: str, b: str | None, since: dt.date | None, until: dt.date | None, limit: int | None, offset: int
    ) -> ir.Table:
        return dyad_events_expr(s, a, b, since, until, directed=directed, limit=limit, offset=offset)

    key = ("dyad_events", directed)
    return prepared.run(store, key, build, a=a, b=b, since=since, until=until, limit=limit, offset=offset)


def dyad_events_at(
    store: Store,
    rowids: list[int],
    a: str,
    b: str,
    since: dt.date,
    until: dt.date,
    *,
    directed: bool = False,
    limit: int,
    offset: int = 0,
) -> pa.Table:
    """:func:`dyad_events` among the events at these row ids (DuckDB's ``rowid``): the same columns, filters and
    order, but the engine reads only those rows instead of scanning the events (the server's resident tables
    know where a dyad's newest events lie: :func:`detente.measure.resident.event_page`)."""
    pair = "(source_actor = $a AND target_actor = $b)"
    dyad = pair if directed else f"({pair} OR (source_actor = $b AND target_actor = $a))"
    return store._con.sql(
        "SELECT * EXCLUDE (dedup_key) FROM events WHERE rowid = ANY($ids::BIGINT[]) AND "
        f"{dyad} AND date BETWEEN $since AND $until ORDER BY date DESC, event_id LIMIT $limit OFFSET $offset",
        params={"ids": rowids, "a": a, "b": b, "since": since, "until": until, "limit": limit, "offset": offset},
    ).to_arrow_table()


def dyad_daily_expr(
    store: Store, a: str, b: str, since: dt.date | None = None, until: dt.date | None = None
) -> ir.Table:
    """Daily cooperation and conflict (Goldstein sums, both directions) and event counts of a dyad."""
    t = store.ibis.table("events")
    e = t.filter(_dyad_filter(t, a, b, directed=False))
    if since:
        e = e.filter(e.date >= since)
    if until:
        e = e.filter(e.date <= until)
    g = e.goldstein.fill_null(0)
    return (
        e.group_by("date")
        .aggregate(
            cooperation=ibis.ifelse(g > 0, g, 0).sum(),
            conflict=ibis.ifelse(g < 0, -g, 0).sum(),
            events=e.count(),
            cooperative_events=(g > 0).sum(),
            hostile_events=(g < 0).sum(),
        )
        .order_by("date")
    )


dyad_daily = prepared.named(dyad_daily_expr)


def sources_expr(store: Store) -> ir.Table:
    """Per dataset: files, rows read, stored, duplicates, filtered (out of scope), quarantined (bad), events held
    and date span. Each reconciles: read = stored + duplicates + filtered + quarantined."""
    f = store.ibis.table("files")
    e = store.ibis.table("events")
    per_file = f.group_by("dataset").aggregate(
        files=f.count(),
        read=f.read.sum(),
        stored=f.stored.sum(),
        duplicates=f.duplicates.sum(),
        filtered=f.filtered.sum(),
        quarantined=f.quarantined.sum(),
        last_ingest=f.ingested_at.max(),
    )
    per_event = e.group_by("dataset").aggregate(events=e.count(), first_date=e.date.min(), last_date=e.date.max())
    return per_file.left_join(per_event, "dataset").drop("dataset_right").order_by("dataset")


sources = prepared.named(sources_expr)


def quarantine_reasons_expr(store: Store) -> ir.Table:
    q = store.ibis.table("quarantine")
    f = store.ibis.table("files")
    j = q.join(f, "file_id")
    # Reasons keep their first clause only, so "found 12" and "found 13" count together.
    reason = j.reason.split(":")[0]
    return j.group_by([j.dataset, reason.name("reason")]).aggregate(rows=j.count()).order_by(["dataset", "reason"])


quarantine_reasons = prepared.named(quarantine_reasons_expr)


def actors_expr(store: Store, kind: str | None = None, q: str | None = None) -> ir.Table:
    t = store.ibis.table("actors")
    if kind:
        t = t.filter(t.kind == kind)
    if q:
        pat = f"%{q.lower()}%"
        t = t.filter(t.name.lower().like(pat) | t.actor_id.lower().like(pat))
    return t.order_by("actor_id")


actors = prepared.named(actors_expr)


def data_version(store: Store) -> int:
    """The newest file id: it changes whenever anything is ingested (a cache key for derived data)."""
    f = store.ibis.table("files")
    v = f.file_id.max().to_pyarrow().as_py()
    return int(v) if v is not None else 0


def file_hashes(store: Store, datasets: list[str]) -> list[tuple[str, str]]:
    """(dataset, sha256) of every file ingested for these datasets, oldest first."""
    f = store.ibis.table("files")
    rows = f.filter(f.dataset.isin(datasets)).order_by("file_id").select("dataset", "sha256").to_pyarrow().to_pylist()
    return [(str(r["dataset"]), str(r["sha256"])) for r in rows]


def hostile_events_in_box_expr(
    store: Store, after: dt.date, until: dt.date, lat: tuple[float, float], lon: tuple[float, float]
) -> ir.Table:
    """Material-conflict events (quad class 4) dated in (after, until] inside a latitude/longitude box."""
    e = store.ibis.table("events")
    e = e.filter(
        (e.quad_class == 4)
        & (e.date > after)
        & (e.date <= until)
        & e.latitude.between(lat[0], lat[1])
        & e.longitude.between(lon[0], lon[1])
    )
    return e.select(
        "event_id", "date", "latitude", "longitude", "cameo_code", "source_actor", "target_actor", "place", "url"
    )


hostile_events_in_box = prepared.named(hostile_events_in_box_expr)
