"""The same named queries give the same answers on DuckDB (the store file) and on Spark (the Parquet lake)."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from detente.cli import main
from detente.errors import StoreError
from detente.forecast.panels import country_panel, dyad_panel
from detente.forecast.sources import Sources, load_sources
from detente.measure.alerts import alerts
from detente.measure.report import dyad_engagements, dyad_report, tension
from detente.measure.trust import trust_series
from detente.store import Store
from detente.store.analytics.index import dyad_index, materialise_base
from tests.direct import db_sql
from tests.spark.conftest import assert_same, assert_same_report

pytestmark = [pytest.mark.xdist_group("spark"), pytest.mark.shared]

KEYS = ["a", "b", "period"]


@pytest.mark.parametrize("res", ["day", "week", "month", "year"])
@pytest.mark.parametrize("directed", [True, False])
def test_index(sample_store: Store, spark_store: Store, res: str, directed: bool) -> None:
    duck = dyad_index(sample_store, res, directed=directed)
    assert len(duck) > 50
    assert_same(duck, (dyad_index(spark_store, res, directed=directed)), KEYS)


def test_index_from_the_materialised_base(sample_store: Store, spark_store: Store) -> None:
    """The directed daily base computed once (DuckDB: a temp table; Spark: a cached view) rolls up the same."""
    duck = dyad_index(sample_store, "month", base=materialise_base(sample_store))
    assert_same(duck, dyad_index(spark_store, "month", base=materialise_base(spark_store)), KEYS)


def test_trust_with_engagements(sample_store: Store, spark_store: Store) -> None:
    duck = trust_series(sample_store, "year")
    assert duck["engagements"].sum() > 100  # the engagement links reached the trust stock
    assert_same(duck, trust_series(spark_store, "year"), KEYS)


def test_engagement_links(sample_store: Store, spark_store: Store) -> None:
    duck = dyad_engagements(sample_store, "USA", "RUS", limit=50)
    assert duck
    assert duck == dyad_engagements(spark_store, "USA", "RUS", limit=50)


def test_tension(sample_store: Store, spark_store: Store) -> None:
    duck: dict[str, Any] = tension(sample_store, "USA")
    assert duck["tension"]
    spark = tension(spark_store, "USA")
    assert duck.keys() == spark.keys() and duck["on"] == spark["on"]
    assert [r["actor"] for r in duck["tension"]] == [r["actor"] for r in spark["tension"]]
    for x, y in zip(duck["tension"], spark["tension"], strict=True):
        assert x.keys() == y.keys()
        for k, v in x.items():
            assert v == (y[k] if isinstance(v, str) else pytest.approx(y[k], rel=1e-9)), k


@pytest.mark.parametrize("res", ["day", "week"])
def test_alerts(sample_store: Store, spark_store: Store, res: str) -> None:
    duck = alerts(sample_store, res, top=None)
    if res == "day":
        assert set(duck["signals"]) >= {"conflict_departure", "ceasefire_violations"}
    assert_same(duck, alerts(spark_store, res, top=None), ["rank"])


def test_forecast_panels(sample_store: Store, spark_store: Store) -> None:
    """The forecasts' inputs read from either engine, and the dyad-year and country-year panels built on them."""
    duck, spark = load_sources(sample_store), load_sources(spark_store)
    for f in fields(Sources):
        a, b = getattr(duck, f.name), getattr(spark, f.name)
        assert_same(a, b, list(a.columns))
    years = list(range(1995, 2011))
    dyads = dyad_panel(duck, years)
    assert len(dyads) > 1000
    assert_same(dyads, dyad_panel(spark, years), ["a", "b", "year"])
    assert_same(country_panel(duck, years), country_panel(spark, years), ["gwcode", "year"])


def test_cli_engine_setting(sample_store: Store, sample_lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--engine spark --lake DIR` answers the dyad report from the lake, as the DuckDB store does."""
    duck = json.loads(json.dumps(dyad_report(sample_store, "USA", "RUS", "year"), default=str))
    main(["--engine", "spark", "--lake", str(sample_lake), "dyad", "USA", "RUS", "--res", "year", "--json"])
    assert_same_report(duck, json.loads(capsys.readouterr().out))


def test_a_lake_store_refuses_writes(spark_store: Store) -> None:
    with pytest.raises(StoreError, match="runs on Spark over a Parquet lake"):
        db_sql(spark_store, "DELETE FROM events")
    with pytest.raises(StoreError, match="No table 'nope'"):
        spark_store.count("nope")
    assert spark_store.count("events") == spark_store.manifest["tables"]["events"]["rows"]
