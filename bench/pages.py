"""Page latency over HTTP on the 1M-case demo data: the case list (filtered, sorted,
paginated), a case detail and a customer detail, logged in, against `caseledger serve`.

    .venv/bin/python bench/pages.py [--quick] [--reuse DATA_DIR] [--user auditor]

Judged by: p95 < 150 ms for each page, and the ratio of each p95 to the p95 of /healthz on
the same server (the cost of the framework and the network alone).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_MS = 150.0
LISTS = [
    "/cases/?status=investigating&sort=-received&page={page}",
    "/cases/?status=closed&sort=received&page={page}",
    "/cases/?category=billing&sort=-updated&page={page}",
    "/cases/?sort=-received&page={page}",
]


def make_demo(cases: int) -> None:
    common.caseledger("migrate", "--no-input")
    common.caseledger("demo", "--cases", str(cases), "--no-progress")


def ids(table: str) -> tuple[int, int]:
    import sqlite3

    from django.conf import settings

    db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    low, high = db.execute(f"SELECT MIN(id), MAX(id) FROM {table}").fetchone()
    db.close()
    return low, high


def measure(session, base: str, paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        with common.timer() as t:
            response = session.get(base + path, timeout=60)
        # /healthz answers 503 while no worker heartbeats; it still measures the server.
        if response.status_code != 200 and not (path == "/healthz" and response.ok is False):
            sys.exit(f"GET {path}: HTTP {response.status_code}")
        timings.append(t[0] * 1000)
    return timings


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--reuse", metavar="DATA_DIR", help="use this demo data directory")
    p.add_argument("--user", default="auditor", help="who browses (auditor sees every case)")
    args = p.parse_args()
    cases = 50_000 if args.quick else 1_000_000
    rounds = 30 if args.quick else 150
    rng = random.Random(1)
    with common.data_dir("pages", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            with common.timer() as made:
                make_demo(cases)
            print(f"demo data made in {made[0]:.0f}s")
        common.django_setup()
        case_ids, customer_ids = ids("cases_case"), ids("customers_customer")
        with common.server() as base:
            session = common.login(base, args.user, os.environ["CASELEDGER_DEMO_PASSWORD"])
            pages = {
                "case list": [
                    rng.choice(LISTS).format(page=rng.randint(1, 20)) for _ in range(rounds)
                ],
                "case detail": [f"/cases/{rng.randint(*case_ids)}/" for _ in range(rounds)],
                "customer detail": [
                    f"/customers/{rng.randint(*customer_ids)}/" for _ in range(rounds)
                ],
            }
            measure(session, base, [paths[0] for paths in pages.values()])  # warm up
            baseline = common.percentile(measure(session, base, ["/healthz"] * rounds), 95)
            results, ratios = [], []
            for name, paths in pages.items():
                timings = measure(session, base, paths)
                p95 = common.percentile(timings, 95)
                results.append(
                    common.Result(
                        f"{name} p95", p95, "ms", f"< {TARGET_MS:.0f} ms", p95 < TARGET_MS
                    )
                )
                results.append(common.Result(f"{name} p50", common.percentile(timings, 50), "ms"))
                ratios.append((f"{name} p95 / healthz p95", p95 / baseline))
            results.append(common.Result("/healthz p95", baseline, "ms"))
    common.report(
        f"pages ({cases:,} demo cases, as {args.user}, {rounds} requests each)", results, ratios
    )


if __name__ == "__main__":
    main()
