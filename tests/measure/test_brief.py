"""The one-page dyad brief: its data, its HTML (self-contained, escaped), and its faces."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.config import Settings
from detente.measure.brief import brief, brief_html
from detente.store import Store
from detente.store.reference import load_reference
from measure.synth import escalation_rows, insert_events
from tests.direct import db_sql


def test_the_brief_holds_series_alerts_and_evidence(store: Store) -> None:
    insert_events(store, escalation_rows("USA", "RUS"))
    data = brief(store, "usa", "RUS", "day")
    assert data["dyad"] == ["USA", "RUS"] and data["series"]
    assert data["alerts"] and data["alerts"][0]["signals"] == "conflict_departure"
    assert sum(e["events"] for e in data["evidence"]) == db_sql(store, "SELECT count(*) FROM events").fetchone()[0]
    assert "error" in data["commitments"]["RUS"]  # no ATOP data loaded: said, not raised


def test_the_page_is_self_contained_and_escaped(store: Store) -> None:
    insert_events(store, escalation_rows("USA", "RUS"))
    db_sql(store, "UPDATE events SET dataset = '<script>alert(1)</script>' WHERE event_id = 1")
    page = brief_html(store, "USA", "RUS", "week")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=['\"]https?:", page)  # nothing fetched from elsewhere
    png = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert png is not None and base64.b64decode(png.group(1)).startswith(b"\x89PNG")
    for section in ("Latest periods", "Engagements", "Alliance commitments", "Escalation alerts", "Evidence"):
        assert f"<h2>{section}" in page


def test_faces(store: Store, tmp_path: Path) -> None:
    from detente.api import create_app

    insert_events(store, escalation_rows("USA", "RUS"))
    app = create_app(Settings(db=tmp_path / "t.duckdb"), store=store)
    with TestClient(app) as c:
        r = c.get("/api/dyads/USA,RUS/brief?res=month")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "Relations brief: USA–RUS" in r.text
        bad = c.get("/api/dyads/USA,ZZZ/brief")
        assert bad.status_code == 404 and set(bad.json()["error"]) == {"code", "status", "message", "hint"}
        assert c.get("/api/dyads/USA,RUS/brief?res=hour").status_code == 422


def test_cli_writes_the_page_or_says_why_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli import main

    db = tmp_path / "d.duckdb"
    s = Store.open(str(db))
    load_reference(s)
    insert_events(s, escalation_rows("USA", "RUS"))
    s.close()
    out = tmp_path / "b.html"
    main(["--db", str(db), "brief", "USA", "RUS", "--out", str(out)])
    assert out.read_text().startswith("<!doctype html>") and "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main(["--db", str(db), "brief", "USA", "RUS", "--out", str(tmp_path / "missing" / "b.html")])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot write") and err.count("\n") == 1
