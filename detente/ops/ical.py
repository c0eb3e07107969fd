"""iCalendar (RFC 5545) export of engagements, written directly: CRLF lines folded at 75 octets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CalendarItem", "escape", "fold", "to_ical"]


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    summary: str
    start: dt.date
    end: dt.date  # inclusive last day
    location: str = ""
    description: str = ""
    categories: str = ""


_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what some reader takes for a line end
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # RFC 5545 CONTROL (HTAB is allowed)


def escape(text: str) -> str:
    r"""TEXT value escaping (RFC 5545 §3.3.11). Every line break becomes ``\n`` — a bare CR too, and the
    breaks other readers split lines at (VT, FF, NEL, U+2028 …) — so a party's text can never end the
    content line early and forge another (an event, an alarm, an attachment) in another party's calendar;
    any other control character is dropped.

    >>> escape("a,b;c\\d\ne")
    'a\\,b\\;c\\\\d\\ne'
    >>> escape("x\rEND:VEVENT\x07\u2028y")
    'x\\nEND:VEVENT\\ny'
    """
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _BREAK.sub(r"\\n", text))


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per physical line (§3.1), never splitting a character.

    >>> fold("X" * 80).split("\\r\\n")[1]
    ' XXXXX'
    """
    out: list[str] = []
    cur, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(cur)
            cur, size = "", 0
        cur += ch
        size += n
    out.append(cur)
    return "\r\n ".join(out)


def to_ical(items: Iterable[CalendarItem], *, stamp: dt.datetime, name: str = "detente engagements") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//detente//operations workspace//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    ts = stamp.strftime("%Y%m%dT%H%M%SZ")
    for it in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{it.uid}",
            f"DTSTAMP:{ts}",
            f"DTSTART;VALUE=DATE:{it.start.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(it.end + dt.timedelta(days=1)).strftime('%Y%m%d')}",  # exclusive end
            f"SUMMARY:{escape(it.summary)}",
        ]
        if it.location:
            lines.append(f"LOCATION:{escape(it.location)}")
        if it.description:
            lines.append(f"DESCRIPTION:{escape(it.description)}")
        if it.categories:
            lines.append(f"CATEGORIES:{escape(it.categories)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
