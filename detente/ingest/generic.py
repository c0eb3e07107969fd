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

from detente.errors import IngestError
from detente.ingest.base import SOURCES, Reader
from detente.ingest.records import csv_batches, read_header

__all__ = ["OPTIONAL", "REQUIRED", "CsvReader"]

REQUIRED = ("date", "source", "target", "cameo")
OPTIONAL = (
    "id", "source_name", "target_name", "source_sector", "target_sector", "goldstein", "fatalities", "place",
    "country", "latitude", "longitude", "url", "text", "confidence",
)  # fmt: skip
_NUMBERS = ("goldstein", "fatalities", "latitude", "longitude", "confidence")
_KEY = ("date", "source", "target", "cameo", "url", "text")  # without an id, a repeat has all of these equal
_ALL = ", ".join(f"coalesce(\"{c}\", '')" for c in (*REQUIRED, *OPTIONAL))


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

    def raw_text_sql(self, rel: str) -> str:
        return f"SELECT line, left(concat_ws(',', {_ALL}), 2000) AS raw FROM {rel}"

    def select_sql(self, rel: str) -> str:
        def v(c: str) -> str:
            return f"nullif(trim(\"{c}\"), '')"

        checks = "\n".join(
            f"WHEN {v(c)} IS NOT NULL AND TRY_CAST({v(c)} AS DOUBLE) IS NULL "
            f"THEN 'bad number in {c}: ' || left({v(c)}, 40)"
            for c in _NUMBERS
        )
        return f"""
        WITH t AS (SELECT *, CAST(try_strptime({v("date")}, '%Y-%m-%d') AS DATE) AS d FROM {rel})
        SELECT line,
            CASE
                WHEN reason IS NOT NULL THEN reason
                WHEN {v("date")} IS NOT NULL AND d IS NULL THEN 'bad date (want YYYY-MM-DD): ' || left("date", 40)
                WHEN {v("source")} IS NULL THEN 'missing source'
                WHEN {v("fatalities")} IS NOT NULL AND NOT coalesce(
                        TRY_CAST({v("fatalities")} AS DOUBLE) BETWEEN 0 AND 2e9
                        AND TRY_CAST({v("fatalities")} AS DOUBLE) = round(TRY_CAST({v("fatalities")} AS DOUBLE)), false)
                    THEN 'bad integer in fatalities: ' || left("fatalities", 40)
                {checks}
                WHEN TRY_CAST({v("confidence")} AS DOUBLE) NOT BETWEEN 0 AND 1
                    THEN 'confidence outside 0..1: ' || left("confidence", 40)
                WHEN abs(TRY_CAST({v("goldstein")} AS DOUBLE)) > 10
                    THEN 'goldstein outside -10..10: ' || left("goldstein", 40)
                WHEN abs(TRY_CAST({v("latitude")} AS DOUBLE)) > 90
                    THEN 'latitude outside -90..90: ' || left("latitude", 40)
                WHEN abs(TRY_CAST({v("longitude")} AS DOUBLE)) > 180
                    THEN 'longitude outside -180..180: ' || left("longitude", 40)
            END AS reason,
            raw,
            CASE WHEN {v("id")} IS NOT NULL THEN 'id:' || {v("id")}
                 ELSE 'md5:' || md5(concat_ws(chr(31), {_ALL})) END AS row_key,
            CASE WHEN {v("id")} IS NULL
                THEN concat_ws('|', {", ".join(f"coalesce({v(c)}, '')" for c in _KEY)})
            END AS dedup_src,
            {v("id")} AS source_event_id,
            d AS date,
            {v("source")} AS source_code,
            {v("target")} AS target_code,
            coalesce({v("source_name")}, {v("source")}) AS source_name,
            coalesce({v("target_name")}, {v("target")}) AS target_name,
            upper({v("source_sector")}) AS source_sector,
            upper({v("target_sector")}) AS target_sector,
            {v("cameo")} AS cameo_code,
            TRY_CAST({v("goldstein")} AS DOUBLE) AS goldstein,
            CAST(TRY_CAST({v("fatalities")} AS DOUBLE) AS INTEGER) AS fatalities,
            CAST(NULL AS INTEGER) AS num_mentions,
            CAST(NULL AS INTEGER) AS num_sources,
            CAST(NULL AS INTEGER) AS num_articles,
            {v("place")} AS place,
            {v("country")} AS country_code,
            TRY_CAST({v("latitude")} AS DOUBLE) AS latitude,
            TRY_CAST({v("longitude")} AS DOUBLE) AS longitude,
            {v("url")} AS url,
            {v("text")} AS evidence,
            TRY_CAST({v("confidence")} AS DOUBLE) AS confidence
        FROM t
        """
