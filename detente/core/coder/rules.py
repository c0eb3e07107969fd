"""Verb-phrase rules: regular expressions that name a CAMEO code, with negation and modality (pure).

A :class:`VerbRule` is one pattern of the verb dictionary. Rules are tried in
priority order (the order of the dictionary file); a match that overlaps an
earlier rule's match is dropped, so specific phrases ("brokered a ceasefire")
win over general ones ("ceasefire"). The words before a match, back to the
clause boundary, decide its *modality*: negated ("did not sign", "refused to
negotiate"), intended ("will hold", "agreed to hold", "offered to mediate"),
threatened ("threatened to strike") or hypothetical ("could", "may"). Negated
and intended cooperation have CAMEO codes of their own (12x reject, 03x intent),
which :func:`recode` applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Modality", "VerbMatch", "VerbRule", "VerbRules", "modality_of", "recode"]


class Modality(StrEnum):
    ASSERTED = "asserted"
    NEGATED = "negated"
    INTENDED = "intended"
    THREATENED = "threatened"
    HYPOTHETICAL = "hypothetical"
    REPORTED = "reported"  # an allegation or a complaint's object: "accused X of violating the truce"


@dataclass(frozen=True)
class VerbRule:
    """One verb-dictionary row: a CAMEO code, a regex, a weight (base confidence) and a name for explanations."""

    code: str
    pattern: str
    weight: float = 0.85
    name: str = ""

    def compiled(self) -> re.Pattern[str]:
        """The pattern compiled; ``{w:N}`` stands for up to N intervening words.

        >>> VerbRule("062", "held {w:3}exercises?").compiled().search("They held large joint exercises.") is not None
        True
        """
        body = _GAP.sub(lambda m: r"(?:[\w'’-]+\s+){0," + m.group(1) + "}?", self.pattern)
        return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.I)


@dataclass(frozen=True)
class VerbMatch:
    rule: VerbRule
    start: int
    end: int
    modality: Modality


_GAP = re.compile(r"\{w:(\d)\}")
_CLAUSE = re.compile(r"[;:,(]|\bwhich\b|\bwho\b|\bwhile\b|\bafter\b|\bbefore\b|\bwhen\b|\bbut\b", re.I)
_NEG = re.compile(
    r"\b(?:not|never|no longer|cancell?ed|called off|postponed|scrapped|refused to|refuses to|declined to"
    r"|declines to|failed to|fails to)\b|n't\b",
    re.I,
)
_REPORTED = re.compile(
    r"\b(?:accus\w*|alleg\w*|blam\w*|condemn\w*|denounc\w*|critici[sz]\w*|protest\w*|den(?:ied|ies|y))\b", re.I
)
_THREAT = re.compile(r"\b(?:threaten(?:ed|s|ing)? to|warned (?:it|they|that it|that they) would)\b", re.I)
_INTENT = re.compile(
    r"\b(?:will|shall|would|plans? to|planned to|planning to|intends? to|intended to|pledged to|pledges to|promised to"
    r"|promises to|vowed to|vows to|offered to|offers to|agreed to|agree to|agrees to|is to|are to|was to|were to"
    r"|expects? to|expected to|is set to|are set to|was set to|decided to|decides to|prepares? to|preparing to"
    r"|announced (?:it|they) would|proposed to|proposes to|hopes? to|seeks? to|sought to|wants? to)\b",
    re.I,
)
_HYPO = re.compile(r"\b(?:could|might|may|can|should|must|if|whether|often|usually|typically|generally)\b", re.I)


def modality_of(prefix: str) -> Modality:
    """Modality of a verb from the words before it in its clause.

    >>> modality_of("Egypt refused to"), modality_of("Russia will"), modality_of("NATO can")
    (<Modality.NEGATED: 'negated'>, <Modality.INTENDED: 'intended'>, <Modality.HYPOTHETICAL: 'hypothetical'>)
    """
    cut = 0
    for m in _CLAUSE.finditer(prefix):
        cut = m.end()
    clause = prefix[cut:][-60:]
    if _REPORTED.search(prefix[-80:]):
        return Modality.REPORTED
    if _NEG.search(clause):
        return Modality.NEGATED
    if _THREAT.search(clause):
        return Modality.THREATENED
    if _INTENT.search(clause):
        return Modality.INTENDED
    if _HYPO.search(clause):
        return Modality.HYPOTHETICAL
    return Modality.ASSERTED


# code (or its 3-digit parent) -> code when intended, negated, threatened
_INTENT_CODE = {
    "040": "036",
    "041": "036",
    "042": "036",
    "043": "036",
    "044": "036",
    "045": "039",
    "046": "036",
    "057": "030",
    "050": "032",
    "051": "032",
    "062": "0312",
    "064": "0314",
    "071": "0331",
    "072": "0332",
    "073": "0333",
    "074": "0334",
    "0861": "0355",
    "0862": "0355",
    "0863": "0333",
    "087": "0356",
    "0871": "0356",
    "085": "0354",
}
_NEGATED_CODE = {
    "040": "125",
    "041": "125",
    "042": "125",
    "043": "125",
    "044": "125",
    "046": "125",
    "036": "125",
    "045": "126",
    "057": "127",
    "030": "127",
    "062": "1212",
    "064": "121",
    "072": "1222",
    "073": "1223",
    "074": "1224",
    "0861": "1245",
    "0862": "1245",
    "0863": "1245",
    "087": "1246",
    "0871": "1246",
}
_THREAT_CODE = {"16": "1313", "163": "1312", "17": "138", "18": "138", "19": "138", "20": "1385", "195": "1384"}


def recode(code: str, modality: Modality) -> str | None:
    """The CAMEO code a matched verb stands for under a modality; None when the clause asserts no event.

    >>> recode("062", Modality.INTENDED), recode("046", Modality.NEGATED), recode("190", Modality.THREATENED)
    ('0312', '125', '138')
    >>> recode("190", Modality.NEGATED) is None
    True
    """
    if modality in (Modality.ASSERTED, Modality.HYPOTHETICAL):
        return code
    if modality is Modality.REPORTED:
        return code if code[:2] in ("11", "12") else None
    if modality is Modality.INTENDED:
        if code[:2] in ("13", "15") or code.startswith("03"):
            return code  # an announced posture ("would deploy forces", "will hold drills") is the posture
        if int(code[:2]) >= 14:  # "will strike" is a threat of force
            return _THREAT_CODE.get(code) or _THREAT_CODE.get(code[:3]) or _THREAT_CODE.get(code[:2])
        return _INTENT_CODE.get(code) or _INTENT_CODE.get(code[:3]) or code
    if modality is Modality.THREATENED:
        return _THREAT_CODE.get(code) or _THREAT_CODE.get(code[:3]) or _THREAT_CODE.get(code[:2]) or "130"
    return _NEGATED_CODE.get(code) or _NEGATED_CODE.get(code[:3])


class VerbRules:
    """The verb dictionary, compiled; :meth:`matches` finds non-overlapping verb phrases in a sentence."""

    def __init__(self, rules: Iterable[VerbRule]) -> None:
        self.rules = list(rules)
        self._compiled = [(r, r.compiled()) for r in self.rules]

    def __len__(self) -> int:
        return len(self.rules)

    def matches(self, sentence: str) -> list[VerbMatch]:
        taken: list[tuple[int, int]] = []
        out: list[VerbMatch] = []
        for rule, rx in self._compiled:
            for m in rx.finditer(sentence):
                if m.end() == m.start() or any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                out.append(VerbMatch(rule, m.start(), m.end(), modality_of(sentence[: m.start()])))
        return sorted(out, key=lambda v: v.start)
