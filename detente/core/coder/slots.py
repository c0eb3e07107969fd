"""Who fills an event's source and target slots, learned (pure): the candidates and their parse features.

The rules pick an event's source and target from the verb's subject, object, passive agent or a prepositional
object, and the target model (:mod:`detente.core.coder.rootmodel`) picks a target the text does not name. On text
written by others the rules often take the wrong noun phrase: the reporter instead of the doer, the object of the
wrong preposition, a place instead of a party. The *slot models* look again at every event: each actor a noun
phrase of the sentence names, and the document's latest actors, is a candidate for each slot, described by where
it stands in the parse (its dependency relation, through conjunctions, appositions and possessives; the
preposition it is the object of; the verb it hangs on: the root, a reported clause, a passive, a reporting verb),
its kind and sector, and whether the rules chose it; a linear model scores each, crossed with the event's root.
The rules' choice stays unless another candidate scores clearly higher. The weights are trained by
``tools/train_root_model.py`` from the gold sets (each event's candidates labelled by the gold actors of the
sentence's events of the same root) and shipped as JSON with the root model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.core.coder.context import Actor
from detente.core.coder.dictionary import is_state
from detente.core.coder.tree import Tok
from detente.core.coder.vocabulary import SAY

__all__ = ["Slot", "slot_features", "where_in"]

_STATE = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "ELI"})
_ARMED = frozenset({"REB", "UAF", "CRM", "INS", "SEP", "RAD"})
_CLAUSES = frozenset({"ccomp", "xcomp", "advcl", "relcl", "conj", "acl", "pcomp", "ROOT"})


def _side(agent: str | None) -> str:
    if agent is None:
        return "none"
    return "state" if agent in _STATE else "armed" if agent in _ARMED else "society"


def _kind(a: Actor) -> str:
    if not a.actor:
        return "unknown"
    if a.actor.startswith("IGO"):
        return "igo"
    if a.actor.startswith("NGO"):
        return "ngo"
    return "state" if is_state(a.actor) else "group"


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a candidate stands in the sentence's parse (``dep`` "ctx" for the document's actors)."""

    dep: str  # its relation, through conjunctions and appositions: nsubj, dobj, pobj:against, poss>nsubj, ctx...
    verb: str  # the kind of verb it hangs on: root, say (a reporting verb), reported (a clause of one), other
    passive: bool  # whether that verb is passive
    before_root: bool  # whether it comes before the sentence's root
    order: int  # its place among the sentence's candidates (0, 1, 2, 3 = more); for "ctx", recency
    head: str = ""  # the lemma of its head word when that is a common noun or pronoun ("troops", "they")
    lemma: str = ""  # the lemma of the verb it hangs on


def where_in(toks: Sequence[Tok], k: int, order: int) -> Slot:
    """The :class:`Slot` of the noun phrase headed at token ``k``."""
    n = len(toks)
    i, steps = k, 0
    marks: list[str] = []
    while toks[i].dep in ("conj", "appos") and toks[i].head != i and steps < 8:  # "X and Y", "X, the minister"
        marks.append(toks[i].dep)
        i, steps = toks[i].head, steps + 1
    dep = toks[i].dep
    h = toks[i].head if 0 <= toks[i].head < n else i
    if dep == "pobj" and h != i:
        dep = f"pobj:{toks[h].lower}"
        i, h = h, toks[h].head if 0 <= toks[h].head < n else h
        if toks[i].dep == "agent":
            dep = "agent"
        elif toks[h].pos in ("NOUN", "PROPN") and h != i:  # "an attack on X": the noun's own argument
            dep = f"{dep}<{toks[h].dep}"
    elif dep == "poss" and h != i:  # "Russia's foreign minister": the owner of the subject
        dep = f"poss>{toks[h].dep}"
    elif dep == "compound" and h != i:
        dep = f"compound>{toks[h].dep}"
    if marks and marks[0] == "conj":
        dep += "+conj"
    # the verb it hangs on
    v, steps = i, 0
    while toks[v].pos not in ("VERB", "AUX") and toks[v].head != v and steps < 12:
        v, steps = toks[v].head, steps + 1
    root = next((j for j, t in enumerate(toks) if t.dep == "ROOT"), 0)
    lemma = toks[v].lemma.casefold()
    if lemma in SAY:
        verb = "say"
    elif toks[v].dep == "ROOT":
        verb = "root"
    elif toks[v].dep == "ccomp" and toks[toks[v].head].lemma.casefold() in SAY:
        verb = "reported"
    else:
        verb = toks[v].dep if toks[v].dep in _CLAUSES else "other"
    passive = any(t.head == v and t.dep in ("nsubjpass", "auxpass") for t in toks)
    head = toks[k].lemma.casefold() if toks[k].pos in ("NOUN", "PRON") else ""
    return Slot(dep, verb, passive, k < root, min(order, 3), head, lemma)


def slot_features(
    slot: str,
    code: str,
    cand: Actor | None,
    where: Slot | None,
    chosen: bool,
    other: Actor | None = None,
    rank: int = 0,
    sibling: bool = False,
    story: bool = False,
    last: bool = False,
    backoff: bool = False,
) -> list[str]:
    """Features of one candidate for ``slot`` ("source" or "target") of an event of CAMEO ``code``: ``where`` it
    stands (None: the document's actors, ``rank`` latest first), whether the rules ``chosen`` it, and for a target
    the event's source (``other``), whether it is the ``story``'s state and the ``last`` sentence's source, and
    whether the event is the root model's ``backoff`` (its actors read from the main verb alone);
    ``cand`` None is the candidate "no target"."""
    r = code[:2]
    if cand is None:
        return [f"{slot[0]}|none", f"{slot[0]}|none|r:{r}", f"{slot[0]}|none|chosen:{chosen}",
                f"{slot[0]}|none|chosen:{chosen}|r:{r}"]  # fmt: skip
    w = where or Slot("ctx", "none", False, False, min(rank, 3))
    out = [
        f"chosen:{chosen}",
        f"chosen:{chosen}|r:{r}",
        f"dep:{w.dep}",
        f"dep:{w.dep}|r:{r}",
        f"dep:{w.dep}|chosen:{chosen}",
        f"dep:{w.dep}|verb:{w.verb}",
        f"dep:{w.dep}|passive:{w.passive}",
        f"verb:{w.verb}",
        f"verb:{w.verb}|r:{r}",
        f"verb:{w.verb}|chosen:{chosen}",
        f"before:{w.before_root}",
        f"before:{w.before_root}|r:{r}",
        f"order:{w.order}",
        f"order:{w.order}|chosen:{chosen}",
        f"how:{cand.how}",
        f"how:{cand.how}|chosen:{chosen}",
        f"person:{cand.person}",
        f"kind:{_kind(cand)}",
        f"kind:{_kind(cand)}|r:{r}",
        f"side:{_side(cand.agent)}",
        f"side:{_side(cand.agent)}|r:{r}",
        f"sibling:{sibling}",
        f"story:{story}",
        f"story:{story}|r:{r}",
        f"story:{story}|dep:{w.dep}",
        f"last:{last}",
        f"last:{last}|r:{r}",
        f"backoff:{backoff}|chosen:{chosen}",
        f"backoff:{backoff}|dep:{w.dep}",
    ]
    if w.head:
        out += [f"head:{w.head}", f"head:{w.head}|r:{r}"]
    if w.lemma:
        out += [f"v:{w.lemma}|dep:{w.dep}"]
    if other is not None:
        same = bool(cand.actor) and cand.actor[:3] == other.actor[:3]
        out += [
            f"same:{same}",
            f"same:{same}|r:{r}",
            f"same:{same}|side:{_side(cand.agent)}|{_side(other.agent)}",
        ]
    return [f"{slot[0]}|{x}" for x in out]
