"""Train the coder's learned models (detente/core/coder/rootmodel.py, slots.py) on the packaged gold sets, and
cross-validate them.

    python tools/train_root_model.py                 # train on every set but sealed5; write the three model files
    python tools/train_root_model.py --cv 5 --per-root   # also: each set scored by the whole coder, document folds
    python tools/train_root_model.py --check NAME    # also: the shipped models' coder on a set they never saw

Models: the root model (root_model.json), the target model (target_model.json: a target the text does not name)
and the slot models (slot_model.json: each event's source and target among the sentence's and story's actors).
Training data: every built set in SETS (devset, sealed, sealed2, holdout, sealed3, trainA, trainB, sealed4, trainC),
plus the older single sentences of dev.jsonl; all written for detente, no reserved data. The fifth sealed set (split
"sealed5") is the independent estimate and is NEVER trained on (NEVER; tests/coder/test_rootmodel.py checks the
shipped model, also while its file is absent).
A sentence is one root-model row per root of its gold events (0 for none). Cross-validation folds are whole
documents (GroupKFold), so no document is scored by a model that saw it; the figures printed are those of the full
coder (rules + models) on the held-out folds. (The target and slot choices are captured once with the full root
model, then each fold's target and slot models are trained on the other folds' documents only.)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "detente" / "reference" / "data" / "coder"
SETS = ("devset", "sealed", "sealed2", "holdout", "sealed3", "trainA", "trainB", "sealed4", "trainC")  # if built
NEVER = ("sealed5",)  # the fifth sealed set: the independent estimate; never trained on (a test checks)
TRAIN = tuple(name for name in SETS if (DATA / f"{name}.jsonl").exists() and name not in NEVER)
EXTRA = ("dev",)  # the older single-sentence set: always trained on, never scored here
C = 2.0  # inverse regularisation; chosen by document-fold CV (0.3, 0.5, 1, 2, 3, 4, 10 tried; 4 codes more no-event sentences)
OTHER_WEIGHT = 1.0  # a sentence's other roots, as extra rows of the same weight (CV: 0, 0.5, 1 tried)
SLOT_C = 0.5  # the slot models' inverse regularisation
MIN_WEIGHT = 0.05  # smaller weights are dropped from the shipped model (size; CV figures unchanged)


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _features(texts: list[str]) -> list[list[str]]:
    from detente.coder import nlp
    from detente.core.coder.rootmodel import features

    pipe = nlp.load_pipeline()
    out = []
    for doc in pipe.pipe(nlp._clean(t) for t in texts):
        feats: set[str] = set()
        for _, _, toks in nlp._sentences(doc):
            feats.update(features(toks))
        out.append(sorted(feats))
    return out


def _labels(row: dict[str, Any]) -> list[int]:
    """Every root of the sentence's gold events, first event first (0 for none)."""
    roots = [int(e["cameo"][:2]) for e in row.get("events") or []]
    return list(dict.fromkeys(roots)) or [0]


def train(feats: list[list[str]], labels: list[list[int]], texts: Sequence[str] = ()) -> dict[str, Any]:
    """A multinomial logistic regression, as the JSON object :meth:`RootModel.from_obj` reads; a sentence with
    several roots is one row per root (the first weighted 1, the others OTHER_WEIGHT)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from detente.core.coder.rootmodel import text_key

    vec = DictVectorizer()
    rows = [
        (f, r, 1.0 if k == 0 else OTHER_WEIGHT) for f, rs in zip(feats, labels, strict=True) for k, r in enumerate(rs)
    ]
    rows = [row for row in rows if row[2] > 0]
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, _, _ in rows])
    m = LogisticRegression(C=C, max_iter=5000).fit(x, [r for _, r, _ in rows], sample_weight=[w for _, _, w in rows])
    weights: dict[str, list[list[float]]] = {}
    for j, name in enumerate(vec.get_feature_names_out()):
        pairs = [
            [i, round(float(m.coef_[i, j]), 3)] for i in range(len(m.classes_)) if abs(m.coef_[i, j]) >= MIN_WEIGHT
        ]
        if pairs:
            weights[str(name)] = pairs
    return {
        "about": "detente coder root model: multinomial logistic regression over parse features "
        "(tools/train_root_model.py), trained on devset, sealed, sealed2 and dev",
        "classes": [int(c) for c in m.classes_],
        "intercept": [round(float(b), 4) for b in m.intercept_],
        "weights": weights,
        "trained": sorted({text_key(t) for t in texts}),
    }


class _Recorder:
    """Stands in for the target model while capturing: every candidate scores 0, so the first one wins (the
    rules' own choice), and each candidate's features are recorded by the wrapped ``target_features``."""

    def score(self, feats: Any) -> float:
        return 0.0


def _target_groups(model: dict[str, Any], gold: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each context-target choice the coder makes on the gold documents: its candidates' features and which of
    them is the gold target of the event with the same source and root (groups with no such event are dropped)."""
    import detente.core.coder.parsed as parsed
    from detente.coder.evaluation import _code_parts, _documents
    from detente.core.coder.rootmodel import target_features

    calls: list[tuple[Any, ...]] = []
    here = {"start": 0}

    def traced(code: str, source: Any, cand: Any, rank: int, named_here: bool, last: bool = False) -> list[str]:
        calls.append((here["start"], code, source, cand, target_features(code, source, cand, rank, named_here, last)))
        return calls[-1][4]

    original_cs = parsed.ParsedCoder.code_sentence

    def code_sentence(self: Any, toks: Any, sentence: str, start: int, *rest: Any) -> Any:
        here["start"] = start
        return original_cs(self, toks, sentence, start, *rest)

    coder = _coder(model)
    coder.core.targets = _Recorder()
    parsed.target_features, parsed.ParsedCoder.code_sentence = traced, code_sentence  # type: ignore[assignment]
    groups: list[dict[str, Any]] = []
    try:
        for name, sentences in gold.items():
            for doc in _documents(sentences):
                calls.clear()
                _, starts = _code_parts(coder, [g.text for g in doc], doc[0].date)
                bounds = [*starts[1:], 1 << 62]
                group: list[tuple[Any, ...]] = []
                for call in calls:
                    group.append(call)
                    if call[3] is not None:
                        continue
                    start, code, source = call[0], call[1], call[2]  # the "no target" candidate closes a choice
                    g = next(g for g, lo, hi in zip(doc, starts, bounds, strict=True) if lo <= start < hi)
                    want = {e.target for e in g.events if e.root == int(code[:2]) and e.source == source.actor}
                    if want:
                        groups.append(
                            {
                                "doc": f"{name}/{g.doc}",
                                "feats": [c[4] for c in group],
                                "labels": [int((c[3].actor if c[3] is not None else None) in want) for c in group],
                            }
                        )
                    group = []
    finally:
        parsed.target_features, parsed.ParsedCoder.code_sentence = target_features, original_cs  # type: ignore[assignment]
    return groups


def train_targets(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """A logistic regression over candidate targets (1: the gold target), as :meth:`TargetModel.from_obj` reads."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [f for g in groups for f in g["feats"]]
    labels = [y for g in groups for y in g["labels"]]
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f in feats])
    m = LogisticRegression(C=0.3, max_iter=5000).fit(x, labels)  # C 1 tried: within noise, more weights
    names = vec.get_feature_names_out()
    return {
        "intercept": round(float(m.intercept_[0]), 4),
        "weights": {str(n): round(float(w), 4) for n, w in zip(names, m.coef_[0], strict=True) if abs(w) >= 1e-3},
    }


def _slot_groups(model: dict[str, Any], targets: dict[str, Any] | None, gold: dict[str, list[Any]]) -> list[Any]:
    """Each slot choice the coder makes on the gold documents (ParsedCoder.slot_log): its candidates' features,
    labelled by the gold actors of the sentence's events of the same root (for a target, of the same source when
    the gold has one); choices with no gold event of the root, or no right candidate, teach nothing and are dropped."""
    from detente.coder.evaluation import _code_parts, _documents

    coder = _coder(model, targets)
    groups: list[dict[str, Any]] = []
    for name, sentences in gold.items():
        for doc in _documents(sentences):
            coder.core.slot_log = log = []
            _, starts = _code_parts(coder, [g.text for g in doc], doc[0].date)
            bounds = [*starts[1:], 1 << 62]
            source: str | None = None
            for start, code, slot, cands in log:
                g = next(g for g, lo, hi in zip(doc, starts, bounds, strict=True) if lo <= start < hi)
                same = [e for e in g.events if e.root == int(code[:2])]
                if slot == "source":
                    want = {e.source for e in same}
                    source = next((a for a, _, chosen in cands if chosen), None)
                else:
                    want = {e.target for e in same if e.source == source} or {e.target for e in same}
                labels = [int(a in want) for a, _, _ in cands]
                if same and any(labels) and len(cands) > 1:
                    groups.append({"doc": f"{name}/{g.doc}", "slot": slot, "feats": [f for _, f, _ in cands],
                                   "labels": labels})  # fmt: skip
    return groups


def train_slots(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """One logistic regression per slot over its candidates (1: a gold actor), as TargetModel.from_obj reads."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    out: dict[str, Any] = {}
    for slot in ("source", "target"):
        mine = [g for g in groups if g["slot"] == slot]
        feats = [f for g in mine for f in g["feats"]]
        labels = [y for g in mine for y in g["labels"]]
        if len(set(labels)) < 2:
            continue
        vec = DictVectorizer()
        x = vec.fit_transform([dict.fromkeys(f, 1) for f in feats])
        m = LogisticRegression(C=SLOT_C, max_iter=5000).fit(x, labels)
        names = vec.get_feature_names_out()
        out[slot] = {
            "intercept": round(float(m.intercept_[0]), 4),
            "weights": {str(n): round(float(w), 4) for n, w in zip(names, m.coef_[0], strict=True) if abs(w) >= 1e-3},
        }
    return out


def _merge(reports: list[Any]) -> Any:
    from detente.core.coder.evaluate import Report, Score

    out = Report()
    for r in reports:
        out.sentences += r.sentences
        out.documents += r.documents
        out.with_event += r.with_event
        out.best_root_right += r.best_root_right
        out.no_event += r.no_event
        out.no_event_right += r.no_event_right
        for f, s in r.scores.items():
            t = out.scores[f]
            t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
        for root, d in r.per_root.items():
            mine = out.per_root.setdefault(root, {"root": Score(), "triple": Score()})
            for f, s in d.items():
                t = mine[f]
                t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
    return out


def _line(name: str, rep: Any) -> str:
    s = rep.scores
    return (
        f"{name}: {rep.sentences} sentences; root accuracy {rep.root_accuracy:.3f}, root recall "
        f"{s['root'].recall:.3f}, no-event {rep.no_event_accuracy:.3f}, "
        + ", ".join(
            f"{f} P/R/F1 {s[f].precision:.3f}/{s[f].recall:.3f}/{s[f].f1:.3f}" for f in ("source", "target", "triple")
        )
    )


def _per_root(rep: Any) -> str:
    return " ".join(
        f"{r:02d}:{d['root'].f1:.2f}/{d['triple'].f1:.2f}" for r, d in sorted(rep.per_root.items()) if 1 <= r <= 20
    )


def _predictions(coder: Any, gold: list[Any], name: str) -> list[dict[str, Any]]:
    from detente.coder.evaluation import _code_parts, _documents

    out = []
    for doc in _documents(gold):
        events, starts = _code_parts(coder, [g.text for g in doc], doc[0].date)
        for g, lo, hi in zip(doc, starts, [*starts[1:], 1 << 62], strict=True):
            mine = sorted((e for e in events if lo <= e.start < hi), key=lambda e: -e.confidence)
            out.append(
                {
                    "set": name,
                    "id": g.id,
                    "text": g.text,
                    "gold": [[e.source, e.cameo, e.target] for e in g.events],
                    "got": [[e.source, e.cameo, e.target, e.source_sector, e.target_sector, e.rule] for e in mine],
                }
            )
    return out


def _coder(
    model: dict[str, Any] | None, targets: dict[str, Any] | None = None, slots: dict[str, Any] | None = None
) -> Any:
    from detente.coder import nlp
    from detente.core.coder.rootmodel import RootModel, TargetModel

    coder = nlp.NlpCoder(nlp.dictionary(), nlp.load_pipeline(), RootModel.from_obj(model) if model else None)
    coder.core.targets = TargetModel.from_obj(targets) if targets else None
    coder.core.slots = {k: TargetModel.from_obj(v) for k, v in slots.items()} if slots else None
    return coder


def _write(path: Path, obj: dict[str, Any]) -> None:
    path.write_text(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", type=int, default=0, help="document folds to cross-validate with (0: none)")
    ap.add_argument("--check", nargs="*", default=[], help="sets to score with the trained model (never trained on)")
    ap.add_argument("--per-root", action="store_true", help="also print root F1 / triple F1 per CAMEO root")
    ap.add_argument("--dump", type=Path, help="write each held-out sentence's gold and coded events (JSON lines)")
    ap.add_argument("--no-targets", action="store_true", help="no target model (the rules choose context targets)")
    ap.add_argument("--no-slots", action="store_true", help="no slot models (the rules choose sources and targets)")
    ap.add_argument("--out", type=Path, default=DATA / "root_model.json")
    args = ap.parse_args()

    from detente.coder.evaluation import load_gold, score

    if set(args.check) & set(TRAIN):
        sys.exit(f"--check {sorted(set(args.check) & set(TRAIN))}: those sets are trained on")
    print(f"training on {', '.join(TRAIN)} (+ {', '.join(EXTRA)}); never on {', '.join(NEVER)}")
    rows = [(name, r) for name in TRAIN for r in _rows(name)]
    feats = _features([r["text"] for _, r in rows])
    labels = [_labels(r) for _, r in rows]
    extra = [r for name in EXTRA for r in _rows(name)]
    xfeats, xlabels = _features([r["text"] for r in extra]), [_labels(r) for r in extra]
    model = train(feats + xfeats, labels + xlabels, [r["text"] for _, r in rows] + [r["text"] for r in extra])
    _write(args.out, model)
    print(f"wrote {args.out} ({len(model['weights'])} features, {args.out.stat().st_size // 1024} KB)")
    gold = {name: load_gold(DATA / f"{name}.jsonl") for name in TRAIN}
    tgroups = _target_groups(model, gold) if not args.no_targets else []
    targets = train_targets(tgroups) if tgroups else None
    if targets is not None:
        _write(args.out.with_name("target_model.json"), targets)
        print(f"wrote target_model.json ({len(targets['weights'])} features, from {len(tgroups)} choices)")
    sgroups = _slot_groups(model, targets, gold) if not args.no_slots else []
    slots = train_slots(sgroups) if sgroups else None
    if slots:
        _write(args.out.with_name("slot_model.json"), slots)
        n = {k: sum(1 for g in sgroups if g["slot"] == k) for k in ("source", "target")}
        print(f"wrote slot_model.json (from {n['source']} source and {n['target']} target choices)")

    if args.cv:
        from sklearn.model_selection import GroupKFold

        groups = [f"{name}/{r.get('doc')}" for name, r in rows]
        parts: dict[str, list[Any]] = {name: [] for name in TRAIN}
        dumped: list[dict[str, Any]] = []
        for k, (tr, te) in enumerate(GroupKFold(n_splits=args.cv).split(feats, groups=groups)):
            held = {rows[i][1]["id"] for i in te}
            held_docs = {groups[i] for i in te}
            fold_targets = [g for g in tgroups if g["doc"] not in held_docs]
            fold_slots = [g for g in sgroups if g["doc"] not in held_docs]
            coder = _coder(
                train([feats[i] for i in tr] + xfeats, [labels[i] for i in tr] + xlabels),
                train_targets(fold_targets) if fold_targets else None,
                train_slots(fold_slots) if fold_slots else None,
            )
            for name in TRAIN:
                mine = [g for g in gold[name] if g.id in held]
                if mine:
                    parts[name].append(score(coder, mine))
                    if args.dump:
                        dumped.extend(_predictions(coder, mine, name))
            print(f"fold {k + 1}/{args.cv} done", file=sys.stderr)
        if args.dump:
            args.dump.write_text("".join(json.dumps(d) + "\n" for d in dumped), encoding="utf-8")
        for name in [*TRAIN, "all"]:
            rep = _merge([r for n in TRAIN for r in parts[n]] if name == "all" else parts[name])
            print("cv " + _line(name, rep))
            if args.per_root:
                print("   per root (root F1/triple F1): " + _per_root(rep))
    for name in args.check:
        rep = score(_coder(model, targets, slots), load_gold(DATA / f"{name}.jsonl"))
        print("check " + _line(name, rep))
        if args.per_root:
            print("   per root (root F1/triple F1): " + _per_root(rep))


if __name__ == "__main__":
    main()
