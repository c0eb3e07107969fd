"""One registry per extensible concept; built-ins register exactly as plug-ins would.

A :class:`Registry` is a named dict with a decorator. Third parties add entries
through the ``detente.plugins`` entry-point group: each entry point is a module
that is imported once, and registers what it defines with the same decorators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from detente.errors import ConfigError

T = TypeVar("T")

__all__ = ["Registry", "load_plugins"]


class Registry(Generic[T]):
    """Named entries of one kind (data sources, indices, rule sets, policies...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T, *, replace: bool = False) -> T:
        if name in self._entries and not replace:
            raise ConfigError(f"{self.kind} {name!r} is registered twice.", hint="Give the new one another name.")
        self._entries[name] = entry
        return entry

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""

        def deco(entry: T) -> T:
            return self.add(name, entry)

        return deco

    def get(self, name: str) -> T:
        load_plugins()
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise ConfigError(f"Unknown {self.kind} {name!r}.", hint=f"Choose one of: {known}.") from None

    def names(self) -> list[str]:
        load_plugins()
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)


_plugins_loaded = False


def load_plugins() -> None:
    """Import every module named in the ``detente.plugins`` entry-point group, once."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group="detente.plugins"):
        ep.load()
