"""The derived tables (dyad_day, event_days) maintained per published file equal a full rebuild, and the
answers served from them equal the answers computed from the events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from detente.ingest import ingest_file
from detente.measure import report
from detente.store import Store, derived
from detente.store.analytics.index import daily_base_expr, dyad_index
from detente.store.reference import load_reference
from tests.direct import db_rel, db_sql


@pytest.fixture()
def files(tmp_path: Path, shared_data: Path) -> list[Path]:
    lines = (shared_data / "events" / "gdelt2" / "20191024143000.export.CSV").read_bytes().splitlines(keepends=True)
    first, second = tmp_path / "20191024143000.export.CSV", tmp_path / "20191024144500.export.CSV"
    first.write_bytes(b"".join(lines[:1200]))
    second.write_bytes(b"".join(lines[900:]))  # overlaps the first: repeats fold into its events
    return [first, second]


@pytest.fixture()
def store() -> Iterator[Store]:
    s = Store.open(":memory:")
    load_reference(s)
    yield s
    s.close()


def _sorted(t: pa.Table, keys: list[str]) -> list[dict[str, object]]:
    rows = t.sort_by([(k, "ascending") for k in keys]).to_pylist()
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def _derived_equals_full(store: Store) -> None:
    assert derived.fresh(store)
    kept = db_rel(store, "SELECT a, b, day AS period, cooperation, conflict, events, cooperative_events, "
                             "hostile_events FROM dyad_day").to_arrow_table()  # fmt: skip
    full = daily_base_expr(store).to_pyarrow()
    assert _sorted(kept, ["a", "b", "period"]) == _sorted(full.select(kept.column_names), ["a", "b", "period"])
    days = db_rel(store, "SELECT day, events FROM event_days").to_arrow_table()
    every = db_rel(store, "SELECT date AS day, count(*) AS events FROM events GROUP BY 1").to_arrow_table()
    assert _sorted(days, ["day"]) == _sorted(every, ["day"])
    actor_day = db_rel(store, "SELECT actor, dataset, day, events FROM actor_day").to_arrow_table()
    per_actor = db_rel(
        store,
        "SELECT x.actor, e.dataset, e.date AS day, count(*) AS events FROM events e, "
        "(SELECT DISTINCT unnest([source_actor, target_actor]) AS actor) x WHERE x.actor IS NOT NULL "
        "AND x.actor IN (e.source_actor, e.target_actor) GROUP BY ALL",
    ).to_arrow_table()
    assert _sorted(actor_day, ["actor", "dataset", "day"]) == _sorted(per_actor, ["actor", "dataset", "day"])
    for res in ("day", "month"):
        served = dyad_index(store, res, base=derived.base(store))
        assert _sorted(served, ["a", "b", "period"]) == _sorted(dyad_index(store, res), ["a", "b", "period"])


def test_incremental_equals_rebuild_after_each_file_and_on_reingest(store: Store, files: list[Path]) -> None:
    assert derived.fresh(store)  # an empty store: nothing to cover
    ingest_file(store, files[0], "auto")
    _derived_equals_full(store)
    before = store.count("dyad_day")
    ingest_file(store, files[1], "auto")
    _derived_equals_full(store)
    assert store.count("dyad_day") >= before
    snapshot = db_sql(store, "SELECT * FROM dyad_day ORDER BY ALL").fetchall()
    ingest_file(store, files[1], "auto")  # re-ingest adds nothing
    _derived_equals_full(store)
    assert db_sql(store, "SELECT * FROM dyad_day ORDER BY ALL").fetchall() == snapshot


def test_answers_from_derived_tables_equal_answers_from_events(store: Store, files: list[Path]) -> None:
    for f in files:
        ingest_file(store, f, "auto")
    served = (
        report.dyad_report(store, "USA", "CHN", "day"),
        report.trust_report(store, "USA", "CHN", "month"),
        report.tension(store, "USA", dt.date(2019, 10, 24)),
        report.alert_list(store, "day", top=50),
    )
    db_sql(store, "UPDATE derived_state SET events = -1")  # out of step: every query reads the events
    assert derived.base(store) is None
    computed = (
        report.dyad_report(store, "USA", "CHN", "day"),
        report.trust_report(store, "USA", "CHN", "month"),
        report.tension(store, "USA", dt.date(2019, 10, 24)),
        report.alert_list(store, "day", top=50),
    )
    assert served == computed
    assert derived.ensure(store) is True  # rebuilt
    _derived_equals_full(store)
    assert derived.ensure(store) is False


def test_a_stale_store_is_rebuilt_by_the_next_publish(store: Store, files: list[Path]) -> None:
    ingest_file(store, files[0], "auto")
    db_sql(store, "DELETE FROM dyad_day")
    db_sql(store, "UPDATE derived_state SET events = -1")
    ingest_file(store, files[1], "auto")
    _derived_equals_full(store)


def test_a_failing_publish_leaves_events_and_derived_tables_as_they_were(
    store: Store, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(store, files[0], "auto")
    events, days = store.count("events"), store.count("dyad_day")

    monkeypatch.setattr(derived, "_daily", lambda s, f: (_ for _ in ()).throw(RuntimeError("killed in the hook")))
    with pytest.raises(Exception):  # noqa: B017
        ingest_file(store, files[1], "auto")
    assert (store.count("events"), store.count("dyad_day")) == (events, days)
    monkeypatch.undo()
    _derived_equals_full(store)


_LATER = """
import sys
from detente.ingest import ingest_file
from detente.store import Store, derived
with Store.open(sys.argv[1]) as s:
    ingest_file(s, sys.argv[2], "auto")
    assert "ibis" not in sys.modules, "the publish query was compiled again"
    print(s.scalar("SELECT count(*) FROM dyad_day"))
"""


def test_the_compiled_publish_query_is_kept_in_the_store_for_the_next_process(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first publish keeps the SQL it compiled in the store; a later ingest in a new process reads it there
    (no Ibis imported) and its derived tables equal a rebuild. Another build (another fingerprint) compiles anew."""
    import subprocess
    import sys

    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
        ingest_file(s, files[0], "auto")
        assert (
            s.scalar("SELECT fingerprint FROM compiled_sql WHERE name = 'derived.daily.file'") == derived.fingerprint()
        )
    root = str(Path(derived.__file__).resolve().parents[2])
    out = subprocess.run([sys.executable, "-c", _LATER, str(db), str(files[1])], capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHONPATH": root})  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    with Store.open(db) as s:
        _derived_equals_full(s)
        # another build: the kept SQL is not used, the query is compiled again and kept under the new fingerprint
        monkeypatch.setattr(derived, "_SQL", {})
        monkeypatch.setattr(derived, "fingerprint", lambda: "another build")
        ingest_file(s, files[1], "auto")  # a re-ingest: nothing new, the query is still compiled and kept
        assert s.scalar("SELECT fingerprint FROM compiled_sql WHERE name = 'derived.daily.file'") == "another build"
        _derived_equals_full(s)
