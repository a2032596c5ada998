"""CPU milliseconds per in-process `case_create`, for several builds of caseledger in one run.

    .venv/bin/python bench/compare_builds.py [--calls 300] [--rounds 3] CHECKOUT [CHECKOUT ...]

Each CHECKOUT is a source tree (e.g. `git worktree add --detach /tmp/old 34c27de`); each
round runs every build in a fresh process against a fresh SQLite data directory (this
venv's packages, that tree's `src/` and `bench/`), 20 warm-up calls and then CALLS calls as
`bench/ingest.py` makes them. Prints each build's CPU ms per call per round, the medians,
and each median over the first build's: the hardware-free ratio (issue 10's bar: no
benchmark more than 10 % slower). CPU time, not wall: on a shared machine wall time
measures the other tenants and each commit's fsync.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "bench"))
import common, ingest
calls = int(sys.argv[2])
with common.data_dir("compare"):
    common.django_setup()
    target = ingest.prepare()
    from caseledger.cases.services import case_create
    from caseledger.core.context import via
    data = {**ingest.CASE, "department": "sales", "customer": target["customer"]}
    with via("api"):
        for _ in range(20):
            case_create(actor=target["agent"], data=data)
        cpu = time.process_time()
        for _ in range(calls):
            case_create(actor=target["agent"], data=data)
    print((time.process_time() - cpu) / calls * 1000)
"""


def run(tree: Path, calls: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(calls)],
        env=env, capture_output=True, text=True, check=True, cwd="/",
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trees", nargs="+", type=Path)
    p.add_argument("--calls", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    figures: dict[Path, list[float]] = {t: [] for t in args.trees}
    for r in range(args.rounds):
        for tree in args.trees:
            figures[tree].append(run(tree.resolve(), args.calls))
            print(f"round {r + 1}  {tree}: {figures[tree][-1]:.2f} ms", flush=True)
    base = statistics.median(figures[args.trees[0]])
    print("\nbuild: median CPU ms per case_create (ratio to the first build)")
    for tree, values in figures.items():
        median = statistics.median(values)
        print(f"  {tree}: {median:.2f} ms ({median / base:.2f})")


if __name__ == "__main__":
    main()
