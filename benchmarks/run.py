"""Run every benchmark in one go (`make bench`); each prints its own figures and ratios."""

from __future__ import annotations

import subprocess
import sys

MODULES = ("bench_ingest", "bench_index", "bench_sim", "bench_forecast", "bench_coder", "bench_ops")


def main() -> None:
    only = set(sys.argv[1:])
    failed = []
    for m in MODULES:
        if only and m not in only:
            continue
        print(f"== benchmarks.{m}", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{m}"], check=False).returncode != 0:
            failed.append(m)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
