"""Worlds from the real record, and the calibration of the no-policy world against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from detente.core.sim import Params
from detente.errors import SimulationError
from detente.ingest.peace_science import ingest_shared
from detente.sim import load_scenario, run_ensemble
from detente.sim.calibration import fit_sizes, observed_rates, simulated_rates, war_sizes
from detente.sim.scenario import DataSpec
from detente.sim.service import prepare
from detente.sim.worlds import world_from_data
from detente.store import Store
from detente.store.reference import load_reference
from tests.direct import db_sql

pytestmark = pytest.mark.shared

#: The panels a real-data world reads, loaded once by their one reader (detente.ingest.peace_science).
WORLD_PANELS = ["cow_system", "cow_nmc", "cow_contiguity", "cow_mid_dyads", "atop_dyad_years", "cow_war_dyads",
                "cow_war_participants"]  # fmt: skip


@pytest.fixture(scope="module")
def panels(shared_data: Path) -> Iterator[Store]:
    store = Store.open(":memory:")
    load_reference(store)
    ingest_shared(store, shared_data, WORLD_PANELS)
    yield store
    store.close()


def test_baltic_world_from_real_data(panels: Store) -> None:
    _sc, spec = prepare(load_scenario("baltic-2018"), runs=10, steps=24, seed=1, store=panels)
    w = spec.world
    ix = {n: k for k, n in enumerate(w.names)}
    assert w.n == 13 and w.year == 2018
    assert w.alliance[ix["EST"], ix["USA"]] and w.alliance[ix["RUS"], ix["BLR"]]
    assert not w.alliance[ix["RUS"], ix["USA"]] and not w.alliance[ix["RUS"], ix["EST"]]
    assert w.alliance[ix["FIN"], ix["SWD"]]  # EU mutual-defence clause, coded by ATOP
    assert w.contiguity[ix["RUS"], ix["EST"]] and not w.contiguity[ix["USA"], ix["EST"]]
    assert w.capability[ix["USA"]] > w.capability[ix["RUS"]] > w.capability[ix["EST"]]
    assert w.trust[ix["RUS"], ix["USA"]] < 0.5 < w.trust[ix["EST"], ix["USA"]]
    ens = run_ensemble(spec, backend="inline")
    assert len(ens.runs) == 10 * len(spec.variants)


def test_bad_regions(panels: Store, store: Store) -> None:
    with pytest.raises(SimulationError, match="Unknown COW state abbreviation 'XXX'"):
        world_from_data(DataSpec(year=2018, region=["RUS", "XXX"]), panels)
    with pytest.raises(SimulationError, match="COW code 999"):
        world_from_data(DataSpec(year=2018, region=[365, 999]), panels)
    with pytest.raises(SimulationError, match="no COW/NMC panels"):
        world_from_data(DataSpec(year=2018), store)  # an empty store: the panels are not loaded


def test_no_policy_world_reproduces_dispute_and_war_rates(panels: Store) -> None:
    obs = observed_rates(panels, 1946, 2010)
    assert obs["disputes_contig"] == pytest.approx(0.0786, abs=5e-4)
    assert obs["wars_contig"] == pytest.approx(0.00281, abs=5e-5)
    world = world_from_data(DataSpec(year=1980), panels, index_trust=False)
    sim = simulated_rates(world, Params(), runs=12, years=10, seed=3)
    assert 0.85 < sim["disputes_contig"] / obs["disputes_contig"] < 1.15
    assert 0.8 < sim["disputes_noncontig"] / obs["disputes_noncontig"] < 1.25
    assert 0.5 < sim["wars_contig"] / obs["wars_contig"] < 2.0


def test_war_size_fits(panels: Store) -> None:
    sizes = war_sizes(panels)
    assert sizes.size == 95 and sizes.min() >= 1000
    fit = fit_sizes(sizes)
    assert 1.3 < fit["alpha"] < 1.8 and fit["xmin"] > 1000
    assert np.isfinite(fit["loglik_ratio"]) and 0 <= fit["p_value"] <= 1
    with pytest.raises(SimulationError, match="at least 10"):
        fit_sizes(sizes[:5])


def test_alliances_come_from_the_store_when_it_has_them(panels: Store) -> None:
    spec = DataSpec(year=2018, region=["RUS", "EST", "USA"])
    assert world_from_data(spec, panels).alliance[1, 2]  # empty alliance_members: the ATOP dyad-years
    db_sql(
        panels,
        "INSERT INTO alliance_members (atopid, cow, joined, defense) VALUES (1, 365, DATE '2000-01-01', true), "
        "(1, 366, DATE '2000-01-01', true)",
    )
    try:
        w = world_from_data(spec, panels)
    finally:
        db_sql(panels, "DELETE FROM alliance_members")
    assert w.alliance[0, 1] and not w.alliance[1, 2]
    assert any("alliance_members" in n for n in w.notes)


def test_trust_comes_from_the_relations_index_when_present(panels: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from detente.measure import historic

    series = pd.DataFrame({"c1": [2, 365], "c2": [366, 366], "year": [2016, 2016], "trust": [40.0, -40.0]})
    monkeypatch.setattr(historic, "historic_series", lambda s: series)
    w = world_from_data(DataSpec(year=2018, region=["USA", "RUS", "EST"]), panels)
    assert w.trust[0, 2] > 0.9 and w.trust[1, 2] < 0.1 and w.trust[0, 1] == pytest.approx(0.5 - 0.1 * 3, abs=0.21)
    assert any("relations index" in n for n in w.notes)
