"""The coder on chosen sentences: roles, modality, dates, places, accords, eras, anaphora; hostile input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.coder import build_coder, code_text, decode_text, rules_coder
from detente.core.coder import CodedEvent
from detente.errors import InputError
from detente.reference import taxonomy

DOC = dt.date(2024, 5, 9)


def triples(text: str, doc: dt.date = DOC) -> set[tuple[str | None, str, str | None]]:
    return {(e.source, e.cameo, e.target) for e in code_text(text, doc)}


def one(text: str, doc: dt.date = DOC) -> CodedEvent:
    evs = code_text(text, doc)
    assert len(evs) == 1, evs
    return evs[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qatar mediated between the United States and the Taliban.", {("QAT", "045", "USA"), ("QAT", "045", "AFG")}),
        (
            "The talks between Armenia and Azerbaijan were hosted by the European Union.",
            {("EU", "045", "ARM"), ("EU", "045", "AZE")},
        ),
        ("Russian and Chinese warships held joint naval exercises.", {("RUS", "062", "CHN")}),
        ("Britain trained Ukrainian soldiers.", {("GBR", "062", "UKR")}),
        ("The United States will hold drills with South Korea.", {("USA", "0312", "KOR")}),
        ("Russia refused to negotiate with Ukraine.", {("RUS", "125", "UKR")}),
        ("China did not attack Taiwan.", set()),
        ("North Korea threatened to attack South Korea.", {("PRK", "138", "KOR")}),
        ("Azerbaijan accused Armenia of violating the ceasefire.", {("AZE", "112", "ARM")}),
        ("The United States lifted sanctions on Sudan.", {("USA", "085", "SDN")}),
        ("Nepal deployed peacekeepers in Lebanon.", {("NPL", "074", "LBN")}),
        ("The Indian and Pakistani commanders spoke on the hotline.", {("IND", "041", "PAK")}),
        ("Will Russia and China hold exercises this year?", set()),
        ("Military diplomacy can prevent misunderstandings between armed forces.", set()),
        ("He told us that the UN is helpful, said the turkey farmer in china.", set()),
        ("Iranian-backed militants fired rockets at a US base, officials said.", {("IRN", "194", "USA")}),
        ("A treaty signed by Ethiopia and Eritrea in 2018 ended the war.", {("ETH", "057", "ERI")}),
        ("A truce brokered by Qatar between Israel and Hamas held.", {("QAT", "045", "ISR"), ("QAT", "045", "PSE")}),
        ("Zambian peacekeepers serve with the UN mission in the Central African Republic.", {("ZMB", "074", "CAF")}),
        ("Israel and Lebanon resumed talks under UN auspices.", {("ISR", "046", "LBN")}),
    ],
)
def test_roles_and_modality(text: str, expected: set[tuple[str, str, str | None]]) -> None:
    assert triples(text) == expected


def test_sectors_dates_places_and_evidence() -> None:
    e = one("The Indian defence minister arrived in Cairo on Monday.")
    assert (e.source, e.source_sector, e.cameo, e.target, e.country) == ("IND", "MIL", "042", "EGY", "EGY")
    assert e.day == dt.date(2024, 5, 6) and e.date_from == "sentence" and e.evidence.startswith("The Indian")
    assert 0 < e.confidence <= 1


def test_intent_is_dated_when_stated() -> None:
    e = one("Ethiopia and Egypt will hold talks on the dam next week.")
    assert (e.cameo, e.day) == ("036", DOC)


def test_era_actor_ids() -> None:
    assert triples("Serbia and Croatia signed an agreement in 1995.") == {("YUG", "057", "HRV")}
    assert triples("Serbia and Croatia signed an agreement in 2020.") == {("SRB", "057", "HRV")}
    assert triples("The United States and the Soviet Union set up a hotline in 1963.") == {("USA", "041", "SUN")}


def test_named_accord_fills_parties_mediator_and_date() -> None:
    text = (
        "Another case is the Dayton Accords, which ended the Bosnian War in 1995. The negotiation process, "
        "hosted by the United States, facilitated dialogue among conflicting factions."
    )
    evs = code_text(text, DOC)
    assert {(e.source, e.target) for e in evs if e.cameo == "045"} == {("USA", "BIH"), ("USA", "HRV"), ("USA", "YUG")}
    assert {e.day for e in evs} == {dt.date(1995, 11, 21)}


def test_paragraph_date_and_anaphora() -> None:
    text = (
        "The African Union and ASEAN were founded long ago. These organizations deploy peacekeepers.\n\n"
        "They held drills."
    )
    evs = code_text(text, DOC)
    assert {(e.source, e.cameo) for e in evs} == {("AU", "074"), ("ASEAN", "074")}
    assert all(e.confidence < 0.8 for e in evs)


def test_hostile_text_codes_nothing_or_plain_text() -> None:
    html = "<html><script>document.write('Russia attacked Ukraine')</script><b>NATO</b> held drills.</html>"
    assert triples(html) == {("NATO", "062", None)}
    assert code_text("A" * 100_000, DOC) == []
    assert code_text("Russia " * 20_000, DOC) == []
    assert code_text("\u202e\u0000\ufffd" * 1000 + " ...... !!!! ???", DOC) == []
    assert code_text("", DOC) == [] and code_text("   \n\n  ", DOC) == []


def test_decode_text_errors() -> None:
    assert decode_text("Zürich".encode()) == "Zürich"
    assert decode_text(b"\xef\xbb\xbfBOM") == "BOM"
    for bad, words in [(b"\x00\x01\x02", "binary"), ("é".encode("latin-1"), "not UTF-8"), (b"x" * 11, "at most")]:
        with pytest.raises(InputError, match=words):
            decode_text(bad, limit=10)


def test_rules_only_build_is_cached_and_complete() -> None:
    c = rules_coder()
    assert c is rules_coder() and build_coder(False) is c
    assert len(c.actors) > 500 and len(c.verbs) > 50 and len(c.accords) >= 5


def test_public_surface_is_pinned() -> None:
    import detente.core.coder as core

    assert {"Coder", "CodedEvent", "split_sentences", "find_dates", "to_event", "VerbRules"} <= set(core.__all__)
    assert all(hasattr(core, n) for n in core.__all__)
    import detente.coder.embedding  # noqa: F401  (registers the built-in model)
    from detente.coder import MODELS

    assert "minilm" in MODELS.names()


WORDS = [
    "Russia",
    "NATO",
    "the United States",
    "Egypt",
    "held",
    "joint",
    "exercises",
    "with",
    "and",
    "mediated",
    "between",
    "did",
    "not",
    "will",
    "sign",
    "a",
    "treaty",
    "in",
    "Cairo",
    "on",
    "Monday",
    "yesterday",
    ".",
    ",",
    "?",
    "\n\n",
    "<b>",
    "threatened",
    "to",
    "attack",
    "peacekeepers",
    "Serbia",
    "1995",
    "they",
    "by",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=40),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 1, 1)),
)
def test_any_word_soup_codes_valid_events(words: list[str], doc: dt.date) -> None:
    text = " ".join(words)
    tax = taxonomy()
    for e in code_text(text, doc):
        assert tax.get(e.cameo) is not None and 0.0 < e.confidence <= 1.0
        assert e.source is not None and e.source != e.target
        assert 0 <= e.start < e.end <= len(text) and e.evidence
        assert dt.date(1800, 1, 1) <= e.day <= dt.date(2101, 1, 1)
