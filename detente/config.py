"""Settings, declared once: every setting has a type, a default and help text.

Read from ``DETENTE_*`` environment variables (``DETENTE_DB`` and so on); CLI
options and the ``/api/settings`` endpoint derive from :class:`Settings`, and
``docs/settings.md`` lists every field (a test keeps it true).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    """Where detente keeps its files when nothing else is said."""
    return Path(user_data_dir("detente", appauthor=False))


class Settings(BaseSettings):
    """Every setting detente reads."""

    model_config = SettingsConfigDict(env_prefix="DETENTE_", extra="ignore")

    db: Path = Field(
        default_factory=lambda: default_data_dir() / "detente.duckdb",
        description="The DuckDB file holding events, reference data and indices.",
    )
    ops_url: str = Field(
        default="",
        description="SQLAlchemy URL of the operations store (SQLite file next to the DuckDB file when empty; "
        "postgresql+psycopg://... for a multi-user deployment).",
    )
    shared_data: Path = Field(
        default=Path("../shared/data"),
        description="Folder with the real data extracts used by `make run`, tests and benchmarks.",
    )
    host: str = Field(default="127.0.0.1", description="Address `detente serve` listens on.")
    port: int = Field(default=8000, description="Port `detente serve` listens on.")
    gdelt_url: str = Field(
        default="http://data.gdeltproject.org",
        description="Base URL `detente fetch gdelt` downloads from (the publisher, or a mirror with the same layout).",
    )
    memory_limit: str = Field(
        default="512MB",
        description="DuckDB memory limit (512MB keeps a 10M-row ingest under 1 GiB peak RSS, and is faster).",
    )
    threads: int = Field(default=0, description="DuckDB threads (0: one per core).")
    secret_key: str = Field(
        default="",
        description="Key that signs session tokens of the operations workspace (random per process when empty).",
    )
    coder_dictionary: Path | None = Field(
        default=None,
        description="A user dictionary for the event coder (JSON or YAML: actors, agents, verbs) added on top of "
        "the packaged one; `detente code --dictionary` overrides it.",
    )
    token_minutes: int = Field(default=480, description="Lifetime of an operations session token, in minutes.")
    ops_token_writes_per_minute: int = Field(
        default=120,
        ge=0,
        description="Writes (POST, PUT, PATCH, DELETE) and heavy reads (GET .../verify, .../chain, .../log, "
        ".../risk) one session token may make per minute on the operations API, in bursts up to that many; past it, "
        "429 with Retry-After (0: no limit).",
    )
    ops_party_writes_per_minute: int = Field(
        default=600,
        ge=0,
        description="Writes all of one party's sessions together may make per minute on the operations API "
        "(0: no limit).",
    )
    ops_logins_per_minute: int = Field(
        default=300,
        ge=0,
        description="Login tries (right or wrong) one client address may make per minute on the operations API, "
        "counted before any password is hashed; past it, 429 with Retry-After (0: no limit).",
    )
    receipt_key: Path | None = Field(
        default=None,
        description="PEM file of the workspace's Ed25519 key that signs log receipts (made 0600 on first use; "
        "default: beside the DuckDB file). Keep it out of the ops database and back it up.",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Engine the analytics run on: duckdb (the store file) or spark (the Parquet lake; "
        "needs `pip install 'detente[spark]'` and Java 17).",
    )
    lake: Path | None = Field(
        default=None,
        description="Parquet lake folder (`detente lake export --to DIR`) that the spark engine reads "
        "(default: `lake/` beside the DuckDB file).",
    )
    spark_master: str = Field(default="local[2]", description="Spark master URL of a local or cluster session.")
    spark_remote: str = Field(
        default="",
        validation_alias=AliasChoices("spark_remote", "SPARK_REMOTE", "DETENTE_SPARK_REMOTE"),
        description="Spark Connect URL (sc://HOST:PORT); when set, the spark engine is a Connect client.",
    )

    def lake_dir(self) -> Path:
        """The Parquet lake folder, defaulting to ``lake/`` beside the DuckDB file."""
        return self.lake if self.lake is not None else self.db.parent / "lake"

    def receipt_key_path(self) -> Path:
        """The receipt key file, defaulting to ``<db>.receipt-key.pem`` beside the DuckDB file."""
        return self.receipt_key if self.receipt_key is not None else self.db.with_suffix(".receipt-key.pem")

    def ops_database_url(self) -> str:
        """The operations store URL, defaulting to SQLite beside the DuckDB file."""
        if self.ops_url:
            return self.ops_url
        return f"sqlite:///{self.db.with_suffix('.ops.sqlite')}"
