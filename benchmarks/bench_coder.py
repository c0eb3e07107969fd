"""Throughput and peak memory of the event coder on a corpus of a few thousand sentences.

Run: .venv/bin/python -m benchmarks.bench_coder [--sentences 4000] [--seed 7] [--json]

The corpus is built from the packaged development set (every sentence of both splits) and, where
../shared/seeds exists, the source documents, shuffled into 8-sentence paragraphs with a seeded
generator until it holds at least --sentences sentences. Measured in one process, one after another:

* floor: sentence splitting + tokenising only (what any coder pays before it codes anything);
* rules: the rules-only coder (dictionaries, verb patterns, dates, roles);
* rules + model: the coder with the MiniLM fallback (only sentences the rules miss reach the model),
  when the [model] extra is installed;
* model on every sentence: MiniLM encoding of every sentence (what an embedding-only classifier would
  pay), timed on the first 500 sentences when installed.

Each phase reports wall and CPU seconds (the 2 cores are shared by other work: CPU time is steadier).
Peak memory is tracemalloc's peak of Python allocations over 50 documents of the rules phases, and the
process's peak RSS at the end (torch's native allocations show only there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

from detente.coder import build_coder, rules_coder
from detente.coder.evaluation import dev_set
from detente.core.coder import split_sentences, tokenize

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
DOC = dt.date(2024, 5, 9)


def corpus(n: int, seed: int) -> list[str]:
    """Documents (paragraphs of 8 sentences) holding at least ``n`` sentences in all."""
    pool = [g.text for g in dev_set()]
    if SEEDS.is_dir():
        for f in sorted(SEEDS.glob("*.txt")):
            pool += [s.text for s in split_sentences(f.read_text(encoding="utf-8"))]
    rng = np.random.default_rng(seed)
    docs: list[str] = []
    total = 0
    while total < n:
        idx = rng.choice(len(pool), size=8, replace=False)
        docs.append(" ".join(pool[i] for i in idx))
        total += 8
    return docs


def phase(name: str, docs: list[Any], fn: Any, memory: bool = True) -> dict[str, Any]:
    """Wall and CPU seconds of one pass (the machine is shared: CPU time is the steadier figure), then the
    peak of Python allocations in a second pass over the first 50 documents under tracemalloc."""
    t0, c0 = time.perf_counter(), time.process_time()
    sentences = events = 0
    for d in docs:
        s, e = fn(d)
        sentences += s
        events += e
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    row = {
        "phase": name,
        "sentences": sentences,
        "events": events,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "sentences_per_second_wall": round(sentences / wall, 1),
        "sentences_per_cpu_second": round(sentences / cpu, 1),
    }
    if memory:
        tracemalloc.start()
        for d in docs[:50]:
            fn(d)
        row["peak_python_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    docs = corpus(a.sentences, a.seed)
    rules = rules_coder()
    rules.code(docs[0], DOC)  # warm: dictionaries loaded, patterns compiled
    out: list[dict[str, Any]] = [
        phase(
            "floor: split + tokenise",
            docs,
            lambda d: (len(ss := split_sentences(d)), sum(len(tokenize(s.text)) * 0 for s in ss)),
        ),
        phase("rules", docs, lambda d: (len(split_sentences(d)), len(rules.code(d, DOC)))),
    ]
    from detente.coder.embedding import EmbeddingFallback, available

    if available():
        t0 = time.perf_counter()
        model = build_coder(True)
        load = round(time.perf_counter() - t0, 1)
        row = phase("rules + model", docs, lambda d: (len(split_sentences(d)), len(model.code(d, DOC))), memory=False)
        row["model_load_seconds"] = load
        out.append(row)
        fb = model.fallback
        assert isinstance(fb, EmbeddingFallback)
        first = [s.text for d in docs for s in split_sentences(d)][:500]
        out.append(
            phase("model on every sentence (500)", [first], lambda ss: (len(ss), len(fb._encode(ss))), memory=False)
        )
    else:
        out.append({"phase": "rules + model", "skipped": "the [model] extra is not installed"})
    result = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, 2 cores (shared), 24 GiB",
        "documents": len(docs),
        "phases": out,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if a.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['date']}  {result['machine']}  {len(docs)} documents; peak RSS {result['peak_rss_mib']} MiB")
    for r in out:
        if "skipped" in r:
            print(f"  {r['phase']:<32} skipped: {r['skipped']}")
        else:
            print(
                f"  {r['phase']:<32} {r['sentences']:>6} sentences  wall {r['wall_seconds']:>7.2f} s "
                f"({r['sentences_per_second_wall']:>7.1f}/s)  cpu {r['cpu_seconds']:>7.2f} s "
                f"({r['sentences_per_cpu_second']:>7.1f}/s)  {r['events']:>5} events"
                + (f"  peak {r['peak_python_mib']} MiB" if "peak_python_mib" in r else "")
                + (f"  (load {r['model_load_seconds']} s)" if "model_load_seconds" in r else "")
            )


if __name__ == "__main__":
    main()
