"""detente's coder dictionary: verbs with patterns, actors with dated roles, agents, discards (pure).

The packaged dictionary is the OEDA/PETRARCH2 one converted by ``tools/convert_petrarch.py``
plus detente's own additions; a user dictionary (same shape, see docs/coder.md) adds
phrases on top. :meth:`Dictionary.from_data` builds one from plain JSON-like data, so
nothing here reads a file.

* **verbs**: a verb phrase ("attack", "shoot down") belongs to a block; a block has a
  default code and patterns ``(code, words before the verb, words after it)``; the
  most specific matching pattern wins, ``None`` is "no event";
* **actors**: a phrase ("vladimir putin", "ethiopian") has roles, each a Phoenix code
  with optional first and last day: the same name means another actor or sector in
  another year; :meth:`Dictionary.actor` resolves a phrase on a day;
* **agents**: words that name a sector ("police" → COP, "ministry" → GOV).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from detente.core.coder.petrarch import Pattern, Role, parse_code, phrase_words
from detente.errors import InputError

__all__ = ["AGENTS", "Block", "Dictionary", "Resolved", "split_code"]

# CAMEO actor types that may follow a country code (Phoenix codes are country + agent + more)
AGENTS = frozenset(
    [
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "PTY",
        "MED",
        "COP",
        "JUD",
        "LEG",
        "CVL",
        "BUS",
        "EDU",
        "HLH",
        "REF",
        "ELI",
        "CRM",
        "LAB",
        "AGR",
        "UAF",
        "SPY",
        "NGO",
        "IGO",
        "REL",
        "ENV",
        "HRI",
        "INS",
        "DEV",
        "MOD",
        "RAD",
        "SEP",
        "UNK",
    ]
)
PREPOSITIONS = frozenset(
    [
        "about",
        "against",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "over",
        "to",
        "toward",
        "towards",
        "upon",
        "with",
        "without",
    ]
)  # a pattern made only of these reads the verb's own prepositional phrase

_WHOLE = ("IGO", "IMG", "NGO", "MNC", "INT", "NGM", "UIS")  # international actors: the code is the actor


GENERIC_ORGS = frozenset({"IGO", "NGO", "IMG"})  # Phoenix's generic organisation codes: three letters, no state


def is_state(code: str) -> bool:
    """Whether an actor code names a state (``ETH``), not an organisation (``IGOUNO``, the generic ``IGO``).

    >>> is_state("ETH"), is_state("IGO"), is_state("IGOUNO"), is_state("")
    (True, False, False, False)
    """
    return len(code) == 3 and code not in GENERIC_ORGS


def is_org(code: str) -> bool:
    """Whether an actor code names an organisation or a group (``IGOUNO``, ``IGO``, ``NGOHRI``), not a state."""
    return len(code) > 3 or code in GENERIC_ORGS


def split_code(code: str) -> tuple[str, str | None]:
    """A Phoenix actor code as (actor, agent): 'RUSGOV' → ('RUS', 'GOV'); 'IGOUNO' stays whole.

    >>> split_code("RUSGOV"), split_code("ETHREB"), split_code("IGOUNOREF"), split_code("USA")
    (('RUS', 'GOV'), ('ETH', 'REB'), ('IGOUNOREF', None), ('USA', None))
    """
    code = code.upper()
    if code.startswith(_WHOLE) or len(code) <= 3:
        return code, None
    agent = code[3:6]
    return code[:3], agent if agent in AGENTS else None


@dataclass(frozen=True)
class Block:
    name: str
    code: str | None
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class Resolved:
    """An actor phrase resolved on a day: actor, agent, the code it came from and whether it names a person."""

    actor: str
    agent: str | None
    code: str
    person: bool


def _resolve(roles: Sequence[Role], day: dt.date) -> Role | None:
    dated = [r for r in roles if r.start is not None or r.end is not None]
    for r in dated:
        if (r.start is None or r.start <= day) and (r.end is None or day <= r.end):
            return r
    undated = [r for r in roles if r.start is None and r.end is None]
    if undated:
        return undated[-1] if dated else undated[0]
    return None


@dataclass
class Dictionary:
    """The verb, actor and agent dictionaries, indexed for matching over words."""

    synsets: dict[str, frozenset[str]] = field(default_factory=dict)
    verbs: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    actors: dict[tuple[str, ...], tuple[Role, ...]] = field(default_factory=dict)
    people: set[tuple[str, ...]] = field(default_factory=set)
    agents: dict[tuple[str, ...], str] = field(default_factory=dict)
    discard_sentence: tuple[tuple[str, ...], ...] = ()
    discard_story: tuple[tuple[str, ...], ...] = ()
    _lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _agent_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _rank_cache: dict[int, list[tuple[Pattern, frozenset[str]]]] = field(default_factory=dict, repr=False)
    _padded: dict[tuple[tuple[str, ...], ...], dict[str, list[str]]] = field(default_factory=dict, repr=False)

    # -- building --------------------------------------------------------------------------------
    @classmethod
    def from_data(
        cls,
        verbs: Mapping[str, Any],
        actors: Mapping[str, Any],
        agents: Mapping[str, Any],
        discards: Mapping[str, Any],
    ) -> Dictionary:
        """From the converted PETRARCH2 data (the JSON files :mod:`tools.convert_petrarch` writes)."""
        d = cls()
        d.synsets = {k: frozenset(v) for k, v in verbs.get("synsets", {}).items()}
        d.blocks = [
            Block(
                str(name),
                code,
                tuple(Pattern(c, tuple(b), tuple(a)) for c, b, a in pats),
            )
            for name, code, pats in verbs.get("blocks", [])
        ]
        d.verbs = {k: (int(v[0]), v[1]) for k, v in verbs.get("verbs", {}).items()}
        for phrases, roles, *rest in actors.get("rows", []):
            rs = tuple(
                Role(str(c), dt.date.fromisoformat(s) if s else None, dt.date.fromisoformat(e) if e else None)
                for c, s, e in roles
            )
            person = bool(rest[0]) if rest else False
            for p in phrases:
                k = tuple(p.split())
                if k and k not in d.actors:
                    d.actors[k] = rs
                    if person:
                        d.people.add(k)
        for p, code in agents.get("agents", []):
            k = tuple(p.split())
            if k:
                d.agents.setdefault(k, code[:3])
        d.discard_sentence = tuple(tuple(p.split()) for p in discards.get("sentence", []) if not p.isdigit())
        d.discard_story = tuple(tuple(p.split()) for p in discards.get("story", []) if not p.isdigit())
        d.reindex()
        return d

    def reindex(self) -> None:
        self._rank_cache = {}
        self._padded = {}
        lengths: dict[str, set[int]] = {}
        for k in self.actors:
            lengths.setdefault(k[0], set()).add(len(k))
        self._lengths = {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}
        alen: dict[str, set[int]] = {}
        for k in self.agents:
            alen.setdefault(k[0], set()).add(len(k))
        self._agent_lengths = {w: tuple(sorted(n, reverse=True)) for w, n in alen.items()}

    def add(self, extra: Mapping[str, Any], *, source: str = "dictionary", override: bool = True) -> None:
        """Add a detente/user dictionary: ``{"actors": [...], "agents": [...], "verbs": [...], "synsets": {...}}``.

        actors: ``{"phrase": "TPLF", "code": "ETHREB", "start": "2019-01-01", "end": null}``;
        agents: ``{"phrase": "coast guard", "code": "MIL"}``; verbs: ``{"verb": "hold",
        "code": "062", "after": ["exercise"], "before": []}`` (``code`` null = no event); synsets:
        ``{"&military": ["reservists"]}`` adds words to a synonym set the verb patterns name.
        A bad entry is one clear :class:`InputError` naming it.
        """
        if not isinstance(extra, Mapping):
            raise InputError(f"{source}: the dictionary must be an object with actors/agents/verbs lists.")
        for n, a in enumerate(_items(extra, "actors", source), 1):
            where = f"{source}: actors[{n}]"
            words = phrase_words(_text(a, "phrase", where))
            code = _text(a, "code", where).upper()
            if not words or not code.isalpha() or not 3 <= len(code) <= 15:
                raise InputError(f"{where}: {code!r} is not an actor code.", hint="Use a CAMEO/Phoenix code: ETHREB.")
            role = Role(code, _day(a.get("start"), where), _day(a.get("end"), where))
            if override or words not in self.actors:
                old = self.actors.get(words, ()) if role.start or role.end else ()
                self.actors[words] = (role, *old) if override else (*old, role)
                if a.get("person", bool(role.start or role.end)):  # a dated role is a person's unless "person": false
                    self.people.add(words)
        for n, a in enumerate(_items(extra, "agents", source), 1):
            where = f"{source}: agents[{n}]"
            words = phrase_words(_text(a, "phrase", where))
            code = _text(a, "code", where).upper()[:3]
            if not words or code not in AGENTS:
                raise InputError(f"{where}: {code!r} is not an agent.", hint=f"Use one of {', '.join(sorted(AGENTS))}.")
            if override or words not in self.agents:
                self.agents[words] = code
        syn = extra.get("synsets", {})
        if not isinstance(syn, Mapping) or not all(
            isinstance(k, str) and k.startswith("&") and isinstance(w, list) for k, w in syn.items()
        ):
            raise InputError(
                f"{source}: 'synsets' must map '&name' to a list of words.", hint='{"&military": ["reservists"]}'
            )
        for k, words in syn.items():  # a synonym set grows: "&military" also means "reservists", "warships"
            more = {" ".join(phrase_words(w)) for w in words if isinstance(w, str) and phrase_words(w)}
            self.synsets[k.casefold()] = self.synsets.get(k.casefold(), frozenset()) | more
        for n, v in enumerate(_items(extra, "verbs", source), 1):
            where = f"{source}: verbs[{n}]"
            verb = " ".join(phrase_words(_text(v, "verb", where)))
            raw = v.get("code")
            vcode = parse_code(str(raw)) if raw is not None else None
            if raw is not None and vcode is None:
                raise InputError(f"{where}: {raw!r} is not a CAMEO code.", hint="Use 2-4 digits, root 01-20.")
            before = tuple(w.casefold() for w in v.get("before", []) if isinstance(w, str))
            after = tuple(w.casefold() for w in v.get("after", []) if isinstance(w, str))
            if not verb:
                raise InputError(f"{where}: 'verb' is empty.", hint="Give the verb's base form: attack, shoot down.")
            pat = Pattern(vcode, before, after)
            if verb in self.verbs:
                i, _own = self.verbs[verb]
                b = self.blocks[i]
                if before or after:
                    self.blocks[i] = Block(b.name, b.code, (pat, *b.patterns) if override else (*b.patterns, pat))
                elif override:
                    self.verbs[verb] = (i, vcode if vcode is not None else "-")  # "-": no event by default
            else:
                pats = (pat,) if before or after else ()
                self.blocks.append(Block(verb.upper(), vcode if not (before or after) else None, pats))
                self.verbs[verb] = (len(self.blocks) - 1, None)
        self.reindex()

    # -- lookups ---------------------------------------------------------------------------------
    def actor_lengths(self, first: str) -> tuple[int, ...]:
        lengths = self._lengths.get(first, ())
        if not lengths and self.plural_of(first) is not None:
            return (1,)  # "Afghans", "Ukrainians": the demonym's plural
        return lengths

    def plural_of(self, word: str) -> tuple[str, ...] | None:
        """The singular phrase a plural demonym stands for ("afghans" → "afghan"), if the dictionary has it
        and it names no person."""
        if len(word) < 5 or not word.endswith("s"):
            return None
        one = (word[:-1],)
        return one if one in self.actors and one not in self.people else None

    def plural_phrase(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The singular phrase a plural demonym of several words stands for ("south koreans" → "south korean",
        "sri lankans" → "sri lankan"), if the dictionary has it and it names no person."""
        last = words[-1]
        if len(last) < 4 or not last.endswith("s"):
            return None
        one = (*words[:-1], last[:-1])
        return one if one in self.actors and one not in self.people else None

    def agent_lengths(self, first: str) -> tuple[int, ...]:
        return self._agent_lengths.get(first, ())

    def actor(self, words: tuple[str, ...], day: dt.date) -> Resolved | None:
        """The actor a phrase names on ``day`` (dated roles first, then the undated default)."""
        roles = self.actors.get(words)
        people = False  # "Afghans", "South Koreans": a demonym's plural names the people (civilians)
        if not roles and words:
            one = self.plural_of(words[0]) if len(words) == 1 else self.plural_phrase(words)
            roles = self.actors.get(one) if one is not None else None
            people = roles is not None
        if not roles:
            return None
        r = _resolve(roles, day)
        if r is None:
            return None
        actor, agent = split_code(r.code)
        if people and agent is None and is_state(actor):
            agent = "CVL"
        return Resolved(actor, agent, r.code, words in self.people)

    def code_for(
        self,
        verb: str,
        before: Sequence[tuple[str, str]],
        after: Sequence[tuple[str, str]],
        preps: frozenset[str] | None = None,
    ) -> tuple[str | None, str]:
        """The code of ``verb`` given the (text, lemma) words before and after it; '' rule when none.

        ``preps`` (when given) holds the prepositions that head the verb's own phrases: a pattern made only of
        prepositions ("blast * for" criticises) then needs them there, not inside a noun phrase ("bombed a camp
        for displaced people", "fired missiles in retaliation for the attack").
        Returns (code or None, a short rule name for explanations).
        """
        hit = self.verbs.get(verb)
        if hit is None:
            return None, ""
        i, own = hit
        block = self.blocks[i]
        best: Pattern | None = None
        present = {w for pair in (*before, *after) for w in pair}
        for p, needed in self._ranked(i):  # most specific first; a pattern needs its plain words present
            if needed <= present and self._seq(p.after, after) and self._seq(p.before, before):
                if preps is not None and all(w in PREPOSITIONS for w in (*p.before, *p.after)) and not needed <= preps:
                    continue
                best = p
                break
        if best is not None:
            return best.code, f"{verb}: {' '.join(best.before)} * {' '.join(best.after)}".strip()
        if own == "-":
            return None, verb
        return (own or block.code), verb

    def _ranked(self, i: int) -> list[tuple[Pattern, frozenset[str]]]:
        """Block ``i``'s patterns with words, most words first (ties in dictionary order), each with the plain
        (non-synonym-set) words it needs; computed once per block."""
        ranked = self._rank_cache.get(i)
        if ranked is None:
            pats = [p for p in self.blocks[i].patterns if p.before or p.after]
            pats.sort(key=lambda p: -(len(p.before) + len(p.after)))
            ranked = [(p, frozenset(w for w in (*p.before, *p.after) if not w.startswith("&"))) for p in pats]
            self._rank_cache[i] = ranked
        return ranked

    def _seq(self, words: Sequence[str], toks: Sequence[tuple[str, str]]) -> bool:
        """Whether ``words`` occur in order among ``toks`` (a word matches text, lemma or a synonym set)."""
        j = 0
        for w in words:
            syn = self.synsets.get(w) if w.startswith("&") else None
            while j < len(toks):
                text, lemma = toks[j]
                j += 1
                if (syn is not None and (text in syn or lemma in syn)) or text == w or lemma == w:
                    break
                if syn is not None and j < len(toks):  # a two-word member: "armed forces", "air strike"
                    nxt_text, nxt_lemma = toks[j]
                    if f"{text} {nxt_text}" in syn or f"{text} {nxt_lemma}" in syn:
                        j += 1
                        break
            else:
                return False
        return True

    def discarded(self, words: Sequence[str], *, story: bool = False) -> bool:
        """Whether a word sequence contains a discard phrase (sport, entertainment)."""
        phrases = self.discard_story if story else self.discard_sentence
        if not phrases:
            return False
        index = self._padded.get(phrases)
        if index is None:  # first word → the phrases padded with spaces, built once
            index = self._padded[phrases] = {}
            for p in phrases:
                if p:
                    index.setdefault(p[0], []).append(" " + " ".join(p) + " ")
        candidates = [p for w in set(words) for p in index.get(w, ())]
        if not candidates:
            return False
        joined = " " + " ".join(words) + " "
        return any(p in joined for p in candidates)


def _items(extra: Mapping[str, Any], key: str, source: str) -> Iterable[Mapping[str, Any]]:
    items = extra.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise InputError(
            f"{source}: '{key}' must be a list of objects.", hint="See the user dictionary in docs/coder.md."
        )
    return items


def _text(obj: Mapping[str, Any], key: str, where: str) -> str:
    v = obj.get(key)
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"{where}: '{key}' is missing or not text.", hint="See the user dictionary in docs/coder.md.")
    return v


def _day(v: Any, where: str) -> dt.date | None:
    if v is None or v == "":
        return None
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise InputError(f"{where}: {v!r} is not a date.", hint="Write dates as YYYY-MM-DD.") from None
