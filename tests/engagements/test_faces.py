"""CLI and API faces of engagements, on the synthetic files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.cli import main
from detente.config import Settings
from detente.ingest.engagements import ENGAGEMENT_SOURCES, load
from detente.store import Store
from engagements.synth import FRAMES, make, write


@pytest.fixture()
def bare(settings: Settings, store: Store) -> TestClient:
    """The app over an empty store: enough for requests that must fail before any query."""
    return TestClient(create_app(settings, store=store))


@pytest.fixture()
def client(settings: Settings, store: Store, tmp_path: Path) -> TestClient:
    for name in ("mme", "pax", "cwm", "sipri"):
        load(store, name, make(name, tmp_path))
    return TestClient(create_app(settings, store=store))


def test_engagements_of_an_actor(client: TestClient) -> None:
    body = client.get("/api/engagements?actor=usa").json()
    kinds = {e["kind"] for e in body["engagements"]}
    assert kinds == {"joint_exercise", "agreement", "mediation"}  # a witness at Dayton, a mediator in Mozambique
    assert body["count"] == 4
    first = body["engagements"][0]
    assert first["start_date"] == "1995-11-21" and isinstance(first["attributes"], dict)
    only = client.get("/api/engagements?actor=USA&kind=joint_exercise&since=1981-01-01").json()
    assert [e["source_id"] for e in only["engagements"]] == ["mme2"]


def test_engagements_of_a_dyad(client: TestClient) -> None:
    body = client.get("/api/engagements?dyad=HRV,BIH").json()
    assert [e["source_id"] for e in body["engagements"]] == ["pax:389"]
    assert client.get("/api/engagements?dyad=USA,NLD&until=1979-12-31").json()["count"] == 0
    assert client.get("/api/engagements?dyad=USA,NLD&until=1980-12-31").json()["count"] == 1


def test_kinds(client: TestClient) -> None:
    body = client.get("/api/engagements/kinds").json()
    got = {(k["kind"], k["dataset"]): k["engagements"] for k in body["kinds"]}
    assert got == {
        ("agreement", "pax"): 1, ("ceasefire", "pax"): 1, ("joint_exercise", "mme_v7"): 2,
        ("mediation", "cwm"): 2, ("military_aid", "sipri_arms_dyad_year"): 2,
    }  # fmt: skip
    assert body["total"] == 8


@pytest.mark.parametrize(
    "query",
    ["dyad=USA", "dyad=USA,USA", "dyad=,", "kind=picnic", "since=1990-13-01", "limit=0", "limit=100000",
     "since=2000-01-01&until=1999-01-01", "actor=" + "X" * 100, "offset=-1"],
)  # fmt: skip
def test_bad_queries_get_the_error_shape(bare: TestClient, query: str) -> None:
    r = bare.get(f"/api/engagements?{query}")
    assert r.status_code == 422
    err = r.json()["error"]
    assert set(err) == {"code", "status", "message", "hint"} and err["status"] == 422


def test_hostile_actor_is_just_a_string(client: TestClient) -> None:
    r = client.get("/api/engagements", params={"actor": "USA' OR 1=1 --"})
    assert r.status_code == 200 and r.json()["count"] == 0


def test_cli_load_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.duckdb"
    data = tmp_path / "data"
    for name in ("mme", "pax"):  # the real layout: exercises/mme_v7.csv, agreements/pax_...xlsx
        src = ENGAGEMENT_SOURCES.get(name)
        (data / src.path).parent.mkdir(parents=True, exist_ok=True)
        write(FRAMES[name][0](), data / src.path)
    main(["--db", str(db), "init", "--json"])
    capsys.readouterr()
    main(["--db", str(db), "load-engagements", "--only", "mme,pax", "--data", str(data), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == {}
    assert out["datasets"]["mme"]["stored"] == 2 and out["datasets"]["pax"]["reconciles"]
    main(["--db", str(db), "load-engagements", "--only", "mme,pax", "--data", str(data)])
    text = capsys.readouterr().out
    assert "engagements loaded" in text and "mme" in text
    main(["--db", str(db), "engagements", "--actor", "USA", "--kind", "joint_exercise", "--json"])
    rows = json.loads(capsys.readouterr().out)["engagements"]
    assert sorted(r["source_id"] for r in rows) == ["mme1", "mme2"]
    main(["--db", str(db), "engagements", "--dyad", "BIH,HRV"])
    assert "Dayton" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load-engagements", "--only", "mme,nope"], "Unknown engagement source 'nope'"),
        (["engagements", "--kind", "picnic"], "Unknown engagement kind 'picnic'"),
        (["engagements", "--dyad", "USA"], "--dyad takes two actor ids"),
        (["engagements", "--since", "yesterday"], "is not a date"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    db = tmp_path / "cli.duckdb"
    main(["--db", str(db), "init", "--json"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        main(["--db", str(db), *args])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_cli_missing_file_fails_that_dataset_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.duckdb"
    data = tmp_path / "data"
    src = ENGAGEMENT_SOURCES.get("mme")
    (data / src.path).parent.mkdir(parents=True)
    write(FRAMES["mme"][0](), data / src.path)
    main(["--db", str(db), "init", "--json"])
    with pytest.raises(SystemExit):
        main(["--db", str(db), "load-engagements", "--only", "mme,cwm", "--data", str(data)])
    captured = capsys.readouterr()
    assert "1 of 2 datasets failed: cwm" in captured.err and "No such file" in captured.err
    assert "mme" in captured.out  # mme was still loaded and reported
