"""Property tests: the scenario parser never fails with anything but one SimulationError; interval maths."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import detente.core.sim as core_sim
import detente.sim as sim
from detente.errors import SimulationError
from detente.sim.pathways import wilson
from detente.sim.scenario import Scenario, parse_scenario


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_parser_accepts_or_fails_cleanly(text: str | bytes) -> None:
    try:
        assert isinstance(parse_scenario(text), Scenario)
    except SimulationError as e:
        assert "\n" not in e.line()


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "steps", "runs", "policies", "params", "world", "x"]), yaml_values))
def test_parser_on_structured_garbage(doc: dict[str, object]) -> None:
    import yaml

    try:
        parse_scenario(yaml.safe_dump(doc))
    except SimulationError as e:
        assert e.line()


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_wilson_brackets_the_proportion(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


def test_public_surfaces_are_pinned() -> None:
    assert set(core_sim.__all__) == {"MECHANISMS", "POLICIES", "RUNGS", "STAT_FIELDS", "Model", "Params", "Policy",
                                     "RunResult", "World", "variant"}  # fmt: skip
    assert set(sim.__all__) == {"BACKENDS", "Ensemble", "EnsembleSpec", "Scenario", "build_world", "compare",
                                "list_scenarios", "load_scenario", "parse_scenario", "plot_png", "run_ensemble",
                                "summarise"}  # fmt: skip
