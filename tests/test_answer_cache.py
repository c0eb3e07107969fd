"""The answer cache: a repeated read is served from it until a write bumps the store generation; per-user
and non-store answers are never kept."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from detente.api import create_app
from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference
from tests.direct import db_sql


def _client(tmp_path: Path) -> tuple[TestClient, Store]:
    s = Store.open(":memory:")
    load_reference(s)
    app = create_app(Settings(db=tmp_path / "x.duckdb", ops_url="sqlite://"), store=s)
    return TestClient(app), s


def test_a_read_is_kept_until_the_data_changes(tmp_path: Path) -> None:
    c, store = _client(tmp_path)
    with c:
        first = c.get("/api/actors", params={"q": "united"})
        again = c.get("/api/actors", params={"q": "united"})
        assert (first.headers["x-detente-cache"], again.headers["x-detente-cache"]) == ("miss", "hit")
        assert first.json() == again.json() and again.headers["x-frame-options"] == "DENY"
        assert c.get("/api/actors", params={"q": "kingdom"}).headers["x-detente-cache"] == "miss"  # another query
        with c.app.state.writer.write() as w:  # type: ignore[attr-defined]
            db_sql(w, "UPDATE actors SET name = 'United Kingdom (changed)' WHERE actor_id = 'GBR'")
        after = c.get("/api/actors", params={"q": "united"})
        assert after.headers["x-detente-cache"] == "miss"
        assert "United Kingdom (changed)" in after.text
    store.close()


def test_errors_per_user_answers_and_job_status_are_not_kept(tmp_path: Path) -> None:
    c, store = _client(tmp_path)
    with c:
        for _ in range(2):
            assert c.get("/api/tension", params={"actor": "QQQ"}).headers["x-detente-cache"] == "miss"  # 404
            r = c.get("/api/actors", headers={"Authorization": "Bearer x"})
            assert "x-detente-cache" not in r.headers
            assert "x-detente-cache" not in c.get("/api/status").headers
        gen = c.get("/api/status").json()["generation"]
        c.post("/api/simulations", json={})  # any write outside the ops API counts as a change
        assert c.get("/api/status").json()["generation"] == gen + 1
    store.close()
