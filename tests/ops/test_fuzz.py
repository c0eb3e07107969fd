"""Schemathesis fuzzes the ops API in-process (ASGI): no 5xx, and every error has the one JSON shape."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from starlette.testclient import TestClient

from detente.config import Settings
from detente.store import Store
from tests.fuzzing import fuzz_operations

from .conftest import PASSWORD

MAX_EXAMPLES = 6


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Any]:
    from detente.api import create_app

    where = tmp_path_factory.mktemp("fuzz")
    shutil.copyfile(sqlite_template, where / "ops.sqlite")
    store = Store.open(":memory:")
    # write and login limits off: thousands of generated writes must reach the handlers, not the 429 (tested on its own)
    settings = Settings(db=where / "t.duckdb", ops_url=f"sqlite:///{where / 'ops.sqlite'}", secret_key="fuzz",
                        ops_token_writes_per_minute=0, ops_party_writes_per_minute=0,
                        ops_logins_per_minute=0)  # fmt: skip
    app = create_app(settings, store=store)
    yield app
    store.close()


@pytest.fixture(scope="module")
def ops_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).include(path_regex="^/api/ops/")


def _login(app: Any) -> str:
    from detente.ops.auth import unlock

    db = getattr(app.state, "ops", None)
    if db is not None:  # fuzzed password changes count as failed password checks of this source: forget them
        with db.session() as s:
            unlock(s, "testclient")
    with TestClient(app) as c:
        r = c.post("/api/ops/login", json={"username": "a_officer", "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])


@pytest.mark.slow
def test_fuzz_no_server_errors_and_one_error_shape(ops_schema: Any, fuzz_app: Any) -> None:
    """Every /api/ops operation, a bounded number of valid and invalid requests each, as an officer.

    Each operation gets a fresh token: a fuzzed logout, "log out everywhere" or password change ends the
    sessions it was sent with, and must not leave the operations after it testing nothing but the 401.
    """
    ran, statuses = fuzz_operations(ops_schema, MAX_EXAMPLES, lambda: {"Authorization": f"Bearer {_login(fuzz_app)}"})
    assert ran >= 30
    # the requests reached the operations: refusals for want of a session are the exception
    assert statuses.count(401) < 0.2 * len(statuses), (statuses.count(401), len(statuses))
