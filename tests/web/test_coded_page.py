"""The coded-events page in real headless Chromium: stored coder events with their evidence sentence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from detente.coder import rules_coder
from detente.coder.storage import store_events
from detente.store import Store

pytestmark = pytest.mark.browser


def test_coded_page_shows_events_with_evidence(store: Store, tmp_path: Path, live_server: Any, page: Any) -> None:
    text = "Egypt brokered a truce between Israel and Hamas on Saturday."
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    store_events(store, path, text, rules_coder().code(text, dt.date(2024, 5, 9)))
    page.goto(f"{live_server.url}/coded.html")
    row = page.locator("#coded tbody tr").first
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "2024-05-04" and cells[1].startswith("EGY") and cells[2] == "045"
    assert cells[6] == text
    assert page.locator("nav.topnav a.active").inner_text() == "Coded events"
    page.fill("#actor", "USA")
    page.click("#filter button")
    page.locator("#status").filter(has_text="No coded events").wait_for()
