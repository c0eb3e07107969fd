"""The hotline log's pure checker: any log built by the rules verifies, and any one change to any record of it
does not (property tests over random channels)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.hashchain import GENESIS, link
from detente.core.hotline import STEPS, Problem, check, derive


def _build(ops: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """A channel of parties 1, 2, 3 (3 a mediator): ``(op, who, which)`` sends a message or moves a receipt."""
    records: list[dict[str, Any]] = [
        {"kind": "opened", "at": "2026-01-01T00:00:00", "name": "h", "parties": [1, 2, 3], "party": 1}
    ]
    messages: list[dict[str, Any]] = []
    progress: dict[tuple[int, int], str] = {}
    for i, (op, who, which) in enumerate(ops):
        at = f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}"
        sender = 1 + who % 3
        if op == 0 or not messages:
            others = [p for p in (1, 2, 3) if p != sender]
            m = {
                "kind": "message",
                "id": len(messages) + 1,
                "at": at,
                "party": sender,
                "user": sender,
                "body": f"b{i}",
                "reply_by": None,
                "in_reply_to": None,
                "to": [p for p in others if p != 3],
                "copy": [3] if sender != 3 else [],
            }
            messages.append(m)
            records.append(m)
            continue
        m = messages[which % len(messages)]
        holders = m["to"] + m["copy"]
        party = holders[who % len(holders)]
        now = progress.get((m["id"], party), "sent")
        if now == "answered":
            continue
        nxt = STEPS[STEPS.index(now) + 1]
        progress[(m["id"], party)] = nxt
        records.append({"kind": nxt, "message": m["id"], "at": at, "party": party, "user": party})
    out, prev = [], GENESIS
    for seq, r in enumerate(records, start=1):
        r = {**r, "seq": seq, "channel": 7}
        h = link(prev, r)
        out.append({"seq": seq, "record": r, "prev_hash": prev, "hash": h})
        prev = h
    return out


OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(0, 9)), min_size=1, max_size=30)


@given(OPS)
@settings(max_examples=60, deadline=None)
def test_a_log_built_by_the_rules_verifies_and_derives_its_receipts(ops: list[tuple[int, int, int]]) -> None:
    entries = _build(ops)
    head = (len(entries), entries[-1]["hash"])
    states = check(entries, channel_id=7, head=head, contains=(1, entries[0]["hash"]))
    assert states == derive([e["record"] for e in entries])
    for s in states.values():
        assert s.status in STEPS
        assert all(r.addressee == (r.party_id != 3) for r in s.receipts)


@given(OPS, st.integers(0, 10_000), st.integers(0, 10_000))
@settings(max_examples=80, deadline=None)
def test_any_one_change_to_any_record_is_caught(ops: list[tuple[int, int, int]], which: int, key: int) -> None:
    entries = _build(ops)
    e = entries[which % len(entries)]
    k = sorted(e["record"])[key % len(e["record"])]
    v = e["record"][k]
    changed = (
        1 - v
        if isinstance(v, int) and not isinstance(v, bool) and v in (0, 1)
        else (v + 1 if isinstance(v, int) else f"{v}x")
    )
    e["record"] = {**e["record"], k: changed}
    with pytest.raises(Problem):
        check(entries, channel_id=7, head=(len(entries), entries[-1]["hash"]))


@given(OPS, st.integers(1, 30))
@settings(max_examples=40, deadline=None)
def test_a_cut_or_rewritten_log_fails_against_a_receipt_even_when_re_hashed(
    ops: list[tuple[int, int, int]], cut: int
) -> None:
    entries = _build(ops)
    receipt = (len(entries), entries[-1]["hash"])
    if len(entries) > 1:  # cut the tail, re-hashed and with a matching head: only the receipt can tell
        short = entries[: max(1, len(entries) - cut)]
        check(short, channel_id=7, head=(len(short), short[-1]["hash"]))
        with pytest.raises(Problem, match="deleted after the receipt"):
            check(short, channel_id=7, head=(len(short), short[-1]["hash"]), contains=receipt)
    rewritten = _build([*ops[:-1], (0, 0, 0)])  # a different last step, consistently chained
    # a rewrite only when the receipted record itself differs (a last step the rules skipped, e.g. a receipt
    # past "answered", makes the new log an extension of the old one, which the receipt rightly accepts)
    if len(rewritten) >= len(entries) and rewritten[len(entries) - 1]["hash"] != receipt[1]:
        with pytest.raises(Problem, match="rewritten"):
            check(rewritten, channel_id=7, contains=receipt)


def test_an_empty_log_and_a_log_without_its_opening_fail() -> None:
    with pytest.raises(Problem, match="empty"):
        check([])
    entries = _build([(0, 0, 0)])
    rec = {**entries[1]["record"], "seq": 1}
    with pytest.raises(Problem, match="opening entry"):
        check([{"seq": 1, "record": rec, "prev_hash": GENESIS, "hash": link(GENESIS, rec)}])
