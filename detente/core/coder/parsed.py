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
  carries no event of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from detente.core.coder.coder import CodedEvent, DocumentResult, Unresolved
from detente.core.coder.dates import When, find_dates
from detente.core.coder.dictionary import Dictionary, Resolved
from detente.core.coder.rules import Modality, recode

__all__ = ["Actor", "DocumentResult", "ParsedCoder", "Tok", "Unresolved"]


@dataclass(frozen=True, slots=True)
class Tok:
    """One token of a parsed sentence; ``head`` indexes the sentence's token list; ``start`` is a document offset."""

    text: str
    lemma: str
    pos: str
    dep: str
    head: int
    start: int

    @property
    def lower(self) -> str:
        return self.text.casefold()

    def _replace_start(self, offset: int) -> Tok:
        return Tok(self.text, self.lemma, self.pos, self.dep, self.head, self.start + offset)


@dataclass(frozen=True)
class Actor:
    """A resolved actor filling a role: actor code, agent (sector), the text it was named by and how."""

    actor: str
    agent: str | None
    text: str
    how: str = "named"  # named, agent, pronoun, context
    person: bool = False


_THREATEN = frozenset({"threaten", "warn"})
_REFUSE = frozenset({"refuse", "decline", "reject", "fail"})
_INTEND = frozenset(
    {
        "plan",
        "intend",
        "pledge",
        "promise",
        "vow",
        "agree",
        "decide",
        "offer",
        "prepare",
        "aim",
        "seek",
        "want",
        "hope",
        "expect",
        "propose",
        "schedule",
        "set",
        "vote",
        "move",
        "commit",
        "resolve",
        "announce",
    }
)
_APPEAL = frozenset({"urge", "ask", "call", "appeal", "press", "request", "encourage", "demand", "implore", "invite"})
_NOT_ASSERTED = frozenset(
    {
        "accuse",
        "deny",
        "allege",
        "blame",
        "charge",
        "suspect",
        "dismiss",
        "reject",
        "condemn",
        "denounce",
        "criticise",
        "criticize",
        "fear",
        "warn",
        "claim",
    }
)
_SAY = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "report",
        "announce",
        "declare",
        "note",
        "insist",
        "confirm",
        "write",
        "quote",
        "explain",
        "stress",
        "argue",
        "told",
    }
)
_ORDER = frozenset(
    {
        "order",
        "direct",
        "instruct",
        "command",
        "authorize",
        "authorise",
        "begin",
        "start",
        "continue",
        "try",
        "attempt",
        "keep",
        "resume",
        "help",
        "manage",
    }
)
# adjectives that make the governed act an intention ("ready to help", "committed to cooperating")
_INTEND_ADJ = frozenset({"willing", "ready", "prepared", "committed", "determined", "eager", "keen"})
_HYPOTHETICAL = frozenset({"may", "might", "could", "can", "should", "must"})
_FUTURE = frozenset({"will", "shall", "'ll", "would"})
_SUBJ = frozenset({"nsubj", "csubj"})
_OBJ_PREPS = ("against", "with", "to", "on", "at", "toward", "towards", "into", "over", "for", "upon", "of")
_NP_LEFT = frozenset({"compound", "amod", "poss", "nmod", "det", "nummod", "npadvmod", "case"})
_CLAUSE = frozenset({"conj", "cc", "ccomp", "advcl", "parataxis", "relcl", "xcomp", "punct", "mark", "acl", "appos"})
_PRON_PERSON = frozenset({"he", "she", "him", "her", "his"})
_PRON_GROUP = frozenset({"they", "them", "their"})
_PRON_THING = frozenset({"it", "its"})
SYMMETRIC = ("040", "043", "044", "046", "057", "062", "064", "0311", "0312", "036", "190", "193")
_PLACE_IS_TARGET = ("07", "18", "19", "20", "042", "062")


def _norm(text: str) -> str:
    t = text.casefold().replace("’", "'")
    if t == "'s":
        return ""
    return t.replace(".", "").replace("'", "")


_Hit = tuple[
    str, "Actor", "Actor | None", str, float, str, str | None
]  # code, source, target, rule, conf, modality, place


@dataclass
class _Ctx:
    day: dt.date
    last_country: Actor | None = None
    last_person: Actor | None = None
    last_group: Actor | None = None
    last_thing: Actor | None = None
    when: When | None = None
    recent: list[Actor] = field(default_factory=list)
    last_source: Actor | None = None
    names: dict[str, Actor] = field(default_factory=dict)  # a person's name words → the actor ("Pashinyan")
    sources: frozenset[str] = frozenset()  # the actors of the verb whose targets are being read
    hostile: bool = False  # whether that verb's act is force or coercion (CAMEO 17-20)

    def remember(self, a: Actor) -> None:
        key = (a.actor, a.agent)
        self.recent = [*[r for r in self.recent if (r.actor, r.agent) != key][-5:], a]
        if a.person:
            self.last_person = a
        else:
            if a.agent is None and len(a.actor) == 3:
                self.last_country = a
            if a.agent is not None or a.actor.startswith(("IGO", "IMG", "NGO")):
                self.last_group = a
            self.last_thing = a
        if a.person and self.last_country is None:
            self.last_country = Actor(a.actor, None, a.text, "context")


_UNKNOWN = Actor("", None, "", "unknown")  # the doer of an agentless passive: coded with no source


@dataclass(frozen=True, slots=True)
class Scene:
    """One sentence being coded: its parse, the actors and agent words found in it, the document so far, and
    where unresolved names are reported."""

    toks: Sequence[Tok]
    mentions: dict[int, Actor]
    agents: dict[int, str]
    ctx: _Ctx
    unresolved: list[Unresolved]
    index: int


class ParsedCoder:
    """Codes parsed sentences with a :class:`Dictionary`; :meth:`code_document` takes one document's sentences."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.d = dictionary

    # -- documents -------------------------------------------------------------------------------
    def code_document(
        self, sentences: Sequence[tuple[int, int, Sequence[Tok]]], text: str, day: dt.date, dateline: str = ""
    ) -> DocumentResult:
        """Events of one document: ``sentences`` are (start, end, tokens) with document offsets; ``dateline``
        ("KADUNA, Nigeria, March 8") names the place the story is filed from: its state owns the agents
        ("gunmen", "the police") no sentence gives a country."""
        res = DocumentResult()
        words = [_norm(t.text) for _, _, toks in sentences for t in toks]
        if self.d.discarded(words, story=True):
            res.discarded = True
            return res
        ctx = _Ctx(day)
        ctx.last_country = self.dateline_country(dateline, day)
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
            words = tuple(w for w in (_norm(x) for x in part.split()) if w)
            r = self.d.actor(words, day) if words else None
            if r is not None and not r.person and len(r.actor) == 3:
                return Actor(r.actor, None, part, "context")
        return None

    # -- one sentence ----------------------------------------------------------------------------
    def code_sentence(
        self,
        toks: Sequence[Tok],
        sentence: str,
        start: int,
        end: int,
        ctx: _Ctx,
        index: int,
        unresolved: list[Unresolved],
    ) -> list[CodedEvent]:
        if not toks or sentence.rstrip().endswith("?"):
            return []
        toks = _Sentence(toks)
        norms = [_norm(t.text) for t in toks]
        if self.d.discarded(norms):
            return []
        dates = find_dates(sentence, ctx.day)
        mentions = self._mentions(toks, norms, ctx.day)
        agents = self._agents(toks, norms)
        sc = Scene(toks, mentions, agents, ctx, unresolved, index)
        out: list[_Hit] = []
        consumed: set[int] = set()
        verbs = [i for i, t in enumerate(toks) if t.pos == "VERB" or (t.pos == "AUX" and t.dep == "ROOT")]
        for v in sorted(verbs, key=lambda i: _depth(toks, i)):  # governors before the verbs they govern
            if v in consumed:
                continue
            out.extend(self._verb_events(sc, norms, v, consumed))
        if not out:
            out.extend(self._nominal(sc))
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
        out = [self._context_target(o, ctx, here) for o in out]
        for code, s, t, rule, conf, modality, place in out:
            if s.actor == (t.actor if t else None) and s.agent == (t.agent if t else None):
                continue
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
                ctx.remember(a)
        for _, s_, t_, *_rest in out:
            ctx.remember(s_)
            ctx.last_source = s_
            if t_ is not None:
                ctx.remember(t_)
        return events

    def _nominal(self, sc: Scene) -> list[_Hit]:
        """An event named by a noun that is the subject of a verb of happening ("Shelling continued",
        "Protests spread", "Israeli strikes hit..."), when no verb coded one: its owner is the noun's own
        actor ("Israeli strikes"), else the state the sentence or the story places it in."""
        toks, mentions, ctx = sc.toks, sc.mentions, sc.ctx
        for h, t in enumerate(toks):
            code = _NOMINAL.get(t.lemma.casefold())
            if code is None or t.pos != "NOUN" or t.dep not in ("nsubj", "nsubjpass"):
                continue
            v = t.head
            if toks[v].lemma.casefold() not in _HAPPEN or any(toks[k].dep == "neg" for k in _children(toks, v)):
                continue
            owner = self._one(sc, h, "source", report=False)
            if owner is None:
                base = _near_country(toks, h, mentions, _country(ctx.last_source) or ctx.last_country)
                if base is None:
                    continue
                agent = "CVL" if code.startswith("14") else None
                owner = Actor(base.actor, agent, t.text, "context", False)
            return [(code, owner, None, f"{t.lemma}: nominal event", 0.45, "asserted", None)]
        return []

    def _sentence_actors(self, sc: Scene) -> list[Actor]:
        """Every actor a noun phrase of the sentence names (heads only), in reading order."""
        toks, mentions = sc.toks, sc.mentions
        out = []
        for k, t in enumerate(toks):
            if (
                t.pos in ("NOUN", "PROPN")
                and t.dep not in ("compound", "amod", "poss")
                and not _is_place(toks, k, mentions)
                if k in mentions
                else t.pos in ("NOUN", "PROPN") and t.dep not in ("compound", "amod", "poss")
            ):
                a = self._one(sc, k, "target", report=False)
                if a is not None and a.how != "pronoun":
                    out.append(a)
        return out

    def _context_target(self, o: _Hit, ctx: _Ctx, here: Sequence[Actor] = ()) -> _Hit:
        """A targetless event (not a statement) takes the last other actor of the document, at lower confidence;
        a protest without a target is against its own government; force by the state's police, army or
        government against civilians or protesters is repression (CAMEO 175)."""
        code, s, t, rule, conf, modality, place = o
        if code[:2] in ("18", "19") and s.agent in _CIVIL:  # protesters storming, attacking: a violent protest
            code, rule = "145", rule + " (violent protest)"
        elif code[:2] == "19" and code != "195" and s.agent in _IRREGULAR:  # gunmen, militants: unconventional
            code, rule = ("183" if "bomb" in rule else "180"), rule + " (unconventional violence)"
        if (
            t is not None
            and code[:2] in ("18", "19")
            and s.agent in ("COP", "MIL", "GOV")
            and t.agent in _CIVIL
            and (s.agent == "COP" or any(w in t.text.casefold() for w in ("protest", "demonstrat", "crowd", "march")))
        ):  # force by the police against civilians, or by the state against protesters: repression (175)
            return "175", s, t, rule + " (repression)", conf, modality, place
        if t is None and code.startswith("14"):
            return code, s, Actor(s.actor, "GOV", "", "context"), rule, conf - 0.1, modality, place
        if t is not None or code.startswith("01"):
            return o
        for r in [*here, *reversed(ctx.recent)]:
            if (r.actor, r.agent) != (s.actor, s.agent):
                return code, s, Actor(r.actor, r.agent, r.text, "context", r.person), rule, conf - 0.15, modality, place
        return o

    # -- actors ----------------------------------------------------------------------------------
    def _mentions(self, toks: Sequence[Tok], norms: list[str], day: dt.date) -> dict[int, Actor]:
        """Token index → actor, for dictionary phrases in the sentence (longest match; possessives skipped)."""
        out: dict[int, Actor] = {}
        pos = [k for k, w in enumerate(norms) if w]  # token positions with a word (not "'s", not ".")
        words = [norms[k] for k in pos]
        i = 0
        n = len(pos)
        while i < n:
            t = toks[pos[i]]
            if not (t.text[:1].isupper() or t.text[:1].isdigit()) or t.pos in ("VERB", "AUX", "ADP"):
                i += 1
                continue
            hit = None
            for length in self.d.actor_lengths(words[i]):
                if i + length > n:
                    continue
                r = self.d.actor(tuple(words[i : i + length]), day)
                if r is not None and self._plausible(toks, pos[i], length, r):
                    hit = (length, r)
                    break
            if hit is None:
                i += 1
                continue
            length, r = hit
            first, last = pos[i], pos[i + length - 1]
            text = " ".join(tk.text for tk in toks[first : last + 1]).replace(" 's", "'s")
            a = Actor(r.actor, r.agent, text, "named", r.person)
            for k in range(first, last + 1):
                out[k] = a
            i += length
        return out

    def _plausible(self, toks: Sequence[Tok], i: int, length: int, r: Resolved) -> bool:
        """A short code ('UN', 'US') only in capitals; a one-word name not a sentence-initial common word."""
        span = toks[i : i + length]
        if length == 1:
            w = span[0].text
            if len(w.replace(".", "")) <= 3 and not w.replace(".", "").isupper():
                return False
            if i == 0 and span[0].pos not in ("PROPN", "ADJ") and not w.isupper():
                return False
        return True

    def _agents(self, toks: Sequence[Tok], norms: list[str]) -> dict[int, str]:
        """Token index → agent code for agent words ("police", "defence ministry", "troops")."""
        out: dict[int, str] = {}
        for i, t in enumerate(toks):
            if t.pos not in ("NOUN", "PROPN", "ADJ"):
                continue
            for length in self.d.agent_lengths(norms[i]) or self.d.agent_lengths(t.lemma):
                words = tuple(norms[i : i + length])
                code = self.d.agents.get(words)
                if code is None and length == 1:
                    code = self.d.agents.get((t.lemma,))
                if code is not None:
                    for k in range(i, min(len(toks), i + length)):
                        out[k] = code
                    break
        return out

    def _filler(self, sc: Scene, h: int, role: str, report: bool = True) -> list[Actor]:
        """The actor(s) a noun-phrase head names, with its conjuncts."""
        toks, mentions, agents, ctx = sc.toks, sc.mentions, sc.agents, sc.ctx
        heads = [h, *_conjuncts(toks, h)]
        t = toks[h]
        if t.lemma in ("side", "party") and any(
            toks[k].lower in ("both", "all", "two", "warring") for k in _np(toks, h)
        ):
            named = _dedup(mentions[k] for k in _np(toks, h) if k in mentions and not mentions[k].person)
            if named:  # "Sudan's warring parties": the state named
                return [Actor(m.actor, None, m.text, "named") for m in named]
            return list(ctx.recent[-2:])  # "both sides", "the warring parties": the last two actors named
        span = _np(toks, h)
        if any(toks[k].dep == "cc" for k in span):  # "Russian and Ukrainian negotiators"
            named = _dedup(mentions[k] for k in span if k in mentions and not mentions[k].person)
            if len(named) > 1:
                agent = agents.get(h)
                return [Actor(m.actor, agent or m.agent, m.text, "named") for m in named]
        out = []
        for x in heads:
            a = self._one(sc, x, role, report)
            if a is not None:
                out.append(a)
        return out

    def _one(self, sc: Scene, h: int, role: str, report: bool = True) -> Actor | None:
        """The actor the noun phrase headed at ``h`` names; a person's name words are remembered for the
        document, so a later bare surname ("Pashinyan said") is the same actor."""
        toks, ctx = sc.toks, sc.ctx
        a = self._head_actor(sc, h, role, report)
        if a is not None and a.how in ("named", "context") and toks[h].pos == "PROPN":
            span = _np(toks, h)
            if a.person or any(toks[k].lower in _TITLES for k in span):
                for k in span:
                    w = toks[k].text
                    if toks[k].pos == "PROPN" and w[:1].isupper() and len(w) > 2 and toks[k].lower not in _TITLES:
                        ctx.names[w] = a
        return a

    def _head_actor(self, sc: Scene, h: int, role: str, report: bool = True) -> Actor | None:
        toks, mentions, agents, ctx, index = sc.toks, sc.mentions, sc.agents, sc.ctx, sc.index
        unresolved = sc.unresolved if report else None
        t = toks[h]
        low = t.text.casefold()
        if t.pos == "PRON" or low in _PRON_PERSON | _PRON_GROUP | _PRON_THING:
            boss = _governing_subject(toks, h)  # "police said they had opened...": the reporting subject
            if boss is not None and low not in ("its", "his", "her", "their"):
                said = self._one(sc, boss, role, report=False)
                if said is not None and (said.person or low not in ("he", "she")):
                    return Actor(said.actor, said.agent, t.text, "pronoun", said.person)
            here = [mentions[k] for k in sorted(mentions) if k < h]
            a: Actor | None
            if low in _PRON_PERSON and any(m.person for m in here):
                a = [m for m in here if m.person][-1]
            elif low in _PRON_THING and any(not m.person for m in here):
                a = [m for m in here if not m.person][-1]
            elif role == "source" and ctx.last_source is not None and ctx.last_source.person == (low in _PRON_PERSON):
                a = ctx.last_source  # "It also condemned...": the last sentence's subject
            elif low in _PRON_PERSON:
                a = ctx.last_person
            elif low in _PRON_GROUP:
                a = ctx.last_group or ctx.last_thing
            elif low in _PRON_THING:
                a = ctx.last_thing
            else:
                a = None
            return Actor(a.actor, a.agent, t.text, "pronoun", a.person) if a else None
        if t.lemma.casefold() in _QUANTITY:  # "thousands of protesters", "a group of soldiers"
            of = [
                o
                for p in _children(toks, h)
                if toks[p].lower == "of"
                for o in _children(toks, p)
                if toks[o].dep == "pobj"
            ]
            if of:
                return self._one(sc, of[0], role, report)
        span = _np(toks, h)
        named = _dedup(mentions[k] for k in span if k in mentions)
        agent = agents.get(h)
        if agent is None:
            agent = next((agents[k] for k in span if k in agents and toks[k].dep in ("compound", "amod")), None)
        text = " ".join(toks[k].text for k in span if toks[k].dep != "det").replace(" 's", "'s")
        if named:
            # "UN Secretary-General Antonio Guterres": the title's organisation beats the person's dated role
            org = [m for m in named if not m.person]
            m = org[0] if org and (h in mentions and mentions[h].person) else (mentions.get(h) or named[0])
            if m.person and not org:
                return Actor(m.actor, m.agent or agent, m.text, "named", True)
            if h in mentions or toks[h].pos == "PROPN":
                sector = (mentions[h].agent if h in mentions else None) or agent or m.agent
                return Actor(m.actor, sector, text, "named", h in mentions and mentions[h].person)
            return Actor(m.actor, agent or m.agent, text, "named", False)
        if t.lemma in ("side", "party") and any(toks[k].lower in ("both", "all", "two", "warring") for k in span):
            return None  # handled by the caller as the recent pair (see _filler)
        if agent is None and t.pos == "NOUN":  # "bases in northern Israel", "targets in Houthi-held Yemen"
            inner = [k for k in _subtree(toks, h, _CLAUSE) if k in mentions and not mentions[k].person and k != h]
            if inner:
                m = mentions[inner[0]]
                return Actor(m.actor, m.agent, m.text, "named", False)
        poss = [k for k in span if toks[k].dep == "poss" and toks[k].pos == "PRON"]
        if poss and agent is not None:  # "its forces": whose the pronoun says
            owner = self._one(sc, poss[0], role, report=False)
            if owner is not None:
                return Actor(owner.actor, agent, text, "pronoun", False)
        titled = any(toks[k].lower in _TITLES for k in span if k != h)
        initial = h == next((k for k, tk in enumerate(toks) if tk.text.strip()), -1)  # "Gunmen abducted..."
        if (
            agent is not None and t.pos == "PROPN" and not span_has_common(toks, span) and not titled and not initial
        ) and agent not in _STATE_BODIES:  # "the Corruption Investigation Office" is a state body; a front is not
            agent = None  # "the Zorgonian Liberation Front": a name the dictionaries lack, not an agent word
        if agent is not None and role == "target" and ctx.sources and ctx.hostile:
            # "attacking army posts in southern Israel", "fired rockets at military bases in northern Israel":
            # a target's agent word belongs to the state it is placed in, or another state the sentence
            # names, not to the one doing the act
            inner = [k for k in _subtree(toks, h, _CLAUSE) if k in mentions and not mentions[k].person and k != h]
            places = sorted((k for k in mentions if k < h and _is_place(toks, k, mentions)), reverse=True)
            other = [
                k for k in [*inner, *places] if mentions[k].actor not in ctx.sources and len(mentions[k].actor) == 3
            ]
            if other:
                m = mentions[other[0]]
                return Actor(m.actor, agent, text, "context", False)
        if agent is not None:
            base = _near_country(toks, h, mentions, _country(ctx.last_source) or ctx.last_country or ctx.last_thing)
            if base is None:
                return None
            return Actor(base.actor, agent, text, "context", False)
        if t.text.casefold() in _CALENDAR:
            return None  # "on Saturday", "in March": a date, not an actor
        if (
            t.pos == "NOUN"
            and t.lemma.casefold() in _ORG_NOUNS
            and any(toks[k].lower in ("the", "its", "this", "that") for k in span)
        ):  # "the agency", "the group", "the court": the last organisation or armed group named
            for r in reversed(ctx.recent):
                if len(r.actor) > 3 or r.agent in _GROUPS:
                    return Actor(r.actor, r.agent, text, "context", False)
        if t.pos == "PROPN" and t.text in ctx.names:  # "Pashinyan said": the person named before
            known = ctx.names[t.text]
            return Actor(known.actor, known.agent, t.text, "context", known.person)
        if t.pos == "PROPN" and unresolved is not None:
            name = " ".join(toks[k].text for k in span if toks[k].pos == "PROPN")
            if name and not any(u.text == name and u.sentence == index for u in unresolved):
                unresolved.append(Unresolved(name, index, role))
        return None

    # -- verbs -----------------------------------------------------------------------------------
    def _verb_events(self, sc: Scene, norms: list[str], v: int, consumed: set[int]) -> list[_Hit]:
        toks, mentions, ctx = sc.toks, sc.mentions, sc.ctx
        t = toks[v]
        kids = _children(toks, v)
        lemma = t.lemma.casefold()
        prt = next((toks[k].lemma.casefold() for k in kids if toks[k].dep == "prt"), None)
        verb = f"{lemma} {prt}" if prt and f"{lemma} {prt}" in self.d.verbs else lemma
        if lemma in _THREAT_VERBS and _future_or_vowed(toks, v, kids):
            # "Moscow would respond in kind", "vowed to punish", "will pay a heavy price": a threat (138 force)
            if any(toks[k].dep == "neg" for k in kids):
                return []
            sources, targets, _ = self._roles(sc, v, kids)
            threat = "138" if lemma in _FORCE_VERBS else "130"
            whom: list[Actor | None] = list(targets) if targets else [None]
            return [(threat, a, b, f"{lemma}: future threat", 0.55, "threatened", None) for a in sources for b in whom]
        if verb not in self.d.verbs:
            return []
        # the governing chain decides modality ("threatened to", "refused to", "will")
        modality = Modality.ASSERTED
        if lemma in ("comment", "respond") and (
            any(toks[k].dep == "neg" for k in kids)
            or (toks[v].dep == "xcomp" and toks[toks[v].head].lemma.casefold() in _REFUSE)
        ):  # "did not comment", "declined to comment": CAMEO 011
            sources, _, _ = self._roles(sc, v, kids)
            return [("011", a, None, "no comment", 0.6, "asserted", None) for a in sources]
        if any(toks[k].dep == "neg" for k in kids) or any(
            toks[k].lower in ("never", "no") and toks[k].dep in ("neg", "advmod") for k in kids
        ):
            return []
        auxes = {toks[k].lower for k in kids if toks[k].dep in ("aux", "auxpass")}
        if auxes & _HYPOTHETICAL:
            return []
        if auxes & _FUTURE:
            modality = Modality.INTENDED
        x = v
        while toks[x].dep == "conj" and toks[x].head != x and toks[toks[x].head].pos in ("VERB", "AUX"):
            x = toks[x].head  # "urged both sides to de-escalate and to protect": the first conjunct's governor
        gov = toks[x].head if toks[x].dep in ("xcomp", "pcomp", "ccomp") and toks[x].head != x else None
        if _blocked(toks, x):
            return []
        gov_lemma = toks[gov].lemma.casefold() if gov is not None else ""
        if gov is not None and toks[x].dep in ("xcomp", "pcomp"):
            gkids = _children(toks, gov)
            if any(toks[k].dep == "neg" for k in gkids) and gov_lemma not in _REFUSE:
                return []
            if gov_lemma in _THREATEN:
                modality = Modality.THREATENED
            elif gov_lemma in _REFUSE:
                modality = Modality.NEGATED
            elif gov_lemma in _INTEND or gov_lemma in _INTEND_ADJ:  # "plans to", "was willing to step down"
                modality = Modality.INTENDED
            elif gov_lemma in _NOT_ASSERTED or gov_lemma in _APPEAL:
                return []
            g_aux = {toks[k].lower for k in gkids if toks[k].dep in ("aux", "auxpass")}
            if g_aux & _HYPOTHETICAL:
                return []
            if g_aux & _FUTURE and modality is Modality.ASSERTED:
                modality = Modality.INTENDED
        if gov is not None and toks[x].dep == "ccomp" and gov_lemma in _NOT_ASSERTED - {"claim"}:
            return []
        ccomp0 = [k for k in kids if toks[k].dep == "ccomp" and toks[k].pos in ("VERB", "AUX")]
        if (
            ccomp0 and lemma in _SAY and not self._has_event(toks, ccomp0[0])
        ):  # "said the sanctions were 'unlawful'": a criticism of whoever the clause names
            inner = _subtree(toks, ccomp0[0], frozenset())
            lemmas = [toks[k].lemma.casefold() for k in inner]
            negated = any(toks[k].dep == "neg" for k in inner)
            if any(w in _NEGATIVE for w in lemmas) or any(
                " ".join(lemmas[i : i + 2]) in _NEGATIVE for i in range(len(lemmas) - 1)
            ):
                sources, _, _ = self._roles(sc, v, kids)
                named = [mentions[k] for k in inner if k in mentions]
                target = named[0] if named else None
                return [("111", a, target, "say: a criticism", 0.5, "asserted", None) for a in sources]
            ckids = _children(toks, ccomp0[0])
            if any(toks[k].dep == "neg" for k in ckids) and any(
                toks[k].dep == "aux" and toks[k].lower in _FUTURE for k in ckids
            ):  # "said his government would not pay any ransom", "would not back down": a rejection
                sources, _, _ = self._roles(sc, v, kids)
                return [("120", a, None, "say: would not", 0.45, "negated", None) for a in sources]
            if not negated and any(
                toks[k].lemma.casefold() in _POSITIVE and toks[k].pos != "VERB" for k in inner
            ):  # "said the talks had made progress"
                sources, _, _ = self._roles(sc, v, kids)
                return [("013", a, None, "say: optimism", 0.45, "asserted", None) for a in sources]
        before, after = _windows(toks, v)
        code, rule = self.d.code_for(verb, before, after)
        if lemma == "call" and any(toks[k].dep == "oprd" for k in kids):
            # "called the attack a grave breach" criticises; "called the decision historic" praises (051)
            said = [toks[j].lemma.casefold() for k in kids if toks[k].dep == "oprd" for j in _subtree(toks, k, _CLAUSE)]
            if any(w in _PRAISE for w in said) and not any(w in _NEGATIVE for w in said):
                code, rule = "051", "call: X * Y (praise)"
            else:
                code, rule = "111", "call: X * Y (a characterisation)"
        if code is None:
            return []
        # verbs that govern another event: the governed verb carries it ("threatened to strike")
        xcomp = [k for k in kids if toks[k].dep in ("xcomp",) and toks[k].pos == "VERB"]
        ccomp = [k for k in kids if toks[k].dep in ("ccomp",) and toks[k].pos in ("VERB", "AUX")]
        if xcomp and (lemma in _THREATEN | _REFUSE | _INTEND | _ORDER) and self._has_event(toks, xcomp[0]):
            return []
        if ccomp and lemma in _SAY and self._has_event(toks, ccomp[0]):
            return []

        if lemma in _SAY and code.startswith("01"):
            return []  # plain "said": statements are not coded without a verb of their own
        refused = modality is Modality.NEGATED and gov_lemma in _REFUSE
        code = recode(code, modality) if modality is not Modality.ASSERTED else code
        if code is None and refused:
            code = "120"  # "refused to release": a rejection even where CAMEO has no negated code for the act
        if code is None:
            return []
        if modality is Modality.INTENDED and code[:2] in _INTENT_ROOT:
            code = _INTENT_ROOT[code[:2]] if code[:3] not in _INTENT_ROOT else _INTENT_ROOT[code[:3]]
        ctx.hostile = code[:2] in ("17", "18", "19", "20")
        sources, targets, passive = self._roles(sc, v, kids)
        ctx.hostile = False
        if not sources and passive and targets:
            # "was killed in an Israeli strike", "killed in a clash with Chinese troops": the event noun's owner
            sources = self._by_event_noun(sc, kids)
            if not sources and code[:2] in ("18", "19", "20") and "*" in rule:
                sources = [_UNKNOWN]  # "Rockets were fired at Israeli cities": force without its doer named
        if not sources:
            return []
        if code[:2] in ("18", "19") and lemma in _KILL:
            code = _killing(toks, v, kids, code, sources)
            if targets and all(a.person for a in targets) and not modality_is_intent(modality):
                code = "186"  # a named person killed: an assassination
        conf = 0.75 if "*" in rule else 0.6
        if modality is not Modality.ASSERTED:
            conf -= 0.05
        place = None
        out: list[_Hit] = []
        symmetric = code in SYMMETRIC or code[:3] in SYMMETRIC
        if symmetric and not targets and len(sources) > 1:
            pairs: list[tuple[Actor, Actor | None]] = [(a, b) for a in sources for b in sources if a != b]
        else:
            objects: list[Actor | None] = list(targets) if targets else [None]
            pairs = [(a, b) for a in sources for b in objects]
        for s, tg in pairs:
            out.append((code, s, tg, rule, conf if tg is not None else conf - 0.1, modality.value, place))
        return out

    def _by_event_noun(self, sc: Scene, kids: list[int]) -> list[Actor]:
        """The doer of an agentless passive named through an event noun: "killed in an Israeli strike" (the
        noun's own actor), "killed in a clash with Chinese troops" (the other side of the clash)."""
        toks, mentions, agents = sc.toks, sc.mentions, sc.agents
        for p in kids:
            if toks[p].dep != "prep" or toks[p].lower not in ("in", "during", "by"):
                continue
            for n in _children(toks, p):
                if toks[n].dep != "pobj" or toks[n].lemma.casefold() not in _NOMINAL:
                    continue
                own = [k for k in _np(toks, n) if k != n and (k in mentions or k in agents)]
                if own:
                    a = self._one(sc, own[0], "source", report=False)
                    if a is not None:
                        return [a]
                for q in _children(toks, n):
                    if toks[q].dep == "prep" and toks[q].lower in ("with", "by"):
                        found = self._pobj(sc, q, report=False)
                        if found:
                            return found
        return []

    def _has_event(self, toks: Sequence[Tok], v: int) -> bool:
        lemma = toks[v].lemma.casefold()
        kids = _children(toks, v)
        prt = next((toks[k].lemma.casefold() for k in kids if toks[k].dep == "prt"), None)
        verb = f"{lemma} {prt}" if prt and f"{lemma} {prt}" in self.d.verbs else lemma
        if verb not in self.d.verbs:
            return False
        before, after = _windows(toks, v)
        return self.d.code_for(verb, before, after)[0] is not None

    def _roles(self, sc: Scene, v: int, kids: list[int]) -> tuple[list[Actor], list[Actor], bool]:
        toks, ctx = sc.toks, sc.ctx
        fill = self._filler
        subj = [k for k in kids if toks[k].dep in _SUBJ] or [  # a subject the parser hung on the auxiliary
            s for a in kids if toks[a].dep == "aux" for s in _children(toks, a) if toks[s].dep in _SUBJ
        ]
        subjpass = [k for k in kids if toks[k].dep in ("nsubjpass", "csubjpass")]
        agent_pp = [k for k in kids if toks[k].dep == "agent"]
        sources: list[Actor] = []
        targets: list[Actor] = []
        passive = bool(subjpass)
        ctx.sources = frozenset()
        if passive:
            for a in agent_pp:
                for p in _children(toks, a):
                    if toks[p].dep == "pobj":
                        sources = fill(sc, p, "source")
            ctx.sources = frozenset(a.actor for a in sources)
            targets = fill(sc, subjpass[0], "target")
            if not sources and toks[v].dep == "ccomp" and toks[v].head != v:  # "the Bureau said Khan was arrested"
                g = toks[v].head
                subj = [k for k in _children(toks, g) if toks[k].dep == "nsubj"]
                if subj and toks[g].lemma.casefold() in _SAY:
                    sources = fill(sc, subj[0], "source")
        else:
            if subj:
                sources = fill(sc, subj[0], "source")
            else:
                sources = self._inherited(sc, v)
                if not sources and toks[v].dep in ("amod", "compound"):
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
                for p in _children(toks, o):
                    if toks[p].dep == "prep" and toks[p].lower in _OBJ_PREPS:
                        targets = self._pobj(sc, p)
                        if targets:
                            break
                if targets:
                    break
        if not targets:
            for p in kids:
                if toks[p].dep == "prep" and toks[p].lower in _OBJ_PREPS:
                    targets = self._pobj(sc, p)
                    if targets:
                        break
        if not targets:  # "withdrew its ambassador from Niger", "pulled out of X": the place left is the target
            for p in [k for k in kids if toks[k].dep == "prep"] + [
                k for o in kids if toks[o].dep == "dobj" for k in _children(toks, o) if toks[k].dep == "prep"
            ]:
                if toks[p].lower in ("from", "out"):
                    targets = self._pobj(sc, p)
                    if targets:
                        break
        if not targets:
            for x in kids:  # "ordered the army to launch": the xcomp's object
                if toks[x].dep == "xcomp":
                    for o in _children(toks, x):
                        if toks[o].dep in ("dobj",):
                            targets = fill(sc, o, "target")
        ctx.sources = frozenset()
        return _dedup(sources), _dedup([t for t in targets if t not in sources]), passive

    def _left_actor(self, sc: Scene, v: int) -> list[Actor]:
        """A misparsed verb without a subject ("Myanmar's military seized power" read as a noun phrase):
        the nearest actor before it in the sentence, as PETRARCH's left-hand source."""
        toks, mentions, agents = sc.toks, sc.mentions, sc.agents
        for k in range(v - 1, -1, -1):
            if toks[k].pos in ("VERB", "AUX") or toks[k].lower in (",", ";"):
                break
            if (k in mentions and not _is_place(toks, k, mentions)) or k in agents:
                a = self._one(sc, k, "source", report=False)
                return [a] if a is not None else []
        return []

    def _pobj(self, sc: Scene, p: int, report: bool = True) -> list[Actor]:
        toks = sc.toks
        for o in _children(toks, p):
            if toks[o].dep == "pobj":
                return self._filler(sc, o, "target", report)
        return []

    def _inherited(self, sc: Scene, v: int) -> list[Actor]:
        """The subject of a verb that has none: its head's (conjoined and controlled verbs)."""
        toks = sc.toks
        seen = {v}
        x = v
        while (
            toks[x].dep in ("conj", "xcomp", "advcl", "pcomp", "prep", "acl")
            or (toks[x].dep == "acomp" and toks[x].lemma.casefold() in _INTEND_ADJ)  # "it was ready to help"
        ) and toks[x].head not in seen:
            h = toks[x].head
            if toks[x].dep == "acl":  # "troops loyal to..." / "forces fighting": the noun modified
                return self._filler(sc, h, "source")
            seen.add(h)
            for k in _children(toks, h):
                if toks[k].dep in _SUBJ:
                    return self._filler(sc, k, "source")
            x = h
        return []


_CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
# an intention to act, by the act's root (CAMEO 03x): meet 036, cooperate 032/031, aid 033, yield 035
_INTENT_ROOT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "084": "0353", "087": "0356",
                "09": "030"}  # fmt: skip
_NEGATIVE = frozenset(
    [
        "unlawful",
        "illegal",
        "lie",
        "lies",
        "absurd",
        "provocation",
        "terrorism",
        "terrorist",
        "genocide",
        "aggression",
        "crime",
        "criminal",
        "shameful",
        "shocking",
        "outrageous",
        "unacceptable",
        "violation",
        "breach",
        "libel",
        "propaganda",
        "baseless",
        "false",
        "fabricate",
        "fabricated",
        "staged",
        "hypocritical",
        "irresponsible",
        "reckless",
        "barbaric",
        "atrocity",
        "massacre",
        "invasion",
        "occupation",
        "wrong",
        "dangerous",
        "shame",
        "ruin",
        "void",
        "cowardly",
        "preposterous",
        "fake",
        "illegitimate",
        "provocative",
        "blackmail",
        "fail",
        "undermine",
        "violate",
        "cleansing",
    ]
)
# words of a reported clause that make it an optimistic comment (CAMEO 013)
_POSITIVE = frozenset(
    {
        "progress",
        "step",
        "breakthrough",
        "historic",
        "constructive",
        "positive",
        "productive",
        "chapter",
        "beginning",
        "hopeful",
        "optimistic",
        "encouraging",
        "milestone",
        "permanent",
        "meaningful",
        "successful",
        "fruitful",
    }
)
# words that make a characterisation praise ("called the decision historic"): CAMEO 051
_PRAISE = frozenset(
    {"historic", "important", "great", "good", "excellent", "positive", "courageous", "brave", "wise", "success",
     "successful", "milestone", "victory", "landmark", "welcome", "vital", "significant", "constructive"}
)  # fmt: skip
# titles before a person's name: "President Gustavo Petro" is that state's government (the last state named)
_TITLES = frozenset(
    {
        "president",
        "minister",
        "prime",
        "premier",
        "chancellor",
        "king",
        "general",
        "gen",
        "secretary",
        "spokesman",
        "spokeswoman",
        "ambassador",
        "commander",
        "envoy",
        "governor",
        "senator",
    }
)
# nouns that stand for an organisation or armed group named before ("the agency said")
_ORG_NOUNS = frozenset(
    {"agency", "group", "court", "organisation", "organization", "bloc", "alliance", "movement", "tribunal",
     "body", "militia", "union", "federation", "commission"}
)  # fmt: skip
_GROUPS = frozenset({"REB", "UAF", "INS", "OPP", "PTY", "RAD", "NGO", "LAB"})
# nouns that name an event (CAMEO) and verbs that say it happened ("shelling continued", "protests spread")
_NOMINAL = {
    "protest": "141", "demonstration": "141", "rally": "141", "strike": "195", "airstrike": "195",
    "shelling": "194", "bombardment": "195", "fighting": "190", "clash": "190", "crackdown": "175",
    "bombing": "183", "attack": "190", "raid": "190", "offensive": "190", "massacre": "202", "siege": "191",
    "blockade": "191", "riot": "145", "unrest": "145", "talks": "040", "negotiations": "040",
}  # fmt: skip
_HAPPEN = frozenset(
    {"continue", "spread", "erupt", "resume", "intensify", "escalate", "rage", "hit", "kill", "break", "begin",
     "start", "take", "wound", "destroy", "damage", "target", "spark", "grow", "swell", "enter", "hold"}
)  # fmt: skip
_STATE_BODIES = frozenset({"GOV", "JUD", "COP", "MIL", "LEG", "SPY"})
_IRREGULAR = frozenset({"UAF", "CRM", "RAD"})  # armed groups without a state's uniform: force by them is CAMEO 18
_CIVIL = frozenset({"CVL", "OPP", "EDU", "LAB", "REF", "HRI", "MED"})
_QUANTITY = frozenset(
    {
        "thousand",
        "thousands",
        "hundred",
        "hundreds",
        "dozen",
        "dozens",
        "group",
        "number",
        "crowd",
        "crowds",
        "scores",
        "score",
        "million",
        "millions",
        "tens",
        "band",
        "unit",
        "some",
        "many",
    }
)
_GROUP_NOUNS = frozenset(
    {
        "force",
        "fighter",
        "soldier",
        "people",
        "official",
        "side",
        "delegation",
        "leader",
        "unit",
        "negotiator",
        "government",
        "authority",
        "warplane",
        "jet",
        "ship",
        "navy",
        "diplomat",
    }
)


_KILL = frozenset({"kill", "massacre", "slaughter", "murder", "execute", "shoot", "slay"})
_PROTESTERS = frozenset({"protester", "protestor", "demonstrator", "crowd", "marcher", "rioter", "mourner"})
_VICTIMS = frozenset(
    {
        "people",
        "civilian",
        "villager",
        "resident",
        "protester",
        "demonstrator",
        "worker",
        "child",
        "student",
        "family",
        "man",
        "woman",
        "person",
        "worshipper",
        "refugee",
        "farmer",
        "passenger",
        "men",
        "boy",
        "girl",
        "inhabitant",
        "pilgrim",
        "shopper",
        "patient",
        "infant",
    }
)


def _killing(toks: Sequence[Tok], v: int, kids: list[int], code: str, sources: list[Actor]) -> str:
    """Killing recoded by its victims: protesters (or anyone, by police) killed by the state is repression
    (175); 100 or more people is mass killing (202); other civilians killed is an assault (180)."""
    objs = [k for k in kids if toks[k].dep in ("dobj", "nsubjpass")]
    if not objs:
        return code
    o = objs[0]
    span = _subtree(toks, o, _CLAUSE)
    lemmas = {toks[k].lemma.casefold() for k in span}
    many = bool(lemmas & {"hundred", "thousand", "hundreds", "thousands", "million", "millions"})
    for k in span:
        if toks[k].pos == "NUM":
            digits = toks[k].text.replace(",", "")
            if digits.isdigit() and int(digits) >= 100:
                many = True
    protest = bool(lemmas & _PROTESTERS)
    civil = protest or bool(lemmas & _VICTIMS)
    police = any(a.agent == "COP" for a in sources)
    state = police or any(a.agent in ("MIL", "GOV") for a in sources)
    if state and (protest or (police and civil)):
        return "175"
    if many and civil:
        return "202"
    if civil:
        return "180"
    return code


_PLACE_PREPS = frozenset({"in", "at", "near", "from", "into", "across", "outside", "inside", "around", "through"})


def _is_place(toks: Sequence[Tok], k: int, mentions: dict[int, Actor]) -> bool:
    """Whether the mention at ``k`` is a place ("in Cox's Bazar", "near Kyiv") rather than an actor."""
    first = k
    while first > 0 and mentions.get(first - 1) is mentions[k]:
        first -= 1
    j = first - 1
    while j >= 0 and toks[j].pos in ("DET", "ADJ", "PROPN") and j not in mentions:
        j -= 1
    return j >= 0 and toks[j].lower in _PLACE_PREPS


def _country(a: Actor | None) -> Actor | None:
    """An actor as the state (or organisation) an agent word belongs to ("the ministry" of the last subject)."""
    return None if a is None else Actor(a.actor, None, a.text, "context")


def _governing_subject(toks: Sequence[Tok], h: int) -> int | None:
    """For a pronoun subject of a reported clause ("X said they..."), the reporting verb's subject."""
    if toks[h].dep not in ("nsubj", "nsubjpass"):
        return None
    v = toks[h].head
    if toks[v].dep != "ccomp" or toks[v].head == v:
        return None
    g = toks[v].head
    subj = [k for k in _children(toks, g) if toks[k].dep in ("nsubj", "nsubjpass") and toks[k].pos != "PRON"]
    return subj[0] if subj else None


_THREAT_VERBS = frozenset(
    {
        "respond",
        "retaliate",
        "pay",
        "exact",
        "punish",
        "chase",
        "hunt",
        "crush",
        "destroy",
        "avenge",
        "annihilate",
        "eliminate",
        "wipe",
        "reply",
        "separate",
        "file",
        "face",
    }
)
_FORCE_VERBS = frozenset({"retaliate", "crush", "destroy", "annihilate", "eliminate", "wipe", "chase", "hunt"})


def _future_or_vowed(toks: Sequence[Tok], v: int, kids: list[int]) -> bool:
    """Whether a verb is said to be coming: "would"/"will", or governed by vow/pledge/promise/threaten."""
    if any(toks[k].dep == "aux" and toks[k].lower in _FUTURE for k in kids):
        return True
    h = toks[v].head
    return toks[v].dep == "xcomp" and h != v and toks[h].lemma.casefold() in ("vow", "pledge", "promise", "threaten")


def modality_is_intent(m: Modality) -> bool:
    return m in (Modality.INTENDED, Modality.THREATENED)


def span_has_common(toks: Sequence[Tok], span: list[int]) -> bool:
    """Whether a noun phrase has a common noun (an agent word like "police"), not only a proper name."""
    return any(toks[k].pos == "NOUN" for k in span)


def _near_country(toks: Sequence[Tok], h: int, mentions: dict[int, Actor], last: Actor | None = None) -> Actor | None:
    """The nearest state or organisation named before ``h`` in the sentence, else ``last`` (the document's
    last state), else the first named after it."""
    before = [k for k in mentions if k < h and not mentions[k].person and not _is_place(toks, k, mentions)]
    if before:
        m = mentions[max(before)]
        return Actor(m.actor, None, m.text, "context")
    at = [k for k in mentions if k < h and not mentions[k].person]  # "In Seoul, police detained...": the place's state
    if at:
        m = mentions[max(at)]
        return Actor(m.actor, None, m.text, "context")
    if last is not None:
        return last
    after = [k for k in mentions if k > h and not mentions[k].person and not _is_place(toks, k, mentions)]
    if after:
        m = mentions[min(after)]
        return Actor(m.actor, None, m.text, "context")
    places = [k for k in mentions if not mentions[k].person]  # "protesters in Kabul": the place's country
    if places:
        m = mentions[places[0]]
        return Actor(m.actor, None, m.text, "context")
    return None


_STOP = frozenset(
    {
        "stop",
        "halt",
        "cease",
        "end",
        "avoid",
        "prevent",
        "refrain",
        "deny",
        "accuse",
        "allege",
        "blame",
        "urge",
        "ask",
        "call",
        "appeal",
        "demand",
        "press",
        "fear",
        "suspect",
        "charge",
        "investigate",
    }
)


def _blocked(toks: Sequence[Tok], x: int) -> bool:
    """Whether a verb is only the object of an appeal, denial, allegation or a 'stop' higher up its chain."""
    seen = {x}
    first = True
    while toks[x].dep in ("xcomp", "pcomp", "conj", "prep", "ccomp") and toks[x].head not in seen:
        h = toks[x].head
        seen.add(h)
        if (
            toks[h].pos in ("VERB", "AUX")
            and toks[h].lemma.casefold() in _STOP
            and not (first and toks[x].dep == "conj")
        ):
            return True
        if toks[x].dep == "ccomp":
            return False
        first = False
        x = h
    return False


class _Sentence(list[Tok]):
    """A sentence's tokens with each token's children precomputed (the parse is walked many times)."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        super().__init__(toks)
        self.kids: list[list[int]] = [[] for _ in toks]
        for k, t in enumerate(toks):
            if t.head != k and 0 <= t.head < len(toks):
                self.kids[t.head].append(k)


def _children(toks: Sequence[Tok], i: int) -> list[int]:
    if isinstance(toks, _Sentence):
        return toks.kids[i]
    return [k for k, t in enumerate(toks) if t.head == i and k != i]


def _depth(toks: Sequence[Tok], i: int) -> int:
    d = 0
    while toks[i].head != i and d < 50:
        i = toks[i].head
        d += 1
    return d


def _conjuncts(toks: Sequence[Tok], h: int) -> list[int]:
    out = []
    stack = [h]
    while stack:
        x = stack.pop()
        for k in _children(toks, x):
            if toks[k].dep == "conj" and toks[k].pos in ("NOUN", "PROPN", "PRON"):
                out.append(k)
                stack.append(k)
    return out


def _np(toks: Sequence[Tok], h: int) -> list[int]:
    """A noun phrase's tokens: the head, its left modifiers (recursively) and an 'of' complement."""
    out = [h]
    stack = [h]
    while stack:
        x = stack.pop()
        for k in _children(toks, x):
            if toks[k].dep in _NP_LEFT and k < h:
                out.append(k)
                stack.append(k)
            elif toks[k].dep == "prep" and toks[k].lower == "of" and x == h:
                for o in _children(toks, k):
                    if toks[o].dep == "pobj":
                        out.append(o)
                        stack.append(o)
    return sorted(out)


def _subtree(toks: Sequence[Tok], i: int, stop: frozenset[str], depth: int = 99) -> list[int]:
    out = []
    stack = [(i, 0)]
    while stack:
        x, d = stack.pop()
        out.append(x)
        if d >= depth:
            continue
        for k in _children(toks, x):
            if toks[k].dep not in stop:
                stack.append((k, d + 1))
    return sorted(out)


def _windows(toks: Sequence[Tok], v: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(text, lemma) of the words before and after a verb within its own clause."""
    span = _subtree(toks, v, _CLAUSE)
    near = set(_subtree(toks, v, _CLAUSE, depth=3))  # the verb's phrase: objects, particles, their prepositions
    before = [(_norm(toks[k].text), toks[k].lemma.casefold()) for k in span if k < v]
    after = [(_norm(toks[k].text), toks[k].lemma.casefold()) for k in span if k > v and k in near]
    # an xcomp's object counts for its governor ("agreed to hold talks") only through the xcomp itself
    return before, after


def _dedup(xs: Iterable[Actor]) -> list[Actor]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for a in xs:
        k = (a.actor, a.agent)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out
