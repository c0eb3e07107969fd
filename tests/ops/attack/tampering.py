"""Every single-row and single-field edit of one record's rows, tried one at a time against a verdict.

Shared by the tamper-evident log tests (ceasefire agreements, CBM notifications, humanitarian movements): each
edit is applied in its own session, the parties' verdicts are read, and the edit is rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from detente.ops.db import OpsDB

Edit = tuple[str, str, dict[str, Any]]


def other(v: Any, column: str) -> Any:
    """Another value of the column's type (a JSON list gets an item added; NULL gets a value)."""
    if column in ("terms", "evidence"):
        got = json.loads(v) if isinstance(v, str) else v
        return json.dumps([*got, "added"])
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1 if column not in ("party_id", "violator_party_id", "reporting_party_id") else (v % 5) + 1
    if isinstance(v, float):
        return v + 0.5
    if isinstance(v, str):
        try:
            if len(v) == 10:  # a date column
                return (dt.date.fromisoformat(v) + dt.timedelta(days=1)).isoformat()
            return (dt.datetime.fromisoformat(v) + dt.timedelta(seconds=1)).isoformat(" ", "microseconds")
        except ValueError:
            return {"party": "monitor", "monitor": "party"}.get(v, v + "x")
    moment = "2026-01-01 00:00:00.000000"
    return {"verified_at": moment, "acknowledged_at": moment}.get(column, 1)  # NULL: a value of the column's type


def single_edits(
    db: OpsDB, tables: dict[str, str], record: str, value: Callable[[Any, str], Any] = other
) -> Iterator[Edit]:
    """Delete, copy (except the ``record`` table's row: a copy is a new record shared with nobody) and change each
    field of every row ``tables`` (table: WHERE clause) selects, one edit at a time."""
    with db.engine.connect() as con:
        for table, where in tables.items():
            rows = [dict(r._mapping) for r in con.execute(text(f"SELECT * FROM {table} WHERE {where} ORDER BY id"))]
            for row in rows:
                rid = row["id"]
                yield f"delete {table} {rid}", f"DELETE FROM {table} WHERE id = :id", {"id": rid}
                cols = [c for c in row if c != "id"]
                if table != record:
                    yield (
                        f"copy {table} {rid}",
                        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {table} WHERE id = :id",
                        {"id": rid},
                    )
                for c in cols:
                    v = value(row[c], c)
                    yield f"{table} {rid} {c}", f"UPDATE {table} SET {c} = :v WHERE id = :id", {"v": v, "id": rid}


def undetected(db: OpsDB, edits: Iterable[Edit], verdicts: Callable[[Any], list[bool]]) -> tuple[int, list[str]]:
    """How many edits the database took, and the names of those after which some party's verdict was still ok."""
    missed, tried = [], 0
    for name, sql, args in edits:
        with db.session() as s:  # each edit is rolled back after the check
            try:
                s.execute(text(sql), args)
            except IntegrityError:
                s.rollback()
                continue  # the database itself refuses this edit
            tried += 1
            s.expire_all()
            if any(verdicts(s)):
                missed.append(name)
            s.rollback()
    return tried, missed
