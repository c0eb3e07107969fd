"""Shared fixtures: an in-memory store with reference data, the app in-process, a live server and a browser."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference

SHARED = Path(os.environ.get("DETENTE_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data; tests that need it skip with a clear reason where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is absent ({SHARED}); these tests need the real data extracts")
    return SHARED.resolve()


@pytest.fixture()
def store() -> Iterator[Store]:
    """An in-memory store, migrated, with the packaged reference data loaded."""
    s = Store.open(":memory:")
    load_reference(s)
    yield s
    s.close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "t.duckdb", ops_url=f"sqlite:///{tmp_path / 'ops.sqlite'}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The real app served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, settings: Settings, store: Store) -> None:
        import uvicorn

        from detente.api import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(settings, store=store)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture()
def live_server(settings: Settings, store: Store) -> Iterator[LiveServer]:
    with LiveServer(settings, store) as srv:
        yield srv


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Real headless Chromium (Debian's package), driven by Playwright."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed; `make test` installs it (scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    ctx = browser.new_context()
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
