"""Small synthetic event files in each reader's format, for unit, bad-input and property tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from detente.ingest.base import IngestSummary
from detente.ingest.icews import HEADER as ICEWS_HEADER
from detente.ingest.pipeline import ingest_file
from detente.ingest.ucdp import COLUMNS as UCDP_COLUMNS
from detente.store import Store
from tests.direct import db_sql

# One GDELT 2.0 row (61 columns) from the real 2019-10-24 14:30 export, used to build GDELT 1.0 rows.
GDELT2_ROW = (  # noqa: SIM905  (a real line, kept as one)
    "881990833\t20181024\t201810\t2018\t2018.8055\t\t\t\t\t\t\t\t\t\t\tIGOEUREEC\tTHE EU\tEUR\tEEC\t\t\t\tIGO\t\t\t0\t"
    "040\t040\t04\t1\t1.0\t10\t1\t10\t0.63492063492064\t0\t\t\t\t\t\t\t\t4\tMinsk, Belarus (general), Belarus\tBO\t"
    "BO00\t5840\t53.9\t27.5667\t-1946324\t4\tMinsk, Belarus (general), Belarus\tBO\tBO00\t5840\t53.9\t27.5667\t"
    "-1946324\t20191024143000\thttps://belsat.eu/en/news/10-years-of-belarus/"
).split("\t")
GDELT2_ONLY = (39, 47, 55)  # Actor1Geo_ADM2Code, Actor2Geo_ADM2Code, ActionGeo_ADM2Code


def gdelt1_fields(v2: list[str], with_url: bool = True) -> list[str]:
    """A GDELT 1.0 row from a 2.0 row: drop the ADM2 codes (58 columns), DATEADDED as YYYYMMDD, no URL for 57."""
    out = [x for i, x in enumerate(v2) if i not in GDELT2_ONLY]
    out[56] = out[56][:8]
    return out if with_url else out[:57]


def tab(rows: list[list[str]]) -> bytes:
    return b"".join(("\t".join(r) + "\n").encode() for r in rows)


def comma(rows: list[list[str]], terminator: str = "\n") -> bytes:
    """RFC 4180 CSV; with the default CRLF terminator, Python's writer also quotes fields holding a bare CR."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator=terminator).writerows(rows)
    return buf.getvalue().encode()


@dataclass(frozen=True)
class Spec:
    """How to write a valid row of one format, and where its date, code and a free-text field live."""

    fmt: str
    header: list[str] | None
    date_col: int
    code_col: int
    text_col: int
    id_col: int
    bad_code: str
    bad_code_reason: str
    quoted: bool

    def row(self, i: int, *, date: str | None = None, code: str | None = None, text: str | None = None) -> list[str]:
        r = list(self._base())
        r[self.id_col] = str(1000 + i)
        if self.fmt == "gdelt1":  # a distinct source URL: not a repeat of the other rows
            r[57] = f"{r[57]}?n={i}"
        elif self.fmt == "icews":  # a distinct story
            r[11] = str(47400351 + i)
        if date is not None:
            r[self.date_col] = date
        if code is not None:
            r[self.code_col] = code
        if text is not None:
            r[self.text_col] = text
        return r

    def _base(self) -> list[str]:
        if self.fmt == "gdelt1":
            return gdelt1_fields(GDELT2_ROW)
        if self.fmt == "icews":
            return [
                "1", "2018-06-01", "Foreign Affairs (Bangladesh)", "Executive,Foreign Ministry,Government",
                "Bangladesh", "Consult", "040", "1", "High Ranking Military Personnel (Vietnam)",
                "Military,Government", "Vietnam", "47400351", "2", "Vietnam News Agency Bulletin", "Hanoi", "NA",
                "Thanh Pho Ha Noi", "Vietnam", "21.0245", "105.841",
            ]  # fmt: skip
        if self.fmt == "csv":
            return ["2020-01-02", "USA", "RUS", "042", "1", "A visit"]
        values = {
            "id": "1", "date_start": "2013-01-03", "type_of_violence": "1", "side_a": "Government of Syria",
            "side_b": "Syrian insurgents", "best": "2", "gwnoa": "652", "gwnob": "", "country": "Syria",
            "country_id": "652", "latitude": "35.76", "longitude": "36.55", "where_coordinates": "Rami village",
            "adm_1": "Idlib governorate", "source_headline": "A headline", "source_article": "",
            "number_of_sources": "2",
        }  # fmt: skip
        return [values[c] for c in UCDP_COLUMNS]

    def encode(self, rows: list[list[str]], header: bool = True) -> bytes:
        body = comma(rows) if self.quoted else tab(rows)
        if header and self.header is not None:
            head = comma([self.header]) if self.quoted else tab([self.header])
            return head + body
        return body

    @property
    def first_line(self) -> int:
        """Line (record) number of the first data row."""
        return 2 if self.header is not None else 1


SPECS = {
    "gdelt1": Spec("gdelt1", None, 1, 26, 6, 0, "999", "unknown CAMEO code", quoted=False),
    "icews": Spec("icews", list(ICEWS_HEADER), 1, 6, 5, 0, "999", "unknown CAMEO code", quoted=False),
    "csv": Spec(
        "csv", ["date", "source", "target", "cameo", "id", "text"], 0, 3, 5, 4, "999", "unknown CAMEO code", True
    ),
    "ucdp-ged": Spec("ucdp-ged", list(UCDP_COLUMNS), 1, 2, 3, 0, "7", "unknown type_of_violence", quoted=True),
}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def ingest(store: Store, path: Path, fmt: str = "auto", **kw: object) -> IngestSummary:
    s = ingest_file(store, path, fmt, **kw)  # type: ignore[arg-type]
    assert s.reconciles, s
    return s


def quarantined(store: Store, file_id: int) -> list[tuple[int, str]]:
    return [
        (int(line), str(reason))
        for line, reason in db_sql(
            store, "SELECT line, reason FROM quarantine WHERE file_id = ? ORDER BY line", [file_id]
        ).fetchall()
    ]
