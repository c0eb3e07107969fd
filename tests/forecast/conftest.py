"""Fixtures of the forecast tests: a store with the real peace-science panels (read once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.forecast.sources import Sources, load_sources
from detente.ingest.peace_science import ingest_shared
from detente.store import Store
from detente.store.reference import load_reference


@pytest.fixture(scope="session")
def panel_store_path(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with reference data and every peace-science panel ingested (built once)."""
    path = tmp_path_factory.mktemp("forecast") / "panels.duckdb"
    with Store.open(path) as s:
        load_reference(s)
        ingest_shared(s, shared_data)
    return path


@pytest.fixture()
def panel_store(panel_store_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A private writable copy of the panel store."""
    copy = tmp_path / "panels.duckdb"
    copy.write_bytes(panel_store_path.read_bytes())
    s = Store.open(copy)
    yield s
    s.close()


@pytest.fixture(scope="session")
def sources(panel_store_path: Path) -> Sources:
    with Store.open(panel_store_path, read_only=True) as s:
        return load_sources(s)
