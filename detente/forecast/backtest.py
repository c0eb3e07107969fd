"""Rolling-origin backtest: for every year t, fit each model on years before t and forecast t.

The panels are built once (their features look only backwards, which ``tests/forecast`` proves), then
every model sees the same training windows and the same test rows, so the metrics compare like with
like. Results are plain data (:class:`BacktestResult`) that the CLI prints and :mod:`artefacts` saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.core.forecast.calibration import expected_calibration_error, reliability_table
from detente.core.forecast.metrics import scores
from detente.errors import ConfigError
from detente.forecast.models import MODELS, Fitted, fit_model
from detente.forecast.panels import COUNTRY_FEATURES, DYAD_FEATURES, country_panel, dyad_panel
from detente.forecast.sources import Sources

__all__ = ["TASKS", "BacktestConfig", "BacktestResult", "Task", "TaskResult", "build_panel", "run_backtest"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Task:
    name: str
    label: str
    keys: tuple[str, ...]
    features: tuple[str, ...]
    build: Callable[[Sources, Sequence[int]], pd.DataFrame]


TASKS: dict[str, Task] = {
    "mid": Task(
        "mid", "MID onset, politically relevant dyad-years (COW MID 5.0)", ("a", "b"), DYAD_FEATURES, dyad_panel
    ),
    "conflict": Task(
        "conflict",
        "Armed-conflict onset, country-years (UCDP/PRIO, 2+ years of peace)",
        ("gwcode",),
        COUNTRY_FEATURES,
        country_panel,
    ),
}
DEFAULT_MODELS = ("peace_years", "standard", "logit", "logit_no_eng", "boosted", "selected")


@dataclass(frozen=True)
class BacktestConfig:
    tasks: tuple[str, ...] = ("mid", "conflict")
    start: int = 1990
    end: int = 2014
    train_start: int = 1950
    seed: int = 0
    models: tuple[str, ...] = DEFAULT_MODELS
    iterations: int = 100
    bootstrap: int = 200

    def check(self) -> None:
        bad = [t for t in self.tasks if t not in TASKS]
        if bad:
            raise ConfigError(f"Unknown forecast task {bad[0]!r}.", hint=f"Choose from: {', '.join(TASKS)}.")
        for m in self.models:
            MODELS.get(m)
        if not (self.train_start + 10 <= self.start <= self.end):
            raise ConfigError(
                f"Backtest years {self.start}–{self.end} with training from {self.train_start} do not fit.",
                hint="Need train_start + 10 <= start <= end.",
            )

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class TaskResult:
    task: str
    label: str
    predictions: pd.DataFrame  # keys, year, y, one probability column per model
    metrics: dict[str, dict[str, float]]
    per_year: dict[str, list[dict[str, float]]]
    reliability: dict[str, list[dict[str, float]]]
    associations: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        m = self.metrics
        out: dict[str, Any] = {
            "task": self.task,
            "label": self.label,
            "metrics": m,
            "per_year": self.per_year,
            "reliability": self.reliability,
            "associations": self.associations,
        }
        if "standard" in m and m["standard"]["aupr"] > 0:
            out["aupr_gain"] = {
                k: v["aupr"] / m["standard"]["aupr"] - 1.0 for k, v in m.items() if not MODELS.get(k).baseline
            }
        if "boosted" in m and "standard" in m and m["standard"]["aupr"] > 0:
            out["aupr_gain_vs_standard"] = m["boosted"]["aupr"] / m["standard"]["aupr"] - 1.0
            out["target_met"] = bool(out["aupr_gain_vs_standard"] >= 0.15 and m["boosted"]["ece"] < 0.02)
        return out


@dataclass
class BacktestResult:
    config: BacktestConfig
    tasks: dict[str, TaskResult]
    seconds: float = 0.0
    models: dict[str, Fitted] = field(default_factory=dict)  # per task: boosted, trained on every labelled year

    def summary(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "seconds": round(self.seconds, 1),
            "tasks": {k: v.summary() for k, v in self.tasks.items()},
        }


def build_panel(src: Sources, task: str, train_start: int, last: int) -> pd.DataFrame:
    return TASKS[task].build(src, range(train_start, last + 1))


def _threads() -> Any:
    """One BLAS/OpenMP thread per fit: on a shared 2-core machine oversubscription costs 10x."""
    # Load scikit-learn's OpenMP runtime first: threadpoolctl limits only libraries already loaded.
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    return threadpool_limits(limits=1)


def fit_all(task: str, train: pd.DataFrame, models: Sequence[str], opts: dict[str, Any]) -> dict[str, Fitted]:
    feats = TASKS[task].features
    with _threads():
        return {m: fit_model(m, task, train, feats, opts) for m in models}


def run_backtest(src: Sources, cfg: BacktestConfig, progress: Progress | None = None) -> BacktestResult:
    """Train on years < t, forecast t, for every t in cfg.start..cfg.end and every task and model."""
    from detente.forecast.explain import coverage_years, engagement_associations

    cfg.check()
    t0 = time.perf_counter()
    results: dict[str, TaskResult] = {}
    finals: dict[str, Fitted] = {}
    years = list(range(cfg.start, cfg.end + 1))
    total = len(years) * len(cfg.tasks)
    done = 0
    for task in cfg.tasks:
        spec = TASKS[task]
        panel = build_panel(src, task, cfg.train_start, cfg.end)
        opts: dict[str, Any] = {"seed": cfg.seed, "iterations": cfg.iterations, "cache": {}}
        parts = []
        for t in years:
            train = panel[(panel["year"] < t) & panel["y"].notna()]
            test = panel[(panel["year"] == t) & panel["y"].notna()]
            if len(test):
                fitted = fit_all(task, train, cfg.models, opts)
                with _threads():
                    pred = test[[*spec.keys, "year", "y"]].copy()
                    for m, f in fitted.items():
                        pred[m] = f.predict(test)
                parts.append(pred)
            done += 1
            if progress:
                progress(task, done, total)
        if not parts:
            raise ConfigError(f"No {task} outcomes in {cfg.start}–{cfg.end}.", hint="Choose years the data covers.")
        preds = pd.concat(parts, ignore_index=True)
        results[task] = _score(task, preds, cfg)
        full = panel[panel["y"].notna() & (panel["year"] <= cfg.end)]
        results[task].associations = engagement_associations(
            task, full, cfg.seed, cfg.bootstrap, coverage_years(src.engagements)
        )
        if "boosted" in cfg.models:
            finals[task] = fit_all(task, full, ("boosted",), opts)["boosted"]
    return BacktestResult(cfg, results, time.perf_counter() - t0, finals)


def _score(task: str, preds: pd.DataFrame, cfg: BacktestConfig) -> TaskResult:
    y = preds["y"].to_numpy(dtype=float)
    metrics, per_year, rel = {}, {}, {}
    for m in cfg.models:
        p = preds[m].to_numpy(dtype=float)
        metrics[m] = {**scores(y, p), "ece": expected_calibration_error(y, p, bins=10)}
        rel[m] = reliability_table(y, p, bins=10)
        keep = ("auroc", "aupr", "brier", "events", "n")
        per_year[m] = [
            {"year": float(str(yr)), **{k: v for k, v in scores(preds["y"][idx], preds[m][idx]).items() if k in keep}}
            for yr, idx in preds.groupby("year").groups.items()
        ]
    return TaskResult(task, TASKS[task].label, preds, metrics, per_year, rel)


def clean(obj: Any) -> Any:
    """JSON-safe copy: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
