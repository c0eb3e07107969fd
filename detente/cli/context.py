"""Shared CLI state: settings, the store, Rich consoles and output helpers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from detente.config import Settings
from detente.store import Store

__all__ = ["State", "console", "err", "print_json", "state"]

console = Console()
err = Console(stderr=True)


class State:
    def __init__(self) -> None:
        self.settings = Settings()

    def configure(self, db: Path | None = None) -> None:
        self.settings = Settings() if db is None else Settings(db=db)

    def store(self, *, read_only: bool = False) -> Store:
        s = self.settings
        return Store.open(s.db, read_only=read_only, memory_limit=s.memory_limit, threads=s.threads)


state = State()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, indent=2) + "\n")
