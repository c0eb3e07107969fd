"""The pathways model: a vectorised agent-based model of crises between states, run as replicates.

State lives in ``R × D`` arrays (replicate × dyad): the rung of the escalation ladder each dyad is on,
its trust, the war it belongs to and its post-war window. Each :meth:`Model.step` is one month:

1. trust relaxes toward its baseline, joint exercises add to it (spiral model, Jervis 1976);
2. dyads at peace meet incidents with a hazard set by their issues, contiguity, alliance and trust,
   raised in the window after a war (recurrence, Fortna 2004) and lowered by peacekeepers;
3. crises climb or settle: escalation grows with mutual optimism from private information and with
   power shifts (Fearon 1995), falls with extended deterrence (Huth 1988); incidents also escalate by
   accident unless a hotline catches them; mediators raise settlement (Beardsley 2011);
4. a war draws in allies (chain-ganging, Christensen & Snyder 1990), kills each month and ends in a
   ceasefire; corridors spare some of the civilians.

>>> from detente.core.sim.policies import variant
>>> m = Model(World.synthetic(6, seed=2), variant("none"), replicates=3, seed=7)
>>> out = m.run(24)
>>> out.stats["wars"].shape
(3,)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente._types import SeedLike
from detente.core.sim.params import Params
from detente.core.sim.policies import Policy
from detente.core.sim.world import World
from detente.errors import SimulationError

__all__ = ["STAT_FIELDS", "Model", "RunResult"]

#: Per-replicate outcomes the model records (declared outputs).
STAT_FIELDS: tuple[str, ...] = (
    "incidents",
    "disputes",
    "force",
    "wars",
    "joins",
    "recurrences",
    "disputes_contig",
    "wars_contig",
    "joins_contig",
    "mediated",
    "battle_deaths",
    "civilian_harm",
    "cost",
    "first_crisis",
    "first_dispute",
    "first_war",
    "max_rung",
)
MAX_WORK = 4e10  # replicate × dyad × step budget of one model run


@dataclass
class RunResult:
    """What one model run returns: per-replicate stats, every war's size, who mediated."""

    steps: int
    replicates: int
    stats: dict[str, NDArray[np.float64]]
    wars: list[tuple[int, int, float, int]] = field(default_factory=list)  # replicate, onset step, deaths, joiners
    mediators: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dyads: int = 0
    dyads_contig: int = 0


def _expit(x: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-x))
    return out


class Model:
    """One world under one policy, ``replicates`` runs at once, one seeded generator."""

    def __init__(
        self,
        world: World,
        policy: Policy,
        params: Params | None = None,
        *,
        replicates: int = 1,
        seed: SeedLike = None,
    ) -> None:
        if not isinstance(replicates, int) or isinstance(replicates, bool) or not 1 <= replicates <= 100_000:
            raise SimulationError(f"replicates must be an integer in 1..100000, not {replicates!r}.")
        p = params or Params()
        self.world, self.policy, self.p = world, policy, p
        self.rng = np.random.default_rng(seed)
        self.R, self.D, self.t = replicates, world.n_dyads, 0
        i, j = world.dyads()
        self.i, self.j, self.pidx = i, j, world.pair_index()
        lv = policy.levels
        cap, A = world.capability, world.alliance
        self.contig = world.contiguity[i, j]
        allied = A[i, j]
        # Collective defense: each side's allies (not shared, not the opponent) stand behind it.
        self.rel = p.reliability + (1.0 - p.reliability) * lv["collective_defense"]
        Af = A.astype(np.float64)
        shared = (Af[i] * Af[j]) @ cap
        sup_i = np.where(allied, 0.0, Af[i] @ cap - shared)
        sup_j = np.where(allied, 0.0, Af[j] @ cap - shared)
        eff_i, eff_j = cap[i] + self.rel * sup_i, cap[j] + self.rel * sup_j
        self.logit_p = np.log(eff_i / eff_j)
        share = self.rel * (sup_i + sup_j) / (cap[i] + cap[j] + sup_i + sup_j)
        self.deter = np.exp(-p.deterrence * share)
        self.hazard_mh = np.exp(p.moral_hazard * share)
        self.size = (cap[i] + cap[j]) / 0.1
        base = p.onset_base * world.salience[i, j] * np.where(self.contig, 1.0, p.noncontig_factor)
        self.base_haz = (base * np.where(allied, p.allied_onset_factor, 1.0)).astype(np.float32)
        self.trust0 = world.trust[i, j].astype(np.float32)
        self.gain = (p.exercise_gain * lv["exercises"] * (world.salience[i, j] >= 0.2)).astype(np.float32)
        self.cost_per_step = p.exercise_cost * lv["exercises"] * float((world.salience[i, j] >= 0.2).sum())
        self.sigma = p.sigma * (1.0 - p.cbm_sigma * lv["transparency"])
        self.loss = p.spiral_loss * (1.0 - p.cbm_intent * lv["transparency"])
        self.esc = np.array([0.0, p.escalate_1, p.escalate_2, p.escalate_3])
        self.acc = np.array([0.0, p.accident_1, p.accident_2, 0.0]) * (1.0 - p.hotline_effect * lv["hotline"])
        self.settle = np.array([0.0, p.settle_1, p.settle_2, p.settle_3])
        self.med = lv["mediation"]
        self.rec_mult = 1.0 + (p.recurrence_mult - 1.0) * (1.0 - p.peacekeeping_effect * lv["peacekeeping"])
        self.window = round(p.recurrence_years * p.steps_per_year)
        self.harm_ratio = p.civilian_ratio * (1.0 - p.corridor_effect * lv["corridors"])
        R, D = self.R, self.D
        # Power shifts: each replicate draws each state's growth around the world's trend.
        g = world.growth[None, :] + self.rng.normal(0.0, p.power_shift, (R, world.n))
        self.commit = (1.0 + p.commitment_weight * np.abs(g[:, i] - g[:, j])).astype(np.float32)
        self.rung = np.zeros((R, D), dtype=np.int8)
        self.trust = np.broadcast_to(self.trust0, (R, D)).copy()
        self.rec_until = np.full((R, D), -1, dtype=np.int32)
        self.any_rec = False
        self.origin = np.zeros((R, D), dtype=np.int32)
        self.intensity = np.zeros((R, D), dtype=np.float64)
        self.war_deaths = np.zeros((R, D), dtype=np.float64)
        self.war_start = np.zeros((R, D), dtype=np.int32)
        self.s = {k: np.zeros(R) for k in STAT_FIELDS}
        for k in ("first_crisis", "first_dispute", "first_war"):
            self.s[k][:] = -1.0
        self.wars: list[tuple[int, int, float, int]] = []
        self.joiners: dict[tuple[int, int], int] = {}
        self.mediators = np.zeros(world.n, dtype=np.int64)

    # -- the month ------------------------------------------------------------------------------
    def step(self) -> None:
        R, D, p, t = self.R, self.D, self.p, self.t
        tr, rung = self.trust, self.rung
        tr += np.float32(p.trust_relax) * (self.trust0 - tr)
        if self.gain.any():
            tr += self.gain
        np.clip(tr, 0.0, 1.0, out=tr)
        haz = self.base_haz * (np.float32(1.0 + 0.5 * p.trust_onset) - np.float32(p.trust_onset) * tr)
        if self.any_rec:
            haz = np.where(self.rec_until > t, haz * np.float32(self.rec_mult), haz)
        onset = (self.rng.random((R, D), dtype=np.float32) < haz) & (rung == 0)
        flat = rung.ravel()
        nz = np.flatnonzero(flat)
        if nz.size:
            k = flat[nz]
            war = k == 4
            if (~war).any():
                self._crises(nz[~war], k[~war].astype(np.intp))
            if war.any():
                self._wars(nz[war])
        n_on = onset.sum(axis=1)
        if n_on.any():
            rung[onset] = 1
            self.s["incidents"] += n_on
            first = self.s["first_crisis"]
            first[(first < 0) & (n_on > 0)] = t
            self.s["max_rung"] = np.maximum(self.s["max_rung"], np.where(n_on > 0, 1.0, 0.0))
        self.t += 1

    def _crises(self, idx: NDArray[np.intp], k: NDArray[np.intp]) -> None:
        p, D, rng = self.p, self.D, self.rng
        r, d = np.divmod(idx, D)
        trf = self.trust.reshape(-1)
        ta = trf[idx].astype(np.float64)
        e = rng.standard_normal((2, idx.size))
        lp = self.logit_p[d]
        optimism = np.maximum(0.0, _expit(lp + self.sigma * e[0]) + _expit(-lp + self.sigma * e[1]) - 1.0)
        esc = self.esc[k] * np.exp(p.optimism_weight * optimism) * (1.0 + p.trust_escalation * (0.5 - ta))
        esc *= self.commit[r, d] * np.where(k == 1, self.hazard_mh[d], self.deter[d])
        esc += self.acc[k]
        settle = self.settle[k].copy()
        mediated = np.zeros(idx.size, dtype=bool)
        if self.med > 0:
            m = np.flatnonzero(k >= 2)
            if m.size:
                mediated[m], factor = self._mediate(r[m], d[m])
                settle[m] *= factor
        total = esc + settle
        scale = np.where(total > 0.95, 0.95 / np.maximum(total, 1e-12), 1.0)
        esc, settle = esc * scale, settle * scale
        u = rng.random(idx.size)
        up = u < esc
        down = ~up & (u < esc + settle)
        new_k = np.where(up, k + 1, np.where(down, 0, k))
        self.rung.reshape(-1)[idx] = new_k.astype(np.int8)
        trf[idx[up]] = np.maximum(0.0, trf[idx[up]] - np.float32(self.loss))
        trf[idx[down]] = np.minimum(1.0, trf[idx[down]] + np.float32(p.settle_gain))
        s = self.s
        np.add.at(s["mediated"], r[down & mediated], 1.0)
        for rung_no, name in ((2, "disputes"), (3, "force")):
            hit = up & (new_k == rung_no)
            if hit.any():
                np.add.at(s[name], r[hit], 1.0)
                if rung_no == 2:
                    np.add.at(s["disputes_contig"], r[hit & self.contig[d]], 1.0)
                    first = s["first_dispute"]
                    rr = np.unique(r[hit])
                    first[rr[first[rr] < 0]] = self.t
                s["max_rung"][r[hit]] = np.maximum(s["max_rung"][r[hit]], rung_no)
        to_war = up & (new_k == 4)
        if to_war.any():
            self._start_wars(r[to_war], d[to_war])

    def _mediate(self, r: NDArray[np.intp], d: NDArray[np.intp]) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        """Mediator = the third state with the most trust from both sides, allied to neither (Bercovitch)."""
        ii, jj = self.i[d], self.j[d]
        rows = np.arange(d.size)
        ti = self.trust[r[:, None], self.pidx[ii]]
        tj = self.trust[r[:, None], self.pidx[jj]]
        both = np.minimum(ti, tj).astype(np.float64)
        A = self.world.alliance
        bad = A[ii] | A[jj]
        bad[rows, ii] = True
        bad[rows, jj] = True
        both[bad] = -1.0
        best = np.argmax(both, axis=1)
        val = both[rows, best]
        ok = val >= self.p.mediator_min_trust
        np.add.at(self.mediators, best[ok], 1)
        factor = np.where(ok, 1.0 + self.p.mediation_effect * self.med * val, 1.0)
        return ok, factor

    def _start_wars(self, r: NDArray[np.intp], d: NDArray[np.intp]) -> None:
        rng, s, t = self.rng, self.s, self.t
        A = self.world.alliance
        for rr, dd in zip(r.tolist(), d.tolist(), strict=True):
            self._open(rr, dd, dd)
            s["wars"][rr] += 1
            s["wars_contig"][rr] += float(self.contig[dd])
            s["max_rung"][rr] = 4
            if s["first_war"][rr] < 0:
                s["first_war"][rr] = t
            if self.rec_until[rr, dd] > t:
                s["recurrences"][rr] += 1
            joined = 0
            for x, y in ((int(self.i[dd]), int(self.j[dd])), (int(self.j[dd]), int(self.i[dd]))):
                allies = np.flatnonzero(A[x] & ~A[y])
                allies = allies[allies != y]
                if allies.size == 0:
                    continue
                honour = allies[rng.random(allies.size) < self.rel]
                for a in honour.tolist():
                    d2 = int(self.pidx[a, y])
                    if self.rung[rr, d2] != 4:
                        self._open(rr, d2, dd)
                        joined += 1
                        s["joins_contig"][rr] += float(self.contig[d2])
            s["joins"][rr] += joined
            self.joiners[(rr, dd)] = joined

    def _open(self, r: int, d: int, origin: int) -> None:
        p = self.p
        self.rung[r, d] = 4
        self.origin[r, d] = origin
        self.war_start[r, d] = self.t
        self.war_deaths[r, d] = 0.0
        z = self.rng.standard_normal()
        self.intensity[r, d] = np.exp(p.deaths_log_mean + p.deaths_log_sd * z) * self.size[d] ** p.deaths_cap_exp

    def _wars(self, idx: NDArray[np.intp]) -> None:
        D = self.D
        r, d = np.divmod(idx, D)
        deaths = self.intensity.reshape(-1)[idx]
        self.war_deaths.reshape(-1)[idx] += deaths
        per_r = np.bincount(r, weights=deaths, minlength=self.R)
        self.s["battle_deaths"] += per_r
        self.s["civilian_harm"] += per_r * self.harm_ratio
        origin = self.origin.reshape(-1)[idx]
        is_origin = origin == d
        ends = is_origin & (self.rng.random(idx.size) < self.p.war_end)
        if not ends.any():
            return
        keys = r * D + origin
        ended = keys[ends]
        close = np.isin(keys, ended)
        ci = idx[close]
        sizes = np.bincount(
            np.searchsorted(np.sort(ended), keys[close]), weights=self.war_deaths.reshape(-1)[ci], minlength=ended.size
        )
        for key, size in zip(np.sort(ended).tolist(), sizes.tolist(), strict=True):
            rr, oo = divmod(key, D)
            self.wars.append((rr, int(self.war_start[rr, oo]), float(size), self.joiners.pop((rr, oo), 0)))
        self.rung.reshape(-1)[ci] = 0
        self.rec_until.reshape(-1)[ci] = self.t + self.window
        self.any_rec = True

    # -- running --------------------------------------------------------------------------------
    def run(self, steps: int, progress: Callable[[int], None] | None = None) -> RunResult:
        """Advance ``steps`` months and return the recorded outcomes."""
        if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= 100_000:
            raise SimulationError(f"steps must be an integer in 1..100000, not {steps!r}.")
        if float(self.R) * self.D * steps > MAX_WORK:
            raise SimulationError("This run is too large for one model.", hint="Use fewer runs, steps or states.")
        for n in range(steps):
            self.step()
            if progress is not None:
                progress(n + 1)
        s = {k: v.copy() for k, v in self.s.items()}
        s["cost"] = np.full(self.R, self.cost_per_step * steps)
        return RunResult(steps, self.R, s, list(self.wars), self.mediators.copy(), self.D, int(self.contig.sum()))
