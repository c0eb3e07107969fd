"""Download GDELT's published event exports and ingest them, with the file's URL as provenance.

GDELT 2.0 publishes one export every 15 minutes,
``{base}/gdeltv2/YYYYMMDDHHMMSS.export.CSV.zip`` (96 a day; some quarter-hours
are missing, so a 404 is skipped with a warning); its ``masterfilelist.txt``
lists every file with its size and MD5 (used with ``masterlist=True``: the exact
files of the day, each checked). GDELT 1.0 publishes one file a day,
``{base}/events/YYYYMMDD.export.CSV.zip`` (daily files start on 2013-04-01).

Each zip is downloaded with :func:`detente.ingest.fetch.download` (retries,
resume), checked, unzipped next to it, ingested by the gdelt2/gdelt1 reader
with ``url=`` the zip's URL, and deleted unless ``keep_zip``. A file already
extracted by an earlier run is ingested again (adding nothing) without being
downloaded again, so an interrupted day can simply be fetched again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from detente.errors import ConfigError, DetenteError, FetchError
from detente.ingest.base import IngestSummary
from detente.ingest.fetch import USER_AGENT, download
from detente.ingest.pipeline import ingest_file
from detente.store.warehouse import Store

__all__ = [
    "DEFAULT_BASE_URL",
    "FetchReport",
    "GdeltFile",
    "check_listed",
    "fetch_gdelt",
    "files_for",
    "parse_masterlist",
    "unzip_export",
]

DEFAULT_BASE_URL = "http://data.gdeltproject.org"
V2_START = dt.date(2015, 2, 18)
V1_DAILY_START = dt.date(2013, 4, 1)


@dataclass(frozen=True)
class GdeltFile:
    url: str
    size: int | None = None
    md5: str | None = None

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass
class FetchReport:
    """What a fetch did: one summary per ingested file, skipped (missing) files and failures."""

    files: int = 0
    summaries: list[IngestSummary] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        keys = ("read", "stored", "duplicates", "quarantined")
        return {
            "files": self.files,
            "ingested": len(self.summaries),
            **{k: sum(getattr(s, k) for s in self.summaries) for k in keys},
            "reconciles": all(s.reconciles for s in self.summaries),
            "missing": self.missing,
            "failed": self.failed,
            "summaries": [s.to_dict() for s in self.summaries],
        }


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def files_for(
    base_url: str, *, day: dt.date | None = None, at: dt.datetime | None = None, version: int = 2
) -> list[GdeltFile]:
    """The export files of a day (96 quarter-hours for 2.0, one for 1.0) or of one quarter-hour (2.0)."""
    base = _base(base_url)
    if version not in (1, 2):
        raise ConfigError(f"GDELT version {version} does not exist.", hint="Pass --version 1 or --version 2.")
    if (day is None) == (at is None):
        raise ConfigError("Say which files to fetch.", hint="Pass --date YYYY-MM-DD, or --at YYYYMMDDHHMM for 2.0.")
    today = dt.datetime.now(dt.UTC).date()
    if version == 1:
        if at is not None:
            raise ConfigError("GDELT 1.0 publishes daily files only.", hint="Use --date YYYY-MM-DD with --version 1.")
        assert day is not None
        if day < V1_DAILY_START or day > today:
            raise ConfigError(
                f"GDELT 1.0 has no daily file for {day}.",
                hint=f"Daily files run from {V1_DAILY_START} to yesterday; earlier years are monthly/yearly archives "
                f"at {base}/events/ (download them and run `detente ingest FILE --format gdelt1`).",
            )
        return [GdeltFile(f"{base}/events/{day:%Y%m%d}.export.CSV.zip")]
    if at is not None:
        if at.minute % 15 or at.second:
            raise ConfigError(
                f"{at:%Y%m%d%H%M} is not a quarter-hour.", hint="GDELT 2.0 files are at :00, :15, :30, :45."
            )
        stamps = [at]
        first = at.date()
    else:
        assert day is not None
        first = day
        start = dt.datetime.combine(day, dt.time())
        stamps = [start + dt.timedelta(minutes=15 * i) for i in range(96)]
    if first < V2_START or first > today:
        raise ConfigError(f"GDELT 2.0 has no files for {first}.", hint=f"GDELT 2.0 runs from {V2_START} to now (UTC).")
    return [GdeltFile(f"{base}/gdeltv2/{s:%Y%m%d%H%M%S}.export.CSV.zip") for s in stamps]


def parse_masterlist(text: str) -> dict[str, GdeltFile]:
    """``masterfilelist.txt`` (lines of ``SIZE MD5 URL``) by file name; malformed lines are skipped."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            f = GdeltFile(parts[2], int(parts[0]), parts[1].lower())
            out[f.name] = f
    return out


def _with_masterlist(
    files: list[GdeltFile], base: str, dest: Path, fetch: Callable[[str, Path], Path]
) -> list[GdeltFile]:
    """The planned files that the master list names, with its sizes and MD5s (the rest do not exist)."""
    listed = parse_masterlist(
        fetch(f"{base}/gdeltv2/masterfilelist.txt", dest / "masterfilelist.txt").read_text("utf-8", "replace")
    )
    return [GdeltFile(f.url, listed[f.name].size, listed[f.name].md5) for f in files if f.name in listed]


def check_listed(path: Path, f: GdeltFile) -> None:
    if f.size is not None and path.stat().st_size != f.size:
        got = path.stat().st_size
        path.unlink()
        raise FetchError(f"{f.name} has {got} bytes, the master list says {f.size}.", hint="Run the command again.")
    if f.md5 is not None:
        h = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != f.md5:
            path.unlink()
            raise FetchError(f"{f.name} does not match its MD5 in the master list.", hint="Run the command again.")


def unzip_export(path: Path, dest: Path) -> Path:
    """The single CSV inside a GDELT zip, extracted into ``dest`` (no member path is trusted)."""
    try:
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise FetchError(f"{path.name} holds {len(members)} files, expected one.", hint="Check the URL.")
            out = dest / Path(members[0].filename).name
            with z.open(members[0]) as src, open(out.with_name(out.name + ".part"), "wb") as dst:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    dst.write(chunk)
            out.with_name(out.name + ".part").replace(out)
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as e:
        raise FetchError(f"{path.name} is not a readable zip file ({e}).", hint="Run the command again.") from None


def _missing(e: FetchError) -> bool:
    """A file the publisher does not have (download() fails at once on these, naming the status)."""
    return "HTTP 404" in e.message or "HTTP 410" in e.message


def _unreachable(e: FetchError) -> bool:
    return "connection error" in e.message or "timed out" in e.message


def _fail(report: FetchReport, f: GdeltFile, e: DetenteError, warn: Callable[[str], None] | None) -> None:
    report.failed.append(f"{f.url}: {e.line()}")
    if warn is not None:
        warn(f"failed {f.name}: {e.line()}")


def fetch_gdelt(
    store: Store,
    dest: Path,
    *,
    day: dt.date | None = None,
    at: dt.datetime | None = None,
    version: int = 2,
    base_url: str = DEFAULT_BASE_URL,
    masterlist: bool = False,
    keep_zip: bool = False,
    retries: int = 5,
    backoff: float = 1.0,
    client: httpx.Client | None = None,
    on_file: Callable[[GdeltFile], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> FetchReport:
    """Download and ingest GDELT exports; a missing file is skipped, a network failure before any success raises.

    ``on_file`` is called after each planned file is handled (for a progress bar); ``warn`` gets one line per
    skipped or failed file.
    """
    files = files_for(base_url, day=day, at=at, version=version)
    if masterlist and version != 2:
        raise ConfigError("--masterlist is for GDELT 2.0.", hint="Drop --masterlist with --version 1.")
    dest = Path(dest).expanduser()
    dest.mkdir(parents=True, exist_ok=True)

    own = client is None
    http = client or httpx.Client(follow_redirects=True, headers={"User-Agent": USER_AGENT})  # one pool for all
    try:
        return _fetch_all(store, files, dest, http, version, base_url, masterlist, keep_zip, retries, backoff,
                          on_file, warn)  # fmt: skip
    finally:
        if own:
            http.close()


def _fetch_all(
    store: Store,
    files: list[GdeltFile],
    dest: Path,
    http: httpx.Client,
    version: int,
    base_url: str,
    masterlist: bool,
    keep_zip: bool,
    retries: int,
    backoff: float,
    on_file: Callable[[GdeltFile], None] | None,
    warn: Callable[[str], None] | None,
) -> FetchReport:
    def get(url: str, to: Path) -> Path:
        return download(url, to, retries=retries, backoff=backoff, client=http)

    if masterlist:
        try:
            files = _with_masterlist(files, _base(base_url), dest, get)
        except FetchError as e:
            raise _offline(e, base_url, version) from None
    report = FetchReport(files=len(files))
    fmt = "gdelt2" if version == 2 else "gdelt1"
    for f in files:
        done = dest / f.name.removesuffix(".zip")
        if done.is_file():  # extracted by an earlier run, after a complete, checked download: ingest, don't fetch
            try:
                report.summaries.append(ingest_file(store, done, fmt, url=f.url))
            except DetenteError as e:
                _fail(report, f, e, warn)
            if on_file is not None:
                on_file(f)
            continue
        try:
            zpath = get(f.url, dest / f.name)
        except FetchError as e:
            if _missing(e):
                report.missing.append(f.url)
                if warn is not None:
                    warn(f"skipped {f.name}: not published (GDELT has gaps)")
            elif _unreachable(e) and not report.summaries and not report.failed:
                raise _offline(e, base_url, version) from None
            else:
                _fail(report, f, e, warn)
        else:
            try:
                check_listed(zpath, f)
                csv_path = unzip_export(zpath, dest)
                if not keep_zip:
                    zpath.unlink()
                report.summaries.append(ingest_file(store, csv_path, fmt, url=f.url))
            except DetenteError as e:
                _fail(report, f, e, warn)
        if on_file is not None:
            on_file(f)
    return report


def _offline(e: FetchError, base_url: str, version: int) -> FetchError:
    where = "gdeltv2/YYYYMMDDHHMMSS.export.CSV.zip" if version == 2 else "events/YYYYMMDD.export.CSV.zip"
    return FetchError(
        f"Cannot download GDELT files from {_base(base_url)}: {e.message}",
        hint=f"Check the network, or fetch {_base(base_url)}/{where} yourself and run "
        f"`detente ingest FILE --format gdelt{version}`, or point --base-url (DETENTE_GDELT_URL) at a mirror.",
    )
