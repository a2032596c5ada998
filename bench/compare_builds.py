"""CPU milliseconds per in-process call, for several builds of caseledger in one run.

    .venv/bin/python bench/compare_builds.py [--calls 300] [--rounds 3]
        [--call case_create|intake_record|post_cases|post_intake] CHECKOUT [CHECKOUT ...]

Each CHECKOUT is a source tree (e.g. `git worktree add --detach /tmp/old 34c27de`); each
round runs every build in a fresh process against a fresh SQLite data directory (this
venv's packages, that tree's `src/` and `bench/`), 20 warm-up calls and then CALLS calls as
`bench/ingest.py` makes them: the service itself (`case_create`, the default, or
`intake_record`), or the whole request through Django's WSGI handler in this process
(`post_cases`, `post_intake`: middleware, token, ninja, idempotency wrapper, service,
rendering; no socket, no gunicorn), which is what the API adds to its service. Prints each build's CPU ms per call per round, the medians,
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
import io, json, os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "bench"))
import common, ingest
calls, what = int(sys.argv[2]), sys.argv[3]
with common.data_dir("compare"):
    common.django_setup()
    target = ingest.prepare()
    from caseledger.cases.services import case_create
    from caseledger.core.context import via
    from caseledger.intake.services import intake_record
    from django.core.wsgi import get_wsgi_application
    app = get_wsgi_application()
    data = {**ingest.CASE, "department": "sales", "customer": target["customer"]}
    numbers = iter(range(10_000_000, 20_000_000))

    def post(path, body):
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": "Bearer " + target["token"],
        }
        status = []
        b"".join(app(environ, lambda s, headers, exc=None: status.append(s)))
        assert status[0].startswith("201"), status

    case_body = json.dumps(data).encode()
    calls_of = {
        "case_create": lambda: case_create(actor=target["agent"], data=data),
        "intake_record": lambda: intake_record(
            actor=target["agent"], data=ingest.intake_body(next(numbers)), source="api"
        ),
        "post_cases": lambda: post("/api/v1/cases", case_body),
        "post_intake": lambda: post(
            "/api/v1/intake", json.dumps(ingest.intake_body(next(numbers))).encode()
        ),
    }
    call = calls_of[what]
    with via("api"):
        for _ in range(20):
            call()
        cpu = time.process_time()
        for _ in range(calls):
            call()
    print((time.process_time() - cpu) / calls * 1000)
"""


def run(tree: Path, calls: int, what: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(calls), what],
        env=env, capture_output=True, text=True, check=True, cwd="/",
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trees", nargs="+", type=Path)
    p.add_argument("--calls", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument(
        "--call", choices=["case_create", "intake_record", "post_cases", "post_intake"],
        default="case_create",
    )  # fmt: skip
    args = p.parse_args()
    figures: dict[Path, list[float]] = {t: [] for t in args.trees}
    for r in range(args.rounds):
        for tree in args.trees:
            figures[tree].append(run(tree.resolve(), args.calls, args.call))
            print(f"round {r + 1}  {tree}: {figures[tree][-1]:.2f} ms", flush=True)
    base = statistics.median(figures[args.trees[0]])
    print(f"\nbuild: median CPU ms per {args.call} (ratio to the first build)")
    for tree, values in figures.items():
        median = statistics.median(values)
        print(f"  {tree}: {median:.2f} ms ({median / base:.2f})")


if __name__ == "__main__":
    main()
