"""`detente fetch gdelt` against a local HTTP server serving zips built from the real GDELT sample."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import ConfigError, FetchError
from detente.ingest.gdelt_fetch import fetch_gdelt, files_for, parse_masterlist
from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import GDELT2_ROW, gdelt1_fields, tab
from tests.reference.httpserver import LocalServer

AT = dt.datetime(2019, 10, 24, 14, 30)
NAME = "20191024143000.export.CSV.zip"


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def export(shared_data: Path) -> bytes:
    return _zip("20191024143000.export.CSV", (shared_data / "events/gdelt2/20191024143000.export.CSV").read_bytes())


@pytest.fixture()
def server(export: bytes) -> Iterator[LocalServer]:
    with LocalServer({f"/gdeltv2/{NAME}": export}) as srv:
        yield srv


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.shared
def test_one_quarter_hour_is_downloaded_and_ingested_with_its_url(
    store: Store, server: LocalServer, tmp_path: Path
) -> None:
    r = fetch_gdelt(store, tmp_path, at=AT, base_url=server.url, backoff=0)
    [s] = r.summaries
    assert (s.dataset, s.read, s.stored, s.duplicates, s.quarantined) == ("gdelt2", 2111, 1648, 463, 0)
    url = f"{server.url}/gdeltv2/{NAME}"
    assert db_sql(store, "SELECT url, name FROM files").fetchall() == [(url, "20191024143000.export.CSV")]
    assert (tmp_path / "20191024143000.export.CSV").is_file() and not (tmp_path / NAME).exists()
    asked = len(server.script.requests)
    again = fetch_gdelt(store, tmp_path, at=AT, base_url=server.url, backoff=0)
    assert again.summaries[0].stored == 0 and len(server.script.requests) == asked  # not downloaded again


@pytest.mark.shared
def test_dropped_connection_resumes_and_zip_can_be_kept(store: Store, server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["drop:5000"]
    r = fetch_gdelt(store, tmp_path, at=AT, base_url=server.url, backoff=0, keep_zip=True)
    assert r.summaries[0].stored == 1648 and (tmp_path / NAME).is_file()
    assert [q["range"] for q in server.script.requests] == [None, "bytes=5000-"]


@pytest.mark.shared
def test_a_day_skips_missing_quarter_hours(store: Store, server: LocalServer, tmp_path: Path) -> None:
    warnings: list[str] = []
    done: list[str] = []
    r = fetch_gdelt(
        store, tmp_path, day=AT.date(), base_url=server.url, backoff=0, warn=warnings.append,
        on_file=lambda f: done.append(f.name),
    )  # fmt: skip
    assert (r.files, len(r.summaries), len(r.missing), r.failed) == (96, 1, 95, [])
    assert (
        len(done) == 96 and done[0] == "20191024000000.export.CSV.zip" and done[-1] == "20191024234500.export.CSV.zip"
    )
    assert len(warnings) == 95 and "not published" in warnings[0]
    assert r.to_dict()["stored"] == 1648


@pytest.mark.shared
def test_server_failing_twice_then_succeeding(store: Store, server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["500", "503"]
    r = fetch_gdelt(store, tmp_path, at=AT, base_url=server.url, backoff=0)
    assert r.summaries[0].stored == 1648
    assert len(server.script.requests) == 3


@pytest.mark.shared
def test_masterlist_gives_the_files_and_checks_them(store: Store, export: bytes, tmp_path: Path) -> None:
    other = "20191024144500.export.CSV.zip"
    listing = (
        f"{len(export)} {hashlib.md5(export).hexdigest()} URL/gdeltv2/{NAME}\n"
        f"{len(export)} {'0' * 32} URL/gdeltv2/{other}\n"
        f"123 {'1' * 32} URL/gdeltv2/20191024143000.mentions.CSV.zip\n"
        "garbage line\n"
    )
    files = {f"/gdeltv2/{NAME}": export, f"/gdeltv2/{other}": export}
    with LocalServer(files) as srv:
        srv.script.files["/gdeltv2/masterfilelist.txt"] = listing.replace("URL", srv.url).encode()
        r = fetch_gdelt(store, tmp_path, day=AT.date(), base_url=srv.url, backoff=0, masterlist=True)
    assert (r.files, len(r.summaries), r.missing) == (2, 1, [])
    [failure] = r.failed
    assert other in failure and "MD5" in failure
    assert not (tmp_path / other).exists()


def test_parse_masterlist() -> None:
    got = parse_masterlist("10 ABC http://x/gdeltv2/a.export.CSV.zip\nbad\n\n5 d http://x/b.zip\n")
    assert got["a.export.CSV.zip"].size == 10 and got["a.export.CSV.zip"].md5 == "abc"
    assert set(got) == {"a.export.CSV.zip", "b.zip"}


def test_gdelt1_daily_file(store: Store, tmp_path: Path) -> None:
    rows = [gdelt1_fields(GDELT2_ROW), gdelt1_fields(GDELT2_ROW, with_url=False)]
    rows[1][0] = "2"
    with LocalServer({"/events/20190101.export.CSV.zip": _zip("20190101.export.CSV", tab(rows))}) as srv:
        r = fetch_gdelt(store, tmp_path, day=dt.date(2019, 1, 1), version=1, base_url=srv.url + "/", backoff=0)
    [s] = r.summaries
    assert (s.dataset, s.read, s.stored) == ("gdelt1", 2, 2)
    assert db_sql(store, "SELECT url FROM files").fetchone() == (f"{srv.url}/events/20190101.export.CSV.zip",)


def test_masterlist_is_for_gdelt2(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"for GDELT 2\.0"):
        fetch_gdelt(store, tmp_path, day=dt.date(2019, 1, 1), version=1, masterlist=True)


def test_not_a_zip_fails_that_file(store: Store, tmp_path: Path) -> None:
    with LocalServer({f"/gdeltv2/{NAME}": b"<html>maintenance</html>"}) as srv:
        r = fetch_gdelt(store, tmp_path, at=AT, base_url=srv.url, backoff=0)
    assert r.summaries == [] and "not a readable zip file" in r.failed[0]


def test_no_network_is_one_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as e:
        fetch_gdelt(store, tmp_path, at=AT, base_url=_closed_port_url(), retries=1, backoff=0)
    line = e.value.line()
    assert "Cannot download GDELT files" in line and "detente ingest FILE --format gdelt2" in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"at": dt.datetime(2019, 10, 24, 14, 31)}, "not a quarter-hour"),
        ({"day": dt.date(2014, 1, 1)}, "no files for 2014-01-01"),
        ({"day": dt.date(2012, 1, 1), "version": 1}, "no daily file"),
        ({"at": AT, "version": 1}, "daily files only"),
        ({"day": AT.date(), "version": 3}, "does not exist"),
        ({}, "Say which files"),
    ],
)
def test_bad_requests(kw: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        files_for("http://x", **kw)  # type: ignore[arg-type]


@pytest.mark.shared
def test_cli_json(server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.duckdb"
    main(["--db", str(db), "init"])
    capsys.readouterr()
    main(["--db", str(db), "fetch", "gdelt", "--at", "201910241430", "--base-url", server.url, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert (out["files"], out["ingested"], out["read"], out["stored"], out["reconciles"]) == (1, 1, 2111, 1648, True)
    assert (tmp_path / "downloads/gdelt2/20191024143000.export.CSV").is_file()


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.duckdb")
    with pytest.raises(SystemExit) as e:
        main(["--db", db, "fetch", "gdelt", "--at", "2019-10-24"])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("error: --at '2019-10-24' is not a time stamp.") and err.count("\n") == 1
    url = _closed_port_url()
    with pytest.raises(SystemExit) as e:
        main(["--db", db, "fetch", "gdelt", "--at", "201910241430", "--base-url", url, "--retries", "0"])
    err = capsys.readouterr().err
    assert e.value.code == 1 and err.startswith("error: Cannot download GDELT files") and err.count("\n") == 1


def test_cli_failed_file_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LocalServer({f"/gdeltv2/{NAME}": b"not a zip"}) as srv, pytest.raises(SystemExit) as e:
        main(["--db", str(tmp_path / "d.duckdb"), "fetch", "gdelt", "--at", "201910241430", "--base-url", srv.url])
    assert e.value.code == 1
    assert "1 of 1 GDELT files failed" in capsys.readouterr().err
