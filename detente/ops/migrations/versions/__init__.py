"""Alembic revisions of the operations store."""
