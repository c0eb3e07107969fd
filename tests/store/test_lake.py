"""The Parquet lake writer: layout, counts that reconcile, bad input, and an export that dies part-way."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

import detente.store.lake as lake_mod
from detente.cli import main
from detente.errors import StoreError
from detente.store import Store
from detente.store.lake import export_lake, read_manifest
from tests.measure.synth import escalation_rows, insert_events


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
    assert str(events.schema.field("dedup_key").type) == "string"  # UHUGEINT: text a cluster can read
    base = ds.dataset(lake / "dyad_day", format="parquet", partitioning="hive").to_table()
    assert base.num_rows == counts["dyad_day"] > 0
    m = read_manifest(lake)
    assert m["tables"]["events"] == {"rows": counts["events"], "partitioned_by": "date"}
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
