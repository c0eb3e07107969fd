"""Numbers no column can hold, smuggled past the path and query validation inside a cursor or a receipt.

A cursor is opaque base64 JSON and a head receipt is a free-form object: both carry integers the attacker
chooses. Beyond what the database's integer columns hold they made SQLite raise OverflowError and
PostgreSQL "integer out of range" — a 500 with a stack trace in the log instead of the one JSON error.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from ..conftest import Api, World, assert_error

HUGE = [10**30, -(10**30), 2**63, 2**31, -(2**31) - 1]


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("n", HUGE)
def test_a_cursor_with_an_integer_no_column_holds_is_refused_cleanly(api: Api, world: World, n: int) -> None:
    ch = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [world.party["B"]]})
    one = {"/api/ops/channels", "/api/ops/agreements", "/api/ops/notices", "/api/ops/audit"}
    one |= {f"/api/ops/channels/{ch.json()['id']}/messages"}
    two = {"/api/ops/engagements": "2026-01-01", "/api/ops/notifications": "2026-01-01", "/api/ops/users": "a"}
    two |= {"/api/ops/parties": "a", "/api/ops/movements": "2026-01-01T00:00:00"}
    for path in one:
        assert_error(api.call("GET", path, "a_admin", params={"cursor": _cursor([n])}), 422)
    for path, first in two.items():
        assert_error(api.call("GET", path, "a_admin", params={"cursor": _cursor([first, n])}), 422)


@pytest.mark.parametrize(
    "bad",
    [{"party": "abc"}, {"party": 10**30}, {"party": [1]}, {"party": 1.5e300}, {"party": "1e400"}, {"seq": 10**30},
     {"channel": 10**30}, {"party": -5}],
)  # fmt: skip
def test_a_malformed_receipt_is_refused_cleanly(api: Api, world: World, bad: dict[str, Any]) -> None:
    ch = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [world.party["B"]]}).json()
    receipt = {"domain": "detente-hotline-head-v1", "channel": ch["id"], "seq": 1, "hash": "0" * 64, "party": 1}
    receipt |= {"signed_at": "2026-01-01T00:00:00", "public_key": "00" * 32, "signature": "AA=="} | bad
    for r in (receipt, bad):
        got = api.call("POST", f"/api/ops/channels/{ch['id']}/verify", "a_officer", json={"receipt": r})
        assert_error(got, 422)
