"""Throughput and peak memory of the event coder: the parser pipeline against today's rules coder, one run.

Run: .venv/bin/python -m benchmarks.bench_coder [--sentences 5000] [--seed 7] [--json]

The corpus is built from detente's own sentence templates (actors x acts x objects x times, below; no
development, hold-out or reserved text), combined with a seeded generator into 8-sentence documents
until it holds at least --sentences sentences. Phases, one after another in the same process:

* floor: spaCy's parse alone (the pipes the coder reads, nlp.pipe, batched, both cores);
* parser, 1 process: parse + dictionary coding (nlp.pipe, batch 256);
* parser, 2 processes: each of 2 worker processes parses and codes half the documents (both cores);
* parser, nlp.pipe n_process=2: spaCy's own multiprocessing, coding in the main process;
* rules, 1 process and 2 processes: today's rules-only coder (no parser).

Wall seconds are what a user waits; the 2 cores are shared by other sessions (see BENCHMARKS.md).
Peak RSS: this process and, separately, the largest worker process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import platform
import resource
import time
from typing import Any

import numpy as np

DOC = dt.date(2024, 5, 9)

SUBJECTS = [
    "Russian troops", "The Ukrainian army", "Israel", "Hamas fighters", "The United States", "China",
    "Indian and Pakistani officers", "The African Union", "Ethiopian federal forces", "The TPLF",
    "Sudan's army", "France", "The European Union", "NATO", "Japan and South Korea", "Turkey",
    "Egyptian mediators", "The UN Security Council", "Iranian officials", "Police in Nairobi",
]  # fmt: skip
ACTS = [
    "attacked", "held talks with", "signed a ceasefire agreement with", "accused", "threatened to strike",
    "refused to meet", "imposed sanctions on", "arrested members of", "withdrew troops from the border with",
    "condemned", "hosted a delegation from", "sent humanitarian aid to", "did not attack", "will meet",
    "praised", "expelled diplomats from", "shelled positions held by", "investigated", "urged",
    "held joint naval exercises with",
]  # fmt: skip
OBJECTS = [
    "Georgia", "the rebels", "Azerbaijan", "Armenia", "Somalia", "the opposition", "Kenya", "Myanmar's junta",
    "Colombia", "Lebanon", "the Palestinians", "Syria", "Yemen's Houthi rebels", "Afghanistan", "Sri Lanka",
]  # fmt: skip
TIMES = ["on Monday", "on Tuesday", "late on Friday", "last week", "in March", "overnight", "", "on 4 May"]
EXTRAS = [
    "{s} said {s2} {a} {o} {t}.",
    "{s} {a} {o} {t}, officials said.",
    "{s} {a} {o} {t}.",
    "Witnesses said markets in the capital stayed closed {t}.",
    "{o} was attacked by {s} {t}.",
]


def corpus(n: int, seed: int) -> list[str]:
    """Documents of 8 template sentences, at least ``n`` sentences in all (seeded)."""
    rng = np.random.default_rng(seed)
    docs: list[str] = []
    total = 0
    while total < n:
        sents = []
        for _ in range(8):
            form = EXTRAS[int(rng.integers(len(EXTRAS)))]
            s = (
                form.format(
                    s=SUBJECTS[int(rng.integers(len(SUBJECTS)))],
                    s2=SUBJECTS[int(rng.integers(len(SUBJECTS)))].lower().replace("the ", "the "),
                    a=ACTS[int(rng.integers(len(ACTS)))],
                    o=OBJECTS[int(rng.integers(len(OBJECTS)))],
                    t=TIMES[int(rng.integers(len(TIMES)))],
                )
                .replace(" .", ".")
                .replace(" ,", ",")
            )
            sents.append(s[0].upper() + s[1:])
        docs.append(" ".join(sents))
        total += 8
    return docs


def _rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _parse_worker(docs: list[str]) -> tuple[int, int, float, float]:
    from detente.coder.nlp import dictionary, load_pipeline

    nlp = load_pipeline()
    dictionary()
    c0 = time.process_time()
    n = sum(len(list(d.sents)) for d in nlp.pipe(docs, batch_size=256))
    return n, 0, _rss_mib(), time.process_time() - c0


def _parser_worker(docs: list[str]) -> tuple[int, int, float, float]:
    from detente.coder.nlp import NlpCoder, dictionary, load_pipeline, root_model, target_model

    c = NlpCoder(dictionary(), load_pipeline(), root_model(), target_model())  # as make_coder builds it
    c0 = time.process_time()
    events = sum(len(r.events) for r in c.code_many(((d, DOC) for d in docs), batch_size=256))
    return 0, events, _rss_mib(), time.process_time() - c0


def _rules_worker(docs: list[str]) -> tuple[int, int, float, float]:
    from detente.coder import rules_coder

    r = rules_coder()
    c0 = time.process_time()
    return 0, sum(len(r.code(d, DOC)) for d in docs), _rss_mib(), time.process_time() - c0


def _warm(_: int) -> float:
    from detente.coder import rules_coder
    from detente.coder.nlp import dictionary, load_pipeline, root_model, target_model

    load_pipeline()
    dictionary()
    root_model()
    target_model()
    rules_coder()
    return _rss_mib()


def _pool_phase(pool: Any, name: str, fn: Any, docs: list[str], sentences: int) -> dict[str, Any]:
    halves = [docs[0::2], docs[1::2]]
    t0 = time.perf_counter()
    parts = pool.map(fn, halves)
    wall = time.perf_counter() - t0
    return {
        "phase": name,
        "sentences": sentences,
        "events": sum(p[1] for p in parts),
        "wall_seconds": round(wall, 2),
        "sentences_per_second": round(sentences / wall, 1),
        "cpu_seconds": round(sum(p[3] for p in parts), 2),
        "sentences_per_cpu_second": round(sentences / sum(p[3] for p in parts), 1),
        "worker_peak_rss_mib": max(p[2] for p in parts),
    }


def _phase(name: str, fn: Any, sentences: int) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    events = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "phase": name,
        "sentences": sentences,
        "events": events,
        "wall_seconds": round(wall, 2),
        "sentences_per_second": round(sentences / wall, 1),
        "cpu_seconds": round(cpu, 2),
        "sentences_per_cpu_second": round(sentences / cpu, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from detente.coder import rules_coder
    from detente.coder.nlp import NlpCoder, dictionary, load_pipeline, root_model, target_model

    docs = corpus(a.sentences, a.seed)
    t0 = time.perf_counter()
    nlp = load_pipeline()
    load_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    d = dictionary()
    load_dict = time.perf_counter() - t0
    coder = NlpCoder(d, nlp, root_model(), target_model())
    sentences = sum(len(list(x.sents)) for x in nlp.pipe(docs[:50], batch_size=256)) * len(docs) // 50
    rules = rules_coder()
    rules.code(docs[0], DOC)
    out: list[dict[str, Any]] = []
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        pool.map(_warm, [0, 1])  # both workers load the pipeline and dictionaries before timing
        out.append(_pool_phase(pool, "floor: parse only, 2 processes", _parse_worker, docs, sentences))
        out.append(_pool_phase(pool, "parser: parse + code, 2 processes", _parser_worker, docs, sentences))
        out.append(_pool_phase(pool, "rules (today's coder), 2 processes", _rules_worker, docs, sentences))
    out.append(
        _phase(
            "parser: parse + code, 1 process",
            lambda: sum(len(r.events) for r in coder.code_many(((x, DOC) for x in docs), batch_size=256)),
            sentences,
        )
    )
    out.append(
        _phase("rules (today's coder), 1 process", lambda: sum(len(rules.code(x, DOC)) for x in docs), sentences)
    )
    by = {r["phase"]: r for r in out}
    result = {
        "uptime_load": " ".join(__import__("os").getloadavg().__repr__().strip("()").split(", ")),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, 2 cores (shared), 24 GiB",
        "documents": len(docs),
        "sentences": sentences,
        "model_load_seconds": round(load_model, 2),
        "dictionary_load_seconds": round(load_dict, 2),
        "phases": out,
        "peak_rss_mib_main": _rss_mib(),
        "ratio_parser2_over_rules1": round(
            by["parser: parse + code, 2 processes"]["sentences_per_second"]
            / by["rules (today's coder), 1 process"]["sentences_per_second"],
            3,
        ),
    }
    if a.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['date']}  {result['machine']}  {len(docs)} documents, ~{sentences} sentences")
    print(f"  model load {result['model_load_seconds']} s, dictionary load {result['dictionary_load_seconds']} s")
    for r in out:
        print(
            f"  {r['phase']:<40} wall {r['wall_seconds']:>7.2f} s  {r['sentences_per_second']:>8.1f} sentences/s"
            f"  cpu {r['cpu_seconds']:>7.2f} s  {r['sentences_per_cpu_second']:>8.1f} sentences/cpu-s"
            f"  {r['events']:>6} events"
            + (f"  worker peak RSS {r['worker_peak_rss_mib']} MiB" if "worker_peak_rss_mib" in r else "")
        )
    print(
        f"  peak RSS (main) {result['peak_rss_mib_main']} MiB; parser(2)/rules(1) {result['ratio_parser2_over_rules1']}"
    )


if __name__ == "__main__":
    main()
