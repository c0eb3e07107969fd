"""Sentence splitter and tokeniser: offsets, abbreviations, markup, run-on text; hypothesis invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.coder.text import MAX_SENTENCE, MAX_TOKEN, blank_markup, split_sentences, tokenize


def test_abbreviations_initials_and_paragraphs() -> None:
    text = "U.S. President Jimmy E. Carter mediated. Gen. Smith left!\n\nA new paragraph? Yes."
    ss = split_sentences(text)
    assert [s.text for s in ss] == [
        "U.S. President Jimmy E. Carter mediated.",
        "Gen. Smith left!",
        "A new paragraph?",
        "Yes.",
    ]
    assert [s.paragraph for s in ss] == [0, 0, 1, 1]
    for s in ss:
        assert text[s.start : s.end] == s.text


def test_bullets_end_sentences() -> None:
    text = "Key roles:\n  • Collective Defense: NATO deters aggression\n  • Crisis Management: it keeps peace"
    assert len(split_sentences(text)) == 3


def test_markup_is_blanked_keeping_offsets() -> None:
    text = "<p>NATO held drills.</p><script>alert('Russia attacked');</script> Done."
    clean = blank_markup(text)
    assert len(clean) == len(text) and "script" not in clean and "attacked" not in clean
    assert [s.text for s in split_sentences(text)] == ["NATO held drills.", "Done."]


def test_run_on_text_is_cut() -> None:
    ss = split_sentences("word " * 2000)
    assert ss and all(len(s.text) <= MAX_SENTENCE for s in ss)


def test_tokens() -> None:
    toks = tokenize("NATO's U.S.-led exercise " + "x" * (MAX_TOKEN + 1) + " ends.")
    assert [t.norm for t in toks] == ["nato", "us-led", "exercise", "ends"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=600))
def test_splitter_never_crashes_and_offsets_hold(text: str) -> None:
    clean = blank_markup(text)
    prev_end = 0
    for s in split_sentences(text):
        assert 0 <= prev_end <= s.start < s.end <= len(text)
        assert clean[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        prev_end = s.end
        for t in tokenize(s.text):
            assert 0 <= t.start < t.end <= len(s.text) and len(t.text) <= MAX_TOKEN


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["NATO held drills.", "U.S. troops left.", "Hi!", "\n\n", " ", "<b>", "Why?"]), max_size=30
    )
)
def test_splitter_on_sentence_soup(parts: list[str]) -> None:
    text = " ".join(parts)
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text or "<" in text
