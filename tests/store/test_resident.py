"""The server's resident tables (detente.store.resident): answers computed from them equal the engine's answers
for any question, follow every write, and the event search they narrow returns the same rows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.ingest import ingest_file
from detente.measure import report
from detente.measure import resident as measure_resident
from detente.measure.resident import NONE, events_since
from detente.store import Store
from detente.store import resident as resident_tables
from detente.store.analytics import events as queries
from detente.store.engagements import write_engagements
from detente.store.records import records
from detente.store.reference import load_reference
from detente.store.resident import EVENT_ROWS, EVENT_ROWS_TOTAL, KEPT_PER_DYAD, KEPT_TOTAL, Served
from detente.store.writer import Writer
from tests.direct import db_sql


def _same(fast: Any, slow: Any, path: str = "") -> None:
    """Equal answers: same keys in the same order, same values, floats to 1e-9 (another order of addition)."""
    if isinstance(slow, dict):
        assert isinstance(fast, dict) and list(fast) == list(slow), path
        for k in slow:
            _same(fast[k], slow[k], f"{path}.{k}")
    elif isinstance(slow, list):
        assert isinstance(fast, list) and len(fast) == len(slow), path
        for i, (x, y) in enumerate(zip(fast, slow, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(slow, float):
        assert isinstance(fast, float) and math.isclose(fast, slow, rel_tol=1e-9, abs_tol=1e-9), (path, fast, slow)
    else:
        assert fast == slow and type(fast) is type(slow), (path, fast, slow)


@pytest.fixture()
def served(tmp_path: Path, shared_data: Path) -> Iterator[tuple[Store, Writer]]:
    s = Store.open(tmp_path / "s.duckdb")
    load_reference(s)
    ingest_file(s, shared_data / "events" / "gdelt2" / "20191024143000.export.CSV", "auto")
    rows = pa.table(
        {
            "source_id": ["e1", "e2", "e3"],
            "kind": ["joint_exercise", "summit", "joint_exercise"],
            "name": ["Exercise one", "Summit", "Exercise two"],
            "start_date": [dt.date(2019, 10, 1), dt.date(2019, 10, 24), dt.date(2018, 5, 2)],
            "end_date": [dt.date(2019, 10, 5), dt.date(2019, 10, 24), None],
            "participants": [["USA", "CHN"], ["USA", "RUS"], ["CHN", "USA", "JPN"]],
            "third_parties": [None, ["FRA"], None],
            "place": [None, None, None],
            "track": ["1", "1", "1"],
            "line": [1, 2, 3],
            "attributes": ["{}", "{}", "{}"],
        }
    )
    write_engagements(s, "test", rows)
    w = Writer(s, resident=True)
    w.refresh(wait=True)
    yield s, w
    w.join()
    s.close()


def a_day_later(shared_data: Path, folder: Path, rows: int = 400) -> Path:
    """A second GDELT file: the first ``rows`` of the shared one moved a day later (2019-10-25), with new event ids:
    new events for the same dyads."""
    lines = [
        ln.split("\t")
        for ln in (shared_data / "events" / "gdelt2" / "20191024143000.export.CSV").read_text().splitlines()
    ]
    for r in lines:
        r[0], r[1], r[2], r[3], r[59] = "9" + r[0], "20191025", "201910", "2019", "20191025" + r[59][8:]
    f = folder / "20191025143000.export.CSV"
    f.write_text("".join("\t".join(r) + "\n" for r in lines[:rows]))
    return f


def _dyads(store: Store) -> list[tuple[str, str]]:
    got = db_sql(store, "SELECT a, b FROM dyad_day GROUP BY a, b ORDER BY sum(events) DESC LIMIT 6").fetchall()
    return [(str(a), str(b)) for a, b in got]


def test_resident_answers_equal_the_engines(served: tuple[Store, Writer]) -> None:
    store, w = served
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        r = cur.served.resident
        pairs = [*_dyads(store), ("USA", "CHN"), ("CHN", "USA"), ("USA", "JPN"), ("RUS", "FRA")]
        for a, b in pairs:
            for res in ("day", "week", "month", "year"):
                for since, until, points in (
                    (None, None, None),
                    (dt.date(2019, 10, 1), None, 3),
                    (None, dt.date(2019, 10, 23), 1),
                ):
                    _same(
                        report.dyad_report(cur, a, b, res, since, until, points=points),
                        report.dyad_report(store, a, b, res, since, until, points=points),
                    )
                _same(report.trust_report(cur, a, b, res), report.trust_report(store, a, b, res))
                for since, until, points in ((dt.date(2019, 10, 1), None, 3), (None, dt.date(2019, 10, 23), 1)):
                    _same(
                        report.trust_report(cur, a, b, res, since, until, points=points),
                        report.trust_report(store, a, b, res, since, until, points=points),
                    )
        for top, n in ((50, 10), (3, 2), (20, 5), (5, 0), (4, 12)):  # kept per alert with the most events asked
            for res in ("day", "month"):
                _same(
                    report.alert_list(cur, res, top=top, n_events=n), report.alert_list(store, res, top=top, n_events=n)
                )
        for actor in ("USA", "CHN", "RUS", "FRA", "JPN"):
            for on in (None, dt.date(2019, 10, 1), dt.date(2020, 1, 1)):
                _same(report.tension(cur, actor, on), report.tension(store, actor, on))
        searches: tuple[tuple[str, str | None, bool, int, int], ...] = (
            ("USA", "CHN", False, 3, 0),
            ("USA", None, False, 10, 5),
            ("CHN", "USA", True, 2, 1),
        )
        for a, other, directed, limit, offset in searches:
            since = events_since(r, a, other, directed, None, None, limit + offset)
            want = records(
                queries.dyad_events(store, a, other, None, None, directed=directed, limit=limit, offset=offset)
            )
            if since == NONE:
                assert want == []
                continue
            got = records(
                queries.dyad_events(cur, a, other, since, None, directed=directed, limit=limit, offset=offset)
            )
            assert got == want


def test_resident_tables_follow_every_write_and_are_never_older_than_the_data(
    served: tuple[Store, Writer], shared_data: Path, tmp_path: Path
) -> None:
    store, w = served
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        before = report.tension(cur, "USA")
    f = a_day_later(shared_data, tmp_path)
    with w.write() as wr:
        ingest_file(wr, f, "auto")
    with w.read() as cur:  # right after the write: not yet loaded (the engine answers) or loaded for this data
        assert cur.served is not None
        assert cur.served.resident is None or cur.served.resident.version == cur.served.version
        _same(report.tension(cur, "USA", dt.date(2019, 10, 25)), report.tension(store, "USA", dt.date(2019, 10, 25)))
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        after = report.tension(cur, "USA")
        _same(after, report.tension(store, "USA"))
    assert after != before


def test_a_failed_write_leaves_the_answers_as_they_were(served: tuple[Store, Writer]) -> None:
    _, w = served
    with w.read() as cur:
        before = report.dyad_report(cur, "USA", "CHN", "day")
    with pytest.raises(RuntimeError), w.write() as wr, wr.transaction():
        db_sql(wr, "DELETE FROM dyad_day")
        raise RuntimeError("killed part-way")
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        _same(report.dyad_report(cur, "USA", "CHN", "day"), before)


def test_no_resident_tables_for_a_store_whose_derived_tables_are_out_of_step(served: tuple[Store, Writer]) -> None:
    store, w = served
    with w.write() as wr:
        db_sql(wr, "UPDATE derived_state SET events = -1")
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is None  # the engine answers, from the events
        _same(report.tension(cur, "USA"), report.tension(store, "USA"))
    assert isinstance(Served("x", None).version, str)


def test_every_dyads_engagement_list_at_once_equals_each_dyads(served: tuple[Store, Writer]) -> None:
    from detente.store.analytics.dyads import dyad_engagement_list, dyad_engagement_lists

    store, _ = served
    for limit in (1, 2, 20):
        lists = dyad_engagement_lists(store, limit)
        assert len(lists[("CHN", "USA")]) == min(limit, 2)
        for (lo, hi), got in lists.items():
            one = dyad_engagement_list(store, lo, hi, limit)
            assert one is not None and got == records(one)


def _pairs(store: Store) -> list[tuple[str, str]]:
    got = db_sql(store, "SELECT a, b FROM dyad_day GROUP BY a, b ORDER BY sum(events) DESC, a, b").fetchall()
    return [(str(a), str(b)) for a, b in got]


SIZES = [(3, 0, 0, 10**6), (EVENT_ROWS, 0, 0, 10**6), (3, 2, 10**6, 10**6), (3, 3, 40, 10**6), (EVENT_ROWS, 4, 60, 100)]


@pytest.mark.parametrize("keep,whole,total,cap", [*SIZES, (EVENT_ROWS, KEPT_PER_DYAD, KEPT_TOTAL, EVENT_ROWS_TOTAL)])
def test_event_search_from_memory_or_by_row_id_equals_the_scan_for_any_dyad_and_page(
    served: tuple[Store, Writer], monkeypatch: pytest.MonkeyPatch, keep: int, whole: int, total: int, cap: int
) -> None:
    """The event search from the resident tables (a page held whole in memory, or its rows fetched by row id)
    gives the rows, order, paging and counts of the plain query, whether they list a dyad's whole history or only
    its newest ``keep`` events (fewer when they would list more than about ``cap`` in all), and hold the newest
    ``whole`` events of some or all dyads whole (``total`` in all); pages past them come from the row ids or the
    scan."""
    store, w = served
    monkeypatch.setattr(resident_tables, "EVENT_ROWS", keep)
    monkeypatch.setattr(resident_tables, "KEPT_PER_DYAD", whole)
    monkeypatch.setattr(resident_tables, "KEPT_TOTAL", total)
    monkeypatch.setattr(resident_tables, "EVENT_ROWS_TOTAL", cap)
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None
        r = resident_tables.load(cur, cur.served.version)
        cur.served = Served(cur.served.version, r)
        listed = sum(e.day.size for e in r.event_rows.values())
        if cap < 1000:  # each dyad lists fewer: some leave events out
            assert listed < sum(int(x.cols["events"].sum()) for x in r.directed.values())
        else:
            assert any(e.complete_from is not None for e in r.event_rows.values()) == (keep < 10)
        assert r.kept_events is not None and r.kept_events.table.num_rows <= total
        if whole:  # the first events of a kept dyad come from memory
            a, b = next(iter(r.kept_events.dyads))
            assert measure_resident.kept_page(r, a, b, True, None, None, 1, 0) is not None
        pairs = [*_pairs(store), ("USA", "ZZZ"), ("USA", "USA")]
        days = sorted(
            {dt.date.fromisoformat(str(x)) for (x,) in db_sql(store, "SELECT DISTINCT date FROM events").fetchall()}
        )
        used = {"in memory": 0, "by row id": 0}

        def counted(name: str, real: Any) -> Any:
            def call(*args: Any) -> Any:
                page = real(*args)
                used[name] += page is not None
                return page

            return call

        monkeypatch.setattr(measure_resident, "kept_page", counted("in memory", measure_resident.kept_page))
        monkeypatch.setattr(measure_resident, "event_page", counted("by row id", measure_resident.event_page))

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            pair=st.sampled_from(pairs),
            directed=st.booleans(),
            since=st.none() | st.sampled_from(days),
            until=st.none() | st.sampled_from(days),
            limit=st.integers(1, 3) | st.integers(1, 12),
            offset=st.integers(0, 4) | st.integers(0, 40),
        )
        def same(
            pair: tuple[str, str], directed: bool, since: dt.date | None, until: dt.date | None, limit: int, offset: int
        ) -> None:
            a, b = pair
            want = report.event_search(store, a, b, since, until, directed=directed, limit=limit, offset=offset)
            got = report.event_search(cur, a, b, since, until, directed=directed, limit=limit, offset=offset)
            assert got == want

        same()
        assert used["by row id"] + used["in memory"] > 50  # most questions were answered without the scan
        assert whole or used["in memory"] == 0


def _close(fast: Any, slow: Any, tol: float) -> None:
    if isinstance(slow, dict):
        assert list(fast) == list(slow)
        for k in slow:
            _close(fast[k], slow[k], tol)
    elif isinstance(slow, list):
        assert len(fast) == len(slow)
        for x, y in zip(fast, slow, strict=True):
            _close(x, y, tol)
    elif isinstance(slow, float):
        assert isinstance(fast, float) and abs(fast - slow) <= tol, (fast, slow)
    else:
        assert fast == slow


def test_trust_pages_back_to_the_whole_series_and_rounds_like_the_engine(served: tuple[Store, Writer]) -> None:
    """Trust is paged as the timeline: the pages, followed by page.next_until, give the whole series; rounded
    answers are the full ones to 4 decimals on both paths."""
    store, w = served
    with w.read() as cur:
        for res in ("day", "week"):
            whole = report.trust_report(cur, "USA", "CHN", res)["trust"]
            assert len(whole) >= 3
            got: list[dict[str, Any]] = []
            until: dt.date | None = None
            for _ in range(len(whole)):
                page = report.trust_report(cur, "USA", "CHN", res, None, until, points=1)
                got = page["trust"] + got
                if page["page"] is None:
                    break
                assert page["page"]["points"] == 1 and len(page["trust"]) == 1
                until = dt.date.fromisoformat(page["page"]["next_until"])
            _same(got, whole)
            for fn in (report.trust_report, report.dyad_report):
                rounded = fn(cur, "USA", "CHN", res, points=2, digits=4)
                _close(rounded, fn(store, "USA", "CHN", res, points=2, digits=4), 1.01e-4)
                _close(rounded, fn(cur, "USA", "CHN", res, points=2), 0.51e-4)
                floats = [v for row in rounded["series" if "series" in rounded else "trust"] for v in row.values()]
                assert all(round(v, 4) == v for v in floats if isinstance(v, float))


def test_served_series_pages_are_the_reports_byte_for_byte(served: tuple[Store, Writer]) -> None:
    """The API's timeline and trust bytes (series encoded once, then sliced for each page) equal the reports
    encoded whole, whatever order pages of different sizes and starts are asked in."""
    import orjson

    from detente.measure import pages

    store, w = served
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        pairs = [*_dyads(store)[:3], ("USA", "CHN"), ("CHN", "USA")]
        days = [None, dt.date(2019, 9, 30), dt.date(2019, 10, 2), dt.date(2019, 10, 24)]

        @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            pair=st.sampled_from(pairs),
            res=st.sampled_from(["day", "week", "month", "year"]),
            since=st.sampled_from(days),
            until=st.sampled_from(days),
            points=st.integers(1, 6),
        )
        def same(pair: tuple[str, str], res: str, since: dt.date | None, until: dt.date | None, points: int) -> None:
            a, b = pair
            if since and until and since > until:
                return
            want = report.dyad_report(cur, a, b, res, since, until, points=points, digits=4)
            assert pages.dyad_index_json(cur, a, b, res, since, until, points, 4) == orjson.dumps(want)
            want = report.trust_report(cur, a, b, res, since, until, points=points, digits=4)
            assert pages.trust_json(cur, a, b, res, since, until, points, 4) == orjson.dumps(want)

        same()
        assert cur.served.resident.memo["pages"].items  # the encodings were kept and sliced
        with pytest.raises(InputError):
            pages.trust_json(cur, "USA", "USA", "day", None, None, 5, 4)
        with pytest.raises(InputError):
            pages.dyad_index_json(cur, "USA", "CHN", "day", dt.date(2019, 10, 2), dt.date(2019, 10, 1), 5, 4)


def _rows_equal(x: Any, y: Any) -> None:
    assert sorted(x) == sorted(y)
    for k in x:
        assert (x[k].day == y[k].day).all(), k
        for c in x[k].cols:
            assert (x[k].cols[c] == y[k].cols[c]).all(), (k, c)


def test_a_reload_after_new_files_reads_only_the_touched_dyads_and_equals_a_whole_load(
    served: tuple[Store, Writer], shared_data: Path, tmp_path: Path
) -> None:
    """After a write of new files the resident tables are read again for the dyads and actors those files' events
    name only, and equal tables read whole; any other change to the events (a direct insert) reads them whole."""
    _, w = served
    rows = [
        ln.split("\t")
        for ln in (shared_data / "events" / "gdelt2" / "20191024143000.export.CSV").read_text().splitlines()
    ]
    for day, part in (("20191026", rows[:300]), ("20191027", rows[250:700])):
        f = tmp_path / f"{day}143000.export.CSV"
        moved = []
        for r in part:
            r = list(r)
            r[0], r[1], r[2], r[3], r[59] = day[-2:] + "9" + r[0], day, day[:6], day[:4], day + r[59][8:]
            moved.append("\t".join(r))
        f.write_text("\n".join(moved) + "\n")
        with w.write() as wr:
            ingest_file(wr, f, "auto")
        w.refresh(wait=True)
        with w.read() as cur:
            assert cur.served is not None and cur.served.resident is not None
            fast = cur.served.resident
            whole = resident_tables.load(cur, cur.served.version)
        assert 0 < fast.reloaded_rows < sum(int(x.day.size) for x in fast.directed.values())
        assert whole.reloaded_rows == 0
        _rows_equal(fast.directed, whole.directed)
        _rows_equal(fast.actor_days, whole.actor_days)
        assert fast.partners == whole.partners and fast.known == whole.known and fast.coverage == whole.coverage
        assert (fast.event_days == whole.event_days).all()
        assert sorted(fast.event_rows) == sorted(whole.event_rows)
        for k, e in fast.event_rows.items():
            o = whole.event_rows[k]
            assert (e.day == o.day).all() and (e.rowid == o.rowid).all() and e.complete_from == o.complete_from
        assert fast.kept_events is not None and whole.kept_events is not None
        assert fast.kept_events.table.equals(whole.kept_events.table)
        assert fast.kept_events.dyads == whole.kept_events.dyads
    with w.write() as wr:  # an event that came with no new file: the next load reads everything
        db_sql(wr, "INSERT INTO events SELECT * REPLACE (event_id + 10000000 AS event_id) FROM events LIMIT 1")
        db_sql(wr, "UPDATE derived_state SET events = events + 1")
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        assert cur.served.resident.reloaded_rows == 0


def test_the_events_held_whole_can_come_after_the_tables_serve(served: tuple[Store, Writer]) -> None:
    """Loaded with later=True the tables serve at once (an event search by row id) and keep_events then gives the
    events a whole load holds."""
    store, w = served
    with w.read() as cur:
        assert cur.served is not None
        soon = resident_tables.load(cur, cur.served.version, later=True)
        whole = resident_tables.load(cur, cur.served.version)
        assert soon.kept_events is None and soon.pending is not None and whole.pending is None
        cur.served = Served(cur.served.version, soon)
        a, b = _pairs(store)[0]
        assert report.event_search(cur, a, b, limit=5) == report.event_search(store, a, b, limit=5)
        kept = resident_tables.keep_events(cur, soon)
        assert kept is not None and whole.kept_events is not None
        assert kept.table.equals(whole.kept_events.table) and kept.dyads == whole.kept_events.dyads
        assert resident_tables.keep_events(cur, whole) is None


def test_tables_loaded_while_the_next_write_runs_are_served_as_the_version_before_it(
    served: tuple[Store, Writer], shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During a run of writes (a backfill) answers from memory keep moving: tables whose load ends while the next
    write runs are published, lent as the version before that write (never as its own), and the write's own tables
    follow it."""
    import threading

    from detente.store import writer as writer_module

    store, w = served
    loading, go, running, finish = threading.Event(), threading.Event(), threading.Event(), threading.Event()
    real_load = writer_module.load

    def held(*args: Any, **kwargs: Any) -> Any:
        loading.set()
        assert go.wait(60)
        return real_load(*args, **kwargs)

    def second_write() -> None:
        with w.write():
            running.set()
            assert finish.wait(60)

    monkeypatch.setattr(writer_module, "load", held)
    with w.write() as wr:
        ingest_file(wr, a_day_later(shared_data, tmp_path), "auto")
    after_first = w.generation
    assert loading.wait(60)  # the first write's tables are loading, held here
    t = threading.Thread(target=second_write)
    t.start()
    try:
        assert running.wait(60)  # the next write has begun and runs
        go.set()
        loader = w._loading
        assert loader is not None
        loader.join(60)
        with w.read(behind=True) as cur:
            assert cur.served is not None and cur.served.resident is not None
            assert cur.served.version == (id(w), after_first) and cur.served.behind == (id(w), w.generation)
            assert cur.served.resident.files_max == int(db_sql(store, "SELECT max(file_id) FROM files").fetchone()[0])
        with w.read() as cur:  # a reader that does not ask for the version before: the engine's
            assert cur.served is not None and cur.served.resident is None
    finally:
        go.set()
        finish.set()
        t.join()
    w.refresh(wait=True)
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None and cur.served.behind is None
        assert cur.served.version == (id(w), w.generation)
