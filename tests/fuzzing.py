"""Schemathesis over an in-process app: every operation of a schema, valid and invalid requests, bounded.

Shared by the API fuzz tests: no 5xx, and every error in the one JSON shape ``{"error": {code, status,
message, hint}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode


def fuzz_operations(
    schema: Any, max_examples: int, headers: Callable[[], dict[str, str]] = dict
) -> tuple[int, list[int]]:
    """Fuzz each operation (``headers()`` is called once per operation); returns (operations, statuses)."""
    statuses: list[int] = []
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy() | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        _fuzz(strategy, max_examples, headers(), statuses)
        ran += 1
    return ran, statuses


def _fuzz(strategy: Any, max_examples: int, headers: dict[str, str], statuses: list[int]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        r = case.call(headers=headers)
        statuses.append(r.status_code)
        assert r.status_code < 500, (case.method, case.formatted_path, r.status_code, r.text[:300])
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == {"error"} and set(body["error"]) == {"code", "status", "message", "hint"}, body
            assert body["error"]["status"] == r.status_code

    run()
