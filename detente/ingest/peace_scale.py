"""The Diehl et al. peace scale (peace data v3.1): its one reader, into dyad-years (the validation's reference).

Goertz, Diehl & Balas (2016) / Diehl, Goertz & Gallegos (2021): each dyad's level (0 severe rivalry,
.25 lesser rivalry, .5 negative peace, .75 warm peace, 1 security community) over dated spans.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from detente.errors import InputError

__all__ = ["read_peace_scale"]

#: The last year the historic series covers (:data:`detente.store.analytics.historic.LAST_YEAR`).
LAST_YEAR = 2016


def _ymd(s: str, *, end: bool) -> tuple[int, int, int]:
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
    if m == 99 or d == 99:  # censored: 19009999 before 1900, 20209999 still running
        return (y, 12, 31) if end else (y, 1, 1)
    return y, m, d


def read_peace_scale(path: Path, first_year: int = 1900, last_year: int = LAST_YEAR) -> pd.DataFrame:
    """Peace data v3.1 (no header) -> dyad-years ``c1, c2, year, peace`` (level in force on 1 July)."""
    out: list[tuple[int, int, int, float]] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"Cannot read the peace scale file {path}: {e}", hint="Pass peacedata3.1.csv.") from None
    for n, line in enumerate(lines, 1):
        cells = [c.strip() for c in line.split(",")]
        if not cells or not cells[0]:
            continue
        code = cells[0].zfill(6)
        if not code.isdigit() or len(code) != 6:
            raise InputError(
                f"{path}:{n}: dyad code {cells[0]!r} is not two 3-digit COW codes.", hint="Check the file."
            )
        c1, c2 = sorted((int(code[:3]), int(code[3:])))
        vals = [c for c in cells[1:] if c]
        for span, level in zip(vals[0::2], vals[1::2], strict=False):
            lv = float(level)
            if lv < 0:
                continue  # -9: transitional period
            lo, hi = span.split("-")
            a, b = _ymd(lo, end=False), _ymd(hi, end=True)
            for y in range(max(a[0], first_year), min(b[0], last_year) + 1):
                if a <= (y, 7, 1) <= b:
                    out.append((c1, c2, y, lv))
    return pd.DataFrame(out, columns=["c1", "c2", "year", "peace"])
