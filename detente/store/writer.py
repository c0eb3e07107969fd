"""One writer, many readers: how a served store is shared between the requests and jobs of one process.

DuckDB lets one process hold a database file read-write, and inside that process any number of
connections (cursors) read in parallel, each from its own MVCC snapshot. :class:`Writer` holds the
process's store and lends its write side to one job at a time (the lock is the queue); readers take
their own cursor and never wait for a writer. ``generation`` counts finished writes, so caches of
answers keyed by it stay correct without being told what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from detente.store.warehouse import Store

__all__ = ["Lent", "Writer"]


class Lent(Store):
    """A store lent for one job; closing it gives it back (its cursor closes, the writer is released)."""

    def __init__(self, cm: AbstractContextManager[Store]) -> None:
        s = cm.__enter__()
        super().__init__(s._con, s.path)
        self._cm: AbstractContextManager[Store] | None = cm

    def close(self) -> None:
        cm, self._cm = self._cm, None
        if cm is not None:
            cm.__exit__(None, None, None)


class Writer:
    """The write side of an open store, one job at a time, plus cursors for readers.

    >>> w = Writer(Store.open(":memory:"))
    >>> with w.write() as s:
    ...     _ = s._con.execute("CREATE TABLE t AS SELECT 1 AS x")
    >>> with w.read() as r:
    ...     r.scalar("SELECT x FROM t")
    1
    >>> w.generation
    1
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self.generation = 0

    @contextmanager
    def write(self) -> Iterator[Store]:
        """The store's write side for one job; other writers wait until it is done."""
        with self._lock:
            cur = Store(self.store._con.cursor(), self.store.path)
            try:
                yield cur
            finally:
                cur.close()
                self.bump()

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A cursor of its own: a snapshot that runs in parallel with the writer and other readers."""
        cur = Store(self.store._con.cursor(), self.store.path)
        try:
            yield cur
        finally:
            cur.close()

    def lend(self, *, write: bool) -> Lent:
        """:meth:`write` or :meth:`read` as a store of its own, given back by ``close()``."""
        return Lent(self.write() if write else self.read())

    def bump(self) -> None:
        """Mark the data changed (cached answers of older generations are no longer used)."""
        with self._gen_lock:
            self.generation += 1
