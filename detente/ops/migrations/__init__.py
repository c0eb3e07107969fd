"""Alembic migrations of the operations store (run through detente.ops.db.OpsDB.migrate)."""
