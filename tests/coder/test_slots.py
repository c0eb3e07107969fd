"""The slot models: where a candidate stands in the parse, its features, and the learned choice of an event's source
and target (detente/core/coder/slots.py, ParsedCoder._recast); and people the dictionaries lack, by their title."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from detente.core.coder.context import Actor
from detente.core.coder.rootmodel import TargetModel
from detente.core.coder.slots import slot_features, where_in
from detente.core.coder.tree import Tok

DAY = dt.date(2021, 6, 1)


def _toks() -> list[Tok]:
    # "Officials said Russian troops attacked villages near Kharkiv ."
    return [
        Tok("Officials", "official", "NOUN", "nsubj", 1, 0),
        Tok("said", "say", "VERB", "ROOT", 1, 10),
        Tok("Russian", "russian", "ADJ", "amod", 3, 15),
        Tok("troops", "troop", "NOUN", "nsubj", 4, 23),
        Tok("attacked", "attack", "VERB", "ccomp", 1, 30),
        Tok("villages", "village", "NOUN", "dobj", 4, 39),
        Tok("near", "near", "ADP", "prep", 5, 48),
        Tok("Kharkiv", "Kharkiv", "PROPN", "pobj", 6, 53),
        Tok(".", ".", "PUNCT", "punct", 1, 60),
    ]


def test_where_a_candidate_stands() -> None:
    toks = _toks()
    reporter, doer, place = where_in(toks, 0, 0), where_in(toks, 3, 1), where_in(toks, 7, 2)
    assert (reporter.dep, reporter.verb, reporter.before_root) == ("nsubj", "say", True)
    assert (doer.dep, doer.verb, doer.head, doer.lemma) == ("nsubj", "reported", "troop", "attack")
    assert (place.dep, place.order, place.head) == ("pobj:near<dobj", 2, "")
    assert not doer.passive


def test_slot_features_name_the_slot_the_root_and_the_rules_choice() -> None:
    toks = _toks()
    f = slot_features("source", "190", Actor("RUS", "MIL", "Russian troops"), where_in(toks, 3, 1), True)
    assert {"s|chosen:True", "s|dep:nsubj|r:19", "s|verb:reported", "s|side:state", "s|head:troop"} <= set(f)
    g = slot_features("target", "190", None, None, False)
    assert g == ["t|none", "t|none|r:19", "t|none|chosen:False", "t|none|chosen:False|r:19"]
    h = slot_features("target", "190", Actor("RUS", None, "Russia"), None, False, Actor("RUS", "MIL", "x"), rank=7)
    assert {"t|dep:ctx", "t|order:3", "t|same:True"} <= set(h)


spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def parts() -> tuple[Any, Any]:
    from detente.coder.nlp import available, dictionary, load_pipeline

    if not available():  # pragma: no cover
        pytest.skip("the [nlp] extra is not installed")
    return dictionary(), load_pipeline()


def _triples(coder: object, text: str) -> set[tuple[str | None, str, str | None]]:
    return {(e.source, e.cameo[:2], e.target) for e in coder.code(text, DAY)}  # type: ignore[attr-defined]


def test_a_slot_model_takes_a_slot_only_when_clearly_likelier(parts: tuple[Any, Any]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Pakistan attacked India near Kashmir."
    assert _triples(NlpCoder(d, nlp), text) == {("PAK", "19", "IND")}
    # a target model sure that such an act names no target
    none = TargetModel(0.0, {"t|none|r:19": 5.0})
    assert _triples(NlpCoder(d, nlp, slots={"target": none}), text) == {("PAK", "19", None)}
    # a source model sure that the object did it: the sides swap
    obj = TargetModel(0.0, {"s|dep:dobj": 5.0})
    assert _triples(NlpCoder(d, nlp, slots={"source": obj}), text) == {("IND", "19", "PAK")}
    # a model with no opinion leaves the rules' choice
    flat = TargetModel(0.0, {})
    assert _triples(NlpCoder(d, nlp, slots={"target": flat, "source": flat}), text) == {("PAK", "19", "IND")}


def test_the_packaged_slot_models_load(parts: tuple[Any, Any]) -> None:
    from detente.coder.nlp import slot_models

    m = slot_models()
    assert set(m) == {"source", "target"} and all(len(x.weights) > 50 for x in m.values())


def test_a_spokesman_speaks_for_the_body_named(parts: tuple[Any, Any]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Kemal Obaro, a spokesman for the Nigerian army, criticised Chad."
    (ev,) = NlpCoder(d, nlp).code(text, DAY)  # type: ignore[arg-type]
    assert (ev.source, ev.source_sector, ev.cameo[:2], ev.target) == ("NGA", "MIL", "11", "TCD")


def test_an_unknown_person_takes_the_sector_of_their_title(parts: tuple[Any, Any]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Ghana's army chief spoke on Monday. General Musa Dankwa criticised the government of Togo."
    got = {(e.source, e.source_sector, e.cameo[:2], e.target) for e in NlpCoder(d, nlp).code(text, DAY)}
    assert ("GHA", "MIL", "11", "TGO") in got


@pytest.mark.parametrize("bad", [[1, 2], {"source": {"weights": {}}}, {"target": {"intercept": "x", "weights": {}}}])
def test_a_malformed_slot_model_is_one_clear_error(bad: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.coder import nlp
    from detente.errors import ConfigError

    monkeypatch.setattr(nlp, "_data", lambda name: bad)
    with pytest.raises(ConfigError, match=r"slot_model\.json"):
        nlp.slot_models.__wrapped__()
