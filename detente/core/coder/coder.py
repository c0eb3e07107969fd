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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar, Protocol

from detente.core.coder.dates import When, find_dates
from detente.core.coder.lexicon import ActorLexicon, Mention
from detente.core.coder.rules import Modality, VerbMatch, VerbRule, VerbRules, modality_of, recode
from detente.core.coder.text import Sentence, split_sentences, tokenize

__all__ = ["Accord", "CodedEvent", "Coder", "DocumentResult", "EventCoder", "Fallback", "Unresolved"]

SYMMETRIC = ("040", "041", "044", "046", "050", "057", "062", "064", "087", "0863", "125", "127")
_COORD = re.compile(  # optional person names after the actor: "Egyptian President Anwar Sadat and Israeli ..."
    r"^\s*(?:[A-Z][\w.'’-]*\s+){0,3}?(?:,|and|&|,\s*and|together with|along with|as well as|with)\s*(?:the\s+)?$"
)
_BETWEEN = re.compile(r"\b(?:between|among|amongst)\b", re.I)
_BOUNDARY = re.compile(
    r",\s+(?:which|who|whom|where|while|but|after|before|when|as|under|showcasing|saying|said|according|"
    r"the\s+\w+\s+said)\b|;|\s[—–]\s|\s-\s",
    re.I,
)
_PREP = re.compile(r"\b(?:from|of|to|with|by|for|against|on|over|into|toward|towards)\s+(?:the\s+)?$", re.I)
_ANAPHOR = re.compile(
    r"^(?:[\w\s]{0,25},\s+)?(?:(?P<pair>the two (?:countries|sides|states|nations|armies|governments|leaders|ministers)"
    r"|both (?:countries|sides|states|nations|armies|governments))|they|it|these (?:organi[sz]ations|countries|states"
    r"|nations|bodies|alliances|groups)|the (?:alliance|organi[sz]ation|bloc|union))\b",
    re.I,
)
_ENDS_BY = re.compile(r"\bby$", re.I)
_BY = re.compile(r"^[\w\s,-]{0,40}?\bby\s+(?:the\s+)?$", re.I)


class Fallback(Protocol):
    """Something that codes a sentence the rules missed: returns (CAMEO code, similarity 0..1) or None."""

    def classify(self, sentence: str) -> tuple[str, float] | None: ...

    def classify_many(self, sentences: list[str]) -> list[tuple[str, float] | None]: ...


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


@dataclass(frozen=True)
class Unresolved:
    """A named entity that the dictionaries do not know: its text, its sentence and its role."""

    text: str
    sentence: int
    role: str


@dataclass
class DocumentResult:
    """What coding one document gave: events, named entities left unresolved, whether it was discarded."""

    events: list[CodedEvent] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    discarded: bool = False


class EventCoder(Protocol):
    """What the CLI, the API and the evaluation need of a coder (rules or parser)."""

    mode: ClassVar[str]

    @property
    def fallback(self) -> Fallback | None: ...

    def code(self, text: str, doc_date: dt.date) -> list[CodedEvent]: ...

    def code_document(self, text: str, doc_date: dt.date) -> DocumentResult: ...


@dataclass
class _Context:
    paragraph: int = -1
    when: When | None = None
    accord: Accord | None = None
    previous: list[Mention] = field(default_factory=list)
    model: dict[int, tuple[str, float] | None] = field(default_factory=dict)


@dataclass
class Coder:
    """Codes English text into :class:`CodedEvent` objects; build one with :func:`detente.coder.build_coder`."""

    mode: ClassVar[str] = "rules"
    actors: ActorLexicon
    verbs: VerbRules
    accords: Sequence[Accord] = ()
    fallback: Fallback | None = None
    fallback_threshold: float = 0.45
    eras: Mapping[str, Sequence[tuple[dt.date, dt.date, str]]] = field(default_factory=dict)
    organisations: frozenset[str] = frozenset()  # "peacekeepers with the UN mission in Mali": the place is the target
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
        sentences = split_sentences(text)
        if self.fallback is not None:  # one batch for the model: per-call overhead dominates its cost
            todo = [s for s in sentences if self._needs_model(s.text)]
            if todo:
                ctx.model = dict(
                    zip((s.start for s in todo), self.fallback.classify_many([s.text for s in todo]), strict=True)
                )
        for i, s in enumerate(sentences):
            for ev in self.code_sentence(s, doc_date, ctx, index=i):
                key = (ev.source, ev.cameo, ev.target, ev.day)
                if key not in seen:
                    seen.add(key)
                    out.append(ev)
        return out

    def code_document(self, text: str, doc_date: dt.date) -> DocumentResult:
        """:meth:`code` as a :class:`DocumentResult` (the rules report no unresolved names)."""
        return DocumentResult(self.code(text, doc_date))

    def _needs_model(self, text: str) -> bool:
        """Whether a sentence would reach the fallback: actors named, no verb rule matched, not a question."""
        if text.rstrip().endswith("?") or not any(not m.is_place for m in self.actors.mentions(text, tokenize(text))):
            return False
        return not self.verbs.matches(text)

    # -- one sentence --------------------------------------------------------------------------
    def code_sentence(self, s: Sentence, doc: dt.date, ctx: _Context, index: int = 0) -> list[CodedEvent]:
        if s.paragraph != ctx.paragraph:
            ctx.paragraph, ctx.when, ctx.accord, ctx.previous = s.paragraph, None, None, []
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
        verbs = _drop_topics(text, self.verbs.matches(text))
        out: list[CodedEvent] = []
        for k, v in enumerate(verbs):
            earlier = verbs[k - 1].start if k else None
            out.extend(self._events_for(v, s, actors, places, dates, doc, ctx, index, earlier))
        # a target-less event is subsumed by one of the same source and root that names a target
        dyadic = {(e.source, e.root) for e in out if e.target is not None}
        out = [e for e in out if e.target is not None or (e.source, e.root) not in dyadic]
        if not verbs and actors and self.fallback is not None:
            hit = ctx.model[s.start] if s.start in ctx.model else self.fallback.classify(text)
            if hit is not None and hit[1] >= self.fallback_threshold:
                rule = VerbRule(hit[0], "", round(0.4 + 0.4 * hit[1], 2), "model")
                # the model sees no verb: read the modality off the words after the first actor
                mod = modality_of(text[: actors[0].end + 25])
                v = VerbMatch(rule, actors[0].end, actors[0].end, mod)
                out.extend(self._events_for(v, s, actors, places, dates, doc, ctx, index))
        if accord is not None and not out:
            out.extend(self._accord_events(accord, s, index))
        if dates:
            ctx.when = dates[-1]
        ctx.previous = _dedup(actors) if actors else ctx.previous
        return out

    def _era(self, actor: str, day: dt.date) -> str:
        """The registry actor a name means on ``day`` ("Serbia" in 1995 is YUG)."""
        for start, end, other in self.eras.get(actor, ()):
            if start <= day <= end:
                return other
        return actor

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
        earlier: int | None = None,
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
        symmetric = v.rule.code[:3] in SYMMETRIC or v.rule.code in SYMMETRIC
        sources, targets = _roles(text, v, actors, symmetric, earlier)
        inferred_source = False
        if not sources and ctx.previous and (m := _ANAPHOR.match(text)) is not None:
            # "These organizations facilitate dialogue": the actors of the previous sentence
            inferred_source = True
            if m.group("pair"):
                sources, targets = ctx.previous[:1], targets or ctx.previous[1:]
            else:
                sources = list(ctx.previous)
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
        if v.modality in (Modality.INTENDED, Modality.THREATENED) and day > doc:
            day, prec, date_from = doc, "day", "document"  # the intent is stated now; the act is to come
        if not targets:
            conf -= 0.1
        place = places[0] if places else None
        if (
            targets
            and place is not None
            and place.actor
            and code.startswith(_PLACE_IS_TARGET)
            and all(t.actor in self.organisations for t in targets)
        ):
            targets = []
        if not targets and place is not None and place.actor and code.startswith(_PLACE_IS_TARGET):
            targets = [place]  # "deployed peacekeepers in Kosovo", "air strikes in Syria", "arrived in Cairo"
            conf += 0.05
        out = []
        for src in sources:
            objects: list[Mention | None] = [t for t in targets if t.actor != src.actor] or [None]
            for tgt in objects:
                out.append(
                    CodedEvent(
                        source=self._era(src.actor, day),
                        target=self._era(tgt.actor, day) if tgt else None,
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
                        country=(place.actor or None) if place else None,
                        sentence=index,
                    )
                )
        return out


_PLACE_IS_TARGET = ("07", "18", "19", "20", "042", "062")


_TOPIC = re.compile(r"^\s*(?:[\w'’-]+\s+){0,3}?(?:on|about|regarding|concerning|over)\s+[\w\s'’–-]{0,30}$", re.I)


def _drop_topics(text: str, verbs: list[VerbMatch]) -> list[VerbMatch]:
    """Drop noun-phrase matches that are the topic of another verb ("a seminar on military cooperation")."""
    out: list[VerbMatch] = []
    for v in verbs:
        if v.rule.name.endswith("-noun") and out and _TOPIC.match(text[out[-1].end : v.start]):
            continue
        out.append(v)
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


def _roles(
    text: str, v: VerbMatch, actors: list[Mention], symmetric: bool, earlier: int | None = None
) -> tuple[list[Mention], list[Mention]]:
    """(sources, targets) of a verb phrase among the sentence's actor mentions.

    ``earlier`` is the start of the previous verb phrase in the sentence: the actors
    between it and this verb are that verb's objects ("visited Tokyo for talks with..."),
    so the subject is looked for before it.
    """
    # a mention inside the verb phrase ("trained Ukrainian soldiers") is an object
    before = [i for i, m in enumerate(actors) if m.start < v.start]
    if earlier is not None and any(actors[i].start < earlier for i in before):
        before = [i for i in before if actors[i].start < earlier]
    stop = _BOUNDARY.search(text, v.end)
    limit = stop.start() if stop else len(text)
    after = [i for i, m in enumerate(actors) if m.start >= v.start and m.start < limit]
    subjects = [i for i in before if not _PREP.search(text, max(0, actors[i].start - 12), actors[i].start)]
    anchor = (subjects or before)[-1] if before else None
    subj = _group(text, actors, anchor, leftwards=True) if anchor is not None else []
    obj: list[Mention] = []
    if _ENDS_BY.search(text, v.start, v.end):  # the phrase itself is passive: "talks between X and Y hosted by Z"
        after_by = [i for i, m in enumerate(actors) if m.start >= v.end and m.start < limit]
        inside = [m for m in actors if v.start <= m.start < v.end]
        if after_by:
            agents = _group(text, actors, after_by[0], leftwards=False)
            others = [actors[i] for i in after_by if actors[i] not in agents]
            if symmetric and len(agents) > 1 and not inside and not subj:  # "a treaty signed by X and Y"
                return agents[:1], _dedup(agents[1:] + others)
            return agents[:1], _dedup(inside + subj + others)
    if after:
        first = after[0]
        between = _BETWEEN.search(text, v.start, actors[first].start)
        obj = _group(text, actors, first, leftwards=False)
        if _BY.match(text[v.end : actors[first].start]):  # passive: "hosted by the United States"
            return obj[:1], _dedup(subj) or _dedup(obj[1:])
        if between is not None and not subj:  # "talks between India and Pakistan resumed"
            return obj[:1], _dedup(obj[1:])
    if not subj:
        return (obj[:1], _dedup(obj[1:])) if obj else ([], [])
    if symmetric and len(subj) > 1:  # "India and Pakistan held talks (with China)"
        return subj[:1], _dedup(subj[1:] + obj)
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
