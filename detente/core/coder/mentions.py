"""Actors in a parsed sentence (pure): dictionary phrases, agent words, pronouns and references resolved on the
document date and context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from detente.core.coder.coder import Unresolved
from detente.core.coder.context import Actor, Scene, as_state, dedup
from detente.core.coder.dictionary import Dictionary, Resolved, is_org, is_state
from detente.core.coder.tree import CLAUSE, Tok, children, conjuncts, norm, noun_phrase, subtree
from detente.core.coder.vocabulary import (
    ACTIVITY_NOUNS,
    ARMED_NOUNS,
    CALENDAR,
    GROUP_NOUNS,
    GROUPS,
    ORG_NOUNS,
    PLACE_PREPS,
    PRON_GROUP,
    PRON_PERSON,
    PRON_THING,
    QUANTITY,
    SAY,
    SPEAKERS,
    STATE_BODIES,
    STATE_OWNED,
    TITLE_AGENTS,
    TITLES,
)


class ActorReader:
    """Finds the actors a sentence names and the actor each noun phrase stands for (dictionary phrases, agent
    words, pronouns, titles, names seen earlier in the document)."""

    d: Dictionary

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
            hit = self._longest(toks, pos, words, i, day)
            if hit is not None and words[i] == "the" and i + 1 < n:
                # "The UN human rights office": a longer name after the article beats "the UN"
                later = self._longest(toks, pos, words, i + 1, day)
                if later is not None and later[0] >= hit[0]:
                    i += 1
                    hit = later
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

    def _longest(
        self, toks: Sequence[Tok], pos: list[int], words: list[str], i: int, day: dt.date
    ) -> tuple[int, Resolved] | None:
        """The longest dictionary phrase starting at word ``i`` (its length in words and what it names)."""
        for length in self.d.actor_lengths(words[i]):
            if i + length > len(words):
                continue
            r = self.d.actor(tuple(words[i : i + length]), day)
            if r is not None and self._plausible(toks, pos[i], length, r):
                return length, r
        return None

    def _plausible(self, toks: Sequence[Tok], i: int, length: int, r: Resolved) -> bool:
        """A short code ('UN', 'US') only in capitals; a one-word name not a sentence-initial common word."""
        span = toks[i : i + length]
        if length == 1:
            w = span[0].text
            if len(w.replace(".", "")) <= 3 and not w.replace(".", "").isupper():
                return False
            proper = span[0].pos in ("PROPN", "ADJ") or w.isupper() or is_org(r.actor)  # an organisation: "Interpol"
            if i == 0 and not proper and not self.d.plural_of(norm(w)):
                return False
            names = [  # "Mocimboa da Praia" is a town, not Cape Verde's capital: the last word of a longer name
                k
                for k in range(max(0, i - 3), i)
                if toks[k].head == i
                and toks[k].dep == "compound"
                and toks[k].pos == "PROPN"
                and toks[k].text[:1].isupper()
                and toks[k].lower not in TITLES | REGION_WORDS
                and k > 0  # "Neighbouring Chad": a capital at the start of the sentence is no name
            ]
            if names and not r.person and is_state(r.actor) and span[0].pos == "PROPN":
                return False
            nxt = toks[i + 1 : i + 3]
            if r.person and len(nxt) == 2 and all(t.pos == "PROPN" and t.text[:1].isupper() for t in nxt):
                return False  # "Hassan" of "Hassan Sheikh Mohamud": another, longer name the dictionary lacks
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
        heads = [h, *conjuncts(toks, h)]
        t = toks[h]
        group = self._group(sc, h)
        if group:  # "The allies also said they would freeze...": the last sentence's joint sources
            return group
        among = _among(toks, h)
        if among is not None:  # "Britain and France were among the countries that condemned it": those named
            return self._filler(sc, among, role, report)
        if t.lemma in ("side", "party") and any(
            toks[k].lower in ("both", "all", "two", "warring") for k in noun_phrase(toks, h)
        ):
            named = dedup(mentions[k] for k in noun_phrase(toks, h) if k in mentions and not mentions[k].person)
            if named:  # "Sudan's warring parties": the state named
                return [Actor(m.actor, None, m.text, "named") for m in named]
            return list(ctx.recent[-2:])  # "both sides", "the warring parties": the last two actors named
        span = noun_phrase(toks, h)
        if any(toks[k].dep == "cc" for k in span):  # "Russian and Ukrainian negotiators"
            named = dedup(mentions[k] for k in span if k in mentions and not mentions[k].person)
            if len(named) > 1:
                agent = agents.get(h)
                return [Actor(m.actor, agent or m.agent, m.text, "named") for m in named]
        if t.pos == "NOUN" and h not in mentions:
            for p in children(toks, h):  # "Western countries, including Britain and France": the members named
                if toks[p].dep == "prep" and toks[p].lower in ("including", "as"):
                    members = [o for o in children(toks, p) if toks[o].dep == "pobj" and o in mentions]
                    if members:
                        return self._filler(sc, members[0], role, report)
        out = []
        for x in heads:
            a = self._one(sc, x, role, report)
            if a is not None:
                out.append(a)
        return out

    def _group(self, sc: Scene, h: int) -> list[Actor]:
        """ "they" or "the allies" for several actors that acted together in the sentence before, when this
        sentence names no one before it."""
        toks, ctx = sc.toks, sc.ctx
        if len(ctx.last_sources) < 2 or h in sc.mentions:
            return []
        t = toks[h]
        if t.lower in ("they", "them"):
            boss = governing_subject(toks, h)
            if boss is not None and boss != h:
                return self._group(sc, boss)  # "the allies said they would...": whatever "the allies" are
            if any(toks[k].pos in ("NOUN", "PROPN") and toks[k].dep in ARGUMENTS for k in range(h)):
                return []  # "women protested before they were dispersed": the women
        elif not (
            t.pos == "NOUN"
            and t.lower.endswith("s")
            and t.lemma.casefold() in GROUP_NOUNS
            and any(toks[k].lower in ("the", "both", "two", "three", "four") for k in noun_phrase(toks, h))
            and not any(k in sc.mentions for k in noun_phrase(toks, h))
        ):
            return []
        if any(k < h and not is_place(toks, k, sc.mentions) for k in sc.mentions):
            return []
        return [Actor(a.actor, a.agent, t.text, "pronoun", a.person) for a in ctx.last_sources]

    def _one(self, sc: Scene, h: int, role: str, report: bool = True) -> Actor | None:
        """The actor the noun phrase headed at ``h`` names; a person's name words are remembered for the
        document, so a later bare surname ("Pashinyan said") is the same actor."""
        toks, ctx = sc.toks, sc.ctx
        a = self._head_actor(sc, h, role, report)
        for p in children(toks, h):  # an apposition: "the country's top diplomat, Sergei Lavrov"
            if toks[p].dep == "appos" and toks[p].pos in ("NOUN", "PROPN"):
                b = self._head_actor(sc, p, role, report=False)
                if b is not None and _apposition_wins(a, b):
                    a = b
                break
        if a is not None and a.how in ("named", "context") and toks[h].pos == "PROPN":
            span = noun_phrase(toks, h)
            if a.person or any(toks[k].lower in TITLES for k in span):
                for k in span:
                    w = toks[k].text
                    if toks[k].pos == "PROPN" and w[:1].isupper() and len(w) > 2 and toks[k].lower not in TITLES:
                        ctx.names[w] = a
        return a

    def _head_actor(self, sc: Scene, h: int, role: str, report: bool = True) -> Actor | None:
        toks, mentions, agents, ctx, index = sc.toks, sc.mentions, sc.agents, sc.ctx, sc.index
        unresolved = sc.unresolved if report else None
        t = toks[h]
        low = t.text.casefold()
        if low in ("who", "which", "that", "whom") and toks[t.head].dep == "relcl" and toks[t.head].head != t.head:
            # "aircraft, which they said had dropped bombs": the noun the relative clause describes
            noun = toks[t.head].head
            return self._one(sc, noun, role, report) if noun != h else None
        if t.pos == "PRON" or low in PRON_PERSON | PRON_GROUP | PRON_THING:
            boss = governing_subject(toks, h)  # "police said they had opened...": the reporting subject
            if boss is not None and low not in ("its", "his", "her", "their"):
                said = self._one(sc, boss, role, report=False)
                if said is not None and (said.person or low not in ("he", "she")):
                    return Actor(said.actor, said.agent, t.text, "pronoun", said.person)
            here = [mentions[k] for k in sorted(mentions) if k < h]
            a: Actor | None
            if low in PRON_PERSON and any(m.person for m in here):
                a = [m for m in here if m.person][-1]
            elif low in PRON_THING and any(not m.person for m in here):
                a = [m for m in here if not m.person][-1]
            elif role == "source" and ctx.last_source is not None and ctx.last_source.person == (low in PRON_PERSON):
                a = ctx.last_source  # "It also condemned...": the last sentence's subject
            elif low in PRON_PERSON:
                a = ctx.last_person
            elif low in PRON_GROUP:
                a = ctx.last_group or ctx.last_thing
            elif low in PRON_THING:
                a = ctx.last_thing
            else:
                a = None
            return Actor(a.actor, a.agent, t.text, "pronoun", a.person) if a else None
        if t.lemma.casefold() in QUANTITY:  # "thousands of protesters", "a group of soldiers"
            of = [
                o
                for p in children(toks, h)
                if toks[p].lower == "of"
                for o in children(toks, p)
                if toks[o].dep == "pobj"
            ]
            if of:
                return self._one(sc, of[0], role, report)
        if t.lemma.casefold() in SPEAKERS:  # "a spokesman for the Nigerian army": whom they speak for
            for p in children(toks, h):
                if toks[p].dep == "prep" and toks[p].lower in ("for", "of"):
                    owner = next((self._one(sc, o, role, False) for o in children(toks, p) if toks[o].dep == "pobj"),
                                 None)  # fmt: skip
                    if owner is not None and not owner.person:
                        words = [toks[k].text for k in noun_phrase(toks, h) if toks[k].dep != "det"]
                        agent = owner.agent or ("GOV" if is_state(owner.actor) else None)
                        return Actor(owner.actor, agent, " ".join(words), owner.how, False)
        if t.lower == "force" and not any(toks[k].dep == "det" for k in children(toks, h)):
            return None  # "respond with force", "the use of force": violence, not an armed force
        span = noun_phrase(toks, h)
        named = dedup(mentions[k] for k in span if k in mentions)
        agent = agents.get(h)
        if agent is None:
            agent = next((agents[k] for k in span if k in agents and toks[k].dep in ("compound", "amod")), None)
        if agent is None and t.pos == "PROPN" and h not in mentions:
            # "General Musa Dankwa", "Foreign Minister Jane Roe": a person the dictionaries lack takes the sector
            # their title gives (and, below, the state the sentence or the story names)
            agent = next((TITLE_AGENTS[toks[k].lower] for k in span if k < h and toks[k].lower in TITLE_AGENTS), None)
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
        if t.lemma.casefold() in ACTIVITY_NOUNS and agents.get(h) is None:
            return None  # "military exercises", "security cooperation": an activity, not an actor
        if agent is None and t.pos == "NOUN":  # "bases in northern Israel", "targets in Houthi-held Yemen"
            inner = [k for k in subtree(toks, h, CLAUSE) if k in mentions and not mentions[k].person and k != h]
            if inner:
                m = mentions[inner[0]]
                return Actor(m.actor, m.agent, m.text, "named", False)
        poss = [k for k in span if toks[k].dep == "poss" and toks[k].pos == "PRON"]
        if poss and agent is not None:  # "its forces": whose the pronoun says
            owner = self._one(sc, poss[0], role, report=False)
            if owner is not None:
                return Actor(owner.actor, agent, text, "pronoun", False)
        owners = [k for k in children(toks, h) if toks[k].dep == "poss" and toks[k].pos in ("NOUN", "PROPN")]
        if owners and h not in mentions and not any(k in mentions for k in subtree(toks, owners[0], CLAUSE)):
            # "the group's leader", "the militants' commander", "the union's general secretary": whose the
            # possessor says (the group named before), in the head's own sector when it has one
            owner = self._one(sc, owners[0], role, report=False)
            if owner is not None and not owner.person:
                return Actor(owner.actor, agent or owner.agent, text, "context", False)
        titled = any(toks[k].lower in TITLES for k in span if k != h)
        initial = h == next((k for k, tk in enumerate(toks) if tk.text.strip()), -1)  # "Gunmen abducted..."
        if (
            agent is not None and t.pos == "PROPN" and not span_has_common(toks, span) and not titled and not initial
        ) and agent not in STATE_BODIES:  # "the Corruption Investigation Office" is a state body; a front is not
            agent = None  # "the Zorgonian Liberation Front": a name the dictionaries lack, not an agent word
        if agent is not None and role == "target" and ctx.sources and ctx.hostile:
            # "attacking army posts in southern Israel", "fired rockets at military bases in northern Israel":
            # a target's agent word belongs to the state it is placed in, or another state the sentence
            # names, not to the one doing the act
            whole = subtree(toks, h, frozenset({"relcl", "ccomp", "punct", "appos"}), depth=4)  # "companies based in X"
            inner = [k for k in whole if k in mentions and not mentions[k].person and k != h]
            places = sorted((k for k in mentions if k < h and is_place(toks, k, mentions)), reverse=True)
            other = [
                k for k in [*inner, *places] if mentions[k].actor not in ctx.sources and is_state(mentions[k].actor)
            ]
            if other:
                m = mentions[other[0]]
                return Actor(m.actor, agent, text, "context", False)
        if agent is not None:
            # "government forces in Myanmar", "police in Nairobi": the place the phrase itself names comes first
            own = [
                k
                for p in children(toks, h)
                if toks[p].dep == "prep" and toks[p].lower in ("in", "of", "from")
                for k in subtree(toks, p, CLAUSE, depth=3)
                if k in mentions and not mentions[k].person and is_state(mentions[k].actor)
            ]
            if own and len({mentions[k].actor for k in own}) == 1:  # several ("commanders from Kenya and
                return Actor(mentions[own[0]].actor, agent, text, "context", False)  # Ethiopia"): the caller's
            state_body = agent in STATE_OWNED  # an army or civilians are a state's, not the UN's
            candidates = [ctx.story_state(), as_state(ctx.last_source), ctx.last_country, ctx.last_thing]
            last = next((c for c in candidates if c is not None and (not state_body or is_state(c.actor))), None)
            base = near_country(toks, h, mentions, last, states=state_body)
            if base is None:
                return None
            return Actor(base.actor, agent, text, "context", False)
        if t.text.casefold() in CALENDAR:
            return None  # "on Saturday", "in March": a date, not an actor
        if (
            t.pos == "NOUN"
            and t.lemma.casefold() in ORG_NOUNS
            and any(toks[k].lower in ("the", "its", "this", "that") for k in span)
        ):  # "the agency", "the group", "the court": the last organisation or armed group named
            armed = t.lemma.casefold() in ARMED_NOUNS  # "the group", "the militia": an armed group first
            first = [r for r in reversed(ctx.recent) if (r.agent in GROUPS if armed else is_org(r.actor))]
            for r in [*first, *reversed(ctx.recent)]:  # "the mission", "the court": an organisation first
                if is_org(r.actor) or r.agent in GROUPS:
                    return Actor(r.actor, r.agent, text, "context", False)
        if t.pos == "PROPN" and t.text in ctx.names:  # "Pashinyan said": the person named before
            known = ctx.names[t.text]
            return Actor(known.actor, known.agent, t.text, "context", known.person)
        if t.pos == "PROPN" and unresolved is not None:
            name = " ".join(toks[k].text for k in span if toks[k].pos == "PROPN")
            if name and not any(u.text == name and u.sentence == index for u in unresolved):
                unresolved.append(Unresolved(name, index, role))
        return None

    def _sentence_actors(self, sc: Scene) -> list[Actor]:
        """Every actor a noun phrase of the sentence names (heads only), in reading order; not the one who
        reports it ("UN investigators said..." is no party to what they report)."""
        toks, mentions = sc.toks, sc.mentions
        out = []
        reporters = {
            j
            for k, t in enumerate(toks)
            if t.dep == "nsubj" and toks[t.head].lemma.casefold() in SAY
            for j in (k, *conjuncts(toks, k))
        }  # "the United States and Saudi Arabia said": both report
        for k, t in enumerate(toks):
            if k in reporters:
                continue
            if (
                t.pos in ("NOUN", "PROPN")
                and t.dep not in ("compound", "amod", "poss")
                and not is_place(toks, k, mentions)
                if k in mentions
                else t.pos in ("NOUN", "PROPN") and t.dep not in ("compound", "amod", "poss")
            ):
                a = self._one(sc, k, "target", report=False)
                if a is not None and a.how != "pronoun":
                    out.append(a)
        return out

    def _left_actor(self, sc: Scene, v: int) -> list[Actor]:
        """A misparsed verb without a subject ("Myanmar's military seized power" read as a noun phrase):
        the nearest actor before it in the sentence, as PETRARCH's left-hand source."""
        toks, mentions, agents = sc.toks, sc.mentions, sc.agents
        for k in range(v - 1, -1, -1):
            if toks[k].pos in ("VERB", "AUX") or toks[k].lower in (",", ";"):
                break
            if (k in mentions and not is_place(toks, k, mentions)) or k in agents:
                a = self._one(sc, k, "source", report=False)
                return [a] if a is not None else []
        return []


def _among(toks: Sequence[Tok], h: int) -> int | None:
    """The subject of "X were among the countries that...", for the relative pronoun "that"/"which"/"who"."""
    if toks[h].lower not in ("that", "which", "who") or toks[toks[h].head].dep != "relcl":
        return None
    noun = toks[toks[h].head].head
    prep = toks[noun].head
    if toks[noun].dep != "pobj" or toks[prep].lower != "among" or toks[prep].head == prep:
        return None
    subj = [k for k in children(toks, toks[prep].head) if toks[k].dep in ("nsubj", "nsubjpass")]
    return subj[0] if subj else None


def is_place(toks: Sequence[Tok], k: int, mentions: dict[int, Actor]) -> bool:
    """Whether the mention at ``k`` is a place ("in Cox's Bazar", "near Kyiv") rather than an actor."""
    first = k
    while first > 0 and mentions.get(first - 1) is mentions[k]:
        first -= 1
    j = first - 1
    while j >= 0 and toks[j].pos in ("DET", "ADJ", "PROPN") and j not in mentions:
        j -= 1
    if j >= 0 and toks[j].lower == "to" and toks[toks[j].head].lemma.casefold() in MOVES:
        return True  # "fled to Bangladesh", "returned to Kabul": where people went
    return j >= 0 and toks[j].lower in PLACE_PREPS


MOVES = frozenset({"flee", "escape", "return", "travel", "move", "go", "relocate", "cross", "evacuate", "head"})


def _apposition_wins(head: Actor | None, appos: Actor) -> bool:
    """Whether an apposition names the actor better than its head: the head names nobody or only through the
    context ("the country's top diplomat, Sergei Lavrov"); the apposition is a title with its state where the
    head is a person's dictionary role ("Abdoulaye Diop, Mali's foreign minister"); or it is more specific
    ("the UN agency for Palestinian refugees, UNRWA")."""
    if head is None:
        return True
    if appos.how == "pronoun" or appos.actor == head.actor:
        return False
    if head.how == "context" and appos.how != "context":
        return True
    if head.person and not appos.person and appos.how != "context":
        return True
    return appos.actor.startswith(head.actor) and len(appos.actor) > len(head.actor)


def governing_subject(toks: Sequence[Tok], h: int) -> int | None:
    """For a pronoun subject of a reported clause ("X said they..."), the reporting verb's subject; likewise of
    a clause of time or reason ("China fired missiles near Taiwan as it began drills": China, the main subject)."""
    if toks[h].dep not in ("nsubj", "nsubjpass"):
        return None
    v = toks[h].head
    if toks[v].dep not in ("ccomp", "advcl") or toks[v].head == v:
        return None
    if toks[v].dep == "advcl" and toks[h].lower not in ("it", "he", "she"):  # "after they occupied": often the object
        return None
    g = toks[v].head
    subj = [k for k in children(toks, g) if toks[k].dep in ("nsubj", "nsubjpass") and toks[k].pos != "PRON"]
    return subj[0] if subj else None


def span_has_common(toks: Sequence[Tok], span: list[int]) -> bool:
    """Whether a noun phrase has a common noun (an agent word like "police"), not only a proper name."""
    return any(toks[k].pos == "NOUN" for k in span)


def near_country(
    toks: Sequence[Tok], h: int, mentions: dict[int, Actor], last: Actor | None = None, *, states: bool = False
) -> Actor | None:
    """The nearest state or organisation named before ``h`` in the sentence, else ``last`` (the document's
    last state), else the first named after it; with ``states``, only a state (an army, police or ministry
    belongs to one, not to "UN investigators")."""
    if states:
        mentions = {k: m for k, m in mentions.items() if is_state(m.actor)}
    before = [k for k in mentions if k < h and not mentions[k].person and not is_place(toks, k, mentions)]
    if before:
        m = mentions[max(before)]
        return Actor(m.actor, None, m.text, "context")
    at = [k for k in mentions if k < h and not mentions[k].person]  # "In Seoul, police detained...": the place's state
    if at:
        m = mentions[max(at)]
        return Actor(m.actor, None, m.text, "context")
    if last is not None:
        return last
    after = [k for k in mentions if k > h and not mentions[k].person and not is_place(toks, k, mentions)]
    if after:
        m = mentions[min(after)]
        return Actor(m.actor, None, m.text, "context")
    places = [k for k in mentions if not mentions[k].person]  # "protesters in Kabul": the place's country
    if places:  # the last: "outside the US embassy in Baghdad" is in Iraq
        m = mentions[places[-1]]
        return Actor(m.actor, None, m.text, "context")
    return None


ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj"})
# words that qualify a place name without making another one ("Eastern Ghouta", "northern Gaza", "Greater Cairo")
REGION_WORDS = frozenset(
    {"eastern", "western", "northern", "southern", "central", "upper", "lower", "greater", "north", "south", "east",
     "west", "occupied", "new", "old"}
)  # fmt: skip
