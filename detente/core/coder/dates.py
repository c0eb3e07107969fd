"""Time expressions in a sentence, resolved against the document date (pure).

Explicit dates ("21 March 1978", "March 21, 1978", "2024-03-05"), months and
years ("in March 1978", "in 1995"), days of the week ("on Monday"), and relative
expressions ("yesterday", "last week", "three days ago", "next month") become a
:class:`When`: a day plus the precision it is known to (day, month or year).
Past tense is the default reading of news: "on Monday" is the Monday before the
document date, or the one after when the clause is about the future.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MAX_YEAR", "MIN_YEAR", "When", "find_dates", "resolve_date"]

MIN_YEAR, MAX_YEAR = 1800, 2100

MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
# the abbreviations a period may follow inside a sentence ("Jan.", "Sept."; "May" is a whole word)
MONTH_ABBREVIATIONS = frozenset(m.casefold() for m in calendar.month_abbr if m and m != "May") | {"sept"}
WEEKDAYS = {d.casefold(): i for i, d in enumerate(calendar.day_name)}
NUMBERS = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}

_M = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_Y = r"(?P<year>1[89]\d\d|20\d\d|2100)"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_N = r"(?P<n>\d{1,3}|" + "|".join(NUMBERS) + r"|a|an)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p, re.I))
    for name, p in (
        ("iso", r"\b(?P<year>1[89]\d\d|20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
        ("dmy", rf"\b{_D}\s+{_M},?\s+{_Y}\b"),
        ("mdy", rf"\b{_M}\s+{_D},?\s+{_Y}\b"),
        ("dm", rf"\b{_D}\s+{_M}(?![a-z])"),
        ("md", rf"\b{_M}\s+{_D}\b(?!\s*,?\s*\d)"),
        ("my", rf"\b{_M}\s+(?:of\s+)?{_Y}\b"),
        ("y", rf"\b(?:in|since|of|during|by|until|from)\s+(?:the\s+(?:year\s+)?)?{_Y}\b"),
        ("ago", rf"\b{_N}\s+{_UNIT}\s+ago\b"),
        ("in_n", rf"\bin\s+{_N}\s+{_UNIT}\b"),
        (
            "rel",
            r"\b(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow"
            r"|(?:last|next|this|earlier\s+this|later\s+this)\s+(?:week|month|year))\b",
        ),
        (
            "wd",
            r"\b(?:(?P<which>last|next|this|on)\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday"
            r"|sunday)\b",
        ),
        ("m", rf"\b(?:in|last|next|this|since|during|until|by)\s+{_M}(?![a-z])(?!\s+(?:\d|of\s+\d))"),
    )
)
_FUTURE = re.compile(
    r"\b(?:will|shall|to be held|is to|are to|plans? to|planned|scheduled|intends? to|next|upcoming)\b", re.I
)


@dataclass(frozen=True)
class When:
    """A resolved time: the day, its precision ('day', 'month', 'year') and the characters it was read from."""

    day: dt.date
    precision: str
    start: int
    end: int
    relative: bool


def _safe(y: int, m: int, d: int) -> dt.date | None:
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12):
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _number(s: str) -> int:
    s = s.casefold()
    if s in ("a", "an"):
        return 1
    return NUMBERS[s] if s in NUMBERS else int(s)


def _shift(doc: dt.date, n: int, unit: str) -> dt.date:
    if unit == "day":
        return doc + dt.timedelta(days=n)
    if unit == "week":
        return doc + dt.timedelta(weeks=n)
    months = n * (12 if unit == "year" else 1)
    idx = doc.year * 12 + doc.month - 1 + months
    y, m = divmod(idx, 12)
    return dt.date(y, m + 1, min(doc.day, calendar.monthrange(y, m + 1)[1]))


def _nearest_year(doc: dt.date, month: int, day: int, future: bool) -> dt.date | None:
    """The day/month in the year around the document date that a past (or future) clause means."""
    cands = [c for y in (doc.year - 1, doc.year, doc.year + 1) if (c := _safe(y, month, day)) is not None]
    if not cands:
        return None
    side = [c for c in cands if (c >= doc if future else c <= doc)]
    return min(side or cands, key=lambda c: abs((c - doc).days))


def _resolve(name: str, m: re.Match[str], doc: dt.date, future: bool) -> tuple[dt.date, str] | None:
    g = m.groupdict()
    if (g.get("month") or "") in ("may", "march"):
        return None  # the modal verb and the verb, not the months
    month = MONTHS.get((g.get("month") or "").casefold().rstrip("."), 0) if name != "iso" else int(g["month"])
    if name in ("iso", "dmy", "mdy"):
        d = _safe(int(g["year"]), month, int(g["day"]))
        return (d, "day") if d else None
    if name in ("dm", "md"):
        d = _nearest_year(doc, month, int(g["day"]), future) if 1 <= int(g["day"]) <= 31 else None
        return (d, "day") if d else None
    if name == "my":
        d = _safe(int(g["year"]), month, 1)
        return (d, "month") if d else None
    if name == "y":
        d = _safe(int(g["year"]), 1, 1)
        return (d, "year") if d else None
    if name in ("ago", "in_n"):
        n = _number(g["n"])
        if n > 400:
            return None
        unit = g["unit"].casefold()
        prec = "day" if unit in ("day", "week") else unit
        return _shift(doc, -n if name == "ago" else n, unit), prec
    if name == "rel":
        return _relative(" ".join(g["rel"].casefold().split()), doc)
    if name == "wd":
        which = (g.get("which") or "").casefold()
        target = WEEKDAYS[g["wd"].casefold()]
        ahead = which == "next" or (which != "last" and future)
        delta = (target - doc.weekday()) % 7 or 7
        return (
            (doc + dt.timedelta(days=delta), "day")
            if ahead
            else (doc - dt.timedelta(days=(doc.weekday() - target) % 7 or 7), "day")
        )
    if name == "m" and month:
        d = _nearest_year(doc, month, 1, future)
        return (d, "month") if d else None
    return None


def _relative(rel: str, doc: dt.date) -> tuple[dt.date, str] | None:
    fixed = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
    if rel in fixed:
        return doc + dt.timedelta(days=fixed[rel]), "day"
    word, unit = rel.rsplit(" ", 1)
    step = {"last": -1, "next": 1}.get(word, 0)
    return _shift(doc, step, unit), ("day" if unit == "week" else unit)


def find_dates(sentence: str, doc: dt.date) -> list[When]:
    """Every time expression of a sentence, resolved against the document date, in reading order.

    >>> [w.day.isoformat() for w in find_dates("Talks began yesterday and ended in March 1978.", dt.date(2024, 5, 9))]
    ['2024-05-08', '1978-03-01']
    """
    future = bool(_FUTURE.search(sentence))
    taken: list[tuple[int, int]] = []
    out: list[When] = []
    for name, pat in _PATTERNS:
        for m in pat.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                r = _resolve(name, m, doc, future)
            except (OverflowError, ValueError):  # "tomorrow" of 9999-12-31
                r = None
            if r is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(When(r[0], r[1], m.start(), m.end(), name not in ("iso", "dmy", "mdy", "my", "y")))
    return sorted(out, key=lambda w: w.start)


def resolve_date(sentence: str, doc: dt.date) -> When | None:
    """The first time expression of a sentence, or None when it names no time.

    >>> resolve_date("NATO ships arrived on Monday.", dt.date(2024, 5, 9)).day   # a Thursday
    datetime.date(2024, 5, 6)
    """
    found = find_dates(sentence, doc)
    return found[0] if found else None
