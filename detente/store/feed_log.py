"""The feed follower's checkpoint: which published files were ingested, failed, and when the feed was checked.

The one writer of ``feed_files`` and ``feed_state`` (migration 0601). A file is
marked ingested by :meth:`FeedLog.ingested_hook`, a publish hook that runs inside the
transaction publishing the file's events (:mod:`detente.store.event_writer`), so the
mark and the events land together: a follower killed at any point neither loses nor
repeats an update.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from detente.store.event_writer import PublishHook
from detente.store.warehouse import Store

__all__ = ["FeedEntry", "FeedLog", "FeedStatus"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class FeedEntry:
    """A published file as an update list gives it."""

    name: str
    url: str
    stamp: dt.datetime | None
    size: int | None
    md5: str | None


@dataclass(frozen=True)
class FeedStatus:
    entry: FeedEntry
    status: str
    attempts: int
    error: str | None


class FeedLog:
    """Checkpoint of one feed in a store."""

    def __init__(self, store: Store, feed: str) -> None:
        self.store, self.feed = store, feed

    def handled(self) -> dict[str, FeedStatus]:
        """Every file of the feed the follower has handled, by name."""
        rows = self.store._con.execute(
            "SELECT name, url, stamp, size, md5, status, attempts, error FROM feed_files WHERE feed = ?", [self.feed]
        ).fetchall()
        return {
            str(r[0]): FeedStatus(FeedEntry(str(r[0]), str(r[1]), r[2], r[3], r[4]), str(r[5]), int(r[6]), r[7])
            for r in rows
        }

    def high_water(self) -> dt.datetime | None:
        """The newest quarter-hour ingested."""
        v = self.store.scalar("SELECT max(stamp) FROM feed_files WHERE feed = ? AND status = 'ingested'", [self.feed])
        return v if isinstance(v, dt.datetime) else None

    def ingested_hook(self, entry: FeedEntry) -> PublishHook:
        """A publish hook marking ``entry`` ingested, in the transaction that publishes its events."""

        def mark(con: duckdb.DuckDBPyConnection, file_id: int) -> None:
            attempts = con.execute(
                "SELECT coalesce(max(attempts), 0) FROM feed_files WHERE feed = ? AND name = ?", [self.feed, entry.name]
            ).fetchall()[0][0]
            con.execute("DELETE FROM feed_files WHERE feed = ? AND name = ?", [self.feed, entry.name])
            con.execute(
                "INSERT INTO feed_files VALUES (?, ?, ?, ?, ?, ?, 'ingested', ?, ?, NULL, ?)",
                [self.feed, entry.name, entry.url, entry.stamp, entry.size, entry.md5, int(attempts) + 1, file_id,
                 _now()],
            )  # fmt: skip
            self._state(con, updated_at=_now())

        return mark

    def failed(self, entry: FeedEntry, error: str) -> int:
        """Record a failed attempt; returns the attempts so far."""
        with self.store.transaction() as con:
            got = con.execute(
                "SELECT coalesce(max(attempts), 0) FROM feed_files WHERE feed = ? AND name = ? AND status = 'failed'",
                [self.feed, entry.name],
            ).fetchall()[0][0]
            attempts = int(got) + 1
            con.execute(
                "DELETE FROM feed_files WHERE feed = ? AND name = ? AND status = 'failed'", [self.feed, entry.name]
            )
            con.execute(
                "INSERT INTO feed_files VALUES (?, ?, ?, ?, ?, ?, 'failed', ?, NULL, ?, ?)",
                [self.feed, entry.name, entry.url, entry.stamp, entry.size, entry.md5, attempts, error[:1000], _now()],
            )
        return attempts

    def since(self) -> dt.datetime | None:
        v = self.store.scalar("SELECT max(since) FROM feed_state WHERE feed = ?", [self.feed])
        return v if isinstance(v, dt.datetime) else None

    def set_since(self, since: dt.datetime) -> None:
        with self.store.transaction() as con:
            self._state(con, since=since)

    def checked(self, line: str) -> None:
        """Record a check of the feed and its log line."""
        with self.store.transaction() as con:
            self._state(con, checked_at=_now(), last_line=line[:1000])

    def state(self) -> dict[str, object]:
        """since, checked_at, updated_at and last_line of the feed (None when never followed)."""
        rows = self.store._con.execute(
            "SELECT since, checked_at, updated_at, last_line FROM feed_state WHERE feed = ?", [self.feed]
        ).fetchall()
        keys = ("since", "checked_at", "updated_at", "last_line")
        return dict(zip(keys, rows[0], strict=True)) if rows else dict.fromkeys(keys)

    def _state(self, con: duckdb.DuckDBPyConnection, **values: object) -> None:
        if not con.execute("SELECT count(*) FROM feed_state WHERE feed = ?", [self.feed]).fetchall()[0][0]:
            con.execute("INSERT INTO feed_state (feed) VALUES (?)", [self.feed])
        sets = ", ".join(f"{k} = ?" for k in values)
        con.execute(f"UPDATE feed_state SET {sets} WHERE feed = ?", [*values.values(), self.feed])
