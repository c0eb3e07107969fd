"""Sentences and tokens with character offsets into the original text (pure, linear time).

The splitter is rule-based: a sentence ends at ``.``, ``!`` or ``?`` followed by
space and an upper-case letter, digit or quote, unless the word before the dot is
a known abbreviation (``U.S.``, ``Gen.``, ``Mr.``) or a single initial; blank lines
and bullet lines always end a sentence. Markup (``<script>...</script>``, tags) is
blanked out with spaces, so offsets still index the text the caller passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detente.core.coder.dates import MONTH_ABBREVIATIONS

__all__ = ["MAX_SENTENCE", "MAX_TOKEN", "Sentence", "Token", "blank_markup", "split_sentences", "tokenize"]

MAX_SENTENCE = 1200  # characters; longer runs are cut (no English sentence in news is longer)
MAX_TOKEN = 60  # characters; longer "words" (hashes, base64, URLs) are not words

ABBREVIATIONS = (
    frozenset(
        [
            "u.s",
            "u.k",
            "u.n",
            "e.u",
            "mr",
            "mrs",
            "ms",
            "dr",
            "gen",
            "lt",
            "col",
            "maj",
            "capt",
            "adm",
            "sgt",
            "cmdr",
            "brig",
            "rep",
            "sen",
            "gov",
            "pres",
            "prof",
            "st",
            "no",
            "vs",
            "etc",
            "inc",
            "ltd",
            "co",
            "corp",
            "dept",
            "approx",
            "e.g",
            "i.e",
            "fig",
            "jr",
            "sr",
            "mt",
            "ft",
            "u.s.s.r",
            "a.m",
            "p.m",
        ]
    )
    | MONTH_ABBREVIATIONS
)  # 'Jan.', 'Sept.': from dates, the one list of month words

_MARKUP = re.compile(r"<(script|style)\b[^>]{0,500}>.*?</\1\s*>|<[^<>]{0,500}>|&[a-z]{2,8};|&#\d{1,7};", re.I | re.S)
_BREAK = re.compile(r"\n[ \t]*\n|\n[ \t]*(?=[•*\-–·▪●]\s)|[•▪●]")
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its text and [start, end) offsets in the document; ``paragraph`` counts blank-line blocks."""

    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Token:
    """A word with offsets within its sentence; ``norm`` is lower-cased, without possessive or trailing dot."""

    text: str
    norm: str
    start: int
    end: int


def blank_markup(text: str) -> str:
    """Replace HTML/XML tags, scripts and entities by spaces of the same length (offsets stay valid)."""
    if "<" not in text and "&" not in text:
        return text
    return _MARKUP.sub(lambda m: " " * (m.end() - m.start()), text)


def _pieces(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of the blocks between hard breaks."""
    out: list[tuple[int, int, int]] = []
    pos, para = 0, 0
    for m in _BREAK.finditer(text):
        out.append((pos, m.start(), para))
        if "\n" in m.group() and m.group().count("\n") >= 2:
            para += 1
        pos = m.end()
    out.append((pos, len(text), para))
    return out


def _is_abbreviation(block: str, dot: int) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation or an initial rather than a sentence."""
    j = dot
    while j > 0 and (block[j - 1].isalpha() or block[j - 1] == "."):
        j -= 1
    word = block[j:dot].casefold().rstrip(".")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "Jimmy E. Carter"
    return word in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text``, in order, with offsets such that ``text[s.start:s.end]`` is ``s.text``.

    >>> [s.text for s in split_sentences("The U.S. mediated. Talks ended! Gen. Smith left")]
    ['The U.S. mediated.', 'Talks ended!', 'Gen. Smith left']
    """
    clean = blank_markup(text)
    out: list[Sentence] = []
    for bstart, bend, para in _pieces(clean):
        block = clean[bstart:bend]
        pos = 0
        for m in _END.finditer(block):
            if block[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(block, m.start()):
                continue
            _emit(out, clean, text, bstart + pos, bstart + m.end(), para)
            pos = m.end()
        _emit(out, clean, text, bstart + pos, bend, para)
    return out


def _emit(out: list[Sentence], clean: str, text: str, start: int, end: int, para: int) -> None:
    while start < end and clean[start].isspace():
        start += 1
    while end > start and clean[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:  # hard cut of run-on text at a space where possible
        cut = clean.rfind(" ", start, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        out.append(Sentence(clean[start:cut], start, cut, para))
        start = cut
        while start < end and clean[start].isspace():
            start += 1
    if end > start and any(c.isalnum() for c in clean[start:end]):
        out.append(Sentence(clean[start:end], start, end, para))


def tokenize(sentence: str) -> list[Token]:
    """Words of a sentence; tokens longer than :data:`MAX_TOKEN` are skipped.

    >>> [t.norm for t in tokenize("NATO's U.S.-led exercise.")]
    ['nato', 'us-led', 'exercise']
    """
    out: list[Token] = []
    for m in _WORD.finditer(sentence):
        raw = m.group()
        if len(raw) > MAX_TOKEN:
            continue
        end = m.end()
        while raw and raw[-1] in ".-'’" and not _keeps_dot(raw):
            raw = raw[:-1]
            end -= 1
        if raw.endswith(("'s", "’s")):
            raw = raw[:-2]
            end -= 2
        if not raw:
            continue
        norm = raw.casefold().replace(".", "").replace("’", "'")
        out.append(Token(raw, norm, m.start(), end))
    return out


def _keeps_dot(raw: str) -> bool:
    return raw.endswith(".") and raw.count(".") >= 2 and len(raw) <= 6  # "U.S." keeps its dots
