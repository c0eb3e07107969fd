"""GDELT 1.0 exports (57 columns before April 2013, 58 with SOURCEURL after, mixed in one file), built from the
real GDELT 2.0 sample by dropping the 2.0-only columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import GDELT2_ROW, gdelt1_fields, ingest, quarantined, tab, write

SAMPLE = "events/gdelt2/20191024143000.export.CSV"


def _v2_rows(shared_data: Path) -> list[list[str]]:
    text = (shared_data / SAMPLE).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines()]


def test_conversion_shape() -> None:
    v1 = gdelt1_fields(GDELT2_ROW)
    assert len(GDELT2_ROW) == 61 and len(v1) == 58 and len(gdelt1_fields(GDELT2_ROW, with_url=False)) == 57
    assert v1[50] == "Minsk, Belarus (general), Belarus" and v1[51] == "BO"  # ActionGeo_FullName, _CountryCode
    assert (v1[53], v1[54], v1[56]) == ("53.9", "27.5667", "20191024")  # lat, long, DATEADDED (YYYYMMDD)
    assert v1[57].startswith("https://")


@pytest.mark.shared
def test_mixed_57_and_58_column_file_reconciles_exactly(store: Store, shared_data: Path, tmp_path: Path) -> None:
    v2 = _v2_rows(shared_data)
    rows = [gdelt1_fields(r, with_url=i % 2 == 0) for i, r in enumerate(v2)]
    p = write(tmp_path / "20130401.export.CSV", tab(rows))
    s = ingest(store, p)
    assert s.dataset == "gdelt1"

    # Independent count of distinct events: same date, actor codes, event code and URL (none for 57 columns).
    def key(r: list[str]) -> tuple[str, ...]:
        return (r[1], r[5], r[15], r[26], r[57] if len(r) == 58 else "")

    with_url = {key(r) for r in rows if len(r) == 58}
    without = {key(r) for r in rows if len(r) == 57}
    assert (s.read, s.quarantined) == (len(v2), 0) == (2111, 0)
    assert s.stored == len(with_url) + len(without)
    assert s.duplicates == s.read - s.stored
    counts = db_sql(store, "SELECT count(url), count(*) - count(url) FROM events").fetchone()
    assert counts == (len(with_url), len(without))
    # URLs come only from 58-column rows: every event from an odd (57-column) line has none.
    lines = db_sql(store, "SELECT line, url FROM events").fetchall()
    assert all((url is None) == (line % 2 == 0) for line, url in lines)
    assert ingest(store, p).stored == 0


def test_57_column_rows_have_no_url_and_same_fields(store: Store, tmp_path: Path) -> None:
    a = gdelt1_fields(GDELT2_ROW)
    b = gdelt1_fields(GDELT2_ROW, with_url=False)
    b[0] = "2"
    s = ingest(store, write(tmp_path / "x.CSV", tab([b, a])), "gdelt1")
    assert (s.stored, s.duplicates, s.quarantined) == (2, 0, 0)
    got = db_sql(
        store,
        "SELECT source_event_id, date::VARCHAR, target_name, cameo_code, goldstein, num_mentions, place, country, "
        "latitude, longitude, url FROM events ORDER BY line",
    ).fetchall()
    common = ("2018-10-24", "THE EU", "040", 1.0, 10, "Minsk, Belarus (general), Belarus", "BLR", 53.9, 27.5667)
    assert got == [("2", *common, None), ("881990833", *common, "https://belsat.eu/en/news/10-years-of-belarus/")]


def test_other_column_counts_are_quarantined_with_line(store: Store, tmp_path: Path) -> None:
    good = gdelt1_fields(GDELT2_ROW)
    v2 = list(GDELT2_ROW)  # a 61-column 2.0 row in a 1.0 file
    s = ingest(store, write(tmp_path / "x.CSV", tab([good, v2, good[:56]])), "gdelt1")
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (3, 1, 0, 2)
    assert quarantined(store, s.file_id) == [
        (2, "wrong number of fields: expected 57 or 58, found 61"),
        (3, "wrong number of fields: expected 57 or 58, found 56"),
    ]
