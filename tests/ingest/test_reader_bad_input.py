"""Bad input, for every event reader: each case is a clear IngestError or quarantine rows with the right line."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import IngestError
from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import SPECS, Spec, ingest, quarantined, write

FORMATS = sorted(SPECS)


@pytest.fixture(params=FORMATS)
def spec(request: pytest.FixtureRequest) -> Spec:
    return SPECS[request.param]


def _name(spec: Spec) -> str:
    return {"gdelt1": "x.export.CSV", "icews": "x.tab", "csv": "x.csv", "ucdp-ged": "ged.csv"}[spec.fmt]


def test_valid_rows_store_and_reingest_adds_nothing(store: Store, tmp_path: Path, spec: Spec) -> None:
    p = write(tmp_path / _name(spec), spec.encode([spec.row(i) for i in range(3)]))
    s = ingest(store, p, spec.fmt)
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (3, 3, 0, 0)
    again = ingest(store, p, spec.fmt)
    assert (again.read, again.stored, again.duplicates, again.quarantined) == (3, 0, 3, 0)
    assert db_sql(store, "SELECT count(*) FROM events").fetchone() == (3,)


def test_format_is_sniffed(store: Store, tmp_path: Path, spec: Spec) -> None:
    p = write(tmp_path / _name(spec), spec.encode([spec.row(0)]))
    assert ingest(store, p).dataset == spec.fmt


def test_truncated_last_line(store: Store, tmp_path: Path, spec: Spec) -> None:
    data = spec.encode([spec.row(0), spec.row(1)])
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    cut = data[: last + (len(data) - last) * 2 // 5]  # the last line stops part-way, without its newline
    s = ingest(store, write(tmp_path / _name(spec), cut), spec.fmt)
    assert (s.read, s.stored, s.quarantined) == (2, 1, 1)
    [(line, reason)] = quarantined(store, s.file_id)
    assert line == spec.first_line + 1
    assert reason.startswith(("wrong number of fields", "bad CSV record"))


def test_wrong_column_count_in_the_middle(store: Store, tmp_path: Path, spec: Spec) -> None:
    rows = [spec.row(0), [*spec.row(1), "extra"], spec.row(2)[:3], spec.row(3)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert (s.read, s.stored, s.quarantined) == (4, 2, 2)
    lines = [line for line, _ in quarantined(store, s.file_id)]
    assert lines == [spec.first_line + 1, spec.first_line + 2]


@pytest.mark.parametrize("bad", ["2020-02-30", "20xx", "tomorrow", "9999-01-01"])
def test_bad_dates(store: Store, tmp_path: Path, spec: Spec, bad: str) -> None:
    if spec.fmt == "gdelt1":
        bad = bad.replace("-", "")
    rows = [spec.row(0), spec.row(1, date=bad)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert (s.stored, s.quarantined) == (1, 1)
    [(line, reason)] = quarantined(store, s.file_id)
    assert line == spec.first_line + 1
    assert "date" in reason


def test_unknown_code(store: Store, tmp_path: Path, spec: Spec) -> None:
    rows = [spec.row(0, code=spec.bad_code), spec.row(1)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert quarantined(store, s.file_id) == [(spec.first_line, f"{spec.bad_code_reason}: {spec.bad_code}")]


def test_non_utf8_bytes(store: Store, tmp_path: Path, spec: Spec) -> None:
    data = spec.encode([spec.row(0), spec.row(1, text="caf\u00e9"), spec.row(2)])
    data = data.replace("caf\u00e9".encode(), b"caf\xe9\xff")
    s = ingest(store, write(tmp_path / _name(spec), data), spec.fmt)
    assert (s.read, s.stored, s.quarantined) == (3, 2, 1)
    assert quarantined(store, s.file_id) == [(spec.first_line + 1, "not valid UTF-8")]


def test_empty_file_is_one_clear_error(store: Store, tmp_path: Path, spec: Spec) -> None:
    with pytest.raises(IngestError, match="empty"):
        ingest(store, write(tmp_path / _name(spec), b""), spec.fmt)


def test_header_only_file_reads_nothing(store: Store, tmp_path: Path, spec: Spec) -> None:
    if spec.header is None:
        pytest.skip("GDELT files have no header")
    s = ingest(store, write(tmp_path / _name(spec), spec.encode([])), spec.fmt)
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (0, 0, 0, 0)


def test_huge_field_is_quarantined_not_parsed(store: Store, tmp_path: Path, spec: Spec) -> None:
    huge = "x" * ((1 << 20) + 10)
    rows = [spec.row(0), spec.row(1, text=huge), spec.row(2)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert (s.read, s.stored, s.quarantined) == (3, 2, 1)
    [(line, reason)] = quarantined(store, s.file_id)
    assert line == spec.first_line + 1
    assert "longer than" in reason


@pytest.mark.parametrize(
    "hostile",
    ["'); DROP TABLE events;--", "<script>alert('x')</script>", 'Robert"); DELETE FROM quarantine; --', "\u202eevil"],
)
def test_hostile_values_are_stored_as_text(store: Store, tmp_path: Path, spec: Spec, hostile: str) -> None:
    rows = [spec.row(0, text=hostile), spec.row(1)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert (s.stored, s.quarantined) == (2, 0)
    texts = db_sql(
        store,
        "SELECT count(*) FROM events WHERE source_name = ? OR evidence = ? OR evidence LIKE '%' || ? || '%'",
        [hostile, hostile, hostile],
    ).fetchone()
    assert texts == (1,)
    assert db_sql(store, "SELECT count(*) FROM events").fetchone() == (2,)


def test_header_required_for_headed_formats(store: Store, tmp_path: Path) -> None:
    for fmt in ("icews", "csv", "ucdp-ged"):
        sp = SPECS[fmt]
        p = write(tmp_path / f"nohead-{_name(sp)}", sp.encode([sp.row(0)], header=False))
        with pytest.raises(IngestError) as e:
            ingest(store, p, fmt)
        assert "\n" not in str(e.value)


def test_every_quarantined_row_keeps_its_text(store: Store, tmp_path: Path, spec: Spec) -> None:
    rows = [spec.row(0), spec.row(1)[:3], spec.row(2), spec.row(3), spec.row(4, code=spec.bad_code), spec.row(5)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    got = db_sql(store, "SELECT line, raw FROM quarantine WHERE file_id = ? ORDER BY line", [s.file_id]).fetchall()
    assert [line for line, _ in got] == [spec.first_line + 1, spec.first_line + 4]
    assert got[0][1] and "1004" in got[1][1], got  # the reader's reject and the pipeline's both keep their text


def test_bare_carriage_return_inside_a_line(store: Store, tmp_path: Path, spec: Spec) -> None:
    rows = [spec.row(0), spec.row(1, text="a\rb"), spec.row(2)]
    s = ingest(store, write(tmp_path / _name(spec), spec.encode(rows)), spec.fmt)
    assert (s.read, s.stored, s.quarantined) == (3, 2, 1)
    [(line, reason)] = quarantined(store, s.file_id)
    assert line == spec.first_line + 1
    assert reason.startswith(("carriage return inside a line", "bad CSV record: new-line character"))
