"""The shared back half of every engagement importer: fold, store, quarantine, reconcile.

An importer's ``parse`` returns a :class:`Parsed`: one row per engagement (keyed
by the dataset's own ``source_id``) with ``rows``, the number of source rows
folded into it, plus the rejected rows with line and reason. :func:`write` then
stores the engagements the store does not hold yet (by dataset and source_id) through the table's one
writer (:func:`detente.store.engagements.write_engagements`),
counts the rest as duplicates, bulk-inserts the quarantine and returns an
:class:`~detente.ingest.base.IngestSummary` that reconciles:
``read = stored + duplicates + filtered + quarantined`` (a rejected row whose reason starts
"not an engagement" is *filtered*, counted by reason, not quarantined: it is not a bad row).
A second import of the same file therefore stores nothing and counts every row as a duplicate.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from detente.core.taxonomy import EngagementKind
from detente.errors import IngestError
from detente.ingest.base import IngestSummary, check_readable, finish_file, register_file
from detente.store.engagements import ENGAGEMENT_SCHEMA, write_engagements
from detente.store.filtered import is_filtered, record_filtered
from detente.store.quarantine import add_quarantine, clear_quarantine
from detente.store.warehouse import Store

__all__ = ["COLUMNS", "EngagementSource", "Parsed", "rejected", "write"]

COLUMNS = [
    "source_id", "kind", "name", "start_date", "end_date", "participants", "third_parties",
    "place", "track", "line", "attributes", "rows",
]  # fmt: skip

_SCHEMA = ENGAGEMENT_SCHEMA.append(pa.field("rows", pa.int64()))


@dataclass
class Parsed:
    """What an importer made of one file."""

    read: int
    engagements: pd.DataFrame  # COLUMNS; one row per source_id
    rejected: pd.DataFrame = field(default_factory=lambda: rejected([]))  # line, reason, raw


@dataclass(frozen=True)
class EngagementSource:
    """A registered engagement dataset: where its file usually lives and how to parse it."""

    name: str
    dataset: str
    path: str  # relative to the shared data folder
    kinds: tuple[EngagementKind, ...]
    description: str
    parse: Callable[..., Parsed]  # (path, *, resolver=None) -> Parsed
    citation: str = ""


def rejected(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["line", "reason", "raw"]).astype({"line": "int64"})


def _json(d: Any) -> str:
    return json.dumps(d, ensure_ascii=False, default=str, sort_keys=True)


def _table(df: pd.DataFrame) -> pa.Table:
    df = df[COLUMNS].copy()
    df["attributes"] = [a if isinstance(a, str) else _json(a) for a in df["attributes"]]
    for col in ("start_date", "end_date"):
        df[col] = pd.to_datetime(df[col]).dt.date
    df["end_date"] = df["end_date"].astype(object).where(df["end_date"].notna(), None)
    for col in ("participants", "third_parties"):
        df[col] = [list(v) if isinstance(v, list | tuple) else [] for v in df[col]]
    df = df.astype({"line": "int64", "rows": "int64"})
    return pa.Table.from_pandas(df, schema=_SCHEMA, preserve_index=False)


def write(store: Store, source: EngagementSource, path: Path, *, replace: bool = False) -> IngestSummary:
    """Import one file of ``source`` into the store; returns the reconciled summary.

    ``replace`` first drops the dataset's engagements and the quarantine of its earlier files (their
    ``files`` rows stay, as history): a fresh import after the reference data learned more names.
    """
    t0 = time.perf_counter()
    p = check_readable(path)
    parsed = source.parse(p)
    eng, rej = parsed.engagements, parsed.rejected
    folded = int(eng["rows"].sum()) if len(eng) else 0
    if parsed.read != folded + len(rej):  # an importer bug, never a data problem
        raise IngestError(
            f"{source.name}: {parsed.read} rows read but {folded} kept and {len(rej)} rejected.",
            hint="Report this: the importer lost rows.",
        )
    if len(eng) and eng["source_id"].duplicated().any():
        raise IngestError(f"{source.name}: an engagement key repeats.", hint="Report this: the importer must fold.")
    with store.transaction():
        file_id = register_file(store, p, source.dataset)
        s = IngestSummary(path=str(p), dataset=source.dataset, file_id=file_id, read=parsed.read)
        if replace:
            clear_quarantine(store, source.dataset, keep_file_id=file_id)
        rows = _table(eng) if len(eng) else _SCHEMA.empty_table()
        s.stored = write_engagements(store, source.dataset, rows, file_id=file_id, replace_dataset=replace)
        s.duplicates = folded - s.stored
        out = rej["reason"].astype(str).map(is_filtered) if len(rej) else pd.Series(dtype=bool)
        if len(rej) and out.any():
            s.filtered_reasons = {str(k): int(v) for k, v in rej.loc[out, "reason"].value_counts().items()}
            rej = rej[~out]
        if len(rej):
            q = rej[["line", "reason", "raw"]].astype({"raw": str})
            s.quarantined = add_quarantine(store, file_id, pa.Table.from_pandas(q, preserve_index=False))
            s.reasons = {str(k): int(v) for k, v in rej["reason"].str.split(":").str[0].value_counts().items()}
        s.seconds = round(time.perf_counter() - t0, 3)
        finish_file(store, s)
        s.filtered = record_filtered(store, file_id, s.filtered_reasons)
    return s
