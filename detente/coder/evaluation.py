"""Run the coder over a gold file (or the packaged development set) and score it."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from detente import reference
from detente.core.coder import CodedEvent, EventCoder
from detente.core.coder.evaluate import GoldSentence, Predicted, Report, evaluate, parse_gold
from detente.errors import InputError

__all__ = ["dev_set", "devset", "load_gold", "plover_of", "score"]


def plover_of(code: str) -> str | None:
    """PLOVER type of a CAMEO code (a root '04' reads as its general code '040')."""
    tax = reference.taxonomy()
    return tax.plover(code + "0" if len(code) == 2 else code)[0]


def load_gold(path: Path) -> list[GoldSentence]:
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"No gold file at {p}.", hint="Give a JSON-lines file (format in docs/coder.md).")
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text.", hint="Write gold files as UTF-8 JSON lines.") from None
    gold = parse_gold(text.splitlines(), source=p.name)
    if not gold:
        raise InputError(f"{p} holds no gold sentences.", hint="Each line is one JSON object; see docs/coder.md.")
    return gold


def dev_set() -> list[GoldSentence]:
    """The packaged development set (both splits: 'dev' and 'holdout')."""
    path = files("detente.reference") / "data" / "coder" / "dev.jsonl"
    return parse_gold(path.read_text(encoding="utf-8").splitlines(), source="dev.jsonl")


def devset() -> list[GoldSentence]:
    """The packaged development set of multi-sentence documents (devset.jsonl; see docs/coder.md)."""
    path = files("detente.reference") / "data" / "coder" / "devset.jsonl"
    return parse_gold(path.read_text(encoding="utf-8").splitlines(), source="devset.jsonl")


def _documents(gold: list[GoldSentence]) -> list[list[GoldSentence]]:
    """Gold sentences grouped into their documents (in 'n' order); a sentence without 'doc' is its own."""
    docs: dict[str, list[GoldSentence]] = {}
    for i, g in enumerate(gold):
        docs.setdefault(g.doc if g.doc is not None else f"\0{i}", []).append(g)
    return [sorted(d, key=lambda g: g.n) for d in docs.values()]


def _code_parts(coder: EventCoder, parts: list[str], day: object) -> tuple[list[CodedEvent], list[int]]:
    """Events of a document given as its sentences, and each sentence's start offset in the joined text."""
    import datetime as dt

    assert isinstance(day, dt.date)
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + 1
    code_parts = getattr(coder, "code_parts", None)
    if code_parts is not None:
        return code_parts(parts, day).events, starts
    return coder.code("\n".join(parts), day), starts


def score(coder: EventCoder, gold: list[GoldSentence]) -> Report:
    """Evaluate a coder on gold sentences: each document coded as a whole, its sentences scored one by one."""
    predicted: dict[int, list[Predicted]] = {}
    docs = _documents(gold)
    for doc in docs:
        events, starts = _code_parts(coder, [g.text for g in doc], doc[0].date)
        bounds = [*starts[1:], 1 << 62]
        for g, lo, hi in zip(doc, starts, bounds, strict=True):
            mine = sorted((e for e in events if lo <= e.start < hi), key=lambda e: -e.confidence)
            predicted[id(g)] = [(e.source, e.target, e.cameo, plover_of(e.cameo)) for e in mine]
    rep = evaluate(gold, lambda g: predicted[id(g)], plover_of)
    rep.documents = len(docs)
    return rep
