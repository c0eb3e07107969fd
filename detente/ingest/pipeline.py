"""The event pipeline: stage a reader's batches in DuckDB, validate, resolve actors, fold duplicates.

Every row read ends in exactly one of three places, so each file's summary
reconciles: a new canonical event (``stored``), a repeat folded into an event
already held (``duplicates``: same dedup key, or a row ingested before), or
``quarantine`` with its line and reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from detente.core.events import Event
from detente.errors import IngestError
from detente.ingest.base import SOURCES, IngestSummary, Reader, check_readable, finish_file, register_file
from detente.store.warehouse import Store

__all__ = ["STAGE_COLUMNS", "detect_format", "ingest_events", "ingest_file"]

# Columns every reader's select_sql returns, with their DuckDB types.
STAGE_COLUMNS: dict[str, str] = {
    "line": "BIGINT",
    "reason": "VARCHAR",
    "raw": "VARCHAR",
    "row_key": "VARCHAR",
    "dedup_src": "VARCHAR",
    "source_event_id": "VARCHAR",
    "date": "DATE",
    "source_code": "VARCHAR",
    "target_code": "VARCHAR",
    "source_name": "VARCHAR",
    "target_name": "VARCHAR",
    "source_sector": "VARCHAR",
    "target_sector": "VARCHAR",
    "cameo_code": "VARCHAR",
    "goldstein": "DOUBLE",
    "fatalities": "INTEGER",
    "num_mentions": "INTEGER",
    "num_sources": "INTEGER",
    "num_articles": "INTEGER",
    "place": "VARCHAR",
    "country_code": "VARCHAR",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "url": "VARCHAR",
    "evidence": "VARCHAR",
    "confidence": "DOUBLE",
}

Progress = Callable[[int], None]


def detect_format(path: Path) -> str:
    """The registered reader whose sniff() accepts the file's first bytes, or one clear error."""
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
    if not head.strip():
        raise IngestError(f"{path} is empty.", hint="Check the file; nothing was ingested.")
    for name in SOURCES.names():
        if SOURCES.get(name)().sniff(head, path):
            return name
    raise IngestError(
        f"Cannot tell the format of {path.name}.",
        hint=f"Pass --format, one of: {', '.join(SOURCES.names())}.",
    )


def _create_stage(store: Store) -> None:
    cols = ", ".join(f"{k} {v}" for k, v in STAGE_COLUMNS.items())
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE _stage ({cols})")


def _stage_batch(store: Store, reader: Reader, batch: pa.Table) -> int:
    store.con.register("_batch", batch)
    try:
        cols = ", ".join(STAGE_COLUMNS)
        store.con.execute(f"INSERT INTO _stage ({cols}) SELECT {cols} FROM ({reader.select_sql('_batch')})")
    finally:
        store.con.unregister("_batch")
    return int(batch.num_rows)


def ingest_file(
    store: Store,
    path: str | Path,
    fmt: str = "auto",
    *,
    url: str | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest one event file; returns its reconciled summary.

    ``progress`` is called with the number of bytes consumed as reading advances.
    """
    p = check_readable(Path(path))
    if p.stat().st_size == 0:
        raise IngestError(f"{p} is empty.", hint="Check the file; nothing was ingested.")
    name = detect_format(p) if fmt == "auto" else fmt
    reader = SOURCES.get(name)()
    t0 = time.perf_counter()
    _create_stage(store)
    read = 0
    for batch in reader.batches(p, progress=progress):
        read += _stage_batch(store, reader, batch)
    with store.transaction():
        file_id = register_file(store, p, reader.dataset, url)
        summary = _finish(store, file_id, str(p), reader.dataset, read)
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def ingest_events(store: Store, events: Iterable[Event], path: Path, dataset: str = "coder") -> IngestSummary:
    """Ingest already-built events (e.g. from the text coder) through the same validation and dedup."""
    rows = []
    for i, e in enumerate(events, start=1):
        rows.append(
            {
                "line": e.line or i,
                "reason": None,
                "raw": None,
                "row_key": e.source_event_id or f"{e.date}|{e.source_actor}|{e.target_actor}|{e.cameo_code}|{i}",
                "dedup_src": "|".join(
                    str(x) for x in (e.date, e.source_actor, e.target_actor, e.cameo_code, e.url or e.evidence)
                ),
                "source_event_id": e.source_event_id,
                "date": e.date,
                "source_code": e.source_actor,
                "target_code": e.target_actor,
                "source_name": e.source_name,
                "target_name": e.target_name,
                "source_sector": e.source_sector,
                "target_sector": e.target_sector,
                "cameo_code": e.cameo_code,
                "goldstein": e.goldstein,
                "fatalities": e.fatalities,
                "num_mentions": e.num_mentions,
                "num_sources": e.num_sources,
                "num_articles": e.num_articles,
                "place": e.place,
                "country_code": e.country,
                "latitude": e.latitude,
                "longitude": e.longitude,
                "url": e.url,
                "evidence": e.evidence,
                "confidence": e.confidence,
            }
        )
    _create_stage(store)
    if rows:
        table = pa.Table.from_pylist(rows)
        store.con.register("_batch", table)
        cols = ", ".join(STAGE_COLUMNS)
        casts = ", ".join(f"CAST({k} AS {v}) AS {k}" for k, v in STAGE_COLUMNS.items())
        store.con.execute(f"INSERT INTO _stage ({cols}) SELECT {casts} FROM _batch")
        store.con.unregister("_batch")
    with store.transaction():
        file_id = register_file(store, path, dataset)
        return _finish(store, file_id, str(path), dataset, len(rows))


_VALIDATE = r"""
CREATE OR REPLACE TEMP TABLE _valid AS
WITH codes AS (
    SELECT code, arg_min(actor_id, CASE system WHEN 'id' THEN 0 WHEN 'iso3' THEN 1 WHEN 'cameo' THEN 2
                                              WHEN 'alias' THEN 3 ELSE 4 END) AS actor_id
    FROM actor_codes WHERE system <> 'name' GROUP BY code
), names AS (  -- names are stored as the reference loader normalises them: casefolded, no dots, commas as spaces
    SELECT code, arg_min(actor_id, system) AS actor_id FROM actor_codes GROUP BY code
)
SELECT s.*,
    CASE
        WHEN s.reason IS NOT NULL THEN s.reason
        WHEN s.date IS NULL THEN 'bad or missing date'
        WHEN s.date > current_date + INTERVAL 2 DAY OR s.date < DATE '1800-01-01'
            THEN 'date out of range: ' || CAST(s.date AS VARCHAR)
        WHEN s.cameo_code IS NULL OR s.cameo_code = '' THEN 'missing CAMEO code'
        WHEN c1.code IS NULL AND c2.code IS NULL THEN 'unknown CAMEO code: ' || left(s.cameo_code, 40)
    END AS why,
    coalesce(c1.goldstein, c2.goldstein) AS book_goldstein,
    coalesce(c1.plover_type, c2.plover_type) AS plover_type,
    coalesce(c1.plover_mode, c2.plover_mode) AS plover_mode,
    coalesce(c1.plover_context, c2.plover_context) AS plover_context,
    coalesce(sa.actor_id, sn.actor_id) AS source_actor,
    coalesce(ta.actor_id, tn.actor_id) AS target_actor,
    coalesce(cc.actor_id, cn.actor_id, s.country_code) AS country
FROM _stage s
LEFT JOIN cameo c1 ON c1.code = s.cameo_code
LEFT JOIN cameo c2 ON c2.code = left(s.cameo_code, 3) AND length(s.cameo_code) = 4
LEFT JOIN codes sa ON sa.code = upper(s.source_code)
LEFT JOIN names sn ON sn.code = trim(regexp_replace(translate(lower(s.source_name), ',.', ' '), '\s+', ' ', 'g'))
LEFT JOIN codes ta ON ta.code = upper(s.target_code)
LEFT JOIN names tn ON tn.code = trim(regexp_replace(translate(lower(s.target_name), ',.', ' '), '\s+', ' ', 'g'))
LEFT JOIN codes cc ON cc.code = upper(s.country_code)
LEFT JOIN names cn ON cn.code = trim(regexp_replace(translate(lower(s.country_code), ',.', ' '), '\s+', ' ', 'g'))
"""

_NEW_ROWS = """
CREATE OR REPLACE TEMP TABLE _new AS
SELECT v.*, md5($dataset || '|' || coalesce(v.dedup_src, v.row_key)) AS dedup_key,
       row_number() OVER (PARTITION BY v.row_key ORDER BY v.line) AS rk_n
FROM _valid v
WHERE v.why IS NULL
  AND NOT EXISTS (SELECT 1 FROM event_rows r WHERE r.dataset = $dataset AND r.row_key = v.row_key)
"""

_CANON = """
CREATE OR REPLACE TEMP TABLE _canon AS
WITH firsts AS (
    SELECT dedup_key, min(line) AS line, count(*) AS n FROM _new WHERE rk_n = 1 GROUP BY dedup_key
)
SELECT f.dedup_key, f.line, f.n, e.event_id AS existing_id
FROM firsts f LEFT JOIN (SELECT dedup_key, event_id FROM events WHERE dataset = $dataset) e USING (dedup_key)
"""

_INSERT_EVENTS = """
INSERT INTO events
SELECT $base + row_number() OVER (ORDER BY n.line) AS event_id,
    $dataset, n.source_event_id, n.date, n.source_actor, n.target_actor,
    nullif(n.source_sector, ''), nullif(n.target_sector, ''), nullif(n.source_name, ''), nullif(n.target_name, ''),
    n.cameo_code, CAST(left(n.cameo_code, 2) AS TINYINT),
    CASE WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 5 THEN 1
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 8 THEN 2
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 13 THEN 3 ELSE 4 END,
    coalesce(n.goldstein, n.book_goldstein), n.plover_type, n.plover_mode, n.plover_context,
    n.fatalities, coalesce(n.num_mentions, 1), coalesce(n.num_sources, 1), coalesce(n.num_articles, 1),
    nullif(n.place, ''), n.country, n.latitude, n.longitude, nullif(n.url, ''), n.evidence,
    coalesce(n.confidence, 1.0), $file_id, n.line, c.n - 1, n.dedup_key
FROM _new n JOIN _canon c ON c.dedup_key = n.dedup_key AND c.line = n.line
WHERE c.existing_id IS NULL AND n.rk_n = 1
"""


def _finish(store: Store, file_id: int, path: str, dataset: str, read: int) -> IngestSummary:
    con = store.con
    params = {"dataset": dataset}
    con.execute(_VALIDATE)
    con.execute(
        "INSERT INTO quarantine SELECT ?, line, why, left(coalesce(raw, ''), 2000) FROM _valid WHERE why IS NOT NULL",
        [file_id],
    )
    con.execute(_NEW_ROWS, params)
    con.execute(_CANON, params)
    base_row = con.execute("SELECT coalesce(max(event_id), 0) FROM events").fetchone()
    base = int(base_row[0]) if base_row else 0
    con.execute(_INSERT_EVENTS, {"dataset": dataset, "base": base, "file_id": file_id})
    # Repeats of events held from earlier files: count them on the canonical event.
    con.execute(
        "UPDATE events SET duplicates = events.duplicates + c.n FROM _canon c "
        "WHERE c.existing_id IS NOT NULL AND events.event_id = c.existing_id"
    )
    con.execute(
        "INSERT INTO event_rows SELECT $dataset, n.row_key, e.event_id, $file_id, n.line "
        "FROM _new n JOIN events e ON e.dedup_key = n.dedup_key AND e.dataset = $dataset WHERE n.rk_n = 1",
        {"dataset": dataset, "file_id": file_id},
    )
    row = con.execute(
        "SELECT count(*) FILTER (WHERE why IS NOT NULL), count(*) FILTER (WHERE why IS NULL) FROM _valid"
    ).fetchone()
    stored_row = con.execute("SELECT count(*) FROM _canon WHERE existing_id IS NULL").fetchone()
    assert row is not None and stored_row is not None
    quarantined, valid, stored = int(row[0]), int(row[1]), int(stored_row[0])
    reasons = dict(
        con.execute(
            "SELECT split_part(why, ':', 1) AS r, count(*) FROM _valid WHERE why IS NOT NULL GROUP BY r ORDER BY r"
        ).fetchall()
    )
    s = IngestSummary(
        path=path,
        dataset=dataset,
        file_id=file_id,
        read=read,
        stored=stored,
        duplicates=valid - stored,
        quarantined=quarantined,
        reasons={str(k): int(v) for k, v in reasons.items()},
    )
    if not s.reconciles:  # a bug, never a data problem: refuse to commit a run that loses rows
        raise IngestError(f"Ingest of {path} does not reconcile: {s.to_dict()}", hint="Report this as a bug.")
    finish_file(store, s)
    for t in ("_stage", "_valid", "_new", "_canon"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return s
