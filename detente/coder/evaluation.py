"""Run the coder over a gold file (or the packaged development set) and score it."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from detente import reference
from detente.core.coder import Coder
from detente.core.coder.evaluate import GoldSentence, Predicted, Report, evaluate, parse_gold
from detente.errors import InputError

__all__ = ["dev_set", "load_gold", "plover_of", "score"]


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


def score(coder: Coder, gold: list[GoldSentence]) -> Report:
    """Evaluate a coder on gold sentences (each coded alone against its own date)."""

    def predict(g: GoldSentence) -> list[Predicted]:
        return [(e.source, e.target, e.cameo, plover_of(e.cameo)) for e in coder.code(g.text, g.date)]

    return evaluate(gold, predict, plover_of)
