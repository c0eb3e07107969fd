"""Dependency-parse trees as plain token lists (pure): tokens, children, noun phrases, clauses, windows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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


class Sentence(list[Tok]):
    """A sentence's tokens with each token's children precomputed (the parse is walked many times)."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        super().__init__(toks)
        self.kids: list[list[int]] = [[] for _ in toks]
        for k, t in enumerate(toks):
            if t.head != k and 0 <= t.head < len(toks):
                self.kids[t.head].append(k)


def children(toks: Sequence[Tok], i: int) -> list[int]:
    if isinstance(toks, Sentence):
        return toks.kids[i]
    return [k for k, t in enumerate(toks) if t.head == i and k != i]


def depth(toks: Sequence[Tok], i: int) -> int:
    d = 0
    while toks[i].head != i and d < 50:
        i = toks[i].head
        d += 1
    return d


def conjuncts(toks: Sequence[Tok], h: int) -> list[int]:
    """Noun phrases coordinated with ``h``, also through an apposition ("Iran's official, Ali Shamkhani, and
    Saudi adviser Musaed al-Aiban": the second is a conjunct of the first's name)."""
    out = []
    stack = [h, *(k for k in children(toks, h) if toks[k].dep == "appos")]
    while stack:
        x = stack.pop()
        for k in children(toks, x):
            if toks[k].dep == "conj" and toks[k].pos in ("NOUN", "PROPN", "PRON"):
                out.append(k)
                stack.append(k)
    return out


def noun_phrase(toks: Sequence[Tok], h: int) -> list[int]:
    """A noun phrase's tokens: the head, its left modifiers (recursively) and an 'of' complement."""
    out = [h]
    stack = [h]
    while stack:
        x = stack.pop()
        for k in children(toks, x):
            if toks[k].dep in NP_LEFT and k < h:
                out.append(k)
                stack.append(k)
            elif toks[k].dep == "prep" and toks[k].lower == "of" and x == h:
                for o in children(toks, k):
                    if toks[o].dep == "pobj":
                        out.append(o)
                        stack.append(o)
    return sorted(out)


def subtree(toks: Sequence[Tok], i: int, stop: frozenset[str], depth: int = 99) -> list[int]:
    out = []
    stack = [(i, 0)]
    while stack:
        x, d = stack.pop()
        out.append(x)
        if d >= depth:
            continue
        for k in children(toks, x):
            if toks[k].dep not in stop:
                stack.append((k, d + 1))
    return sorted(out)


QUANTITY_HEADS = frozenset(
    {"dozens", "hundreds", "thousands", "millions", "tens", "scores", "dozen", "number", "group", "batch"}
)


def windows(toks: Sequence[Tok], v: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(text, lemma) of the words before and after a verb within its own clause."""
    span = subtree(toks, v, CLAUSE)
    near = set(subtree(toks, v, CLAUSE, depth=3))  # the verb's phrase: objects, particles, their prepositions
    for k in list(near):  # "treated dozens of wounded civilians": a quantity's "of" phrase is the object itself
        if toks[k].lower in QUANTITY_HEADS and toks[k].head in near:
            near.update(
                j for p in children(toks, k) if toks[p].lower == "of" for j in subtree(toks, p, CLAUSE, depth=3)
            )
    # a passive's subject is the verb's object: "the agreement was signed" reads as "signed the agreement"
    moved = {j for k in children(toks, v) if toks[k].dep == "nsubjpass" for j in subtree(toks, k, CLAUSE, depth=2)}
    before = [(norm(toks[k].text), toks[k].lemma.casefold()) for k in span if k < v and k not in moved]
    after = [(norm(toks[k].text), toks[k].lemma.casefold()) for k in sorted(moved)]
    after += [(norm(toks[k].text), toks[k].lemma.casefold()) for k in span if k > v and k in near]
    nxt = v + 1  # "called for the perpetrators to be held accountable": the clause's "for" is the verb's
    if nxt < len(toks) and toks[nxt].dep == "mark" and toks[nxt].lower == "for" and toks[toks[nxt].head].head == v:
        after.insert(0, ("for", "for"))
    # an xcomp's object counts for its governor ("agreed to hold talks") only through the xcomp itself
    return before, after


def own_prepositions(toks: Sequence[Tok], v: int, kids: Sequence[int]) -> frozenset[str]:
    """The prepositions heading the verb's own phrases ("blamed X for", "was attacked by"), or its object's."""
    objs = [k for k in kids if toks[k].dep in ("dobj", "nsubjpass")]
    heads = [k for k in kids if toks[k].dep in ("prep", "agent", "dative") and not _of_time(toks, k)]
    heads += [j for o in objs for j in children(toks, o) if toks[j].dep == "prep" and toks[j].lower in ("of",)]
    # "called for the perpetrators to be held accountable": "for" marks the verb's own clause
    heads += [j for k in kids if toks[k].dep in ("advcl", "ccomp") for j in children(toks, k) if toks[j].dep == "mark"]
    return frozenset(norm(toks[k].text) for k in heads)


def _of_time(toks: Sequence[Tok], p: int) -> bool:
    """A prepositional phrase of time ("for a sixth night", "for two weeks"): no argument of the verb."""
    return any(toks[o].dep == "pobj" and toks[o].lemma.casefold() in TIME_NOUNS for o in children(toks, p))


TIME_NOUNS = frozenset(
    {"night", "day", "week", "month", "year", "hour", "minute", "decade", "time", "morning", "evening", "weekend"}
)


def norm(text: str) -> str:
    t = text.casefold().replace("’", "'")
    if t == "'s":
        return ""
    return t.replace(".", "").replace("'", "")


NP_LEFT = frozenset({"compound", "amod", "poss", "nmod", "det", "nummod", "npadvmod", "case", "cc", "conj"})


CLAUSE = frozenset({"conj", "cc", "ccomp", "advcl", "parataxis", "relcl", "xcomp", "punct", "mark", "acl", "appos"})
