"""COW and ATOP readers: real files reconcile; bad input gives one clear error or quarantine rows with lines."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import reference
from detente.errors import IngestError
from detente.ingest.atop import load_alliances, load_atop, load_members, split_by_id
from detente.ingest.cow import load_cow, load_states, load_system
from detente.ingest.refsources import read_csv_rows
from detente.store import Store
from tests.direct import db_sql

STATES_HEAD = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
M_HEAD = (
    "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,phase,defense,offense,neutral,nonagg,consul,"
    "conditio,defcon,defcoloc\n"
)
A_HEAD = (
    "atopid,begyr,begmo,begday,endyr,endmo,endday,bilat,defense,offense,neutral,nonagg,consul,conditio,"
    "defcon,mem1,mem2,mem3\n"
)


def _quarantine(store: Store) -> list[tuple[int, str]]:
    return [
        (int(r[0]), str(r[1])) for r in db_sql(store, "SELECT line, reason FROM quarantine ORDER BY line").fetchall()
    ]


def test_states_bad_rows_quarantined_with_lines(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "states2016.csv"
    f.write_bytes(
        (
            STATES_HEAD
            + "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
            + "CAN,20,Canada,1920,1,10\n"  # truncated
            + "XXX,abc,Nowhere,1900,1,1,1901,1,1,2016\n"  # non-numeric code
            + "EST,366,Estonia,1918,13,24,1940,6,15,2016\n"  # bad month
            + "EST,366,Estonia,1991,9,6,1990,12,31,2016\n"  # end before start
            + "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
        ).encode()  # duplicate
        + "FRA,220,Fran\xe7e,1816,1,1,2016,12,31,2016\n".encode("latin-1")  # not UTF-8
        + b"\n"
    )
    s = load_states(store, f)
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (7, 1, 1, 5) and s.reconciles
    q = _quarantine(store)
    assert [line for line, _ in q] == [3, 4, 5, 6, 8]
    assert "wrong column count" in q[0][1] and "not a number" in q[1][1] and "month" in q[2][1]
    assert "before start" in q[3][1] and "UTF-8" in q[4][1]
    row = db_sql(store, 'SELECT cow, actor_id, "end" FROM state_system').fetchone()
    assert row == (2, "USA", None)
    files = db_sql(store, "SELECT read, stored, duplicates, quarantined FROM files").fetchall()
    assert files == [(7, 1, 1, 5)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"a,b,c\n1,2,3\n", "lacks the required column"),
        (b"\xff\xfe\x00s\x00t\n", "not UTF-8"),
    ],
)
def test_whole_file_errors_are_one_line(store: Store, tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "states2016.csv"
    f.write_bytes(content)
    with pytest.raises(IngestError, match=message) as e:
        load_states(store, f)
    assert "\n" not in e.value.line()
    assert store.count("files") == 0


def test_missing_path_and_wrong_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="No such file"):
        load_cow(store, tmp_path / "nope")
    other = tmp_path / "other.csv"
    other.write_text("x,y\n1,2\n")
    with pytest.raises(IngestError, match="neither"):
        load_cow(store, other)


def test_cr_line_endings_and_reload_adds_nothing(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "system2016.csv"
    f.write_bytes(b"stateabb,ccode,year,version\rUSA,2,1816,2016\rUSA,2,1817,2016\r")
    for _ in range(2):
        s = load_system(store, f)
        assert (s.read, s.stored) == (2, 2)
    assert store.count("state_years") == 2


def test_atop_members_bad_rows(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "atop5_1m.csv"
    f.write_text(
        M_HEAD
        + "3180,366,2003,3,26,0,0,0,2,1,0,0,1,1,1,1,1\n"
        + "3180,2,1951,6,19,,,,2,1,0,0,1,1,1,1,1\n"  # empty exit = in effect
        + "3180,2,1951,6,19,0,0,0,2,1,0,0,1,1,1,1,1\n"  # duplicate of the row above
        + "3180,2,1951,6,19,0,0,0,2,2,0,0,1,1,1,1,1\n"  # flag not 0/1
        + "3180,2,1951,6\n"  # truncated
        + "3180,2,1951,2,30,0,0,0,3,1,0,0,1,1,1,1,1\n"  # 30 February
        + "x,2,1951,6,19,0,0,0,2,1,0,0,1,1,1,1,1\n",  # non-numeric id
        encoding="utf-8",
    )
    s = load_members(store, f)
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (7, 2, 1, 4) and s.reconciles
    assert [line for line, _ in _quarantine(store)] == [5, 6, 7, 8]
    rows = db_sql(store, 'SELECT member, "left", defense, conditions FROM alliance_members ORDER BY member').fetchall()
    assert rows[0][0] == "EST" and rows[0][1] is None and rows[0][2] is True
    assert json.loads(rows[0][3]) == {"conditio": 1, "defcon": 1, "defcoloc": 1}


def test_atop_alliances_names_and_bad_dates(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "atop5_1a.csv"
    f.write_text(
        A_HEAD
        + "3180,1949,4,4,0,0,0,0,1,0,0,1,1,1,1,2,20,200\n"
        + "9999,1990,1,1,0,0,0,1,1,0,0,0,0,0,0,365,2,\n"
        + "9998,1990,1,1,1980,1,1,1,1,0,0,0,0,0,0,365,2,\n",  # ends before it begins
        encoding="utf-8",
    )
    s = load_alliances(store, f)
    assert (s.read, s.stored, s.quarantined) == (3, 2, 1)
    names = dict(db_sql(store, "SELECT atopid, name FROM alliances").fetchall())
    assert names[3180] == "North Atlantic Treaty (NATO)" and names[9999] == "ATOP 9999: SUN, USA"


def test_split_by_id_follows_cow_code_changes() -> None:
    reg = reference.actor_registry()
    d = dt.date.fromisoformat
    assert split_by_id(reg, 365, d("1955-05-14"), d("1995-01-01")) == [
        ("SUN", d("1955-05-14"), d("1991-12-25")),
        ("RUS", d("1991-12-26"), d("1995-01-01")),
    ]
    assert split_by_id(reg, 345, d("1990-01-01"), None)[-1] == ("SRB", d("2006-06-05"), None)
    assert split_by_id(reg, 2, d("1990-01-01"), None) == [("USA", d("1990-01-01"), None)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet='0123456789,ab"\r\n ', max_size=40), max_size=12))
def test_reader_never_loses_a_row(tmp_path_factory: pytest.TempPathFactory, lines: list[str]) -> None:
    """Whatever the body, every non-blank line comes back as a row (parsed or with a reason)."""
    f = tmp_path_factory.mktemp("h") / "x.csv"
    body = "\n".join(ln.replace("\r", "").replace("\n", "") for ln in lines)
    f.write_text("a,b\n" + body + "\n", encoding="utf-8")
    _, rows = read_csv_rows(f, ("a", "b"))
    got = list(rows)
    assert len(got) == sum(1 for ln in body.split("\n") if ln.strip())
    assert all(r.reason or len(r.fields) == 2 for r in got)


@pytest.mark.shared
def test_real_cow_and_atop_reconcile(store: Store, shared_data: Path) -> None:
    summaries = load_cow(store, shared_data / "states/cow") + load_atop(store, shared_data / "alliances/atop")
    assert all(s.reconciles for s in summaries)
    by = {s.dataset: s for s in summaries}
    assert by["cow-states"].read == 243 and by["cow_system"].read == 15951
    assert by["atop-alliances"].stored == 789 and by["atop-members"].read == 2510
    assert db_sql(store, "SELECT count(*) FROM alliance_members WHERE member IS NULL").fetchone() == (1,)
    # a second load replaces, adds nothing
    before = store.count("alliance_members")
    load_atop(store, shared_data / "alliances/atop")
    assert store.count("alliance_members") == before


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([365, 345, 2, 255, 260, 678]),
    st.dates(dt.date(1850, 1, 1), dt.date(2020, 1, 1)),
    st.one_of(st.none(), st.integers(0, 60_000)),
)
def test_split_by_id_pieces_tile_the_span(cow: int, joined: dt.date, days: int | None) -> None:
    left = None if days is None else joined + dt.timedelta(days=days)
    pieces = split_by_id(reference.actor_registry(), cow, joined, left)
    assert pieces[0][1] == joined and pieces[-1][2] == left
    for (a, _, end), (b, start, _) in itertools.pairwise(pieces):
        assert end is not None and start == end + dt.timedelta(days=1) and a != b
