"""A real `detente ingest` is killed part-way (SIGKILL, SIGTERM, SIGINT; during batches, during the publish,
after it): the store holds the file whole or not at all, and a re-ingest reconciles exactly as a clean run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from detente.ingest import ingest_file
from detente.store import Store
from detente.store.event_writer import stale_stages
from detente.store.reference import load_reference
from tests.direct import db_sql

SAMPLE = "events/gdelt2/20191024143000.export.CSV"
DETENTE = Path(sys.executable).parent / "detente"
CHUNK = str(1 << 19)  # 512 KiB chunks: the 8 MiB file stages in many batches

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything an ingest writes, summed: equal snapshots, equal stores."""
    q = """SELECT
        (SELECT count(*) FROM events), (SELECT coalesce(sum(event_id), 0) FROM events),
        (SELECT coalesce(sum(duplicates), 0) FROM events), (SELECT count(*) FROM event_rows),
        (SELECT count(*) FROM quarantine), (SELECT count(*) FROM files),
        (SELECT coalesce(sum(read + stored + duplicates + quarantined), 0) FROM files),
        (SELECT count(*) FROM unresolved_actors)"""
    row = db_sql(store, q).fetchone()
    assert row is not None
    return tuple(row)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> dict[str, object]:
    """A store holding the real sample (the "before"), a 21k-row file B, and the store after a clean ingest of B."""
    d = tmp_path_factory.mktemp("kill")
    tool = shared_data.parent / "tools" / "tile_gdelt.py"
    b = d / "b.export.CSV"
    subprocess.run([sys.executable, str(tool), str(shared_data / SAMPLE), "10", str(b)], check=True)
    with open(b, "ab") as f:  # bad rows, to be quarantined once
        f.write(b"not\ta\tgdelt\trow\n" + b"\t".join([b"99"] * 61) + b"\n")
    before = d / "before.duckdb"
    with Store.open(before) as s:
        load_reference(s)
        ingest_file(s, shared_data / SAMPLE)
        snap_before = snapshot(s)
    clean = d / "clean.duckdb"
    shutil.copy(before, clean)
    with Store.open(clean) as s:
        summary = ingest_file(s, b)
        snap_clean = snapshot(s)
    assert summary.quarantined == 2 and summary.duplicates > 0 and summary.reconciles
    return {"dir": d, "b": b, "before": before, "snap_before": snap_before, "snap_clean": snap_clean,
            "summary": summary}  # fmt: skip


def run_and_signal(
    world: dict[str, object], db: Path, point: str | None, sig: int, *, wait: float = 60.0, then: float = 0.0
) -> subprocess.CompletedProcess[str]:
    """Run `detente ingest B`, send ``sig`` once it reaches ``point`` (waiting there ``wait`` s) plus ``then`` s."""
    marker = db.with_suffix(".paused")
    env = {**os.environ, "DETENTE_INGEST_CHUNK_BYTES": CHUNK, "DETENTE_TEST_PAUSE_FILE": str(marker),
           "DETENTE_TEST_PAUSE_SECONDS": str(wait)}  # fmt: skip
    if point is not None:
        env["DETENTE_TEST_PAUSE"] = point
    proc = subprocess.Popen(
        [str(DETENTE), "--db", str(db), "ingest", str(world["b"]), "--format", "gdelt2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    if point is not None:
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the ingest never reached " + point
            time.sleep(0.05)
    else:  # no pause: kill it at an arbitrary moment of its run
        time.sleep(4.0)
    time.sleep(then)
    proc.send_signal(sig)
    out, errs = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, errs)


CASES = [
    ("batch:2", signal.SIGKILL),
    ("batch:5", signal.SIGTERM),
    ("batch:3", signal.SIGINT),
    ("publish", signal.SIGKILL),
    ("publish", signal.SIGTERM),
    ("publish", signal.SIGINT),
]


@pytest.mark.parametrize(("point", "sig"), CASES, ids=[f"{p}-{s.name}" for p, s in CASES])
def test_a_killed_ingest_leaves_the_store_as_before(world: dict[str, object], point: str, sig: int) -> None:
    db = Path(str(world["dir"])) / f"{point.replace(':', '')}-{sig}.duckdb"
    shutil.copy(Path(str(world["before"])), db)
    done = run_and_signal(world, db, point, sig)
    if sig == signal.SIGKILL:
        assert done.returncode == -signal.SIGKILL
    else:  # Ctrl-C and SIGTERM: one line, no traceback
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert done.returncode == 130 and len(lines) == 1, done.stderr
        assert "interrupted" in lines[0] and "was not stored" in lines[0]
    with Store.open(db) as s:
        assert snapshot(s) == world["snap_before"]
        # a re-ingest reconciles exactly as the clean run, and sweeps the dead run's staging
        again = ingest_file(s, Path(str(world["b"])))
        clean = world["summary"]
        assert isinstance(clean, object)
        assert (again.read, again.stored, again.duplicates, again.quarantined) == (
            clean.read, clean.stored, clean.duplicates, clean.quarantined,  # type: ignore[attr-defined]
        )  # fmt: skip
        assert snapshot(s) == world["snap_clean"]
        assert stale_stages(s) == []


def test_killed_after_the_publish_the_file_is_whole(world: dict[str, object]) -> None:
    db = Path(str(world["dir"])) / "published.duckdb"
    shutil.copy(Path(str(world["before"])), db)
    done = run_and_signal(world, db, "published", signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL
    with Store.open(db) as s:
        assert snapshot(s) == world["snap_clean"]
        again = ingest_file(s, Path(str(world["b"])))  # the same file again adds nothing, quarantines nothing
        assert again.stored == 0 and again.quarantined == 0 and again.requarantined == 2
        assert again.duplicates == again.read


def test_killed_at_an_arbitrary_moment(world: dict[str, object]) -> None:
    db = Path(str(world["dir"])) / "anytime.duckdb"
    shutil.copy(Path(str(world["before"])), db)
    run_and_signal(world, db, None, signal.SIGKILL)
    with Store.open(db) as s:
        assert snapshot(s) in (world["snap_before"], world["snap_clean"])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_while_a_query_runs(world: dict[str, object], sig: int) -> None:
    """The signal lands in the middle of the run (most likely inside a DuckDB statement): one line, nothing stored."""
    db = Path(str(world["dir"])) / f"query-{sig}.duckdb"
    shutil.copy(Path(str(world["before"])), db)
    done = run_and_signal(world, db, "batch:2", sig, wait=0.0, then=0.15)
    with Store.open(db) as s:
        if done.returncode == 0:  # it finished first: the file is whole
            assert snapshot(s) == world["snap_clean"]
            return
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert done.returncode == 130 and len(lines) == 1 and "interrupted" in lines[0], done.stderr
        assert snapshot(s) == world["snap_before"]
