"""The relations index and trust as computed by the engine over the store."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.core.indices import balance
from detente.core.indices.relations import event_contributions
from detente.core.indices.weights import CONFLICT_TO_TRUST, COOPERATION_TO_TRUST, ENGAGEMENT_WEIGHTS
from detente.errors import ConfigError
from detente.measure.frames import frame
from detente.measure.trust import trust_series
from detente.store import Store
from detente.store.analytics.index import dyad_index
from measure.synth import EventRow, insert_events
from tests.direct import db_sql

ROWS: list[EventRow] = [
    ("2024-01-01", "USA", "RUS", 1.9, 3),
    ("2024-01-02", "RUS", "USA", -10.0, 1),
    ("2024-01-09", "USA", "RUS", 8.0, 20),
    ("2024-02-20", "USA", "CHN", -4.0, 1),
    ("2024-02-20", "USA", "USA", -4.0, 1),  # self-dyad: not a relation, ignored
]


def test_week_index_matches_the_definition(store: Store) -> None:
    insert_events(store, ROWS)
    df = frame(dyad_index(store, "week", a="USA", b="RUS"))
    assert list(df["a"].unique()) == ["RUS"] and list(df["b"].unique()) == ["USA"]  # undirected: sorted pair
    first = df.iloc[0]
    assert first["period"] == dt.date(2024, 1, 1) or str(first["period"])[:10] == "2024-01-01"
    assert first["cooperation"] == pytest.approx(1.9 * 2.0)
    assert first["conflict"] == pytest.approx(10.0)
    assert first["events"] == 2 and first["hostile_events"] == 1
    assert first["balance"] == pytest.approx(balance(3.8, 10.0))
    assert df.iloc[1]["cooperation"] == pytest.approx(8.0 * 4.0)  # 20 sources: capped weight 4


@pytest.mark.parametrize("res,periods", [("day", 3), ("week", 2), ("month", 1), ("year", 1)])
def test_resolutions(store: Store, res: str, periods: int) -> None:
    insert_events(store, ROWS)
    df = frame(dyad_index(store, res, a="RUS", b="USA"))
    assert len(df) == periods
    assert df["events"].sum() == 3


def test_unknown_resolution_is_a_config_error(store: Store) -> None:
    with pytest.raises(ConfigError, match="resolution"):
        dyad_index(store, "fortnight")


def test_duplicates_do_not_change_the_index(store: Store) -> None:
    insert_events(store, ROWS)
    before = frame(dyad_index(store, "day"))
    db_sql(store, "UPDATE events SET duplicates = 7")
    after = frame(dyad_index(store, "day"))
    assert before.equals(after)


rows_st = st.lists(
    st.tuples(
        st.sampled_from(["2024-01-01", "2024-01-03", "2024-02-01"]),
        st.sampled_from(["USA", "RUS", "CHN"]),
        st.sampled_from(["USA", "RUS", "CHN"]),
        st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 1)),
        st.integers(1, 40),
    ),
    max_size=25,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_st)
def test_engine_matches_pure_reference_and_directed_sums(store: Store, rows: list[EventRow]) -> None:
    db_sql(store, "DELETE FROM events")
    insert_events(store, rows)
    und = frame(dyad_index(store, "year"))
    dirx = frame(dyad_index(store, "year", directed=True))
    for _, r in und.iterrows():
        d = dirx[((dirx.a == r.a) & (dirx.b == r.b)) | ((dirx.a == r.b) & (dirx.b == r.a))]
        assert r.cooperation == pytest.approx(d.cooperation.sum())
        assert r.conflict == pytest.approx(d.conflict.sum())
        assert r.events == d.events.sum()
        assert -1.0 <= r.balance <= 1.0
        mine = [x for x in rows if {x[1], x[2]} == {r.a, r.b} and x[1] != x[2]]
        c, k = event_contributions([x[3] for x in mine], [x[4] for x in mine])
        assert r.cooperation == pytest.approx(c.sum()) and r.conflict == pytest.approx(k.sum())


def test_trust_decays_and_takes_engagements(store: Store) -> None:
    insert_events(store, ROWS)
    db_sql(
        store,
        "CREATE OR REPLACE VIEW engagement_dyads AS SELECT * FROM (VALUES "
        "(1, 'joint_exercise', 'USA', 'RUS', DATE '2024-01-09', DATE '2024-01-12', 'participant', NULL),"
        "(1, 'joint_exercise', 'RUS', 'USA', DATE '2024-01-09', DATE '2024-01-12', 'participant', NULL),"
        "(3, 'joint_exercise', 'USA', 'RUS', DATE '2024-01-09', DATE '2024-01-11', 'participant', 1),"
        "(2, 'peacekeeping', 'USA', 'CHN', DATE '2024-03-01', NULL, 'participant', NULL)"
        ") AS t(engagement_id, kind, a, b, start_date, end_date, role, duplicate_of)",
    )
    df = trust_series(store, "day", "USA", "RUS")
    last = df.iloc[-1]
    assert last["engagements"] == 1  # listed in both orders counts once; its copy in another dataset (3) not at all
    assert last["trust_input"] == pytest.approx(COOPERATION_TO_TRUST * 32.0 + ENGAGEMENT_WEIGHTS["joint_exercise"])
    first = df.iloc[0]["trust_input"]
    assert first == pytest.approx(COOPERATION_TO_TRUST * 3.8)
    second = df.iloc[1]
    assert second["trust_input"] == pytest.approx(-CONFLICT_TO_TRUST * 10.0)
    assert second["trust"] == pytest.approx(first * 2 ** (-1 / 730) + second["trust_input"])
    allp = trust_series(store, "month")
    assert set(zip(allp.a, allp.b, strict=True)) == {("RUS", "USA"), ("CHN", "USA")}
    chn = allp[allp.a == "CHN"]
    assert np.isclose(chn.iloc[-1]["trust_input"], ENGAGEMENT_WEIGHTS["peacekeeping"])


@pytest.mark.parametrize("res", ["day", "week", "month", "year"])
@pytest.mark.parametrize("directed", [True, False])
def test_rolling_up_from_the_daily_base_gives_the_same_index(store: Store, res: str, directed: bool) -> None:
    from detente.store.analytics.index import materialise_base

    insert_events(store, [*ROWS, ("2024-03-05", "CHN", "USA", 2.5, 2), ("2024-03-06", "RUS", "USA", -7.2, 9)])
    direct = frame(dyad_index(store, res, directed=directed))
    rolled = frame(dyad_index(store, res, directed=directed, base=materialise_base(store)))
    assert direct.columns.tolist() == rolled.columns.tolist()
    pd.testing.assert_frame_equal(
        direct.drop(columns=["period"]).astype(
            {"events": "int64", "cooperative_events": "int64", "hostile_events": "int64", "volume": "int64"}
        ),
        rolled.drop(columns=["period"]).astype(
            {"events": "int64", "cooperative_events": "int64", "hostile_events": "int64", "volume": "int64"}
        ),
        check_exact=False,
        rtol=1e-9,
    )
    assert [str(p)[:10] for p in direct["period"]] == [str(p)[:10] for p in rolled["period"]]
