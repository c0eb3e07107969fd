"""ICEWS coded event data: tab-separated files with a header line (Boschee et al., Harvard Dataverse).

Actors. ICEWS names an actor ("Foreign Affairs (Bangladesh)", "James Mattis")
and gives its country ("Bangladesh") and sectors ("Executive,Foreign
Ministry,Government"). detente's actor is the *country* when ICEWS gives one
(resolved by name through the alias table), with the sector mapped from the
sector list by :data:`SECTORS`; without a country (the UN, the EU, "Al Qaeda")
the actor is ICEWS's own name, resolved by name where detente knows it. The
resolved-by name goes to ``source_name``/``target_name``; ICEWS's own actor
names are kept in ``evidence`` as "source | event text | target".

Repeats. ICEWS codes every sentence of every story, so one report of an event
that mentions it twice yields two rows. A repeat is the same date, actor names,
CAMEO code and story (``Story ID``): the analogue of GDELT's same-URL rule.
Rows from different stories (another publisher, a follow-up report) stay
distinct events, as in the published data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa

from detente.core.decode import Coalesce, Expr, Field, Join, ListMatch, NullIfEmpty, Text, Typed
from detente.errors import IngestError
from detente.ingest.base import SOURCES
from detente.ingest.delimited import DelimitedLineReader

__all__ = ["HEADER", "SECTORS", "IcewsReader", "sector"]

HEADER: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip

# ICEWS sector names -> CAMEO actor-type codes, in priority order: an actor with several sectors takes the
# first code whose names it has ("Government,Military" -> MIL; "Government,Legislative / Parliamentary" -> LEG).
# The defence ministry counts as military: for military diplomacy, defence ministers' contacts are military
# contacts. Sector names ending in " IGOs" or " NGOs" map to IGO / NGO as well.
SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("MIL", ("Military", "Army", "Navy", "Air Force", "Marines", "Military Intelligence",
             "Defense / Security Ministry", "Paramilitary", "Special Forces", "Military Personnel")),
    ("COP", ("Police", "Police Forces", "Border Guard", "Coast Guard")),
    ("SPY", ("Intelligence", "Intelligence Ministry", "Secret Police")),
    ("INS", ("Insurgents", "International Insurgents")),
    ("REB", ("Rebels", "Separatists", "International Rebels")),
    ("JUD", ("Judicial", "Legal", "Courts")),
    ("LEG", ("Legislative / Parliamentary", "Lower House", "Upper House", "Unicameral", "Parliament")),
    ("GOV", ("Government", "Executive", "Executive Office", "Cabinet", "Foreign Ministry", "Interior / Home Ministry",
             "Finance / Economy / Commerce / Trade Ministry", "Local", "Provincial", "Municipal")),
    ("IGO", ("International Government Organization",)),
    ("NGO", ("Nongovernmental Organizations / Activists", "Nongovernmental Organization (International)")),
    ("OPP", ("Dissident", "Protestors / Popular Opposition / Mobs", "Opposition Major Party (Out Of Government)",
             "International Dissident")),
    ("RAD", ("Radicals / Extremists / Fundamentalists", "International Radicals / Extremists / Fundamentalists")),
    ("CRM", ("Criminals / Gangs", "Organized Crime")),
    ("UAF", ("Unidentified Forces",)),
    ("MED", ("Media", "News", "Print News", "Television", "Radio")),
    ("BUS", ("Business", "Multinational Corporation")),
    ("REF", ("Refugees", "Displaced")),
    ("CVL", ("General Population / Civilian / Social", "Civilian")),
)  # fmt: skip

_KEY = ("Event Date", "Source Name", "Target Name", "CAMEO Code", "Story ID")  # a repeat: all of these equal
_SUFFIX = (("IGO", "% IGOs"), ("NGO", "% NGOs"))


def sector(field: str) -> ListMatch:
    """An ICEWS comma-separated sector list mapped to one CAMEO code (NULL when none applies)."""
    suffix = dict(_SUFFIX)
    return ListMatch(
        Text(field), tuple((code, names, (suffix[code],) if code in suffix else ()) for code, names in SECTORS)
    )


@SOURCES.register("icews")
class IcewsReader(DelimitedLineReader):
    name = "icews"
    dataset = "icews"
    description = "ICEWS coded event data (tab-separated, 20 columns, header line required)"
    header: ClassVar[bool] = True
    na: ClassVar[str | None] = "NA"  # ICEWS writes a missing value as NA
    field_counts = (20,)
    fields: ClassVar[tuple[Field, ...]] = tuple(
        Field(n, "date:%Y-%m-%d" if n == "Event Date" else "float" if n in ("Intensity", "Latitude", "Longitude")
              else "str", i)
        for i, n in enumerate(HEADER)
    )  # fmt: skip

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(b"Event ID\tEvent Date")

    def batches(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[pa.Table]:
        check_header(path)
        yield from super().batches(path, progress)

    def columns(self) -> tuple[tuple[str, Expr], ...]:
        return (
            ("row_key", Text("Event ID")),
            ("dedup_src", Join("|", tuple(Text(c) for c in _KEY))),
            ("source_event_id", Text("Event ID")),
            ("date", Typed("Event Date")),
            ("source_name", Coalesce((Text("Source Country"), Text("Source Name")))),
            ("target_name", Coalesce((Text("Target Country"), Text("Target Name")))),
            ("source_sector", sector("Source Sectors")),
            ("target_sector", sector("Target Sectors")),
            ("cameo_code", Text("CAMEO Code")),
            ("goldstein", Typed("Intensity")),
            ("place", NullIfEmpty(Join(", ", (Text("City"), Text("Province")), skip_nulls=True))),
            ("country_code", Text("Country")),
            ("latitude", Typed("Latitude")),
            ("longitude", Typed("Longitude")),
            ("evidence", Join(" | ", (Text("Source Name"), Text("Event Text"), Text("Target Name")), skip_nulls=True)),
        )


def check_header(path: Path) -> None:
    """The ICEWS header line, or one clear error naming the first column that differs."""
    with open(path, "rb") as fh:
        first = fh.readline(64 * 1024)
    text = first.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n").decode("utf-8", "replace")
    got = text.split("\t")
    if tuple(got) == HEADER:
        return
    if not text.strip():
        raise IngestError(f"{path.name} has no ICEWS header line.", hint="The first line must name the 20 columns.")
    for i, want in enumerate(HEADER):
        have = got[i] if i < len(got) else None
        if have != want:
            shown = "nothing" if have is None else repr(have[:40])
            raise IngestError(
                f"{path.name} is not an ICEWS event file: header column {i + 1} is {shown}, expected {want!r}.",
                hint="ICEWS files start with the line 'Event ID<TAB>Event Date<TAB>...'; pass --format for another "
                "format.",
            )
    raise IngestError(
        f"{path.name} is not an ICEWS event file: its header has {len(got)} columns, expected {len(HEADER)}.",
        hint="Check the file is an unmodified ICEWS events file.",
    )
