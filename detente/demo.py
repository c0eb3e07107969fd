"""The main job behind `make run`: load reference data and the real samples, step by step.

Each step is registered by name in :data:`DEMO_STEPS` (a plug-in can add its own)
and returns a small dict of what it loaded; a step whose input is missing says
so and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import DetenteError
from detente.registry import Registry
from detente.store.warehouse import Store

__all__ = ["DEMO_STEPS", "DemoStep", "run_demo"]

StepFn = Callable[[Store, Path], dict[str, Any]]


@dataclass(frozen=True)
class DemoStep:
    name: str
    label: str
    order: int
    run: StepFn
    needs_data: bool = True


DEMO_STEPS: Registry[DemoStep] = Registry("demo step")


def step(name: str, label: str, order: int, needs_data: bool = True) -> Callable[[StepFn], StepFn]:
    def deco(fn: StepFn) -> StepFn:
        DEMO_STEPS.add(name, DemoStep(name, label, order, fn, needs_data))
        return fn

    return deco


def _summary(s: Any) -> dict[str, Any]:
    return {k: getattr(s, k) for k in ("read", "stored", "duplicates", "quarantined")}


@step("reference", "packaged reference data", 10, needs_data=False)
def _reference(store: Store, data: Path) -> dict[str, Any]:
    from detente.store.reference import load_reference

    return load_reference(store)


@step("cow", "COW state system", 20)
def _cow(store: Store, data: Path) -> dict[str, Any]:
    from detente.ingest import cow as _cow  # noqa: F401  registers the source
    from detente.ingest.refsources import REFERENCE_SOURCES

    out = REFERENCE_SOURCES.get("cow").load(store, data / "states" / "cow", None)
    return {"stored": sum(s.stored for s in out), "quarantined": sum(s.quarantined for s in out)}


@step("atop", "ATOP 5.1 alliances", 30)
def _atop(store: Store, data: Path) -> dict[str, Any]:
    from detente.ingest import atop as _atop  # noqa: F401  registers the source
    from detente.ingest.refsources import REFERENCE_SOURCES

    out = REFERENCE_SOURCES.get("atop").load(store, data / "alliances" / "atop", None)
    return {"stored": sum(s.stored for s in out), "quarantined": sum(s.quarantined for s in out)}


@step("engagements", "exercises, peacekeeping, agreements, mediation, arms", 40)
def _engagements(store: Store, data: Path) -> dict[str, Any]:
    from detente.ingest import engagements

    out = engagements.load_all(store, data_dir=data)
    return {k: sum(getattr(s, k) for s in out.values()) for k in ("stored", "filtered", "quarantined")}


@step("peace-science", "COW MID, NMC, contiguity, UCDP ACD panels", 45)
def _peace_science(store: Store, data: Path) -> dict[str, Any]:
    from detente.ingest.peace_science import ingest_shared

    out = ingest_shared(store, data)
    return {"stored": sum(s.stored for s in out), "quarantined": sum(s.quarantined for s in out)}


EVENT_SAMPLES = (
    ("events/gdelt2/20191024143000.export.CSV", "gdelt2"),
    ("events/icews/events.2018.sample.tab", "icews"),
    ("events/ucdp_ged/ucdpged_sample.rda", "ucdp-ged"),
)


@step("events", "event samples (GDELT 2.0, ICEWS, UCDP GED)", 50)
def _events(store: Store, data: Path) -> dict[str, Any]:
    from detente.ingest import SOURCES, ingest_file

    out: dict[str, Any] = {}
    for rel, fmt in EVENT_SAMPLES:
        if fmt in SOURCES and (data / rel).is_file():
            out[fmt] = _summary(ingest_file(store, data / rel, fmt))
    return out


SEED_DATE = "2024-06-01"  # the source documents carry no date; relative dates in them resolve against this


@step("coder", "source documents coded into events", 60)
def _coder(store: Store, data: Path) -> dict[str, Any]:
    import datetime as dt

    from detente.coder.storage import store_file

    out: dict[str, Any] = {}
    seeds = data.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")) if seeds.is_dir() else []:
        res = store_file(store, path, dt.date.fromisoformat(SEED_DATE))
        out[path.name] = {k: res[k] for k in ("read", "stored") if k in res}
    return out


@step("forecast", "early-warning backtest 1990-2014 (once per store)", 70)
def _forecast(store: Store, data: Path) -> dict[str, Any]:
    from detente.errors import NotFound
    from detente.forecast.artefacts import latest_run, save_run
    from detente.forecast.backtest import BacktestConfig, run_backtest
    from detente.forecast.sources import load_sources

    try:
        manifest, _ = latest_run(store, store.path)
        return {"run": manifest["run_id"], "note": "kept the existing run"}
    except NotFound:
        pass
    cfg = BacktestConfig(start=1990, end=2014, train_start=1950, seed=0)
    cfg.check()
    result = run_backtest(load_sources(store), cfg)
    return {"run": save_run(store, store.path, result)["run_id"]}


@step(
    "ops", "demo operations workspace (fictional: hotline, CBMs, ceasefire, convoy, engagements)", 80, needs_data=False
)
def _ops(store: Store, data: Path) -> dict[str, Any]:
    from detente.config import Settings
    from detente.ops import demo_workspace
    from detente.ops.db import OpsDB
    from detente.ops.engagements import export_to_store

    db = OpsDB(Settings(db=Path(store.path)).ops_database_url() if store.path != ":memory:" else "sqlite://")
    try:
        db.migrate()
        with db.session() as s:
            out = demo_workspace.seed(s)
            if "users" in out:  # the completed Track I dialogue feeds the trust data like any completed engagement
                out["exported"] = export_to_store(s, store)
    finally:
        db.dispose()
    return out


def run_demo(
    store: Store,
    data: Path | None,
    on_step: Callable[[DemoStep], None] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
    results: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Run every registered step in order; returns (results, failures) keyed by step name.

    ``results``, if given, is filled as each step finishes (so a progress display can count what is done).
    """
    results = {} if results is None else results
    failures: dict[str, str] = {}
    for s in sorted((DEMO_STEPS.get(n) for n in DEMO_STEPS.names()), key=lambda s: s.order):
        if on_step:
            on_step(s)
        if (s.needs_data and data is None) or s.name in skip:
            continue
        try:
            results[s.name] = s.run(store, data or Path())
        except DetenteError as e:
            failures[s.name] = e.line()
    return results, failures
