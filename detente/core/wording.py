"""Numbers in words, the same on every face (CLI, API text, pages): plurals and shares.

>>> plural(1, "war"), plural(3, "war"), plural(2, "party", "parties")
('1 war', '3 wars', '2 parties')
>>> percent(0.0), percent(0.001), percent(0.0049), percent(0.5), percent(0.996), percent(1.0)
('0%', '<1%', '<1%', '50%', '>99%', '100%')
>>> percent(0.0004, 1), percent(0.1234, 1), percent(0.9999, 1), percent(-0.012, 1), percent(-0.0001, 1)
('<0.1%', '12.3%', '>99.9%', '-1.2%', '-<0.1%')
"""

from __future__ import annotations

__all__ = ["percent", "plural"]


def plural(n: int | float, word: str, many: str | None = None) -> str:
    """``n`` and the word, singular for exactly one (``many`` for an irregular plural)."""
    count = f"{n:,}" if isinstance(n, int) or float(n).is_integer() else f"{n:,.1f}"
    return f"{count} {word if n == 1 else (many or word + 's')}"


def percent(share: float, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage that never reads 0% (or 100%) when it is not exactly that."""
    if share != share:  # NaN
        return "n/a"
    if share < 0:  # a risk reduction can be negative: more risk
        return "-" + percent(-share, digits)
    if share == 0:
        return "0%"
    if share == 1:
        return "100%"
    if share > 1:
        return f"{100 * share:.{digits}f}%"
    p = 100 * share
    step = 10.0**-digits
    if p < step:
        return f"<{step:.{digits}f}%"
    if round(p, digits) >= 100:
        return f">{100 - step:.{digits}f}%"
    return f"{p:.{digits}f}%"
