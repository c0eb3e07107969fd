"""The operations workspace: parties, users and the instruments of military diplomacy.

SQLAlchemy models (:mod:`.models`) in a store migrated by Alembic (:mod:`.db`),
one service module per instrument (engagements, CBM notifications, hotlines,
ceasefire monitoring, humanitarian deconfliction), party-scoped access
(:mod:`.access`) and authentication (:mod:`.auth`). Every service function
takes an :class:`~detente.ops.access.Actor` and refuses what its party may not
see or do.
"""

from __future__ import annotations

from detente.ops.access import Actor
from detente.ops.db import OpsDB

__all__ = ["Actor", "OpsDB"]
