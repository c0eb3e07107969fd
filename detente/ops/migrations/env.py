"""Alembic environment of the operations store; run through :meth:`detente.ops.db.OpsDB.migrate`."""

from __future__ import annotations

from alembic import context

from detente.ops.models import Base

target_metadata = Base.metadata


def run() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line, with sqlalchemy.url set
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as con:
            context.configure(connection=con, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # imported by Alembic (not by a doctest collector)
    run()
