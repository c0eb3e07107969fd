"""Simulation adapters: scenario files, worlds from real data, ensemble runners, pathways and calibration.

The names below load their module on first use (PEP 562), so that importing one submodule (the API's
simulation routes import ``detente.sim.jobs``) does not import the ensemble runner's pandas and matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.sim.ensemble import BACKENDS, Ensemble, EnsembleSpec, run_ensemble
    from detente.sim.pathways import compare, plot_png, summarise
    from detente.sim.scenario import Scenario, list_scenarios, load_scenario, parse_scenario
    from detente.sim.worlds import build_world

_WHERE = {
    "BACKENDS": "ensemble", "Ensemble": "ensemble", "EnsembleSpec": "ensemble", "run_ensemble": "ensemble",
    "compare": "pathways", "plot_png": "pathways", "summarise": "pathways",
    "Scenario": "scenario", "list_scenarios": "scenario", "load_scenario": "scenario", "parse_scenario": "scenario",
    "build_world": "worlds",
}  # fmt: skip

__all__ = [
    "BACKENDS",
    "Ensemble",
    "EnsembleSpec",
    "Scenario",
    "build_world",
    "compare",
    "list_scenarios",
    "load_scenario",
    "parse_scenario",
    "plot_png",
    "run_ensemble",
    "summarise",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'detente.sim' has no attribute {name!r}")
    return getattr(import_module(f"detente.sim.{_WHERE[name]}"), name)
