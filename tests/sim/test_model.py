"""The vectorised model: reproducibility, invariants and the direction of each mechanism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.sim import MECHANISMS, Model, Params, Policy, World, variant
from detente.errors import SimulationError


def _small(n: int = 8, seed: int = 1) -> World:
    return World.synthetic(n, seed=seed)


def test_same_seed_same_result_and_other_seed_differs() -> None:
    w = _small(12)
    a = Model(w, variant("full"), replicates=20, seed=5).run(60)
    b = Model(w, variant("full"), replicates=20, seed=5).run(60)
    c = Model(w, variant("full"), replicates=20, seed=6).run(60)
    for k in a.stats:
        np.testing.assert_array_equal(a.stats[k], b.stats[k])
    assert a.wars == b.wars
    np.testing.assert_array_equal(a.mediators, b.mediators)
    assert any(not np.array_equal(a.stats[k], c.stats[k]) for k in a.stats)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), seed=st.integers(0, 2**31), pol=st.sampled_from(["none", "full", "hotline+mediation"]))
def test_invariants_hold(n: int, seed: int, pol: str) -> None:
    m = Model(World.synthetic(n, seed=seed % 1000), variant(pol), replicates=4, seed=seed)
    for _ in range(36):
        m.step()
        assert m.rung.min() >= 0 and m.rung.max() <= 4
        tr = m.trust_now()
        assert np.all((tr >= 0) & (tr <= 1))
    s = m.run(1).stats
    assert np.all(s["wars"] <= s["force"]) and np.all(s["force"] <= s["disputes"] + s["force"])
    assert np.all(s["disputes_contig"] <= s["disputes"]) and np.all(s["joins_contig"] <= s["joins"])
    assert np.all(s["civilian_harm"] <= s["battle_deaths"] + 1e-9) and np.all(s["max_rung"] <= 4)
    for _r, _t0, size, joiners, dyad in m.wars:
        assert size > 0 and joiners >= 0 and 0 <= dyad < m.D


def _pair(**kw: float) -> World:
    """Two hostile contiguous states with one trusted, unallied third party and one ally of A."""
    names = ("A", "B", "M", "C")
    al = np.zeros((4, 4), bool)
    al[0, 3] = al[3, 0] = True
    con = np.zeros((4, 4), bool)
    con[0, 1] = con[1, 0] = True
    sal = np.full((4, 4), 0.0)
    sal[0, 1] = sal[1, 0] = 1.0
    tr = np.full((4, 4), 0.5)
    tr[0, 1] = tr[1, 0] = kw.get("ab", 0.2)
    tr[2, :2] = tr[:2, 2] = 0.8
    return World(names, np.array([0.3, 0.3, 0.1, 0.3]), al, con, sal, tr)


def _mean(pol: str, stat: str, world: World | None = None, params: Params | None = None) -> float:
    out = Model(world or _pair(), variant(pol), params, replicates=600, seed=11).run(120)
    return float(out.stats[stat].mean())


def test_hotline_and_transparency_lower_escalation() -> None:
    assert _mean("hotline", "disputes") < 0.9 * _mean("none", "disputes")
    assert _mean("transparency", "force") < _mean("none", "force")


def test_mediator_is_the_trusted_unallied_third_party() -> None:
    out = Model(_pair(), variant("mediation"), replicates=200, seed=3).run(120)
    assert out.mediators[2] > 0 and out.mediators.sum() == out.mediators[2]
    assert out.stats["mediated"].sum() > 0
    assert _mean("mediation", "force") < _mean("none", "force")


def test_collective_defense_drags_allies_in() -> None:
    cd = Model(_pair(), variant("collective_defense"), replicates=400, seed=2).run(240)
    wars = cd.stats["wars"].sum()
    assert wars > 0 and cd.stats["joins"].sum() == wars  # reliability 1: C always joins A
    assert _mean("collective_defense", "wars") < _mean("none", "wars")  # ... but deters


def test_corridors_halve_civilian_harm_and_peacekeeping_lowers_recurrence() -> None:
    p = Params(escalate_3=0.3, war_end=0.3)
    out = Model(_pair(), variant("corridors"), p, replicates=200, seed=4).run(120)
    np.testing.assert_allclose(out.stats["civilian_harm"], 0.5 * out.stats["battle_deaths"])
    assert _mean("peacekeeping", "recurrences", params=p) < _mean("none", "recurrences", params=p)


def test_exercises_raise_trust_at_a_cost() -> None:
    m = Model(_pair(ab=0.2), variant("exercises"), replicates=50, seed=1)
    out = m.run(60)
    assert float(m.trust_now()[:, 0].mean()) > 0.2 and out.stats["cost"][0] == pytest.approx(60 * 1.0)


def test_bad_inputs_raise_simulation_errors() -> None:
    with pytest.raises(SimulationError, match="replicates"):
        Model(_small(), variant("none"), replicates=-1)
    with pytest.raises(SimulationError, match="steps"):
        Model(_small(), variant("none")).run(0)
    with pytest.raises(SimulationError, match="unknown mechanism"):
        Policy("x", {"bombing": 1.0})
    with pytest.raises(SimulationError, match=r"0\.\.1"):
        Policy("x", {"hotline": 2.0})
    with pytest.raises(SimulationError, match="Unknown policy"):
        variant("hotline+nope")
    with pytest.raises(SimulationError, match="Bad policy"):
        variant("<script>")
    with pytest.raises(SimulationError, match="Unknown model parameter"):
        Params().with_overrides({"warp": 1.0})
    with pytest.raises(SimulationError, match="out of range"):
        Params(sigma=float("nan"))
    with pytest.raises(SimulationError, match="symmetric"):
        World(("a", "b"), np.ones(2), np.array([[0, 1], [0, 0]]), np.zeros((2, 2)), np.zeros((2, 2)),
              np.full((2, 2), 0.5))  # fmt: skip
    with pytest.raises(SimulationError, match="at least two"):
        World(("a",), np.ones(1), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))


def test_policy_mix_takes_the_highest_level() -> None:
    mix = variant("dialogue+mediation")
    assert set(mix.active()) == {"transparency", "hotline", "mediation"}
    assert set(variant("full").active()) == set(MECHANISMS)
