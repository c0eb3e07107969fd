"""Partial dates as the engagement datasets write them: ``11/xx/1974``, ``1980-01-xx``, ``12//67``, ``-9``.

A partial date becomes the first day of the period it names, with its precision
(``day``, ``month`` or ``year``) kept beside it, so that nothing claims more
than the source knows.

>>> parse_partial("11/xx/1974")
PartialDate(date=datetime.date(1974, 11, 1), precision='month')
>>> parse_partial("1980-01-xx", order="ymd")
PartialDate(date=datetime.date(1980, 1, 1), precision='month')
>>> parse_partial("12//67")
PartialDate(date=datetime.date(1967, 12, 1), precision='month')
>>> parse_partial("-9") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NamedTuple

__all__ = ["PartialDate", "from_parts", "parse_partial"]

Precision = Literal["day", "month", "year"]
Order = Literal["mdy", "ymd"]

_MISSING = {"", "xx", "x", "-9", "-99", "-999", "nan", "na", "none", ".", "?", "??", "-"}
_SPLIT = re.compile(r"[\-.]")
_MINUS9 = re.compile(r"(^|(?<=[-.]))-9(?=$|[-.])")


class PartialDate(NamedTuple):
    date: dt.date
    precision: Precision

    @property
    def last(self) -> dt.date:
        """The last day of the period the date names (itself when known to the day).

        >>> PartialDate(dt.date(1980, 2, 1), "month").last
        datetime.date(1980, 2, 29)
        """
        if self.precision == "day":
            return self.date
        if self.precision == "year":
            return dt.date(self.date.year, 12, 31)
        nxt = dt.date(self.date.year + (self.date.month == 12), self.date.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)


def _num(part: object) -> int | None:
    """An integer field, or None where the source marks it unknown; ValueError when it is not a number."""
    if part is None:
        return None
    if isinstance(part, float):
        if part != part:  # NaN
            return None
        if not part.is_integer():
            raise ValueError(f"not a whole number: {part}")
        part = int(part)
    if isinstance(part, int):
        return None if part < 0 else part
    s = str(part).strip().lower()
    if s in _MISSING or set(s) <= {"x", "?"}:
        return None
    if s.endswith(".0"):
        s = s[:-2]
    if not s.isdigit():
        raise ValueError(f"not a number: {part!r}")
    return int(s)


def _year(y: int, pivot: int) -> int:
    """Two-digit years: ``pivot`` and above are 19xx, below are 20xx."""
    if y < 100:
        return 1900 + y if y >= pivot else 2000 + y
    return y


def from_parts(year: object, month: object = None, day: object = None, *, pivot: int = 30) -> PartialDate | None:
    """Date from separate year/month/day fields, any of which may be unknown (None, NaN, 'xx', -9).

    Returns None when the year is unknown; raises ValueError for impossible values
    (month 13, 31 February, a day without a month).

    >>> from_parts(1977, 11, "xx")
    PartialDate(date=datetime.date(1977, 11, 1), precision='month')
    >>> from_parts("2009", None, None)
    PartialDate(date=datetime.date(2009, 1, 1), precision='year')
    """
    y, m, d = _num(year), _num(month), _num(day)
    two_digit = isinstance(year, str) and len(year.strip()) == 2
    if y is None or (y == 0 and not two_digit):  # "00" is the year 2000 in m/d/yy dates; 0 alone is unknown
        return None
    y = _year(y, pivot)
    if not 1000 <= y <= 2999:
        raise ValueError(f"year out of range: {y}")
    if m is None or m == 0:
        if d not in (None, 0):
            raise ValueError("a day without a month")
        return PartialDate(dt.date(y, 1, 1), "year")
    if not 1 <= m <= 12:
        raise ValueError(f"month out of range: {m}")
    if d is None or d == 0:
        return PartialDate(dt.date(y, m, 1), "month")
    return PartialDate(dt.date(y, m, d), "day")  # raises ValueError for 31 February


def parse_partial(text: object, *, order: Order = "mdy", pivot: int = 30) -> PartialDate | None:
    """Parse a date written ``m/d/y`` (``order='mdy'``) or ``y-m-d`` (``'ymd'``), parts possibly unknown.

    ISO dates (``1995-11-21``) and datetimes are recognised whatever ``order`` says.
    Returns None for an unknown date (empty, NaN, -9); raises ValueError for text
    that is not a date.
    """
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return PartialDate(text.date(), "day")
    if isinstance(text, dt.date):
        return PartialDate(text, "day")
    if isinstance(text, float) and text != text:
        return None
    s = str(text).strip()
    if s.lower() in _MISSING:
        return None
    s = s.split(" ")[0].split("T")[0]  # drop a time of day
    # "1/-9/2000" keeps its -9 when split on "/"; in "2000-01--9" the -9 becomes xx first.
    parts = s.split("/") if "/" in s else _SPLIT.split(_MINUS9.sub("xx", s))
    if len(parts) == 1:
        return from_parts(parts[0], pivot=pivot)
    if len(parts) == 2:  # m/y or y-m
        a, b = parts
        return from_parts(b, a, None, pivot=pivot) if order == "mdy" and len(a) <= 2 else from_parts(a, b, pivot=pivot)
    if len(parts) != 3:
        raise ValueError(f"not a date: {text!r}")
    a, b, c = parts
    if len(a) == 4 or order == "ymd":
        return from_parts(a, b, c, pivot=pivot)
    return from_parts(c, a, b, pivot=pivot)
