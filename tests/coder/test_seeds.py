"""The source documents themselves (../shared/seeds): the key events the coder must find in them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.coder import code_text
from detente.store import Store
from tests.direct import db_sql

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
DOC = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[tuple[str | None, str, str | None, dt.date]]]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"../shared/seeds is absent ({SEEDS}); these tests need the source documents")
    return {
        f.name: [(e.source, e.cameo, e.target, e.day) for e in code_text(f.read_text(encoding="utf-8"), DOC)]
        for f in files
    }


def test_camp_david_and_dayton_mediations(seeds: dict[str, list[tuple[str | None, str, str | None, dt.date]]]) -> None:
    found = {e for evs in seeds.values() for e in evs}
    camp_david = dt.date(1978, 9, 17)
    assert {("USA", "045", "EGY", camp_david), ("USA", "045", "ISR", camp_david)} <= found
    dayton = dt.date(1995, 11, 21)
    assert {("USA", "045", p, dayton) for p in ("BIH", "HRV", "YUG")} <= found


def test_organisations_roles(seeds: dict[str, list[tuple[str | None, str, str | None, dt.date]]]) -> None:
    roles = {(s, c) for evs in seeds.values() for s, c, _, _ in evs}
    assert {
        ("NATO", "074"),
        ("NATO", "062"),
        ("NATO", "040"),
        ("USA", "074"),
    } <= roles  # peacekeeping, drills, dialogue
    assert {("AU", "074"), ("ASEAN", "074"), ("AU", "040"), ("ASEAN", "040")} <= roles  # regional organisations
    assert {("UN", "074"), ("UN", "073")} <= roles  # peacekeepers and humanitarian missions
    assert not any(c[:2] in ("18", "19", "20") for s, c in roles)  # no attack is read into Article 5


def test_seeds_stored_with_provenance(seeds: object, store: Store) -> None:
    from detente.coder.storage import store_file

    sums = [store_file(store, f, DOC) for f in sorted(SEEDS.glob("*.txt"))]
    assert all(s["reconciles"] and s["quarantined"] == 0 for s in sums)
    rows = db_sql(
        store, "SELECT count(*), count(DISTINCT file_id), min(date) FROM events WHERE dataset = 'coder'"
    ).fetchone()
    assert rows == (sum(s["stored"] for s in sums), len(sums), dt.date(1978, 9, 17))
    again = store_file(store, sorted(SEEDS.glob("*.txt"))[0], DOC)
    assert again["stored"] == 0 and again["duplicates"] == sums[0]["stored"]
