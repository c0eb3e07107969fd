"""The API documentation pages work offline: Swagger UI and ReDoc come from the installed package, not a CDN."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.config import Settings
from detente.store import Store


def test_docs_pages_reference_no_cdn(settings: Settings, store: Store) -> None:
    from detente.api import create_app

    with TestClient(create_app(settings, store=store)) as c:
        for page in ("/docs", "/redoc"):
            r = c.get(page)
            assert r.status_code == 200
            assert "cdn.jsdelivr" not in r.text and "unpkg.com" not in r.text
            assert "/static-offline-docs/" in r.text
        assert c.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


@pytest.mark.browser
def test_swagger_ui_renders_in_chromium_without_the_internet(live_server: Any, page: Any) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title:has-text('detente')")
    page.wait_for_selector(".opblock-tag:has-text('ops')")
    assert outside == []


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ["index", "map", "alliances", "alerts", "forecast", "simulate", "ops", "sources"])
def test_no_dashboard_page_fetches_from_outside(live_server: Any, page: Any, page_name: str) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/{page_name}.html")
    page.wait_for_load_state("networkidle")
    assert outside == []


def test_every_response_carries_the_hardening_headers(settings: Settings, store: Store) -> None:
    from detente.api import create_app

    with TestClient(create_app(settings, store=store)) as c:
        for path in ("/api/health", "/index.html", "/docs", "/api/actors?q=%00", "/api/ops/me"):
            h = c.get(path).headers
            assert h["x-content-type-options"] == "nosniff", path
            assert h["x-frame-options"] == "DENY" and h["referrer-policy"] == "no-referrer", path
