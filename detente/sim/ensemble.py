"""Ensembles: N runs × policy variants, spread over local cores or a Ray cluster, as tidy DataFrames.

Runs are grouped in fixed-size batches. Batch ``b`` of *every* variant is seeded with child ``b`` of
``SeedSequence(seed)`` (common random numbers: variants are compared on the same draws), so the result
depends only on (world, params, variants, runs, steps, seed, batch) — never on the backend or the number
of workers. Every result row records the root seed and its batch's spawn key. On Ray, batches are dealt
into a few chunks per cluster CPU (:func:`chunks`), one task each, so the per-task overhead is paid a few
times per CPU rather than once per batch.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from detente.core.sim import STAT_FIELDS, Model, Params, World, variant
from detente.errors import SimulationError

__all__ = [
    "BACKENDS",
    "Ensemble",
    "EnsembleSpec",
    "check_ray_address",
    "chunks",
    "run_batch",
    "run_batches",
    "run_ensemble",
]

BACKENDS = ("local", "process", "inline", "ray")
INLINE_WORK = 3e7  # replicate·dyad·steps below which process start-up costs more than it saves
RAY_TASKS_PER_CPU = 2  # chunks per cluster CPU: enough to balance uneven batches, few enough to amortise a task
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


def run_batches(
    world: World, params: Params, chunk: list[tuple[str, int, int]], seed: int, steps: int
) -> list[dict[str, Any]]:
    """Several batches in one task (one Ray round trip for all of them); each is seeded as on its own."""
    return [run_batch(world, params, v, b, n, seed, steps) for v, b, n in chunk]


def chunks(
    tasks: list[tuple[str, int, int]], cpus: int, per_cpu: int = RAY_TASKS_PER_CPU
) -> list[list[tuple[str, int, int]]]:
    """Tasks dealt into at most ``cpus * per_cpu`` contiguous chunks of near-equal size.

    >>> [len(c) for c in chunks([("none", b, 25) for b in range(10)], cpus=2, per_cpu=2)]
    [3, 3, 2, 2]
    """
    k = max(1, min(len(tasks), cpus * per_cpu))
    size, extra = divmod(len(tasks), k)
    out, i = [], 0
    for j in range(k):
        n = size + (j < extra)
        out.append(tasks[i : i + n])
        i += n
    return out


def check_ray_address(address: str) -> str:
    """``auto``, ``HOST:PORT`` of a cluster's head, or ``ray://HOST:PORT`` of its Ray Client server.

    >>> check_ray_address("ray://head.example:10001")
    'ray://head.example:10001'
    """
    a = address.strip()
    host, _, port = a.removeprefix("ray://").rpartition(":")
    if a == "auto" or (host and port.isdigit() and 0 < int(port) < 65536 and "/" not in host):
        return a
    raise SimulationError(
        f"{address!r} is not a Ray cluster address.",
        hint="Use auto (the cluster this machine belongs to), HOST:PORT of the head, or ray://HOST:10001.",
    )


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast when nothing listens at a cluster address (Ray itself retries for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise SimulationError(
            f"Cannot join the Ray cluster at {address}: {e.strerror or e}.",
            hint="Start it (`ray start --head`) or check the address; or use --backend local.",
        ) from None


def _ray_outs(
    spec: EnsembleSpec,
    tasks: list[tuple[str, int, int]],
    workers: int,
    tick: Callable[[int], None],
    address: str | None = None,
) -> list[dict[str, Any]]:
    try:
        import ray
    except ImportError:
        raise SimulationError(
            "Ray is not installed.", hint="pip install 'detente[ray]' or use --backend local."
        ) from None
    started = False
    if not ray.is_initialized():
        if address is not None and address != "auto":
            _reachable(address)
        kw: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
        try:
            if address is None:
                ray.init(num_cpus=workers, include_dashboard=False, **kw)
            else:
                ray.init(address=check_ray_address(address), **kw)
        except (ConnectionError, RuntimeError, ValueError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SimulationError(
                f"Cannot join the Ray cluster at {address}: {first}",
                hint="Start it (`ray start --head`) or check the address; or use --backend local.",
            ) from None
        started = True
    try:
        cpus = int(ray.cluster_resources().get("CPU", workers))  # type: ignore[no-untyped-call]
        fn = ray.remote(run_batches)
        world_ref = ray.put(spec.world)
        pending = {
            fn.remote(world_ref, spec.params, c, spec.seed, spec.steps): sum(n for _, _, n in c)
            for c in chunks(tasks, max(1, cpus))
        }
        outs: list[dict[str, Any]] = []
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                outs.extend(ray.get(ref))
                tick(pending.pop(ref))
        return outs
    finally:
        if started:
            ray.shutdown()


def run_ensemble(
    spec: EnsembleSpec,
    *,
    backend: str = "local",
    workers: int | None = None,
    progress: Progress | None = None,
    ray_address: str | None = None,
) -> Ensemble:
    """Run every batch of every variant on ``backend`` and gather tidy results.

    ``ray_address`` (``auto``, ``HOST:PORT`` or ``ray://HOST:PORT``) joins an existing Ray cluster instead of
    starting a local one; it implies ``backend="ray"``. On Ray the batches travel in chunks, a few per CPU of
    the cluster, so each round trip carries many runs.
    """
    if ray_address is not None:
        check_ray_address(ray_address)
        backend = "ray"
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
        outs = _ray_outs(spec, tasks, workers, tick, ray_address)
    return _frames(spec, outs, used, time.perf_counter() - t0)
