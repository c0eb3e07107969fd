"""Scenario files: the shipped examples run; malformed and hostile files fail with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import NotFound, SimulationError
from detente.sim import EnsembleSpec, build_world, list_scenarios, load_scenario, parse_scenario, run_ensemble
from detente.sim.pathways import compare
from detente.sim.service import prepare

GOOD = """
name: tiny
steps: 24
runs: 10
policies: [none, hotline]
world:
  states:
    - {name: A, capability: 2}
    - {name: B, capability: 1}
    - {name: C, capability: 1}
  alliances: [[A, C]]
  contiguity: [[A, B]]
  issues: [{between: [A, B], value: 0.9}]
  trust: {default: 0.4, pairs: [{between: [A, B], value: 0.2}]}
"""


def test_shipped_scenarios_are_listed() -> None:
    names = {s.name for s in list_scenarios()}
    assert {"baltic-2018", "two-bloc", "civil-war-mediation"} <= names


@pytest.mark.parametrize("name", ["two-bloc", "civil-war-mediation"])
def test_synthetic_scenarios_run(name: str) -> None:
    _sc, spec = prepare(name, runs=20, seed=1, steps=36)
    ens = run_ensemble(spec, backend="inline")
    assert spec.variants[0] == "none" and set(ens.runs["variant"]) == set(spec.variants)
    ranked = compare(ens)
    assert list(ranked["rank"]) == list(range(1, len(spec.variants) + 1))
    assert (ens.runs["seed"] == 1).all()


def test_written_out_world() -> None:
    sc = parse_scenario(GOOD)
    w = build_world(sc)
    assert w.names == ("A", "B", "C") and w.alliance[0, 2] and w.contiguity[0, 1]
    assert w.salience[0, 1] == 0.9 and w.trust[0, 1] == 0.2 and w.trust[0, 2] == 0.7
    assert abs(w.capability.sum() - 1) < 1e-12


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("name: x\nworld: [", "not valid YAML at line"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
        ("name: x\nworld: {states: [{name: A, capability: 1}]}\nbogus: 1\n", "bogus: Extra inputs"),
        ("name: x\nruns: -5\nworld: {synthetic: {states: 3}}\n", "runs: Input should be greater"),
        ("name: x\nsteps: 1e99\nworld: {synthetic: {states: 3}}\n", "steps"),
        ("name: x\nworld: {synthetic: {states: 100000}}\n", "states: Input should be less"),
        ("name: '../../etc'\nworld: {synthetic: {states: 3}}\n", "name: String should match"),
        ("name: x\nworld: {synthetic: {states: 3}, states: []}\n", "exactly one of"),
        ("name: x\nparams: {sigma: .nan}\nworld: {synthetic: {states: 3}}\n", "finite"),
        ("name: x\nworld: {states: [{name: A, capability: -1}]}\n", "capability"),
        ("name: x\nworld: {states: [{name: A, capability: .inf}]}\n", "capability"),
    ],
)
def test_bad_scenarios_fail_with_one_line(text: str, match: str) -> None:
    with pytest.raises(SimulationError, match=match) as e:
        parse_scenario(text)
    assert "\n" not in e.value.line()


def test_bad_world_contents_and_bytes() -> None:
    with pytest.raises(SimulationError, match="unknown state 'Z'"):
        build_world(parse_scenario(GOOD.replace("alliances: [[A, C]]", "alliances: [[A, Z]]")))
    with pytest.raises(SimulationError, match="not UTF-8"):
        parse_scenario(b"name: \xff\xfe\n")
    with pytest.raises(SimulationError, match="larger than"):
        parse_scenario(b"#" * 2_000_001)
    with pytest.raises(SimulationError, match="Unknown model parameter"):
        prepare(parse_scenario(GOOD.replace("policies:", "params: {warp: 2}\npolicies:")))
    with pytest.raises(SimulationError, match="at least two"):
        build_world(parse_scenario("name: x\nworld: {states: [{name: A, capability: 1}]}\n"))
    with pytest.raises(SimulationError, match="Unknown policy"):
        prepare(parse_scenario(GOOD), policies=["hotline", "nukes"])
    with pytest.raises(SimulationError, match="runs must be"):
        prepare(parse_scenario(GOOD), runs=-3)
    with pytest.raises(SimulationError, match="real data"):
        build_world(load_scenario("baltic-2018"), store=None)


def test_load_by_path_and_missing(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(GOOD, encoding="utf-8")
    assert load_scenario(f).name == "tiny"
    with pytest.raises(NotFound, match="No scenario"):
        load_scenario(tmp_path / "nope.yaml")


def test_ensemble_spec_rejects_hostile_values() -> None:
    w = build_world(parse_scenario(GOOD))
    for bad in ({"runs": 0}, {"runs": True}, {"steps": 10**9}, {"seed": -1}, {"batch": 0}):
        kw = {"runs": 5, "steps": 5, "seed": 0} | bad
        with pytest.raises(SimulationError):
            EnsembleSpec(w, ("none",), **kw)  # type: ignore[arg-type]
    with pytest.raises(SimulationError, match="Unknown backend"):
        run_ensemble(EnsembleSpec(w, ("none",), 2, 2, 0), backend="gpu")
