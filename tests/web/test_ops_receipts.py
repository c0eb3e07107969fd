"""The Operations page keeps, shows, downloads and re-checks the log receipts its party is given, in real headless
Chromium: a party notifies and acknowledges in the dashboard, downloads the receipt, checks it again later —
after the operator rewrote the log consistently the check fails on the page — and a receipt file edited by hand
or another party's fails too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from detente.config import Settings
from detente.ops import receipts
from detente.ops.db import OpsDB
from tests.ops.attack.test_receipts import _rewrite
from tests.ops.conftest import World, build_world
from tests.ops.test_browser import _login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture()
def world(settings: Settings) -> Any:
    db = OpsDB(settings.ops_database_url())
    db.migrate()
    yield build_world(db)
    db.dispose()


def _download(page: Any, click: str, to: Path) -> Any:
    with page.expect_download() as got:
        page.locator(click).first.click()
    got.value.save_as(to)
    return json.loads(to.read_text(encoding="utf-8"))


def test_a_party_keeps_downloads_and_rechecks_its_receipts(
    world: World, live_server: Any, page: Any, tmp_path: Path
) -> None:
    url = live_server.url
    day = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    _login(page, url, "a_officer")
    page.fill("#notify-title", "Autumn Shield")
    page.fill("#notify-start", day)
    page.fill("#notify-end", day)
    page.fill("#notify-troops", "9500")
    page.click("#notify-button")
    # the answer's receipt is kept and shown
    page.wait_for_selector("#receipts tr[data-log='notification']")
    mine = _download(page, "#receipts tr[data-log='notification'] button.download-receipt", tmp_path / "a.json")
    assert mine["log"] == "notification" and mine["party"] == world.party["A"] and mine["seq"] == 1
    key = page.evaluate("fetch('/api/ops/receipt-keys').then((r) => r.json())")
    assert receipts.check(mine, key)["key_id"] == mine["key_id"]  # good offline, against the pinned ring
    page.locator("#receipts tr[data-log='notification'] button.check-receipt").click()
    page.wait_for_selector("#receipts .receipt-check:has-text('holds')")

    # Bland acknowledges in the dashboard, and keeps its own receipt (its list is its own)
    _login(page, url, "b_officer")
    page.locator("#notifications tr", has_text="Autumn Shield").locator("button.ack-notification").click()
    page.wait_for_selector("#notifications tr:has-text('Autumn Shield') >> text=acknowledged")
    page.wait_for_selector("#receipts tr[data-log='notification']")
    assert page.locator("#receipts tr[data-log='notification']").count() == 1
    theirs = _download(page, "#receipts tr[data-log='notification'] button.download-receipt", tmp_path / "b.json")
    assert theirs["party"] == world.party["B"] and theirs["seq"] == 2
    # a fresh receipt for the log as it is now, from the record's row
    page.locator("#notifications tr", has_text="Autumn Shield").locator("button.get-receipt").click()
    page.wait_for_selector("#status:has-text('Receipt kept')")
    everything = _download(page, "#download-receipts", tmp_path / "all.json")
    assert [r["seq"] for r in everything] == [2, 2] and len({r["signed_at"] for r in everything}) == 2

    # the operator rewrites the log, every hash and the head: the log alone still verifies, the receipt does not
    _rewrite(world, "notification", mine["id"], "UPDATE ops_activities SET title = :v WHERE id = :i")
    page.reload()
    page.wait_for_selector("#receipts tr[data-log='notification']")
    page.locator("#receipts tr[data-log='notification'] button.check-receipt").first.click()
    page.wait_for_selector("#receipts .receipt-check:has-text('rewritten')")
    assert "Receipt check failed" in page.inner_text("#status")

    # a receipt file edited by hand, and Aland's file, are refused when Bland checks them
    forged = {**theirs, "seq": 1}
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    page.set_input_files("#receipt-file", str(tmp_path / "forged.json"))
    page.wait_for_selector("#status:has-text('altered or forged')")
    page.set_input_files("#receipt-file", str(tmp_path / "a.json"))
    page.wait_for_selector("#status:has-text('issued to party')")
    assert page.locator("#receipts tr[data-log='notification']").count() == 2  # neither was kept as Bland's
    # a crafted "receipt" with markup in its fields (handed to a party to "check") puts nothing on the page
    for field in ("id", "seq", "key_id", "signed_at", "hash"):
        crafted = {**theirs, field: '<img src=x id=pwned onerror="window.pwned=1">'}
        (tmp_path / "crafted.json").write_text(json.dumps([crafted]), encoding="utf-8")
        page.set_input_files("#receipt-file", str(tmp_path / "crafted.json"))
        page.wait_for_selector("#status:has-text('holds no log receipt')")
        page.evaluate("document.getElementById('status').textContent = ''")
    assert page.locator("#pwned").count() == 0 and page.evaluate("window.pwned") is None
    assert page.locator("#receipts tr[data-log='notification']").count() == 2
    assert "pwned" not in page.evaluate("JSON.stringify(localStorage)")


def test_receipts_survive_a_new_session_and_a_kept_file_is_checked(
    world: World, live_server: Any, page: Any, tmp_path: Path
) -> None:
    url = live_server.url
    _login(page, url, "a_officer")
    page.click("summary:has-text('New ceasefire agreement')")
    page.wait_for_selector("#agreement-monitors option", state="attached")
    f = page.locator("#agreement-form")
    f.locator("input[name=name]").fill("River truce")
    f.locator("input[name=start_date]").fill("2026-11-01")
    f.locator("textarea[name=terms]").fill("No fire across the river")
    f.locator("select[name=parties]").select_option(label="Bland")
    f.locator("select[name=monitors]").select_option(label="Mediators")
    f.locator("button[type=submit]").click()
    page.wait_for_selector("#receipts tr[data-log='agreement']")
    kept = _download(page, "#receipts tr[data-log='agreement'] button.download-receipt", tmp_path / "ag.json")
    # a new session in the same browser (logged out and in again) still shows it
    page.click("#logout")
    _login(page, url, "a_admin")
    page.wait_for_selector("#receipts tr[data-log='agreement']")
    # the browser forgets it; the kept file is checked (and kept) again
    page.on("dialog", lambda d: d.accept())
    page.locator("#receipts tr[data-log='agreement'] button.forget-receipt").click()
    page.wait_for_selector("#receipts:has-text('No receipts kept yet')")
    page.set_input_files("#receipt-file", str(tmp_path / "ag.json"))
    page.wait_for_selector("#status:has-text('the logs still hold them')")
    page.wait_for_selector(f"#receipts tr[data-id='{kept['id']}'] .receipt-check:has-text('holds')")
