"""The PETRARCH2 dictionary readers (property-tested) and detente's dictionary built from their output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.coder.dictionary import Dictionary, split_code
from detente.core.coder.petrarch import (
    parse_code,
    parse_date,
    phrase_words,
    read_actors,
    read_agents,
    read_discards,
    read_verbs,
)
from detente.errors import InputError

WORD = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=4)
CODE = st.from_regex(r"[0-2][0-9]{1,3}", fullmatch=True).filter(lambda c: 1 <= int(c[:2]) <= 20)
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coder"


@given(WORDS)
def test_phrase_words_round_trip(words: list[str]) -> None:
    assert phrase_words("+" + "_".join(words) + "_") == tuple(w.lower() for w in words)


@given(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2039, 12, 31)))
def test_two_digit_years(day: dt.date) -> None:
    assert parse_date(day.strftime("%y%m%d")) == day
    assert parse_date(day.strftime("%Y%m%d")) == day


@given(st.text(max_size=12))
def test_parse_date_never_raises(text: str) -> None:
    d = parse_date(text)
    assert d is None or isinstance(d, dt.date)


@given(CODE, CODE)
def test_parse_code(a: str, b: str) -> None:
    assert parse_code(f"{a}:{b}") == a and parse_code(f":{b}") == b and parse_code("---") is None


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 30))


@given(WORDS, st.lists(WORDS, max_size=3), st.sampled_from(["GOV", "MIL"]), DAYS, DAYS)
@settings(max_examples=60)
def test_actor_entries(name: list[str], synonyms: list[list[str]], agent: str, a: dt.date, b: dt.date) -> None:
    start, end = sorted((a, b))
    lines = [
        "# a comment",
        "_".join(name) + "_  # note",
        *("+" + "_".join(s) + "_" for s in synonyms),
        f"\t[RUS{agent} {start:%Y%m%d}-{end:%Y%m%d}]",
        "\t[RUSELI]",
        "",
        "OTHER_NAME_ [USA]",
    ]
    first, second = read_actors(lines)
    assert first.phrases[0] == " ".join(name).lower()
    assert {" ".join(s).lower() for s in synonyms} <= set(first.phrases)
    assert first.roles[0].code == f"RUS{agent}" and (first.roles[0].start, first.roles[0].end) == (start, end)
    assert second.phrases == ("other name",) and second.roles[0].code == "USA"
    d = Dictionary.from_data({}, {"rows": [[list(first.phrases), [[r.code, str(r.start) if r.start else None,
                                                                  str(r.end) if r.end else None]
                                                                 for r in first.roles], 1]]}, {}, {})  # fmt: skip
    key = tuple(first.phrases[0].split())
    inside = d.actor(key, start)
    assert inside is not None and (inside.actor, inside.agent) == ("RUS", agent)
    after = d.actor(key, end + dt.timedelta(days=1))
    assert after is not None and after.agent == "ELI"  # outside the dated role: the undated default


@given(WORDS, CODE, st.lists(st.tuples(WORDS, WORDS, CODE), max_size=4))
@settings(max_examples=60)
def test_verb_blocks(verb: list[str], code: str, patterns: list[tuple[list[str], list[str], str]]) -> None:
    lines = [
        "&MILITARY",
        "+TROOPS",
        "+ARMY_",
        "",
        "####### VERB PATTERNS #######",
        f"---  {'_'.join(verb)}   [{code}]  ---",
        " ".join(verb) + " {FORMS FORMED}  # comment",
        *(f"- {' '.join(b)} * ({' '.join(a)})   [{c}]  # x" for b, a, c in patterns),
        "- * NOTHING  [---]",
    ]
    synsets, (block,) = read_verbs(lines)
    assert synsets["&military"] == ("troops", "army")
    assert block.code == code and " ".join(verb).lower() in block.verbs
    assert [(p.code, p.before, p.after) for p in block.patterns[:-1]] == [
        (c, tuple(x.lower() for x in b), tuple(x.lower() for x in a)) for b, a, c in patterns
    ]
    assert block.patterns[-1].code is None


def test_agents_and_discards() -> None:
    agents = read_agents(["!PERSON! = MAN, WOMAN", "POLICE!PERSON! [~COP]", "MINIST [~GOVMED]", "junk"])
    assert agents == [("policeman", "COP"), ("policewoman", "COP"), ("minist", "GOVMED")]
    assert read_discards(["# c", "+WORLD CUP", "CHAMPION  # x", "1914"]) == (["champion", "1914"], ["world cup"])


def test_codes_split() -> None:
    assert split_code("SDNREB") == ("SDN", "REB") and split_code("IGOWSTNAT") == ("IGOWSTNAT", None)


def test_user_dictionary_errors() -> None:
    d = Dictionary()
    d.add({"actors": [{"phrase": "Zorgon Front", "code": "XYZREB"}], "verbs": [{"verb": "zap", "code": "190"}]})
    assert d.actor(("zorgon", "front"), dt.date(2020, 1, 1)) is not None and d.code_for("zap", [], [])[0] == "190"
    for bad, words in [
        ([], "must be an object"),
        ({"actors": "x"}, "must be a list"),
        ({"actors": [{"phrase": "X", "code": "12"}]}, "not an actor code"),
        ({"actors": [{"phrase": "X", "code": "USA", "start": "May"}]}, "not a date"),
        ({"agents": [{"phrase": "x", "code": "ZZZ"}]}, "not an agent"),
        ({"verbs": [{"verb": "x", "code": "99"}]}, "not a CAMEO code"),
        ({"verbs": [{"code": "190"}]}, "'verb' is missing"),
    ]:
        with pytest.raises(InputError, match=words):
            d.add(bad)  # type: ignore[arg-type]


@pytest.mark.shared
def test_converter_on_the_real_dictionaries(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/data/coder is absent")
    import runpy

    mod = runpy.run_path(str(Path(__file__).resolve().parents[2] / "tools" / "convert_petrarch.py"))
    counts = mod["convert"](SHARED, tmp_path)
    assert counts["patterns"] > 4000 and counts["verbs"] > 1500 and counts["actor_rows"] > 20000
    assert (tmp_path / "LICENSE.petrarch2").read_text(encoding="utf-8").startswith("The MIT License")
    packaged = Path(__file__).resolve().parents[2] / "detente" / "reference" / "data" / "coder" / "petrarch"
    for name in ("verbs.json", "agents.json", "discards.json"):  # the shipped files are the converter's output
        assert (tmp_path / name).read_bytes() == (packaged / name).read_bytes(), name
