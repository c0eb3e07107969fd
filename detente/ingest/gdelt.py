"""GDELT event exports: 1.0 (57 columns before April 2013, 58 after) and 2.0 (61 columns).

Actor ids resolve from the actor's CAMEO country code, else its known-group code
(NATO, UN, AU... through the alias table); the place resolves from the FIPS
country code of the action. A repeat is the same date, actor codes, event code
and source URL (GDELT republishes events under new ids).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from detente.core.decode import Coalesce, Expr, Field, Join, Text, TryCast, Typed
from detente.ingest.base import SOURCES
from detente.ingest.delimited import DelimitedLineReader

__all__ = ["Gdelt1Reader", "Gdelt2Reader"]

_COMMON: tuple[Field, ...] = (
    Field("GLOBALEVENTID", index=0),
    Field("SQLDATE", "date:%Y%m%d", 1),
    Field("Actor1Code", index=5),
    Field("Actor1Name", index=6),
    Field("Actor1CountryCode", index=7),
    Field("Actor1KnownGroupCode", index=8),
    Field("Actor1Type1Code", index=12),
    Field("Actor2Code", index=15),
    Field("Actor2Name", index=16),
    Field("Actor2CountryCode", index=17),
    Field("Actor2KnownGroupCode", index=18),
    Field("Actor2Type1Code", index=22),
    Field("EventCode", index=26),
    Field("GoldsteinScale", "float", 30),
    Field("NumMentions", "int", 31),
    Field("NumSources", "int", 32),
    Field("NumArticles", "int", 33),
)


class _GdeltReader(DelimitedLineReader):
    url_field: ClassVar[str] = "SOURCEURL"

    def sniff(self, head: bytes, path: Path) -> bool:
        """A first line of one of ``field_counts`` tab-separated fields, starting with the event id's digits."""
        first = head.split(b"\n", 1)[0]
        return first.count(b"\t") + 1 in self.field_counts and first[:1].isdigit()

    def columns(self) -> tuple[tuple[str, Expr], ...]:
        url = Text(self.url_field)  # NULL on a line without it (GDELT 1.0 before April 2013)
        key = (Text("SQLDATE"), Text("Actor1Code"), Text("Actor2Code"), Text("EventCode"), url)
        return (
            ("row_key", Text("GLOBALEVENTID")),
            # every part kept, empty or not: skipping NULLs would fold (-, USA) into (USA, -)
            ("dedup_src", Join("|", key)),
            ("source_event_id", Text("GLOBALEVENTID")),
            ("date", Typed("SQLDATE")),
            ("source_code", Coalesce((Text("Actor1CountryCode"), Text("Actor1KnownGroupCode")))),
            ("target_code", Coalesce((Text("Actor2CountryCode"), Text("Actor2KnownGroupCode")))),
            ("source_name", Text("Actor1Name")),
            ("target_name", Text("Actor2Name")),
            ("source_sector", Text("Actor1Type1Code")),
            ("target_sector", Text("Actor2Type1Code")),
            ("cameo_code", Text("EventCode")),
            ("goldstein", Typed("GoldsteinScale")),
            ("num_mentions", TryCast(Typed("NumMentions"), "int")),
            ("num_sources", TryCast(Typed("NumSources"), "int")),
            ("num_articles", TryCast(Typed("NumArticles"), "int")),
            ("place", Text("ActionGeo_FullName")),
            ("country_code", Text("ActionGeo_CountryCode")),
            ("latitude", Typed("ActionGeo_Lat")),
            ("longitude", Typed("ActionGeo_Long")),
            ("url", url),
        )


@SOURCES.register("gdelt2")
class Gdelt2Reader(_GdeltReader):
    name = "gdelt2"
    dataset = "gdelt2"
    description = "GDELT 2.0 event export (*.export.CSV, 61 tab-separated columns)"
    field_counts = (61,)
    fields = (
        *_COMMON,
        Field("ActionGeo_FullName", index=52),
        Field("ActionGeo_CountryCode", index=53),
        Field("ActionGeo_Lat", "float", 56),
        Field("ActionGeo_Long", "float", 57),
        Field("DATEADDED", index=59),
        Field("SOURCEURL", index=60),
    )


@SOURCES.register("gdelt1")
class Gdelt1Reader(_GdeltReader):
    name = "gdelt1"
    dataset = "gdelt1"
    description = "GDELT 1.0 event export (57 columns before April 2013, 58 with SOURCEURL after; both may mix)"
    field_counts = (57, 58)
    fields = (
        *_COMMON,
        Field("ActionGeo_FullName", index=50),
        Field("ActionGeo_CountryCode", index=51),
        Field("ActionGeo_Lat", "float", 53),
        Field("ActionGeo_Long", "float", 54),
        Field("DATEADDED", index=56),
        Field("SOURCEURL", index=57),
    )
