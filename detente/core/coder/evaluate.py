"""Precision, recall and F1 of coded events against a gold standard (pure).

Gold is JSON lines, one sentence (or short text) per line::

    {"id": "dev-001", "text": "...", "date": "2024-05-09", "split": "dev", "kind": "mediation",
     "events": [{"source": "USA", "target": "EGY", "cameo": "045"}]}

``events`` may be empty (a sentence with no event). ``cameo`` may be a root ("04")
or a full code; ``plover`` may be given instead of or beside it (else it is derived).
Scoring is per sentence over *sets*, micro-averaged: for each of the root code,
the PLOVER type, the source actor, the target actor, the (source, root, target)
triple and (stricter) the full CAMEO code, a prediction counts as a true positive when the same item is in the gold
set of that sentence. A missing target is the item "-" in triples and is not
scored in the target field.

Sentences may carry ``"doc"`` and ``"n"`` (a document id and the sentence's place in it):
the adapter then codes each document as a whole, so references across sentences ("he",
"the ministry") resolve as in real text, and scores each sentence's events. Predictions
are listed best first: the **root accuracy** is the share of sentences with a gold event
whose best predicted event has a gold root; the **no-event accuracy** the share of
sentences without one where nothing was coded. ``per_root`` scores the root and the
triple of each root separately.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError

__all__ = ["FIELDS", "GoldEvent", "GoldSentence", "Score", "evaluate", "parse_gold"]

FIELDS = ("root", "plover", "source", "target", "triple", "code")


@dataclass(frozen=True)
class GoldEvent:
    source: str | None
    target: str | None
    cameo: str
    plover: str | None = None

    @property
    def root(self) -> int:
        return int(self.cameo[:2])


@dataclass(frozen=True)
class GoldSentence:
    id: str
    text: str
    date: dt.date
    events: tuple[GoldEvent, ...]
    split: str = "dev"
    kind: str = ""
    doc: str | None = None
    n: int = 0


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    sentences: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    errors: list[dict[str, Any]] = field(default_factory=list)
    with_event: int = 0
    best_root_right: int = 0
    no_event: int = 0
    no_event_right: int = 0
    per_root: dict[int, dict[str, Score]] = field(default_factory=dict)
    documents: int = 0

    @property
    def root_accuracy(self) -> float:
        return self.best_root_right / self.with_event if self.with_event else 1.0

    @property
    def no_event_accuracy(self) -> float:
        return self.no_event_right / self.no_event if self.no_event else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "documents": self.documents,
            "root_accuracy": round(self.root_accuracy, 3),
            "root_recall": round(self.scores["root"].recall, 3),
            "no_event_accuracy": round(self.no_event_accuracy, 3),
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
            "per_root": {f"{r:02d}": {k: v.to_dict() for k, v in d.items()} for r, d in sorted(self.per_root.items())},
        }


def _str(obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    v = obj.get(key)
    if v is None or v == "":
        if required:
            raise InputError(f"{where}: '{key}' is missing.", hint="See the gold format in docs/coder.md.")
        return None
    if not isinstance(v, str):
        raise InputError(
            f"{where}: '{key}' must be a string, not {type(v).__name__}.", hint="See the gold format in docs/coder.md."
        )
    return v


def parse_gold(lines: Iterable[str], *, source: str = "gold") -> list[GoldSentence]:
    """Gold sentences from JSON lines; a bad line is one clear :class:`InputError` naming its line number."""
    out: list[GoldSentence] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source} line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where} is not JSON: {e.msg}.", hint="Each line must be one JSON object.") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where} is not a JSON object.", hint="Each line must be one JSON object.")
        text = _str(obj, "text", where, required=True)
        try:
            day = dt.date.fromisoformat(_str(obj, "date", where) or "2000-01-01")
        except ValueError:
            raise InputError(
                f"{where}: 'date' is not YYYY-MM-DD.", hint="Write the document date as ISO 8601."
            ) from None
        evs = obj.get("events", [])
        if not isinstance(evs, list):
            raise InputError(f"{where}: 'events' must be a list.", hint="Use [] for a sentence with no event.")
        events = []
        for item in evs:
            if not isinstance(item, dict):
                raise InputError(f"{where}: each event must be an object.", hint="See docs/coder.md.")
            cameo = _str(item, "cameo", where, required=True)
            assert cameo is not None
            if not (cameo.isdigit() and 2 <= len(cameo) <= 4 and 1 <= int(cameo[:2]) <= 20):
                raise InputError(f"{where}: {cameo!r} is not a CAMEO code.", hint="Use 2-4 digits, root 01-20.")
            events.append(
                GoldEvent(_str(item, "source", where), _str(item, "target", where), cameo, _str(item, "plover", where))
            )
        assert text is not None
        doc = obj.get("doc")
        pos = obj.get("n", 0)
        if doc is not None and not isinstance(doc, str | int):
            raise InputError(f"{where}: 'doc' must be a string.", hint="Name the document the sentence belongs to.")
        if not isinstance(pos, int) or isinstance(pos, bool):
            raise InputError(f"{where}: 'n' must be an integer.", hint="Number the sentences of a document 1, 2, ...")
        out.append(
            GoldSentence(
                str(obj.get("id", n)),
                text,
                day,
                tuple(events),
                str(obj.get("split", "dev")),
                str(obj.get("kind", "")),
                None if doc is None else str(doc),
                pos,
            )
        )
    return out


Predicted = tuple[str | None, str | None, str, str | None]  # source, target, cameo, plover type


def _items(evs: Iterable[Predicted]) -> dict[str, set[Any]]:
    items: dict[str, set[Any]] = {f: set() for f in FIELDS}
    for src, tgt, cameo, plover in evs:
        root = int(cameo[:2])
        items["root"].add(root)
        if plover:
            items["plover"].add(plover)
        if src:
            items["source"].add(src)
        if tgt:
            items["target"].add(tgt)
        items["triple"].add((src or "-", root, tgt or "-"))
        items["code"].add(cameo)
    return items


def evaluate(
    gold: Iterable[GoldSentence],
    predict: Callable[[GoldSentence], list[Predicted]],
    plover_of: Callable[[str], str | None],
) -> Report:
    """Score ``predict`` (one gold sentence → predicted events) against the gold events."""
    rep = Report()
    for g in gold:
        rep.sentences += 1
        want = _items((e.source, e.target, e.cameo, e.plover or plover_of(e.cameo)) for e in g.events)
        predicted = predict(g)
        got = _items(predicted)
        for f in FIELDS:
            s = rep.scores[f]
            s.tp += len(want[f] & got[f])
            s.fp += len(got[f] - want[f])
            s.fn += len(want[f] - got[f])
        if g.events:
            rep.with_event += 1
            rep.best_root_right += bool(predicted) and int(predicted[0][2][:2]) in want["root"]
        else:
            rep.no_event += 1
            rep.no_event_right += not predicted
        for r in want["root"] | got["root"]:
            per = rep.per_root.setdefault(r, {"root": Score(), "triple": Score()})
            per["root"].tp += r in want["root"] and r in got["root"]
            per["root"].fp += r in got["root"] and r not in want["root"]
            per["root"].fn += r in want["root"] and r not in got["root"]
            w = {t for t in want["triple"] if t[1] == r}
            p = {t for t in got["triple"] if t[1] == r}
            per["triple"].tp += len(w & p)
            per["triple"].fp += len(p - w)
            per["triple"].fn += len(w - p)
        if want["triple"] != got["triple"]:
            rep.errors.append(
                {
                    "id": g.id,
                    "text": g.text,
                    "gold": sorted(map(str, want["triple"])),
                    "got": sorted(map(str, got["triple"])),
                }
            )
    return rep
