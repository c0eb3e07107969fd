"""Readers of the OEDA/PETRARCH2 dictionary formats (pure: lines of text in, plain data out).

PETRARCH2 (Open Event Data Alliance, MIT licence) ships its dictionaries as text:

* the CAMEO verb dictionary: synonym sets (``&MILITARY`` + ``+TROOPS`` lines), then
  verb blocks ``---  NAME   [code]  ---`` holding verb lines (``WITHDRAW {WITHDREW ...}``,
  ``+SHOOT_DOWN`` for phrasal verbs, an optional ``[code]`` of their own) and
  patterns ``- words * words  [code]  # comment``, where ``*`` is the verb, ``(PREP ...)``
  a prepositional phrase, ``{A B}`` a compound noun, ``&SET`` a synonym set and
  ``$``/``+``/``^``/``%`` mark the source, target and other slots (ignored here);
* actor dictionaries: ``NAME_ [CODE]`` with ``+SYNONYM_`` lines and dated roles
  ``[RUSGOV 991231-080507]``, ``[RUSGOV >080508]``, ``[ELI <790101]``;
* the agents dictionary: ``POLICE [~COP]`` (substitution sets ``!PERSON! = MAN, MEN``);
* the discards: phrases that mark a sentence (or, with ``+``, a story) as not news
  about events (sport, entertainment).

:func:`read_verbs`, :func:`read_actors`, :func:`read_agents` and :func:`read_discards`
return detente's own dictionary rows (see :mod:`detente.core.coder.dictionary`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ActorRow",
    "Pattern",
    "Role",
    "VerbBlock",
    "parse_code",
    "parse_date",
    "phrase_words",
    "read_actors",
    "read_agents",
    "read_discards",
    "read_verbs",
]

_CODE = re.compile(r"\[([^\]]*)\]")
_HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s*---")
_FORMS = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True)
class Pattern:
    """One verb pattern: words before the verb, words after it, and the code (None = no event)."""

    code: str | None
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass
class VerbBlock:
    """A verb block: its name, default code, verbs (phrase → own code or None) and patterns."""

    name: str
    code: str | None
    verbs: dict[str, str | None] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass(frozen=True)
class Role:
    """An actor code, valid from ``start`` to ``end`` (inclusive; None = open)."""

    code: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class ActorRow:
    """One actor: its phrases (lower-case words joined by spaces) and its roles."""

    phrases: tuple[str, ...]
    roles: tuple[Role, ...]


def parse_code(text: str) -> str | None:
    """The CAMEO code in a bracket's content: '042:043' → '042', ':173' → '173', '---' → None.

    >>> parse_code("042:043"), parse_code(":173"), parse_code("---"), parse_code(" 0874 "), parse_code("080!")
    ('042', '173', None, '0874', '080')
    """
    parts = [p.strip().rstrip("!") for p in text.split(":")]  # "080!": a code marked for review is still the code
    for p in parts:
        if p and p.isdigit() and 2 <= len(p) <= 4 and 1 <= int(p[:2]) <= 20:
            return p
    return None


def phrase_words(text: str) -> tuple[str, ...]:
    """Words of a dictionary phrase: '_' and spaces separate, case is folded, a trailing '_' dropped.

    >>> phrase_words("VLADIMIR_V._PUTIN_"), phrase_words("+SHOOT_DOWN"), phrase_words("People's Front")
    (('vladimir', 'v', 'putin'), ('shoot', 'down'), ('people', 'front'))
    """
    text = text.strip().lstrip("+").replace("_", " ").replace(".", " ").replace("’", "'").casefold()
    text = re.sub(r"'s\b", "", text).replace("'", "")
    return tuple(w for w in text.split() if w)


def parse_date(text: str) -> dt.date | None:
    """A PETRARCH date: YYMMDD (00–39 → 20YY) or YYYYMMDD; None when it is not a valid date.

    >>> parse_date("991231"), parse_date("080507"), parse_date("19270101"), parse_date("991332")
    (datetime.date(1999, 12, 31), datetime.date(2008, 5, 7), datetime.date(1927, 1, 1), None)
    """
    t = text.strip()
    if not t.isdigit() or len(t) not in (6, 8):
        return None
    if len(t) == 6:
        yy = int(t[:2])
        t = ("20" if yy < 40 else "19") + t
    try:
        return dt.date(int(t[:4]), int(t[4:6]), int(t[6:8]))
    except ValueError:
        return None


def _role(text: str) -> Role | None:
    """'RUSGOV 991231-080507', 'RUSGOV >080508', 'ELI <790101', 'RUSELI' → a Role (None if malformed)."""
    parts = text.split()
    if not parts:
        return None
    code = parts[0].strip().upper()
    if not re.fullmatch(r"[A-Z~]{3,30}|---", code) or code == "---":
        return None
    if len(parts) == 1:
        return Role(code)
    span = "".join(parts[1:])
    if span.startswith(">"):
        return Role(code, parse_date(span[1:]), None)
    if span.startswith("<"):
        return Role(code, None, parse_date(span[1:]))
    if "-" in span:
        a, _, b = span.partition("-")
        return Role(code, parse_date(a), parse_date(b))
    return Role(code)


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def read_verbs(lines: Iterable[str]) -> tuple[dict[str, tuple[str, ...]], list[VerbBlock]]:
    """Synonym sets and verb blocks of a CAMEO verb dictionary."""
    synsets: dict[str, list[str]] = {}
    blocks: list[VerbBlock] = []
    current_set: str | None = None
    block: VerbBlock | None = None
    for raw in lines:
        line = _strip_comment(raw)
        if not line.strip():
            current_set = None if block is None else current_set
            continue
        head = _HEADER.match(line)
        if head is not None:
            block = VerbBlock(head.group(1), parse_code(head.group(2)))
            blocks.append(block)
            current_set = None
            continue
        if block is None:  # the synonym-set section
            if line.startswith("&"):
                current_set = line.strip().rstrip("_").casefold()
                synsets.setdefault(current_set, [])
            elif line.startswith("+") and current_set is not None:
                words = phrase_words(line)
                if words:
                    synsets[current_set].append(" ".join(words))
            continue
        if line.startswith("-"):
            block.patterns.extend(_patterns(line[1:]))
            continue
        codes = _CODE.findall(line)
        own = parse_code(codes[0]) if codes else None
        body = _CODE.sub(" ", _FORMS.sub(" ", line))
        words = phrase_words(body)
        if words:
            block.verbs.setdefault(" ".join(words), own)
    return {k: tuple(dict.fromkeys(v)) for k, v in synsets.items()}, blocks


def _patterns(text: str) -> list[Pattern]:
    """A pattern line's patterns: alternatives written "A/B" ("(IN FAVOUR/FAVOR)") give one pattern each.

    >>> [p.after for p in _patterns(" * (IN FAVOUR/FAVOR)   [053]")]
    [('in', 'favour'), ('in', 'favor')]
    """
    body = _CODE.sub(" ", text)
    alternatives = [w for w in re.split(r"[\s(){}]+", body) if "/" in w]
    if not alternatives:
        pat = _pattern(text)
        return [pat] if pat is not None else []
    word = alternatives[0]
    out: list[Pattern] = []
    for choice in word.split("/"):
        out.extend(_patterns(text.replace(word, choice, 1)))
    return out


def _pattern(text: str) -> Pattern | None:
    codes = _CODE.findall(text)
    if not codes:
        return None
    code = parse_code(codes[-1])
    body = _CODE.sub(" ", text)
    if "*" not in body:
        return None
    before, _, after = body.partition("*")
    return Pattern(code, _pattern_words(before), _pattern_words(after))


def _pattern_words(text: str) -> tuple[str, ...]:
    out = []
    for tok in re.split(r"[\s(){}]+", text):
        tok = tok.strip().strip("$+^%=|").casefold()
        if not tok:
            continue
        if tok.startswith("&"):
            out.append(tok.rstrip("_"))
        else:
            out.extend(w for w in tok.replace("_", " ").split() if w.isalnum() or "-" in w or "'" in w)
    return tuple(out)


def read_actors(lines: Iterable[str]) -> list[ActorRow]:
    """Actor rows: each entry with its synonyms and roles (dated roles as given; a bare code is undated)."""
    rows: list[ActorRow] = []
    phrases: list[str] = []
    roles: list[Role] = []

    def close() -> None:
        if phrases and roles:
            rows.append(ActorRow(tuple(dict.fromkeys(phrases)), tuple(roles)))

    for raw in lines:
        line = _strip_comment(raw)
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("["):  # a role line under the entry
            for c in _CODE.findall(stripped):
                r = _role(c)
                if r is not None:
                    roles.append(r)
            continue
        if stripped.startswith("+"):
            w = phrase_words(_CODE.sub(" ", stripped))
            if w:
                phrases.append(" ".join(w))
            for c in _CODE.findall(stripped):
                r = _role(c)
                if r is not None:
                    roles.append(r)
            continue
        if line[:1].isspace():
            continue
        if roles:  # a new name after roles: the entry is complete; names before any role share the next roles
            close()
            phrases, roles = [], []
        w = phrase_words(_CODE.sub(" ", stripped))
        if w:
            phrases.append(" ".join(w))
        for c in _CODE.findall(stripped):
            r = _role(c)
            if r is not None:
                roles.append(r)
    close()
    return rows


def read_agents(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(phrase, agent code) pairs; substitution sets (!PERSON!) are expanded; '~GOV' → 'GOV'."""
    subs: dict[str, list[str]] = {}
    out: list[tuple[str, str]] = []
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        m = re.match(r"^!(\w+)!\s*=\s*(.+)$", line)
        if m:
            subs[m.group(1).upper()] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = _CODE.findall(line)
        if not codes:
            continue
        code = codes[0].replace("~", "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3,12}", code):
            continue
        body = _CODE.sub(" ", line).strip()
        variants = [body]
        for name, words in subs.items():
            token = f"!{name}!"
            variants = (
                [v.replace(token, w) for v in variants for w in words]
                if any(token in v for v in variants)
                else variants
            )
        for v in variants:
            w = phrase_words(v)
            if w and "!" not in v:
                out.append((" ".join(w), code))
    return out


def read_discards(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """(sentence-level, story-level) discard phrases, lower-case."""
    sentence: list[str] = []
    story: list[str] = []
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        target = story if line.startswith("+") else sentence
        w = phrase_words(line.lstrip("+"))
        if w:
            target.append(" ".join(w))
    return list(dict.fromkeys(sentence)), list(dict.fromkeys(story))
