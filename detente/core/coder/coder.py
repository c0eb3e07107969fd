"""The event coder: sentences → who did what to whom, when and where (pure).

For each sentence the coder finds actor mentions (:mod:`.lexicon`), verb phrases
(:mod:`.rules`) and time expressions (:mod:`.dates`), then, per verb phrase:

* **source**: the actor named nearest before the verb (and those coordinated with
  it, "India and Pakistan"), or the agent of a passive ("hosted by the United
  States"); failing that, the first actor after the verb;
* **targets**: actors after the verb (with "between X and Y" naming both), or the
  coordinated co-subjects of a symmetric act (talks, exercises, agreements);
* **when**: the sentence's first time expression, else the last one in the same
  paragraph, else the document date; **where**: an actor-phrase after "in"/"at";
* **named accords** (Camp David, Dayton...) fill in the mediator, the parties and
  the date the text leaves implicit, for the rest of the paragraph.

A fallback classifier (the optional embedding model) may code sentences that name
actors but match no verb rule. Confidence starts at the rule's weight and drops
for each thing inferred rather than read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from detente.core.coder.dates import When, find_dates
from detente.core.coder.lexicon import ActorLexicon, Mention
from detente.core.coder.rules import Modality, VerbMatch, VerbRule, VerbRules, recode
from detente.core.coder.text import Sentence, split_sentences, tokenize

__all__ = ["Accord", "CodedEvent", "Coder", "Fallback"]

SYMMETRIC = ("036", "040", "041", "044", "046", "057", "030", "062", "064", "087", "125", "127")
_COORD = re.compile(r"^\s*(?:,|and|&|,\s*and|together with|along with|as well as|with)\s*(?:the\s+)?$", re.I)
_BETWEEN = re.compile(r"\b(?:between|among|amongst)\b", re.I)
_BY = re.compile(r"^[\w\s,-]{0,40}?\bby\s+(?:the\s+)?$", re.I)


class Fallback(Protocol):
    """Something that codes a sentence the rules missed: returns (CAMEO code, similarity 0..1) or None."""

    def classify(self, sentence: str) -> tuple[str, float] | None: ...


@dataclass(frozen=True)
class Accord:
    """A named agreement: its phrases, the mediator (if any), the parties and the day it was concluded."""

    name: str
    phrases: tuple[str, ...]
    mediator: str | None
    parties: tuple[str, ...]
    day: dt.date


@dataclass(frozen=True)
class CodedEvent:
    """One coded event, with the evidence and how each part was obtained."""

    source: str | None
    target: str | None
    cameo: str
    day: dt.date
    date_precision: str
    date_from: str  # sentence, paragraph, accord, document
    evidence: str
    start: int
    end: int
    confidence: float
    modality: str
    rule: str
    source_sector: str | None = None
    target_sector: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    place: str | None = None
    country: str | None = None
    sentence: int = 0

    @property
    def root(self) -> int:
        return int(self.cameo[:2])


@dataclass
class _Context:
    paragraph: int = -1
    when: When | None = None
    accord: Accord | None = None
    subject: Mention | None = None


@dataclass
class Coder:
    """Codes English text into :class:`CodedEvent` objects; build one with :func:`detente.coder.build_coder`."""

    actors: ActorLexicon
    verbs: VerbRules
    accords: Sequence[Accord] = ()
    fallback: Fallback | None = None
    fallback_threshold: float = 0.55
    _accord_rx: list[tuple[re.Pattern[str], Accord]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._accord_rx = [
            (re.compile(r"\b" + r"\b|\b".join(re.escape(p) for p in a.phrases) + r"\b", re.I), a) for a in self.accords
        ]

    def code(self, text: str, doc_date: dt.date) -> list[CodedEvent]:
        """Every event in ``text``; dates resolve against ``doc_date``. Never raises on odd text."""
        out: list[CodedEvent] = []
        seen: set[tuple[str | None, str, str | None, dt.date]] = set()
        ctx = _Context()
        for i, s in enumerate(split_sentences(text)):
            for ev in self.code_sentence(s, doc_date, ctx, index=i):
                key = (ev.source, ev.cameo, ev.target, ev.day)
                if key not in seen:
                    seen.add(key)
                    out.append(ev)
        return out

    # -- one sentence --------------------------------------------------------------------------
    def code_sentence(self, s: Sentence, doc: dt.date, ctx: _Context, index: int = 0) -> list[CodedEvent]:
        if s.paragraph != ctx.paragraph:
            ctx.paragraph, ctx.when, ctx.accord, ctx.subject = s.paragraph, None, None, None
        text = s.text
        if text.rstrip().endswith("?"):
            return []
        dates = find_dates(text, doc)
        accord = next((a for rx, a in self._accord_rx if rx.search(text)), None)
        if accord is not None:
            ctx.accord = accord
        mentions = self.actors.mentions(text, tokenize(text))
        actors = [m for m in mentions if not m.is_place]
        places = [m for m in mentions if m.is_place]
        verbs = self.verbs.matches(text)
        out: list[CodedEvent] = []
        for v in verbs:
            out.extend(self._events_for(v, s, actors, places, dates, doc, ctx, index))
        if not verbs and actors and self.fallback is not None:
            hit = self.fallback.classify(text)
            if hit is not None and hit[1] >= self.fallback_threshold:
                rule = VerbRule(hit[0], "", round(0.4 + 0.4 * hit[1], 2), "model")
                v = VerbMatch(rule, actors[0].end, actors[0].end, Modality.ASSERTED)
                out.extend(self._events_for(v, s, actors, places, dates, doc, ctx, index))
        if accord is not None and not out:
            out.extend(self._accord_events(accord, s, index))
        if dates:
            ctx.when = dates[-1]
        if actors:
            ctx.subject = actors[0]
        return out

    def _accord_events(self, a: Accord, s: Sentence, index: int) -> list[CodedEvent]:
        pairs: list[tuple[str, str, str]] = (
            ([(a.mediator, "045", p) for p in a.parties] if a.mediator else [(a.parties[0], "057", a.parties[1])])
            if len(a.parties) >= 2 or a.mediator
            else []
        )
        return [
            CodedEvent(
                src,
                tgt,
                code,
                a.day,
                "day",
                "accord",
                s.text,
                s.start,
                s.end,
                0.6,
                "asserted",
                f"accord:{a.name}",
                sentence=index,
            )
            for src, code, tgt in pairs
        ]

    def _events_for(
        self,
        v: VerbMatch,
        s: Sentence,
        actors: list[Mention],
        places: list[Mention],
        dates: list[When],
        doc: dt.date,
        ctx: _Context,
        index: int,
    ) -> list[CodedEvent]:
        code = recode(v.rule.code, v.modality)
        if code is None:
            return []
        text = s.text
        conf = v.rule.weight
        if v.modality is Modality.HYPOTHETICAL:
            conf -= 0.2
        elif v.modality is not Modality.ASSERTED:
            conf -= 0.05
        sources, targets = _roles(text, v, actors, symmetric=code[:3] in SYMMETRIC or code in SYMMETRIC)
        inferred_source = False
        if not sources and ctx.accord is not None:
            med = ctx.accord.mediator if code[:2] in ("03", "04") and ctx.accord.mediator else None
            if med:
                sources = [_pseudo(med)]
                inferred_source = True
        if not targets and ctx.accord is not None:
            src_ids = {m.actor for m in sources}
            targets = [_pseudo(p) for p in ctx.accord.parties if p not in src_ids]
            conf -= 0.1
        if not sources:
            return []
        if inferred_source:
            conf -= 0.15
        when, date_from = _when_for(v, dates, ctx, doc)
        if date_from == "document":
            conf -= 0.1
        acc = ctx.accord
        if acc is not None and (
            date_from in ("document", "paragraph")
            or (when is not None and when.precision != "day" and when.day.year == acc.day.year)
        ):
            day, prec, date_from = acc.day, "day", "accord"
        else:
            day, prec = (when.day, when.precision) if when else (doc, "day")
        if not targets:
            conf -= 0.1
        place = places[0] if places else None
        out = []
        objects: list[Mention | None] = list(targets) or [None]
        for src in sources:
            for tgt in objects:
                if tgt is not None and tgt.actor == src.actor:
                    continue
                out.append(
                    CodedEvent(
                        source=src.actor,
                        target=tgt.actor if tgt else None,
                        cameo=code,
                        day=day,
                        date_precision=prec,
                        date_from=date_from,
                        evidence=text,
                        start=s.start,
                        end=s.end,
                        confidence=round(min(0.99, max(0.05, conf)), 2),
                        modality=v.modality.value,
                        rule=v.rule.name or v.rule.pattern[:40],
                        source_sector=src.sector,
                        target_sector=tgt.sector if tgt else None,
                        source_name=src.text or None,
                        target_name=(tgt.text or None) if tgt else None,
                        place=place.text if place else None,
                        country=place.actor if place else None,
                        sentence=index,
                    )
                )
        return out


def _pseudo(actor: str) -> Mention:
    return Mention(actor, None, -1, -1, -1, -1, "", False)


def _group(text: str, ms: list[Mention], anchor: int, leftwards: bool) -> list[Mention]:
    """The mention at ``anchor`` and those coordinated with it ("X, Y and Z")."""
    group = [ms[anchor]]
    j = anchor
    while True:
        k = j - 1 if leftwards else j + 1
        if not 0 <= k < len(ms):
            break
        a, b = (ms[k], ms[j]) if leftwards else (ms[j], ms[k])
        if not _COORD.match(text[a.end : b.start]):
            break
        group.append(ms[k])
        j = k
    return sorted(group, key=lambda m: m.start)


def _roles(text: str, v: VerbMatch, actors: list[Mention], symmetric: bool) -> tuple[list[Mention], list[Mention]]:
    before = [i for i, m in enumerate(actors) if m.end <= v.start]
    after = [i for i, m in enumerate(actors) if m.start >= v.end]
    subj = _group(text, actors, before[-1], leftwards=True) if before else []
    obj: list[Mention] = []
    if after:
        first = after[0]
        between = _BETWEEN.search(text, v.end, actors[first].start)
        obj = _group(text, actors, first, leftwards=False)
        if _BY.match(text[v.end : actors[first].start]):  # passive: "hosted by the United States"
            agent, rest = obj[:1], [m for m in subj]
            return agent, rest or [m for m in obj[1:]]
        if between is not None and not subj:  # "talks between India and Pakistan resumed"
            return obj[:1], obj[1:]
    if not subj:
        if not obj:
            return [], []
        return obj[:1], obj[1:]
    if not obj:
        if symmetric and len(subj) > 1:
            return subj[:1], _dedup(subj[1:])
        return _dedup(subj), []
    return _dedup(subj), _dedup(obj)


def _dedup(ms: Iterable[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in ms:
        if m.actor not in seen:
            seen.add(m.actor)
            out.append(m)
    return out


def _when_for(v: VerbMatch, dates: list[When], ctx: _Context, doc: dt.date) -> tuple[When | None, str]:
    if dates:
        return dates[0], "sentence"
    if ctx.when is not None:
        return ctx.when, "paragraph"
    return None, "document"


def with_fallback(coder: Coder, fallback: Fallback | None) -> Coder:
    """The same coder with another fallback classifier (or none)."""
    return replace(coder, fallback=fallback)
