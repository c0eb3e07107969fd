"""Parity on a tiled 1 M-event GDELT 2.0 file, and through a Spark Connect server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.measure.report import dyad_report
from detente.measure.trust import trust_series
from detente.store import Store
from detente.store.analytics.index import dyad_index
from detente.store.lake import export_lake
from tests.spark.conftest import GDELT, assert_same, assert_same_report, java_or_skip

pytestmark = [pytest.mark.slow, pytest.mark.shared]
KEYS = ["a", "b", "period"]
BIG = Path("/work/data/gdelt2_1m.CSV")  # made by the same tool; CI tiles its own into tmp
TILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "tools" / "tile_gdelt.py"


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[Store, Path]]:
    """About 1 M GDELT 2.0 rows (the sample tiled 500 times: 1,055,500), ingested, and their lake."""
    from detente.ingest import ingest_file
    from detente.store.reference import load_reference

    tmp = tmp_path_factory.mktemp("million")
    src = BIG
    if not src.is_file():
        if not TILE.is_file():
            pytest.skip(f"{TILE} is absent")
        src = tmp / "gdelt2_1m.CSV"
        subprocess.run([sys.executable, str(TILE), str(shared_data / GDELT), "500", str(src)], check=True)
    store = Store.open(tmp / "m.duckdb", memory_limit="1GB")
    load_reference(store)
    summary = ingest_file(store, src, "gdelt2")
    assert summary.read > 1_000_000 and summary.reconciles
    if src != BIG:
        src.unlink()
    export_lake(store, tmp / "lake", ["events", "actors"])
    yield store, tmp / "lake"
    store.close()


@pytest.mark.xdist_group("spark")
def test_million_events(spark: Any, million: tuple[Store, Path]) -> None:
    from detente.store.spark import SparkStore

    store, lake = million
    s = SparkStore(spark, lake)
    try:
        for res, directed in (("day", True), ("month", False)):
            duck = dyad_index(store, res, directed=directed)
            assert duck.num_rows > 100
            assert_same(duck, dyad_index(s, res, directed=directed), KEYS)
        assert_same(trust_series(store, "week"), trust_series(s, "week"), KEYS)
    finally:
        s.close()


@pytest.fixture(scope="module")
def connect_server() -> Iterator[str]:
    """A Spark Connect server (the connect jar ships in pyspark 4) on a free loopback port, in its own group."""
    java_or_skip()
    import pyspark

    home = Path(pyspark.__file__).parent
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = int(sk.getsockname()[1])
    conf = {
        "spark.connect.grpc.binding.port": str(port),
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.codegen.wholeStage": "false",
    }
    cmd = [str(home / "bin" / "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
           "--master", "local[2]", "--driver-memory", "1g"]  # fmt: skip
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd.append("spark-internal")
    log = open(os.devnull, "w")  # noqa: SIM115  closed below
    env = {**os.environ, "SPARK_HOME": str(home)}
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Spark Connect server did not start")
                time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


@pytest.mark.xdist_group("spark-connect")
def test_spark_connect(connect_server: str, sample_store: Store, sample_lake: Path) -> None:
    """SPARK_REMOTE=sc://… and DETENTE_ENGINE=spark: the CLI, a Spark Connect client in its own process, answers
    the dyad report from the lake as the DuckDB store does."""
    args = ["dyad", "USA", "RUS", "--res", "week", "--json"]
    env = {**os.environ, "SPARK_REMOTE": connect_server, "DETENTE_ENGINE": "spark", "DETENTE_LAKE": str(sample_lake)}
    cmd = [sys.executable, "-c", "from detente.cli import main; main()", *args]
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    duck = json.loads(json.dumps(dyad_report(sample_store, "USA", "RUS", "week"), default=str))
    assert_same_report(duck, json.loads(run.stdout))
