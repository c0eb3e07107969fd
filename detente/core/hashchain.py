"""A tamper-evident log: each record's hash is SHA-256 of the previous hash and its canonical JSON.

Anyone holding the records can recompute the chain (:func:`verify`) without
trusting the server; editing, removing or reordering a record breaks every
later link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["GENESIS", "canonical", "link", "verify"]

GENESIS = "0" * 64


def canonical(record: Mapping[str, Any]) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept, no NaN.

    >>> canonical({"b": 1, "a": "é"})
    '{"a":"é","b":1}'
    """
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def link(prev_hash: str, record: Mapping[str, Any]) -> str:
    """The hash of ``record`` chained after ``prev_hash``.

    >>> len(link(GENESIS, {"seq": 1}))
    64
    """
    return hashlib.sha256((prev_hash + canonical(record)).encode("utf-8")).hexdigest()


def verify(entries: Sequence[Mapping[str, Any]]) -> tuple[bool, int | None, str]:
    """Recompute a chain of ``{"record": {...}, "prev_hash": h0, "hash": h1}`` entries.

    Returns (ok, index of the first bad entry or None, reason).

    >>> e1 = {"record": {"seq": 1}, "prev_hash": GENESIS, "hash": link(GENESIS, {"seq": 1})}
    >>> verify([e1])
    (True, None, 'ok')
    >>> verify([{**e1, "record": {"seq": 2}}])[:2]
    (False, 0)
    """
    prev = GENESIS
    for i, e in enumerate(entries):
        if e.get("prev_hash") != prev:
            return False, i, f"entry {i} does not follow the previous hash"
        if link(prev, e["record"]) != e.get("hash"):
            return False, i, f"entry {i} was altered: its hash does not match its content"
        prev = str(e["hash"])
    return True, None, "ok"
