"""Ensembles: the same seed gives the same rows on every backend; results are tidy and summarised."""

from __future__ import annotations

import pandas.testing as pdt
import pytest

from detente.core.sim import World
from detente.sim import EnsembleSpec, run_ensemble, summarise
from detente.sim.pathways import plot_png, wilson

SPEC = EnsembleSpec(World.synthetic(14, seed=3), ("none", "hotline", "full"), 40, 48, 2026, batch=10)


@pytest.mark.slow
def test_inline_and_process_backends_agree() -> None:
    a = run_ensemble(SPEC, backend="inline")
    b = run_ensemble(SPEC, backend="process", workers=2)
    assert a.backend == "inline" and b.backend == "process"
    pdt.assert_frame_equal(a.runs, b.runs)
    pdt.assert_frame_equal(a.wars, b.wars)
    pdt.assert_frame_equal(a.mediators, b.mediators)


def test_rows_record_seed_and_spawn_key() -> None:
    e = run_ensemble(SPEC, backend="inline")
    assert len(e.runs) == 40 * 3
    assert (e.runs["seed"] == 2026).all()
    assert sorted(e.runs["spawn_key"].unique()) == ["0", "1", "2", "3"]
    assert e.runs.groupby("variant")["run"].apply(list).map(lambda r: r == list(range(40))).all()
    other = run_ensemble(EnsembleSpec(SPEC.world, SPEC.variants, 40, 48, 2027, batch=10), backend="inline")
    assert not other.runs["incidents"].equals(e.runs["incidents"])


def test_summary_has_intervals_and_plot_is_png() -> None:
    e = run_ensemble(SPEC, backend="inline")
    s = summarise(e).set_index("variant")
    for rung in ("incident", "dispute", "use_of_force", "war"):
        assert ((s[f"p_{rung}_lo"] <= s[f"p_{rung}"]) & (s[f"p_{rung}"] <= s[f"p_{rung}_hi"])).all()
    assert (s["p_incident"] >= s["p_dispute"]).all() and (s["p_dispute"] >= s["p_war"]).all()
    assert plot_png(e)[:8] == b"\x89PNG\r\n\x1a\n"
    lo, hi = wilson(5, 10)
    assert 0.23 < lo < 0.24 and 0.76 < hi < 0.77


@pytest.mark.slow
def test_ray_backend_agrees_with_inline() -> None:
    pytest.importorskip("ray")
    small = EnsembleSpec(World.synthetic(10, seed=1), ("none", "hotline"), 20, 24, 7, batch=10)
    a = run_ensemble(small, backend="inline")
    b = run_ensemble(small, backend="ray", workers=2)
    assert b.backend == "ray"
    pdt.assert_frame_equal(a.runs, b.runs)
    pdt.assert_frame_equal(a.wars, b.wars)
