"""Pathways simulator benchmark: detente's vectorised model vs the same model written with Mesa 3.

usage: python -m benchmarks.bench_sim [--states 200] [--steps 100] [--replicates 100] [--runs 200] [--ray]
       python -m benchmarks.bench_sim --ray-address HOST:PORT [--sizes 25,50,...]   (only the Ray sweep)

* **agent-steps per second** (best of 2 for Mesa, 3 for detente; one agent = one state, one step = one
  month) on a synthetic world of ``--states`` states: Mesa (agent-per-state loop, one replicate per model,
  as Mesa users write it) vs
  detente with one replicate and with ``--replicates`` replicates on the replicate axis; policy ``none``
  and ``full`` (every mechanism on, mediation included: the costliest rules);
* **agreement**: mean outcomes on a 30-state world, 60 months (Mesa 200 runs, detente 2,000; same rules);
* **ensemble throughput**: runs per second for ``--runs`` runs of the 200-state world × ``--steps`` months on
  all local cores (process pool), inline, and on Ray with ``--ray``;
* **Ray sweep** (``--ray-address`` of a running cluster, e.g. ``ray start --head --num-cpus 2``): for each
  ensemble size, seconds inline (one process) vs through the cluster (joining it, chunked batches), best of 2;
  the smallest size at which Ray wins on this cluster; and a projection to 64 CPUs from a straight-line fit
  ``T_ray(N) = a + b·N`` on this cluster and the inline seconds per run ``t``: the fixed cost ``a`` (join,
  ship the world, schedule) and the serial per-run cost on the driver ``d = b − t/cpus`` (gathering results)
  do not shrink with more CPUs, the compute ``t/cpus`` does: ``T_64(N) = a + N·(t/64 + d)``;
* peak memory (ru_maxrss of this process and of its children).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from typing import Any

from benchmarks import mesa_model
from detente.core.sim import Model, World, variant
from detente.sim import EnsembleSpec, run_ensemble


def _timed_run(make: Any, steps: int, reps: int) -> float:
    """Best wall time of ``reps`` runs of ``steps`` steps; building the model (the world's static arrays,
    Mesa's agents) is done before the clock starts, for both sides."""
    best = float("inf")
    for _ in range(reps):
        m = make()
        t0 = time.perf_counter()
        if isinstance(m, Model):
            m.run(steps)
        else:
            for _ in range(steps):
                m.step()
        best = min(best, time.perf_counter() - t0)
    return best


def ray_sweep(world: World, steps: int, address: str, sizes: list[int]) -> dict[str, Any]:
    """Inline vs a joined Ray cluster for each ensemble size, a pay-off size and a 64-CPU projection."""
    import ray

    ray.init(address=address, log_to_driver=False, configure_logging=False)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    rows = []
    try:
        run_ensemble(EnsembleSpec(world, ("none",), 8, steps, 1, batch=2), backend="ray")  # warm the workers
        for n in sizes:
            spec = EnsembleSpec(world, ("none",), n, steps, 1, batch=25)
            t_in = min(run_ensemble(spec, backend="inline").seconds for _ in range(2))
            t_ray = min(run_ensemble(spec, backend="ray").seconds for _ in range(2))
            rows.append({"runs": n, "inline_s": round(t_in, 3), "ray_s": round(t_ray, 3),
                         "speedup": round(t_in / t_ray, 2)})  # fmt: skip
            print("ray sweep", json.dumps(rows[-1]), flush=True)
    finally:
        ray.shutdown()
    xs = [float(r["runs"]) for r in rows]
    ys = [float(r["ray_s"]) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    a = max(0.0, my - b * mx)
    t = sum(float(r["inline_s"]) for r in rows) / sum(xs)  # inline seconds per run
    d = max(0.0, b - t / cpus)
    proj = {n: round(n * t / (a + n * (t / 64 + d)), 1) for n in (200, 1_000, 10_000, 100_000)}
    pay = next((r["runs"] for r in rows if r["ray_s"] < r["inline_s"]), None)
    return {"cluster_cpus": cpus, "sizes": rows, "pays_off_from_runs": pay,
            "fit": {"fixed_s": round(a, 3), "per_run_s": round(b, 5), "inline_per_run_s": round(t, 5),
                    "driver_per_run_s": round(d, 5)},
            "projected_speedup_64_cpus": proj}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--states", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--replicates", type=int, default=100)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--ray", action="store_true")
    ap.add_argument("--ray-address", default=None, help="Run only the Ray sweep, on this running cluster.")
    ap.add_argument("--sizes", default="25,50,100,200,400,800,1600")
    a = ap.parse_args()
    world = World.synthetic(a.states, seed=1)
    if a.ray_address:
        sweep = ray_sweep(world, a.steps, a.ray_address, [int(x) for x in a.sizes.split(",")])
        print(json.dumps({"machine": f"{platform.machine()}, {os.cpu_count()} cores", "states": a.states,
                          "steps": a.steps, "date": time.strftime("%Y-%m-%d %H:%M"), **sweep}, indent=2))  # fmt: skip
        return
    out: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "states": a.states,
                           "steps": a.steps, "date": time.strftime("%Y-%m-%d")}  # fmt: skip
    agent_steps = a.states * a.steps
    for pol in ("none", "full"):
        t_mesa = _timed_run(lambda pol=pol: mesa_model.PathwaysMesa(world, variant(pol), seed=1), a.steps, 2)
        t_one = _timed_run(lambda pol=pol: Model(world, variant(pol), replicates=1, seed=1), a.steps, 3)
        t_rep = _timed_run(lambda pol=pol: Model(world, variant(pol), replicates=a.replicates, seed=1), a.steps, 3)
        mesa_rate = agent_steps / t_mesa
        out[pol] = {
            "mesa_seconds": round(t_mesa, 3), "mesa_agent_steps_per_s": round(mesa_rate),
            "detente_1rep_seconds": round(t_one, 4), "detente_1rep_agent_steps_per_s": round(agent_steps / t_one),
            "detente_reps_seconds": round(t_rep, 3),
            "detente_reps_agent_steps_per_s": round(agent_steps * a.replicates / t_rep),
            "ratio_1rep": round(t_mesa / t_one, 1),
            "ratio_reps": round(agent_steps * a.replicates / t_rep / mesa_rate, 1),
        }  # fmt: skip
        print(pol, json.dumps(out[pol]), flush=True)
    small = World.synthetic(30, seed=4)
    mesa_mean = mesa_model.mean_stats(small, variant("none"), 60, runs=200, seed=100)
    vec = Model(small, variant("none"), replicates=2000, seed=10).run(60).stats
    out["agreement_30_states_60_months"] = {
        k: {"mesa": round(mesa_mean[k], 2), "detente": round(float(vec[k].mean()), 2)}
        for k in ("incidents", "disputes", "force", "wars", "joins")
    }
    print("agreement", json.dumps(out["agreement_30_states_60_months"]), flush=True)
    spec = EnsembleSpec(world, ("none",), a.runs, a.steps, 1, batch=25)
    for backend in ("process", "inline", *(("ray",) if a.ray else ())):
        e = run_ensemble(spec, backend=backend)
        out[f"ensemble_{backend}"] = {"runs": a.runs, "seconds": round(e.seconds, 2),
                                      "runs_per_s": round(a.runs / e.seconds, 1)}  # fmt: skip
        print(backend, json.dumps(out[f"ensemble_{backend}"]), flush=True)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["peak_rss_children_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
