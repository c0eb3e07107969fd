"""Stances a clause states without a verb of its own (pure): offers ("said it was ready for talks") and
threats made by naming someone a target ("said soldiers were legitimate targets")."""

from __future__ import annotations

from collections.abc import Sequence

from detente.core.coder.context import Actor, Hit, Scene
from detente.core.coder.roles import RoleReader
from detente.core.coder.tree import Tok, children
from detente.core.coder.vocabulary import REFERRED, REFERRED_ROOTS, SAY, SUBJ

__all__ = ["StanceReader"]

READY = frozenset({"ready", "prepared", "willing", "open"})
# what one is ready for → the intention it states: to meet or negotiate (036), to de-escalate (0356)
OFFERED = {
    "talk": "036", "talks": "036", "negotiation": "036", "negotiations": "036", "dialogue": "036",
    "meeting": "036", "discussion": "036", "discussions": "036", "summit": "036", "consultation": "036",
    "ceasefire": "0356", "truce": "0356",
}  # fmt: skip
LEGITIMATE = frozenset({"legitimate", "legit", "fair", "lawful"})


def _negated(toks: Sequence[Tok], *heads: int) -> bool:
    return any(toks[k].dep == "neg" or toks[k].lower in ("never", "no") for h in heads for k in children(toks, h))


def _clause(toks: Sequence[Tok], i: int) -> int | None:
    """The verb (or copula) whose clause holds token ``i``: up the heads, at most four steps."""
    for _ in range(4):
        if toks[i].pos in ("VERB", "AUX"):
            return i
        if toks[i].head == i:
            return None
        i = toks[i].head
    return None


class StanceReader(RoleReader):
    """Offers and target-naming threats, read from adjectives and nouns rather than from a verb's pattern."""

    def _speaker_of(self, sc: Scene, v: int) -> list[Actor]:
        """Whoever a clause is said by: its own subject, unless it is the reported clause of a verb of saying
        ("the army said it was ready": the army; "X are targets, the group said": the group)."""
        toks = sc.toks
        said = [
            k for k in children(toks, v) if toks[k].dep in ("parataxis", "ccomp") and toks[k].lemma.casefold() in SAY
        ]
        g = toks[v].head if toks[v].dep in ("ccomp", "parataxis", "conj") else (said[0] if said else None)
        if g is not None and g != v and toks[g].lemma.casefold() in SAY:
            return self._roles(sc, g, children(toks, g))[0]  # "dismissed the offer and said...": inherited
        return []

    def _offers(self, sc: Scene) -> list[Hit]:
        """ "said it was ready for talks", "is prepared for negotiations with the rebels", "open to dialogue": an
        intention to meet (036), or to de-escalate for a ceasefire or truce (0356); the other party is the
        noun's own "with" phrase, else the story's (filled in later)."""
        toks = sc.toks
        out: list[Hit] = []
        for a, t in enumerate(toks):
            if t.lower not in READY or t.pos not in ("ADJ", "VERB") or t.dep not in ("acomp", "ROOT", "xcomp"):
                continue
            if t.pos == "VERB" and t.dep != "acomp":  # "prepared" the verb ("prepared the ground"): no offer
                continue
            cop = t.head if t.dep != "ROOT" else a
            for p in children(toks, a):
                if toks[p].dep != "prep" or toks[p].lower not in ("for", "to"):
                    continue
                nouns = [n for n in children(toks, p) if toks[n].dep == "pobj" and toks[n].lower in OFFERED]
                if not nouns or _negated(toks, a, cop):
                    continue
                n = nouns[0]
                subj = [k for k in children(toks, cop) if toks[k].dep in SUBJ]
                sources = self._filler(sc, subj[0], "source") if subj else []
                withs = [q for q in children(toks, n) if toks[q].dep == "prep" and toks[q].lower == "with"]
                targets = [b for q in withs for b in self._pobj(sc, q, report=False)]
                rule = f"{t.lower} for {toks[n].lower}: an offer"
                whom: list[Actor | None] = list(targets) if targets else [None]
                out += [(OFFERED[toks[n].lower], s, b, rule, 0.55, "intended", None) for s in sources for b in whom]
        return out

    def _marked_targets(self, sc: Scene) -> list[Hit]:
        """Naming someone a legitimate target threatens force against them (138): "said soldiers were
        legitimate targets", "described ministers as legitimate targets", "called the bases fair targets"."""
        toks = sc.toks
        out: list[Hit] = []
        for n, t in enumerate(toks):
            if t.lemma.casefold() != "target" or not any(toks[k].lower in LEGITIMATE for k in children(toks, n)):
                continue
            v = _clause(toks, n)
            if v is None or _negated(toks, v):
                continue
            kids = children(toks, v)
            if toks[v].lemma.casefold() == "be":  # "X are legitimate targets", said by someone
                marked = [k for k in kids if toks[k].dep in SUBJ]
                sources = self._speaker_of(sc, v)
            else:  # "described X as legitimate targets", "called X legitimate targets"
                marked = [k for k in kids if toks[k].dep == "dobj"]
                sources = self._roles(sc, v, kids)[0]
            targets = self._filler(sc, marked[0], "target") if marked else []
            rule = "legitimate target: a threat of force"
            whom: list[Actor | None] = list(targets) if targets else [None]
            out += [("138", s, b, rule, 0.55, "threatened", None) for s in sources for b in whom]
        return out

    def _doer_of_object(self, sc: Scene, kids: list[int], sources: Sequence[Actor]) -> list[Actor]:
        """The doer of an act the object refers back to: "condemned the attack" (the last attacker), "rejected the
        demand" (the last actor coded making a demand), "called the decision unfair" (the last other actor that
        acted); not the speaker itself."""
        toks, ctx = sc.toks, sc.ctx
        own = {a.actor for a in sources}
        for k in kids:
            if toks[k].dep != "dobj" or toks[k].lemma.casefold() not in REFERRED:
                continue
            if not any(toks[d].lower in ("the", "this", "that", "these", "those") for d in children(toks, k)):
                continue  # "an attack" is a new one; "the attack" the one the story told
            noun = toks[k].lemma.casefold()
            named = [ctx.doers[r] for r in REFERRED_ROOTS.get(noun, ()) if r in ctx.doers]
            named = [d for d in named if d[1].actor and d[1].actor not in own]
            if named:  # the latest act of the kind the noun names
                kind = max(named, key=lambda d: d[0])[1]
                return [Actor(kind.actor, kind.agent, toks[k].text, "context", kind.person)]
            force = REFERRED[noun]
            doer = ctx.last_fight[0] if force and ctx.last_fight is not None else ctx.last_source
            if doer is not None and doer.actor and doer.actor not in own:
                return [Actor(doer.actor, doer.agent, toks[k].text, "context", doer.person)]
        return []
