"""The event pipeline: read a file in batches and hand them to the store's event writer.

Readers (:data:`~detente.ingest.base.SOURCES`) turn a file into Arrow batches and
declare, as data (:mod:`detente.core.decode`), how its raw fields become the staging columns.
The writer (:class:`detente.store.event_writer.EventWriter`) validates and stages
each batch outside the visible tables, then publishes the whole file in one
transaction: every row read ends in exactly one of three places, so each file's
summary reconciles: a new canonical event (``stored``), a repeat folded into an
event (``duplicates``), or ``quarantine`` with its line and reason. A file lands
whole or not at all, whatever stops the run (see :mod:`detente.store.event_writer`).
The file's SHA-256 is computed on a thread while it is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import pyarrow as pa

from detente.core.events import Event
from detente.errors import IngestError
from detente.ingest.base import SOURCES, FileDigest, IngestSummary, check_readable, file_sha256
from detente.store.event_writer import STAGE_COLUMNS, EventWriter, FileMeta, Published, PublishHook
from detente.store.warehouse import Store

__all__ = ["STAGE_COLUMNS", "detect_format", "ingest_events", "ingest_file"]

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


def _summary(path: str, dataset: str, p: Published) -> IngestSummary:
    s = IngestSummary(
        path=path,
        dataset=dataset,
        file_id=p.file_id,
        read=p.read,
        stored=p.stored,
        duplicates=p.duplicates,
        quarantined=p.quarantined,
        reasons=dict(sorted(p.reasons.items())),
        requarantined=p.requarantined,
        unresolved=p.unresolved,
        unresolved_top=p.unresolved_top,
    )
    if not s.reconciles:  # a bug, never a data problem
        raise IngestError(f"Ingest of {path} does not reconcile: {s.to_dict()}", hint="Report this as a bug.")
    return s


def ingest_file(
    store: Store,
    path: str | Path,
    fmt: str = "auto",
    *,
    url: str | None = None,
    progress: Progress | None = None,
    hooks: Iterable[PublishHook] = (),
) -> IngestSummary:
    """Ingest one event file; returns its reconciled summary.

    ``progress`` is called with the number of bytes consumed as reading advances. ``hooks`` run inside the
    publish transaction, after the registered :data:`~detente.store.event_writer.PUBLISH_HOOKS`.
    """
    p = check_readable(Path(path))
    if p.stat().st_size == 0:
        raise IngestError(f"{p} is empty.", hint="Check the file; nothing was ingested.")
    name = detect_format(p) if fmt == "auto" else fmt
    reader = SOURCES.get(name)()
    t0 = time.perf_counter()
    spec = reader.decode()
    digest = FileDigest(p)
    writer = EventWriter(store, reader.dataset)
    try:
        writer.begin()
        for batch in reader.batches(p, progress=progress):
            writer.add(spec, batch, raw_lines=partial(reader.raw_lines, batch))
            del batch  # before the reader makes the next one: at most one batch is alive
        meta = FileMeta(str(p), p.name, url, digest.result(), p.stat().st_size)
        pa.default_memory_pool().release_unused()  # the batches' Arrow memory, before the publish needs its own
        published = writer.publish(meta, hooks)
    except BaseException:
        digest.cancel()
        writer.abort()
        raise
    summary = _summary(str(p), reader.dataset, published)
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
    p = Path(path)
    writer = EventWriter(store, dataset)
    try:
        writer.begin()
        writer.add_rows(rows)
        sha = file_sha256(p) if p.is_file() else ""
        size = p.stat().st_size if p.is_file() else 0
        published = writer.publish(FileMeta(str(p), p.name, None, sha, size))
    except BaseException:
        writer.abort()
        raise
    return _summary(str(path), dataset, published)
