"""Which engine runs the analytics: DuckDB over the store file (the default), or Apache Spark over the lake.

The analytics are Ibis expressions over ``store.ibis.table(name)``; the engine is whatever Ibis backend
``store.ibis`` is. :func:`open_store` is the one place that choice is made (``--engine`` /
``DETENTE_ENGINE``); nothing outside :mod:`detente.store` knows which engine answered.

Spark is an optional extra (``pip install 'detente[spark]'``, with Java 17 on the machine). A session is
either local (``spark_master``, ``local[2]`` by default) or a Spark Connect client (``SPARK_REMOTE``, for
example ``sc://spark-connect.example:15002``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from detente.errors import ConfigError

if TYPE_CHECKING:
    from detente.config import Settings
    from detente.store.warehouse import Store

__all__ = ["ENGINES", "SPARK_DEFAULTS", "check_engine", "open_store", "spark_session"]

ENGINES: Final = ("duckdb", "spark")

#: Session settings detente needs whatever the cluster: dates are calendar days in UTC, and a local
#: session stays on loopback without a web UI. Anything passed in ``conf`` overrides them.
SPARK_DEFAULTS: Final[dict[str, str]] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInRead": "CORRECTED",
}
_LOCAL_ONLY: Final[dict[str, str]] = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "2g",
}


def check_engine(name: str) -> str:
    """The engine name, checked.

    >>> check_engine("spark")
    'spark'
    """
    if name not in ENGINES:
        raise ConfigError(f"Unknown engine {name!r}.", hint=f"Use one of: {', '.join(ENGINES)}.")
    return name


def _java_present() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def spark_session(master: str = "local[2]", remote: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """A Spark session: a Spark Connect client when ``remote`` (``sc://host:port``) is given, else a local
    or cluster session with ``master``. An existing session of this process is reused (Spark allows one)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "Apache Spark (pyspark) is not installed.",
            hint="pip install 'detente[spark]', or use --engine duckdb.",
        ) from None
    if remote:
        if not remote.startswith("sc://"):
            raise ConfigError(f"SPARK_REMOTE {remote!r} is not a Spark Connect URL.", hint="Use sc://HOST:PORT.")
        builder = SparkSession.builder.remote(remote)
        settings = dict(SPARK_DEFAULTS)
    else:
        if not _java_present():
            raise ConfigError(
                "Spark needs Java, and none was found.",
                hint="Install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.",
            )
        builder = SparkSession.builder.master(master)
        settings = {**SPARK_DEFAULTS, **_LOCAL_ONLY}
    for k, v in {**settings, **(conf or {})}.items():
        builder = builder.config(k, v)
    try:
        session = builder.appName("detente").getOrCreate()
    except Exception as e:  # py4j/grpc errors carry pages of JVM trace: keep the first line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        where = remote or master
        raise ConfigError(
            f"Cannot start a Spark session on {where}: {first}",
            hint="Check that the cluster or Spark Connect server is up (SPARK_REMOTE), or use --engine duckdb.",
        ) from None
    if not remote:
        session.sparkContext.setLogLevel("ERROR")
    return session


def open_store(settings: Settings, *, read_only: bool = False, session: Any = None) -> Store:
    """The store the settings ask for: the DuckDB file, or the Parquet lake on Spark."""
    from detente.store.warehouse import Store

    engine = check_engine(settings.engine)
    if engine == "duckdb":
        s = settings
        return Store.open(s.db, read_only=read_only, memory_limit=s.memory_limit, threads=s.threads)
    from detente.store.spark import SparkStore

    if session is None:
        session = spark_session(settings.spark_master, settings.spark_remote or None)
    return SparkStore(session, settings.lake_dir())
