"""What a document has said so far and the sentence being coded (pure): actors, the context that resolves
"he" and "the ministry", and the scene each reader works on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from detente.core.coder.coder import Unresolved
from detente.core.coder.dates import When
from detente.core.coder.dictionary import is_state
from detente.core.coder.tree import Tok


@dataclass(frozen=True)
class Actor:
    """A resolved actor filling a role: actor code, agent (sector), the text it was named by and how."""

    actor: str
    agent: str | None
    text: str
    how: str = "named"  # named, agent, pronoun, context
    person: bool = False


Hit = tuple[
    str, "Actor", "Actor | None", str, float, str, str | None
]  # code, source, target, rule, conf, modality, place


@dataclass
class Context:
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
    hostile: bool = False  # whether that verb's act is hostile to its target (CAMEO 13, 14, 16-20)
    states: dict[str, int] = field(default_factory=dict)  # how often each state was named (the dateline's twice)
    last_fight: tuple[Actor, Actor | None] | None = None  # the sides of the last act of force coded (18-20)
    last_sources: tuple[Actor, ...] = ()  # the last sentence's joint sources ("the US, the EU and Britain agreed")
    last_act: tuple[str, Actor | None] | None = None  # the last sentence's first act (code, target): "followed suit"
    doers: dict[str, tuple[int, Actor]] = field(default_factory=dict)  # root → (sentence, its last coded source)

    def count_state(self, a: Actor, weight: int = 1) -> None:
        if is_state(a.actor) and not a.person:
            self.states[a.actor] = self.states.get(a.actor, 0) + weight

    def story_state(self) -> Actor | None:
        """The state the story is about so far: the one named most often (the dateline counts twice)."""
        if not self.states:
            return None
        code = max(self.states, key=lambda c: self.states[c])  # ties: the first named
        return Actor(code, None, code, "context")

    def remember(self, a: Actor) -> None:
        key = (a.actor, a.agent)
        self.recent = [*[r for r in self.recent if (r.actor, r.agent) != key][-5:], a]
        if a.person:
            self.last_person = a
        else:
            if a.agent is None and is_state(a.actor):
                self.last_country = a
            if a.agent is not None or a.actor.startswith(("IGO", "IMG", "NGO")):
                self.last_group = a
            self.last_thing = a
        if a.person and self.last_country is None:
            self.last_country = Actor(a.actor, None, a.text, "context")


@dataclass(frozen=True, slots=True)
class Scene:
    """One sentence being coded: its parse, the actors and agent words found in it, the document so far, and
    where unresolved names are reported."""

    toks: Sequence[Tok]
    mentions: dict[int, Actor]
    agents: dict[int, str]
    ctx: Context
    unresolved: list[Unresolved]
    index: int


UNKNOWN = Actor("", None, "", "unknown")  # the doer of an agentless passive: coded with no source


def dedup(xs: Iterable[Actor]) -> list[Actor]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for a in xs:
        k = (a.actor, a.agent)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out


def as_state(a: Actor | None) -> Actor | None:
    """An actor as the state (or organisation) an agent word belongs to ("the ministry" of the last subject)."""
    return None if a is None else Actor(a.actor, None, a.text, "context")
