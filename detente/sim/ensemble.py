"""Ensembles: N runs × policy variants, spread over local cores or a Ray cluster, as tidy DataFrames.

Runs are grouped in fixed-size batches. Batch ``b`` of *every* variant is seeded with child ``b`` of
``SeedSequence(seed)`` (common random numbers: variants are compared on the same draws), so the result
depends only on (world, params, variants, runs, steps, seed, batch) — never on the backend or the number
of workers. Every result row records the root seed and its batch's spawn key.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.core.sim import STAT_FIELDS, Model, Params, World, variant
from detente.errors import SimulationError

__all__ = ["BACKENDS", "Ensemble", "EnsembleSpec", "run_batch", "run_ensemble"]

BACKENDS = ("local", "process", "inline", "ray")
INLINE_WORK = 3e7  # replicate·dyad·steps below which process start-up costs more than it saves
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EnsembleSpec:
    """What to run; validated on construction."""

    world: World
    variants: tuple[str, ...]
    runs: int
    steps: int
    seed: int
    params: Params = field(default_factory=Params)
    batch: int = 25

    def __post_init__(self) -> None:
        for nm, v, hi in (("runs", self.runs, 100_000), ("steps", self.steps, 2400), ("batch", self.batch, 10_000)):
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= hi:
                raise SimulationError(f"{nm} must be an integer in 1..{hi}, not {v!r}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise SimulationError(f"seed must be a non-negative integer, not {self.seed!r}.")
        if not self.variants:
            raise SimulationError("Give at least one policy.", hint="For example --policy hotline.")
        vs = list(dict.fromkeys(self.variants))
        for name in vs:
            variant(name)  # raises on unknown names
        object.__setattr__(self, "variants", tuple(vs))
        if float(self.runs) * len(vs) * self.world.n_dyads * self.steps > 5e11:
            raise SimulationError("This ensemble is too large.", hint="Use fewer runs, variants, steps or states.")

    def batches(self) -> list[tuple[int, int]]:
        """(batch index, runs in it)."""
        nb = -(-self.runs // self.batch)
        return [(b, min(self.batch, self.runs - b * self.batch)) for b in range(nb)]


def run_batch(world: World, params: Params, spec_variant: str, b: int, n: int, seed: int, steps: int) -> dict[str, Any]:
    """One batch of ``n`` runs of one variant: picklable, so any backend can call it."""
    ss = np.random.SeedSequence(seed, spawn_key=(b,))
    out = Model(world, variant(spec_variant), params, replicates=n, seed=ss).run(steps)
    return {
        "variant": spec_variant,
        "batch": b,
        "n": n,
        "stats": out.stats,
        "wars": out.wars,
        "mediators": out.mediators,
        "dyads": out.dyads,
        "dyads_contig": out.dyads_contig,
    }


@dataclass
class Ensemble:
    """Tidy results: one row per run, one per war, one per (variant, mediator)."""

    spec: EnsembleSpec
    runs: pd.DataFrame
    wars: pd.DataFrame
    mediators: pd.DataFrame
    backend: str
    seconds: float

    def meta(self) -> dict[str, Any]:
        s = self.spec
        return {
            "world": s.world.name,
            "states": s.world.n,
            "dyads": s.world.n_dyads,
            "variants": list(s.variants),
            "runs": s.runs,
            "steps": s.steps,
            "seed": s.seed,
            "batch": s.batch,
            "backend": self.backend,
            "seconds": round(self.seconds, 3),
            "steps_per_year": s.params.steps_per_year,
        }


def _frames(spec: EnsembleSpec, outs: list[dict[str, Any]], backend: str, seconds: float) -> Ensemble:
    outs = sorted(outs, key=lambda o: (spec.variants.index(o["variant"]), o["batch"]))
    rows, wars = [], []
    ii, jj = spec.world.dyads()
    meds: dict[tuple[str, str], int] = {}
    for o in outs:
        b, n = o["batch"], o["n"]
        df = pd.DataFrame({k: o["stats"][k] for k in STAT_FIELDS})
        df.insert(0, "run", np.arange(b * spec.batch, b * spec.batch + n))
        df.insert(0, "variant", o["variant"])
        df["seed"] = spec.seed
        df["spawn_key"] = str(b)
        rows.append(df)
        for r, t0, deaths, joiners, dyad in o["wars"]:
            a, z = spec.world.names[int(ii[dyad])], spec.world.names[int(jj[dyad])]
            wars.append((o["variant"], b * spec.batch + r, t0, a, z, deaths, joiners))
        for name, count in zip(spec.world.names, o["mediators"].tolist(), strict=True):
            if count:
                meds[(o["variant"], name)] = meds.get((o["variant"], name), 0) + int(count)
    runs = pd.concat(rows, ignore_index=True)
    for k in ("first_crisis", "first_dispute", "first_war"):
        runs[k] = runs[k].where(runs[k] >= 0) / spec.params.steps_per_year  # years; NaN: never happened
    runs = runs.rename(
        columns={"first_crisis": "years_to_crisis", "first_dispute": "years_to_dispute", "first_war": "years_to_war"}
    )
    wars_df = pd.DataFrame(
        wars, columns=["variant", "run", "onset_step", "side_a", "side_b", "battle_deaths", "joiners"]
    )
    med_long = pd.DataFrame([(v, m, c) for (v, m), c in meds.items()], columns=["variant", "mediator", "crisis_months"])
    return Ensemble(spec, runs, wars_df, med_long, backend, seconds)


def _ray_outs(
    spec: EnsembleSpec, tasks: list[tuple[str, int, int]], workers: int, tick: Callable[[int], None]
) -> list[dict[str, Any]]:
    try:
        import ray
    except ImportError:
        raise SimulationError(
            "Ray is not installed.", hint="pip install 'detente[ray]' or use --backend local."
        ) from None
    started = False
    if not ray.is_initialized():
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
        started = True
    try:
        fn = ray.remote(run_batch)
        world_ref = ray.put(spec.world)
        pending = {fn.remote(world_ref, spec.params, v, b, n, spec.seed, spec.steps): n for v, b, n in tasks}
        outs = []
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                tick(pending.pop(ref))
                outs.append(ray.get(ref))
        return outs
    finally:
        if started:
            ray.shutdown()


def run_ensemble(
    spec: EnsembleSpec, *, backend: str = "local", workers: int | None = None, progress: Progress | None = None
) -> Ensemble:
    """Run every batch of every variant on ``backend`` and gather tidy results."""
    if backend not in BACKENDS:
        raise SimulationError(f"Unknown backend {backend!r}.", hint=f"Choose one of: {', '.join(BACKENDS)}.")
    workers = max(1, workers or os.cpu_count() or 1)
    tasks = [(v, b, n) for v in spec.variants for b, n in spec.batches()]
    total = spec.runs * len(spec.variants)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    work = float(total) * spec.world.n_dyads * spec.steps
    used = backend
    if backend == "local":
        used = "inline" if workers == 1 or len(tasks) == 1 or work < INLINE_WORK else "process"
    t0 = time.perf_counter()
    outs: list[dict[str, Any]] = []
    if used == "inline":
        for v, b, n in tasks:
            outs.append(run_batch(spec.world, spec.params, v, b, n, spec.seed, spec.steps))
            tick(n)
    elif used == "process":
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as ex:
            futs = {
                ex.submit(run_batch, spec.world, spec.params, v, b, n, spec.seed, spec.steps): n for v, b, n in tasks
            }
            for f in as_completed(futs):
                outs.append(f.result())
                tick(futs[f])
    else:
        outs = _ray_outs(spec, tasks, workers, tick)
    return _frames(spec, outs, used, time.perf_counter() - t0)
