"""The operations store: an engine, sessions, and Alembic migrations run from inside the package.

SQLite (the default, embedded) serialises every session through one lock so
that concurrent requests never meet "database is locked"; PostgreSQL uses row
locks where order matters (a channel's hash chain).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from detente.errors import StoreError

__all__ = ["HEAD", "OpsDB", "upsert"]

HEAD = "0105"  # the newest Alembic revision shipped


class OpsDB:
    """An open operations store.

    >>> db = OpsDB("sqlite://")
    >>> db.migrate() == HEAD
    True
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        kw: dict[str, Any] = {"future": True}
        if self.sqlite:
            kw["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if url in ("sqlite://", "sqlite:///:memory:"):
                from sqlalchemy.pool import StaticPool

                kw["poolclass"] = StaticPool
            else:
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        else:
            kw["pool_size"] = 10
            kw["max_overflow"] = 20
            kw["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(url, **kw)
        except (SQLAlchemyError, ImportError, ValueError) as e:
            raise StoreError(
                f"Cannot open the operations store {url!r}: {e}",
                hint="Check DETENTE_OPS_URL (sqlite:///PATH or postgresql+psycopg://...).",
            ) from None
        if self.sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._lock = threading.RLock()
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        lock = self._lock if self.sqlite else _NoLock()
        with lock, self._factory() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def migrate(self, target: str = "head") -> str:
        """Bring the schema to ``target`` (the newest Alembic revision by default); returns the revision."""
        if target in ("head", HEAD) and self.revision() == HEAD:
            return HEAD  # nothing to do: skip loading Alembic (every CLI command opens the store)
        return self._alembic("upgrade", target, "Check that the database is reachable and writable.")

    def downgrade(self, target: str) -> str:
        """Take the schema back to ``target`` (an Alembic revision, or "base"); returns the revision."""
        return self._alembic("downgrade", target, "Check the revision and that the database is writable.")

    def _alembic(self, direction: str, target: str, hint: str) -> str:
        """Run Alembic's ``upgrade`` or ``downgrade`` to ``target`` on this store's connection."""
        from alembic import command
        from alembic.config import Config

        with as_file(files("detente.ops") / "migrations") as where, self._lock, self.engine.begin() as con:
            cfg = Config()
            cfg.set_main_option("script_location", str(where))
            cfg.attributes["connection"] = con
            try:
                getattr(command, direction)(cfg, target)
            except SQLAlchemyError as e:
                verb = "migrate" if direction == "upgrade" else "downgrade"
                raise StoreError(f"Cannot {verb} the operations store: {str(e).splitlines()[0]}", hint=hint) from None
        return self.revision()

    def revision(self) -> str:
        with self.engine.connect() as con:
            if not inspect(con).has_table("alembic_version"):
                return ""
            row = con.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else ""

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(s: Session, table: Table) -> Any:
    """``INSERT`` into ``table`` in the session's dialect, which has ``on_conflict_do_update`` (PostgreSQL's and
    SQLite's are two classes of one shape)."""
    return (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-32768")  # 32 MiB of pages per connection (the default 2 MiB thrashes at 100k rows)
    cur.execute("PRAGMA temp_store=MEMORY")  # sorts of a page of a list stay off disk
    cur.close()
