"""The root model: features of a parse, the linear model's probabilities, the packaged weights, and how the parser
coder uses it (ranking a sentence's events; a back-off event where no rule codes one)."""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.core.coder.rootmodel import RootModel, TargetModel, features, target_features, text_key
from detente.core.coder.tree import Tok
from detente.errors import ConfigError

DAY = dt.date(2021, 6, 1)


def _toks() -> list[Tok]:
    # "Nepal did not lift the ban ."
    return [
        Tok("Nepal", "Nepal", "PROPN", "nsubj", 3, 0),
        Tok("did", "do", "AUX", "aux", 3, 6),
        Tok("not", "not", "PART", "neg", 3, 10),
        Tok("lift", "lift", "VERB", "ROOT", 3, 14),
        Tok("the", "the", "DET", "det", 5, 19),
        Tok("ban", "ban", "NOUN", "dobj", 3, 23),
        Tok(".", ".", "PUNCT", "punct", 3, 26),
    ]


def test_features_name_verbs_with_their_arguments_and_negation() -> None:
    f = features(_toks())
    assert {"r:lift", "v:lift", "v:lift|dobj|ban", "v:lift|ban", "neg:lift", "neg", "l:ban"} <= set(f)
    assert "l:the" not in f and f == sorted(f)
    assert "l:nepal" not in f  # names belong to one story, not to a kind of event


def _model() -> RootModel:
    return RootModel.from_obj(
        {
            "classes": [0, 8, 19],
            "intercept": [1.0, 0.0, 0.0],
            "weights": {"v:lift|ban": [[1, 3.0]], "r:attack": [[2, 4]]},
        }
    )


def test_probabilities_follow_the_weights() -> None:
    m = _model()
    p = m.proba(features(_toks()))
    assert max(p, key=p.__getitem__) == 8 and sum(p.values()) == pytest.approx(1.0)
    q = m.proba([])
    assert max(q, key=q.__getitem__) == 0  # no feature known: the intercept's "no event"


@given(st.lists(st.sampled_from(["v:lift|ban", "r:attack", "l:x", "neg"]), max_size=6))
def test_probabilities_are_a_distribution(feats: list[str]) -> None:
    p = _model().proba(feats)
    assert set(p) == {0, 8, 19} and all(0 <= x <= 1 for x in p.values()) and sum(p.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "obj",
    [
        {},
        {"classes": [0, 1], "intercept": [0.0], "weights": {}},
        {"classes": [0, 1], "intercept": [0.0, 0.0], "weights": {"x": [[5, 1.0]]}},
        {"classes": [0, 99], "intercept": [0.0, 0.0], "weights": {}},
        {"classes": ["a"], "intercept": [0.0], "weights": {}},
    ],
)
def test_a_malformed_model_is_one_clear_error(obj: object) -> None:
    with pytest.raises(ConfigError, match="malformed"):
        RootModel.from_obj(obj)


spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def parts() -> tuple[object, object]:
    from detente.coder.nlp import available, dictionary, load_pipeline

    if not available():  # pragma: no cover
        pytest.skip("the [nlp] extra is not installed")
    return dictionary(), load_pipeline()


def test_the_packaged_model_loads_and_knows_every_root(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import root_model

    m = root_model()
    assert set(m.classes) == {0, *range(1, 21)} and len(m.weights) > 1000


def test_back_off_codes_a_sentence_no_rule_codes(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Russia frobnicated Ukraine on Tuesday."
    assert NlpCoder(d, nlp).code(text, DAY) == []  # type: ignore[arg-type]
    model = RootModel.from_obj({"classes": [0, 19], "intercept": [0.0, -1.0], "weights": {"v:frobnicate": [[1, 4.0]]}})
    (ev,) = NlpCoder(d, nlp, model).code(text, DAY)  # type: ignore[arg-type]
    assert (ev.source, ev.cameo, ev.target, ev.rule) == ("RUS", "190", "UKR", "model: root back-off")
    assert 0 < ev.confidence < 0.6
    unsure = RootModel.from_obj({"classes": [0, 19], "intercept": [1.0, 0.0], "weights": {"v:frobnicate": [[1, 0.5]]}})
    assert NlpCoder(d, nlp, unsure).code(text, DAY) == []  # type: ignore[arg-type]  # "no event" wins: nothing


def test_the_model_ranks_a_sentences_events(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Egypt condemned Israel and attacked Syria."
    plain = sorted(NlpCoder(d, nlp).code(text, DAY), key=lambda e: -e.confidence)  # type: ignore[arg-type]
    assert {e.cameo[:2] for e in plain} == {"11", "19"}
    for root, name in ((11, "r:condemn"), (19, "v:attack")):
        model = RootModel.from_obj({"classes": [0, root], "intercept": [0.0, 0.0], "weights": {name: [[1, 5.0]]}})
        best = max(NlpCoder(d, nlp, model).code(text, DAY), key=lambda e: e.confidence)  # type: ignore[arg-type]
        assert best.cameo[:2] == f"{root:02d}"


def test_back_off_without_a_named_doer_takes_the_storys_state(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    model = RootModel.from_obj({"classes": [0, 14], "intercept": [0.0, -1.0], "weights": {"v:frobnicate": [[1, 4.0]]}})
    text = "Nepal lifted its ban on Tuesday. Union leaders frobnicated in the capital on Wednesday."
    (ev,) = [e for e in NlpCoder(d, nlp, model).code(text, DAY) if e.rule.startswith("model")]  # type: ignore[arg-type]
    assert (ev.source, ev.cameo) == ("NPL", "140")


def test_the_model_adds_a_root_the_rules_missed(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Egypt condemned Israel on Monday."
    model = RootModel.from_obj(
        {"classes": [0, 11, 19], "intercept": [0.0, 0.0, 0.0], "weights": {"r:condemn": [[2, 5.0]]}}
    )
    got = {(e.source, e.cameo, e.target) for e in NlpCoder(d, nlp, model).code(text, DAY)}  # type: ignore[arg-type]
    assert ("EGY", "190", "ISR") in got and any(c.startswith("11") for _, c, _ in got)
    weak = RootModel.from_obj(
        {"classes": [0, 11, 19], "intercept": [1.0, 1.0, 0.0], "weights": {"r:condemn": [[2, 0.5]]}}
    )
    assert {e.cameo[:2] for e in NlpCoder(d, nlp, weak).code(text, DAY)} == {"11"}  # type: ignore[arg-type]


def test_back_off_gives_each_joint_doer_an_event(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    model = RootModel.from_obj({"classes": [0, 16], "intercept": [0.0, -1.0], "weights": {"v:frobnicate": [[1, 4.0]]}})
    text = "Mali and Niger frobnicated France on Tuesday."
    got = {(e.source, e.cameo, e.target) for e in NlpCoder(d, nlp, model).code(text, DAY)}  # type: ignore[arg-type]
    assert got == {("MLI", "160", "FRA"), ("NER", "160", "FRA")}


def test_the_model_knows_the_sentences_it_was_trained_on() -> None:
    m = RootModel.from_obj({"classes": [0], "intercept": [0.0], "weights": {}, "trained": [text_key("A  b.")]})
    assert m.seen("a b.") and m.seen(" A b. ") and not m.seen("A c.")


def test_evaluating_on_training_sentences_says_so(
    parts: tuple[object, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.invoke import invoke

    line = (files("detente.reference") / "data" / "coder" / "sealed2.jsonl").read_text(encoding="utf-8").splitlines()[0]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(line + "\n" + json.dumps({"id": "x", "text": "Nepal frobnicated Peru.", "events": []}) + "\n")
    code, out, err = invoke(capsys, "code", "--evaluate", str(gold), "--json", "--parser")
    assert code == 0 and "1 of 2 sentences were in the root model's training data" in err
    assert json.loads(out)["trained_on"] == 1


def test_the_fifth_sealed_set_is_never_trained_on(parts: tuple[object, object]) -> None:
    """sealed5 is the independent estimate: the shipped model saw none of its sentences (also while its file is not
    in the package yet), and the training tool refuses it; the sets it does train on (all the others) are known to
    the model, so --evaluate warns on them."""
    import importlib.util

    from detente.coder.nlp import root_model

    m = root_model()
    data = files("detente.reference") / "data" / "coder"

    def texts(name: str) -> list[str]:
        path = data / name
        if not path.is_file():
            return []
        return [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]

    assert not any(m.seen(t) for t in texts("sealed5.jsonl"))
    for name in ("devset", "sealed", "sealed2", "holdout", "sealed3", "trainA", "trainB", "sealed4", "trainC"):
        assert all(m.seen(t) for t in texts(f"{name}.jsonl")), name
    tool = Path(__file__).resolve().parents[2] / "tools" / "train_root_model.py"
    spec = importlib.util.spec_from_file_location("train_root_model", tool)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert "sealed5" in mod.NEVER and "sealed5" not in mod.TRAIN


def test_target_features_and_scores() -> None:
    from detente.core.coder.context import Actor

    src = Actor("RUS", "GOV", "Moscow")
    cand = Actor("UKR", None, "Kyiv", "context")
    f = target_features("112", src, cand, 0, True, last_source=True)
    assert {"k:0", "here:True", "same:False", "kind:state", "r:11|k:0", "last_source:True"} <= set(f)
    assert target_features("112", src, None, 0, False)[0] == "none"
    m = TargetModel.from_obj({"intercept": -1.0, "weights": {"same:False": 2.5, "none": 0.5}})
    assert m.score(f) == pytest.approx(1.5) and m.score(["none"]) == pytest.approx(-0.5)
    with pytest.raises(ConfigError, match="malformed"):
        TargetModel.from_obj({"weights": {}})


def test_the_target_model_chooses_a_context_target_or_none(parts: tuple[object, object]) -> None:
    from detente.coder.nlp import NlpCoder

    d, nlp = parts
    text = "Russia and China held talks on Monday. Iran sent humanitarian aid on Tuesday."

    def target(targets: TargetModel | None) -> str | None:
        coder = NlpCoder(d, nlp, None, targets)  # type: ignore[arg-type]
        (ev,) = [e for e in coder.code(text, DAY) if e.source == "IRN"]
        return ev.target

    plain = target(None)  # the rules: the last other actor named
    assert plain in ("RUS", "CHN")
    other = "CHN" if plain == "RUS" else "RUS"
    pick = TargetModel.from_obj({"intercept": 0.0, "weights": {"k:1": 5.0}})  # the second candidate
    assert target(pick) == other
    assert target(TargetModel.from_obj({"intercept": 0.0, "weights": {"none": 5.0}})) is None
