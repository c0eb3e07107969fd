"""Follow GDELT 2.0's update lists and keep a store current: one :meth:`Follower.step` per interval.

GDELT 2.0 publishes an event export every 15 minutes and lists it in
``{base}/gdeltv2/lastupdate.txt`` (the newest files) and ``masterfilelist.txt``
(every file), as lines of ``SIZE MD5 URL``. A step:

1. fetches ``lastupdate.txt``; when the newest export is more than one quarter-hour
   past what the store holds (or a backfill from ``since`` is due), it fetches
   ``masterfilelist.txt`` and takes every export from ``since`` on that the store
   does not hold (missed quarter-hours are backfilled);
2. for each new file, oldest first: downloads it (:func:`detente.ingest.fetch.download`:
   retried with bounded exponential backoff, a timeout for a server that hangs,
   resumed), checks its size and MD5 as the list gives them, unzips it and ingests it;
3. logs one line.

The checkpoint lives in the store (:class:`detente.store.feed_log.FeedLog`): a file is
marked ingested in the same transaction that publishes its events, so a follower
killed at any point resumes where it was and never ingests the same update twice.
A file that fails is retried at the next steps, up to ``max_attempts`` times.

``Follower`` is reusable: ``detente follow gdelt`` runs :meth:`Follower.run`; a server
that owns the store's writer can call :meth:`Follower.step` on its own schedule.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from detente.errors import ConfigError, DetenteError, FetchError
from detente.ingest.base import IngestSummary
from detente.ingest.fetch import USER_AGENT, download
from detente.ingest.gdelt_fetch import GdeltFile, check_listed, parse_masterlist, unzip_export
from detente.ingest.pipeline import ingest_file
from detente.store.feed_log import FeedEntry, FeedLog
from detente.store.warehouse import Store

__all__ = ["FEED", "Follower", "StepReport", "stamp_of"]

FEED = "gdelt2"
QUARTER = dt.timedelta(minutes=15)


def stamp_of(name: str) -> dt.datetime | None:
    """The quarter-hour of a GDELT 2.0 file name (``YYYYMMDDHHMMSS.export.CSV.zip``), or None."""
    try:
        return dt.datetime.strptime(name[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _exports(text: str) -> list[FeedEntry]:
    """The event exports of an update list, oldest first, each name once."""
    out: dict[str, FeedEntry] = {}
    for f in parse_masterlist(text).values():
        if f.name.endswith(".export.CSV.zip"):
            out[f.name] = FeedEntry(f.name, f.url, stamp_of(f.name), f.size, f.md5)
    return sorted(out.values(), key=lambda e: (e.stamp or dt.datetime.min, e.name))


@dataclass
class StepReport:
    """What one step did."""

    at: dt.datetime
    listed: str | None = None  # newest export in lastupdate.txt
    backfill: bool = False
    ingested: list[IngestSummary] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "name: reason"
    given_up: list[str] = field(default_factory=list)
    pending: int = 0  # new files left for the next step (max_files reached)
    error: str | None = None  # the update list itself could not be read

    def line(self) -> str:
        """The one log line of the step."""
        if self.error:
            return f"{self.at:%Y-%m-%dT%H:%M:%SZ} gdelt2: update list unavailable: {self.error}"
        keys = ("read", "stored", "duplicates", "quarantined")
        t = {k: sum(getattr(s, k) for s in self.ingested) for k in keys}
        parts = [
            f"{self.at:%Y-%m-%dT%H:%M:%SZ} gdelt2: latest {self.listed or '-'}",
            f"{len(self.ingested)} ingested" + (" (backfill)" if self.backfill else ""),
            f"read {t['read']:,} = stored {t['stored']:,} + duplicates {t['duplicates']:,}"
            f" + quarantined {t['quarantined']:,}",
            f"{len(self.failed)} failed" + (f" (first: {self.failed[0]})" if self.failed else ""),
        ]
        if self.given_up:
            parts.append(f"{len(self.given_up)} given up")
        if self.pending:
            parts.append(f"{self.pending} left for the next step")
        return "; ".join(parts)


class Follower:
    """Keeps ``store`` current from GDELT 2.0's update lists at ``base_url``."""

    def __init__(
        self,
        store: Store,
        *,
        base_url: str,
        dest: Path,
        since: dt.datetime | None = None,
        retries: int = 3,
        backoff: float = 2.0,
        timeout: float = 60.0,
        max_attempts: int = 5,
        max_files: int = 0,
        client: httpx.Client | None = None,
        log: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if since is not None and (since.minute % 15 or since.second):
            raise ConfigError(f"--since {since:%Y%m%d%H%M} is not a quarter-hour.", hint="Use :00, :15, :30 or :45.")
        self.store, self.base = store, base_url.rstrip("/")
        self.dest = Path(dest).expanduser()
        self.retries, self.backoff, self.timeout = retries, backoff, timeout
        self.max_attempts, self.max_files = max_attempts, max_files
        self.log, self.sleep = log, sleep
        self.feed = FeedLog(store, FEED)
        self._client = client
        if since is not None:
            self.feed.set_since(since)

    # -- one interval -----------------------------------------------------------------------
    def step(self) -> StepReport:
        """Fetch the update list, then fetch, verify and ingest every new file; log one line."""
        report = StepReport(dt.datetime.now(dt.UTC).replace(tzinfo=None))
        self.dest.mkdir(parents=True, exist_ok=True)
        http = self._client or httpx.Client(follow_redirects=True, headers={"User-Agent": USER_AGENT})
        try:
            try:
                todo = self._plan(http, report)
            except FetchError as e:
                report.error = e.message
                todo = []
            for entry in todo:
                self._one(http, entry, report)
        finally:
            if self._client is None:
                http.close()
        line = report.line()
        self.feed.checked(line)
        if self.log is not None:
            self.log(line)
        return report

    def _get(self, http: httpx.Client, url: str, to: Path) -> Path:
        return download(
            url, to, retries=self.retries, backoff=self.backoff, timeout=self.timeout, client=http, sleep=self.sleep
        )

    def _list(self, http: httpx.Client, name: str) -> list[FeedEntry]:
        path = self._get(http, f"{self.base}/gdeltv2/{name}", self.dest / name)
        try:
            return _exports(path.read_text("utf-8", "replace"))
        finally:
            path.unlink(missing_ok=True)

    def _plan(self, http: httpx.Client, report: StepReport) -> list[FeedEntry]:
        """The files to fetch this step, oldest first: the newest export, or every missed one since ``since``."""
        latest = self._list(http, "lastupdate.txt")
        if not latest:
            raise FetchError("lastupdate.txt lists no event export", hint="Check --base-url.")
        newest = latest[-1]
        report.listed = newest.name
        handled = self.feed.handled()
        high, since = self.feed.high_water(), self.feed.since()
        start = high + QUARTER if high is not None else since
        retry = {n: s.entry for n, s in handled.items() if s.status == "failed" and s.attempts < self.max_attempts}
        candidates = latest
        if retry or (start is not None and newest.stamp is not None and newest.stamp > start):
            # quarter-hours were missed, or failed files are due a retry: the master list has them all, with
            # their current sizes and MD5s
            report.backfill = True
            lower = min(since or start or newest.stamp or dt.datetime.min, start or dt.datetime.max)
            listed = [
                e
                for e in self._list(http, "masterfilelist.txt")
                if e.name in retry or e.stamp is None or e.stamp >= lower
            ]
            names = {e.name for e in listed}
            candidates = listed + [e for e in latest if e.name not in names]
            candidates += [e for n, e in retry.items() if n not in names]
        todo = [e for e in candidates if e.name not in handled or e.name in retry]
        todo = sorted({e.name: e for e in todo}.values(), key=lambda e: (e.stamp or dt.datetime.min, e.name))
        if self.max_files and len(todo) > self.max_files:
            report.pending = len(todo) - self.max_files
            todo = todo[: self.max_files]
        return todo

    def _one(self, http: httpx.Client, entry: FeedEntry, report: StepReport) -> None:
        f = GdeltFile(entry.url, entry.size, entry.md5)
        zpath = self.dest / entry.name
        csv: Path | None = None
        try:
            self._get(http, entry.url, zpath)
            check_listed(zpath, f)
            csv = unzip_export(zpath, self.dest)
            zpath.unlink(missing_ok=True)
            report.ingested.append(ingest_file(self.store, csv, "gdelt2", url=entry.url,
                                               hooks=[self.feed.ingested_hook(entry)]))  # fmt: skip
        except DetenteError as e:
            zpath.unlink(missing_ok=True)
            attempts = self.feed.failed(entry, e.line())
            report.failed.append(f"{entry.name}: {e.message}")
            if attempts >= self.max_attempts:
                report.given_up.append(entry.name)
        finally:
            if csv is not None:
                csv.unlink(missing_ok=True)

    # -- the loop ---------------------------------------------------------------------------
    def run(self, interval: float, *, once: bool = False, stop: threading.Event | None = None) -> StepReport:
        """Step every ``interval`` seconds until ``stop`` is set (or once); returns the last step's report."""
        stop = stop or threading.Event()
        while True:
            began = time.monotonic()
            report = self.step()
            if once or stop.wait(max(0.0, interval - (time.monotonic() - began))):
                return report
