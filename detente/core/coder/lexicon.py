"""Actor dictionary: phrases that name actors, matched longest-first over tokens (pure).

An entry maps a phrase ("Egyptian", "the Kremlin", "Blue Helmets") to an actor id
and, optionally, a sector ("the Pentagon" is USA/MIL). Sector words ("army",
"defence minister") next to an actor phrase set the mention's sector. A phrase
written in capitals ("US", "UN", "AU") only matches capitals, so the pronoun "us"
is never the United States; every other phrase must start with a capital letter
in the text, so "turkey" or "china" in lower case are not states.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from detente.core.coder.text import Token

__all__ = ["ActorEntry", "ActorLexicon", "Mention"]

_PLACE_WORDS = frozenset({"in", "at", "near", "off", "inside", "across", "outside", "over", "into"})
# "Iranian-backed militants", "U.S.-led coalition": the prefix names the actor
_COMPOUND = ("-backed", "-led", "-sponsored", "-supported", "-funded", "-allied", "-aligned", "-brokered", "-made")
# "the NATO treaty", "the UN Charter": the name modifies a document, it is not an actor here
_DOCUMENT_HEADS = frozenset(
    {"treaty", "charter", "article", "resolution", "mandate", "doctrine", "framework", "statute", "auspices"}
)


@dataclass(frozen=True)
class ActorEntry:
    phrase: str
    actor: str
    sector: str | None = None
    place_only: bool = False  # a region or city that is a place, never an actor ("the Balkans")


@dataclass(frozen=True)
class Mention:
    """An actor named in a sentence: token span [first, last], character span, id and sector."""

    actor: str
    sector: str | None
    first: int
    last: int
    start: int
    end: int
    text: str
    is_place: bool


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.casefold().replace(".", "").replace("’", "'").split())


class ActorLexicon:
    """Phrases → actors, plus sector words; :meth:`mentions` finds them in a tokenised sentence."""

    def __init__(self, entries: Iterable[ActorEntry], sectors: dict[str, str]) -> None:
        self._entries: dict[tuple[str, ...], ActorEntry] = {}
        self._exact: set[tuple[str, ...]] = set()
        for e in entries:
            k = _key(e.phrase)
            if not k:
                continue
            self._entries.setdefault(k, e)
            if e.phrase.replace(".", "").isupper() and len(e.phrase.replace(".", "")) <= 5:
                self._exact.add(k)
        self._sectors = {_key(w): s for w, s in sectors.items() if _key(w)}
        self._max = max((len(k) for k in self._entries), default=1)
        self._max_sector = max((len(k) for k in self._sectors), default=1)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, phrase: str) -> ActorEntry | None:
        return self._entries.get(_key(phrase))

    def _match_at(self, toks: list[Token], i: int) -> tuple[int, ActorEntry] | None:
        if not toks[i].text[:1].isupper() and not toks[i].text[:1].isdigit():
            return None
        for n in range(min(self._max, len(toks) - i), 0, -1):
            k = tuple(t.norm for t in toks[i : i + n])
            e = self._entries.get(k)
            if e is None and n == 1 and k[0].endswith(_COMPOUND):
                head = toks[i].text.rsplit("-", 1)[0]
                e = self._entries.get(_key(head))
                if e is not None and _key(head) in self._exact and not head.replace(".", "").isupper():
                    e = None
                k = _key(head) if e is not None else k
            if e is None:
                continue
            if k in self._exact and not all(t.text.replace(".", "").isupper() for t in toks[i : i + n]):
                continue
            return n, e
        return None

    def _sector_at(self, toks: list[Token], i: int) -> tuple[int, str] | None:
        for n in range(min(self._max_sector, len(toks) - i), 0, -1):
            s = self._sectors.get(tuple(t.norm for t in toks[i : i + n]))
            if s is not None:
                return n, s
        return None

    def mentions(self, sentence: str, toks: list[Token]) -> list[Mention]:
        """Actor mentions in reading order; a parenthesised repeat ("... Organization (NATO)") is folded."""
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            hit = self._match_at(toks, i)
            if hit is None:
                i += 1
                continue
            n, e = hit
            first, last = i, i + n - 1
            sector = e.sector
            # a sector word right after ("Russian troops", "Egyptian President") or "X's army"
            after = self._sector_at(toks, last + 1) if last + 1 < len(toks) else None
            if after is not None:
                sector = sector or after[1]
                last += after[0]
            elif first >= 2 and toks[first - 1].norm == "of":
                before = self._sector_at(toks, first - 2) if first >= 2 else None
                if before is not None and before[0] == 1:  # "the army of Pakistan"
                    sector = sector or before[1]
            elif first >= 1:
                before = self._sector_at(toks, first - 1)
                if before is not None and before[0] == 1 and toks[first - 1].norm != "of":
                    sector = sector or before[1]
            if last + 1 < len(toks) and toks[last + 1].norm in _DOCUMENT_HEADS and after is None:
                i = last + 1
                continue
            j = first - 1
            while j >= 0 and toks[j].norm in ("the", "a", "an"):
                j -= 1
            prev = toks[j].norm if j >= 0 else ""
            is_place = e.place_only or prev in _PLACE_WORDS
            start, end = toks[first].start, toks[last].end
            m = Mention(e.actor, sector, first, last, start, end, sentence[start:end], is_place)
            if out and out[-1].actor == m.actor and "(" in sentence[out[-1].end : m.start]:
                i = last + 1
                continue  # "North Atlantic Treaty Organization (NATO)"
            out.append(m)
            i = last + 1
        return out
