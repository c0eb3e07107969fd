"""A small learned model of a sentence's CAMEO root (pure): features of a parse, and a linear model's scores.

The hand-written rules find an event in most sentences, but on text written by others they miss many and pick
the wrong one of several. The root model reads the whole parse (lemmas, each verb with its object, particle,
complement and prepositions, negation and modal auxiliaries) and gives a probability for each root 1-20, and 0
for "no event". The coder uses it two ways (:mod:`detente.core.coder.parsed`):

* **ranking**: an event's confidence blends the rule's confidence with the model's probability of its root, so
  the best event of a sentence is the one both agree on;
* **back-off**: a sentence where no rule codes an event, but the model is confident of a root, gets one event of
  that root's general code (``"190"``), its actors from the parse.

The weights are trained at build time by ``tools/train_root_model.py`` (scikit-learn's multinomial logistic
regression) on the gold sets in the package, cross-validated by document, and shipped as JSON
(``detente/reference/data/coder/root_model.json``). Scoring here is a sparse dot product and a softmax.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from detente.core.coder.context import Actor
from detente.core.coder.dictionary import is_state
from detente.core.coder.tree import Tok
from detente.errors import ConfigError

__all__ = ["RootModel", "TargetModel", "features", "target_features", "text_key"]


def text_key(text: str) -> str:
    """A short stable key of a sentence's words (case and spacing ignored): how the model names what it saw."""
    return hashlib.sha1(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()[:12]


_STOP = frozenset(
    {"the", "a", "an", "of", "to", "in", "on", "and", "or", "for", "with", "by", "at", "from", "as", "that", "this",
     "these", "those", "its", "it", "his", "her", "their", "be", "have", "do", "will", "would", "said", "say", "says"}
)  # fmt: skip
_CONTENT = frozenset({"NOUN", "VERB", "ADJ", "ADV", "ADP", "PART", "NUM"})
_ARGS = frozenset({"dobj", "prt", "xcomp", "ccomp", "attr", "acomp", "prep", "agent", "nsubjpass", "dative"})
_MODALS = frozenset({"will", "would", "could", "may", "might"})


def features(toks: Sequence[Tok]) -> list[str]:
    """The sentence's features: content lemmas (``l:``; not proper names, which belong to one story), verbs
    (``v:``) and the root (``r:``), each verb with its arguments' lemmas (``v:lift|dobj|ban``), negated verbs
    (``neg:``) and modal auxiliaries (``mod:``)."""
    f: set[str] = set()
    n = len(toks)
    kids: list[list[int]] = [[] for _ in toks]
    for k, t in enumerate(toks):
        if t.head != k and 0 <= t.head < n:
            kids[t.head].append(k)
    for i, t in enumerate(toks):
        lem = t.lemma.casefold()
        if t.pos in _CONTENT and lem not in _STOP and lem.isalpha():
            f.add("l:" + lem)
        if t.pos != "VERB" and t.dep != "ROOT":
            continue
        f.add("v:" + lem)
        if t.dep == "ROOT":
            f.add("r:" + lem)
        for k in kids[i]:
            c = toks[k]
            cl = c.lemma.casefold()
            if c.dep in _ARGS:
                f.add(f"v:{lem}|{c.dep}|{cl}")
                f.add(f"v:{lem}|{cl}")
                if c.dep == "prep":
                    for kk in kids[k]:
                        f.add(f"v:{lem}|{cl}|{toks[kk].lemma.casefold()}")
            elif c.dep == "neg":
                f.add("neg:" + lem)
                f.add("neg")
            elif c.dep == "aux" and cl in _MODALS:
                f.add("mod:" + cl)
    return sorted(f)


@dataclass(frozen=True)
class RootModel:
    """A multinomial linear model: ``classes`` (0 = no event, else the root), an intercept per class and, per
    feature, its non-zero weights as (class index, weight) pairs; ``trained`` the :func:`text_key` of each
    sentence it was trained on (so an evaluation on them can say it is no independent estimate)."""

    classes: tuple[int, ...]
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[tuple[int, float], ...]]
    trained: frozenset[str] = frozenset()

    def seen(self, text: str) -> bool:
        """Whether the model was trained on this sentence."""
        return text_key(text) in self.trained

    @classmethod
    def from_obj(cls, obj: Any, *, source: str = "root model") -> RootModel:
        """The model from its JSON object (``{"classes", "intercept", "weights": {feature: [[i, w], ...]}}``)."""
        try:
            classes = tuple(int(c) for c in obj["classes"])
            intercept = tuple(float(x) for x in obj["intercept"])
            weights = {str(f): tuple((int(i), float(w)) for i, w in pairs) for f, pairs in dict(obj["weights"]).items()}
            trained = frozenset(str(k) for k in obj.get("trained", ()))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ConfigError(f"{source} is malformed: {type(e).__name__}: {e}.", hint="Reinstall detente.") from None
        if len(classes) != len(intercept) or not classes or any(not 0 <= c <= 20 for c in classes):
            raise ConfigError(f"{source} is malformed: classes and intercept differ.", hint="Reinstall detente.")
        if any(not 0 <= i < len(classes) for pairs in weights.values() for i, _ in pairs):
            raise ConfigError(f"{source} is malformed: a weight names no class.", hint="Reinstall detente.")
        return cls(classes, intercept, weights, trained)

    def proba(self, feats: Sequence[str]) -> dict[int, float]:
        """Each class's probability (a softmax over the summed weights of the features present)."""
        z = list(self.intercept)
        for f in feats:
            for i, w in self.weights.get(f, ()):
                z[i] += w
        top = max(z)
        e = [math.exp(x - top) for x in z]
        s = sum(e)
        return {c: x / s for c, x in zip(self.classes, e, strict=True)}


_STATE = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "ELI"})
_ARMED = frozenset({"REB", "UAF", "CRM", "INS", "SEP", "RAD"})


def _side(agent: str | None) -> str:
    """An agent (sector) in four broad sides, so few examples still teach something: the state itself (no agent),
    its organs, armed groups outside it, and society (civilians, parties, unions, media...)."""
    if agent is None:
        return "none"
    return "state" if agent in _STATE else "armed" if agent in _ARMED else "society"


def target_features(
    code: str, source: Actor, cand: Actor | None, rank: int, named_here: bool, last_source: bool = False
) -> list[str]:
    """Features of one candidate target of an event whose text names none: the event's root, the candidate's
    place in the list (the sentence's actors first, then the document's, latest first), whether it is of the
    source's own state, its sector and kind; ``cand`` None is the candidate "no target"."""
    r = code[:2]
    if cand is None:
        return ["none", f"none|r:{r}", f"none|srcag:{_side(source.agent)}"]
    same = cand.actor[:3] == source.actor[:3]
    kind = (
        "igo"
        if cand.actor.startswith("IGO")
        else "ngo"
        if cand.actor.startswith("NGO")
        else ("state" if is_state(cand.actor) else "group")
    )
    k = min(rank, 5)
    return [
        f"k:{k}",
        f"k:{k}|here:{named_here}",
        f"here:{named_here}",
        f"r:{r}|here:{named_here}",
        f"same:{same}",
        f"same:{same}|r:{r}",
        f"ag:{cand.agent}",
        f"same:{same}|ag:{_side(cand.agent)}",
        f"ag:{_side(cand.agent)}",
        f"ag:{_side(cand.agent)}|r:{r}",
        f"srcag:{_side(source.agent)}|ag:{_side(cand.agent)}",
        f"how:{cand.how}",
        f"person:{cand.person}",
        f"kind:{kind}",
        f"kind:{kind}|r:{r}",
        f"r:{r}|k:{min(rank, 2)}",
        f"last_source:{last_source}",
        f"last_source:{last_source}|r:{r}",
    ]


@dataclass(frozen=True)
class TargetModel:
    """A binary linear model scoring a candidate target (:func:`target_features`); the best-scoring one wins."""

    intercept: float
    weights: Mapping[str, float]

    @classmethod
    def from_obj(cls, obj: Any, *, source: str = "target model") -> TargetModel:
        try:
            return cls(float(obj["intercept"]), {str(f): float(w) for f, w in dict(obj["weights"]).items()})
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise ConfigError(f"{source} is malformed: {type(e).__name__}: {e}.", hint="Reinstall detente.") from None

    def score(self, feats: Sequence[str]) -> float:
        return self.intercept + sum(map(self.weights.get, feats, repeat(0.0)))
