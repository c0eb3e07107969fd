"""Engagement features come from the engagements table (seeded here with a few rows), lagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from detente.forecast.explain import engagement_associations
from detente.forecast.panels import dyad_panel
from detente.forecast.sources import Sources, load_sources
from detente.store import Store
from tests.direct import db_sql

pytestmark = pytest.mark.shared


def _seed(store: Store) -> None:
    rows = [
        ("joint_exercise", ["USA", "CAN"], [], dt.date(1998, 5, 1), None),
        ("joint_exercise", ["USA", "CAN", "MEX"], [], dt.date(1999, 5, 1), dt.date(1999, 5, 20)),
        ("peacekeeping", ["HTI"], ["UN"], dt.date(1996, 1, 1), dt.date(1998, 12, 31)),
        ("agreement", ["RUS", "CHN"], [], dt.date(2001, 7, 16), None),
    ]
    for kind, parts, third, start, end in rows:
        db_sql(
            store,
            "INSERT INTO engagements (kind, start_date, end_date, participants, third_parties, dataset) "
            "VALUES (?, ?, ?, ?, ?, 'test')",
            [kind, start, end, parts, third],
        )


def test_engagements_become_lagged_dyad_counts(panel_store: Store) -> None:
    _seed(panel_store)
    src = load_sources(panel_store)
    e = src.engagements
    assert {"joint_exercise", "peacekeeping", "agreement"} == set(e["kind"])
    pko = e[e["kind"] == "peacekeeping"]  # Haiti with the UN (no COW code): counts for Haiti alone
    assert sorted(pko["year"]) == [1996, 1997, 1998] and set(pko["ccode1"]) == set(pko["ccode2"]) == {41}
    p = dyad_panel(src, [1999, 2000, 2002])
    us_can = p[(p["a"] == 2) & (p["b"] == 20)].set_index("year")["eng_joint_exercise_5y"]
    assert us_can[1999] == pytest.approx(np.log1p(1))  # 1998 only; 1999's exercise is not yet known
    assert us_can[2000] == pytest.approx(np.log1p(2))
    ru_cn = p[(p["a"] == 365) & (p["b"] == 710)].set_index("year")["eng_agreement_5y"]
    assert ru_cn[2000] == 0 and ru_cn[2002] == pytest.approx(np.log1p(1))


def test_associations_with_bootstrap_intervals(sources: Sources) -> None:
    panel = dyad_panel(sources, range(1980, 2011))
    rng = np.random.default_rng(0)
    # A synthetic engagement present in a random third of rows: no association by construction.
    panel["eng_joint_exercise_5y"] = (rng.random(len(panel)) < 0.33).astype(float)
    out = engagement_associations("mid", panel[panel["y"].notna()], seed=1, bootstrap=20)
    ex = next(r for r in out if r["engagement"] == "joint_exercise")
    assert ex["ci_low"] < 1 < ex["ci_high"] and ex["reading"] == "no clear association"
    assert ex["bootstrap"] == 20
    none = next(r for r in out if r["engagement"] == "mediation")
    assert none["odds_ratio"] is None and "too few" in none["reading"]


def test_without_engagements_table_features_are_zero(sources: Sources) -> None:
    src = replace(sources, engagements=pd.DataFrame({"ccode1": [], "ccode2": [], "kind": [], "year": []}))
    p = dyad_panel(src, [2000])
    assert (p.filter(like="eng_") == 0).all().all()
