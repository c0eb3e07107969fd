"""The sources page in real headless Chromium: loaded datasets and quarantine reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.ingest import ingest_file
from detente.store import Store
from tests.ingest.test_gdelt import gdelt_row, write

pytestmark = pytest.mark.browser


@pytest.fixture()
def loaded(store: Store, tmp_path: Path) -> Store:
    ingest_file(store, write(tmp_path, [gdelt_row(1), gdelt_row(2, code="999"), "x\ty"]))
    return store


def test_sources_page_shows_counts_and_reasons(loaded: Store, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/sources.html")
    row = page.locator('#sources tr[data-dataset="gdelt2"]')
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[:7] == ["gdelt2", "1", "3", "1", "0", "0", "2"]  # dataset, files, read, stored, dup, filtered, quar.
    reasons = page.locator("#quarantine tbody").inner_text()
    assert "unknown CAMEO code" in reasons and "wrong number of fields" in reasons
    assert page.locator("nav.topnav a.active").inner_text() == "Sources"
