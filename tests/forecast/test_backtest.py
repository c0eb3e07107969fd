"""The backtest on the real panels, reduced to three years so it stays fast: metrics, seeds, artefacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import ConfigError, InputError
from detente.forecast.artefacts import latest_run, save_run
from detente.forecast.backtest import BacktestConfig, BacktestResult, run_backtest
from detente.forecast.explain import forecast_year
from detente.forecast.sources import Sources
from detente.store import Store

pytestmark = pytest.mark.shared

SMALL = BacktestConfig(start=2010, end=2012, train_start=1985, iterations=20, bootstrap=5, seed=3)


@pytest.fixture(scope="module")
def result(sources: Sources) -> BacktestResult:
    return run_backtest(sources, SMALL)


def test_models_and_baselines_side_by_side(result: BacktestResult) -> None:
    for task in ("mid", "conflict"):
        tr = result.tasks[task]
        assert set(tr.metrics) == {"peace_years", "standard", "logit", "logit_no_eng", "boosted", "selected"}
        assert sorted(tr.predictions["year"].unique()) == [2010, 2011, 2012]
        for m in tr.metrics.values():
            assert 0.5 < m["auroc"] <= 1 and 0 < m["aupr"] <= 1 and 0 <= m["brier"] < 0.1 and m["events"] > 0
        assert len(tr.reliability["boosted"]) >= 3
        s = tr.summary()
        assert "aupr_gain_vs_standard" in s and isinstance(s["target_met"], bool)
    assert set(result.models) == {"mid", "conflict"}


@pytest.mark.slow
def test_same_seed_same_metrics(sources: Sources, result: BacktestResult) -> None:
    again = run_backtest(sources, SMALL)
    for task, tr in result.tasks.items():
        assert again.tasks[task].metrics == tr.metrics
        assert again.tasks[task].associations == tr.associations


def test_artefacts_are_versioned_with_a_manifest(panel_store: Store, result: BacktestResult, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    manifest = save_run(panel_store, db, result)
    got, folder = latest_run(panel_store, db)
    assert got["run_id"] == manifest["run_id"] and folder.parent == tmp_path / "forecast"
    assert manifest["seed"] == 3 and manifest["artefact_version"] == 1
    assert len(manifest["data"]["cow_mid_dyads"]) == 64 and manifest["metrics"]["mid"]["boosted"]["auroc"] > 0.5
    for f in manifest["files"]:
        assert (folder / f).stat().st_size > 0
    assert (folder / "calibration.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((folder / "manifest.json").read_text())["run_id"] == manifest["run_id"]


def test_bad_configurations(sources: Sources) -> None:
    with pytest.raises(ConfigError, match="Unknown forecast task"):
        run_backtest(sources, BacktestConfig(tasks=("war",)))
    with pytest.raises(ConfigError, match="do not fit"):
        run_backtest(sources, BacktestConfig(start=2014, end=2010))
    with pytest.raises(ConfigError, match="Unknown forecast model"):
        run_backtest(sources, BacktestConfig(models=("oracle",)))


@pytest.mark.slow
def test_forecast_year_ranks_and_explains(sources: Sources) -> None:
    out = forecast_year(sources, "conflict", 2012, top=5, train_start=1985, iterations=20, names={365: "Russia"})
    probs = [r["probability"] for r in out["ranking"]]
    assert len(probs) == 5 and probs == sorted(probs, reverse=True)
    assert all(len(r["drivers"]) == 4 for r in out["ranking"]) and out["observed_onsets"] is not None
    future = forecast_year(sources, "conflict", 2018, top=3, train_start=1985, iterations=20)
    assert future["observed_onsets"] is None and len(future["ranking"]) == 3
    with pytest.raises(InputError, match="No mid forecast for 2030"):
        forecast_year(sources, "mid", 2030)
