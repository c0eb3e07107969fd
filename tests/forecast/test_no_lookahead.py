"""No feature for year t uses information from year t or later: cut or scramble every later row, compare."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest

from detente.forecast.panels import country_panel, dyad_panel
from detente.forecast.sources import Sources

pytestmark = pytest.mark.shared


def _scramble_from(src: Sources, year: int, seed: int) -> Sources:
    """Every row dated ``year`` or later replaced by random rows of the same shape (and extra random rows)."""
    rng = np.random.default_rng(seed)
    out = {}
    for f in fields(src):
        df: pd.DataFrame = getattr(src, f.name)
        col = "year" if "year" in df.columns else "start_year"
        late = df[df[col] >= year]
        noise = df.sample(n=min(len(df), max(len(late), 50)), replace=True, random_state=seed).copy()
        noise[col] = rng.integers(year, year + 5, size=len(noise))
        if "end_year" in noise.columns:
            noise["end_year"] = noise["start_year"] + 3
        out[f.name] = pd.concat([df[df[col] < year], noise], ignore_index=True)
    return replace(src, **out)


def _with_engagements(src: Sources) -> Sources:
    eng = pd.DataFrame(
        {
            "ccode1": [2, 2, 365, 2],
            "ccode2": [365, 20, 710, 2],
            "kind": ["joint_exercise", "agreement", "mediation", "peacekeeping"],
            "year": [2000, 2001, 2003, 2002],
        }
    )
    return replace(src, engagements=eng)


@pytest.mark.parametrize("build", [dyad_panel, country_panel])
@pytest.mark.parametrize("year", [1990, 2003])
def test_features_for_t_ignore_year_t_and_later(sources: Sources, build: object, year: int) -> None:
    assert callable(build)
    full = _with_engagements(sources)
    base = build(full, [year])
    cut = build(full.before(year), [year])
    noisy = build(_scramble_from(full, year, seed=year), [year])
    feats = [c for c in base.columns if c != "y"]
    keys = [c for c in ("a", "b", "gwcode", "year") if c in base.columns]
    for other in (cut, noisy):
        a = base[feats].sort_values(keys).reset_index(drop=True)
        b = other[feats].sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert len(base) > 100


def test_outcomes_do_use_year_t(sources: Sources) -> None:
    """The check above has teeth: cutting year t does change the outcome column."""
    base = dyad_panel(sources, [2000])
    cut = dyad_panel(sources.before(2000), [2000])
    assert base["y"].sum() > 0 and cut["y"].isna().all()
