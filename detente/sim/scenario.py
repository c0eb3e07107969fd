"""Scenario files: a YAML document naming a world (synthetic, written out, or from real data), the
months to simulate, the policy variants to compare and any parameter overrides. Validated with pydantic;
every problem becomes one :class:`~detente.errors.SimulationError` line.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from detente._types import PathLike
from detente.errors import NotFound, SimulationError

__all__ = ["MAX_BYTES", "Scenario", "list_scenarios", "load_scenario", "parse_scenario"]

MAX_BYTES = 1_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StateSpec(_Strict):
    name: str = Field(min_length=1, max_length=60)
    capability: float = Field(gt=0, le=1e6, allow_inf_nan=False)
    growth: float = Field(default=0.0, ge=-1, le=1, allow_inf_nan=False)


class PairValue(_Strict):
    between: tuple[str, str]
    value: float = Field(ge=0, le=1, allow_inf_nan=False)


class TrustSpec(_Strict):
    default: float = Field(default=0.5, ge=0, le=1, allow_inf_nan=False)
    allies: float | None = Field(default=0.7, ge=0, le=1, allow_inf_nan=False)
    pairs: list[PairValue] = Field(default_factory=list, max_length=100_000)


class SyntheticSpec(_Strict):
    states: int = Field(ge=2, le=400)
    blocs: int = Field(default=2, ge=1, le=20)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class DataSpec(_Strict):
    year: int = Field(ge=1816, le=2030)
    region: list[str | int] | None = Field(default=None, max_length=400)  # COW codes or abbreviations; None: all


class WorldSpec(_Strict):
    synthetic: SyntheticSpec | None = None
    data: DataSpec | None = None
    states: list[StateSpec] | None = Field(default=None, max_length=400)
    alliances: list[list[str]] = Field(default_factory=list, max_length=10_000)  # each list: a defence pact
    contiguity: list[tuple[str, str]] = Field(default_factory=list, max_length=100_000)
    issues: list[PairValue] = Field(default_factory=list, max_length=100_000)  # salience of what is disputed
    default_salience: float = Field(default=0.1, ge=0, le=1, allow_inf_nan=False)
    trust: TrustSpec = Field(default_factory=TrustSpec)

    @model_validator(mode="after")
    def _one_kind(self) -> WorldSpec:
        kinds = [k for k in ("synthetic", "data", "states") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of synthetic, data or states")
        return self


class Scenario(_Strict):
    """A parsed, validated scenario."""

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,60}$")
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    steps: int = Field(default=120, ge=1, le=2400)
    runs: int = Field(default=200, ge=1, le=100_000)
    policies: list[str] = Field(default_factory=lambda: ["none"], min_length=1, max_length=50)
    params: dict[str, float] = Field(default_factory=dict)
    world: WorldSpec

    @field_validator("params")
    @classmethod
    def _finite(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not (x == x) or abs(x) == float("inf"):
                raise ValueError(f"parameter {k} must be finite")
        return v

    def summary(self) -> dict[str, Any]:
        kind = next(k for k in ("synthetic", "data", "states") if getattr(self.world, k) is not None)
        return {
            "name": self.name,
            "title": self.title or self.name,
            "description": self.description,
            "steps": self.steps,
            "runs": self.runs,
            "policies": list(self.policies),
            "world": kind,
        }


def parse_scenario(text: str | bytes, *, source: str = "scenario") -> Scenario:
    """Parse YAML text into a :class:`Scenario`, or raise one clear SimulationError."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise SimulationError(f"{source} is larger than {MAX_BYTES} bytes.", hint="Scenarios are small files.")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise SimulationError(f"{source} is not UTF-8 text.", hint="Save the scenario as UTF-8 YAML.") from None
    if len(text) > MAX_BYTES:
        raise SimulationError(f"{source} is larger than {MAX_BYTES} bytes.", hint="Scenarios are small files.")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SimulationError(f"{source} is not valid YAML{where}.", hint="Check indentation and quoting.") from None
    if not isinstance(doc, dict):
        raise SimulationError(
            f"{source} must be a YAML mapping with name, world, steps...",
            hint="See detente/sim/scenarios/two-bloc.yaml for an example.",
        )
    try:
        return Scenario.model_validate(doc)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "scenario"
        raise SimulationError(
            f"{source}: {where}: {first['msg']}.", hint="See docs/simulation.md for the format."
        ) from None


def _shipped() -> dict[str, Path]:
    root = files("detente.sim") / "scenarios"
    return {p.name.removesuffix(".yaml"): Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml")}


def list_scenarios() -> list[Scenario]:
    """The example scenarios shipped with detente."""
    return [load_scenario(p) for _, p in sorted(_shipped().items())]


def load_scenario(ref: PathLike) -> Scenario:
    """Load a scenario by file path or by the name of a shipped example."""
    ref_s = str(ref)
    shipped = _shipped()
    if ref_s in shipped:
        path = shipped[ref_s]
    else:
        path = Path(ref_s).expanduser()
        if not path.is_file():
            raise NotFound(f"No scenario {ref_s!r}.", hint=f"Give a YAML file or one of: {', '.join(sorted(shipped))}.")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SimulationError(f"Cannot read {path}: {e.strerror}.") from None
    return parse_scenario(data, source=path.name)
