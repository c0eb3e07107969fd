"""Filtered rows (well formed, not engagements) are counted apart from quarantined ones, old stores included."""

from __future__ import annotations

from pathlib import Path

from detente.store import Store
from detente.store.filtered import filtered_reasons, is_filtered, record_filtered
from detente.store.records import records
from tests.direct import db_sql


def test_a_store_loaded_before_0920_moves_its_not_engagement_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    s = Store.open(str(db))
    # what a store made before migration 0920 held: the filtered rows sat in quarantine
    db_sql(s, "DROP TABLE filtered")
    db_sql(s, "ALTER TABLE files DROP COLUMN filtered")
    db_sql(s, "DELETE FROM schema_version WHERE version >= 920")
    db_sql(s, "CREATE TABLE cow_system_years (ccode INTEGER, year INTEGER, stateabb VARCHAR, file_id BIGINT)")
    db_sql(
        s,
        "INSERT INTO files (file_id, dataset, path, name, sha256, bytes, ingested_at, read, stored, duplicates, "
        "quarantined) VALUES (7, 'cow-system', 'x', 'x', 'h', 1, now(), 10, 5, 0, 5)",
    )
    reasons = ["not an engagement: no deliveries this year (TIV 0)"] * 3 + ["bad or missing year"] * 2
    for i, reason in enumerate(reasons):
        db_sql(s, "INSERT INTO quarantine VALUES (7, ?, ?, '{}')", [i + 1, reason])
    s.close()
    s = Store.open(str(db))  # upgrades
    try:
        row = db_sql(s, "SELECT dataset, read, stored, filtered, quarantined FROM files").fetchall()
        assert row == [("cow_system", 10, 5, 3, 2)]  # and the COW system has one name (0921)
        assert [r for (r,) in db_sql(s, "SELECT reason FROM quarantine").fetchall()] == ["bad or missing year"] * 2
        assert records(filtered_reasons(s)) == [
            {"dataset": "cow_system", "reason": "not an engagement: no deliveries this year (TIV 0)", "rows": 3}
        ]
    finally:
        s.close()


def test_record_filtered_writes_the_count_on_the_file(store: Store) -> None:
    db_sql(
        store,
        "INSERT INTO files (file_id, dataset, path, name, sha256, bytes, ingested_at) "
        "VALUES (1, 'cwm', 'x', 'x', 'h', 1, now())",
    )
    assert record_filtered(store, 1, {"not an engagement: mediation not coded": 2, "not an engagement: x": 0}) == 2
    assert db_sql(store, "SELECT filtered FROM files").fetchall() == [(2,)]
    assert db_sql(store, "SELECT reason, rows FROM filtered").fetchall() == [
        ("not an engagement: mediation not coded", 2)
    ]
    assert not is_filtered("bad date") and is_filtered("not an engagement: no mediation in this episode")
