"""Parameters of the pathways model: base rates (calibrated) and the size of each mechanism's effect.

One step is one month. Every field is documented in ``docs/simulation.md`` with the theory behind it;
the base rates were calibrated against the COW record (``docs/calibration.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from detente.errors import SimulationError

__all__ = ["RUNGS", "Params"]

#: The escalation ladder; index = rung (0 is no crisis).
RUNGS: tuple[str, ...] = ("peace", "incident", "dispute", "use_of_force", "war")


@dataclass(frozen=True)
class Params:
    """Every number the model uses. Probabilities are per dyad per month unless said otherwise.

    >>> Params().with_overrides({"war_end": 0.1}).war_end
    0.1
    """

    steps_per_year: int = 12
    # -- crisis onset (issues produce crises) -------------------------------------------------
    onset_base: float = 0.039  # incident hazard of a contiguous dyad with salience 1 at neutral trust (calibrated)
    noncontig_factor: float = 0.093  # non-contiguous dyads meet far fewer incidents (Bremer 1992; calibrated)
    allied_onset_factor: float = 0.6  # allies dispute less with each other
    trust_onset: float = 1.6  # spiral: onset × (1 + trust_onset·(0.5 − trust))
    # -- the ladder: deliberate escalation, accidents, settlement at rungs 1..3 ---------------
    escalate_1: float = 0.06
    escalate_2: float = 0.012
    escalate_3: float = 0.016  # calibrated to contiguous war-dyad onsets
    accident_1: float = 0.05  # inadvertent escalation incident → dispute
    accident_2: float = 0.01  # inadvertent escalation dispute → use of force
    settle_1: float = 0.35
    settle_2: float = 0.12
    settle_3: float = 0.10
    trust_escalation: float = 1.0  # spiral: escalation × (1 + trust_escalation·(0.5 − trust))
    # -- bargaining under private information and commitment problems (Fearon 1995) ----------
    sigma: float = 0.9  # sd of each side's misperception of the balance (logit scale)
    optimism_weight: float = 3.0  # escalation × exp(optimism_weight · mutual optimism)
    power_shift: float = 0.04  # sd of yearly capability growth across states
    commitment_weight: float = 6.0  # escalation × (1 + commitment_weight · |growth_i − growth_j|)
    # -- spiral model (Jervis 1976): trust moves with what happens -----------------------------
    spiral_loss: float = 0.04  # trust lost per rung climbed
    settle_gain: float = 0.01  # trust gained by a settlement
    trust_relax: float = 0.01  # monthly pull back toward the dyad's baseline trust
    # -- war: duration, battle deaths and civilian harm ----------------------------------------
    war_end: float = 0.09  # monthly chance a war reaches a ceasefire
    deaths_log_mean: float = 6.3  # log battle deaths per month for a dyad of combined capability 0.1
    deaths_log_sd: float = 1.5
    deaths_cap_exp: float = 0.6  # deaths scale with (combined capability / 0.1) ** exp
    civilian_ratio: float = 1.0  # civilian harm per battle death without corridors
    # -- recurrence after a ceasefire (Fortna 2004, 2008) --------------------------------------
    recurrence_years: float = 10.0
    recurrence_mult: float = 5.0  # onset multiplier in the post-war window
    # -- collective defense: deterrence, moral hazard, chain-ganging ---------------------------
    reliability: float = 0.5  # chance an ally honours its obligation (Leeds et al. 2000: ~0.75 of written ones)
    deterrence: float = 2.5  # escalation at rungs ≥2 × exp(−deterrence · reliability · allied support)
    moral_hazard: float = 0.6  # incident → dispute × exp(moral_hazard · reliability · own allied support)
    # -- mechanism effects at full level --------------------------------------------------------
    cbm_sigma: float = 0.6  # transparency removes this share of capability misperception
    cbm_intent: float = 0.5  # ... and this share of the trust lost per rung (misread intent)
    exercise_gain: float = 0.004  # monthly trust gained by joint exercises and exchanges
    exercise_cost: float = 1.0  # cost units per dyad-month of exercises
    hotline_effect: float = 0.7  # share of accidental escalations a hotline prevents
    mediation_effect: float = 1.5  # settlement × (1 + effect · level · mediator trust)
    mediator_min_trust: float = 0.45  # a mediator needs at least this trust with both sides
    peacekeeping_effect: float = 0.6  # share of the excess recurrence risk peacekeepers remove
    corridor_effect: float = 0.5  # share of civilian harm corridors prevent

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise SimulationError(f"Parameter {f.name} must be a number, not {v!r}.", hint="Fix the scenario.")
            if not (v == v) or v < 0 or v > 1e6:
                raise SimulationError(
                    f"Parameter {f.name}={v!r} is out of range.", hint="Use a finite number between 0 and 1e6."
                )
        if self.steps_per_year < 1:
            raise SimulationError("steps_per_year must be at least 1.", hint="Use 12 (months).")
        probs = [
            n
            for n in (
                "war_end",
                "reliability",
                "cbm_sigma",
                "cbm_intent",
                "hotline_effect",
                "peacekeeping_effect",
                "corridor_effect",
                "mediator_min_trust",
            )
        ]
        for n in probs:
            if getattr(self, n) > 1:
                raise SimulationError(f"Parameter {n} is a share and must be at most 1.", hint="Use 0..1.")

    def with_overrides(self, overrides: dict[str, Any] | None) -> Params:
        """A copy with some fields replaced; unknown names are an error."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        bad = sorted(set(overrides) - known)
        if bad:
            raise SimulationError(f"Unknown model parameter(s): {', '.join(bad)}.", hint="See docs/simulation.md.")
        return replace(self, **overrides)

    def to_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}
