"""`detente code DIR|FILE.jsonl`: corpora with one error line per bad document, PLOVER output, --dictionary,
the degraded rules-only path, and GET /api/code(d) with its bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.coder.storage import store_events
from detente.config import Settings
from detente.store import Store
from tests.invoke import invoke

pytest.importorskip("spacy")


def test_corpus_folder_and_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text("Pakistan attacked India on Monday.", encoding="utf-8")
    (d / "empty.txt").write_text("  ", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01PK")
    (d / "latin.txt").write_bytes(b"caf\xe9")
    (d / "skip.csv").write_text("not a document", encoding="utf-8")
    lines = [
        json.dumps({"id": "n1", "text": "Egypt hosted talks with Israel.", "date": "2023-02-01"}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "n4", "text": "Iran condemned Israel.", "date": "May 2"}),
        "",
        json.dumps({"text": "Kenya accused Somalia of lying."}),
    ]
    (d / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = invoke(capsys, "code", str(d), "--json", "--date", "2024-01-01")
    assert code == 1  # some documents were bad: said once each, the others coded
    errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 6, err
    assert any("empty" in e for e in errors) and any("binary" in e for e in errors)
    assert any("not UTF-8" in e for e in errors) and any(":2: not JSON" in e for e in errors)
    assert any("'date'" in e for e in errors) and any(":3: no 'text'" in e for e in errors)
    docs = [json.loads(ln) for ln in out.splitlines()]
    assert len(docs) == 3 and "3 documents coded (parser)" in err and "6 bad documents" in err
    by = {Path(x["document"]).name: x for x in docs}
    assert {(e["source"], e["cameo_root"], e["target"]) for e in by["a.txt"]["events"]} == {("PAK", 19, "IND")}
    assert by["news.jsonl:n1"]["events"][0]["date"].startswith("2023-02")


def test_corpus_store_and_plover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "x", "text": "Pakistan attacked India.", "date": "2024-01-02"}) + "\n", "utf-8")
    db = tmp_path / "c.duckdb"
    code, out, err = invoke(capsys, "--db", str(db), "code", str(f), "--store", "--json", "--output-format", "plover")
    assert code == 0, err
    (rec,) = json.loads(out)["events"]
    assert rec["event_type"] == "ASSAULT" and rec["actor_country"] == "PAK" and rec["recipient_country"] == "IND"
    assert rec["event_text"] == "Pakistan attacked India." and 0 < rec["confidence"] <= 1 and rec["cameo_code"]
    assert "1 events stored" in err, err


def test_cli_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Pakistan attacked India.", encoding="utf-8")
    code, _, err = invoke(capsys, "code", str(f), "--output-format", "xml")
    assert code == 2 and "--output-format" in err and "Traceback" not in err
    for content, words in [("{not json", "not valid"), ('{"actors": [{"phrase": "X", "code": "1"}]}', "actor code")]:
        bad = tmp_path / "dict.json"
        bad.write_text(content, encoding="utf-8")
        code, _, err = invoke(capsys, "code", str(f), "--dictionary", str(bad))
        assert code == 2 and words in err and "Traceback" not in err
    code, _, err = invoke(capsys, "code", str(f), "--dictionary", str(tmp_path / "missing.yaml"))
    assert code == 2 and "No coder dictionary" in err
    code, _, err = invoke(capsys, "code", str(f), "--rules", "--dictionary", str(tmp_path / "x.json"))
    assert code == 2 and "needs the parser" in err


def test_without_the_parser_the_rules_code_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("detente.coder.nlp.available", lambda: False)
    f = tmp_path / "a.txt"
    f.write_text("NATO held drills with Finland.", encoding="utf-8")
    code, out, err = invoke(capsys, "code", str(f), "--json", "--no-model")
    body = json.loads(out)
    assert code == 0 and body["coder"] == "rules" and "not installed" in body["warning"]
    assert err.startswith("warning: the parser") and body["events"]


def test_evaluate_reports_per_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "g.jsonl"
    rows = [
        {"doc": "d", "n": 1, "text": "Pakistan attacked India.", "date": "2024-01-01",
         "events": [{"source": "PAK", "target": "IND", "cameo": "190"}]},
        {"doc": "d", "n": 2, "text": "It also condemned Iran.", "date": "2024-01-01",
         "events": [{"source": "PAK", "target": "IRN", "cameo": "111"}]},
        {"doc": "e", "n": 1, "text": "Markets were calm.", "date": "2024-01-01", "events": []},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out, _ = invoke(capsys, "code", "--evaluate", str(gold), "--json")
    rep = json.loads(out)["all"]
    assert code == 0 and rep["documents"] == 2 and rep["sentences"] == 3
    assert rep["root_accuracy"] == 1.0 and rep["no_event_accuracy"] == 1.0
    assert rep["per_root"]["19"]["triple"]["f1"] == 1.0 and rep["per_root"]["11"]["triple"]["tp"] == 1
    code, out, _ = invoke(capsys, "code", "--evaluate", str(gold))
    assert code == 0 and "per CAMEO root" in out and "root accuracy 1.000" in out
    gold.write_text(json.dumps({"text": "x", "doc": "d", "n": "first", "events": []}), encoding="utf-8")
    code, _, err = invoke(capsys, "code", "--evaluate", str(gold))
    assert code == 2 and "'n' must be an integer" in err


@pytest.fixture()
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def test_api_parser_and_plover(client: TestClient) -> None:
    r = client.post("/api/code", json={"text": "Pakistan attacked India. The Zorgon Front fled.", "parser": True,
                                       "output_format": "plover", "date": "2024-01-02"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["coder"] == "parser" and body["events"][0]["event_type"] == "ASSAULT"
    r = client.post("/api/code", json={"text": "x", "output_format": "csv"})
    assert r.status_code == 422 and set(r.json()["error"]) == {"code", "status", "message", "hint"}


def test_api_coded_events(client: TestClient, store: Store, tmp_path: Path) -> None:
    import datetime as dt

    from detente.coder import make_coder

    text = "Pakistan attacked India on Monday."
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    store_events(store, path, text, make_coder(parser=True).code(text, dt.date(2024, 1, 3)))
    body = client.get("/api/coded").json()
    assert body["count"] == 1 and body["events"][0]["evidence"] == text
    assert client.get("/api/coded", params={"actor": "PAK"}).json()["count"] == 1
    assert client.get("/api/coded", params={"actor": "USA"}).json()["count"] == 0
    for bad in ({"limit": 0}, {"limit": "x"}, {"offset": -1}, {"actor": "A" * 50}):
        r = client.get("/api/coded", params=bad)
        assert r.status_code == 422 and set(r.json()["error"]) == {"code", "status", "message", "hint"}
