"""Registry of CBM rule sets. Built-ins are YAML files shipped beside this module.

A plug-in adds a rule set with ``RULESETS.add(name, loader)`` where ``loader``
returns a :class:`~detente.core.rules.RuleSet`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files

import yaml

from detente.core.rules import RuleSet
from detente.errors import ConfigError
from detente.registry import Registry

__all__ = ["RULESETS", "get_ruleset", "load_yaml"]

RULESETS: Registry[Callable[[], RuleSet]] = Registry("rule set")


MAX_DEPTH = 20  # a rule set nests four levels deep; more is no rule set


class _Loader(yaml.SafeLoader):
    """Safe YAML without aliases and without deep nesting: rule-set text comes from users (the API's compare),
    and an alias bomb ("billion laughs") expands exponentially once a field of it is turned into text, while
    deep nesting exhausts the parser's recursion. A rule set needs neither."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted in a rule set", mark)
        depth = getattr(self, "_depth", 0)
        if depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the YAML nests deeper than {MAX_DEPTH} levels",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth = depth


def load_yaml(text: str) -> RuleSet:
    """Parse and validate a rule set from YAML text (no aliases, at most ``MAX_DEPTH`` levels deep)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.YAMLError as e:
        raise ConfigError(f"The rule set is not valid YAML: {str(e).splitlines()[0]}", hint="Fix the YAML.") from None
    if not isinstance(data, dict):
        raise ConfigError("The rule set must be a YAML mapping.", hint="See detente/ops/rulesets/*.yaml.")
    try:
        return RuleSet.from_dict(data)
    except ValueError as e:
        raise ConfigError(f"Invalid rule set: {e}", hint="See detente/ops/rulesets/*.yaml.") from None


def _packaged(filename: str) -> Callable[[], RuleSet]:
    @cache
    def load() -> RuleSet:
        return load_yaml((files("detente.ops.rulesets") / filename).read_text(encoding="utf-8"))

    return load


RULESETS.add("vienna_document_2011", _packaged("vienna_document_2011.yaml"))


def get_ruleset(name: str) -> RuleSet:
    """The rule set registered as ``name`` (ConfigError naming the known ones otherwise)."""
    return RULESETS.get(name)()
