"""Forecast models, by name: two peace-science baselines, a full logit and calibrated gradient boosting.

Every model is fitted on a training window only (years before t) and returns a :class:`Fitted` that
predicts probabilities and explains each forecast as per-feature contributions to its log-odds.

* ``peace_years`` — baseline (a): logit on a restricted cubic spline of peace years (Beck, Katz &
  Tucker 1998), knots at training-window percentiles.
* ``standard`` — baseline (b): the standard logit of the literature. Dyads: land and sea contiguity,
  ln capability ratio (COW CINC), defence alliance (ATOP), peace-years spline (Bremer 1992; Lemke & Reed
  2001). Countries: ln population, conflict and war in t−1, major power, peace-years spline.
* ``logit`` — every feature (missing values at the training median) plus the spline.
* ``boosted`` — histogram gradient boosting (scikit-learn), Platt-scaled on the last five training
  years by a twin fitted without them: calibration uses the training window only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from detente.core.forecast.logit import Logit, fit_logit
from detente.core.forecast.splines import restricted_cubic_basis, spline_knots
from detente.errors import ModelError
from detente.registry import Registry

__all__ = ["MODELS", "STANDARD", "Fitted", "ModelSpec", "fit_model"]

FloatArray = npt.NDArray[np.float64]

STANDARD = {
    "mid": ("cont_land", "cont_sea", "cap_ratio", "ally_defense"),
    "conflict": ("log_pop", "conflict_prev", "war_prev", "major"),
}
CALIBRATION_YEARS = 5


class Fitted(Protocol):
    features: tuple[str, ...]

    def predict(self, x: pd.DataFrame) -> FloatArray: ...

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame: ...


@dataclass(frozen=True)
class ModelSpec:
    name: str
    label: str
    fit: Callable[[str, pd.DataFrame, tuple[str, ...], dict[str, Any]], Fitted]
    baseline: bool = False


MODELS: Registry[ModelSpec] = Registry("forecast model")


def _logit_odds(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return np.asarray(np.log(q / (1 - q)), dtype=float)


@dataclass
class LogitModel:
    """A logit on chosen columns plus a peace-years spline; explanations are z·β per feature."""

    features: tuple[str, ...]
    knots: FloatArray
    medians: dict[str, float]
    model: Logit | None = None

    def _design(self, x: pd.DataFrame) -> FloatArray:
        cols = [x[f].astype("float64").fillna(self.medians.get(f, 0.0)).to_numpy() for f in self.features]
        spline = restricted_cubic_basis(x["peace_years"].astype("float64").fillna(0.0).to_numpy(), self.knots)
        return np.column_stack([*cols, spline]) if cols else spline

    def fit(self, x: pd.DataFrame, y: FloatArray) -> LogitModel:
        self.model = fit_logit(self._design(x), y)
        return self

    def predict(self, x: pd.DataFrame) -> FloatArray:
        assert self.model is not None
        return self.model.predict(self._design(x))

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame:
        assert self.model is not None
        c = self.model.contributions(self._design(x))
        k = len(self.features)
        out = pd.DataFrame(c[:, :k], columns=list(self.features), index=x.index)
        out["peace_years"] = c[:, k:].sum(axis=1)
        return out


def _logit(task: str, train: pd.DataFrame, cols: Sequence[str]) -> LogitModel:
    feats = tuple(c for c in cols if c != "peace_years")
    knots = spline_knots(train["peace_years"].to_numpy())
    medians = {f: float(np.nanmedian(train[f].to_numpy(dtype=float))) if train[f].notna().any() else 0.0 for f in feats}
    return LogitModel(feats, knots, medians).fit(train, train["y"].to_numpy(dtype=float))


@dataclass
class BoostedModel:
    """Gradient boosting with a Platt calibrator fitted on held-out recent training years."""

    features: tuple[str, ...]
    booster: Any
    platt: tuple[float, float] = (1.0, 0.0)
    reference: dict[str, float] = field(default_factory=dict)

    def _raw(self, x: pd.DataFrame) -> FloatArray:
        return _logit_odds(np.asarray(self.booster.predict_proba(x[list(self.features)].astype("float64"))[:, 1]))

    def _calibrated(self, raw: FloatArray) -> FloatArray:
        a, b = self.platt
        return np.asarray(0.5 * (1.0 + np.tanh(0.5 * (a * raw + b))), dtype=float)

    def predict(self, x: pd.DataFrame) -> FloatArray:
        return self._calibrated(self._raw(x))

    def contributions(self, x: pd.DataFrame) -> pd.DataFrame:
        """Local effect of each feature: log-odds now minus log-odds with it set to its training median."""
        base = _logit_odds(self.predict(x))
        out = {}
        for f in self.features:
            alt = x.copy()
            alt[f] = self.reference.get(f, 0.0)
            out[f] = base - _logit_odds(self.predict(alt))
        return pd.DataFrame(out, index=x.index)


def _booster(seed: int, opts: dict[str, Any]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=int(opts.get("iterations", 100)),
        learning_rate=0.1,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )


def _boosted(task: str, train: pd.DataFrame, cols: tuple[str, ...], opts: dict[str, Any]) -> BoostedModel:
    """Fit on every training year; Platt-scale with a twin fitted on all but the last five.

    In a rolling-origin backtest the twin for year t is the main booster of year t−5, so ``opts["cache"]``
    (cut-off year -> booster) saves refitting it; boosters are seeded by their cut-off year for that reason.
    """
    cache: dict[int, Any] = opts.setdefault("cache", {})
    base_seed = int(opts.get("seed", 0))
    x = train[list(cols)].astype("float64")
    y = train["y"].to_numpy(dtype=float)
    years = train["year"].to_numpy()

    def booster(cutoff: int) -> Any:
        if cutoff not in cache:
            m = years < cutoff
            seed = int(np.random.SeedSequence([base_seed, cutoff]).generate_state(1)[0] % (2**31 - 1))
            cache[cutoff] = _booster(seed, opts).fit(x[m], y[m])
        return cache[cutoff]

    cutoff = int(years.max()) + 1
    model = BoostedModel(
        cols, booster(cutoff), reference={c: float(np.nanmedian(x[c])) if x[c].notna().any() else 0.0 for c in cols}
    )
    held = years >= cutoff - CALIBRATION_YEARS
    if opts.get("calibrate", True) and y[~held].sum() > 0 and y[held].sum() > 0:
        twin = BoostedModel(cols, booster(cutoff - CALIBRATION_YEARS))
        raw = twin._raw(train[held])
        platt = fit_logit(raw[:, None], y[held], ridge=1e-6)
        a = float(platt.raw_coef()[0])
        model.platt = (a, float(platt.intercept - a * platt.mean[0]))
    return model


def _register(
    name: str, label: str, baseline: bool, fit: Callable[[str, pd.DataFrame, tuple[str, ...], dict[str, Any]], Fitted]
) -> None:
    MODELS.add(name, ModelSpec(name, label, fit, baseline))


_register("peace_years", "Baseline (a): peace-years spline", True, lambda task, tr, cols, o: _logit(task, tr, ()))
_register("standard", "Baseline (b): standard logit", True, lambda task, tr, cols, o: _logit(task, tr, STANDARD[task]))
_register("logit", "Logit, all features", False, lambda task, tr, cols, o: _logit(task, tr, cols))
_register(
    "logit_no_eng",
    "Logit, all features but engagements (ablation)",
    False,
    lambda task, tr, cols, o: _logit(task, tr, tuple(c for c in cols if not c.startswith("eng_"))),
)
_register("boosted", "Gradient boosting, Platt-calibrated", False, _boosted)


def _selected(task: str, train: pd.DataFrame, cols: tuple[str, ...], opts: dict[str, Any]) -> Fitted:
    """The all-feature logit or the booster, whichever forecast the last five training years better (AUPR).

    Both candidates are judged by twins fitted on the years before those five, so the choice for year t
    uses data before t only (the booster twin is the cached booster of year t−5).
    """
    from detente.core.forecast.metrics import average_precision

    last = int(train["year"].max())
    held = (train["year"] > last - CALIBRATION_YEARS).to_numpy()
    early, recent = train[~held], train[held]
    boosted = _boosted(task, train, cols, opts)
    if early["y"].sum() == 0 or recent["y"].sum() == 0:
        return boosted
    y = recent["y"].to_numpy(dtype=float)
    twin_logit = _logit(task, early, cols)
    twin_boost = _boosted(task, early, cols, {**opts, "calibrate": False})
    if average_precision(y, twin_logit.predict(recent)) > average_precision(y, twin_boost.predict(recent)):
        return _logit(task, train, cols)
    return boosted


_register("selected", "Logit or boosting, chosen on the last 5 training years", False, _selected)


def fit_model(
    name: str, task: str, train: pd.DataFrame, features: tuple[str, ...], opts: dict[str, Any] | None = None
) -> Fitted:
    """Fit the named model on a training window (rows with a known outcome).

    ``opts``: ``seed`` (boosting), ``iterations``, ``calibrate``, and ``cache`` (shared across the years of
    one backtest, see :func:`_boosted`).
    """
    spec = MODELS.get(name)
    tr = train[train["y"].notna()]
    if len(tr) == 0 or tr["y"].sum() == 0:
        raise ModelError(
            f"No outcomes to learn from for {task} before {int(train['year'].max()) + 1}.",
            hint="Start the backtest later or ingest earlier years.",
        )
    return spec.fit(task, tr, features, {} if opts is None else opts)
