"""The outbox: changes the ops store makes that the analytics store must receive too, exactly once.

An ops transaction that changes what the store derives from it (a monitor verifies a ceasefire incident)
adds an :class:`OutboxEntry` in the same transaction, so the ops change and the promise to tell the store
commit together. :func:`apply` then brings the store up to date and records the entries it carried in the
store's ``outbox_applied`` table in the same DuckDB transaction; it runs right after the ops commit (on the
server's writer when a server holds the store), when a server starts and whenever the CLI opens the store
for writing. Entries already applied are skipped, so replaying the outbox after a crash is harmless.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Integer, String, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from detente.ops.models import Base, utcnow

if TYPE_CHECKING:
    from detente.config import Settings
    from detente.store import Store

__all__ = ["KINDS", "OutboxEntry", "apply", "apply_pending", "record"]

#: What an entry asks the store to refresh (each kind is applied by rebuilding from the ops state).
KINDS = ("ceasefire_violations",)


class OutboxEntry(Base):
    __tablename__ = "ops_store_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def record(s: Session, kind: str, ref: int | None = None) -> None:
    """Promise, inside the caller's ops transaction, that the store will receive this change."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    s.add(OutboxEntry(kind=kind, ref=ref))


def apply(s: Session, store: Store, *, force: bool = False) -> dict[str, int]:
    """Apply the entries the store has not received (``force``: rebuild even with none). Returns the number of
    ``entries`` applied and of ``rows`` written."""
    from detente.ops.ceasefire import violation_rows
    from detente.store.outbox import applied_ids, publish_violations

    done = applied_ids(store)
    todo = [(e.id, e.kind) for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)) if e.id not in done]
    if not todo and not force:
        return {"entries": 0, "rows": 0}
    rows = violation_rows(s)
    publish_violations(store, rows, todo, utcnow())
    return {"entries": len(todo), "rows": len(rows)}


def apply_pending(store: Store, settings: Settings) -> int:
    """:func:`apply` against the configured ops store, if it exists and has an outbox (never creates one)."""
    url = settings.ops_database_url()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if url in ("sqlite://", "sqlite:///:memory:") or not Path(path).exists():
            return 0
    from detente.ops.db import OpsDB

    db = OpsDB(url)
    try:
        with db.engine.connect() as con:
            if not inspect(con).has_table(OutboxEntry.__tablename__):
                return 0
        with db.session() as s:
            return apply(s, store)["entries"]
    finally:
        db.dispose()
