"""`detente follow gdelt` against a local publisher serving the real export: backfill, faults, exactly once, kill -9."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.ingest.follow import Follower
from detente.store import Store
from detente.store.feed_log import FeedLog
from detente.store.reference import load_reference
from tests.direct import db_sql
from tests.ingest.feed_server import Feed, FeedServer

SAMPLE = "events/gdelt2/20191024143000.export.CSV"
FIRST = dt.datetime(2019, 10, 24, 13, 0)
DETENTE = Path(sys.executable).parent / "detente"

pytestmark = pytest.mark.shared


def name(k: int) -> str:
    return Feed.name(FIRST + dt.timedelta(minutes=15 * k))


@pytest.fixture()
def feed(shared_data: Path) -> Feed:
    return Feed(shared_data / SAMPLE, FIRST, 7)


@pytest.fixture()
def server(feed: Feed) -> Iterator[FeedServer]:
    with FeedServer(feed) as srv:
        yield srv


def follower(store: Store, srv: FeedServer, tmp_path: Path, lines: list[str], **kw: object) -> Follower:
    return Follower(
        store, base_url=srv.url, dest=tmp_path / "dl", retries=1, backoff=0.0, timeout=0.5,
        sleep=lambda s: None, log=lines.append, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def ingested(store: Store) -> list[str]:
    return [
        str(r[0]) for r in db_sql(store, "SELECT name FROM files WHERE dataset = 'gdelt2' ORDER BY name").fetchall()
    ]


def test_backfills_from_since_then_takes_each_update_once(store: Store, server: FeedServer, feed: Feed,
                                                          tmp_path: Path) -> None:  # fmt: skip
    feed.latest = 3
    lines: list[str] = []
    f = follower(store, server, tmp_path, lines, since=FIRST)
    r = f.step()
    assert [s.path.rsplit("/", 1)[-1] for s in r.ingested] == [name(k).removesuffix(".zip") for k in range(4)]
    assert r.backfill and not r.failed
    assert all(s.read == 2111 and s.reconciles for s in r.ingested) and r.ingested[0].stored == 1648
    stored = sum(s.stored for s in r.ingested)
    assert stored == store.count("events")
    assert len(lines) == 1 and "4 ingested (backfill)" in lines[0] and f"read 8,444 = stored {stored:,}" in lines[0]
    # the same update again: nothing fetched, nothing ingested
    asked = len(server.feed.requests)
    again = f.step()
    assert again.ingested == [] and not again.backfill
    assert server.feed.requests[asked:] == ["/gdeltv2/lastupdate.txt"]
    # the next quarter-hour: only it; two missed: both, from the master list
    feed.latest = 4
    assert [s.read for s in f.step().ingested] == [2111]
    feed.latest = 6
    r = f.step()
    assert r.backfill and len(r.ingested) == 2
    assert ingested(store) == [name(k).removesuffix(".zip") for k in range(7)]
    assert FeedLog(store, "gdelt2").state()["last_line"] == lines[-1]
    assert not list((tmp_path / "dl").iterdir())  # downloads are cleaned up


def test_faults_fail_one_file_each_and_are_retried(store: Store, server: FeedServer, feed: Feed,
                                                   tmp_path: Path) -> None:  # fmt: skip
    feed.faults = {name(1): "404", name(2): "truncate", name(3): "md5", name(4): "hang", name(5): "twice",
                   name(6): "badzip"}  # fmt: skip
    lines: list[str] = []
    f = follower(store, server, tmp_path, lines, since=FIRST)
    t = time.monotonic()
    r = f.step()
    assert time.monotonic() - t < 30  # the hanging server costs its timeouts, not its hang
    assert ingested(store) == [name(0).removesuffix(".zip"), name(5).removesuffix(".zip")]  # 'twice': once
    why = dict(x.split(": ", 1) for x in r.failed)
    assert "HTTP 404" in why[name(1)]
    assert "the master list says" in why[name(2)]  # truncated: its size is not the listed size
    assert "MD5" in why[name(3)]
    assert "timed out" in why[name(4)]
    assert "not a readable zip" in why[name(6)]  # listed as is, but cut: the zip cannot be read
    assert "2 ingested" in lines[0] and "5 failed" in lines[0]
    assert store.scalar("SELECT count(*) FROM feed_files WHERE status = 'failed' AND attempts = 1") == 5
    # the publisher mends its files: the next step retries exactly the failed ones
    feed.faults = {}
    r = f.step()
    assert sorted(s.path.rsplit("/", 1)[-1] for s in r.ingested) == sorted(
        name(k).removesuffix(".zip") for k in (1, 2, 3, 4, 6)
    )
    assert ingested(store) == [name(k).removesuffix(".zip") for k in range(7)]
    assert store.scalar("SELECT sum(read) FROM files WHERE dataset = 'gdelt2'") == 7 * 2111
    assert store.scalar("SELECT count(*) FROM feed_files WHERE status = 'ingested'") == 7


def test_a_file_that_keeps_failing_is_given_up(store: Store, server: FeedServer, feed: Feed, tmp_path: Path) -> None:
    feed.latest = 1
    feed.faults = {name(1): "404"}
    lines: list[str] = []
    f = follower(store, server, tmp_path, lines, since=FIRST, max_attempts=2)
    f.step()
    r = f.step()
    assert r.given_up == [name(1)] and "1 given up" in lines[-1]
    asked = len(feed.requests)
    f.step()
    assert f"/gdeltv2/{name(1)}" not in feed.requests[asked:]


def test_the_update_list_unreachable_is_one_line(store: Store, tmp_path: Path) -> None:
    with FeedServer(Feed(Path(__file__), FIRST, 0)) as srv:
        url = srv.url
    lines: list[str] = []
    f = Follower(store, base_url=url, dest=tmp_path, retries=0, timeout=0.5, log=lines.append)
    r = f.step()
    assert r.error and len(lines) == 1 and "update list unavailable" in lines[0]


def _follow(db: Path, srv: FeedServer, dest: Path, pause: str | None) -> subprocess.Popen[str]:
    marker = db.with_suffix(".paused")
    marker.unlink(missing_ok=True)
    env = {**os.environ, "DETENTE_TEST_PAUSE_FILE": str(marker)}
    if pause:
        env["DETENTE_TEST_PAUSE"] = pause
    cmd = [str(DETENTE), "--db", str(db), "follow", "gdelt", "--once", "--since", f"{FIRST:%Y%m%d%H%M}",
           "--base-url", srv.url, "--dest", str(dest), "--backoff", "0", "--timeout", "5"]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_at(proc: subprocess.Popen[str], marker: Path) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


@pytest.mark.slow
def test_killed_follower_resumes_without_losing_or_repeating(server: FeedServer, feed: Feed, tmp_path: Path) -> None:
    feed.latest = 2
    db = tmp_path / "f.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    # killed inside the first file's publish: nothing of it lands
    _kill_at(_follow(db, server, tmp_path / "dl", "publish"), db.with_suffix(".paused"))
    with Store.open(db) as s:
        assert ingested(s) == [] and s.count("events") == 0
    # killed right after the first file's publish committed: it stays, once
    _kill_at(_follow(db, server, tmp_path / "dl", "published"), db.with_suffix(".paused"))
    with Store.open(db) as s:
        assert ingested(s) == [name(0).removesuffix(".zip")] and s.count("events") == 1648
    done = _follow(db, server, tmp_path / "dl", None)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert len(out.strip().splitlines()) == 1 and "2 ingested (backfill)" in out
    with Store.open(db) as s:
        assert ingested(s) == [name(k).removesuffix(".zip") for k in range(3)]
        assert s.count("events") == s.scalar("SELECT sum(stored) FROM files")
        assert s.scalar("SELECT sum(read) FROM files") == 3 * 2111
        assert s.scalar("SELECT count(*) FROM feed_files WHERE status = 'ingested'") == 3
