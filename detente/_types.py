"""Type aliases shared across detente."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np

__all__ = ["DateLike", "PathLike", "SeedLike"]

PathLike = str | os.PathLike[str]
DateLike = str | dt.date
SeedLike = int | np.random.SeedSequence | np.random.Generator | None
