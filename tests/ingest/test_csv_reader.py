"""Generic event CSV: the documented columns, required-column errors, quoting, record numbers, repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import IngestError
from detente.ingest.records import csv_batches
from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import comma, ingest, quarantined, write

FULL = [
    "date", "source", "target", "cameo", "id", "source_name", "target_name", "source_sector", "target_sector",
    "goldstein", "fatalities", "place", "country", "latitude", "longitude", "url", "text", "confidence", "notes",
]  # fmt: skip


def test_every_documented_column_lands(store: Store, tmp_path: Path) -> None:
    row = [
        "2021-03-04", "USA", "RUS", "0874", "e1", "United States", "Russia", "mil", "gov", "-2.5", "3",
        "Geneva", "CHE", "46.2", "6.15", "https://example.org/a?b=1", 'He said "no", then left', "0.75", "ignored",
    ]  # fmt: skip
    s = ingest(store, write(tmp_path / "e.csv", comma([FULL, row])))
    assert (s.dataset, s.read, s.stored) == ("csv", 1, 1)
    got = db_sql(
        store,
        "SELECT source_event_id, date::VARCHAR, source_actor, target_actor, source_name, target_name, source_sector, "
        "target_sector, cameo_code, goldstein, fatalities, place, country, latitude, longitude, url, evidence, "
        "confidence FROM events",
    ).fetchone()
    assert got == (
        "e1", "2021-03-04", "USA", "RUS", "United States", "Russia", "MIL", "GOV", "0874", -2.5, 3, "Geneva",
        "CHE", 46.2, 6.15, "https://example.org/a?b=1", 'He said "no", then left', 0.75,
    )  # fmt: skip


def test_names_and_header_case_are_accepted(store: Store, tmp_path: Path) -> None:
    data = "\ufeffDate,Source,TARGET,Cameo\n2020-01-02,Russia,United States,042\n".encode()
    s = ingest(store, write(tmp_path / "e.csv", data))
    assert s.stored == 1
    assert db_sql(store, "SELECT source_actor, target_actor FROM events").fetchone() == ("RUS", "USA")


@pytest.mark.parametrize(
    ("header", "missing"), [("date,source,target", "cameo"), ("when,source,cameo", "date, target")]
)
def test_missing_required_column_is_named(store: Store, tmp_path: Path, header: str, missing: str) -> None:
    p = write(tmp_path / "e.csv", f"{header}\n2020-01-02,USA,RUS\n".encode())
    with pytest.raises(IngestError, match=f"lacks the required columns? {missing}"):
        ingest(store, p, "csv")


def test_quoted_newlines_number_records_not_lines(store: Store, tmp_path: Path) -> None:
    data = b'date,source,target,cameo,text\n2020-01-02,USA,RUS,042,"two\nlines"\n2020-01-02,USA,RUS,04x,bad\n'
    s = ingest(store, write(tmp_path / "e.csv", data), "csv")
    assert (s.stored, s.quarantined) == (1, 1)
    assert quarantined(store, s.file_id) == [(3, "unknown CAMEO code: 04x")]  # record 3 (it starts on line 4)
    assert db_sql(store, "SELECT evidence, line FROM events").fetchone() == ("two\nlines", 2)


def test_bad_quoting_is_a_record_level_reject(store: Store, tmp_path: Path) -> None:
    data = b'date,source,target,cameo\n2020-01-02,"US"A,RUS,042\n2020-01-02,USA,RUS,042\n'
    s = ingest(store, write(tmp_path / "e.csv", data), "csv")
    assert (s.read, s.stored, s.quarantined) == (2, 1, 1)
    [(line, reason)] = quarantined(store, s.file_id)
    assert (line, reason.split(":")[0]) == (2, "bad CSV record")


def test_repeats_without_id_fold_rows_with_ids_do_not(store: Store, tmp_path: Path) -> None:
    rows = [["date", "source", "target", "cameo", "id"]]
    rows += [["2020-01-02", "USA", "RUS", "042", ""]] * 3
    rows += [["2020-01-02", "USA", "RUS", "042", "a"], ["2020-01-02", "USA", "RUS", "042", "b"]]
    s = ingest(store, write(tmp_path / "e.csv", comma(rows)), "csv")
    assert (s.read, s.stored, s.duplicates) == (5, 3, 2)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("confidence", "1.5", "confidence outside 0..1"),
        ("goldstein", "11", "goldstein outside -10..10"),
        ("latitude", "91", "latitude outside -90..90"),
        ("fatalities", "2.5", "bad integer in fatalities"),
        ("longitude", "east", "bad number in longitude"),
        ("source", "", "missing source"),
    ],
)
def test_value_checks(store: Store, tmp_path: Path, column: str, value: str, reason: str) -> None:
    header, row = ["date", "source", "target", "cameo"], ["2020-01-02", "USA", "RUS", "042"]
    if column == "source":
        row[1] = value
    else:
        header, row = [*header, column], [*row, value]
    s = ingest(store, write(tmp_path / "e.csv", comma([header, row])), "csv")
    assert [r.split(":")[0] for _, r in quarantined(store, s.file_id)] == [reason]


def test_batches_keep_record_numbers(tmp_path: Path) -> None:
    rows = [["date", "source", "target", "cameo"]] + [["2020-01-02", "USA", "RUS", str(40 + i)] for i in range(7)]
    p = write(tmp_path / "e.csv", comma(rows))
    batches = list(csv_batches(p, ("date", "cameo"), batch_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 1]
    assert [x for b in batches for x in b["line"].to_pylist()] == list(range(2, 9))
    assert batches[2]["cameo"].to_pylist() == ["46"]


def test_fatalities_beyond_a_count_are_quarantined(store: Store, tmp_path: Path) -> None:
    """5e9 deaths is no count: one quarantine row (it stopped the whole ingest with a cast error before)."""
    data = b"date,source,target,cameo,fatalities\n2024-03-01,USA,RUS,190,5e9\n2024-03-02,USA,RUS,190,3\n"
    s = ingest(store, write(tmp_path / "e.csv", data), "csv")
    assert (s.read, s.stored, s.quarantined) == (2, 1, 1)
    assert quarantined(store, s.file_id) == [(2, "bad integer in fatalities: 5e9")]
    assert db_sql(store, "SELECT fatalities FROM events").fetchone() == (3,)
