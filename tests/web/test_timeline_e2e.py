"""End to end on real data: the GDELT sample ingested, served, and its timeline drawn in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.ingest import ingest_file
from detente.store import Store
from tests.direct import db_sql

pytestmark = [pytest.mark.browser, pytest.mark.shared]


@pytest.fixture()
def real_events(store: Store, shared_data: Path) -> Store:
    s = ingest_file(store, shared_data / "events" / "gdelt2" / "20191024143000.export.CSV")
    assert s.reconciles and s.stored > 0
    return store


def test_real_gdelt_dyad_timeline(real_events: Store, live_server: Any, page: Any) -> None:
    row = db_sql(
        real_events,
        "SELECT count(DISTINCT date) FROM events WHERE (source_actor, target_actor) IN (('USA','CHN'), ('CHN','USA'))",
    ).fetchone()
    assert row is not None and row[0] > 0
    page.goto(f"{live_server.url}/index.html?dyad=USA,CHN")
    page.wait_for_selector(f"#timeline[data-points='{row[0]}']")
    assert page.locator("#timeline g.period").count() == row[0]
    body = page.locator("body").inner_text()
    assert "USA" in body and "CHN" in body
    # the one-page brief of the same pair opens from the timeline
    page.click("#brief-link")
    page.wait_for_selector("h1:has-text('Relations brief: USA–CHN')")
    assert page.evaluate("document.querySelector('img').naturalWidth") > 0  # the inline plot decodes
    assert "Evidence" in page.inner_text("body") and "gdelt2" in page.inner_text("body")
