"""A reader's declared decode step, compiled by the store: checks in order, typed fields, every expression."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core import decode as d
from detente.store import Store
from detente.store.decode import raw_text, select
from tests.direct import db_arrow

SPEC = d.Decode(
    fields=(d.Field("id"), d.Field("day", "date:%Y-%m-%d"), d.Field("n", "float"), d.Field("who"), d.Field("tags")),
    trim=True,
    checks=(
        d.unparsed("day", "bad date in day: "),
        d.Check(d.IsNull(d.Text("who")), "missing who"),
        d.Check(d.Or((d.Cmp(d.Typed("n"), "<", d.Lit(0)), d.Cmp(d.Typed("n"), "<>", d.Round(d.Typed("n"))))),
                "it's not a count: ", d.Raw("n")),
        d.unparsed("n", "bad number in n: "),
    ),
    columns=(
        ("row_key", d.When(d.NotNull(d.Text("id")), d.Concat((d.Lit("id:"), d.Text("id"))),
                           d.Concat((d.Lit("md5:"), d.Md5(d.Join("|", (d.Raw("who"), d.Raw("day")))))))),
        ("dedup_src", d.Join("|", (d.Text("who"), d.Text("tags")))),
        ("date", d.Typed("day")),
        ("source_name", d.Upper(d.Text("who"))),
        ("source_sector", d.ListMatch(d.Text("tags"), (("MIL", ("Army", "Navy"), ()), ("IGO", (), ("% IGOs",))))),
        ("fatalities", d.TryCast(d.Typed("n"), "int")),
        ("place", d.NullIfEmpty(d.Join(", ", (d.Text("who"), d.Text("tags")), skip_nulls=True))),
        ("evidence", d.Left(d.Coalesce((d.Text("tags"), d.Lit("none"))), 5)),
        ("confidence", d.Abs(d.Cast(d.TryCast(d.Text("n"), "float"), "float"))),
    ),
    raw=d.Join(",", (d.Raw("id"), d.Raw("day"), d.Raw("n"), d.Raw("who"), d.Raw("tags"))),
)  # fmt: skip


def _batch(rows: list[tuple[str | None, ...]]) -> pa.Table:
    cols = ("id", "day", "n", "who", "tags")
    data = {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(cols)}
    return pa.table({"line": pa.array(range(1, len(rows) + 1), pa.int64()), "reason": pa.nulls(len(rows), pa.string()),
                     "raw": pa.nulls(len(rows), pa.string()), **data})  # fmt: skip


def test_checks_in_order_and_columns(store: Store) -> None:
    rows = [
        (" 7 ", "2024-01-02", "3", " ann ", "Army,Police"),
        (None, "2024-13-01", "x", None, None),  # the first failing check wins: the date
        ("", "2024-01-02", "2", "  ", "a"),  # blank text is NULL: missing who
        ("9", "2024-01-02", "-1" + "0" * 60, "bob", "Global IGOs"),  # message + the first 40 chars shown
        ("9", "2024-01-02", "abc", "bob", ""),  # 'abc' < 0 is NULL: the count check passes, the number check fails
        (None, "2024-01-03", None, "cy", None),
    ]
    out = db_arrow(store, select(SPEC, "_batch"), _batch=_batch(rows)).to_pylist()
    assert [r["reason"] for r in out] == [
        None, "bad date in day: 2024-13-01", "missing who", "it's not a count: -1" + "0" * 38,
        "bad number in n: abc", None,
    ]  # fmt: skip
    first, last = out[0], out[5]
    assert first["row_key"] == "id:7" and first["dedup_src"] == "ann|Army,Police"
    assert str(first["date"]) == "2024-01-02" and first["source_name"] == "ANN" and first["fatalities"] == 3
    assert first["source_sector"] == "MIL" and out[3]["source_sector"] == "IGO" and last["source_sector"] is None
    assert first["place"] == "ann, Army,Police" and last["place"] == "cy" and first["evidence"] == "Army,"
    assert last["evidence"] == "none" and last["dedup_src"] == "cy|" and first["confidence"] == 3.0
    assert last["row_key"] == "md5:" + hashlib.md5(b"cy|2024-01-03").hexdigest()
    assert last["url"] is None and set(out[0]) >= {"line", "reason", "raw", "num_articles", "url"}
    raw = db_arrow(store, str(raw_text(SPEC, "_batch")), _batch=_batch(rows[1:2])).to_pylist()
    assert raw == [{"line": 1, "raw": ",2024-13-01,x,,"}]


def test_a_spec_naming_what_does_not_exist_fails_at_compile() -> None:
    with pytest.raises(KeyError):
        select(d.Decode(fields=(d.Field("a"),), columns=(("url", d.Text("nope")),)), "_b")
    with pytest.raises(ValueError, match="not staging columns"):
        select(d.Decode(fields=(d.Field("a"),), columns=(("nope", d.Text("a")),)), "_b")
    with pytest.raises(ValueError, match="unknown kind"):
        d.Field("a", "money")


@settings(deadline=None, max_examples=50)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30))
def test_literals_and_messages_come_back_verbatim(text: str) -> None:
    spec = d.Decode(
        fields=(d.Field("a"),),
        checks=(d.Check(d.NotNull(d.Raw("a")), text),),
        columns=(("url", d.Lit(text)),),
    )
    with Store.open(":memory:") as s:
        out = db_arrow(s, select(spec, "_b"), _b=pa.table({"line": [1, 2], "reason": pa.nulls(2, pa.string()),
                       "raw": pa.nulls(2, pa.string()), "a": ["x", None]})).to_pylist()  # fmt: skip
    assert [r["url"] for r in out] == [text, text] and [r["reason"] for r in out] == [text, None]
