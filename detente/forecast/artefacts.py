"""Saved forecast runs: versioned artefacts beside the DuckDB file, with a manifest, indexed in the store.

A run is a folder ``<data dir>/forecast/<run id>/`` holding ``manifest.json`` (version, seed,
configuration, SHA-256 of every source file used, metrics), ``summary.json`` (the full backtest
summary), ``predictions.csv`` (every out-of-sample forecast), ``calibration.png`` and one pickled model
per task (the calibrated booster trained on every labelled year, for the next year's forecast).
``forecast_runs`` in the store lists runs, so the API can serve the latest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

from detente import __version__
from detente.errors import NotFound
from detente.forecast.backtest import BacktestResult, clean
from detente.forecast.plot import calibration_png
from detente.store.analytics.events import file_hashes
from detente.store.forecast_runs import add_forecast_run, latest_forecast_manifest
from detente.store.warehouse import Store

__all__ = ["ARTEFACT_VERSION", "latest_run", "run_dir", "save_run"]

ARTEFACT_VERSION = 1
DATASETS = (
    "cow_mid_dyads",
    "cow_mid_disputes",
    "cow_nmc",
    "cow_contiguity",
    "cow_system",
    "cow_majors",
    "atop_dyad_years",
    "ucdp_acd",
    "ucdp_onsets",
)


def forecast_dir(db: Path | str) -> Path:
    p = Path(str(db))
    base = Path.cwd() if str(db) == ":memory:" else p.expanduser().parent
    return base / "forecast"


def run_dir(db: Path | str, run_id: str) -> Path:
    return forecast_dir(db) / run_id


def data_hashes(store: Store) -> dict[str, str | None]:
    out: dict[str, str | None] = dict.fromkeys(DATASETS)
    for ds, sha in file_hashes(store, list(DATASETS)):
        out[ds] = sha
    out["engagements"] = str(store.count("engagements")) + " rows" if store.has("engagements") else None
    return out


def save_run(store: Store, db: Path | str, result: BacktestResult) -> dict[str, Any]:
    """Write the run's artefacts and index it; returns the manifest."""
    models = result.models
    summary = clean(result.summary())
    cfg = result.config
    hashes = data_hashes(store)
    digest = hashlib.sha256(json.dumps([cfg.to_dict(), hashes], sort_keys=True).encode()).hexdigest()[:10]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = f"{now:%Y%m%dT%H%M%S}-s{cfg.seed}-{digest}"
    out = run_dir(db, run_id)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    (out / "calibration.png").write_bytes(calibration_png(summary["tasks"]))
    for task, tr in result.tasks.items():
        tr.predictions.to_csv(out / f"predictions_{task}.csv", index=False, float_format="%.6g")
    files = ["summary.json", "calibration.png", *(f"predictions_{t}.csv" for t in result.tasks)]
    for task, model in models.items():
        with open(out / f"model_{task}.pkl", "wb") as f:
            pickle.dump(model, f)
        files.append(f"model_{task}.pkl")
    manifest = {
        "artefact_version": ARTEFACT_VERSION,
        "detente_version": __version__,
        "run_id": run_id,
        "created_at": now.isoformat(timespec="seconds"),
        "seed": cfg.seed,
        "config": cfg.to_dict(),
        "data": hashes,
        "seconds": round(result.seconds, 1),
        "files": files,
        "metrics": {t: s["metrics"] for t, s in summary["tasks"].items()},
        "aupr_gain_vs_standard": {t: s.get("aupr_gain_vs_standard") for t, s in summary["tasks"].items()},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    add_forecast_run(store, run_id, list(cfg.tasks), now, cfg.seed, json.dumps(manifest))
    return manifest


def latest_run(store: Store, db: Path | str) -> tuple[dict[str, Any], Path]:
    """The newest run's manifest and folder, or NotFound."""
    text = latest_forecast_manifest(store)
    if text is None:
        raise NotFound("No forecast backtest has been run.", hint="Run `detente forecast backtest` first.")
    manifest: dict[str, Any] = json.loads(text)
    folder = run_dir(db, manifest["run_id"])
    if not (folder / "summary.json").exists():
        raise NotFound(
            f"The artefacts of run {manifest['run_id']} are missing from {folder}.",
            hint="Run `detente forecast backtest` again.",
        )
    return manifest, folder
