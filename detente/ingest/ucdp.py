"""UCDP Georeferenced Event Dataset (GED; Sundberg & Melander 2013): CSV, or R data (.rda/.RData) via pyreadr.

Every GED event is a day (``date_start``) of organised violence with at least
one death, so it maps to CAMEO's material-conflict codes (:data:`CAMEO_OF_VIOLENCE`):

* ``type_of_violence`` 1, state-based (a government against a rebel group or
  another government), and 2, non-state (organised groups against each other):
  **190** "Use conventional military force, not specified below". GED records
  that armed force was used and people died, not how (no weapon or tactic is
  coded), so no more specific 19x code (193 small arms, 194 artillery and tanks,
  195 aerial weapons) can be chosen; 190 is CAMEO's code for exactly that.
* 3, one-sided (an organised actor killing civilians): **180** "Use
  unconventional violence, not specified below". CAMEO files violence against
  civilians that is not combat under root 18 (ASSAULT); 1823 "Kill by physical
  assault" implies a manner of killing GED does not record, and 202 "Engage in
  mass killings" would overstate the many events with one or two deaths.

Goldstein comes from the CAMEO codebook (-10 for 190, -9 for 180);
``fatalities`` is GED's ``best`` estimate.

Actors. A government side (``gwnoa``/``gwnob``, Gleditsch–Ward codes) is its
state, resolved to detente's id as of the event date, with sector MIL (the
government's armed forces do the fighting). A non-state side has no code: it is
placed in the state where the event happened (``country_id``) with sector REB
(armed group) or CVL ("Civilians", the target of one-sided violence), as CAMEO
and GDELT code domestic actors (e.g. AGOREB); its UCDP name (UNITA, Taleban)
stays in ``source_name``/``target_name``. Where ``gwnoa`` lists several states
(a coalition, "2, 200") the first is the actor.

Each GED ``id`` is one event; GED has no repeats, so only a repeated ``id`` is
folded. The .rda form is read whole by pyreadr (R's serialisation cannot be
streamed) and then handled in batches; the CSV form streams in bounded memory,
with ``line`` the record number (header = record 1).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from detente.core.decode import (
    And,
    Cast,
    Check,
    Cmp,
    Coalesce,
    Decode,
    Field,
    IsNull,
    Join,
    Left,
    Lit,
    NotNull,
    Or,
    Raw,
    Round,
    Text,
    TryCast,
    Typed,
    When,
    unparsed,
)
from detente.errors import IngestError
from detente.ingest.base import SOURCES, Reader
from detente.ingest.records import BATCH_ROWS, csv_batches, read_header
from detente.reference import actor_registry

__all__ = ["CAMEO_OF_VIOLENCE", "COLUMNS", "DECODE", "REQUIRED", "UcdpGedReader"]

CAMEO_OF_VIOLENCE = {"1": "190", "2": "190", "3": "180"}
REQUIRED = ("id", "date_start", "type_of_violence", "side_a", "side_b", "best")
COLUMNS = (
    *REQUIRED, "gwnoa", "gwnob", "country", "country_id", "latitude", "longitude", "where_coordinates", "adm_1",
    "source_headline", "source_article", "number_of_sources",
)  # fmt: skip
_INTEGERS = ("id", "type_of_violence", "gwnoa", "gwnob", "country_id", "best", "number_of_sources")
_RDA_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"RDX", b"RDA")
_RESOLVED = ("_src", "_tgt", "_src_sector", "_tgt_sector", "_where", "_cameo")  # added by _resolve
_KINDS = {"date_start": "date:%Y-%m-%d", "best": "float", "latitude": "float", "longitude": "float"}
_best = Typed("best")

# Fields are canonical text already (_canon: no empty strings), so Text is the value as read.
DECODE = Decode(
    fields=tuple(Field(c, _KINDS.get(c, "str")) for c in (*COLUMNS, *_RESOLVED)),
    checks=(
        Check(IsNull(Text("id")), "missing id"),
        Check(
            And((NotNull(Text("date_start")), IsNull(Typed("date_start")))),
            "bad date in date_start: ",
            Raw("date_start"),
        ),
        Check(IsNull(Text("_cameo")), "unknown type_of_violence: ", Raw("type_of_violence")),
        Check(
            And(
                (
                    NotNull(Text("best")),
                    Or(
                        (
                            IsNull(_best),
                            Cmp(_best, "<", Lit(0)),
                            Cmp(_best, ">", Lit(2e9)),
                            Cmp(_best, "<>", Round(_best)),
                        )
                    ),
                )
            ),
            "bad number in best: ",
            Raw("best"),
        ),
        *(unparsed(c, f"bad number in {c}: ") for c in ("latitude", "longitude")),
    ),
    columns=(
        ("row_key", Text("id")),
        ("source_event_id", Text("id")),
        ("date", Typed("date_start")),
        ("source_code", Text("_src")),
        ("target_code", Text("_tgt")),
        ("source_name", Text("side_a")),
        ("target_name", Text("side_b")),
        ("source_sector", Text("_src_sector")),
        ("target_sector", Text("_tgt_sector")),
        ("cameo_code", Text("_cameo")),
        ("fatalities", TryCast(_best, "int")),  # in range where the row is accepted
        (
            "num_sources",
            Cast(When(Cmp(TryCast(Text("number_of_sources"), "int"), ">", Lit(0)), Text("number_of_sources")), "int"),
        ),
        ("place", Coalesce((Text("where_coordinates"), Text("adm_1")))),
        ("country_code", Coalesce((Text("_where"), Text("country")))),
        ("latitude", Typed("latitude")),
        ("longitude", Typed("longitude")),
        ("evidence", Coalesce((Text("source_headline"), Text("source_article")))),
    ),
    raw=Left(Join(",", tuple(Raw(c) for c in COLUMNS)), 2000),
)


def _integral(value: str | None) -> str | None:
    """'300380.0' -> '300380' (pandas writes integer columns with gaps as floats); other text unchanged."""
    if value is None:
        return None
    try:
        x = float(value)
    except ValueError:
        return value
    return str(int(x)) if math.isfinite(x) and x == int(x) else value


def _first_code(value: str | None) -> int | None:
    """The first Gleditsch–Ward code of a field ('652', '652.0', '2, 200')."""
    if not value:
        return None
    try:
        return int(float(value.split(",")[0]))
    except ValueError:
        return None


@cache
def _state(gw: int, day: dt.date | None) -> str | None:
    return actor_registry().by_gw(gw, on=day)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _side(gw: int | None, name: str | None, where: int | None, day: dt.date | None) -> tuple[str | None, str]:
    """(actor id, sector) of one side of an event."""
    if gw is not None:
        return _state(gw, day), "MIL"
    sector = "CVL" if (name or "").strip().lower() == "civilians" else "REB"
    return (_state(where, day) if where is not None else None), sector


def _resolve(t: pa.Table) -> pa.Table:
    """Add the Python-resolved columns: actor ids from GW codes as of the event date, sectors, CAMEO code."""
    cols = {c: t[c].to_pylist() for c in ("date_start", "gwnoa", "gwnob", "side_a", "side_b", "country_id")}
    cols["type_of_violence"] = t["type_of_violence"].to_pylist()
    out: dict[str, list[str | None]] = {k: [] for k in ("src", "tgt", "src_sector", "tgt_sector", "where", "cameo")}
    for i in range(t.num_rows):
        day = _day(cols["date_start"][i])
        where = _first_code(cols["country_id"][i])
        src, ss = _side(_first_code(cols["gwnoa"][i]), cols["side_a"][i], where, day)
        tgt, ts = _side(_first_code(cols["gwnob"][i]), cols["side_b"][i], where, day)
        out["src"].append(src)
        out["tgt"].append(tgt)
        out["src_sector"].append(ss)
        out["tgt_sector"].append(ts)
        out["where"].append(_state(where, day) if where is not None else None)
        out["cameo"].append(CAMEO_OF_VIOLENCE.get(cols["type_of_violence"][i] or ""))
    for k, v in out.items():
        t = t.append_column(f"_{k}", pa.array(v, pa.string()))
    return t


def _canon(t: pa.Table) -> pa.Table:
    """Same text for the same value whichever form it came from: integral numbers without '.0', dates as days."""
    cols = {}
    for name in t.column_names:
        values = t[name].to_pylist()
        if name in COLUMNS:
            values = [None if v is None or v == "" else v for v in values]
            if name in _INTEGERS:
                values = [_integral(v) for v in values]
            elif name == "date_start":
                values = [None if v is None else v[:10] for v in values]
        cols[name] = pa.array(values, t.schema.field(name).type)
    return pa.table(cols)


def _rda_text(value: Any, missing: tuple[Any, ...] = ()) -> str | None:
    """A value of an R data frame as text; ``missing``: pandas' NaT and NA (pandas is imported only to read R data,
    not with every reader)."""
    if value is None or any(value is m for m in missing):
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value == int(value) else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


@SOURCES.register("ucdp-ged")
class UcdpGedReader(Reader):
    name = "ucdp-ged"
    dataset = "ucdp-ged"
    description = "UCDP Georeferenced Event Dataset (GED) as CSV or R data (.rda/.RData)"

    def sniff(self, head: bytes, path: Path) -> bool:
        if path.suffix.lower() in (".rda", ".rdata"):
            return head.startswith(_RDA_MAGIC)
        first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        names = {h.strip(b'" \r').lower() for h in first.split(b",")}
        return {b"id", b"type_of_violence", b"date_start", b"side_a"} <= names

    def batches(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[pa.Table]:
        if path.suffix.lower() in (".rda", ".rdata"):
            batches = self._rda(path, progress)
        else:
            header = [h.strip().lower() for h in read_header(path, "a UCDP GED CSV file")]
            _require(path, header)
            batches = csv_batches(path, COLUMNS, normalise=lambda h: h.strip().lower(), progress=progress)
        for b in batches:
            yield _resolve(_canon(b))

    def _rda(self, path: Path, progress: Callable[[int], None] | None) -> Iterator[pa.Table]:
        import pandas as pd
        import pyreadr

        missing = (pd.NaT, pd.NA)
        try:
            frames = pyreadr.read_r(str(path))
        except Exception as e:  # pyreadr raises its own errors and others on corrupt input
            raise IngestError(
                f"Cannot read {path.name} as R data: {str(e).splitlines()[0] if str(e) else type(e).__name__}.",
                hint="Check the file is an .rda/.RData file saved by R (or use the UCDP GED CSV).",
            ) from None
        if progress is not None:
            progress(path.stat().st_size)
        frame = next((f for f in frames.values() if set(REQUIRED) <= {c.lower() for c in f.columns}), None)
        if frame is None:
            first = next(iter(frames.values()), None)
            _require(path, [] if first is None else [c.lower() for c in first.columns])
            return
        frame.columns = [c.lower() for c in frame.columns]
        n = len(frame)
        for start in range(0, n, BATCH_ROWS):
            part = frame.iloc[start : start + BATCH_ROWS]
            cols: dict[str, pa.Array] = {
                "line": pa.array(range(start + 1, start + len(part) + 1), pa.int64()),  # row number in the frame
                "reason": pa.nulls(len(part), pa.string()),
                "raw": pa.nulls(len(part), pa.string()),
            }
            for c in COLUMNS:
                values = part[c].tolist() if c in part.columns else [None] * len(part)
                cols[c] = pa.array([_rda_text(v, missing) for v in values], pa.string())
            yield pa.table(cols)

    def decode(self) -> Decode:
        return DECODE


def _require(path: Path, header: Sequence[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IngestError(
            f"{path.name} is not a UCDP GED file: it lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}.",
            hint="Use the GED event file (GEDEvent_v*.csv or ged*.rda) from ucdp.uu.se, or pass another --format.",
        )
