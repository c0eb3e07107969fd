"""The one writer of ``events``, ``event_rows``, ``quarantine``, ``unresolved_actors`` and event ``files`` rows.

A file's ingest has two phases, so that it lands whole or not at all whatever stops it
(an exception, Ctrl-C, SIGTERM or kill -9):

1. **Stage.** :meth:`EventWriter.begin` reserves a ``file_id`` and creates a per-run
   staging table ``_ingest_stage_<file_id>``. Each batch is validated, typed and its
   actors resolved in one statement, and appended to that table in its own transaction
   (so memory stays bounded: DuckDB holds an open transaction's appends in memory). No
   visible table changes.
2. **Publish.** :meth:`EventWriter.publish` runs ONE transaction: it folds repeats over
   the whole file at once (one group-by, then one lookup of the file's distinct keys in
   the store: dedup never rescans the store per batch), inserts the new events, the
   row map, the new quarantine rows, the unresolved-actor report and the file's row with
   its reconciled counts, runs the publish hooks, and drops the staging table.

The publish runs with DuckDB's memory limit at :data:`PUBLISH_MEMORY` of its setting (restored after; the
setting is the database's, so other connections see it for that while): its hash tables are the run's peak.

A run that dies leaves only its staging table; :func:`sweep` (run by every
:meth:`EventWriter.begin`) drops the staging of runs that are not alive in this process
(DuckDB lets one process write a store file, so any other staging is from a dead run).

**Publish hooks.** :data:`PUBLISH_HOOKS` is a :class:`~detente.registry.Registry` of
callables ``hook(con, file_id) -> None``. Each registered hook runs INSIDE the publish
transaction, after the file's events and rows are inserted (``SELECT ... FROM events
WHERE file_id = ?`` sees exactly the new events, ``event_rows WHERE file_id = ?`` every
accepted row, including repeats folded into older events), so derived tables land
atomically with the events. A hook that raises aborts the publish (nothing lands).
Register one as a plug-in would::

    from detente.store.event_writer import PUBLISH_HOOKS

    @PUBLISH_HOOKS.register("dyad_daily")
    def update_dyad_daily(con, file_id): ...

A caller can also pass ``hooks=`` to :meth:`EventWriter.publish` for hooks of that
publish only (the feed follower records its checkpoint that way).

**Counts.** Every row read ends in exactly one place: a new canonical event
(``stored``), a repeat (``duplicates``: same dedup key as another row of the file or an
event held before, a row ingested before under the same row key, or a bad row
already quarantined by an earlier ingest of the same rows: ``requarantined``, counted
among the duplicates, not quarantined twice), or ``quarantine``. Unresolved actors (a
code or name given that resolves to no actor) are counted per file and listed in
``unresolved_actors``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from detente.core.decode import Decode
from detente.registry import Registry
from detente.store import decode
from detente.store.decode import STAGE_COLUMNS
from detente.store.warehouse import Store

__all__ = [
    "PUBLISH_HOOKS",
    "PUBLISH_PREPARE",
    "STAGE_COLUMNS",
    "EventWriter",
    "FileMeta",
    "PublishHook",
    "Published",
    "stale_stages",
    "sweep",
    "unresolved_actors",
    "unresolved_counts",
]

PublishHook = Callable[[duckdb.DuckDBPyConnection, int], None]
PUBLISH_HOOKS: Registry[PublishHook] = Registry("publish hook")
#: Work a publish hook can do ahead (e.g. compile its queries), given its own cursor on the store: run on a
#: thread while the file is staged, so the publish does not wait for it. Best effort: an error is ignored.
PUBLISH_PREPARE: Registry[Callable[[Store], None]] = Registry("publish preparation")

STAGE_PREFIX = "_ingest_stage_"
BATCH = "_batch"  # the relation name one batch is read from

_ACTIVE: set[int] = set()  # file ids of runs staging in this process
TOP_UNRESOLVED = 10
PART_ROWS = 8_000_000  # rows read per part of a publish (see EventWriter._events)
PUBLISH_MEMORY = 0.8  # share of DuckDB's memory limit the publish may use: the Python side keeps some pages


def _pause(point: str) -> None:
    """Test hook: with DETENTE_TEST_PAUSE=point, announce it and wait there (a kill test signals the process)."""
    if os.environ.get("DETENTE_TEST_PAUSE") != point:
        return
    marker = os.environ.get("DETENTE_TEST_PAUSE_FILE")
    if marker:
        with open(marker, "w", encoding="utf-8") as f:
            f.write(point)
    time.sleep(float(os.environ.get("DETENTE_TEST_PAUSE_SECONDS", "60")))


@dataclass
class FileMeta:
    """Provenance of the file being published."""

    path: str
    name: str
    url: str | None
    sha256: str
    bytes: int


@dataclass
class Published:
    """Reconciled counts of one published file."""

    file_id: int
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    requarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    unresolved: int = 0
    unresolved_top: list[dict[str, Any]] = field(default_factory=list)


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
),
v AS (
    SELECT c.*,
        CASE
            WHEN c.reason IS NOT NULL THEN c.reason
            WHEN c.date IS NULL THEN 'bad or missing date'
            WHEN c.date > current_date + INTERVAL 2 DAY OR c.date < DATE '1800-01-01'
                THEN 'date out of range: ' || CAST(c.date AS VARCHAR)
            WHEN c.cameo_code IS NULL OR c.cameo_code = '' THEN 'missing CAMEO code'
            WHEN c.c1_code IS NULL AND c.c2_code IS NULL THEN 'unknown CAMEO code: ' || left(c.cameo_code, 40)
        END AS why,
        coalesce(c.sa_id, sn.actor_id) AS source_actor,
        coalesce(c.ta_id, tn.actor_id) AS target_actor,
        coalesce(c.cc_id, cn.actor_id, c.country_code) AS country
    FROM c
    LEFT JOIN _names sn ON sn.code = c.sn_key
    LEFT JOIN _names tn ON tn.code = c.tn_key
    LEFT JOIN _names cn ON cn.code = c.cn_key
)
SELECT v.line, v.src_line, v.why,
    CASE WHEN v.why IS NOT NULL THEN v.raw END,
    v.row_key,
    md5_number($dataset || '|' || coalesce(v.dedup_src, v.row_key, CAST(v.line AS VARCHAR))) AS dedup_key,
    v.source_event_id, v.date, v.source_actor, v.target_actor,
    nullif(v.source_sector, ''), nullif(v.target_sector, ''), nullif(v.source_name, ''), nullif(v.target_name, ''),
    v.cameo_code, TRY_CAST(left(v.cameo_code, 2) AS TINYINT),
    CASE WHEN TRY_CAST(left(v.cameo_code, 2) AS INTEGER) <= 5 THEN 1
         WHEN TRY_CAST(left(v.cameo_code, 2) AS INTEGER) <= 8 THEN 2
         WHEN TRY_CAST(left(v.cameo_code, 2) AS INTEGER) <= 13 THEN 3 ELSE 4 END,
    coalesce(v.goldstein, v.book_goldstein), v.plover_type, v.plover_mode, v.plover_context,
    v.fatalities, coalesce(v.num_mentions, 1), coalesce(v.num_sources, 1), coalesce(v.num_articles, 1),
    nullif(v.place, ''), v.country, v.latitude, v.longitude, nullif(v.url, ''), v.evidence,
    coalesce(v.confidence, 1.0),
    CASE WHEN v.why IS NULL AND v.source_actor IS NULL
         THEN coalesce(nullif(trim(v.source_code), ''), nullif(trim(v.source_name), '')) END,
    CASE WHEN v.why IS NULL AND v.target_actor IS NULL
         THEN coalesce(nullif(trim(v.target_code), ''), nullif(trim(v.target_name), '')) END
FROM v
"""

# A staged row with its part key (the dedup key's low 16 bits: a publish in parts filters on it).
_STAGE_ROWS = "SELECT x.*, CAST(x.dedup_key & 65535 AS USMALLINT) FROM ({validate}) x"


# The staging table: one row per row read; ``seq`` is unique (a file's line), ``line`` the line stored.
# Event-shaped columns for valid rows; why/raw for bad ones; src_unres/tgt_unres: the code or name given
# for an actor that resolved to none; k16 the part key. The row keys and event ids (a distinct string a row)
# are kept uncompressed: compressing them was a fifth of the staging write's CPU, for a table read once.
_STAGE_TABLE = """
CREATE TABLE {t} (
    seq BIGINT, line BIGINT, why VARCHAR, raw VARCHAR, row_key VARCHAR USING COMPRESSION uncompressed,
    dedup_key UHUGEINT, source_event_id VARCHAR USING COMPRESSION uncompressed, date DATE,
    source_actor VARCHAR, target_actor VARCHAR,
    source_sector VARCHAR, target_sector VARCHAR, source_name VARCHAR, target_name VARCHAR,
    cameo_code VARCHAR, cameo_root TINYINT, quad_class TINYINT, goldstein DOUBLE,
    plover_type VARCHAR, plover_mode VARCHAR, plover_context VARCHAR, fatalities INTEGER,
    num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER, place VARCHAR, country VARCHAR,
    latitude DOUBLE, longitude DOUBLE, url VARCHAR, evidence VARCHAR, confidence DOUBLE,
    src_unres VARCHAR, tgt_unres VARCHAR, k16 USMALLINT
)
"""


def _prepare(cursor: Store) -> None:
    """Run every :data:`PUBLISH_PREPARE` on its own cursor (a thread of :meth:`EventWriter.begin`)."""
    try:
        for name in PUBLISH_PREPARE.names():
            with contextlib.suppress(Exception):
                PUBLISH_PREPARE.get(name)(cursor)
    finally:
        cursor.close()


def stale_stages(store: Store) -> list[str]:
    """Staging tables of runs not alive in this process (dead runs: a killed or crashed ingest)."""
    rows = store._con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND starts_with(table_name, ?)", [STAGE_PREFIX]
    ).fetchall()
    live = {f"{STAGE_PREFIX}{i}" for i in _ACTIVE}
    return [str(r[0]) for r in rows if str(r[0]) not in live]


def sweep(store: Store) -> int:
    """Drop the staging tables of dead runs; returns how many."""
    stale = stale_stages(store)
    for t in stale:
        with store.transaction() as con:
            con.execute(f'DROP TABLE IF EXISTS "{t}"')
    return len(stale)


class EventWriter:
    """Stage one file's batches, then publish the file in one transaction (see the module docstring)."""

    def __init__(self, store: Store, dataset: str) -> None:
        self.store, self.dataset = store, dataset
        self.file_id = 0
        self.table = ""
        self.batches = 0
        self.dated_keys = False  # a key fixes its event's date (Decode.key_fixes_date): look keys up by day
        self._prepare: threading.Thread | None = None

    # -- stage ------------------------------------------------------------------------------
    def begin(self) -> int:
        """Sweep dead runs' staging, reserve a file id and create this run's staging table."""
        sweep(self.store)
        con = self.store._con
        self.file_id = int(self.store.scalar("SELECT nextval('file_ids')"))
        self.table = f"{STAGE_PREFIX}{self.file_id}"
        _ACTIVE.add(self.file_id)
        with self.store.transaction():
            con.execute(_STAGE_TABLE.format(t=self.table))
        con.execute(_LOOKUPS)
        self._prepare = threading.Thread(target=_prepare, args=(self.store.cursor(),), name="detente-prepare")
        self._prepare.start()
        return self.file_id

    def add(
        self,
        spec: Decode,
        batch: pa.Table,
        *,
        raw_lines: Callable[[list[int]], dict[int, str] | None] | None = None,
    ) -> None:
        """Decode and validate one batch as ``spec`` declares, and append it to the staging table, in its own
        transaction. ``raw_lines(lines)`` gives the text of rejected rows (else ``spec.raw`` rebuilds it).
        A delimited-lines batch whose fields are all text (not bytes) is taken as valid UTF-8 already."""
        utf8 = spec.lines is not None and not any(pa.types.is_binary(f.type) for f in batch.schema)
        self.dated_keys = spec.key_fixes_date()
        self._add(decode.select(spec, BATCH, utf8), batch, raw_lines=raw_lines, raw_sql=decode.raw_text(spec, BATCH))

    def _add(
        self,
        select: str,
        batch: pa.Table,
        *,
        raw_lines: Callable[[list[int]], dict[int, str] | None] | None = None,
        raw_sql: str | None = None,
        own_lines: bool = False,
    ) -> None:
        """``select`` reads relation :data:`BATCH` and returns :data:`STAGE_COLUMNS`; ``raw_lines(lines)`` or
        ``raw_sql`` (a SELECT of (line, raw) over :data:`BATCH`) fills in the text of rejected rows."""
        con = self.store._con
        cols = ", ".join(STAGE_COLUMNS)
        inner = select if own_lines else f"SELECT {cols}, line AS src_line FROM ({select})"
        sql = f"INSERT INTO {self.table} " + _STAGE_ROWS.format(validate=_VALIDATE.format(select=inner))
        first = pa.compute.min(batch["line"]).as_py() if batch.num_rows else None
        con.register(BATCH, batch)
        try:
            with self.store.transaction():
                con.execute(sql, {"dataset": self.dataset})
                if first is not None:
                    self._raw_text(int(first), raw_lines, raw_sql)
        finally:
            con.unregister(BATCH)
        self.batches += 1
        _pause(f"batch:{self.batches}")

    def add_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Stage already-built rows (keys: :data:`STAGE_COLUMNS`), e.g. events from the text coder."""
        if not rows:
            return
        table = pa.Table.from_pylist(list(rows))
        table = table.append_column("seq", pa.array(range(1, len(rows) + 1), pa.int64()))
        casts = ", ".join(f"CAST({k} AS {v}) AS {k}" for k, v in STAGE_COLUMNS.items() if k != "line")
        self._add(f"SELECT seq AS line, {casts}, CAST(line AS BIGINT) AS src_line FROM {BATCH}", table, own_lines=True)

    def _raw_text(
        self, first: int, raw_lines: Callable[[list[int]], dict[int, str] | None] | None, raw_sql: str | None
    ) -> None:
        """Fill in the text of the batch's rejected rows that have none (only them: it is costly for every row)."""
        con, t = self.store._con, self.table
        lines = [
            int(n)
            for (n,) in con.execute(
                f"SELECT seq FROM {t} WHERE seq >= ? AND why IS NOT NULL AND raw IS NULL", [first]
            ).fetchall()
        ]
        if not lines:
            return
        texts = raw_lines(lines) if raw_lines is not None else None
        if texts is not None:
            found = pa.table({"line": pa.array(list(texts), pa.int64()), "raw": pa.array(list(texts.values()))})
            con.register("_raw", found)
            try:
                con.execute(
                    f"UPDATE {t} SET raw = x.raw FROM _raw x "
                    f"WHERE {t}.seq >= ? AND x.line = {t}.seq AND {t}.why IS NOT NULL",
                    [first],
                )
            finally:
                con.unregister("_raw")
        elif raw_sql is not None:
            con.execute(
                f"UPDATE {t} SET raw = x.raw FROM ({raw_sql}) x "
                f"WHERE {t}.seq >= ? AND x.line = {t}.seq AND {t}.why IS NOT NULL AND {t}.raw IS NULL",
                [first],
            )

    def _prepared(self) -> None:
        if self._prepare is not None:
            self._prepare.join()
            self._prepare = None

    def abort(self) -> None:
        """Drop this run's staging (a failed or interrupted run leaves the visible tables as they were)."""
        self._prepared()
        with contextlib.suppress(duckdb.Error):  # no transaction open
            self.store._con.execute("ROLLBACK")
        try:
            with self.store.transaction() as con:
                con.execute(f'DROP TABLE IF EXISTS "{self.table}"')
        except duckdb.Error:
            pass  # the next run's sweep drops it
        finally:
            _ACTIVE.discard(self.file_id)
            self._drop_temps()

    def _drop_temps(self) -> None:
        for t in ("_seen", "_f", "_k", "_u", "_codes", "_names"):
            with contextlib.suppress(duckdb.Error):
                self.store._con.execute(f"DROP TABLE IF EXISTS {t}")

    # -- publish ----------------------------------------------------------------------------
    def publish(self, meta: FileMeta, hooks: Iterable[PublishHook] = ()) -> Published:
        """Make the whole file visible in one transaction; returns its reconciled counts."""
        con, t = self.store._con, self.table
        p = {"dataset": self.dataset, "file_id": self.file_id}
        self._prepared()
        with self._memory(PUBLISH_MEMORY), self.store.transaction():
            prior = self.store.scalar(
                "SELECT count(*) > 0 FROM files WHERE dataset = $dataset", {"dataset": p["dataset"]}
            )
            out = Published(self.file_id)
            out.read = int(self.store.scalar(f"SELECT count(*) FROM {t}"))
            self._quarantine(out, bool(prior))
            self._events(out, bool(prior))
            self._unresolved(out)
            con.execute(
                "INSERT INTO files (file_id, dataset, path, name, url, sha256, bytes, ingested_at, read, stored, "
                "duplicates, quarantined, unresolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.file_id, self.dataset, meta.path, meta.name, meta.url, meta.sha256, meta.bytes,
                    dt.datetime.now(dt.UTC).replace(tzinfo=None), out.read, out.stored, out.duplicates,
                    out.quarantined, out.unresolved,
                ],
            )  # fmt: skip
            for name in PUBLISH_HOOKS.names():
                PUBLISH_HOOKS.get(name)(con, self.file_id)
            for hook in hooks:
                hook(con, self.file_id)
            con.execute(f"DROP TABLE {t}")
            _pause("publish")
        _ACTIVE.discard(self.file_id)
        self._drop_temps()
        _pause("published")
        return out

    @contextlib.contextmanager
    def _memory(self, share: float) -> Iterator[None]:
        """DuckDB's memory limit scaled by ``share`` for a while (the publish's hash tables are its peak)."""
        con = self.store._con
        before = str(self.store.scalar("SELECT current_setting('memory_limit')"))
        m = re.match(r"^\s*([\d.]+)\s*([KMGT]i?B)\s*$", before)
        if m is None:
            yield
            return
        unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2)[0]]
        con.execute(f"SET memory_limit = '{int(float(m.group(1)) * unit * share) >> 20}MiB'")
        try:
            yield
        finally:
            con.execute(f"SET memory_limit = '{before}'")

    def _quarantine(self, out: Published, prior: bool) -> None:
        """Bad rows to quarantine, except those an earlier ingest of this dataset quarantined already."""
        con, t = self.store._con, self.table
        known = ""
        if prior:  # same dataset, line, reason and text: the same bad row, ingested again
            known = (
                "AND NOT EXISTS (SELECT 1 FROM quarantine q JOIN files f USING (file_id) "
                "WHERE f.dataset = $dataset AND q.line = s.line AND q.reason = s.why "
                "AND coalesce(q.raw, '') = left(coalesce(s.raw, ''), 2000))"
            )
        con.execute(
            f"INSERT INTO quarantine SELECT $file_id, s.line, s.why, left(coalesce(s.raw, ''), 2000) "
            f"FROM {t} s WHERE s.why IS NOT NULL {known}",
            {"file_id": self.file_id, **({"dataset": self.dataset} if prior else {})},
        )
        bad = int(self.store.scalar(f"SELECT count(*) FROM {t} WHERE why IS NOT NULL"))
        out.quarantined = int(self.store.scalar("SELECT count(*) FROM quarantine WHERE file_id = ?", [self.file_id]))
        out.requarantined = bad - out.quarantined
        for reason, n in con.execute(
            "SELECT split_part(reason, ':', 1), count(*) FROM quarantine WHERE file_id = ? GROUP BY 1 ORDER BY 1",
            [self.file_id],
        ).fetchall():
            out.reasons[str(reason)] = int(n)

    def _events(self, out: Published, prior: bool) -> None:
        """Fold repeats over the whole file, look its keys up in the store once, insert events and rows.

        A large file is done in parts by dedup key (ranges of its low 16 bits, staged as ``k16``: a filter the
        scan applies before reading the other columns; :data:`PART_ROWS` rows a part): a key's rows are all in
        one part, so each part folds its repeats alone, and every hash table is bounded by a part, not the file
        (the publish's memory and time per row stay flat as files grow)."""
        con, t = self.store._con, self.table
        d = {"dataset": self.dataset}
        nxt = int(self.store.scalar("SELECT coalesce(max(event_id), 0) FROM events"))
        # rows ingested before under the same row key are repeats, nothing more. An inner join looks the file's
        # row keys up (the engine builds its hash table on the file's side and streams the store's rows past it;
        # NOT EXISTS built it on the store's 10 M row keys, seconds per file), then the file's fresh rows are kept
        fresh = "s.why IS NULL"
        if prior:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _seen AS SELECT DISTINCT s.seq FROM {t} s "
                "JOIN event_rows r ON r.row_key = s.row_key WHERE r.dataset = $dataset AND s.why IS NULL",
                d,
            )
            if self.store.scalar("SELECT count(*) FROM _seen"):
                fresh += " AND s.seq NOT IN (SELECT seq FROM _seen)"
        con.execute("CREATE OR REPLACE TEMP TABLE _u (src_unres VARCHAR, tgt_unres VARCHAR)")
        parts = max(1, -(-out.read // PART_ROWS))
        out.stored = 0
        for part in range(parts):
            lo, hi = -(-part * 65536 // parts), -(-(part + 1) * 65536 // parts)
            only = "" if parts == 1 else f" AND s.k16 >= {lo} AND s.k16 < {hi}"
            self._events_part(out, prior, fresh + only, nxt)
        valid = out.read - out.quarantined - out.requarantined
        out.duplicates = valid - out.stored + out.requarantined

    def _events_part(self, out: Published, prior: bool, rows: str, nxt: int) -> None:
        """Fold and insert the staged rows ``rows`` selects (all rows of a dedup key are in it, or none)."""
        con, t = self.store._con, self.table
        d = {"dataset": self.dataset}
        # one row per repeat group: its first row, size, and event (held before, or new: next + seq). When a key
        # fixes its date, a held event with that key is on that date: the lookup joins on the date too, so the
        # engine reads only the row groups of the file's days (the zone maps of ``date``), not every event held
        dated = prior and self.dated_keys
        day = ", min(date) AS date" if dated else ""
        groups = f"SELECT dedup_key, min(seq) AS seq, count(*) AS n{day} FROM {t} s WHERE {rows} GROUP BY dedup_key"
        if prior:
            on = "e.dedup_key = g.dedup_key" + (" AND e.date = g.date" if dated else "")
            sql = f"""SELECT g.dedup_key, g.seq, g.n, coalesce(e.event_id, $next + g.seq) AS event_id,
                e.event_id IS NULL AS new FROM ({groups}) g
                LEFT JOIN (SELECT dedup_key, event_id, date FROM events WHERE dataset = $dataset) e ON {on}"""
        else:
            sql = f"SELECT dedup_key, seq, n, $next + seq AS event_id, true AS new FROM ({groups})"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _k AS {sql}", {**(d if prior else {}), "next": nxt})
        self._insert_part(rows, nxt)
        if prior:  # repeats of events held before add to their count
            con.execute(
                "UPDATE events SET duplicates = events.duplicates + CAST(k.n AS INTEGER) FROM _k k "
                "WHERE NOT k.new AND events.event_id = k.event_id"
            )
        out.stored += int(self.store.scalar("SELECT count(*) FROM _k WHERE new"))

    def _insert_part(self, rows: str, nxt: int) -> None:
        """A part's new events, row map and unresolved actors, from its groups ``_k``. The events are found by a
        join alone: a filter on the staged side would make the engine guess it smaller than ``_k`` and hash it
        (every column of the part's rows)."""
        con, t = self.store._con, self.table
        d = {"dataset": self.dataset}
        # the canonical rows: the hash table holds the new groups' first row and size only
        con.execute(
            f"""INSERT INTO events
            SELECT $next + s.seq, $dataset, s.source_event_id, s.date, s.source_actor, s.target_actor,
                s.source_sector, s.target_sector, s.source_name, s.target_name, s.cameo_code, s.cameo_root,
                s.quad_class, s.goldstein, s.plover_type, s.plover_mode, s.plover_context, s.fatalities,
                s.num_mentions, s.num_sources, s.num_articles, s.place, s.country, s.latitude, s.longitude,
                s.url, s.evidence, s.confidence, $file_id, s.line, CAST(k.n - 1 AS INTEGER), s.dedup_key
            FROM {t} s JOIN (SELECT seq, n FROM _k WHERE new) k ON k.seq = s.seq""",
            {**d, "file_id": self.file_id, "next": nxt},
        )
        # every accepted row to its event, found by its key (one join: the staged row holds its key)
        con.execute(
            f"""INSERT INTO event_rows
            SELECT $dataset, s.row_key, k.event_id, $file_id, s.line
            FROM {t} s JOIN (SELECT dedup_key, event_id FROM _k) k ON k.dedup_key = s.dedup_key WHERE {rows}""",
            {**d, "file_id": self.file_id},
        )
        con.execute(
            f"""INSERT INTO _u SELECT s.src_unres, s.tgt_unres
            FROM {t} s JOIN (SELECT seq FROM _k WHERE new) k ON k.seq = s.seq
            WHERE s.src_unres IS NOT NULL OR s.tgt_unres IS NOT NULL"""
        )

    def _unresolved(self, out: Published) -> None:
        """Per file: how many new events have an actor given but not resolved, and by which code or name
        (``_u``: the new events' unresolved source and target, gathered part by part)."""
        con = self.store._con
        con.execute(
            """INSERT INTO unresolved_actors
            SELECT $file_id, role, actor, count(*) FROM (
                SELECT 'source' AS role, src_unres AS actor FROM _u WHERE src_unres IS NOT NULL
                UNION ALL
                SELECT 'target', tgt_unres FROM _u WHERE tgt_unres IS NOT NULL
            ) GROUP BY ALL""",
            {"file_id": self.file_id},
        )
        out.unresolved = int(self.store.scalar("SELECT count(*) FROM _u"))
        out.unresolved_top = [
            {"role": r[0], "actor": r[1], "events": int(r[2])}
            for r in con.execute(
                "SELECT role, actor, events FROM unresolved_actors WHERE file_id = ? "
                "ORDER BY events DESC, actor, role LIMIT ?",
                [self.file_id, TOP_UNRESOLVED],
            ).fetchall()
        ]


def unresolved_actors(
    store: Store, *, file_id: int | None = None, dataset: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The codes or names given for actors that resolved to none, most frequent first (events, files)."""
    where: list[str] = []
    params: list[object] = []
    if file_id is not None:
        where.append("u.file_id = ?")
        params.append(file_id)
    if dataset is not None:
        where.append("f.dataset = ?")
        params.append(dataset)
    sql = (
        "SELECT f.dataset, u.role, u.actor, sum(u.events) AS events, count(DISTINCT u.file_id) AS files "
        "FROM unresolved_actors u JOIN files f USING (file_id) "
        + ("WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY ALL ORDER BY events DESC, u.actor, u.role LIMIT ?"
    )
    rows = store._con.execute(sql, [*params, limit]).fetchall()
    return [{"dataset": r[0], "role": r[1], "actor": r[2], "events": int(r[3]), "files": int(r[4])} for r in rows]


def unresolved_counts(store: Store) -> dict[str, int]:
    """Per dataset: how many stored events have an actor that resolved to none."""
    rows = store._con.execute(
        "SELECT dataset, sum(unresolved) FROM files GROUP BY dataset HAVING sum(unresolved) > 0 ORDER BY dataset"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
