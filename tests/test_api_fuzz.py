"""Schemathesis fuzzes every read endpoint of the REST API in-process: valid and invalid requests, on a store
holding reference data and a few events; never a 5xx, every error in the one JSON shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference
from tests.fuzzing import fuzz_operations

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


@pytest.mark.slow
def test_fuzz_read_endpoints(schema: Any) -> None:
    ran, statuses = fuzz_operations(schema, MAX_EXAMPLES)
    assert ran >= 20, ran
    assert any(s == 200 for s in statuses) and any(400 <= s < 500 for s in statuses)
