"""CLI, API and page of the simulator."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.cli import main
from detente.config import Settings
from detente.store import Store


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json_is_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("simulate", "two-bloc", "--runs", "15", "--steps", "24", "--policy", "hotline", "-p", "dialogue+mediation",
            "--seed", "9", "--json")  # fmt: skip
    code, out, _ = _cli(capsys, *args)
    assert code == 0
    a = json.loads(out)
    assert a["meta"]["variants"] == ["none", "hotline", "dialogue+mediation"] and a["meta"]["seed"] == 9
    assert {r["variant"] for r in a["pathways"]} == set(a["meta"]["variants"])
    assert isinstance(a["war_dyads"], list) and all({"side_a", "side_b", "wars"} <= set(w) for w in a["war_dyads"])
    _, out2, _ = _cli(capsys, *args)
    b = json.loads(out2)
    assert a["summary"] == b["summary"] and a["pathways"] == b["pathways"]


def test_cli_mixes_rank_combinations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "simulate", "two-bloc", "--runs", "8", "--steps", "12", "-p", "hotline",
                        "-p", "mediation", "-p", "transparency", "--mixes", "2", "--json")  # fmt: skip
    assert code == 0
    v = json.loads(out)["meta"]["variants"]
    assert v[:4] == ["none", "hotline", "mediation", "transparency"]
    assert {"hotline+mediation", "hotline+transparency", "mediation+transparency"} <= set(v) and len(v) == 7
    code, _, err = _cli(capsys, "simulate", "two-bloc", "--mixes", "9")
    assert code == 2 and err.startswith("error: mixes must be an integer in 1..4")


def test_cli_table_plot_csv_and_lists(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    code, out, _ = _cli(capsys, "simulate", "civil-war-mediation", "--runs", "10", "--steps", "24",
                        "--plot", str(tmp_path / "p.png"), "--csv", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 0 and "pathways, ranked" in out
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "r.csv").read_text().startswith("variant,run,")
    code, out, _ = _cli(capsys, "simulate", "--list-policies", "--json")
    assert code == 0 and "hotline" in {p["name"] for p in json.loads(out)}
    code, out, _ = _cli(capsys, "simulate", "--list-scenarios")
    assert code == 0 and "baltic-2018" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (("simulate", "two-bloc", "--policy", "nukes"), "error: Unknown policy 'nukes'."),
        (("simulate", "two-bloc", "--runs", "-4"), "error: runs must be an integer"),
        (("simulate", "nope.yaml"), "error: No scenario 'nope.yaml'."),
        (("simulate",), "error: No scenario given."),
        (("simulate", "two-bloc", "--backend", "gpu", "--runs", "2"), "error: Unknown backend 'gpu'."),
    ],
)
def test_cli_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], match: str) -> None:
    code, _, err = _cli(capsys, *argv)
    assert code in (1, 2) and err.startswith(match) and err.count("\n") == 1


def test_cli_malformed_yaml(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\nworld: {synthetic: [\n", encoding="utf-8")
    code, _, err = _cli(capsys, "simulate", str(f))
    assert code == 2 and err.startswith("error: bad.yaml is not valid YAML")


@pytest.fixture()
def client(settings: Settings, store: Store) -> TestClient:
    return TestClient(create_app(settings, store=store))


def _wait(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/simulations/{job_id}").json()
        if body["status"] in ("done", "error"):
            return body
        time.sleep(0.05)
    raise AssertionError("simulation did not finish")


def test_api_job_lifecycle(client: TestClient) -> None:
    assert "two-bloc" in {s["name"] for s in client.get("/api/scenarios").json()["scenarios"]}
    assert client.get("/api/policies").json()["count"] >= 10
    r = client.post("/api/simulations", json={"scenario": "two-bloc", "runs": 12, "steps": 24, "seed": 4,
                                              "policies": ["hotline"]})  # fmt: skip
    assert r.status_code == 202
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["progress"]["total"] == 24
    done = _wait(client, job["id"])
    assert done["status"] == "done" and done["progress"]["done"] == 24
    assert [p["variant"] for p in done["result"]["pathways"]].count("none") == 1
    png = client.get(f"/api/simulations/{job['id']}/plot.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"


def test_api_inline_yaml(client: TestClient) -> None:
    text = "name: api\nsteps: 12\nworld: {synthetic: {states: 5}}\n"
    r = client.post("/api/simulations", json={"yaml": text, "runs": 5})
    assert r.status_code == 202 and _wait(client, r.json()["id"])["status"] == "done"


@pytest.mark.parametrize(
    ("body", "status", "code", "match"),
    [
        ({"scenario": "two-bloc", "runs": -1}, 422, "invalid_input", "body.runs"),
        ({"scenario": "two-bloc", "policies": ["nukes"]}, 422, "simulation", "Unknown policy 'nukes'."),
        ({"scenario": "../etc/passwd"}, 422, "invalid_input", "body.scenario"),
        ({"scenario": "nope"}, 404, "not_found", "No scenario 'nope'."),
        ({"yaml": "name: x\nworld: ["}, 422, "simulation", "not valid YAML"),
        ({"yaml": "name: x\nruns: 1e400\nworld: {synthetic: {states: 3}}"}, 422, "simulation", "runs"),
        ({}, 422, "simulation", "exactly one of"),
        ({"scenario": "two-bloc", "seed": "abc"}, 422, "invalid_input", "body.seed"),
        ({"scenario": "two-bloc", "runs": 20000, "steps": 2400}, 422, "simulation", "too large"),
        ({"scenario": "two-bloc", "evil": 1}, 422, "invalid_input", "body.evil"),
        ({"scenario": "two-bloc", "mixes": 0}, 422, "invalid_input", "body.mixes"),
    ],
)
def test_api_bad_input(client: TestClient, body: dict[str, Any], status: int, code: str, match: str) -> None:
    r = client.post("/api/simulations", json=body)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["code"] == code and match in err["message"] and set(err) == {"code", "status", "message", "hint"}


def test_api_unknown_job(client: TestClient) -> None:
    assert client.get("/api/simulations/nope").json()["error"]["code"] == "not_found"
    assert client.get("/api/simulations/nope/plot.png").status_code == 404


@pytest.mark.browser
def test_page_runs_and_compares_pathways(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/simulate.html")
    page.wait_for_selector("#scenario option[value='two-bloc']", state="attached")
    page.select_option("#scenario", "two-bloc")
    page.fill("#runs", "10")
    page.fill("#steps", "24")
    page.fill("#mix", "hotline+mediation")
    page.select_option("#mixes", "2")
    page.click("#start")
    page.wait_for_selector("#results:not([hidden])", timeout=30_000)
    rows = page.locator("#table tbody tr")
    assert rows.count() >= 3
    variants = [rows.nth(i).get_attribute("data-variant") for i in range(rows.count())]
    assert "none" in variants and "hotline+mediation" in variants
    assert page.locator("#chart svg rect.bar").count() == rows.count()
    page.fill("#mix", "nukes")
    page.click("#start")
    page.wait_for_selector("#status.error")
    assert "Unknown policy 'nukes'." in page.text_content("#status")


def test_war_wording_has_plurals_and_never_0_percent_when_a_war_happened(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    code, out, _ = _cli(capsys, "simulate", "two-bloc", "--runs", "200", "--steps", "120", "--seed", "3", "--json")
    assert code == 0
    wars = json.loads(out)["war_dyads"]
    assert any(w["wars"] == 1 for w in wars) and any(w["share_of_runs"] < 0.01 for w in wars)  # the hard cases
    for w in wars:
        assert w["wars"] >= 1 and w["share_of_runs"] > 0
        assert not re.search(r"\b1 wars\b|\b0% of runs", w["text"]), w["text"]
        assert w["text"].startswith(f"{w['side_a']}–{w['side_b']}: {w['wars']:,} war")
    code, out, _ = _cli(capsys, "simulate", "two-bloc", "--runs", "200", "--steps", "120", "--seed", "3")
    assert code == 0 and "1 war, in <1% of runs" in out and not re.search(r"\b1 wars\b| 0% of runs| 0\.0%", out)
