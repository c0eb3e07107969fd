"""The event coder over a dependency parse (pure): who did what to whom, from parsed sentences.

The parser itself (spaCy) is an adapter (:mod:`detente.coder.nlp`); it hands this module
plain :class:`Tok` lists, so the rules here are testable on hand-made parses.

Per sentence:

* **actors**: dictionary phrases (longest match; capitalised in the text) resolved on the
  document date (Phoenix dated roles: "Putin" is RUSELI in 1995, RUSGOV in 2010); agent words
  ("police", "ministry", "troops") give the sector, and take the country named with them
  ("Russian troops", "the army of Pakistan") or, alone ("the ministry"), the last country of the
  document; pronouns ("he", "it", "they") take the last person, state or group named;
* **verbs**: each verb's lemma (plus particle, "shoot down") is looked up in the verb
  dictionary; the most specific pattern over the words before and after it gives the code;
* **roles**: subject → source, object or prepositional object → target; a passive's
  "by" agent is the source and its subject the target; coordinated subjects or objects
  give one event each ("Israel and the Palestinians"); a verb without a subject inherits
  its head's (conjoined verbs, "ordered the army to launch");
* **modality**: a negated verb is no event; "threatened to X" is a threat (13x), "refused
  to X" a rejection (12x), "will"/"plans to"/"vowed to" an intention (03x, or a threat of
  force for 14–20); "may"/"could" is no event; what someone is *accused* of or *denies*
  is not asserted;
* **reported speech**: "X said Y attacked Z" codes Y→Z; "said" is coded only when it
  carries no event of its own;
* **learned models** (:mod:`detente.core.coder.rootmodel`, optional): the root model ranks a
  sentence's events, backs off where no rule codes one and adds a root the rules missed; the
  target model chooses the target of an event whose text names none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence

from detente.core.coder.coder import CodedEvent, DocumentResult, Unresolved
from detente.core.coder.context import UNKNOWN, Actor, Context, Hit, Scene, as_state, dedup
from detente.core.coder.dates import find_dates
from detente.core.coder.dictionary import Dictionary, is_state
from detente.core.coder.mentions import is_place, near_country
from detente.core.coder.rootmodel import RootModel, TargetModel, features, target_features
from detente.core.coder.rules import Modality, recode
from detente.core.coder.slots import Slot, slot_features, where_in
from detente.core.coder.stance import StanceReader
from detente.core.coder.tree import (
    CLAUSE,
    Sentence,
    Tok,
    children,
    conjuncts,
    depth,
    norm,
    noun_phrase,
    own_prepositions,
    subtree,
    windows,
)
from detente.core.coder.vocabulary import (
    ACTIVITY_CODES,
    ACTS_NAMED,
    AGREEING,
    APPEAL,
    ASPECT,
    BACKGROUND,
    BROKER,
    CHEMICAL,
    CHEMICAL_PAIRS,
    CIVIL,
    CLAIM_NOUNS,
    CONDITION,
    DEPLOY,
    DOMESTIC_FORCES,
    DRILLS,
    ENVOYS,
    EXPEL,
    FORCE_VERBS,
    FUTURE,
    HAPPEN,
    HYPOTHETICAL,
    INTEND,
    INTEND_ADJ,
    INTENT_ROOT,
    IRREGULAR,
    KILL,
    LIGHT_VERBS,
    NEGATIVE,
    NOMINAL,
    NOT_ASSERTED,
    ONGOING,
    ORDER,
    POSITIVE,
    PRAISE,
    PROTESTERS,
    QUOTED_PRAISE,
    REACTIONS,
    REFUSE,
    RETALIATION,
    SAY,
    SELF_ROOTS,
    STATE_BODIES,
    STOP,
    SUBJ,
    SYMMETRIC,
    THREAT_VERBS,
    THREATEN,
    VICTIMS,
    WEAPON_USE,
    WEAPON_VERBS,
)

# a verb's own arguments with the phrases that describe them ("barrels filled with chlorine"), not other clauses
ARGUMENT = CLAUSE - {"acl"}

MODEL_WEIGHT = 2.0  # the root model's weight against the rule's confidence in an event's confidence
BACKOFF = 0.35  # the least probability of a root for the model to code a sentence no rule codes
ADD = 0.3  # the least probability of a root no rule coded in the sentence for the model to add an event of it
BACKOFF_CONFIDENCE = 0.6  # a back-off event's confidence is this times the model's probability
SLOT_MARGIN = 0.1  # how much likelier than the rules' choice another candidate must be to take an event's slot
SPEECH_ROOTS = frozenset({1, 2, 3, 4, 5, 10, 11, 12, 13, 16})  # acts done by saying: the speaker's own

__all__ = ["Actor", "DocumentResult", "ParsedCoder", "Scene", "Tok", "Unresolved"]


class ParsedCoder(StanceReader):
    """Codes parsed sentences with a :class:`Dictionary`; :meth:`code_document` takes one document's sentences."""

    def __init__(
        self,
        dictionary: Dictionary,
        model: RootModel | None = None,
        targets: TargetModel | None = None,
        slots: Mapping[str, TargetModel] | None = None,
    ) -> None:
        self.d = dictionary
        self.model = model
        self.targets = targets
        self.slots = slots  # the slot models ("source", "target"): :mod:`detente.core.coder.slots`
        # when a list: every slot choice is recorded here, not made (how tools/train_root_model.py learns them)
        self.slot_log: list[tuple[int, str, str, list[tuple[str | None, list[str], bool]]]] | None = None

    # -- documents -------------------------------------------------------------------------------
    def code_document(
        self, sentences: Sequence[tuple[int, int, Sequence[Tok]]], text: str, day: dt.date, dateline: str = ""
    ) -> DocumentResult:
        """Events of one document: ``sentences`` are (start, end, tokens) with document offsets; ``dateline``
        ("KADUNA, Nigeria, March 8") names the place the story is filed from: its state owns the agents
        ("gunmen", "the police") no sentence gives a country."""
        res = DocumentResult()
        words = [norm(t.text) for _, _, toks in sentences for t in toks]
        if self.d.discarded(words, story=True):
            res.discarded = True
            return res
        ctx = Context(day)
        ctx.last_country = self.dateline_country(dateline, day)
        if ctx.last_country is not None:
            ctx.count_state(ctx.last_country, 2)
        seen: set[tuple[str, str | None, str, str | None, str | None, int]] = set()  # within a sentence
        for n, (start, end, toks) in enumerate(sentences):
            for ev in self.code_sentence(toks, text[start:end], start, end, ctx, n, res.unresolved):
                key = (ev.source or "", ev.source_sector, ev.cameo, ev.target, ev.target_sector, n)
                if key not in seen:
                    seen.add(key)
                    res.events.append(ev)
        return res

    def dateline_country(self, dateline: str, day: dt.date) -> Actor | None:
        """The state a wire dateline names: its country part first ("KADUNA, Nigeria"), else its city."""
        parts = [p.strip() for p in dateline.split(",") if p.strip()]
        for part in [*parts[1:2], *parts[:1]]:
            words = tuple(w for w in (norm(x) for x in part.split()) if w)
            r = self.d.actor(words, day) if words else None
            if r is not None and not r.person and is_state(r.actor):
                return Actor(r.actor, None, part, "context")
        return None

    # -- one sentence ----------------------------------------------------------------------------
    def code_sentence(
        self,
        toks: Sequence[Tok],
        sentence: str,
        start: int,
        end: int,
        ctx: Context,
        index: int,
        unresolved: list[Unresolved],
    ) -> list[CodedEvent]:
        if not toks or sentence.rstrip().endswith("?"):
            return []
        feats = features(toks) if self.model is not None else []
        toks = Sentence(speaker_acts(toks))
        norms = [norm(t.text) for t in toks]
        if self.d.discarded(norms):
            return []
        dates = find_dates(sentence, ctx.day)
        mentions = self._mentions(toks, norms, ctx.day)
        agents = self._agents(toks, norms)
        sc = Scene(toks, mentions, agents, ctx, unresolved, index)
        out: list[Hit] = []
        consumed: set[int] = set()
        verbs = [i for i, t in enumerate(toks) if t.pos == "VERB" or (t.pos == "AUX" and t.dep == "ROOT")]
        for v in sorted(verbs, key=lambda i: depth(toks, i)):  # governors before the verbs they govern
            if v in consumed:
                continue
            out.extend(self._verb_events(sc, norms, v, consumed))
        out.extend(self._marked_targets(sc))  # "said soldiers were legitimate targets": a threat of force
        out.extend(self._offers(sc))  # "said it was ready for talks": an intention to meet
        if not out:
            out.extend(self._nominal(sc))
        if not out:
            out.extend(self._aid_arrives(sc))
        if not out:
            out.extend(self._quoted_statement(sc))
        if self.model is not None:
            out = self._weigh(sc, self.model.proba(feats), out)
        when = dates[0] if dates else ctx.when
        if dates:
            ctx.when = dates[-1]
        day, prec, src = (
            (when.day, when.precision, "sentence" if dates else "paragraph") if when else (ctx.day, "day", "document")
        )
        events = []
        dyadic = {(o[0][:2], o[1].actor) for o in out if o[2] is not None}
        out = [o for o in out if o[2] is not None or (o[0][:2], o[1].actor) not in dyadic]
        here = self._sentence_actors(sc) if any(o[2] is None for o in out) else []
        mediators = {o[1].actor for o in out if o[0].startswith("045")}
        parties = [a for a in here if a.actor not in mediators]  # mediators are no party: never a target
        # co-subjects of one act are never each other's target ("China, the UAE and Turkey sent relief flights")
        partners: dict[tuple[str, str], set[tuple[str, str | None]]] = {}
        for o in out:
            partners.setdefault((o[0], o[3]), set()).add((o[1].actor, o[1].agent))
        out = [
            self._context_target(
                o,
                ctx,
                [
                    a
                    for a in parties
                    if len(partners[(o[0], o[3])]) < 2
                    or o[0][:2] in ("03", "04", "05", "08")  # sides agreeing or talking: each other's party
                    or (a.actor, a.agent) not in partners[(o[0], o[3])]
                ],
            )
            for o in out
        ]
        if out and (self.slots is not None or self.slot_log is not None):
            out = self._recast(sc, out, start)
        for code, s, t, rule, conf, modality, place in out:
            at_home = code[:2] == "17" and is_state(s.actor) and t is not None and t.how == "named"
            if s.actor == (t.actor if t else None) and s.agent == (t.agent if t else None) and not at_home:
                continue  # an act on oneself, but "Peru declared a state of emergency in Lima": the state at home
            d = day if not (modality in ("intended", "threatened") and day > ctx.day) else ctx.day
            events.append(
                CodedEvent(
                    source=s.actor or None,
                    target=t.actor if t else None,
                    cameo=code,
                    day=d,
                    date_precision=prec,
                    date_from=src,
                    evidence=sentence,
                    start=start,
                    end=end,
                    confidence=round(min(0.99, max(0.05, conf - (0.1 if src == "document" else 0.0))), 2),
                    modality=modality,
                    rule=rule[:60],
                    source_sector=s.agent,
                    target_sector=t.agent if t else None,
                    source_name=s.text,
                    target_name=t.text if t else None,
                    place=place,
                    sentence=index,
                )
            )
        # remember what this sentence named, for "he", "the ministry" in the next ones
        done: set[int] = set()
        for i in sorted(mentions):
            a = mentions[i]
            if id(a) not in done:
                done.add(id(a))
                ctx.count_state(a)
                if is_place(toks, i, mentions) and ctx.last_country is not None:
                    continue  # "a summit in Abuja" does not make Nigeria the story's state
                ctx.remember(a)
        if out:  # who acted together here, for "they" and "the allies" in the next sentence
            ctx.last_act = (out[0][0], out[0][2])
            first = (out[0][0], out[0][3])
            ctx.last_sources = tuple(dedup(o[1] for o in out if (o[0], o[3]) == first and o[1].actor))
        for c_, s_, t_, *_rest in out:
            if c_[:2] in ("18", "19", "20") and s_.actor:
                ctx.last_fight = (s_, t_)
            if s_.actor:
                ctx.doers[c_[:2]] = (index, s_)  # "rejected the demand": who made the last demand
            ctx.remember(s_)
            ctx.last_source = s_
            if t_ is not None:
                ctx.remember(t_)
        return events

    def _slot_candidates(self, sc: Scene) -> list[tuple[Actor, Slot]]:
        """Every actor a noun phrase of the sentence names, once each, with where it stands in the parse."""
        toks = sc.toks
        out: list[tuple[Actor, Slot]] = []
        seen: set[str] = set()
        for k, t in enumerate(toks):
            if t.pos not in ("NOUN", "PROPN", "PRON") or t.dep in ("compound", "amod"):
                continue
            if k not in sc.mentions and k not in sc.agents and t.pos != "PRON":
                continue
            a = self._one(sc, k, "target", report=False)
            if a is None or not a.actor or a.actor in seen:
                continue
            seen.add(a.actor)
            out.append((a, where_in(toks, k, len(out))))
        return out

    def _recast(self, sc: Scene, out: list[Hit], start: int) -> list[Hit]:
        """The slot models' say on each event's source, then its target: a candidate clearly likelier than the
        rules' choice takes the slot (see :mod:`detente.core.coder.slots`)."""
        here = self._slot_candidates(sc)
        recent = [a for a in reversed(sc.ctx.recent) if a.actor][:4]
        new: list[Hit] = []
        for o in out:
            code, s, t, rule, conf, modality, pl = o
            taken = {h[1].actor for h in out if h is not o and h[0][:2] == code[:2]}
            back = rule.startswith("model:")
            was, s = s, self._slot(sc, "source", code, s, here, recent, taken, None, start, back) or s
            if t is not None and (t.actor, t.agent) == (s.actor, s.agent):
                t = was  # the sides swapped: the rules' target did it to the rules' source
            taken = {h[2].actor for h in out if h is not o and h[0][:2] == code[:2] and h[2] is not None}
            t = self._slot(sc, "target", code, t, here, recent, taken, s, start, back)
            new.append((code, s, t, rule, conf, modality, pl))
        return new

    def _slot(
        self,
        sc: Scene,
        slot: str,
        code: str,
        chosen: Actor | None,
        here: list[tuple[Actor, Slot]],
        recent: list[Actor],
        taken: set[str],
        source: Actor | None,
        start: int,
        backoff: bool = False,
    ) -> Actor | None:
        mine = chosen.actor if chosen is not None and chosen.actor else None
        cands: list[tuple[Actor | None, Slot | None, int]] = []
        seen: set[str | None] = set()
        if slot == "target":
            cands.append((None, None, 0))
            seen.add(None)
        for a, w in here:
            if a.actor not in seen:
                seen.add(a.actor)
                cands.append((a if a.actor != mine or chosen is None else chosen, w, 0))
        for k, a in enumerate(recent):
            if a.actor not in seen:
                seen.add(a.actor)
                cands.append((a if a.actor != mine or chosen is None else chosen, None, k))
        if mine not in seen and chosen is not None:
            cands.append((chosen, None, 0))
        if slot == "target" and source is not None:
            cands = [c for c in cands if c[0] is None or c[0].actor != source.actor or c[0].agent != source.agent]
        story = sc.ctx.story_state()
        last = sc.ctx.last_source
        rows = [
            (
                a,
                slot_features(
                    slot, code, a, w, (a.actor if a is not None else None) == mine, source, k,
                    a is not None and a.actor in taken,
                    a is not None and story is not None and a.actor == story.actor,
                    a is not None and last is not None and a.actor == last.actor, backoff,
                ),
            )
            for a, w, k in cands
        ]  # fmt: skip
        if self.slot_log is not None:
            self.slot_log.append((start, code, slot, [(a.actor if a else None, f, (a.actor if a else None) == mine)
                                                      for a, f in rows]))  # fmt: skip
            return chosen
        if self.slots is None or slot not in self.slots:
            return chosen
        m = self.slots[slot]
        scored = [(_sigmoid(m.score(f)), a) for a, f in rows]
        own = max((p for p, a in scored if (a.actor if a else None) == mine), default=0.0)
        alts = [(p, a) for p, a in scored if (a.actor if a else None) != mine and (a is None or a.actor not in taken)]
        if not alts:
            return chosen
        p, best = max(alts, key=lambda x: x[0])
        return chosen if p <= own + SLOT_MARGIN else best

    def _weigh(self, sc: Scene, p: Mapping[int, float], out: list[Hit]) -> list[Hit]:
        """The root model's say: each event's confidence blends the rule's with the model's probability of its
        root (the best event is the one both agree on); a sentence no rule codes gets the model's root when it is
        confident of one (its general code, "190"), the actors from the main verb's roles; so does a sentence whose
        rules coded other roots than the one the model gives at least ``ADD``."""
        top = max((r for r in p if r), key=lambda r: p[r], default=0)
        if out:
            out = [
                (c, s, t, rule, (conf + MODEL_WEIGHT * p.get(int(c[:2]), 0.0)) / (1 + MODEL_WEIGHT), m, pl)
                for c, s, t, rule, conf, m, pl in out
            ]
            if not top or p[top] < ADD or any(int(o[0][:2]) == top for o in out):
                return out
        elif not top or p[top] < BACKOFF or p[top] < p.get(0, 0.0):
            return []
        toks = sc.toks
        heads = [i for i, t in enumerate(toks) if t.dep == "ROOT"]
        if not heads:
            return []
        v = heads[0]
        if toks[v].lemma.casefold() in SAY and top not in SPEECH_ROOTS:  # "X said Y attacked Z": Y's act
            v = next((k for k in children(toks, v) if toks[k].dep == "ccomp"), v)
        sources, targets, _ = self._roles(sc, v, children(toks, v))
        story = sc.ctx.story_state() or sc.ctx.last_country
        if not sources:  # "Union leaders said...", "Local officials blamed...": people of the story's state
            sources = [story] if story is not None else []
        code, conf = f"{top:02d}0", BACKOFF_CONFIDENCE * p[top]
        added: list[Hit] = []
        for s in dedup(sources)[:4] or [UNKNOWN]:  # "Mali, Burkina Faso and Niger left ECOWAS": one event each
            t = next((a for a in targets if a.actor != s.actor), None)  # not itself: the context's other party
            added.append((code, s, t, "model: root back-off", conf, "asserted", None))
        return [*out, *added]

    def _nominal(self, sc: Scene) -> list[Hit]:
        """An event named by a noun that is the subject of a verb of happening ("Shelling continued",
        "Protests spread", "Israeli strikes hit..."), when no verb coded one: its owner is the noun's own
        actor ("Israeli strikes"), else the state the sentence or the story places it in."""
        toks, mentions, ctx = sc.toks, sc.mentions, sc.ctx
        for h, t in enumerate(toks):
            code = NOMINAL.get(t.lemma.casefold()) or NOMINAL.get(t.lower)
            # "Fighting continued", "Shelling continued": the small model reads the gerund as a verb or an auxiliary
            gerund = t.lower.endswith("ing") and t.pos in ("VERB", "AUX") and t.dep in ("nsubj", "csubj", "aux")
            if code is None or (t.pos != "NOUN" and not gerund):
                continue
            v = t.head
            if (t.dep not in ("nsubj", "nsubjpass") and not gerund) or toks[v].lemma.casefold() not in HAPPEN:
                hits = self._owned_event(sc, h, code)  # "clashes between X and Y", "Russia's attack on Ukraine"
                if hits:
                    return hits
                continue
            if any(toks[k].dep == "neg" for k in children(toks, v)):
                continue
            owner = self._one(sc, h, "source", report=False)
            going_on = toks[v].lemma.casefold() in ONGOING  # "fighting continued": the sides of the last fight
            definite = any(toks[k].lower in ("the", "this", "that", "these", "those") for k in children(toks, h))
            if owner is None and not definite and not going_on and code[:2] in ("18", "19", "20"):
                # "a car bomb exploded outside a hospital", "a suspected chemical attack killed 58 people"
                own = [k for k in subtree(toks, h, CLAUSE) if k in mentions and not mentions[k].person]
                base = (
                    mentions[own[0]] if own else near_country(toks, h, mentions, ctx.story_state() or ctx.last_country)
                )
                where = Actor(base.actor, None, base.text, "context") if base is not None else None
                if _chemical(toks, noun_phrase(toks, h)):  # "a suspected chemical attack"
                    code = "2041"
                return [(code, UNKNOWN, where, f"{t.lemma}: nominal event (no one named)", 0.45, "asserted", None)]
            if owner is None and code[:2] in ("18", "19") and ctx.last_fight is not None:
                # "Fighting continued", "Shelling continued": the sides of the story's last act of force
                side, other = ctx.last_fight
                return [(code, side, other, f"{t.lemma}: nominal event (continued)", 0.45, "asserted", None)]
            if owner is None:
                base = near_country(toks, h, mentions, as_state(ctx.last_source) or ctx.last_country)
                if base is None:
                    continue
                agent = "CVL" if code.startswith("14") else None
                owner = Actor(base.actor, agent, t.text, "context", False)
            return [(code, owner, None, f"{t.lemma}: nominal event", 0.45, "asserted", None)]
        return []

    def _quoted_statement(self, sc: Scene) -> list[Hit]:
        """A speaker quoted in a sentence that codes nothing else makes a statement (010): '"This is the beginning
        of the peace process," the mediator told reporters'; a plain report ("officials said") stays no event."""
        toks = sc.toks
        if sum(t.text in ('"', "“", "”") for t in toks) < 2:
            return []
        for v, t in enumerate(toks):
            if t.pos != "VERB" or t.lemma.casefold() not in ("say", "tell") or t.dep not in ("ROOT", "parataxis"):
                continue
            kids = children(toks, v)
            if any(toks[k].dep == "neg" for k in kids):
                continue
            sources, _, _ = self._roles(sc, v, kids)
            said = [k for k in kids if toks[k].dep in ("ccomp", "parataxis")]
            inner = [j for k in said for j in subtree(toks, k, frozenset())]
            if any(toks[j].lemma.casefold() in NEGATIVE for j in inner):  # '"further ruin Ukraine"': a criticism
                own = {a.actor for a in sources}
                named = [sc.mentions[j] for j in inner if j in sc.mentions and sc.mentions[j].actor not in own]
                whom = named[0] if named else None
                return [("111", a, whom, "say: a quoted criticism", 0.4, "asserted", None) for a in sources[:1]]
            never_better = any(toks[j].lower in ("stronger", "better", "closer", "deeper") for j in inner)
            praised = [j for j in inner if toks[j].lemma.casefold() in QUOTED_PRAISE]
            if praised and (
                never_better or not any(toks[k].dep == "neg" for j in praised for k in children(toks, toks[j].head))
            ):  # '"The people of Ghouta have shown extraordinary courage"', '"never been stronger"': praise (051)
                own = {a.actor for a in sources}
                named = [sc.mentions[j] for j in inner if j in sc.mentions and sc.mentions[j].actor not in own]
                whom = named[0] if named else None
                return [("051", a, whom, "say: quoted praise", 0.4, "asserted", None) for a in sources[:1]]
            return [("010", a, None, "say: a quoted statement", 0.4, "asserted", None) for a in sources[:1]]
        return []

    def _aid_arrives(self, sc: Scene) -> list[Hit]:
        """Aid that arrives is aid given (073): "the first UN aid convoy crossed into Syria", "trucks carrying food
        entered the enclave"; the sender is the carrier's own actor (or none named), the receiver where it goes."""
        toks, mentions, ctx = sc.toks, sc.mentions, sc.ctx
        for h, t in enumerate(toks):
            v = t.head
            if t.dep != "nsubj" or t.lemma.casefold() not in CARRIERS or toks[v].lemma.casefold() not in ARRIVE:
                continue
            if any(toks[k].dep == "neg" for k in children(toks, v)):
                continue
            phrase = subtree(toks, h, frozenset({"relcl", "ccomp", "punct"}), depth=4)
            if not any(toks[k].lemma.casefold() in AID_GOODS for k in phrase):
                continue
            own = [k for k in phrase if k in mentions and not is_place(toks, k, mentions)]
            sender = self._one(sc, own[0], "source", report=False) if own else None
            _, targets, _ = self._roles(sc, v, children(toks, v))
            where = [k for k in subtree(toks, v, CLAUSE) if k in mentions and k not in phrase]
            receiver = targets[0] if targets else (mentions[where[0]] if where else ctx.story_state())
            if receiver is not None and sender is not None and receiver.actor == sender.actor:
                receiver = None
            rule = f"{t.lemma.casefold()} {toks[v].lemma.casefold()}: aid arrives"
            return [("073", sender or UNKNOWN, receiver, rule, 0.5, "asserted", None)]
        return []

    def _owned_event(self, sc: Scene, h: int, code: str) -> list[Hit]:
        """An event noun whose doer the phrase names ("clashes between the army and the rebels", "an attack on
        the convoy by gunmen", "Russia's attack on Kyiv", "Israeli strikes on Gaza"): only with a named doer."""
        toks, mentions = sc.toks, sc.mentions
        if any(toks[k].dep == "neg" or toks[k].lower in ("no", "without") for k in children(toks, h)):
            return []
        up = toks[h].head
        if toks[h].dep == "pobj" and toks[up].lower in BACKGROUND:  # "in response to an Israeli attack": history
            return []
        preps = {toks[p].lower: p for p in children(toks, h) if toks[p].dep == "prep"}
        sources: list[Actor] = []
        targets: list[Actor] = []
        if "between" in preps:
            both = self._pobj(sc, preps["between"], report=False)
            if len(both) > 1:
                sources, targets = both[:1], both[1:]
        if not sources and "by" in preps:
            sources = self._pobj(sc, preps["by"], report=False)
        if not sources:
            own = [k for k in noun_phrase(toks, h) if k != h and k in mentions and not is_place(toks, k, mentions)]
            if own:
                a = self._one(sc, own[0], "source", report=False)
                sources = [a] if a is not None else []
        if not sources:
            return []
        for prep in ("on", "against", "with", "at", "in"):
            if not targets and prep in preps:
                targets = [a for a in self._pobj(sc, preps[prep], report=False) if a.actor != sources[0].actor]
        rule = f"{toks[h].lemma}: event noun"
        if not targets:
            return [(code, sources[0], None, rule, 0.45, "asserted", None)]
        out: list[Hit] = [(code, sources[0], targets[0], rule, 0.45, "asserted", None)]
        if code in SYMMETRIC and "between" in preps:  # clashes, talks between X and Y: each side's act
            out.append((code, targets[0], sources[0], rule, 0.45, "asserted", None))
        return out

    def _context_target(self, o: Hit, ctx: Context, here: Sequence[Actor] = ()) -> Hit:
        """A targetless event (not a statement) takes the last other actor of the document, at lower confidence;
        a protest without a target is against its own government; force by the state's police, army or
        government against civilians or protesters is repression (CAMEO 175)."""
        code, s, t, rule, conf, modality, place = o
        if code.startswith("181") and rule.startswith(("arrest", "detain")) and s.agent in STATE_BODIES:
            code, rule = "173", rule + " (by the state: an arrest)"  # police arresting a minister is no abduction
        if code[:2] == "16" and t is not None and t.actor == s.actor and (s.agent in STATE_BODIES or not s.agent):
            code, rule = "172", rule + " (at home: administrative sanctions)"  # "suspended internet services"
        if t is not None and t.actor == s.actor and t.agent is None and s.agent and code[:2] not in SELF_ROOTS:
            t = None  # "Tokyo lodged a protest", "Moscow would reduce activity": the state itself is no target
        if code in ("183", "190", "180") and "suicide" in s.text.casefold():  # "a suicide bomber blew himself up"
            code, rule = "1831", rule + " (suicide attack)"
        if code.startswith("145") and s.agent is not None and s.agent not in CIVIL:  # gunmen storming a hotel: force
            code, rule = ("180" if s.agent in IRREGULAR | {"REB", "INS"} else "190"), rule + " (not a protest)"
        if code[:2] in ("18", "19") and s.agent in CIVIL:  # protesters storming, attacking: a violent protest
            code, rule = "145", rule + " (violent protest)"
        elif code[:2] == "19" and code != "195" and s.agent in IRREGULAR:  # gunmen, militants: unconventional
            code, rule = ("183" if "bomb" in rule else "180"), rule + " (unconventional violence)"
        if (
            t is not None
            and code[:2] in ("18", "19")
            and s.agent in ("COP", "MIL", "GOV")
            and t.agent in CIVIL
            and (s.agent == "COP" or any(w in t.text.casefold() for w in ("protest", "demonstrat", "crowd", "march")))
        ):  # force by the police against civilians, or by the state against protesters: repression (175)
            return "175", s, t, rule + " (repression)", conf, modality, place
        if (
            t is None
            and code[:2] in ("18", "20")
            and is_state(s.actor)
            and s.agent in DOMESTIC_FORCES
            and all(a.actor == s.actor for a in here)  # no other party named in the sentence
        ):
            # "the RSF deliberately targeted women and girls": a state's own armed group against its own people
            return code, s, Actor(s.actor, "CVL", "", "context"), rule, conf - 0.1, modality, place
        if t is None and code.startswith("14"):
            return code, s, Actor(s.actor, "GOV", "", "context"), rule, conf - 0.1, modality, place
        if (
            t is not None
            or code.startswith(("01", "15"))
            or (code.startswith("09") and self.targets is None)
            or rule.endswith("(to no one named)")
        ):
            # statements, investigations and force posture often have no target: none is made up (the target
            # model, where there is one, weighs "no target" against the story's actors for investigations; for
            # posture that cost more than it gained in CV: root 15 triple F1 0.29 -> 0.28)
            return code, s, t, rule, conf, modality, place
        cands = [
            (r, k < len(here))
            for k, r in enumerate([*here, *reversed(ctx.recent)])
            if (r.actor, r.agent) != (s.actor, s.agent)
        ]
        if self.targets is not None and cands:  # the learned choice among them, or none
            m = self.targets
            best = max(
                [
                    (m.score(target_features(code, s, r, k, h, _same(r, ctx.last_source))), -k, r)
                    for k, (r, h) in enumerate(cands)
                ],
                key=lambda x: x[:2],
            )
            if m.score(target_features(code, s, None, 0, False)) > best[0]:
                return code, s, None, rule, conf, modality, place
            r = best[2]
            return code, s, Actor(r.actor, r.agent, r.text, "context", r.person), rule, conf - 0.15, modality, place
        if cands:  # the rules' choice: the sentence's first other actor, else the document's latest
            r = cands[0][0]
            return code, s, Actor(r.actor, r.agent, r.text, "context", r.person), rule, conf - 0.15, modality, place
        return code, s, t, rule, conf, modality, place

    # -- verbs -----------------------------------------------------------------------------------
    def _verb_events(self, sc: Scene, norms: list[str], v: int, consumed: set[int]) -> list[Hit]:
        toks, mentions, ctx = sc.toks, sc.mentions, sc.ctx
        t = toks[v]
        kids = children(toks, v)
        lemma = t.lemma.casefold()
        if lemma not in self.d.verbs and t.pos == "VERB":
            lemma = known_lemma(t.lower, self.d.verbs) or lemma  # the small model's "raped" → "rap"
        verb = self._verb_phrase(toks, kids, lemma)
        if _same_again(toks, v, kids) and ctx.last_act is not None and not any(toks[k].dep == "neg" for k in kids):
            return self._again(sc, v, kids, lemma, ctx.last_act)
        if lemma in THREAT_VERBS and _future_or_vowed(toks, v, kids):
            # "Moscow would respond in kind", "vowed to punish", "will pay a heavy price": a threat (138 force)
            if any(toks[k].dep == "neg" for k in kids):
                return []
            sources, targets, _ = self._roles(sc, v, kids)
            threat = "138" if lemma in FORCE_VERBS else "130"
            g = toks[v].head
            if lemma in ("pay", "face") and toks[v].dep == "ccomp" and g != v:
                # "warned that the United States would pay a heavy price": the warner threatens the payer
                warner = self._roles(sc, g, children(toks, g))[0]  # "said ... and promised that": inherited
                if warner:
                    sources, targets = warner, sources
                    threat = "138" if toks[g].lemma.casefold() in ("warn", "threaten", "vow", "promise") else threat
            whom: list[Actor | None] = list(targets) if targets else [None]
            return [(threat, a, b, f"{lemma}: future threat", 0.55, "threatened", None) for a in sources for b in whom]
        if verb not in self.d.verbs:
            return []
        # the governing chain decides modality ("threatened to", "refused to", "will")
        modality = Modality.ASSERTED
        if lemma in ("comment", "respond") and (
            any(toks[k].dep == "neg" for k in kids)
            or (toks[v].dep == "xcomp" and toks[toks[v].head].lemma.casefold() in REFUSE)
        ):  # "did not comment", "declined to comment": CAMEO 011
            sources, _, _ = self._roles(sc, v, kids)
            return [("011", a, None, "no comment", 0.6, "asserted", None) for a in sources]
        if any(toks[k].dep == "neg" for k in kids) or any(
            toks[k].lower in ("never", "no") and toks[k].dep in ("neg", "advmod") for k in kids
        ):
            return []
        auxes = {toks[k].lower for k in kids if toks[k].dep in ("aux", "auxpass")}
        brokered = lemma in BROKER and any(toks[k].dep == "agent" for k in kids)  # "a truce brokered by Qatar"
        if (
            toks[v].dep == "acl"
            and toks[v].lower.endswith(("ed", "en"))
            and not auxes
            and not any(toks[k].dep == "dobj" for k in kids)
            and not brokered
        ):
            return []  # "personnel armed with knives", "a suspect wanted by the court": a description
        if "to" in auxes and toks[v].dep in ("advcl", "acl", "relcl"):
            return []  # "ran out of money to pay for fuel", "deployed troops to restore order": a purpose, not an act
        if _in_purpose(toks, v):
            return []  # "sent soldiers to help evacuate staff": what the purpose would do
        if auxes & HYPOTHETICAL:
            return []
        subj = [k for k in kids if toks[k].dep in SUBJ]
        if subj and any(toks[k].lower == "neither" for k in children(toks, subj[0])):
            return []  # "Neither the army nor the RSF has arrested a suspect"
        if toks[v].dep == "advcl" and any(toks[k].dep == "mark" and toks[k].lower in CONDITION for k in kids):
            return []  # "talks ... if they renounced violence", "unless both asked it to": a condition, not an act
        if auxes & FUTURE:
            modality = Modality.INTENDED
        x = v
        while toks[x].dep == "conj" and toks[x].head != x and toks[toks[x].head].pos in ("VERB", "AUX"):
            x = toks[x].head  # "urged both sides to de-escalate and to protect": the first conjunct's governor
        gov = toks[x].head if toks[x].dep in ("xcomp", "pcomp", "ccomp") and toks[x].head != x else None
        if gov is not None and toks[x].dep == "pcomp" and toks[gov].pos == "ADP" and toks[gov].head != gov:
            gov = toks[gov].head  # "committed to cooperating", "ready for talks": the word before the preposition
        if _blocked(toks, x):
            return []
        gov_lemma = toks[gov].lemma.casefold() if gov is not None else ""
        if gov is not None and toks[x].dep in ("xcomp", "pcomp"):
            gkids = children(toks, gov)
            if any(toks[k].dep == "neg" for k in gkids) and gov_lemma not in REFUSE:
                return []
            if gov_lemma == "fail":
                return []  # "failed to protect": the act did not happen
            if gov_lemma in THREATEN:
                modality = Modality.THREATENED
            elif gov_lemma in REFUSE:
                modality = Modality.NEGATED
            elif gov_lemma in INTEND or gov_lemma in INTEND_ADJ or gov_lemma in ("be", "due"):
                # "plans to", "was willing to step down", "troops are to withdraw", "is due to take effect"
                modality = Modality.INTENDED
            elif gov_lemma in NOT_ASSERTED or gov_lemma in APPEAL:
                return []
            g_aux = {toks[k].lower for k in gkids if toks[k].dep in ("aux", "auxpass")}
            if g_aux & HYPOTHETICAL:
                return []
            if g_aux & FUTURE and modality is Modality.ASSERTED:
                modality = Modality.INTENDED
        if gov is not None and toks[x].dep == "ccomp" and gov_lemma in NOT_ASSERTED - {"claim"}:
            return []
        ccomp0 = [k for k in kids if toks[k].dep == "ccomp" and toks[k].pos in ("VERB", "AUX")]
        if (
            ccomp0 and lemma in SAY and not self._has_event(toks, ccomp0[0])
        ):  # "said the sanctions were 'unlawful'": a criticism of whoever the clause names
            inner = subtree(toks, ccomp0[0], frozenset())
            lemmas = [toks[k].lemma.casefold() for k in inner]
            negated = any(toks[k].dep == "neg" for k in inner)
            if any(w in NEGATIVE for w in lemmas) or any(
                " ".join(lemmas[i : i + 2]) in NEGATIVE for i in range(len(lemmas) - 1)
            ):
                sources, _, _ = self._roles(sc, v, kids)
                named = [mentions[k] for k in inner if k in mentions]
                target = named[0] if named else None
                return [("111", a, target, "say: a criticism", 0.5, "asserted", None) for a in sources]
            ckids = children(toks, ccomp0[0])
            if (
                any(toks[k].dep == "neg" for k in ckids)
                and any(toks[k].dep == "aux" and toks[k].lower in FUTURE for k in ckids)
                and not any(toks[k].dep == "auxpass" for k in ckids)  # "would not be intimidated": defiance, no
            ):  # "said his government would not pay any ransom", "would not back down": a rejection
                sources, _, _ = self._roles(sc, v, kids)
                return [("120", a, None, "say: would not", 0.45, "negated", None) for a in sources]
            if not negated and any(
                toks[k].lemma.casefold() in POSITIVE and toks[k].pos != "VERB" for k in inner
            ):  # "said the talks had made progress"
                sources, _, _ = self._roles(sc, v, kids)
                return [("013", a, None, "say: optimism", 0.45, "asserted", None) for a in sources]
        before, after = windows(toks, v)
        code, rule = self.d.code_for(verb, before, after, own_prepositions(toks, v, kids))
        done = [n for k in kids if toks[k].dep == "dobj" for n in (k, *conjuncts(toks, k))]
        done += [k for k in kids if toks[k].dep == "conj" and toks[k].pos == "NOUN"]  # "executions and torture"
        done = [n for n in done if event_noun(toks, n) is not None]
        if code is None and verb in LIGHT_VERBS and done:
            # "carried out executions and torture against civilians", "committed genocide": the noun's act
            code = event_noun(toks, done[0])
            rule = f"{verb}: * {toks[done[0]].lemma.casefold()} (the act named)"
        if lemma in ASPECT and "*" not in rule:  # "resumed military exercises", "began talks": the activity's code
            noun = next((toks[k].lemma.casefold() for k in kids if toks[k].dep == "dobj"), "")
            if noun in ACTIVITY_CODES:
                code, rule = ACTIVITY_CODES[noun], f"{lemma}: * {noun} (activity)"
        if lemma in EXPEL and _expulsion(toks, kids):
            code, rule = "201", f"{lemma}: * people from their homes (mass expulsion)"
        if lemma in ("force", "push", "fight", "make") and any(
            toks[k].dep == "dobj" and toks[k].lemma.casefold() == "way" for k in kids
        ):
            return []  # "tried to force their way across": a movement, not coercion
        drills = [k for k in kids if toks[k].dep == "dobj" and toks[k].lemma.casefold() in DRILLS]
        if code is not None and code.startswith("06") and drills and not _joint(toks, v, kids, drills[0]):
            code, rule = "150", rule + " (drills of its own)"  # joint drills cooperate (062); one's own show force
        if lemma == "call" and any(toks[k].lower == "what" and toks[k].dep in ("dobj", "nsubj") for k in kids):
            return []  # "struck what New Delhi called a training camp": a name for something, not a statement
        quoted = _quoted_after_object(toks, kids) if lemma == "call" else []
        if lemma == "call" and (quoted or any(toks[k].dep == "oprd" for k in kids)):
            # "called the attack a grave breach" criticises; "called the decision historic" praises (051)
            said = [toks[j].lemma.casefold() for k in kids if toks[k].dep == "oprd" for j in subtree(toks, k, CLAUSE)]
            said += [toks[j].lemma.casefold() for j in quoted]
            if any(w in PRAISE for w in said) and not any(w in NEGATIVE for w in said):
                code, rule = "051", "call: X * Y (praise)"
            else:
                code, rule = "111", "call: X * Y (a characterisation)"
        used = [j for k in kids if toks[k].dep == "dobj" for j in subtree(toks, k, ARGUMENT)]
        if lemma in WEAPON_USE and _chemical(toks, used):
            code, rule = "2041", f"{lemma}: * chemical weapons"  # "used chemical weapons", "deployed nerve agents"
        if code is None:
            return []
        # verbs that govern another event: the governed verb carries it ("threatened to strike")
        xcomp = [k for k in kids if toks[k].dep in ("xcomp",) and toks[k].pos == "VERB"]
        ccomp = [k for k in kids if toks[k].dep in ("ccomp",) and toks[k].pos in ("VERB", "AUX")]
        if xcomp and lemma in ORDER | {"tell", "give"} and toks[xcomp[0]].lemma.casefold() in ("leave", "depart"):
            envoys = [k for k in kids if toks[k].dep in ("dobj", "dative") and toks[k].lemma.casefold() in ENVOYS]
            if envoys:  # "ordered the French ambassador to leave the country": an expulsion
                sources, targets, _ = self._roles(sc, v, kids)
                return [
                    ("174", a, b, f"{lemma}: envoy * to leave", 0.7, "asserted", None) for a in sources for b in targets
                ]
        if xcomp and (lemma in THREATEN | REFUSE | INTEND | ORDER) and self._has_event(toks, xcomp[0]):
            return []
        if xcomp and lemma == "fail":
            return []  # "failed to stop the crowds": nothing was done
        if ccomp and lemma in SAY and self._has_event(toks, ccomp[0]):
            return []

        if lemma in SAY and (code.startswith(("01", "04", "05")) or ccomp):
            return []  # plain "said", "said in a video message that...": a report, not an act of its own
        refused = modality is Modality.NEGATED and gov_lemma in REFUSE
        conditional = any(toks[k].lower in ("if", "unless") for k in subtree(toks, v, frozenset({"ccomp", "relcl"})))
        if modality is Modality.INTENDED and code[:2] == "16" and not conditional:
            pass  # "agreed to cut off Russian banks", "would suspend the agreement": a decision is the act (16x)
        elif modality is not Modality.ASSERTED:
            code = recode(code, modality)  # "if X does not..., we will cut ties" stays a threat (131x)
        if code is None and refused:
            code = "120"  # "refused to release": a rejection even where CAMEO has no negated code for the act
        if code is None:
            return []
        if modality is Modality.INTENDED and code[:2] in INTENT_ROOT:
            code = INTENT_ROOT[code[:2]] if code[:3] not in INTENT_ROOT else INTENT_ROOT[code[:3]]
        ctx.hostile = code[:2] in ("13", "14", "16", "17", "18", "19", "20")
        sources, targets, passive = self._roles(sc, v, kids)
        if lemma in ("die", "perish") and code[:2] in ("18", "19", "20"):
            if toks[v].dep in ("relcl", "acl"):
                return []  # "Navalny, who died in an Arctic prison": a description of the victim
            targets, sources = sources, self._by_event_noun(sc, kids) or [UNKNOWN]  # the dead are the victims
        if code[:2] == "06" and lemma in DEPLOY and all(a.actor in {s.actor for s in sources} for a in targets):
            code, rule, targets = "154", rule + " (at home: a build-up)", []  # "deployed armoured vehicles in Quito"
        if code[:2] in REACTIONS and all(a.actor in {s.actor for s in sources} for a in targets):
            # "condemned the attack", "rejected the findings": its doer, also over a target of the speaker's own
            # state ("the junta rejected the demand" answers ECOWAS, not the state it rules)
            targets = self._doer_of_object(sc, kids, sources) or targets
        if brokered and toks[v].dep == "acl":  # the mediators are the "by" phrase; the parties come from the story
            sources = [a for k in kids if toks[k].dep == "agent" for a in self._pobj(sc, k)]
            targets, code = [], "045" if code[:2] != "04" else code
        ctx.hostile = False
        if not targets and done and "(the act named)" in rule:  # "executions against civilians", "raids on"
            for n in done:
                for q in children(toks, n):
                    if toks[q].dep == "prep" and toks[q].lower in ("against", "on", "targeting"):
                        targets = targets or self._pobj(sc, q)
        if not sources and passive and targets and code[:2] == "15" and toks[v].dep not in ("advcl", "relcl", "acl"):
            sources, targets = targets, []  # "troops were placed on alert", "were deployed": theirs is the posture
        if not sources and passive and targets:
            # "was killed in an Israeli strike", "killed in a clash with Chinese troops": the event noun's owner
            sources = self._by_event_noun(sc, kids)
            if not sources and code[:2] in ("18", "19", "20") and lemma in WEAPON_VERBS:
                sources = [UNKNOWN]  # "Rockets were fired at Israeli cities": force without its doer named
        if not sources:
            return []
        if code[:2] == "14" and not targets:  # "protested outside the US embassy": the embassy's state
            for k in subtree(toks, v, CLAUSE):
                if toks[k].lemma.casefold() in ("embassy", "consulate") and toks[k].pos == "NOUN":
                    named = [sc.mentions[j] for j in noun_phrase(toks, k) if j in sc.mentions]
                    if named:
                        targets = [Actor(named[0].actor, "GOV", named[0].text, "named")]
                        break
        if code[:2] in ("18", "19") and lemma in KILL:
            code = _killing(toks, v, kids, code, sources)
            if targets and all(a.person for a in targets) and not modality_is_intent(modality):
                code = "186"  # a named person killed: an assassination
        if code[:2] in ("18", "19", "20") and code != "2041" and _chemical(toks, _own_act(toks, v, kids)):
            code, rule = "2041", rule + " (chemical weapons)"  # "dropped barrels filled with chlorine on ..."
        conf = 0.75 if "*" in rule or " " in verb else 0.6  # a pattern or a phrase ("open fire") is specific
        if modality is not Modality.ASSERTED:
            conf -= 0.05
        if (toks[v].dep in ("advcl", "acl") and toks[v].lower.endswith("ing")) or toks[v].dep == "relcl":
            conf -= 0.1  # "..., killing 40 people", "the troops, who fired...": a circumstance of the main event
        place = None
        if (
            not targets
            and code[:2] in ADDRESSED
            and modality is Modality.ASSERTED
            and _unnamed_addressee(toks, kids, mentions, self.d.agents)
        ):
            rule += " (to no one named)"  # "appealed to donors", "urged Western allies": no context target
        out: list[Hit] = []
        symmetric = code in SYMMETRIC or code[:3] in SYMMETRIC
        # "Colombia and the ELN agreed to a ceasefire": an agreement of several sides is each with the others
        symmetric = symmetric or (not targets and code[:2] in ("03", "05", "08") and rule.startswith(AGREEING))
        if symmetric and len(sources) > 1 and {a.actor for a in targets} <= {a.actor for a in sources}:
            # "Greece and Turkey held talks in Athens": each side's act with the other, not with the venue
            pairs: list[tuple[Actor, Actor | None]] = [(a, b) for a in sources for b in sources if a != b]
        else:
            objects: list[Actor | None] = list(targets) if targets else [None]
            pairs = [(a, b) for a in sources for b in objects]
        for s, tg in pairs:
            out.append((code, s, tg, rule, conf if tg is not None else conf - 0.1, modality.value, place))
        if "(the act named)" in rule and modality is Modality.ASSERTED:  # "executions, torture and rape": each act
            more = dict.fromkeys(c for n in done[1:] if (c := event_noun(toks, n)) is not None and c != code)
            out += [(c, *hit[1:]) for c in more for hit in list(out)]
        return out

    def _again(self, sc: Scene, v: int, kids: list[int], lemma: str, last: tuple[str, Actor | None]) -> list[Hit]:
        """ "Britain, Germany and Italy followed suit", "Canada did the same": the last act, by these sources."""
        code, whom = last
        sources, _, _ = self._roles(sc, v, kids)
        rule = f"{lemma}: the same act again" + ("" if whom is not None else " (to no one named)")
        return [(code, a, whom, rule, 0.5, "asserted", None) for a in sources]

    def _verb_phrase(self, toks: Sequence[Tok], kids: list[int], lemma: str) -> str:
        """The dictionary's verb phrase for a verb: with its particle ("shoot down"), its preposition ("meet
        with", "ask for") or its object ("wage war", "give notice") when the dictionary has that phrase."""
        v = toks[kids[0]].head if kids else -1
        for dep in ("prt", "prep", "dobj"):
            for k in kids:
                if toks[k].dep == dep and (dep != "prep" or k == v + 1):  # "met with", not "went from ... to"
                    phrase = f"{lemma} {toks[k].lemma.casefold()}"
                    if phrase in self.d.verbs:
                        return phrase
        return lemma

    def _has_event(self, toks: Sequence[Tok], v: int) -> bool:
        lemma = toks[v].lemma.casefold()
        kids = children(toks, v)
        verb = self._verb_phrase(toks, kids, lemma)
        if verb not in self.d.verbs:
            return False
        before, after = windows(toks, v)
        return self.d.code_for(verb, before, after, own_prepositions(toks, v, kids))[0] is not None


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def _same(a: Actor, b: Actor | None) -> bool:
    return b is not None and (a.actor, a.agent) == (b.actor, b.agent)


def speaker_acts(toks: Sequence[Tok]) -> Sequence[Tok]:
    """Conjoined acts of the speaker reattached to the verb of saying: in "officials said dozens had been killed
    and accused Baku of launching a war" the small model hangs "accused" on "killed" (the reported clause). A
    verb with no subject, auxiliary or "that" of its own, after a reported clause with its own subject, is the
    speaker's second act when it is an act of speech ("said ... and called for an investigation"), when it
    cannot share the clause's modal ("said it would hold them accountable and later imposed sanctions"), or
    when a comma sets it off ("determined that militias had committed genocide, and imposed sanctions")."""
    out: list[Tok] | None = None
    for v, t in enumerate(toks):
        h = t.head
        if t.dep != "conj" or t.pos != "VERB" or t.lower.endswith("ing"):
            continue
        if not (0 <= h < len(toks)) or toks[h].dep != "ccomp" or h == v:
            continue
        g = toks[h].head
        if g == h or toks[g].lemma.casefold() not in SAY | FINDINGS:
            continue
        kids = [k for k, x in enumerate(toks) if x.head == v and k != v]
        if any(toks[k].dep in ("nsubj", "nsubjpass", "aux", "auxpass", "mark") for k in kids):
            continue
        if not any(x.head == h and x.dep in ("nsubj", "nsubjpass") for x in toks):
            continue
        speech = t.lemma.casefold() in SPEAKER_ACTS and toks[g].lemma.casefold() in SAY
        modal = any(x.head == h and x.dep == "aux" and x.lower in HYPOTHETICAL | FUTURE for x in toks)
        inflected = t.lower != t.lemma.casefold()  # "imposed" cannot follow "would"
        cc = next((k for k in range(v - 1, h, -1) if toks[k].dep == "cc"), None)
        comma = cc is not None and cc > 0 and toks[cc - 1].text == ","
        if not (speech or (modal and inflected) or comma):
            continue
        if out is None:
            out = list(toks)
        out[v] = dataclasses.replace(t, head=g)
    return toks if out is None else out


FINDINGS = frozenset({"determine", "conclude", "find", "decide", "acknowledge", "admit", "confirm", "allege", "claim"})
SPEAKER_ACTS = frozenset(
    {
        "accuse", "blame", "call", "urge", "appeal", "demand", "ask", "condemn", "denounce", "criticize", "criticise",
        "deny", "reject", "warn", "vow", "pledge", "promise", "declare", "announce", "refuse", "welcome", "praise",
        "summon", "threaten", "add", "lodge", "file", "recall", "express", "thank", "congratulate",
    }
)  # fmt: skip


CARRIERS = frozenset({"convoy", "truck", "lorry", "shipment", "consignment", "flight", "plane", "ship", "delivery"})
ARRIVE = frozenset({"enter", "cross", "arrive", "reach", "land", "pass", "roll", "dock"})
AID_GOODS = frozenset(
    {"aid", "food", "medicine", "medical", "relief", "humanitarian", "supply", "water", "tent", "shelter", "fuel"}
)


ADDRESSED = frozenset({"02", "10", "13"})  # appeals, demands, threats and warnings are made to someone


def _unnamed_addressee(
    toks: Sequence[Tok], kids: Sequence[int], mentions: Mapping[int, Actor], agents: Mapping[tuple[str, ...], str]
) -> bool:
    """Whether an appeal, demand or warning names its addressee as a group that is no actor ("urged Western
    allies", "appealed to donors", "warned other countries", "called on the international community"); not
    an agent word ("urged residents": the state's civilians), nor known parties ("both countries", "his men")."""
    heads = [k for k in kids if toks[k].dep in ("dobj", "dative")]
    heads += [j for k in kids if toks[k].dep == "prep" and toks[k].lower in ("to", "on") for j in children(toks, k)]
    for h in heads:
        t = toks[h]
        if t.dep not in ("dobj", "dative", "pobj") or t.pos != "NOUN" or h in mentions:
            continue
        if any(j in mentions for j in noun_phrase(toks, h)) or (t.lower,) in agents or (t.lemma.casefold(),) in agents:
            continue
        if any(
            toks[j].dep in ("poss", "nummod") or toks[j].lower in ("both", "these", "those") for j in children(toks, h)
        ):
            continue
        if t.lower != t.lemma.casefold() or t.lemma.casefold() in ("community", "public", "world"):  # a plural
            return True
    return False


def _quoted_after_object(toks: Sequence[Tok], kids: Sequence[int]) -> list[int]:
    """The words of a quotation right after a verb's object: 'called the decision "historic"' (the small
    model hangs such a quoted word on the object or the verb, not as the object's predicate)."""
    quotes = ('"', "“", "”")
    obj = next((k for k in kids if toks[k].dep == "dobj"), None)
    if obj is None:
        return []
    last = max(subtree(toks, obj, CLAUSE))  # the object's phrase ends: "the attack on its embassy"
    # the quotation opens right after the object's noun (parsed as its modifier) or after its whole phrase
    start = next((j for j in (obj + 1, last + 1) if j < len(toks) and toks[j].text in quotes), None)
    if start is None:
        return []
    end = next((j for j in range(start + 1, min(len(toks), start + 14)) if toks[j].text in quotes), None)
    return list(range(start + 1, end)) if end is not None else []


def _killing(toks: Sequence[Tok], v: int, kids: list[int], code: str, sources: list[Actor]) -> str:
    """Killing recoded by its victims: protesters (or anyone, by police) killed by the state is repression
    (175); 100 or more people, or 20 or more villagers or civilians named as such, is mass killing (202); other
    civilians killed is an assault (180)."""
    objs = [k for k in kids if toks[k].dep in ("dobj", "nsubjpass")]
    if not objs or code not in ("190", "193", "180"):
        return code  # a weapon's code stays: "an Israeli air strike killed seven aid workers" is an air strike
    o = objs[0]
    span = subtree(toks, o, CLAUSE)
    lemmas = {toks[k].lemma.casefold() for k in span}
    many = bool(lemmas & {"hundred", "thousand", "hundreds", "thousands", "million", "millions"})
    # dozens of villagers, farmers or civilians named as such make a massacre; "people" need a hundred
    named_civilians = bool(lemmas & (VICTIMS - {"people", "person"}))
    for k in span:
        if toks[k].pos == "NUM":
            digits = toks[k].text.replace(",", "")
            if digits.isdigit() and int(digits) >= (20 if named_civilians else 100):
                many = True
    protest = bool(lemmas & PROTESTERS)
    civil = protest or bool(lemmas & VICTIMS)
    if civil or lemmas & {"people", "person"}:  # "killed 114 people in the bloodiest day of protests": protesters
        around = {
            toks[k].lemma.casefold()
            for p in kids
            if toks[p].dep == "prep"
            for k in subtree(toks, p, CLAUSE)
            if toks[k].pos == "NOUN"  # not "in March"
        }
        if around & {"protest", "demonstration", "rally", "uprising"}:
            protest = civil = True
    police = any(a.agent == "COP" for a in sources)
    state = police or any(a.agent in ("MIL", "GOV") for a in sources)
    if state and (protest or (police and civil)):
        return "175"
    if many and civil:
        return "202"
    if civil:
        return "180"
    return code


def event_noun(toks: Sequence[Tok], n: int) -> str | None:
    """The CAMEO code of an act named by a noun ("executions", "torture", "sexual violence", "a massacre",
    "genocide", "ethnic cleansing", "air strikes", "a raid"), or None."""
    lemma = toks[n].lemma.casefold()
    mods = {toks[k].lower for k in children(toks, n) if toks[k].dep in ("amod", "compound")}
    if lemma in ("execution", "killing") and "mass" in mods:
        return "202"
    if lemma == "violence" and "sexual" in mods:
        return "1821"
    if lemma == "cleansing" and "ethnic" in mods:
        return "203"
    if lemma == "strike" and mods & {"hunger", "general", "labour", "labor", "national"}:
        return None
    return ACTS_NAMED.get(lemma)


def _expulsion(toks: Sequence[Tok], kids: Sequence[int]) -> bool:
    """Whether a verb drives a population out: "forced over 800,000 from their homes", "drove the entire
    population into the countryside", "expelled tens of thousands of residents"."""
    objs = [k for k in kids if toks[k].dep in ("dobj", "nsubjpass")]
    if not objs or not any(toks[k].dep == "prep" and toks[k].lower in ("from", "out", "into", "across") for k in kids):
        return False
    span = subtree(toks, objs[0], CLAUSE)
    words = {toks[k].lemma.casefold() for k in span}
    people = bool(words & (VICTIMS | {"population", "resident", "inhabitant", "family", "minority"}))
    many = bool(words & {"thousand", "thousands", "million", "millions", "entire", "whole", "population"})
    for k in span:
        digits = toks[k].text.replace(",", "")
        if toks[k].pos == "NUM" and digits.isdigit() and int(digits) >= 1000:
            many = True
            people = people or toks[k].dep == "dobj" or toks[k].head == k  # "forced over 800,000 from their homes"
    return people and many


def _same_again(toks: Sequence[Tok], v: int, kids: Sequence[int]) -> bool:
    """ "followed suit", "did the same", "did likewise": a repeat of the act just told."""
    lemma = toks[v].lemma.casefold()
    objs = {toks[k].lower for k in kids if toks[k].dep in ("dobj", "advmod")}
    return (lemma == "follow" and "suit" in objs) or (lemma == "do" and bool(objs & {"same", "likewise"}))


def _in_purpose(toks: Sequence[Tok], v: int) -> bool:
    """Whether a verb is governed, through infinitives, by a clause of purpose ("to help evacuate staff")."""
    x, seen = v, {v}
    while toks[x].dep == "xcomp" and toks[x].head not in seen:
        x = toks[x].head
        seen.add(x)
        if toks[x].dep in ("advcl", "acl") and any(
            toks[k].dep == "aux" and toks[k].lower == "to" for k in children(toks, x)
        ):
            return True
    return False


def _joint(toks: Sequence[Tok], v: int, kids: Sequence[int], noun: int) -> bool:
    """Whether an activity is done together: "joint drills", "drills with Japan", "China and Russia held drills"."""
    words = {toks[k].lower for k in subtree(toks, noun, CLAUSE)}
    if words & {"joint", "combined", "bilateral", "trilateral", "multinational", "with"}:
        return True
    subj = [k for k in kids if toks[k].dep in SUBJ]
    if subj and any(toks[k].dep == "cc" for k in noun_phrase(toks, subj[0])):  # "Chinese and Belarusian troops"
        return True
    if any(toks[k].dep == "prep" and toks[k].lower in ("with", "alongside") for k in kids):
        return True
    subj = [k for k in kids if toks[k].dep in SUBJ]
    return bool(subj) and any(toks[k].dep == "conj" for k in children(toks, subj[0]))


def known_lemma(word: str, known: Mapping[str, object]) -> str | None:
    """A verb form's base form by its regular ending, when the tagger's lemma is not a dictionary verb ("raped"
    → "rape", "shelled" → "shell", "carried" → "carry", "shipping" → "ship"): the first candidate the dictionary
    knows."""
    cands = []
    for end, repl in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("es", ""),
                      ("s", "")):  # fmt: skip
        if word.endswith(end) and len(word) > len(end) + 2:
            stem = word[: -len(end)]
            cands.append(stem + repl)
            if repl == "" and len(stem) > 3 and stem[-1] == stem[-2]:  # "shipped" → "ship"
                cands.append(stem[:-1])
    return next((c for c in cands if c in known), None)


def _own_act(toks: Sequence[Tok], v: int, kids: Sequence[int]) -> list[int]:
    """A verb's own words, with what describes its arguments, but not other clauses nor its background ("in
    retaliation for the chemical attack", "after the gas attack"), wherever that hangs."""
    out = [v]
    todo = [k for k in kids if toks[k].dep not in CLAUSE or toks[k].dep == "acl"]
    while todo:
        k = todo.pop()
        if toks[k].dep == "prep":
            objs = [o for o in children(toks, k) if toks[o].dep == "pobj"]
            if toks[k].lower in BACKGROUND or any(toks[o].lemma.casefold() in RETALIATION for o in objs):
                continue
        out.append(k)
        todo += [c for c in children(toks, k) if toks[c].dep not in ARGUMENT]
    return out


def _chemical(toks: Sequence[Tok], span: Sequence[int]) -> bool:
    """Whether a phrase names a chemical weapon ("chlorine", "sarin", "mustard gas", "nerve agents", "chemical
    weapons"), not tear gas."""
    words = [toks[k].lemma.casefold() for k in sorted(span)]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return bool(CHEMICAL.intersection(words) or CHEMICAL_PAIRS & pairs)


def _future_or_vowed(toks: Sequence[Tok], v: int, kids: list[int]) -> bool:
    """Whether a verb is said to be coming: "would"/"will", or governed by vow/pledge/promise/threaten."""
    if any(toks[k].dep == "aux" and toks[k].lower in FUTURE for k in kids):
        return True
    h = toks[v].head
    return toks[v].dep == "xcomp" and h != v and toks[h].lemma.casefold() in ("vow", "pledge", "promise", "threaten")


def modality_is_intent(m: Modality) -> bool:
    return m in (Modality.INTENDED, Modality.THREATENED)


def _blocked(toks: Sequence[Tok], x: int) -> bool:
    """Whether a verb is only the object of an appeal, denial, allegation or a 'stop' higher up its chain."""
    seen = {x}
    first = True
    h = toks[x].head
    if toks[x].dep == "acl" and toks[h].pos == "NOUN" and toks[h].lemma.casefold() in CLAIM_NOUNS:
        return True  # "accusations that the army had committed genocide"
    while toks[x].dep in ("xcomp", "pcomp", "conj", "prep", "ccomp") and toks[x].head not in seen:
        h = toks[x].head
        seen.add(h)
        if (
            toks[h].pos in ("VERB", "AUX")
            and toks[h].lemma.casefold() in STOP
            and not (first and toks[x].dep == "conj")
        ):
            return True
        if toks[x].dep == "ccomp":
            # "rejected accusations that the army had committed genocide": what a claim says is not asserted
            return toks[h].pos == "NOUN" and toks[h].lemma.casefold() in CLAIM_NOUNS
        first = False
        x = h
    return False
