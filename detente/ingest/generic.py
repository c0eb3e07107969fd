"""detente's generic CSV event format: a user's own event data (the format is documented in docs/formats.md).

Comma-separated, RFC 4180 quoting, UTF-8 (a byte-order mark is tolerated), one
header line. Required columns: ``date`` (YYYY-MM-DD), ``source``, ``target``,
``cameo``; optional: ``id``, ``source_name``, ``target_name``,
``source_sector``, ``target_sector``, ``goldstein``, ``fatalities``, ``place``,
``country``, ``latitude``, ``longitude``, ``url``, ``text``, ``confidence``.
Other columns are ignored. Header names match case-insensitively.

``source``/``target`` hold an actor code (ISO3, CAMEO, detente id such as NATO)
or a name ("Russia"); the source must not be empty, the target may be (an event
with no target, such as a unilateral declaration). Repeats: rows with an ``id``
are distinct events unless the id repeats; without one, a repeat is the same
date, source, target, code, URL and text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa

from detente.core.decode import (
    Abs,
    And,
    Between,
    Check,
    Cmp,
    Coalesce,
    Concat,
    Decode,
    Field,
    IsNull,
    Join,
    Left,
    Lit,
    Md5,
    Not,
    NotNull,
    Raw,
    Round,
    Text,
    TryCast,
    Typed,
    Upper,
    When,
    unparsed,
)
from detente.errors import IngestError
from detente.ingest.base import SOURCES, Reader
from detente.ingest.records import csv_batches, read_header

__all__ = ["DECODE", "OPTIONAL", "REQUIRED", "CsvReader"]

REQUIRED = ("date", "source", "target", "cameo")
OPTIONAL = (
    "id", "source_name", "target_name", "source_sector", "target_sector", "goldstein", "fatalities", "place",
    "country", "latitude", "longitude", "url", "text", "confidence",
)  # fmt: skip
_NUMBERS = ("goldstein", "fatalities", "latitude", "longitude", "confidence")
_KEY = ("date", "source", "target", "cameo", "url", "text")  # without an id, a repeat has all of these equal
_ALL = Join("\x1f", tuple(Raw(c) for c in (*REQUIRED, *OPTIONAL)))


def _outside(c: str, limit: int) -> Check:
    return Check(Cmp(Abs(Typed(c)), ">", Lit(limit)), f"{c} outside -{limit}..{limit}: ", Raw(c))


_f = Typed("fatalities")
DECODE = Decode(
    fields=(
        Field("date", "date:%Y-%m-%d"),
        *(Field(c, "float" if c in _NUMBERS else "str") for c in (*REQUIRED, *OPTIONAL) if c != "date"),
    ),
    trim=True,
    checks=(
        unparsed("date", "bad date (want YYYY-MM-DD): "),
        Check(IsNull(Text("source")), "missing source"),
        Check(
            And(
                (
                    NotNull(Text("fatalities")),
                    Not(Coalesce((And((Between(_f, Lit(0), Lit(2e9)), Cmp(_f, "=", Round(_f)))), Lit(False)))),
                )
            ),
            "bad integer in fatalities: ",
            Raw("fatalities"),
        ),
        *(unparsed(c, f"bad number in {c}: ") for c in _NUMBERS),
        Check(Not(Between(Typed("confidence"), Lit(0), Lit(1))), "confidence outside 0..1: ", Raw("confidence")),
        _outside("goldstein", 10),
        _outside("latitude", 90),
        _outside("longitude", 180),
    ),
    columns=(
        ("row_key", When(NotNull(Text("id")), Concat((Lit("id:"), Text("id"))), Concat((Lit("md5:"), Md5(_ALL))))),
        ("dedup_src", When(IsNull(Text("id")), Join("|", tuple(Text(c) for c in _KEY)))),
        ("source_event_id", Text("id")),
        ("date", Typed("date")),
        ("source_code", Text("source")),
        ("target_code", Text("target")),
        ("source_name", Coalesce((Text("source_name"), Text("source")))),
        ("target_name", Coalesce((Text("target_name"), Text("target")))),
        ("source_sector", Upper(Text("source_sector"))),
        ("target_sector", Upper(Text("target_sector"))),
        ("cameo_code", Text("cameo")),
        ("goldstein", Typed("goldstein")),
        ("fatalities", TryCast(_f, "int")),  # in range where the row is accepted
        ("place", Text("place")),
        ("country_code", Text("country")),
        ("latitude", Typed("latitude")),
        ("longitude", Typed("longitude")),
        ("url", Text("url")),
        ("evidence", Text("text")),
        ("confidence", Typed("confidence")),
    ),
    raw=Left(Join(",", tuple(Raw(c) for c in (*REQUIRED, *OPTIONAL))), 2000),
)


def _norm(h: str) -> str:
    return h.strip().lower()


@SOURCES.register("csv")
class CsvReader(Reader):
    name = "csv"
    dataset = "csv"
    description = "detente generic event CSV (header: date, source, target, cameo, optional columns; docs/formats.md)"

    def sniff(self, head: bytes, path: Path) -> bool:
        first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
        names = {_norm(h.strip('"')) for h in first.rstrip("\r").split(",")}
        return set(REQUIRED) <= names

    def batches(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[pa.Table]:
        header = {_norm(h) for h in read_header(path, "a detente event CSV")}
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise IngestError(
                f"{path.name} lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.",
                hint="A detente event CSV needs the columns date, source, target and cameo (see docs/formats.md).",
            )
        yield from csv_batches(path, (*REQUIRED, *OPTIONAL), normalise=_norm, progress=progress)

    def decode(self) -> Decode:
        return DECODE
