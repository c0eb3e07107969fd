"""Schemathesis fuzzes the ops API in-process (ASGI): no 5xx, and every error has the one JSON shape."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from starlette.testclient import TestClient

from detente.config import Settings
from detente.store import Store

from .conftest import PASSWORD

MAX_EXAMPLES = 6


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Any]:
    from detente.api import create_app

    where = tmp_path_factory.mktemp("fuzz")
    shutil.copyfile(sqlite_template, where / "ops.sqlite")
    store = Store.open(":memory:")
    app = create_app(
        Settings(db=where / "t.duckdb", ops_url=f"sqlite:///{where / 'ops.sqlite'}", secret_key="fuzz"), store=store
    )
    yield app
    store.close()


@pytest.fixture(scope="module")
def ops_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).include(path_regex="^/api/ops/")


@pytest.fixture(scope="module")
def token(fuzz_app: Any) -> str:
    with TestClient(fuzz_app) as c:
        r = c.post("/api/ops/login", json={"username": "a_officer", "password": PASSWORD})
        return str(r.json()["token"])


def _check(case: Any, token: str) -> None:
    r = case.call(headers={"Authorization": f"Bearer {token}"})
    assert r.status_code < 500, (case.method, case.path, r.status_code, r.text[:300])
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "status", "message", "hint"}, body
        assert body["error"]["status"] == r.status_code


@pytest.mark.slow
def test_fuzz_no_server_errors_and_one_error_shape(ops_schema: Any, token: str) -> None:
    """Every /api/ops operation, a bounded number of valid and invalid requests each, as an officer."""
    ran = 0
    for result in ops_schema.get_all_operations():
        operation = result.ok()

        strategy = operation.as_strategy() | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            _check(case, token)

        run()
        ran += 1
    assert ran >= 30
