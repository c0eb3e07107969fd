"""One writer, many readers: how a served store is shared between the requests and jobs of one process.

DuckDB lets one process hold a database file read-write, and inside that process any number of
connections (cursors) read in parallel, each from its own MVCC snapshot. :class:`Writer` holds the
process's store and lends its write side to one job at a time (the lock is the queue); readers take
their own cursor and never wait for a writer. ``generation`` changes when a write starts and again when it
ends, so caches of answers keyed by it stay correct without being told what changed: an answer labelled with
a generation read after a write ended was computed after its commit.

With ``resident=True`` (the server) the writer also keeps the derived tables in memory for the current
generation (:mod:`detente.store.resident`), loaded again on a background thread after each write; the
cursors it lends carry them (``store.served``) once they match the generation. Readers never wait for a write nor
for a load: ``read(behind=True)`` lends, while a write runs or the next version's tables load, the tables of the
last version published, labelled with their own version (a consistent older snapshot, for answers from memory
only); the new tables replace them in one step once they are loaded and prepared, which also moves ``epoch``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from detente.store.resident import Resident, Served, keep_events, load
from detente.store.warehouse import Store

log = logging.getLogger(__name__)

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
    >>> w.generation  # once as the write started, once as it ended
    2
    """

    def __init__(self, store: Store, *, resident: bool = False) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._gen_lock = threading.Lock()
        self.generation = 0
        #: Grows with every write (as it starts and as it ends) and every publish of resident tables: what the
        #: answers of the moment depend on (the answer cache's key, the status page's ``generation``).
        self.epoch = 0
        self._keep = resident and store.path != ":memory:" and type(store).derived_events is Store.derived_events
        self._resident: Resident | None = None
        self._loading: threading.Thread | None = None
        self._failed = -1  # the generation whose resident tables could not be loaded (not tried again)
        #: Called with a cursor after the resident tables of a generation are loaded (the server warms answers).
        self.on_loaded: list[Callable[[Store], None]] = []
        #: Called with a cursor, the new resident tables and the ones served before (or None) after a load and
        #: before the new tables are served: what every request of the new version needs ready (the server ranks
        #: the alerts, from the previous version where nothing changed). An error is logged; the tables are served.
        self.on_prepare: list[Callable[[Store, Resident, Resident | None], None]] = []

    @contextmanager
    def write(self) -> Iterator[Store]:
        """The store's write side for one job; other writers wait until it is done."""
        with self._lock:
            self.bump()  # answers computed from here on may see this write: none of them is kept for later
            cur = Store(self.store._con.cursor(), self.store.path)
            try:
                yield cur
            finally:
                cur.close()
                self.bump()
        self.refresh()

    @contextmanager
    def read(self, *, behind: bool = False) -> Iterator[Store]:
        """A cursor of its own: a snapshot that runs in parallel with the writer and other readers.

        ``behind``: while the resident tables of the current generation are not served yet (a write runs, or its
        tables load), the cursor carries the last ones published, a version behind its data
        (:class:`detente.store.resident.Served`): answers from memory come from them at once instead of waiting.
        Not when the current generation's load failed (the new data would never show)."""
        version = (id(self), self.generation)  # read before the cursor: its data is at least this new
        cur = Store(self.store._con.cursor(), self.store.path)
        if self._keep:
            r = self._resident
            if r is not None and r.current(version):
                cur.served = Served(version, r)
            else:
                self.refresh()
                if behind and r is not None and self._failed != version[1]:
                    cur.served = Served(r.version, r, version)
                else:
                    cur.served = Served(version, None)
        try:
            yield cur
        finally:
            cur.close()

    def refresh(self, *, wait: bool = False) -> None:
        """Load the resident tables of the current generation on a background thread (once at a time)."""
        if not self._keep or self._lock.locked():  # a write under way refreshes them when it ends
            return
        with self._gen_lock:
            t = self._loading
            if self._failed == self.generation:
                return
            if t is None or not t.is_alive():
                t = self._loading = threading.Thread(target=self._load, name="detente-resident", daemon=True)
                t.start()
        if wait:
            t.join()

    def join(self) -> None:
        """Wait for a load of the resident tables under way (before the store closes); no new one starts."""
        self._keep = False
        t = self._loading
        if t is not None:
            t.join()

    def _load(self) -> None:
        while True:
            version = (id(self), self.generation)
            r = self._resident
            if (r is not None and r.current(version)) or self._lock.locked():
                return
            cur = Store(self.store._con.cursor(), self.store.path)
            try:
                # r: the tables of an older version (only touched dyads read again); the events held whole later
                loaded = load(cur, version, r, later=True)
                if not self._publishable(version):
                    continue  # a write ended meanwhile: load again for the new generation
                cur.served = Served(version, loaded)
                for prepare in self.on_prepare:
                    try:
                        prepare(cur, loaded, r)
                    except Exception as e:  # that answer is then computed on request, as without it
                        log.warning("resident tables not prepared (%s): %s", getattr(prepare, "__name__", prepare), e)
                with self._gen_lock:  # published in one step, unless a write ended meanwhile
                    if not self._publishable(version):
                        continue
                    self._resident = loaded
                    self.epoch += 1
                if (id(self), self.generation) != version:
                    continue  # a write runs: readers get these tables as the version before it; load again after
                # the events held whole before the warming: an event search otherwise reads by row id meanwhile
                kept = keep_events(cur, loaded)
                if (id(self), self.generation) == version:  # still this data: no write began or ended meanwhile
                    loaded.kept_events, loaded.pending = kept, None
                for warm in self.on_loaded:
                    warm(cur)
            except Exception as e:  # the answers then come from the engine, as without resident tables
                self._failed = version[1]
                log.info("resident tables not loaded: %s", e)
                return
            finally:
                cur.close()

    def _publishable(self, version: tuple[int, int]) -> bool:
        """Whether tables loaded for ``version`` may still be published: no write ended since (the generation is
        the same), or one write began and still runs (its start alone moved the generation; the tables are then
        served as the version before it, to readers that ask for that, instead of waiting until it ends, which
        keeps answers from memory moving during a run of writes such as a backfill)."""
        gen = self.generation
        return version == (id(self), gen) or (version == (id(self), gen - 1) and self._lock.locked())

    def lend(self, *, write: bool) -> Lent:
        """:meth:`write` or :meth:`read` as a store of its own, given back by ``close()``."""
        return Lent(self.write() if write else self.read())

    def bump(self) -> None:
        """Mark the data changed (cached answers of older generations are no longer used)."""
        with self._gen_lock:
            self.generation += 1
            self.epoch += 1
