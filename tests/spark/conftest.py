"""One Spark session (local[2]) for every Spark test, and a DuckDB store with its Parquet lake.

Spark takes ~12 s to start, so the session is session-scoped and every test that uses it is in the
xdist group ``spark`` (``pytest -n 2 --dist loadgroup`` runs the group in one worker).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pytest

from detente.store import Store
from detente.store.lake import export_lake
from detente.store.reference import load_reference
from tests.direct import db_sql_many

GDELT = Path("events") / "gdelt2" / "20191024143000.export.CSV"


def java_or_skip() -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'detente[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed; `make test` installs it (scripts/system-deps.sh)")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    java_or_skip()
    from detente.store.engine import spark_session

    # small data: few shuffle partitions, and no code generation (compiling it costs more than it saves here)
    conf = {
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
        "spark.sql.codegen.wholeStage": "false",
        "spark.driver.memory": "1g",
    }
    session = spark_session("local[2]", conf=conf)
    yield session
    session.stop()


def violations(store: Store) -> None:
    """Verified ceasefire violations: a quiet spell, then a rise (the ceasefire signal alerts on it)."""
    rows = [(dt.date(2024, 1, d), "RUS", "UKR", 1) for d in (1, 8, 15)] + [(dt.date(2024, 1, 22), "UKR", "RUS", 6)]
    db_sql_many(store, "INSERT INTO ceasefire_violations VALUES (1, ?, ?, ?, ?, now())", rows)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Store]:
    """The GDELT 2.0 and ICEWS samples, three engagement datasets, the peace-science panels, a synthetic
    escalation and ceasefire violations, in a DuckDB file."""
    from detente.ingest import ingest_file
    from detente.ingest.engagements import load_all
    from detente.ingest.peace_science import ingest_shared
    from tests.measure.synth import escalation_rows, insert_events

    path = tmp_path_factory.mktemp("spark") / "samples.duckdb"
    store = Store.open(path)
    load_reference(store)
    ingest_file(store, shared_data / GDELT, "gdelt2")
    ingest_file(store, next((shared_data / "events" / "icews").glob("*.tab")), "icews")
    load_all(store, shared_data, only=["mme", "cwm", "ucdp_pa"])
    ingest_shared(store, shared_data)  # the peace-science panels the forecasts read
    insert_events(store, escalation_rows("USA", "RUS"))
    insert_events(store, escalation_rows("CHN", "IND", start="2024-03-01"))
    violations(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def sample_lake(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("lake") / "lake"
    export_lake(sample_store, lake)
    return lake


@pytest.fixture(scope="session")
def spark_store(spark: Any, sample_lake: Path) -> Iterator[Store]:
    from detente.store.spark import SparkStore

    s = SparkStore(spark, sample_lake)
    yield s
    s.close()


def as_frame(x: pa.Table | pd.DataFrame) -> pd.DataFrame:
    return x.to_pandas(date_as_object=True) if isinstance(x, pa.Table) else x


def assert_same(duck: pa.Table | pd.DataFrame, spark: pa.Table | pd.DataFrame, keys: list[str]) -> None:
    """Same rows and values (floats to 1e-9 relative), whatever order or integer width each engine gave."""
    a, b = as_frame(duck), as_frame(spark)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    a = a.sort_values(keys, kind="stable").reset_index(drop=True)
    b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    pdt.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-9)


def assert_same_report(duck: dict[str, Any], spark: dict[str, Any]) -> None:
    assert duck["series"] and duck.keys() == spark.keys() and duck["engagements"] == spark["engagements"]
    assert [r["period"] for r in duck["series"]] == [r["period"] for r in spark["series"]]
    for x, y in zip(duck["series"], spark["series"], strict=True):
        assert {k: v for k, v in y.items() if k != "period"} == pytest.approx(
            {k: v for k, v in x.items() if k != "period"}, rel=1e-9
        )
