"""The event pipeline: stage each batch in DuckDB, validate, resolve actors, fold duplicates, store.

Batches stream through in bounded memory: a batch is validated in one statement,
its bad rows go to ``quarantine`` at once, and its canonical rows go straight to
``events``. Across batches only one small row per repeat group is kept (``_keys``:
dedup key, first line, count, event id), so a file larger than memory ingests in
the memory of one batch plus its distinct keys. Every row read ends in exactly one
of three places, so each file's summary reconciles: a new canonical event
(``stored``), a repeat folded into an event (``duplicates``: same dedup key, or a
row ingested before), or ``quarantine`` with its line and reason. Each batch commits
on its own (DuckDB holds an open transaction's appends in memory); a run that fails
removes what it stored, so a file lands whole or not at all.
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


def _norm(col: str) -> str:
    """SQL twin of :func:`detente.core.actors.normalise_name` (names are stored normalised)."""
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


def _create_stage(store: Store) -> None:
    store.con.execute(_LOOKUPS)
    store.con.execute(
        "CREATE OR REPLACE TEMP TABLE _keys (dedup_key UHUGEINT, line BIGINT, n BIGINT, event_id BIGINT, new BOOLEAN)"
    )


def _stage_sql(select: str) -> str:
    cols = ", ".join(f"c.{k}" for k in STAGE_COLUMNS)
    return "CREATE OR REPLACE TEMP TABLE _b AS " + _VALIDATE.format(select=select, cols=cols)


class _Run:
    """The state of one file's ingest: its id, the id base, and running counts."""

    def __init__(self, store: Store, file_id: int, dataset: str) -> None:
        self.store, self.file_id, self.dataset = store, file_id, dataset
        self.next = int(store.scalar("SELECT coalesce(max(event_id), 0) FROM events"))
        self.known = bool(store.scalar("SELECT count(*) > 0 FROM event_rows WHERE dataset = ?", [dataset]))
        self.prior = bool(store.scalar("SELECT count(*) > 0 FROM events WHERE dataset = ?", [dataset]))
        self.read = self.valid = self.quarantined = 0
        self.reasons: dict[str, int] = {}

    def execute(self, sql: str) -> None:
        """Run a statement with those of this run's parameters it names (DuckDB refuses extra ones)."""
        params = {"dataset": self.dataset, "file_id": self.file_id, "next": self.next}
        self.store.con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})

    def batch(self, reader: Reader | None, select: str, batch: pa.Table) -> None:
        """Validate one staged batch and store what it holds (``_batch`` is registered by the caller)."""
        con = self.store.con
        con.execute(_stage_sql(select), {"dataset": self.dataset})
        self.read += int(batch.num_rows)
        bad = int(self.store.scalar("SELECT count(*) FROM _b WHERE why IS NOT NULL"))
        if bad and reader is not None:
            self._raw_text(reader, batch)
            con.execute(
                "INSERT INTO quarantine SELECT $file_id, line, why, left(coalesce(raw, ''), 2000) "
                "FROM _b WHERE why IS NOT NULL",
                {"file_id": self.file_id},
            )
            for reason, n in con.execute(
                "SELECT split_part(why, ':', 1), count(*) FROM _b WHERE why IS NOT NULL GROUP BY 1"
            ).fetchall():
                self.reasons[str(reason)] = self.reasons.get(str(reason), 0) + int(n)
            self.quarantined += bad
        self.valid += int(batch.num_rows) - bad
        if self.known:  # rows ingested before (same dataset and row key) are repeats, nothing more
            con.execute(
                "DELETE FROM _b WHERE why IS NULL AND row_key IN "
                "(SELECT row_key FROM event_rows WHERE dataset = $dataset)",
                {"dataset": self.dataset},
            )
        con.execute(_GROUP)
        con.execute("UPDATE _keys SET n = _keys.n + g.n FROM _g g WHERE g.seen AND _keys.dedup_key = g.dedup_key")
        existing = _EXISTING if self.prior else _NO_EXISTING
        self.execute(_NEW_KEYS.format(existing=existing))
        self.execute(_INSERT_EVENTS)
        self.execute(_INSERT_ROWS)
        self.next = int(self.store.scalar("SELECT coalesce(max(event_id), $next) FROM _keys", {"next": self.next}))

    def _raw_text(self, reader: Reader, batch: pa.Table) -> None:
        """Fill in the text of the rejected rows that have none (only for them: it is costly for every row)."""
        con = self.store.con
        lines = [int(n) for (n,) in con.execute("SELECT line FROM _b WHERE why IS NOT NULL AND raw IS NULL").fetchall()]
        if not lines:
            return
        texts = reader.raw_lines(batch, lines)
        if texts is not None:
            found = pa.table({"line": pa.array(list(texts), pa.int64()), "raw": pa.array(list(texts.values()))})
            con.register("_raw", found)
            try:
                con.execute("UPDATE _b SET raw = x.raw FROM _raw x WHERE x.line = _b.line AND _b.why IS NOT NULL")
            finally:
                con.unregister("_raw")
            return
        raw_sql = reader.raw_text_sql("_batch")
        if raw_sql is not None:
            con.execute(
                f"UPDATE _b SET raw = x.raw FROM ({raw_sql}) x "
                "WHERE x.line = _b.line AND _b.why IS NOT NULL AND _b.raw IS NULL"
            )

    def undo(self) -> None:
        """Remove what a failed run stored, so a file lands whole or not at all."""
        with self.store.transaction() as con:
            for table in ("event_rows", "quarantine", "events", "files"):
                con.execute(f"DELETE FROM {table} WHERE file_id = ?", [self.file_id])

    def finish(self, path: str) -> IngestSummary:
        con = self.store.con
        # Repeats folded into each event: all its rows in this file, less the canonical row if it is new.
        con.execute(
            "UPDATE events SET duplicates = events.duplicates + k.n - CASE WHEN k.new THEN 1 ELSE 0 END "
            "FROM _keys k WHERE events.event_id = k.event_id AND (k.n > 1 OR NOT k.new)"
        )
        stored = int(self.store.scalar("SELECT count(*) FROM _keys WHERE new"))
        s = IngestSummary(
            path=path,
            dataset=self.dataset,
            file_id=self.file_id,
            read=self.read,
            stored=stored,
            duplicates=self.valid - stored,
            quarantined=self.quarantined,
            reasons=dict(sorted(self.reasons.items())),
        )
        if not s.reconciles:  # a bug, never a data problem: refuse to commit a run that loses rows
            raise IngestError(f"Ingest of {path} does not reconcile: {s.to_dict()}", hint="Report this as a bug.")
        finish_file(self.store, s)
        for t in ("_b", "_g", "_keys", "_codes", "_names"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        return s


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
    cols = ", ".join(STAGE_COLUMNS)
    with store.transaction():
        _create_stage(store)
        run = _Run(store, register_file(store, p, reader.dataset, url), reader.dataset)
    try:
        for batch in reader.batches(p, progress=progress):
            # One transaction per batch keeps memory bounded (DuckDB holds uncommitted appends in memory).
            with store.transaction():
                store.con.register("_batch", batch)
                try:
                    run.batch(reader, f"SELECT {cols} FROM ({reader.select_sql('_batch')})", batch)
                finally:
                    store.con.unregister("_batch")
            del batch  # before the reader makes the next one: at most one batch is alive
        with store.transaction():
            summary = run.finish(str(p))
    except BaseException:
        run.undo()
        raise
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
    with store.transaction():
        _create_stage(store)
        run = _Run(store, register_file(store, path, dataset), dataset)
        if rows:
            table = pa.Table.from_pylist(rows)
            store.con.register("_batch", table)
            casts = ", ".join(f"CAST({k} AS {v}) AS {k}" for k, v in STAGE_COLUMNS.items())
            try:
                run.batch(None, f"SELECT {casts} FROM _batch", table)
            finally:
                store.con.unregister("_batch")
        return run.finish(str(path))


# This batch's valid rows grouped by repeat key; `seen`: the key came up in an earlier batch of the file.
_GROUP = """
CREATE OR REPLACE TEMP TABLE _g AS
SELECT g.dedup_key, g.line, g.n, k.dedup_key IS NOT NULL AS seen
FROM (SELECT dedup_key, min(line) AS line, count(*) AS n FROM _b WHERE why IS NULL GROUP BY dedup_key) g
LEFT JOIN _keys k USING (dedup_key)
"""

_EXISTING = "(SELECT dedup_key, event_id FROM events WHERE dataset = $dataset AND file_id <> $file_id)"
_NO_EXISTING = "(SELECT NULL::UHUGEINT AS dedup_key, NULL::BIGINT AS event_id WHERE false)"

# Keys new to this file: an event held before, or a new one numbered on from $next in line order.
_NEW_KEYS = """
INSERT INTO _keys
SELECT g.dedup_key, g.line, g.n,
    coalesce(e.event_id, $next + row_number() OVER (PARTITION BY e.event_id IS NULL ORDER BY g.line, g.dedup_key)),
    e.event_id IS NULL
FROM _g g LEFT JOIN {existing} e USING (dedup_key)
WHERE NOT g.seen
"""

_INSERT_EVENTS = """
INSERT INTO events
SELECT k.event_id, $dataset, n.source_event_id, n.date, n.source_actor, n.target_actor,
    nullif(n.source_sector, ''), nullif(n.target_sector, ''), nullif(n.source_name, ''), nullif(n.target_name, ''),
    n.cameo_code, CAST(left(n.cameo_code, 2) AS TINYINT),
    CASE WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 5 THEN 1
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 8 THEN 2
         WHEN CAST(left(n.cameo_code, 2) AS INTEGER) <= 13 THEN 3 ELSE 4 END,
    coalesce(n.goldstein, n.book_goldstein), n.plover_type, n.plover_mode, n.plover_context,
    n.fatalities, coalesce(n.num_mentions, 1), coalesce(n.num_sources, 1), coalesce(n.num_articles, 1),
    nullif(n.place, ''), n.country, n.latitude, n.longitude, nullif(n.url, ''), n.evidence,
    coalesce(n.confidence, 1.0), $file_id, n.line, 0, n.dedup_key
FROM _b n
JOIN _g g ON g.dedup_key = n.dedup_key AND g.line = n.line AND NOT g.seen
JOIN _keys k ON k.dedup_key = g.dedup_key AND k.new
WHERE n.why IS NULL
"""

_INSERT_ROWS = """
INSERT INTO event_rows
SELECT $dataset, b.row_key, k.event_id, $file_id, b.line
FROM _b b JOIN _keys k USING (dedup_key)
WHERE b.why IS NULL
"""
