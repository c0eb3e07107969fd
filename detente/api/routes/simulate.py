"""API: simulations as jobs (start, poll progress and results, plot), shipped scenarios and policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from detente.api.deps import SettingsDep, StoreDep
from detente.core.sim import POLICIES
from detente.errors import SimulationError
from detente.sim.scenario import Scenario, list_scenarios, load_scenario, parse_scenario

if TYPE_CHECKING:  # the runner (pandas, matplotlib) is imported with the first simulation, not at start
    from detente.sim.jobs import JobManager

router = APIRouter(prefix="/api", tags=["simulate"])

MAX_API_WORK = 2e10  # runs × variants × dyads × months one request may ask for


class SimulationRequest(BaseModel):
    """Start a simulation: a shipped scenario by name, or a scenario's YAML text."""

    model_config = ConfigDict(extra="forbid")
    scenario: str | None = Field(None, pattern=r"^[A-Za-z0-9_\-]{1,60}$", description="Name of a shipped scenario.")
    yaml: str | None = Field(None, max_length=200_000, description="A scenario file's text (instead of a name).")
    runs: int = Field(200, ge=1, le=20_000, description="Runs per policy variant.")
    policies: list[str] = Field(default_factory=list, max_length=20, description="Policies or mixes a+b.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Root seed: same seed, same result.")
    steps: int | None = Field(None, ge=1, le=2400, description="Months (default: the scenario's).")
    mixes: int = Field(1, ge=1, le=4, description="Also run every mix of up to this many of the policies.")


def _jobs(request: Request) -> JobManager:
    from detente.sim.jobs import JobManager

    jm: JobManager | None = getattr(request.app.state, "sim_jobs", None)
    if jm is None:
        jm = JobManager()
        request.app.state.sim_jobs = jm
    return jm


@router.get("/scenarios", summary="The shipped example scenarios")
def scenarios() -> dict[str, Any]:
    items = [s.summary() for s in list_scenarios()]
    return {"scenarios": items, "count": len(items)}


@router.get("/policies", summary="Registered policies and the mechanisms each sets")
def policies() -> dict[str, Any]:
    pols = [POLICIES.get(n) for n in POLICIES.names()]
    items = [{"name": p.name, "mechanisms": list(p.active()), "description": p.description} for p in pols]
    return {"policies": items, "count": len(items)}


@router.post("/simulations", status_code=202, summary="Start a simulation job")
def start(body: SimulationRequest, request: Request, settings: SettingsDep, store: StoreDep) -> dict[str, Any]:
    if (body.scenario is None) == (body.yaml is None):
        raise SimulationError("Give exactly one of scenario (a name) or yaml (a scenario's text).",
                              hint="See GET /api/scenarios for names.")  # fmt: skip
    sc: Scenario = load_scenario(body.scenario) if body.scenario else parse_scenario(body.yaml or "", source="yaml")
    from detente.sim.service import prepare

    sc, spec = prepare(sc, runs=body.runs, policies=body.policies, seed=body.seed, steps=body.steps, mixes=body.mixes,
                       store=store)  # fmt: skip
    if float(spec.runs) * len(spec.variants) * spec.world.n_dyads * spec.steps > MAX_API_WORK:
        raise SimulationError("This simulation is too large for the API.", hint="Use fewer runs or the CLI.")
    job = _jobs(request).submit(sc, spec)
    return job.view()


@router.get("/simulations/{job_id}", summary="Progress of a simulation job, and its results when done")
def get(job_id: str, request: Request) -> dict[str, Any]:
    return _jobs(request).get(job_id).view()


@router.get("/simulations/{job_id}/plot.png", summary="Pathways plot (PNG) of a finished simulation")
def plot(job_id: str, request: Request) -> Response:
    return Response(_jobs(request).plot(job_id), media_type="image/png")
