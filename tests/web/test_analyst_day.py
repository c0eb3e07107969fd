"""An analyst's day in real headless Chromium, from the first screen to the circulated brief (issue 15).

Open the map, pick a dyad on it, read why its trust is what it is, run pathways, draft a CBM notification,
answer a hotline message (the other party's message is sent through the API, as that party), and export
the brief as PDF. The data is small and synthetic (events and exercises between Estonia and Russia in a
fictional 2021–2026), so the walk needs no extracts and runs in `make test`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from detente.config import Settings
from detente.ingest import ingest_file
from detente.ops import parties
from detente.ops.db import OpsDB
from detente.ops.demo_workspace import DEMO_PARTIES, DEMO_PASSWORD
from detente.store import Store
from tests.direct import db_sql

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _exercise(store: Store, day: str, name: str, members: list[str]) -> None:
    db_sql(
        store,
        "INSERT INTO engagements (kind, name, start_date, end_date, participants, third_parties, dataset, source_id, "
        "file_id, line) VALUES ('joint_exercise', ?, ?, ?, ?, [], 'mme_v7', ?, 1, 1)",
        [name, day, day, members, name],
    )


@pytest.fixture()
def day_world(store: Store, settings: Settings, tmp_path: Path) -> Store:
    """Events around EST, RUS, LVA, FIN with a gap of years (2021 → 2026), two exercises, and the demo parties."""
    lines = ["id,date,source,target,cameo,goldstein"]
    n = 0
    for d in ("2021-03-01", "2021-03-02", "2021-03-03", "2026-05-01", "2026-05-02", "2026-05-03"):
        for src, tgt, code, g in (("EST", "RUS", "111", -2.0), ("RUS", "EST", "036", 4.0), ("EST", "FIN", "042", 1.9),
                                  ("RUS", "LVA", "138", -7.0), ("EST", "LVA", "057", 8.0)):  # fmt: skip
            for _ in range(4):
                n += 1
                lines.append(f"{n},{d},{src},{tgt},{code},{g}")
    events = tmp_path / "events.csv"
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = ingest_file(store, events, "csv")
    assert summary.reconciles and summary.stored == n
    _exercise(store, "2019-06-01", "BALTOPS 2019", ["EST", "RUS", "FIN"])
    _exercise(store, "2020-09-01", "Open Spirit 2020", ["EST", "RUS"])
    db = OpsDB(settings.ops_database_url())
    db.migrate()
    with db.session() as s:
        for name, kind, actor, orgs, user, role in DEMO_PARTIES:
            p = parties.create_party(s, name, kind, actor=actor, organisations=orgs)
            s.flush()
            parties.create_user(s, p.id, user, DEMO_PASSWORD, role)
    db.dispose()
    return store


def _as(url: str, user: str) -> httpx.Client:
    c = httpx.Client(base_url=f"{url}/api/ops", timeout=30)
    r = c.post("/login", json={"username": user, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return c


def test_the_analysts_day(day_world: Store, live_server: Any, page: Any, tmp_path: Path) -> None:
    url = live_server.url
    # 1. the first screen: the map opens on the latest day of real coverage, populated
    page.goto(f"{url}/map.html?actor=EST")
    page.wait_for_selector("#map[data-coloured]")
    assert int(page.get_attribute("#map", "data-coloured") or 0) >= 2
    assert "EST on 2026-05-03" in page.inner_text("#status")
    assert page.locator("link[rel=icon]").count() == 1
    # 2. pick a dyad: click Russia on the map, the timeline of EST–RUS opens with its axes
    page.locator("#map path[data-actor='RUS']").dispatch_event("click")  # its centre is in the Arctic sea
    page.wait_for_url("**/index.html?dyad=EST%2CRUS")
    page.wait_for_selector("#timeline[data-points]:not([data-points='0'])")
    assert page.locator("#timeline .y-axis").count() == 2
    assert page.locator("#timeline .x-axis text.date").count() >= 3  # date ticks along a real time axis
    # 3. read why the trust is what it is
    page.wait_for_selector("#explain[data-loaded='1']")
    summary = page.inner_text("#explain-summary")
    assert "EST–RUS trust" in summary and "joint_exercise" in summary
    kinds = page.locator("#explain-components tr[data-kind]").evaluate_all("rs => rs.map(r => r.dataset.kind)")
    assert {"cooperation", "conflict", "joint_exercise"} <= set(kinds)
    assert "Open Spirit 2020" in page.inner_text("#explain-engagements")
    assert "mme_v7" in page.inner_text("#explain-coverage")
    # 4. run pathways
    page.goto(f"{url}/simulate.html")
    page.wait_for_selector("#scenario option[value='two-bloc']", state="attached")
    page.select_option("#scenario", "two-bloc")
    page.fill("#runs", "10")
    page.fill("#steps", "24")
    page.click("#start")
    page.wait_for_selector("#results:not([hidden])", timeout=60_000)
    assert page.locator("#table tbody tr").count() >= 2
    assert " 0% of runs" not in page.inner_text("#mediators")
    # 5. draft a CBM notification, as Estonia
    russia = _as(url, "russia")
    estonia_party = next(p["id"] for p in russia.get("/parties").json() if p["name"].startswith("Estonia"))
    ch = russia.post("/channels", json={"name": "Tallinn–Moscow hotline", "parties": [estonia_party]})
    assert ch.status_code == 201, ch.text
    sent = russia.post(f"/channels/{ch.json()['id']}/messages", json={"body": "Explain the aircraft near Narva."})
    assert sent.status_code == 201, sent.text
    page.goto(f"{url}/ops.html")
    page.evaluate("sessionStorage.clear()")
    page.goto(f"{url}/ops.html")
    page.fill("#username", "estonia")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#workspace:not([hidden])")
    start = dt.date.today() + dt.timedelta(days=60)
    page.fill("#notify-title", "Spring Storm")
    page.fill("#notify-start", start.isoformat())
    page.fill("#notify-end", (start + dt.timedelta(days=4)).isoformat())
    page.fill("#notify-troops", "12000")
    page.click("#notify-button")
    page.wait_for_selector("#notifications tr:has-text('Spring Storm')")
    # 6. answer the hotline message Russia sent
    msg = page.locator(".msg", has_text="Explain the aircraft near Narva.")
    msg.wait_for()
    msg.locator("button[data-step=acknowledge]").click()
    form = page.locator(f"form.send[data-id='{ch.json()['id']}']")
    form.locator("input[name=body]").fill("A scheduled training flight; flight plan filed with the OSCE.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".msg:has-text('A scheduled training flight')")
    seen = russia.get(f"/channels/{ch.json()['id']}/messages").json()
    russia.close()
    assert any("scheduled training flight" in m["body"] for m in seen)
    # 7. export the brief as PDF from the timeline
    page.goto(f"{url}/index.html?dyad=EST,RUS&res=month")
    page.wait_for_selector("#brief-pdf")
    with page.expect_download(timeout=120_000) as dl:
        page.click("#brief-pdf")
    pdf = tmp_path / "brief.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Relations brief: EST–RUS" in text and "Why this trust" in text
