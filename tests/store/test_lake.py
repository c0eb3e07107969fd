"""The Parquet lake writer: layout, counts that reconcile, bad input, and an export that dies part-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

import detente.store.lake as lake_mod
from detente.cli import main
from detente.errors import StoreError
from detente.store import Store
from detente.store.lake import export_lake, read_manifest
from detente.store.reference import load_reference
from tests.direct import db_sql
from tests.measure.synth import escalation_rows, insert_events

DETENTE = Path(sys.executable).parent / "detente"


@pytest.fixture()
def filled(store: Store) -> Store:
    insert_events(store, escalation_rows("USA", "RUS", start="2024-01-20"))  # spans January and February
    return store


def test_layout_partitions_and_counts(filled: Store, tmp_path: Path) -> None:
    counts = export_lake(filled, tmp_path / "lake")
    lake = tmp_path / "lake"
    assert sorted(p.name for p in (lake / "events").iterdir()) == ["year=2024"]
    assert sorted(p.name for p in (lake / "events" / "year=2024").iterdir()) == ["month=1", "month=2"]
    events = ds.dataset(lake / "events", format="parquet", partitioning="hive").to_table()
    assert events.num_rows == counts["events"] == filled.count("events")
    assert str(events.schema.field("dedup_key").type) == "string"  # UHUGEINT: 32 hex digits a cluster can read
    base = ds.dataset(lake / "dyad_day", format="parquet", partitioning="hive").to_table()
    assert base.num_rows == counts["dyad_day"] > 0
    m = read_manifest(lake)
    assert m["tables"]["events"]["rows"] == counts["events"] and m["tables"]["events"]["partitioned_by"] == "date"
    assert sorted(m["tables"]["events"]["partitions"]) == ["2024-1", "2024-2"]
    assert m["store_version"] == filled.version() and "event_rows" not in m["tables"]
    assert "actors" in m["tables"] and "engagement_dyads" in m["tables"]  # views are written as tables


def test_export_again_replaces_the_lake(filled: Store, tmp_path: Path) -> None:
    export_lake(filled, tmp_path / "lake")
    insert_events(filled, escalation_rows("CHN", "IND", start="2025-06-01"))
    counts = export_lake(filled, tmp_path / "lake")
    assert read_manifest(tmp_path / "lake")["tables"]["events"]["rows"] == counts["events"] == filled.count("events")
    assert (tmp_path / "lake" / "events" / "year=2025").is_dir()
    assert not list(tmp_path.glob(".lake.staging-*"))


def test_an_export_that_dies_leaves_the_old_lake(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_lake(filled, tmp_path / "lake")
    before = read_manifest(tmp_path / "lake")
    insert_events(filled, escalation_rows("CHN", "IND", start="2025-06-01"))
    real, calls = lake_mod._copy, []

    def dying(*args: object) -> None:
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt  # killed part-way through the tables
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(lake_mod, "_copy", dying)
    with pytest.raises(KeyboardInterrupt):
        export_lake(filled, tmp_path / "lake")
    assert read_manifest(tmp_path / "lake") == before  # the previous lake, whole
    assert not list(tmp_path.glob(".lake.staging-*"))


def test_a_stale_staging_folder_is_cleared(filled: Store, tmp_path: Path) -> None:
    stale = tmp_path / ".lake.staging-999999"
    (stale / "events").mkdir(parents=True)
    export_lake(filled, tmp_path / "lake")
    assert not stale.exists()


def test_bad_targets_and_tables(filled: Store, tmp_path: Path) -> None:
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not empty and holds no detente lake"):
        export_lake(filled, other)
    assert (other / "notes.txt").read_text() == "keep me"
    with pytest.raises(StoreError, match="No table 'nope'"):
        export_lake(filled, tmp_path / "lake", ["events", "nope"])
    assert export_lake(filled, tmp_path / "lake", ["events"]).keys() == {"events"}


def test_manifest_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No detente lake"):
        read_manifest(tmp_path)
    (tmp_path / "_lake.json").write_text("{not json")
    with pytest.raises(StoreError, match="unreadable"):
        read_manifest(tmp_path)
    (tmp_path / "_lake.json").write_text(json.dumps({"format": 99, "tables": {}}))
    with pytest.raises(StoreError, match="not a lake this detente reads"):
        read_manifest(tmp_path)


def test_cli_ingest_writes_the_lake_and_info_shows_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "e.csv"
    csv.write_text(
        "date,source,target,cameo,goldstein\n2024-03-01,USA,RUS,190,-10\n2024-04-02,RUS,USA,042,1.9\n", encoding="utf-8"
    )
    db, lake = tmp_path / "t.duckdb", tmp_path / "lake"
    main(["--db", str(db), "init", "--json"])
    capsys.readouterr()
    main(["--db", str(db), "ingest", str(csv), "--format", "csv", "--lake-to", str(lake), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["lake"]["tables"]["events"] == out["stored"] == 2
    main(["--db", str(db), "lake", "info", str(lake), "--json"])
    assert json.loads(capsys.readouterr().out)["tables"]["events"]["rows"] == 2
    main(["--db", str(db), "lake", "export", "--to", str(tmp_path / "l2"), "--table", "events", "--json"])
    assert json.loads(capsys.readouterr().out)["tables"] == {"events": 2}


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["lake", "info", str(tmp_path)])
    assert capsys.readouterr().err.startswith("error: No detente lake")
    with pytest.raises(SystemExit):
        main(["--engine", "hadoop", "lake", "info", str(tmp_path)])
    assert "Unknown engine 'hadoop'" in capsys.readouterr().err


def _inodes(lake: Path, table: str = "events") -> dict[str, int]:
    return {str(f.relative_to(lake / table)): f.stat().st_ino for f in (lake / table).rglob("*.parquet")}


def _rows(lake: Path, table: str = "events") -> int:
    return int(ds.dataset(lake / table, format="parquet", partitioning="hive").count_rows())


def test_export_is_incremental(filled: Store, tmp_path: Path) -> None:
    """Only the partitions whose events changed are written again; the others are the same files."""
    lake = tmp_path / "lake"
    export_lake(filled, lake)
    first = _inodes(lake)
    m = read_manifest(lake)
    assert m["tables"]["events"]["written"] == 2 and m["tables"]["dyad_day"]["written"] == 2

    export_lake(filled, lake)  # nothing changed: nothing written, the same files
    m = read_manifest(lake)
    assert m["tables"]["events"]["written"] == 0 and m["tables"]["dyad_day"]["written"] == 0
    assert _inodes(lake) == first

    insert_events(filled, escalation_rows("CHN", "IND", start="2025-06-01", days=10))  # a new month
    export_lake(filled, lake)
    m = read_manifest(lake)
    assert m["tables"]["events"]["written"] == 1 and m["tables"]["dyad_day"]["written"] == 1
    assert {k: v for k, v in _inodes(lake).items() if "year=2024" in k} == first
    assert _rows(lake) == filled.count("events") == m["tables"]["events"]["rows"]

    # an operator's direct edit of one January event: January is written again, February kept
    db_sql(filled, "UPDATE events SET goldstein = -9.5 WHERE event_id = (SELECT min(event_id) FROM events)")
    export_lake(filled, lake)
    m = read_manifest(lake)
    assert m["tables"]["events"]["written"] == 1
    now = _inodes(lake)
    assert all(now[k] == v for k, v in first.items() if "month=2/" in k)
    assert all(now[k] != v for k, v in first.items() if "month=1/" in k)
    got = ds.dataset(lake / "events", format="parquet", partitioning="hive").to_table()
    assert -9.5 in got.column("goldstein").to_pylist()
    assert _rows(lake, "dyad_day") == m["tables"]["dyad_day"]["rows"]

    # events deleted: their partition leaves the lake; full=True writes every partition again
    db_sql(filled, "DELETE FROM events WHERE date >= DATE '2025-01-01'")
    export_lake(filled, lake, full=True)
    m = read_manifest(lake)
    assert sorted(m["tables"]["events"]["partitions"]) == ["2024-1", "2024-2"]
    assert m["tables"]["events"]["written"] == 2 and not (lake / "events" / "year=2025").exists()
    assert _rows(lake) == filled.count("events")


def test_a_lake_moved_aside_by_a_killed_swap_is_put_back(filled: Store, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    export_lake(filled, lake)
    lake.rename(tmp_path / ".lake.previous-4242")  # killed between the fallback swap's two renames
    export_lake(filled, lake)
    assert read_manifest(lake)["tables"]["events"]["written"] == 0  # the old lake came back and was kept
    assert not list(tmp_path.glob(".lake.previous-*"))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_incremental_export_leaves_the_old_lake_whole(tmp_path: Path, sig: int) -> None:
    """A real `detente lake export`, killed once the new partitions are written and before the swap."""
    db, lake = tmp_path / "s.duckdb", tmp_path / "lake"
    with Store.open(db) as s:
        load_reference(s)
        insert_events(s, escalation_rows("USA", "RUS", start="2024-01-20"))
        export_lake(s, lake)
        insert_events(s, escalation_rows("CHN", "IND", start="2025-06-01", days=10))
        new_total = s.count("events")
    before, rows_before, files_before = read_manifest(lake), _rows(lake), _inodes(lake)
    marker = tmp_path / "paused"
    env = {**os.environ, "DETENTE_TEST_PAUSE": "lake:staged", "DETENTE_TEST_PAUSE_FILE": str(marker),
           "DETENTE_TEST_PAUSE_SECONDS": "60"}  # fmt: skip
    proc = subprocess.Popen(
        [str(DETENTE), "--db", str(db), "lake", "export", "--to", str(lake)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the export never reached its swap"
        time.sleep(0.05)
    assert list(tmp_path.glob(".lake.staging-*"))  # the new partition is written, beside the lake
    assert read_manifest(lake) == before and _rows(lake) == rows_before  # readers still see the old lake
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    if sig != signal.SIGKILL:
        assert "Traceback" not in err
    assert read_manifest(lake) == before and _rows(lake) == rows_before and _inodes(lake) == files_before
    with Store.open(db, read_only=True) as s:  # the next export clears the dead one's staging and completes
        export_lake(s, lake)
    assert not list(tmp_path.glob(".lake.staging-*"))
    m = read_manifest(lake)
    assert m["tables"]["events"]["written"] == 1 and _rows(lake) == new_total


def test_without_an_atomic_exchange_the_two_renames_still_replace_the_lake(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = tmp_path / "lake"
    export_lake(filled, lake)
    monkeypatch.setattr(lake_mod, "_exchange", lambda a, b: False)  # a system without renameat2
    insert_events(filled, escalation_rows("CHN", "IND", start="2025-06-01", days=10))
    export_lake(filled, lake)
    assert _rows(lake) == filled.count("events") and read_manifest(lake)["tables"]["events"]["written"] == 1
    assert not list(tmp_path.glob(".lake.*"))
