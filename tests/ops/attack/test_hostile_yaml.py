"""Hostile YAML in the rule-set comparison body (any logged-in user, even an observer, may send one).

A "billion laughs" document of nested aliases is tiny on the wire and parses into shared references, but
turning one field of it into text (the rule set's title) would expand it exponentially: the server must
refuse it before that, as it refuses nesting deep enough to exhaust the parser's recursion — each with the
one JSON error shape, never a 500 or an exhausted machine.
"""

from __future__ import annotations

import time
from importlib.resources import files

import pytest

from detente.errors import ConfigError
from detente.ops.rulesets import load_yaml

from ..conftest import Api, World, assert_error

SHIPPED = (files("detente.ops.rulesets") / "vienna_document_2011.yaml").read_text(encoding="utf-8")
URL = "/api/ops/rulesets/vienna_document_2011/compare"


def _laughs(levels: int) -> str:
    """Anchors l0..l{levels}, each a list of ten aliases of the one before: 10**levels leaves in a few KiB."""
    lines = ['l0: &l0 "lol"']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _with_title_bomb(levels: int) -> str:
    head, rest = SHIPPED.split("\ntitle:", 1)
    rest = rest.split("\n", 1)[1]
    return _laughs(levels) + head + f"\ntitle: *l{levels}\n" + rest


def test_a_small_alias_bomb_in_an_otherwise_valid_copy_is_refused(api: Api, world: World) -> None:
    r = api.call("POST", URL, "a_observer", content=_with_title_bomb(4), headers={"Content-Type": "text/plain"})
    assert_error(r, 400, 422)
    assert "alias" in r.json()["error"]["message"]


def test_a_billion_laughs_is_refused_at_once(api: Api, world: World) -> None:
    bomb = _with_title_bomb(9)  # 10**9 leaves: expanding it would take the machine's memory
    assert len(bomb) < 20_000
    t0 = time.perf_counter()
    r = api.call("POST", URL, "a_observer", content=bomb, headers={"Content-Type": "text/plain"})
    assert time.perf_counter() - t0 < 5
    assert_error(r, 400, 422)


@pytest.mark.parametrize("depth", [200, 1000, 40_000])
def test_deep_nesting_is_a_clear_error_not_a_500(api: Api, world: World, depth: int) -> None:
    for doc in ("title: " + "[" * depth + "]" * depth, "title:\n" + "".join(" " * i + "- \n" for i in range(depth))):
        r = api.call("POST", URL, "a_observer", content=doc[:190_000], headers={"Content-Type": "text/plain"})
        assert_error(r, 400, 422)


def test_the_shipped_rule_set_still_loads_and_compares_clean(api: Api, world: World) -> None:
    assert load_yaml(SHIPPED).name == "vienna_document_2011"
    r = api.call("POST", URL, "a_observer", content=SHIPPED, headers={"Content-Type": "text/plain"})
    assert r.status_code == 200, r.text
    assert r.json()["differences"] == []
    with pytest.raises(ConfigError, match="alias"):
        load_yaml(_with_title_bomb(2))
