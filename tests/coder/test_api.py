"""POST /api/code: events JSON, and one error shape for empty, malformed, oversized and hostile input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.api.routes.coder import MAX_BODY, MAX_TEXT
from detente.config import Settings
from detente.store import Store


@pytest.fixture()
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def assert_error(r: object, status: int, words: str) -> None:
    body = r.json()  # type: ignore[attr-defined]
    assert r.status_code == status, body  # type: ignore[attr-defined]
    assert set(body["error"]) == {"code", "status", "message", "hint"}
    assert body["error"]["status"] == status and words in body["error"]["message"]


def test_code_text(client: TestClient) -> None:
    r = client.post(
        "/api/code",
        json={"text": "Russia and China held joint naval drills yesterday.", "date": "2024-05-09", "parser": False},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and body["model"] is False and body["date"] == "2024-05-09"
    (e,) = body["events"]
    assert (e["source"], e["cameo_code"], e["target"], e["date"]) == ("RUS", "062", "CHN", "2024-05-08")
    assert e["plover_type"] == "COOPERATE" and e["evidence"].startswith("Russia") and 0 < e["confidence"] <= 1
    none = client.post("/api/code", json={"text": "Peace is good.", "min_confidence": 0.5}).json()
    assert none["count"] == 0 and none["events"] == []


def test_hostile_text_is_just_text(client: TestClient) -> None:
    text = "<script>fetch('/x')</script><img src=x onerror=alert(1)> NATO held drills. " + "Ω" * 5000 + "z" * 20000
    r = client.post("/api/code", json={"text": text, "date": "2024-05-09", "parser": False})
    assert r.status_code == 200
    assert [(e["source"], e["cameo_code"]) for e in r.json()["events"]] == [("NATO", "062")]


def test_bad_requests(client: TestClient) -> None:
    assert_error(client.post("/api/code", content=b""), 422, "empty")
    assert_error(client.post("/api/code", content=b"{not json"), 422, "JSON")
    assert_error(client.post("/api/code", content=b"\xff\xfe\x00"), 422, "not UTF-8")
    assert_error(client.post("/api/code", json={"date": "2024-05-09"}), 422, "text")
    assert_error(client.post("/api/code", json={"text": 5}), 422, "text")
    assert_error(client.post("/api/code", json={"text": "x", "date": "May"}), 422, "date")
    assert_error(client.post("/api/code", json={"text": "x", "min_confidence": 2}), 422, "min_confidence")
    assert_error(client.post("/api/code", json={"text": "a\u0000b"}), 422, "NUL")
    assert_error(client.post("/api/code", json={"text": "tomorrow", "date": "9999-12-31"}), 422, "1800")


def test_too_large(client: TestClient) -> None:
    assert_error(client.post("/api/code", json={"text": "x" * (MAX_TEXT + 1)}), 413, "at most")
    assert_error(client.post("/api/code", content=b"x" * (MAX_BODY + 1)), 413, "bytes")


def test_model_not_installed(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("detente.coder.embedding.available", lambda: False)
    assert_error(client.post("/api/code", json={"text": "x", "model": True}), 400, "not installed")


def test_openapi_documents_the_body(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/code"]["post"]
    assert "text" in op["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_stored_coder_events_appear_like_any_source(store: Store, settings: Settings, tmp_path: Path) -> None:
    from detente.coder import code_text
    from detente.coder.storage import store_events

    text = "Egypt brokered a truce between Israel and Hamas on 4 May 2024."
    f = tmp_path / "doc.txt"
    f.write_text(text, encoding="utf-8")
    summary = store_events(store, f, text, code_text(text, dt.date(2024, 5, 9)))
    assert summary["stored"] == 2 and summary["reconciles"]
    with TestClient(create_app(settings, store=store)) as c:
        (src,) = [s for s in c.get("/api/sources").json()["sources"] if s["dataset"] == "coder"]
        assert src["events"] == 2
        evs = c.get("/api/events", params={"dyad": "EGY,ISR"}).json()["events"]
        assert [(e["dataset"], e["cameo_code"], str(e["date"])[:10]) for e in evs] == [("coder", "045", "2024-05-04")]
