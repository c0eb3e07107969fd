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
import pyarrow.compute as pc

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


def _norm(col: str) -> str:
    """SQL normalising a name as the reference loader does: casefolded, no dots, commas as spaces."""
    return rf"trim(regexp_replace(translate(lower({col}), ',.', ' '), '\s+', ' ', 'g'))"


_LOOKUPS = """
CREATE OR REPLACE TEMP TABLE _codes AS
    SELECT code, arg_min(actor_id, CASE system WHEN 'id' THEN 0 WHEN 'iso3' THEN 1 WHEN 'cameo' THEN 2
                                              WHEN 'alias' THEN 3 ELSE 4 END) AS actor_id
    FROM actor_codes WHERE system <> 'name' GROUP BY code;
CREATE OR REPLACE TEMP TABLE _names AS
    SELECT code, arg_min(actor_id, system) AS actor_id FROM actor_codes GROUP BY code;
"""

# Staging, validation and actor resolution in one pass per batch. Names are normalised only
# where the code did not resolve (CASE evaluates its branch for those rows alone).
_VALIDATE = f"""
WITH s AS ({{select}}),
c AS (
    SELECT s.*, sa.actor_id AS sa_id, ta.actor_id AS ta_id, cc.actor_id AS cc_id,
        c1.code AS c1_code, c2.code AS c2_code,
        coalesce(c1.goldstein, c2.goldstein) AS book_goldstein,
        coalesce(c1.plover_type, c2.plover_type) AS plover_type,
        coalesce(c1.plover_mode, c2.plover_mode) AS plover_mode,
        coalesce(c1.plover_context, c2.plover_context) AS plover_context,
        CASE WHEN sa.actor_id IS NULL THEN {_norm("s.source_name")} END AS sn_key,
        CASE WHEN ta.actor_id IS NULL THEN {_norm("s.target_name")} END AS tn_key,
        CASE WHEN cc.actor_id IS NULL THEN {_norm("s.country_code")} END AS cn_key
    FROM s
    LEFT JOIN cameo c1 ON c1.code = s.cameo_code
    LEFT JOIN cameo c2 ON c2.code = left(s.cameo_code, 3) AND length(s.cameo_code) = 4
    LEFT JOIN _codes sa ON sa.code = upper(s.source_code)
    LEFT JOIN _codes ta ON ta.code = upper(s.target_code)
    LEFT JOIN _codes cc ON cc.code = upper(s.country_code)
)
SELECT {{cols}},
    CASE
        WHEN c.reason IS NOT NULL THEN c.reason
        WHEN c.date IS NULL THEN 'bad or missing date'
        WHEN c.date > current_date + INTERVAL 2 DAY OR c.date < DATE '1800-01-01'
            THEN 'date out of range: ' || CAST(c.date AS VARCHAR)
        WHEN c.cameo_code IS NULL OR c.cameo_code = '' THEN 'missing CAMEO code'
        WHEN c.c1_code IS NULL AND c.c2_code IS NULL THEN 'unknown CAMEO code: ' || left(c.cameo_code, 40)
    END AS why,
    c.book_goldstein, c.plover_type, c.plover_mode, c.plover_context,
    coalesce(c.sa_id, sn.actor_id) AS source_actor,
    coalesce(c.ta_id, tn.actor_id) AS target_actor,
    coalesce(c.cc_id, cn.actor_id, c.country_code) AS country,
    md5_number($dataset || '|' || coalesce(c.dedup_src, c.row_key, CAST(c.line AS VARCHAR))) AS dedup_key
FROM c
LEFT JOIN _names sn ON sn.code = c.sn_key
LEFT JOIN _names tn ON tn.code = c.tn_key
LEFT JOIN _names cn ON cn.code = c.cn_key
"""

_VALID_EXTRA = {
    "why": "VARCHAR",
    "book_goldstein": "DOUBLE",
    "plover_type": "VARCHAR",
    "plover_mode": "VARCHAR",
    "plover_context": "VARCHAR",
    "source_actor": "VARCHAR",
    "target_actor": "VARCHAR",
    "country": "VARCHAR",
    "dedup_key": "UHUGEINT",
}


def _create_stage(store: Store) -> None:
    cols = ", ".join(f"{k} {v}" for k, v in {**STAGE_COLUMNS, **_VALID_EXTRA}.items())
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE _valid ({cols})")
    store.con.execute(_LOOKUPS)


def _stage_sql(select: str, dataset: str) -> str:
    cols = ", ".join(f"c.{k}" for k in STAGE_COLUMNS)
    return "INSERT INTO _valid " + _VALIDATE.format(select=select, cols=cols)


def _stage_batch(store: Store, reader: Reader, batch: pa.Table) -> int:
    store.con.register("_batch", batch)
    try:
        cols = ", ".join(STAGE_COLUMNS)
        select = f"SELECT {cols} FROM ({reader.select_sql('_batch')})"
        store.con.execute(_stage_sql(select, reader.dataset), {"dataset": reader.dataset})
        raw_sql = reader.raw_text_sql("_batch")
        if raw_sql is not None and batch.num_rows:
            span_of = pc.min_max(batch["line"])  # readers may append their rejects after the good rows
            lo, hi = span_of["min"].as_py(), span_of["max"].as_py()
            span = "WHERE why IS NOT NULL AND raw IS NULL AND line BETWEEN $lo AND $hi"
            missing = store.con.execute(f"SELECT count(*) FROM _valid {span}", {"lo": lo, "hi": hi}).fetchall()
            if missing[0][0]:
                store.con.execute(
                    f"UPDATE _valid SET raw = x.raw FROM ({raw_sql}) x "
                    f"WHERE x.line = _valid.line AND why IS NOT NULL AND _valid.raw IS NULL "
                    f"AND _valid.line BETWEEN $lo AND $hi",
                    {"lo": lo, "hi": hi},
                )
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
        casts = ", ".join(f"CAST({k} AS {v}) AS {k}" for k, v in STAGE_COLUMNS.items())
        store.con.execute(_stage_sql(f"SELECT {casts} FROM _batch", dataset), {"dataset": dataset})
        store.con.unregister("_batch")
    with store.transaction():
        file_id = register_file(store, path, dataset)
        return _finish(store, file_id, str(path), dataset, len(rows))


_FIRSTS = """
CREATE OR REPLACE TEMP TABLE _firsts AS
SELECT f.dedup_key, f.line, f.n, e.event_id AS existing_id
FROM (
    SELECT dedup_key, min(line) AS line, count(*) AS n FROM _valid v
    WHERE why IS NULL {known}
    GROUP BY dedup_key
) f
LEFT JOIN (SELECT dedup_key, event_id FROM events WHERE dataset = $dataset) e USING (dedup_key)
"""

_KNOWN = "AND NOT EXISTS (SELECT 1 FROM event_rows r WHERE r.dataset = $dataset AND r.row_key = v.row_key)"

_INSERT_EVENTS = """
INSERT INTO events
SELECT $base + n.line AS event_id,
    $dataset, n.source_event_id, n.date, n.source_actor, n.target_actor,
    nullif(n.source_sector, ''), nullif(n.target_sector, ''), nullif(n.source_name, ''), nullif(n.target_name, ''),
    n.cameo_code, CAST(left(n.cameo_code, 2) AS TINYINT),
    CASE WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 5 THEN 1
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 8 THEN 2
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 13 THEN 3 ELSE 4 END,
    coalesce(n.goldstein, n.book_goldstein), n.plover_type, n.plover_mode, n.plover_context,
    n.fatalities, coalesce(n.num_mentions, 1), coalesce(n.num_sources, 1), coalesce(n.num_articles, 1),
    nullif(n.place, ''), n.country, n.latitude, n.longitude, nullif(n.url, ''), n.evidence,
    coalesce(n.confidence, 1.0), $file_id, n.line, f.n - 1, n.dedup_key
FROM _valid n JOIN _firsts f ON f.dedup_key = n.dedup_key AND f.line = n.line
WHERE f.existing_id IS NULL AND n.why IS NULL
"""

_INSERT_ROWS = """
INSERT INTO event_rows
SELECT $dataset, v.row_key, coalesce(f.existing_id, $base + f.line), $file_id, v.line
FROM _valid v JOIN _firsts f USING (dedup_key)
WHERE v.why IS NULL {known}
"""


def _finish(store: Store, file_id: int, path: str, dataset: str, read: int) -> IngestSummary:
    con = store.con
    con.execute(
        "INSERT INTO quarantine SELECT ?, line, why, left(coalesce(raw, ''), 2000) FROM _valid WHERE why IS NOT NULL",
        [file_id],
    )
    seen = store.scalar("SELECT count(*) > 0 FROM event_rows WHERE dataset = ?", [dataset])
    known = _KNOWN if seen else ""
    con.execute(_FIRSTS.format(known=known), {"dataset": dataset})
    # Event ids: above every id held, offset by the line of the event's first row (unique within a file).
    base = int(store.scalar("SELECT coalesce(max(event_id), 0) FROM events"))
    con.execute(_INSERT_EVENTS, {"dataset": dataset, "base": base, "file_id": file_id})
    # Repeats of events held from earlier files: count them on the canonical event.
    con.execute(
        "UPDATE events SET duplicates = events.duplicates + f.n FROM _firsts f "
        "WHERE f.existing_id IS NOT NULL AND events.event_id = f.existing_id"
    )
    con.execute(_INSERT_ROWS.format(known=known), {"dataset": dataset, "base": base, "file_id": file_id})
    row = con.execute(
        "SELECT count(*) FILTER (WHERE why IS NOT NULL), count(*) FILTER (WHERE why IS NULL) FROM _valid"
    ).fetchall()[0]
    stored = int(store.scalar("SELECT count(*) FROM _firsts WHERE existing_id IS NULL"))
    quarantined, valid = int(row[0]), int(row[1])
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
    for t in ("_valid", "_firsts", "_codes", "_names"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return s
