"""The dyad timeline, the tension map and the alert list in real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from detente.store import Store
from measure.synth import escalation_rows, insert_events
from tests.direct import db_sql

pytestmark = pytest.mark.browser


@pytest.fixture()
def filled(store: Store) -> Store:
    insert_events(store, escalation_rows())
    insert_events(store, [("2024-02-01", "USA", "CHN", 6.0, 2), ("2024-02-02", "USA", "FRA", 3.0, 1)])
    db_sql(
        store,
        "INSERT INTO engagements (kind, name, start_date, participants, dataset) VALUES "
        "('joint_exercise', 'Test Shield', DATE '2024-01-20', ['USA', 'RUS'], 'test')",
    )
    return store


def test_timeline_renders_one_element_per_period(filled: Store, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/index.html?dyad=USA,RUS")
    page.wait_for_selector("#timeline[data-points='41']")
    assert page.locator("#timeline g.period").count() == 41
    assert page.locator("#timeline polyline.trust").count() == 1
    assert page.locator("#timeline .engagement").count() == 1
    assert "Test Shield" in page.locator("#engagements").inner_text()
    # switch to weekly through the form
    page.select_option("#res", "week")
    page.click("button[type=submit]")
    page.wait_for_selector("#timeline[data-points='6']")
    assert "res=week" in page.url


def test_timeline_shows_an_api_error(filled: Store, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/index.html?dyad=USA,QQQ")
    page.wait_for_selector("#status.error")
    assert "Unknown actor" in page.locator("#status").inner_text()
    assert page.locator("#timeline").get_attribute("data-points") == "0"


def test_map_colours_partners_by_tension(filled: Store, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/map.html?actor=USA")
    page.wait_for_selector("#map[data-coloured='3']")
    assert page.locator("#map path").count() > 150
    rus = float(page.locator("#map path[data-actor='RUS']").get_attribute("data-tension"))
    chn = float(page.locator("#map path[data-actor='CHN']").get_attribute("data-tension"))
    assert rus > 0.5 and chn == 0.0
    assert page.locator("#map path.chosen[data-actor='USA']").count() == 1


def test_alert_list_shows_triggering_events(filled: Store, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/alerts.html")
    page.wait_for_selector("li.alert")
    first = page.locator("li.alert").first
    assert first.get_attribute("data-rank") == "1"
    assert "RUS–USA" in first.inner_text() and "2024-02-10" in first.inner_text()
    assert first.locator("table.events tbody tr").count() == 5
