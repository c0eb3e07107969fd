"""CLI and API faces of the measures, on synthetic events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.cli import main
from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference
from measure.synth import escalation_rows, insert_events


@pytest.fixture()
def client(settings: Settings, store: Store) -> TestClient:
    insert_events(store, escalation_rows())
    return TestClient(create_app(settings, store=store))


def test_index_endpoint(client: TestClient) -> None:
    r = client.get("/api/dyads/USA,RUS/index?res=week")
    assert r.status_code == 200
    body = r.json()
    assert body["dyad"] == ["USA", "RUS"] and body["res"] == "week"
    assert len(body["series"]) == 6
    assert {"period", "cooperation", "conflict", "balance", "events", "trust"} <= set(body["series"][0])
    assert set(body["directed"]) == {"USA->RUS", "RUS->USA"}
    assert body["trust"] == body["series"][-1]["trust"]


def test_trust_endpoint(client: TestClient) -> None:
    body = client.get("/api/dyads/rus,usa/trust?res=month").json()
    assert body["dyad"] == ["RUS", "USA"] and len(body["trust"]) == 2 and body["page"] is None
    last = client.get("/api/dyads/rus,usa/trust?res=month&points=1").json()  # paged as the timeline
    assert last["trust"] == body["trust"][-1:] and last["page"]["periods"] == 2
    before = client.get(f"/api/dyads/rus,usa/trust?res=month&points=1&until={last['page']['next_until']}").json()
    assert before["trust"] == body["trust"][:1] and before["page"] is None
    assert all(round(v, 4) == v for row in body["trust"] for v in row.values() if isinstance(v, float))


def test_tension_endpoint(client: TestClient) -> None:
    body = client.get("/api/tension?actor=USA").json()
    assert body["on"] == "2024-02-10"
    [row] = body["tension"]
    assert row["actor"] == "RUS" and 0.0 <= row["tension"] <= 1.0 and row["trust"] < 0
    assert client.get("/api/tension?actor=USA&on=2030-01-01").json()["tension"] == []
    assert client.get("/api/tension?actor=USA&on=0001-01-02").json()["tension"] == []
    assert client.get("/api/tension?actor=USA&on=9999-12-31").status_code == 200


def test_alerts_endpoint_shows_triggering_events(client: TestClient) -> None:
    body = client.get("/api/alerts?top=5").json()
    [alert] = body["alerts"]
    assert alert["rank"] == 1 and alert["period"] == "2024-02-10" and alert["score"] >= 3.5
    assert len(alert["events_triggering"]) == 5
    assert all(e["goldstein"] < 0 for e in alert["events_triggering"])


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/dyads/USA/index", 422),
        ("/api/dyads/USA,USA/index", 422),
        ("/api/dyads/USA,XXQ/index", 404),
        ("/api/dyads/USA,RUS/index?res=decade", 422),
        ("/api/dyads/USA,RUS/index?since=notadate", 422),
        ("/api/dyads/USA,R%00S/index", 422),
        ("/api/dyads/USA,RUS/index?since=2024-03-01&until=2024-01-01", 422),
        ("/api/dyads/USA,RUS/trust?since=2024-03-01&until=2024-01-01", 422),
        ("/api/dyads/USA,RUS/trust?points=0", 422),
        ("/api/dyads/USA,RUS/trust?points=100001", 422),
        ("/api/dyads/USA,RUS/trust?until=soon", 422),
        ("/api/dyads/USA,USA/trust", 422),
        ("/api/dyads/USA,XXQ/trust", 404),
        ("/api/tension", 422),
        ("/api/tension?actor=%3Cscript%3E", 422),
        ("/api/alerts?top=0", 422),
        ("/api/alerts?top=abc", 422),
    ],
)
def test_bad_input_gets_the_error_shape(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert "error" in r.json() or "detail" in r.json()


def test_empty_store_answers_empty(settings: Settings, store: Store) -> None:
    c = TestClient(create_app(settings, store=store))
    assert c.get("/api/alerts").json()["alerts"] == []
    body = c.get("/api/dyads/USA,RUS/index").json()
    assert body["series"] == [] and body["trust"] == 0.0


def _cli_store(tmp_path: Path) -> Path:
    db = tmp_path / "m.duckdb"
    with Store.open(db) as s:
        load_reference(s)
        insert_events(s, escalation_rows())
    return db


def test_cli_dyad_and_alerts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _cli_store(tmp_path)
    main(["--db", str(db), "dyad", "USA", "RUS", "--res", "month", "--json"])
    body = json.loads(capsys.readouterr().out)
    assert [r["period"] for r in body["series"]] == ["2024-01-01", "2024-02-01"]
    main(["--db", str(db), "alerts", "--top", "3", "--json"])
    alerts = json.loads(capsys.readouterr().out)["alerts"]
    assert alerts[0]["a"] == "RUS" and alerts[0]["events_triggering"]
    main(["--db", str(db), "dyad", "USA", "RUS", "--res", "week"])
    assert "trust now" in capsys.readouterr().out
    main(["--db", str(db), "alerts"])
    assert "Escalation alerts" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["dyad", "USA", "RUS", "--res", "decade"], "Unknown resolution"),
        (["dyad", "USA", "ZZZ"], "Unknown actor"),
        (["dyad", "USA", "USA"], "two different actors"),
        (["dyad", "USA", "RUS", "--since", "yesterday"], "not a date"),
        (["alerts", "--res", "hour"], "Unknown resolution"),
    ],
)
def test_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], msg: str) -> None:
    db = _cli_store(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(["--db", str(db), *argv])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and msg in err
