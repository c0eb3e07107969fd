"""The fictional demo workspace: every instrument has something in it, and it says it is fictional."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from detente.api import create_app
from detente.config import Settings
from detente.ops import demo_workspace
from detente.ops.db import OpsDB
from detente.store import Store


def _login(c: TestClient, user: str) -> dict[str, str]:
    r = c.post("/api/ops/login", json={"username": user, "password": demo_workspace.DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_every_instrument_is_seeded_and_marked_fictional(tmp_path: Path, store: Store) -> None:
    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    db = OpsDB(url)
    db.migrate()
    with db.session() as s:
        made = demo_workspace.seed(s)
    with db.session() as s:
        assert demo_workspace.seed(s) == {"note": "kept the existing workspace"}  # once only
    assert made["engagements"] == 3 and made["password"] == demo_workspace.DEMO_PASSWORD
    app = create_app(Settings(db=tmp_path / "t.duckdb", ops_url=url, secret_key="k"), store=store)
    app.state.ops = db
    with TestClient(app) as c:
        est, rus, mon = _login(c, "estonia"), _login(c, "russia"), _login(c, "monitor")
        (ch,) = c.get("/api/ops/channels", headers=rus).json()
        msgs = c.get(f"/api/ops/channels/{ch['id']}/messages", headers=rus).json()
        question = next(m for m in msgs if m["reply_by"])
        assert all(demo_workspace.FICTIONAL in m["body"] for m in msgs)
        answer = c.post(
            f"/api/ops/channels/{ch['id']}/messages",
            headers=rus,
            json={"body": "Not ours (fictional demo).", "in_reply_to": question["id"]},
        )
        assert answer.status_code == 201, answer.text
        notes = c.get("/api/ops/notifications", headers=est).json()
        assert len(notes) == 2
        near = next(n for n in notes if n["troops"] == 12_800)
        assert "near_threshold" in {f["code"] for f in near["findings"]}
        (ag,) = c.get("/api/ops/agreements", headers=mon).json()
        statuses = sorted(i["status"] for i in c.get(f"/api/ops/agreements/{ag['id']}/incidents", headers=mon).json())
        assert statuses == ["reported", "verified"]
        (mv,) = c.get("/api/ops/movements", headers=rus).json()
        assert not mv["expired"] and demo_workspace.FICTIONAL in mv["name"]
        tracks = {e["track"]: e for e in c.get("/api/ops/engagements", headers=est).json()}
        assert set(tracks) == {"I", "II", "III"} and tracks["I"]["status"] == "completed"
        assert tracks["II"]["organisations"] and not tracks["II"]["official"] and tracks["I"]["official"]
        assert all(demo_workspace.FICTIONAL in e["title"] for e in tracks.values())
    db.dispose()
