"""GDELT 2.0 ingest: real sample, reconciliation, dedup, idempotency and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import IngestError
from detente.ingest import ingest_file
from detente.store import Store
from detente.store.reference import load_reference
from tests.direct import db_sql

SAMPLE = "events/gdelt2/20191024143000.export.CSV"


def gdelt_row(eid: int = 1, day: str = "20191024", a1: str = "USA", a2: str = "RUS", code: str = "042",
              url: str = "http://example.org/a", goldstein: str = "1.9", mentions: str = "4") -> str:  # fmt: skip
    f = [""] * 61
    f[0], f[1], f[2], f[3], f[4] = str(eid), day, day[:6], day[:4], "2019.8"
    f[5], f[6], f[7] = a1, f"{a1} NAME", a1
    f[15], f[16], f[17] = a2, f"{a2} NAME", a2
    f[25], f[26], f[27], f[28], f[29], f[30] = "1", code, code[:3], code[:2], "1", goldstein
    f[31], f[32], f[33], f[34] = mentions, "1", mentions, "0.5"
    f[51], f[52], f[53], f[56], f[57] = "1", "Moscow, Russia", "RS", "55.75", "37.6"
    f[59], f[60] = day + "000000", url
    return "\t".join(f)


def write(tmp_path: Path, lines: list[str] | bytes, name: str = "x.export.CSV") -> Path:
    p = tmp_path / name
    p.write_bytes(lines if isinstance(lines, bytes) else ("\n".join(lines) + "\n").encode())
    return p


def test_real_sample_reconciles(store: Store, shared_data: Path) -> None:
    s = ingest_file(store, shared_data / SAMPLE)
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (2111, 1648, 463, 0)
    assert s.reconciles
    assert store.count("events") == 1648
    assert store.count("event_rows") == 2111
    row = db_sql(store, "SELECT sum(duplicates) FROM events").fetchone()
    assert row is not None and row[0] == 463
    again = ingest_file(store, shared_data / SAMPLE)
    assert (again.read, again.stored, again.duplicates) == (2111, 0, 2111)
    assert store.count("events") == 1648


def test_fields_are_mapped(store: Store, tmp_path: Path) -> None:
    s = ingest_file(store, write(tmp_path, [gdelt_row()]))
    assert s.stored == 1
    e = db_sql(
        store,
        "SELECT date, source_actor, target_actor, cameo_code, quad_class, goldstein, plover_type, country, url,"
        " num_mentions, source_sector, line FROM events",
    ).fetchone()
    assert e is not None
    assert str(e[0]) == "2019-10-24"
    assert e[1:5] == ("USA", "RUS", "042", 1)
    assert e[5] == pytest.approx(1.9)
    assert e[6] == "CONSULT"
    assert e[7] == "RUS"  # FIPS RS resolves to Russia
    assert e[8] == "http://example.org/a" and e[9] == 4 and e[11] == 1


def test_repeats_fold_into_one_event(store: Store, tmp_path: Path) -> None:
    rows = [gdelt_row(1), gdelt_row(2), gdelt_row(3, url="http://example.org/b"), gdelt_row(4)]
    s = ingest_file(store, write(tmp_path, rows))
    assert (s.read, s.stored, s.duplicates) == (4, 2, 2)
    dup = db_sql(store, "SELECT duplicates FROM events WHERE url LIKE '%/a'").fetchone()
    assert dup == (2,)
    # A later file repeating the event adds to its count, not to the events.
    s2 = ingest_file(store, write(tmp_path, [gdelt_row(9)], "y.export.CSV"))
    assert (s2.stored, s2.duplicates) == (0, 1)
    assert db_sql(store, "SELECT duplicates FROM events WHERE url LIKE '%/a'").fetchone() == (3,)


def test_bad_rows_are_quarantined_with_line_and_reason(store: Store, tmp_path: Path) -> None:
    lines = [
        gdelt_row(1),
        "only\tthree\tfields",
        gdelt_row(3, day="20191399"),
        gdelt_row(4, code="999"),
        "",
        gdelt_row(6, goldstein="high"),
        gdelt_row(7, mentions="4.5x"),
        gdelt_row(8, a1="USA", a2="CHN"),
        gdelt_row(9, mentions="99999999999"),  # beyond a count (it stopped the whole ingest before)
    ]
    p = write(tmp_path, lines)
    s = ingest_file(store, p)
    assert s.read == 9 and s.reconciles
    assert (s.stored, s.quarantined) == (2, 7)
    q = dict(db_sql(store, "SELECT line, reason FROM quarantine ORDER BY line").fetchall())
    assert q[2].startswith("wrong number of fields: expected 61, found 3")
    assert q[3].startswith("bad date in SQLDATE")
    assert q[4] == "unknown CAMEO code: 999"
    assert q[5] == "empty line"
    assert q[6].startswith("bad number in GoldsteinScale")
    assert q[7].startswith("bad number in NumMentions")
    assert q[9] == "bad number in NumMentions: 99999999999"
    raw = db_sql(store, "SELECT raw FROM quarantine WHERE line = 2").fetchone()
    assert raw == ("only\tthree\tfields",)


def test_non_utf8_and_crlf_and_truncated_last_line(store: Store, tmp_path: Path) -> None:
    good = gdelt_row(1).encode()
    bad = gdelt_row(2, url="http://example.org/\xff").encode("latin-1")
    truncated = gdelt_row(3)[:100].encode()
    p = write(tmp_path, good + b"\r\n" + bad + b"\r\n" + truncated)  # no newline at the end
    s = ingest_file(store, p)
    assert (s.read, s.stored, s.quarantined) == (3, 1, 2)
    q = dict(db_sql(store, "SELECT line, reason FROM quarantine ORDER BY line").fetchall())
    assert q[2] == "not valid UTF-8"
    assert q[3].startswith("wrong number of fields")
    assert db_sql(store, "SELECT url FROM events").fetchone() == ("http://example.org/a",)


def test_huge_field_is_quarantined_not_loaded(store: Store, tmp_path: Path) -> None:
    huge = gdelt_row(2, url="http://x/" + "a" * (2 << 20))
    s = ingest_file(store, write(tmp_path, [gdelt_row(1), huge, gdelt_row(3, url="http://example.org/c")]))
    assert (s.read, s.stored, s.quarantined) == (3, 2, 1)
    reason, raw = db_sql(store, "SELECT reason, raw FROM quarantine").fetchone() or ("", "")
    assert reason.startswith("line longer than") and len(raw) <= 2000


def test_hostile_values_are_data(store: Store, tmp_path: Path) -> None:
    evil = "'); DROP TABLE events;--<script>alert(1)</script>"
    s = ingest_file(store, write(tmp_path, [gdelt_row(1, url=evil)]))
    assert s.stored == 1
    assert db_sql(store, "SELECT url FROM events").fetchone() == (evil,)


def test_empty_and_missing_files_are_one_clear_error(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.CSV"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="is empty"):
        ingest_file(store, empty, "gdelt2")
    with pytest.raises(IngestError, match="No such file"):
        ingest_file(store, tmp_path / "nope.CSV")
    with pytest.raises(IngestError, match="folder"):
        ingest_file(store, tmp_path)
    junk = write(tmp_path, b"hello world\n", "junk.txt")
    with pytest.raises(IngestError, match="Cannot tell the format"):
        ingest_file(store, junk)


@pytest.fixture(scope="module")
def shared_store() -> Iterator[Store]:
    """One store for the property tests; each example empties the event tables first."""
    with Store.open() as s:
        load_reference(s)
        yield s


def emptied(store: Store) -> Store:
    for t in ("events", "event_rows", "quarantine", "files"):
        db_sql(store, f"DELETE FROM {t}")
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.binary(max_size=300), max_size=20))
def test_garbage_always_reconciles(shared_store: Store, tmp_path: Path, garbage: list[bytes]) -> None:
    store = emptied(shared_store)
    p = tmp_path / "g.export.CSV"
    p.write_bytes(gdelt_row(1).encode() + b"\n" + b"\n".join(garbage))
    s = ingest_file(store, p, "gdelt2")
    assert s.reconciles
    lines = p.read_bytes().count(b"\n") + (0 if p.read_bytes().endswith(b"\n") else 1)
    assert s.read == lines
    assert store.count("quarantine") == s.quarantined


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a1=st.sampled_from(["USA", "RUS", "CHN", "FRA", ""]),
    code=st.sampled_from(["010", "042", "0871", "190", "1823"]),
    goldstein=st.floats(-10, 10, allow_nan=False).map(lambda g: f"{g:.1f}"),
    url=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60),
)
def test_well_formed_rows_round_trip(
    shared_store: Store, tmp_path: Path, a1: str, code: str, goldstein: str, url: str
) -> None:
    url = url.replace("\t", " ").strip()
    store = emptied(shared_store)
    p = tmp_path / "r.export.CSV"
    p.write_text(gdelt_row(1, a1=a1, code=code, goldstein=goldstein, url=url) + "\n", encoding="utf-8")
    s = ingest_file(store, p, "gdelt2")
    assert s.stored == 1
    row = db_sql(store, "SELECT cameo_code, goldstein, coalesce(url, '') FROM events").fetchone()
    assert row is not None
    assert row[0] == code and row[1] == pytest.approx(float(goldstein)) and row[2] == url


def test_a_failed_run_leaves_nothing(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.ingest.gdelt import Gdelt2Reader

    real = Gdelt2Reader.batches

    def failing(self: Gdelt2Reader, path: Path, progress: object = None) -> Iterator[object]:
        yield from real(self, path)
        raise IngestError("disk went away")

    ingest_file(store, write(tmp_path, [gdelt_row(1)], "a.export.CSV"))
    monkeypatch.setattr(Gdelt2Reader, "batches", failing)
    with pytest.raises(IngestError, match="disk went away"):
        ingest_file(store, write(tmp_path, [gdelt_row(2, url="u2"), "bad"], "b.export.CSV"))
    assert store.count("events") == 1 and store.count("files") == 1
    assert store.count("event_rows") == 1 and store.count("quarantine") == 0


def test_an_ingest_does_not_import_pandas(tmp_path: Path) -> None:
    """Starting an ingest is part of its time: a GDELT ingest reads, stages and publishes without pandas (about a
    second to import), in a fresh interpreter."""
    import subprocess
    import sys

    rows = [gdelt_row(i, url=f"http://example.org/{i}") for i in range(1, 6)]
    path, db = write(tmp_path, rows), tmp_path / "p.duckdb"
    with Store.open(db) as s:  # as `detente init` does, in its own process
        load_reference(s)
    code = (
        "import sys\n"
        "from detente.ingest import ingest_file\n"
        "from detente.store import Store\n"
        f"s = ingest_file(Store.open({str(db)!r}), {str(path)!r})\n"
        "print(s.read, s.stored, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["5", "5", "False"]
