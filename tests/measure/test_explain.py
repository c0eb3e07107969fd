"""Why a trust number is what it is: the explanation adds up to the number, on every face, and says its data."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.config import Settings
from detente.core.wording import percent, plural
from detente.measure.explain import trust_explain
from detente.measure.report import dyad_report, tension
from detente.store import Store
from detente.store.analytics.coverage import latest_covered_day
from detente.store.reference import load_reference
from measure.synth import insert_events
from tests.direct import db_sql


def exercise(store: Store, day: str, name: str, members: list[str], dataset: str = "mme_v7") -> None:
    db_sql(
        store,
        "INSERT INTO engagements (kind, name, start_date, end_date, participants, third_parties, dataset, source_id) "
        "VALUES ('joint_exercise', ?, ?, ?, ?, [], ?, ?)",
        [name, day, day, members, dataset, name],
    )


@pytest.fixture()
def dyads(store: Store) -> Store:
    """EST–RUS: exercises only, years ago; USA–CHN: recent events, friendly and hostile."""
    for i, year in enumerate(range(2003, 2011)):
        exercise(store, f"{year}-06-01", f"BALTOPS {year}", ["EST", "RUS", "DEU"])
        exercise(store, f"{year}-09-01", f"Open Spirit {year}", ["EST", "RUS"], "jme_v3" if i % 2 else "mme_v7")
    insert_events(store, [("2019-10-20", "USA", "CHN", 4.0, 3), ("2019-10-21", "CHN", "USA", -5.0, 1),
                          ("2019-10-24", "USA", "CHN", 2.0, 1)])  # fmt: skip
    return store


def test_components_add_up_to_the_number_the_index_shows(dyads: Store) -> None:
    for a, b in (("EST", "RUS"), ("USA", "CHN")):
        x = trust_explain(dyads, a, b, today=dt.date(2026, 12, 7))
        shown = dyad_report(dyads, a, b, "day")["trust"]
        assert math.isclose(x["trust"], shown, abs_tol=1e-5), (a, b)  # rounded to 6 decimals
        assert math.isclose(sum(c["now"] for c in x["components"]), x["trust"], abs_tol=1e-6)
        assert math.isclose(x["inputs_total"] + x["decay"], x["trust"], abs_tol=1e-6)
        assert abs(x["trust_today"]) < abs(x["trust"])  # with nothing new it decays towards 0 by 2026


def test_est_rus_is_explained_by_old_exercises(dyads: Store) -> None:
    x = trust_explain(dyads, "EST", "RUS", limit=3, today=dt.date(2026, 12, 7))
    assert x["dyad"] == ["EST", "RUS"] and x["on"] == "2010-09-01" and x["last_input"] == "2010-09-01"
    kinds = {c["kind"]: c for c in x["components"]}
    assert kinds["joint_exercise"]["count"] == 16 and kinds["joint_exercise"]["input"] == 80.0
    assert kinds["cooperation"]["now"] == 0 and kinds["conflict"]["now"] == 0
    assert x["engagements_total"] == 16 and len(x["engagements"]) == 3
    assert x["engagements"][0]["name"] == "Open Spirit 2010" and x["engagements"][0]["decay_factor"] == 1.0
    contrib = [e["contribution"] for e in x["engagements"]]
    assert contrib == sorted(contrib, reverse=True)
    assert x["coverage"]["events"] == []
    assert {(r["dataset"], r["engagements"]) for r in x["coverage"]["engagements"]} == {("mme_v7", 12), ("jme_v3", 4)}
    s = x["summary"]
    assert "EST–RUS trust" in s and "2010-09-01" in s and "no events between them" in s and "mme_v7" in s
    assert "on 2026-12-07" in s  # what is left today: the number is as old as its last input


def test_the_explanation_of_an_earlier_day_and_of_a_stranger(dyads: Store) -> None:
    early = trust_explain(dyads, "RUS", "EST", on=dt.date(2005, 1, 1))
    assert early["engagements_total"] == 4 and early["on"] == "2005-01-01"
    none = trust_explain(dyads, "EST", "CHN")
    assert none["trust"] == 0 and none["engagements_total"] == 0 and "no events or engagements" in none["summary"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/dyads/EST,ZZZ/trust/explain", 404),
        ("/api/dyads/EST,EST/trust/explain", 400),
        ("/api/dyads/EST/trust/explain", 400),
        ("/api/dyads/EST,RUS/trust/explain?limit=-1", 422),
        ("/api/dyads/EST,RUS/trust/explain?on=yesterday", 422),
    ],
)
def test_api_bad_input_is_one_json_error(dyads: Store, tmp_path: Path, path: str, status: int) -> None:
    from detente.api import create_app

    with TestClient(create_app(Settings(db=tmp_path / "t.duckdb"), store=dyads)) as c:
        r = c.get(path)
        assert r.status_code in (status, 422 if status == 400 else status), r.text
        assert set(r.json()["error"]) == {"code", "status", "message", "hint"}


def test_api_and_cli_faces(dyads: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.api import create_app
    from detente.cli import main

    with TestClient(create_app(Settings(db=tmp_path / "t.duckdb"), store=dyads)) as c:
        r = c.get("/api/dyads/EST,RUS/trust/explain?limit=2")
        assert r.status_code == 200 and len(r.json()["engagements"]) == 2 and r.json()["summary"]
    db = tmp_path / "d.duckdb"
    s = Store.open(str(db))
    load_reference(s)
    exercise(s, "2010-09-01", "Open Spirit 2010", ["EST", "RUS"])
    s.close()
    main(["--db", str(db), "dyad", "EST", "RUS", "--explain", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["engagements"][0]["name"] == "Open Spirit 2010" and out["trust"] == 5.0
    main(["--db", str(db), "dyad", "EST", "RUS", "--explain", "--format", "csv"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "component,count,weight,input,now,share" and lines[-1].startswith(
        "engagements: joint_exercise,1,"
    )
    main(["--db", str(db), "dyad", "EST", "RUS", "--explain"])
    human = capsys.readouterr().out
    assert "components" in human and "Coverage: engagements" in human and "Open Spirit 2010" in human


def test_the_map_opens_on_real_coverage_not_a_tiny_datasets_last_day(store: Store) -> None:
    days = [f"2019-10-{d:02d}" for d in range(1, 31)]
    insert_events(store, [(d, "USA", x, g, 1) for d in days for x, g in (("RUS", -3.0), ("CHN", 2.0), ("FRA", 1.0),
                                                                           ("DEU", 1.0))])  # fmt: skip
    insert_events(store, [("2024-06-01", "USA", "RUS", 2.0, 1)])  # one coded demo document, years later
    last = int(db_sql(store, "SELECT max(event_id) FROM events").fetchall()[0][0])
    db_sql(store, "UPDATE events SET dataset = 'coder' WHERE event_id = ?", [last])
    cov = latest_covered_day(store, "USA")
    assert cov["day"] == "2019-10-30" and cov["basis"] == "covered" and cov["left_out"] == {"coder": 1}
    t = tension(store, "USA")
    assert t["on"] == "2019-10-30" and len(t["tension"]) == 4  # the map is populated
    assert tension(store, "USA", dt.date(2024, 6, 1))["on"] == "2024-06-01"  # a day asked for is kept
    # an actor with events only in a tiny dataset still gets its last day, said as such
    insert_events(store, [("2022-01-01", "EST", "LVA", 1.0, 1)])
    db_sql(store, "UPDATE events SET dataset = 'coder' WHERE source_actor = 'EST'")
    assert latest_covered_day(store, "EST")["basis"] == "latest event"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1, allow_nan=False), st.integers(min_value=0, max_value=2))
def test_a_share_reads_0_or_100_percent_only_when_it_is(share: float, digits: int) -> None:
    text = percent(share, digits)
    assert (text == "0%") == (share == 0)
    assert (text == "100%") == (share == 1)


@given(st.integers(min_value=0, max_value=10**6))
def test_plural_is_singular_for_one_only(n: int) -> None:
    assert plural(n, "war").endswith("war" if n == 1 else "wars")
