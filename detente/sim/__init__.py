"""Simulation adapters: scenario files, worlds from real data, ensemble runners, pathways and calibration."""

from __future__ import annotations

from detente.sim.ensemble import BACKENDS, Ensemble, EnsembleSpec, run_ensemble
from detente.sim.pathways import compare, plot_png, summarise
from detente.sim.scenario import Scenario, list_scenarios, load_scenario, parse_scenario
from detente.sim.worlds import build_world

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
