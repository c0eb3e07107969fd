"""Source and target of a verb from the dependency parse (pure)."""

from __future__ import annotations

from detente.core.coder.context import Actor, Scene, dedup
from detente.core.coder.mentions import ActorReader
from detente.core.coder.tree import children, noun_phrase
from detente.core.coder.vocabulary import AUTHORITY_ACTS, INTEND_ADJ, NOMINAL, NOT_ASSERTED, OBJ_PREPS, SAY, SUBJ


class RoleReader(ActorReader):
    """Who did it and to whom, for one verb: subject/agent → source, object or prepositional object → target,
    passives, inherited subjects and event nouns."""

    def _roles(self, sc: Scene, v: int, kids: list[int]) -> tuple[list[Actor], list[Actor], bool]:
        toks, ctx = sc.toks, sc.ctx
        fill = self._filler
        subj = [k for k in kids if toks[k].dep in SUBJ] or [  # a subject the parser hung on the auxiliary
            s for a in kids if toks[a].dep == "aux" for s in children(toks, a) if toks[s].dep in SUBJ
        ]
        subjpass = [k for k in kids if toks[k].dep in ("nsubjpass", "csubjpass")]
        agent_pp = [k for k in kids if toks[k].dep == "agent"]
        sources: list[Actor] = []
        targets: list[Actor] = []
        passive = bool(subjpass)
        ctx.sources = frozenset()
        if passive:
            for a in agent_pp:
                for p in children(toks, a):
                    if toks[p].dep == "pobj":
                        sources = fill(sc, p, "source")
            ctx.sources = frozenset(a.actor for a in sources)
            targets = fill(sc, subjpass[0], "target")
            if (
                not sources
                and toks[v].dep == "ccomp"
                and toks[v].head != v
                and toks[v].lemma.casefold() in AUTHORITY_ACTS  # not "the union said 56 were killed"
            ):  # "the Bureau said Khan was arrested"
                g = toks[v].head
                subj = [k for k in children(toks, g) if toks[k].dep == "nsubj"]
                if subj and toks[g].lemma.casefold() in SAY:
                    sources = fill(sc, subj[0], "source")
        else:
            if subj:
                sources = fill(sc, subj[0], "source")
            else:
                sources = self._inherited(sc, v)
                if not sources and (
                    # a modifier verb, but not "in coordinated raids"
                    (toks[v].dep in ("amod", "compound") and toks[toks[v].head].dep != "pobj")
                    or toks[v].dep == "acl"  # "Gunmen on motorbikes killed..." misread as a modifier of "motorbikes"
                ):
                    sources = self._left_actor(sc, v)
            objs = [k for k in kids if toks[k].dep in ("dobj", "dative", "attr", "oprd")]
            own = {a.actor for a in sources}
            ctx.sources = frozenset(own)
            for o in objs:
                targets = [a for a in fill(sc, o, "target")
                           if a.actor not in own or a.how == "named"]  # fmt: skip
                if targets:
                    break
                # "launched an offensive against X", "imposed sanctions on X": the object's preposition
                for p in children(toks, o):
                    if toks[p].dep == "prep" and toks[p].lower in OBJ_PREPS:
                        targets = self._pobj(sc, p)
                        if targets:
                            break
                if targets:
                    break
        if not targets:
            for p in kids:
                if toks[p].dep == "prep" and toks[p].lower in OBJ_PREPS:
                    targets = self._pobj(sc, p)
                    if targets:
                        break
        if not targets:  # "withdrew its ambassador from Niger", "pulled out of X": the place left is the target
            for p in [k for k in kids if toks[k].dep == "prep"] + [
                k for o in kids if toks[o].dep == "dobj" for k in children(toks, o) if toks[k].dep == "prep"
            ]:
                if toks[p].lower in ("from", "out"):
                    targets = self._pobj(sc, p)
                    if targets:
                        break
        if not targets and toks[v].lemma.casefold() not in NOT_ASSERTED:  # not "denied targeting civilians"
            for x in kids:  # "ordered the army to launch": the xcomp's object
                if toks[x].dep == "xcomp":
                    for o in children(toks, x):
                        if toks[o].dep in ("dobj",):
                            targets = fill(sc, o, "target")
        ctx.sources = frozenset()
        return dedup(sources), dedup([t for t in targets if t not in sources]), passive

    def _pobj(self, sc: Scene, p: int, report: bool = True) -> list[Actor]:
        """The actors a preposition's object names, and those of prepositions conjoined with it ("talking to the
        Houthis and to Saudi Arabia")."""
        toks = sc.toks
        out: list[Actor] = []
        for q in (p, *(c for c in children(toks, p) if toks[c].dep == "conj" and toks[c].pos == "ADP")):
            for o in children(toks, q):
                if toks[o].dep == "pobj":
                    out += self._filler(sc, o, "target", report)
                    break
        return dedup(out)

    def _inherited(self, sc: Scene, v: int) -> list[Actor]:
        """The subject of a verb that has none: its head's (conjoined and controlled verbs)."""
        toks = sc.toks
        seen = {v}
        x = v
        while (
            toks[x].dep in ("conj", "xcomp", "advcl", "pcomp", "prep", "acl")
            or (toks[x].dep == "acomp" and toks[x].lemma.casefold() in INTEND_ADJ)  # "it was ready to help"
        ) and toks[x].head not in seen:
            h = toks[x].head
            if toks[x].dep == "acl":  # "troops loyal to..." / "forces fighting": the noun modified
                return self._filler(sc, h, "source")
            seen.add(h)
            for k in children(toks, h):
                if toks[k].dep in SUBJ:
                    return self._filler(sc, k, "source")
            x = h
        return []

    def _by_event_noun(self, sc: Scene, kids: list[int]) -> list[Actor]:
        """The doer of an agentless passive named through an event noun: "killed in an Israeli strike" (the
        noun's own actor), "killed in a clash with Chinese troops" (the other side of the clash)."""
        toks, mentions, agents = sc.toks, sc.mentions, sc.agents
        for p in kids:
            if toks[p].dep != "prep" or toks[p].lower not in ("in", "during", "by"):
                continue
            for n in children(toks, p):
                if toks[n].dep != "pobj" or toks[n].lemma.casefold() not in NOMINAL:
                    continue
                own = [k for k in noun_phrase(toks, n) if k != n and (k in mentions or k in agents)]
                if own:
                    a = self._one(sc, own[0], "source", report=False)
                    if a is not None:
                        return [a]
                for q in children(toks, n):
                    if toks[q].dep == "prep" and toks[q].lower in ("with", "by"):
                        found = self._pobj(sc, q, report=False)
                        if found:
                            return found
        return []
