"""Resolve the country names and codes of the engagement datasets to detente actor ids.

Resolution order: the packaged actor registry (:func:`detente.reference.actor_registry`:
codes, names, curated aliases), then ``aliases.csv`` beside this module, which
holds the spellings these datasets use that the registry does not know
(``St. Kitts & Nevis``, ``Congo - Kinshasa``, ``Federal Republic of Yugoslavia``...).
An alias may name several candidate ids (``SRB|YUG``); the first one the registry
holds wins, so the table keeps working while ``states.csv`` is curated. A name
that resolves to no registry actor is *unresolved*: the importers record it in
the engagement's ``attributes.unresolved`` (or quarantine the row when too few
participants are left).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from importlib.resources import files

from detente.core.actors import ActorRegistry
from detente.reference import actor_registry
from detente.reference import aliases as reference_aliases

__all__ = ["Resolver", "norm", "split_names"]

_MISSING = {"", "-9", "-99", "nan", "none", "na", "n/a", "."}


def norm(name: str) -> str:
    """Case-, accent-light and punctuation-light key of a name."""
    s = name.casefold().replace("&", " and ").replace("’", "'").replace("`", "'")
    s = re.sub(r"[.,;:()\[\]\"]", " ", s)
    return " ".join(s.split())


def split_names(text: object, seps: str = ",;/") -> list[str]:
    """Names in a free-text list (``'UN, OIC; Norway'``), trimmed, without empties."""
    if text is None or (isinstance(text, float) and text != text):
        return []
    parts = re.split("[" + re.escape(seps) + r"\n]| and (?=[A-Z])", str(text))
    return [p.strip(" .'\"") for p in parts if p.strip(" .'\"") and p.strip().lower() not in _MISSING]


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    text = (files("detente.ingest.engagements") / "aliases.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return {norm(r["alias"]): tuple(r["ids"].split("|")) for r in rows}


class Resolver:
    """Names, ISO3-like codes, COW and GW numbers → actor ids (None when unknown)."""

    def __init__(
        self, registry: ActorRegistry | None = None, aliases: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        self.registry = registry or actor_registry()
        self.aliases = _aliases() if aliases is None else aliases
        self._names: dict[tuple[str, dt.date | None], str | None] = {}
        self._scan: tuple[re.Pattern[str], re.Pattern[str]] | None = None

    def known(self, actor_id: str) -> bool:
        return actor_id in self.registry.states or actor_id in self.registry.organisations

    def _alias(self, key: str, on: dt.date | None = None) -> str | None:
        known = [c for c in self.aliases.get(key, ()) if self.known(c)]
        if on is not None:
            for cand in known:
                st = self.registry.states.get(cand)
                if st is None or st.exists_on(on):
                    return cand
        return known[0] if known else None

    def name(self, name: object, on: dt.date | None = None) -> str | None:
        """A country or organisation name (or an ISO3/CAMEO code written as a name).

        ``on`` picks, among an alias's candidates, one that existed on that day
        (``Federal Republic of Germany`` is GFR in 1985 and DEU in 1995).
        """
        if name is None or (isinstance(name, float) and name != name):
            return None
        raw = str(name).strip()
        if raw.lower() in _MISSING:
            return None
        memo = (raw, on)
        if memo in self._names:
            return self._names[memo]
        key = norm(raw)
        hit = self._alias(key, on) or self.registry.by_name(raw) or self.registry.by_name(key)
        if hit is None and len(raw) <= 4 and raw.isalpha():
            hit = self.code(raw)
        if hit is None:  # "Yugoslavia (former)", "the Republic of Croatia"
            stripped = re.sub(r"^(the|republic of|the republic of|kingdom of|state of)\s+", "", key)
            stripped = re.sub(r"\s*(former)$", "", stripped).strip()
            if stripped != key:
                hit = self._alias(stripped, on) or self.registry.by_name(stripped)
        self._names[memo] = hit
        return hit

    def find_in_text(self, text: object, on: dt.date | None = None) -> list[str]:
        """Actor ids of every state or organisation named in free text, in order of first mention.

        Full names match case-insensitively on word boundaries, the longest first
        (``Papua New Guinea`` before ``Guinea``); short upper-case acronyms (US, UK,
        UN, EU...) match only as written in capitals.
        """
        if text is None or (isinstance(text, float) and text != text):
            return []
        long_re, short_re = self._scanners()
        found: list[tuple[int, str]] = []
        for m in long_re.finditer(norm(str(text))):
            hit = self.name(m.group(0), on)
            if hit:
                found.append((m.start(), hit))
        for m in short_re.finditer(str(text)):
            hit = self.name(m.group(0), on)
            if hit:
                found.append((m.start(), hit))
        out: list[str] = []
        for _, hit in sorted(found):
            if hit not in out:
                out.append(hit)
        return out

    def _scanners(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        if self._scan is None:
            names = {norm(s.name) for s in self.registry.states.values()}
            names |= {norm(o.name) for o in self.registry.organisations.values()}
            names |= {norm(a) for a in reference_aliases()}
            names |= set(self.aliases)
            longs = sorted((n for n in names if len(n) > 3 and self.name(n)), key=len, reverse=True)
            shorts = sorted(
                {a.upper() for a in self.aliases if len(a) <= 3 and a.isalpha() and self.name(a)}, key=len, reverse=True
            )
            self._scan = (_alternation(longs), _alternation(shorts))
        return self._scan

    def code(self, code: object) -> str | None:
        """An ISO3, CAMEO or detente code."""
        if code is None or (isinstance(code, float) and code != code):
            return None
        c = str(code).strip().upper()
        if c.lower() in _MISSING:
            return None
        hit = self.registry.by_code(c)
        return hit if hit is not None else self._alias(norm(c))

    def cow(self, code: object, on: dt.date | None = None) -> str | None:
        n = _int(code)
        return None if n is None else self.registry.by_cow(n, on)

    def gw(self, code: object, on: dt.date | None = None) -> str | None:
        n = _int(code)
        if n is None:
            return None
        return self.registry.by_gw(n, on) or self.registry.by_cow(n, on)


def _int(v: object) -> int | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    try:
        n = int(float(str(v).strip()))
    except ValueError:
        return None
    return n if n >= 0 else None


def _alternation(words: list[str]) -> re.Pattern[str]:
    """One regex matching any of ``words`` on word boundaries (never matches when there are none)."""
    if not words:
        return re.compile(r"(?!)")
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
