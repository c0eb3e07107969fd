"""GDELT event exports: 1.0 (57 columns before April 2013, 58 after) and 2.0 (61 columns).

Actor ids resolve from the actor's CAMEO country code, else its known-group code
(NATO, UN, AU... through the alias table); the place resolves from the FIPS
country code of the action. A repeat is the same date, actor codes, event code
and source URL (GDELT republishes events under new ids).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from detente.ingest.base import SOURCES
from detente.ingest.delimited import DelimitedLineReader, Field

__all__ = ["Gdelt1Reader", "Gdelt2Reader"]

_COMMON: tuple[Field, ...] = (
    ("GLOBALEVENTID", 0, "str"),
    ("SQLDATE", 1, "date:%Y%m%d"),
    ("Actor1Code", 5, "str"),
    ("Actor1Name", 6, "str"),
    ("Actor1CountryCode", 7, "str"),
    ("Actor1KnownGroupCode", 8, "str"),
    ("Actor1Type1Code", 12, "str"),
    ("Actor2Code", 15, "str"),
    ("Actor2Name", 16, "str"),
    ("Actor2CountryCode", 17, "str"),
    ("Actor2KnownGroupCode", 18, "str"),
    ("Actor2Type1Code", 22, "str"),
    ("EventCode", 26, "str"),
    ("GoldsteinScale", 30, "float"),
    ("NumMentions", 31, "int"),
    ("NumSources", 32, "int"),
    ("NumArticles", 33, "int"),
)


class _GdeltReader(DelimitedLineReader):
    url_field: ClassVar[str] = "SOURCEURL"

    def sniff(self, head: bytes, path: Path) -> bool:
        """A first line of one of ``field_counts`` tab-separated fields, starting with the event id's digits."""
        first = head.split(b"\n", 1)[0]
        return first.count(b"\t") + 1 in self.field_counts and first[:1].isdigit()

    def row_sql(self) -> str:
        f, t = self.f, self.typed
        url = f"CASE WHEN nfields = {max(self.field_counts)} THEN {f(self.url_field)} END"
        key = [f("SQLDATE"), f("Actor1Code"), f("Actor2Code"), f("EventCode"), url]
        return f"""
            {f("GLOBALEVENTID")} AS row_key,
            -- every part kept, empty or not: concat_ws skips NULLs, which would fold (-, USA) into (USA, -)
            concat_ws('|', {", ".join(f"coalesce({x}, '')" for x in key)}) AS dedup_src,
            {f("GLOBALEVENTID")} AS source_event_id,
            {t("SQLDATE")} AS date,
            coalesce({f("Actor1CountryCode")}, {f("Actor1KnownGroupCode")}) AS source_code,
            coalesce({f("Actor2CountryCode")}, {f("Actor2KnownGroupCode")}) AS target_code,
            {f("Actor1Name")} AS source_name,
            {f("Actor2Name")} AS target_name,
            {f("Actor1Type1Code")} AS source_sector,
            {f("Actor2Type1Code")} AS target_sector,
            {f("EventCode")} AS cameo_code,
            {t("GoldsteinScale")} AS goldstein,
            CAST(NULL AS INTEGER) AS fatalities,
            CAST({t("NumMentions")} AS INTEGER) AS num_mentions,
            CAST({t("NumSources")} AS INTEGER) AS num_sources,
            CAST({t("NumArticles")} AS INTEGER) AS num_articles,
            {f("ActionGeo_FullName")} AS place,
            {f("ActionGeo_CountryCode")} AS country_code,
            {t("ActionGeo_Lat")} AS latitude,
            {t("ActionGeo_Long")} AS longitude,
            {url} AS url,
            CAST(NULL AS VARCHAR) AS evidence,
            CAST(NULL AS DOUBLE) AS confidence
        """


@SOURCES.register("gdelt2")
class Gdelt2Reader(_GdeltReader):
    name = "gdelt2"
    dataset = "gdelt2"
    description = "GDELT 2.0 event export (*.export.CSV, 61 tab-separated columns)"
    field_counts = (61,)
    fields = (
        *_COMMON,
        ("ActionGeo_FullName", 52, "str"),
        ("ActionGeo_CountryCode", 53, "str"),
        ("ActionGeo_Lat", 56, "float"),
        ("ActionGeo_Long", 57, "float"),
        ("DATEADDED", 59, "str"),
        ("SOURCEURL", 60, "str"),
    )


@SOURCES.register("gdelt1")
class Gdelt1Reader(_GdeltReader):
    name = "gdelt1"
    dataset = "gdelt1"
    description = "GDELT 1.0 event export (57 columns before April 2013, 58 with SOURCEURL after; both may mix)"
    field_counts = (57, 58)
    fields = (
        *_COMMON,
        ("ActionGeo_FullName", 50, "str"),
        ("ActionGeo_CountryCode", 51, "str"),
        ("ActionGeo_Lat", 53, "float"),
        ("ActionGeo_Long", 54, "float"),
        ("DATEADDED", 56, "str"),
        ("SOURCEURL", 57, "str"),
    )
