"""The early-warning page in real headless Chromium: ranking, calibration plot, backtest and associations."""

from __future__ import annotations

import pytest

from detente.config import Settings
from detente.forecast.artefacts import save_run
from detente.forecast.backtest import BacktestConfig, run_backtest
from detente.forecast.sources import load_sources
from detente.ingest.peace_science import ingest_shared
from detente.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.slow]


def test_page_shows_ranking_plot_and_explanations(
    page: object, live_server: object, store: Store, settings: Settings, shared_data: object
) -> None:
    from pathlib import Path

    from playwright.sync_api import Page, expect

    assert isinstance(page, Page) and isinstance(shared_data, Path)
    ingest_shared(store, shared_data)
    cfg = BacktestConfig(tasks=("conflict",), start=2011, end=2012, train_start=1985, iterations=15, bootstrap=3)
    save_run(store, settings.db, run_backtest(load_sources(store), cfg))
    url = live_server.url
    page.goto(f"{url}/forecast.html?task=conflict&year=2012&top=4")
    expect(page.locator("#ranking-table tbody tr")).to_have_count(4, timeout=60_000)
    expect(page.locator("#ranking-table tbody tr").first.locator(".drivers span").first).to_be_visible()
    expect(page.locator("table.metrics[data-task=conflict] tbody tr")).to_have_count(6)
    img = page.locator("#calibration-plot")
    expect(img).to_be_visible()
    page.wait_for_function("document.getElementById('calibration-plot').naturalWidth > 0")
    expect(page.locator("#associations")).to_contain_text("joint_exercise")
    expect(page.locator("nav.topnav a.active")).to_have_text("Early warning")
    # A bad year shows the API's message, not a blank page.
    page.fill("#year", "1900")
    page.click("button[type=submit]")
    expect(page.locator("#error")).to_contain_text("No conflict forecast for 1900")
