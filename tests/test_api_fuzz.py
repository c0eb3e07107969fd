"""Schemathesis fuzzes every read endpoint of the REST API in-process: valid and invalid requests, on a store
holding reference data and a few events; never a 5xx, every error in the one JSON shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from detente.api import create_app
    from tests.measure.synth import escalation_rows, insert_events

    store = Store.open(":memory:")
    load_reference(store)
    insert_events(store, escalation_rows("USA", "RUS"))
    where: Path = tmp_path_factory.mktemp("api-fuzz")
    app = create_app(Settings(db=where / "t.duckdb", ops_url=f"sqlite:///{where / 'ops.sqlite'}"), store=store)
    # every GET outside the operations workspace (fuzzed in tests/ops) and the coder (tests/coder); starting
    # simulations is left out: a valid request starts real work, which tests/sim covers
    yield (
        schemathesis.openapi.from_asgi("/openapi.json", app)
        .include(path_regex="^/api/(?!ops/|code$)")
        .exclude(method="POST")
    )
    store.close()


def _fuzz(strategy: Any, statuses: list[int]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        r = case.call()
        statuses.append(r.status_code)
        assert r.status_code < 500, (case.method, case.formatted_path, case.query, r.status_code, r.text[:300])
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == {"error"} and set(body["error"]) == {"code", "status", "message", "hint"}, body
            assert body["error"]["status"] == r.status_code

    run()


@pytest.mark.slow
def test_fuzz_read_endpoints(schema: Any) -> None:
    ran, statuses = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        _fuzz(operation.as_strategy() | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), statuses)
        ran += 1
    assert ran >= 20, ran
    assert any(s == 200 for s in statuses) and any(400 <= s < 500 for s in statuses)
