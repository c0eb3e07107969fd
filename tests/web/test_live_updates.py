"""The dashboard shows when the data was last updated, and new alerts appear without a reload."""

from __future__ import annotations

from typing import Any

import pytest

from detente.store import Store
from tests.measure.synth import escalation_rows, insert_events

pytestmark = pytest.mark.browser


def test_new_alerts_appear_without_a_reload(store: Store, live_server: Any, page: Any) -> None:
    page.add_init_script("window.DETENTE_LIVE_MS = 300;")
    page.goto(f"{live_server.url}/alerts.html")
    page.wait_for_selector("#live-status:has-text('data updated never')")
    assert page.locator("li.alert").count() == 0
    writer = live_server.server.config.app.state.writer
    with writer.write() as w:  # an ingest lands on the server while the page is open
        insert_events(w, escalation_rows())
    page.wait_for_selector("li.alert", timeout=20000)
    assert "RUS–USA" in page.locator("li.alert").first.inner_text()
    assert "events" in page.locator("#live-status").inner_text()
