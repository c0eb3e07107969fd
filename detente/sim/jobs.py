"""Simulation jobs: ensembles run in a background thread (which fans out to local processes when the
ensemble is large), with progress and results kept in memory for the API to poll."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from detente.errors import DetenteError, NotFound
from detente.sim.ensemble import Ensemble, EnsembleSpec, run_ensemble
from detente.sim.pathways import plot_png
from detente.sim.scenario import Scenario
from detente.sim.service import payload

__all__ = ["Job", "JobManager"]


@dataclass
class Job:
    id: str
    scenario: Scenario
    spec: EnsembleSpec
    status: str = "queued"  # queued, running, done, error
    done: int = 0
    total: int = 0
    created: float = field(default_factory=time.time)
    seconds: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    ensemble: Ensemble | None = None
    png: bytes | None = None

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "status": self.status, "scenario": self.scenario.name,
            "progress": {"done": self.done, "total": self.total,
                         "fraction": round(self.done / self.total, 4) if self.total else 0.0},
            "seed": self.spec.seed, "runs": self.spec.runs, "variants": list(self.spec.variants),
            "steps": self.spec.steps, "seconds": self.seconds,
        }  # fmt: skip
        if self.result is not None:
            out["result"] = self.result
        if self.error is not None:
            out["error"] = self.error
        return out


class JobManager:
    """Bounded in-memory job table and one worker thread (jobs queue behind each other)."""

    def __init__(self, keep: int = 50, backend: str = "local", workers: int | None = None) -> None:
        self.keep, self.backend, self.workers = keep, backend, workers
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detente-sim")

    def submit(self, sc: Scenario, spec: EnsembleSpec) -> Job:
        job = Job(uuid.uuid4().hex[:12], sc, spec, total=spec.runs * len(spec.variants))
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.status in ("done", "error")]
            for old in sorted(finished, key=lambda j: j.created)[: max(0, len(self._jobs) - self.keep)]:
                del self._jobs[old.id]
        self._pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        job.status = "running"
        t0 = time.perf_counter()

        def tick(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            ens = run_ensemble(job.spec, backend=self.backend, workers=self.workers, progress=tick)
            job.result = payload(ens, job.scenario)
            job.ensemble = ens
            job.status = "done"
        except DetenteError as e:
            job.error, job.status = e.to_dict()["error"], "error"  # type: ignore[assignment]
        except Exception as e:  # a worker crash must not leave the job running forever
            job.error = {"code": "internal", "status": 500, "message": f"Simulation failed: {type(e).__name__}.",
                         "hint": "Report it with the scenario."}  # fmt: skip
            job.status = "error"
        job.seconds = round(time.perf_counter() - t0, 3)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"No simulation {job_id!r}.", hint="Start one with POST /api/simulations.")
        return job

    def plot(self, job_id: str) -> bytes:
        job = self.get(job_id)
        if job.ensemble is None:
            raise NotFound(f"Simulation {job_id!r} has no results yet ({job.status}).", hint="Poll until done.")
        if job.png is None:
            job.png = plot_png(job.ensemble)
        return job.png

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
