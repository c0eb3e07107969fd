"""``detente serve --follow``: the server keeps its store current from GDELT 2.0 while it serves.

A thread runs the ingest engineer's :class:`detente.ingest.follow.Follower` one step per interval on the
server's writer (the one writer: CLI writes queue behind a step, readers never wait). A step with files
left over (a long backfill) is followed at once by the next. Each step logs one line; the last one is kept
for ``/api/status``.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from detente.store.writer import Writer

__all__ = ["FeedThread", "FollowSpec"]


@dataclass
class FollowSpec:
    base_url: str
    dest: Path
    interval: float = 900.0
    since: dt.datetime | None = None
    max_files: int = 16  # per step, so that other writers get the writer between steps of a long backfill


@dataclass
class FeedThread:
    spec: FollowSpec
    writer: Writer
    stop: threading.Event = field(default_factory=threading.Event)
    last_line: str | None = None
    last_step: dt.datetime | None = None
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._loop, name="detente-follow", daemon=True)
        self.thread.start()

    def close(self, timeout: float = 60.0) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _log(self, line: str) -> None:
        self.last_line = line
        print(f"follow: {line}", file=sys.stderr, flush=True)

    def _loop(self) -> None:
        from detente.errors import DetenteError
        from detente.ingest.follow import Follower

        since = self.spec.since
        while not self.stop.is_set():
            began = time.monotonic()
            pending = 0
            try:
                with self.writer.write() as store:
                    follower = Follower(
                        store, base_url=self.spec.base_url, dest=self.spec.dest, since=since,
                        max_files=self.spec.max_files, log=self._log,
                    )  # fmt: skip
                    since = None  # kept in the store from the first step on
                    pending = follower.step().pending
            except DetenteError as e:
                self._log(f"error: {e.line()}")
            except Exception as e:
                self._log(f"error: {type(e).__name__}: {e}")
            self.last_step = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            if pending:
                continue
            self.stop.wait(max(0.0, self.spec.interval - (time.monotonic() - began)))
