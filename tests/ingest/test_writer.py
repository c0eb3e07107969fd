"""The event writer: unresolved actors are reported, bad rows are quarantined once, publish hooks are atomic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from detente.errors import IngestError
from detente.ingest import ingest_file
from detente.store import Store
from detente.store.event_writer import PUBLISH_HOOKS, stale_stages, unresolved_actors, unresolved_counts
from tests.direct import db_sql
from tests.ingest.test_gdelt import gdelt_row, write


def test_unresolved_actors_are_counted_and_listed(store: Store, tmp_path: Path) -> None:
    rows = [
        gdelt_row(1, a1="USA", a2="RUS"),
        gdelt_row(2, a1="XQZ", a2="RUS", url="u2"),  # a code that resolves to no actor
        gdelt_row(3, a1="XQZ", a2="RUS", url="u3"),
        gdelt_row(4, a1="USA", a2="", url="u4").replace("\t NAME\t", "\tWIDGET MAKERS\t"),  # a name, no code
        gdelt_row(5, a1="USA", a2="", url="u5").replace("\t NAME\t", "\t\t"),  # no target given: not unresolved
    ]
    s = ingest_file(store, write(tmp_path, rows))
    assert s.stored == 5 and s.unresolved == 3
    assert s.unresolved_top[0] == {"role": "source", "actor": "XQZ", "events": 2}
    assert {"role": "target", "actor": "WIDGET MAKERS", "events": 1} in s.unresolved_top
    assert s.to_dict()["unresolved"] == 3
    assert unresolved_counts(store) == {"gdelt2": 3}
    listed = unresolved_actors(store, dataset="gdelt2")
    assert listed[0] == {"dataset": "gdelt2", "role": "source", "actor": "XQZ", "events": 2, "files": 1}
    assert store.scalar("SELECT unresolved FROM files") == 3
    # the same file again: nothing new, nothing newly unresolved
    again = ingest_file(store, write(tmp_path, rows))
    assert again.stored == 0 and again.unresolved == 0 and unresolved_counts(store) == {"gdelt2": 3}


def test_the_same_bad_rows_are_quarantined_once(store: Store, tmp_path: Path) -> None:
    rows = [gdelt_row(1), "not\ta\tgdelt\trow", gdelt_row(2, code="999", url="u2"), ""]
    p = write(tmp_path, rows)
    first = ingest_file(store, p)
    assert (first.read, first.stored, first.duplicates, first.quarantined) == (4, 1, 0, 3)
    again = ingest_file(store, p)
    assert (again.read, again.stored, again.duplicates, again.quarantined, again.requarantined) == (4, 0, 4, 0, 3)
    assert again.reconciles and store.count("quarantine") == 3
    # a file with a new bad row: only that one is quarantined
    third = ingest_file(store, write(tmp_path, [*rows, "another\tbad"], "z.export.CSV"))
    assert third.quarantined == 1 and third.requarantined == 3 and third.reconciles
    assert store.count("quarantine") == 4
    assert store.scalar("SELECT sum(read) - sum(stored) - sum(duplicates) - sum(quarantined) FROM files") == 0


def test_sources_cli_shows_unresolved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli import main

    db = tmp_path / "s.duckdb"
    f = write(tmp_path, [gdelt_row(1, a1="XQZ", a2="RUS")])
    main(["--db", str(db), "init"])
    main(["--db", str(db), "ingest", str(f)])
    assert "1 new events have an actor that resolves to no known actor" in " ".join(capsys.readouterr().out.split())
    main(["--db", str(db), "sources", "--unresolved", "--json"])
    assert json.loads(capsys.readouterr().out)["unresolved"][0]["actor"] == "XQZ"
    main(["--db", str(db), "sources", "--json"])
    assert json.loads(capsys.readouterr().out)["unresolved"] == {"gdelt2": 1}


@pytest.fixture()
def hook() -> Iterator[list[tuple[int, int, int]]]:
    seen: list[tuple[int, int, int]] = []

    def derive(con: duckdb.DuckDBPyConnection, file_id: int) -> None:
        n = con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0]
        rows = con.execute("SELECT count(*) FROM event_rows WHERE file_id = ?", [file_id]).fetchall()[0][0]
        con.execute("CREATE TABLE IF NOT EXISTS derived_test (file_id BIGINT, events BIGINT)")
        con.execute("INSERT INTO derived_test VALUES (?, ?)", [file_id, n])
        seen.append((file_id, int(n), int(rows)))

    PUBLISH_HOOKS.add("test_derived", derive)
    yield seen
    PUBLISH_HOOKS._entries.pop("test_derived", None)


def test_publish_hooks_run_inside_the_publish(store: Store, tmp_path: Path, hook: list[tuple[int, int, int]]) -> None:
    s = ingest_file(store, write(tmp_path, [gdelt_row(1), gdelt_row(2), gdelt_row(3, url="u3")]))
    assert hook == [(s.file_id, 2, 3)]
    assert db_sql(store, "SELECT * FROM derived_test").fetchall() == [(s.file_id, 2)]


def test_a_failing_hook_aborts_the_whole_publish(store: Store, tmp_path: Path) -> None:
    def broken(con: duckdb.DuckDBPyConnection, file_id: int) -> None:
        raise IngestError("derived table refused the file")

    PUBLISH_HOOKS.add("test_broken", broken)
    try:
        with pytest.raises(IngestError, match="refused"):
            ingest_file(store, write(tmp_path, [gdelt_row(1), "bad"]))
    finally:
        PUBLISH_HOOKS._entries.pop("test_broken", None)
    for t in ("events", "event_rows", "quarantine", "files", "unresolved_actors"):
        assert store.count(t) == 0, t
    assert stale_stages(store) == []


def _everything(store: Store) -> tuple[object, ...]:
    """Every row the ingests wrote, as sorted tuples (the same store whatever the path taken)."""
    q = {
        "events": "SELECT * EXCLUDE (file_id) FROM events ORDER BY event_id",
        "rows": "SELECT dataset, row_key, event_id, line FROM event_rows ORDER BY ALL",
        "quarantine": "SELECT line, reason, raw FROM quarantine ORDER BY ALL",
        "unresolved": "SELECT role, actor, events FROM unresolved_actors ORDER BY ALL",
        "files": "SELECT read, stored, duplicates, quarantined, unresolved FROM files ORDER BY file_id",
    }
    return tuple(tuple(db_sql(store, sql).fetchall()) for sql in q.values())


def test_a_publish_in_parts_stores_what_one_part_stores(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file is published in parts by dedup key: the events, rows, counts and reports are the same as
    in one part, for a first file, for repeats within it, and for a second file repeating events held before."""
    import detente.store.event_writer as ew

    sample = shared_data / "events/gdelt2/20191024143000.export.CSV"
    lines = sample.read_text(encoding="utf-8").splitlines()
    first = write(tmp_path, [*lines, *lines[:500], "not\ta\tgdelt\trow"], "a.export.CSV")
    second = write(tmp_path, [*lines[300:900], *(ln.replace("\t2019", "\t2018", 1) for ln in lines[:50])], "b.CSV")
    got = []
    for part_rows in (10**9, 700):
        monkeypatch.setattr(ew, "PART_ROWS", part_rows)
        with Store.open(":memory:") as s:
            from detente.store.reference import load_reference

            load_reference(s)
            a, b = ingest_file(s, first), ingest_file(s, second)
            assert a.reconciles and b.reconciles and a.duplicates >= 500 and b.duplicates >= 600
            got.append((a.stored, a.duplicates, a.unresolved_top, b.stored, b.duplicates, _everything(s)))
    assert got[0] == got[1]


def test_a_lookup_by_day_finds_what_a_lookup_of_every_event_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GDELT's key starts with the event's date, so a file's keys are looked up among the events on its days
    only: the store is the same as with the lookup over every event held, for repeats of held events (new ids,
    same content), the same content on another day (a new event), repeats within the file and a file again."""
    from detente.core.decode import Decode
    from detente.ingest.gdelt import Gdelt2Reader
    from detente.store.reference import load_reference

    assert Gdelt2Reader().decode().key_fixes_date()
    held = [gdelt_row(i, day=f"201910{10 + i % 5}", url=f"u{i}") for i in range(1, 41)]
    again = [
        *(gdelt_row(100 + i, day=f"201910{10 + i % 5}", url=f"u{i}") for i in range(1, 21)),  # held events
        *(gdelt_row(200 + i, day="20191020", url=f"u{i}") for i in range(1, 11)),  # same content, another day
        *(gdelt_row(300 + i, day="20191021", url=f"n{i % 4}") for i in range(12)),  # new, repeated in the file
        "not\ta\tgdelt\trow",
    ]
    a, b = write(tmp_path, held, "a.export.CSV"), write(tmp_path, again, "b.export.CSV")
    got = []
    for by_day in (True, False):
        monkeypatch.setattr(Decode, "key_fixes_date", lambda self, v=by_day: v)
        with Store.open(":memory:") as s:
            load_reference(s)
            sums = [ingest_file(s, p) for p in (a, b, b)]
            assert all(x.reconciles for x in sums)
            assert [(x.stored, x.duplicates) for x in sums] == [(40, 0), (14, 28), (0, 43)]  # again: the bad row too
            got.append(_everything(s))
    assert got[0] == got[1]
