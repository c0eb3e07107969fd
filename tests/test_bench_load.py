"""The scale benchmark's load generator (benchmarks/bench_scale.load): every request timed and counted, with
either HTTP client, errors apart."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_scale", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"
)
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench_scale", bench)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize("client", bench.CLIENTS)
def test_load_times_every_request_and_counts_errors_apart(live_server: Any, client: str) -> None:
    ok = bench.load(live_server.url, "/api/health", 3, 4, distinct=False, client=client)
    assert ok["n"] == 12 and ok["errors"] == 0 and 0 < ok["p50"] <= ok["p99"]
    mixed = ["/api/health", "/api/nothing-here"] * 3
    got = bench.load(live_server.url, "", 3, 2, distinct=True, queries=mixed, client=client)
    assert got["n"] == 3 and got["errors"] == 3
