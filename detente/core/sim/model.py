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
    # replicate, onset month, battle deaths, allies drawn in, originating dyad
    wars: list[tuple[int, int, float, int, int]] = field(default_factory=list)
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
        self.trust0 = world.trust[i, j].astype(np.float64)
        self.gain = p.exercise_gain * lv["exercises"] * (world.salience[i, j] >= 0.2)
        # Trust relaxes toward a target (exercises lift it); kept lazily as (value, month it was set).
        self.q = 1.0 - p.trust_relax
        self.target = np.minimum(1.0, self.trust0 + self.gain / p.trust_relax) if p.trust_relax > 0 else self.trust0
        self._decay = np.zeros(0)
        self._onset_classes(p)
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
        self.tv = np.broadcast_to(self.trust0.astype(np.float32), (R, D)).copy()
        self.tt = np.full((R, D), -1, dtype=np.int32)
        self.rec_until = np.full((R, D), -1, dtype=np.int32)
        self.rec_idx = np.zeros(0, dtype=np.intp)  # flat indices of dyads in a post-war window
        self.active = np.zeros(0, dtype=np.intp)
        self._opened: list[int] = []
        self.mediator = np.full((R, D) if self.med > 0 else (1, 1), -1, dtype=np.int16)  # -1 none yet, -2 none
        self.origin = np.zeros((R, D), dtype=np.int32)
        self.intensity = np.zeros((R, D), dtype=np.float64)
        self.war_deaths = np.zeros((R, D), dtype=np.float64)
        self.war_start = np.zeros((R, D), dtype=np.int32)
        self.s = {k: np.zeros(R) for k in STAT_FIELDS}
        for k in ("first_crisis", "first_dispute", "first_war"):
            self.s[k][:] = -1.0
        self.wars: list[tuple[int, int, float, int, int]] = []
        self.joiners: dict[tuple[int, int], int] = {}
        self.mediators = np.zeros(world.n, dtype=np.int64)

    def _onset_classes(self, p: Params) -> None:
        """Group dyads by their highest possible onset hazard (base-4 bins) for sparse Bernoulli draws."""
        bound = self.base_haz.astype(np.float64) * (1.0 + 0.5 * p.trust_onset)
        self.bound = bound
        live = np.flatnonzero(bound > 0)
        self.classes: list[tuple[NDArray[np.intp], float]] = []
        if live.size == 0:
            return
        top = float(bound[live].max())
        b = np.clip(np.floor(np.log2(bound[live] / top) / 2.0), -12, 0).astype(np.int64)  # base-4 bins
        for c in np.unique(b).tolist():
            members = live[b == c]
            self.classes.append((members, min(1.0, float(bound[members].max()))))

    def _positions(self, h: float, n: int) -> NDArray[np.intp]:
        """Positions in [0, n) where independent Bernoulli(h) trials succeed (geometric gaps)."""
        if h >= 1.0:
            return np.arange(n, dtype=np.intp)
        expect = h * n
        out = np.cumsum(self.rng.geometric(h, int(expect + 6.0 * np.sqrt(expect) + 16)).astype(np.intp)) - 1
        while out[-1] < n:
            more = np.cumsum(self.rng.geometric(h, int(expect / 4 + 16)).astype(np.intp)) + out[-1]
            out = np.concatenate([out, more])
        return out[out < n]

    def _trust(self, r: NDArray[np.intp], d: NDArray[np.intp]) -> NDArray[np.float64]:
        """Trust of dyads ``d`` in replicates ``r`` at the current month."""
        return self._trust_at(r * self.D + d, d)

    def _trust_at(self, flat: NDArray[np.intp], d: NDArray[np.intp]) -> NDArray[np.float64]:
        tv = self.tv.reshape(-1)[flat].astype(np.float64)
        dt = self.t - self.tt.reshape(-1)[flat]
        if self.q < 1.0:
            if self._decay.size <= self.t + 1:
                self._decay = self.q ** np.arange(2 * self.t + 64, dtype=np.float64)
            tgt = self.target[d]
            out: NDArray[np.float64] = tgt + (tv - tgt) * self._decay[dt]
            return out
        return np.clip(tv + self.gain[d] * dt, 0.0, 1.0)

    def _trust_flat(self, flat: NDArray[np.intp]) -> NDArray[np.float64]:
        """:meth:`_trust` for flat ``r·D + d`` indices (any shape)."""
        return self._trust_at(flat, flat % self.D)

    def trust_now(self) -> NDArray[np.float64]:
        """Current trust of every dyad in every replicate (``R × D``; a full pass, for inspection)."""
        r, d = np.indices((self.R, self.D))
        return self._trust(r, d)

    # -- the month ------------------------------------------------------------------------------
    def step(self) -> None:
        p, t, D = self.p, self.t, self.D
        flat = self.rung.reshape(-1)
        onset = self._onsets(p, t, flat)
        nz = self.active  # sorted flat indices of every dyad in a crisis or at war
        if nz.size:
            k = flat[nz]
            war = k == 4
            if (~war).any():
                self._crises(nz[~war], k[~war].astype(np.intp))
            if war.any():
                self._wars(nz[war])
        opened = np.asarray(self._opened, dtype=np.intp)
        self._opened.clear()
        self.active = np.union1d(nz[flat[nz] > 0], np.concatenate([onset, opened])).astype(np.intp)
        if onset.size:
            flat[onset] = 1
            n_on = np.bincount(onset // D, minlength=self.R).astype(np.float64)
            self.s["incidents"] += n_on
            first = self.s["first_crisis"]
            first[(first < 0) & (n_on > 0)] = t
            self.s["max_rung"] = np.maximum(self.s["max_rung"], np.where(n_on > 0, 1.0, 0.0))
        self.t += 1

    def _onsets(self, p: Params, t: int, flat: NDArray[np.int8]) -> NDArray[np.intp]:
        """Flat indices of dyads at peace that meet an incident this month (thinned sparse draws)."""
        D, parts = self.D, []
        cand, bound = [], []
        for members, h in self.classes:  # candidates at each class's bound ...
            pos = self._positions(h, self.R * members.size)
            if pos.size:
                r, k = np.divmod(pos, members.size)
                cand.append(r * D + members[k])
                bound.append(np.full(pos.size, h))
        if cand:  # ... thinned to their exact hazard in one pass
            idx, h_b = np.concatenate(cand), np.concatenate(bound)
            peace = flat[idx] == 0
            idx, h_b = idx[peace], h_b[peace]
            d = idx % D
            haz = self.base_haz[d] * np.maximum(0.0, 1.0 + p.trust_onset * (0.5 - self._trust_at(idx, d)))
            parts.append(idx[self.rng.random(idx.size) * h_b < haz])
        if self.rec_idx.size:
            self.rec_idx = self.rec_idx[self.rec_until.reshape(-1)[self.rec_idx] > t]
            idx = self.rec_idx[flat[self.rec_idx] == 0]
            if idx.size:
                r, d = np.divmod(idx, D)
                haz = self.base_haz[d] * np.maximum(0.0, 1.0 + p.trust_onset * (0.5 - self._trust(r, d)))
                extra = np.minimum(1.0, (self.rec_mult - 1.0) * haz / np.maximum(1e-12, 1.0 - haz))
                parts.append(idx[self.rng.random(idx.size) < extra])
        if not parts:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(parts))

    def _crises(self, idx: NDArray[np.intp], k: NDArray[np.intp]) -> None:
        p, D, rng = self.p, self.D, self.rng
        r, d = np.divmod(idx, D)
        ta = self._trust(r, d)
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
                mediated[m], factor = self._mediate(idx[m], r[m], d[m])
                settle[m] *= factor
        total = esc + settle
        scale = np.where(total > 0.95, 0.95 / np.maximum(total, 1e-12), 1.0)
        esc, settle = esc * scale, settle * scale
        u = rng.random(idx.size)
        up = u < esc
        down = ~up & (u < esc + settle)
        new_k = np.where(up, k + 1, np.where(down, 0, k))
        self.rung.reshape(-1)[idx] = new_k.astype(np.int8)
        moved = up | down
        new_t = np.where(up, np.maximum(0.0, ta - self.loss), np.minimum(1.0, ta + p.settle_gain))
        self.tv.reshape(-1)[idx[moved]] = new_t[moved]
        self.tt.reshape(-1)[idx[moved]] = self.t
        if self.med > 0:
            self.mediator.reshape(-1)[idx[down | (up & (new_k == 4))]] = -1  # the crisis is over
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

    def _mediate(
        self, idx: NDArray[np.intp], r: NDArray[np.intp], d: NDArray[np.intp]
    ) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
        """Mediation of disputes and uses of force; returns (mediated, settlement factor).

        When a crisis first needs one, the mediator is the third state with the most trust from both
        sides (the lower of its two trusts) allied to neither (Bercovitch); it stays for the crisis and
        mediates every month its trust with both sides is at least ``mediator_min_trust``.
        """
        med = self.mediator.reshape(-1)
        new = np.flatnonzero(med[idx] == -1)
        if new.size:
            dn, rn = d[new], r[new]
            ii, jj = self.i[dn], self.j[dn]
            rows = np.arange(dn.size)
            base = (rn * self.D)[:, None]
            both = np.minimum(self._trust_flat(base + self.pidx[ii]), self._trust_flat(base + self.pidx[jj]))
            A = self.world.alliance
            bad = A[ii] | A[jj]
            bad[rows, ii] = True
            bad[rows, jj] = True
            both[bad] = -1.0
            best = np.argmax(both, axis=1)
            med[idx[new]] = np.where(both[rows, best] >= 0.0, best, -2)
        who = med[idx].astype(np.intp)
        has = who >= 0
        val = np.full(idx.size, -1.0)
        if has.any():
            w, rh = who[has], r[has]
            dh = d[has]
            ti = self._trust_flat(rh * self.D + self.pidx[w, self.i[dh]])
            tj = self._trust_flat(rh * self.D + self.pidx[w, self.j[dh]])
            val[has] = np.minimum(ti, tj)
        ok = val >= self.p.mediator_min_trust
        np.add.at(self.mediators, who[ok], 1)
        return ok, np.where(ok, 1.0 + self.p.mediation_effect * self.med * val, 1.0)

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
        self._opened.append(r * self.D + d)
        if self.med > 0:
            self.mediator[r, d] = -1
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
            self.wars.append((rr, int(self.war_start[rr, oo]), float(size), self.joiners.pop((rr, oo), 0), oo))
        self.rung.reshape(-1)[ci] = 0
        self.rec_until.reshape(-1)[ci] = self.t + self.window
        self.rec_idx = np.union1d(self.rec_idx, ci).astype(np.intp)

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
        s["cost"] = np.full(self.R, self.cost_per_step * self.t)
        return RunResult(steps, self.R, s, list(self.wars), self.mediators.copy(), self.D, int(self.contig.sum()))
