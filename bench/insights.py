"""Insights on the demo: roll-up rebuild, p50/p95 of each dashboard panel (API) and of the
whole dashboard page (web) over HTTP, roll-up refresh after 10k new cases, review report
generation time.

    .venv/bin/python bench/insights.py [--quick] [--cases N] [--reuse DATA_DIR] [--no-build]

Judged by: dashboard page p95 < 300 ms at 1M cases on SQLite (issue 15), as a supervisor
(their department) and as compliance (everything, restricted records included).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

PANELS = (
    "summary",
    "trend",
    "breakdown",
    "products",
    "root_causes",
    "repeats",
    "backlog",
    "sla",
    "workload",
)


def timed_gets(session, url: str, n: int, **kwargs) -> list[float]:
    session.get(url, timeout=120, **kwargs).raise_for_status()  # warm
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = session.get(url, timeout=120, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--reuse", metavar="DATA_DIR")
    p.add_argument("--no-build", action="store_true", help="use the roll-ups as they are")
    p.add_argument("--runs", type=int, default=30, help="timed requests per panel and page")
    p.add_argument("--added", type=int, default=10_000, help="new cases for the refresh")
    args = p.parse_args()
    if args.quick:
        args.cases, args.runs, args.added = 2000, 5, 500
    with common.data_dir("insights", keep=args.keep, reuse=args.reuse):
        common.caseledger("migrate", "-v0")
        if not args.reuse:
            common.caseledger("demo", "--cases", str(args.cases), "--no-progress")
        common.django_setup()
        from django.db import connection
        from django.utils import timezone

        from caseledger.accounts.models import User
        from caseledger.accounts.services import token_create
        from caseledger.cases.models import Case
        from caseledger.core import clock
        from caseledger.insights import rollup
        from caseledger.insights.models import Rollup
        from caseledger.insights.services import review_generate

        results: list[common.Result] = []
        total = Case.objects.count()
        print(f"{total:,} cases on {connection.vendor}")
        if not args.no_build:
            started = time.perf_counter()
            built = rollup.rebuild()
            took = time.perf_counter() - started
            results.append(common.Result("rebuild", took, "s"))
            print(f"rebuilt {built['cases']:,} cases into {built['rows']:,} rows in {took:.1f} s")
        rollup.catch_up()
        results.append(common.Result("roll-up rows", Rollup.objects.count(), "rows"))
        compliance = User.objects.get(username="compliance")
        _token, secret = token_create(
            actor=None, user=compliance, name="bench-insights", scopes=["insights:read"]
        )
        with common.server() as base:
            api = __import__("requests").Session()
            api.headers["Authorization"] = f"Bearer {secret}"
            for name in PANELS:
                times = timed_gets(api, f"{base}/api/v1/insights/panels/{name}", args.runs)
                results.append(
                    common.Result(f"panel {name} p50", common.percentile(times, 50), "ms")
                )
                results.append(
                    common.Result(f"panel {name} p95", common.percentile(times, 95), "ms")
                )
            for who in ("service.supervisor", "compliance"):
                web = common.login(base, who, os.environ["CASELEDGER_DEMO_PASSWORD"])
                times = timed_gets(web, f"{base}/insights/", args.runs)
                p95 = common.percentile(times, 95)
                results.append(common.Result(f"page {who} p50", common.percentile(times, 50), "ms"))
                results.append(
                    common.Result(f"page {who} p95", p95, "ms", "< 300 ms at 1M", p95 < 300)
                )
        common.caseledger(
            "demo", "--cases", str(args.added), "--force", "--no-progress", "--seed", "7"
        )
        lag = rollup.lag()["entries"]
        started = time.perf_counter()
        done = rollup.catch_up()
        took = time.perf_counter() - started
        results.append(common.Result(f"refresh after {args.added:,} new cases", took, "s"))
        print(
            f"refresh: {lag:,} journal entries, {done['cases']:,} cases recounted in {took:.1f} s"
        )
        last = timezone.localtime(clock.now()).date().replace(day=1) - dt.timedelta(days=1)
        for department in (None, "service"):
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                review_generate(actor=None, period=last.strftime("%Y-%m"), department=department)
                runs.append(time.perf_counter() - started)
            label = department or "organisation"
            results.append(common.Result(f"review report {label}", statistics.median(runs), "s"))
        common.report(f"insights on {total:,} cases ({connection.vendor})", results)


if __name__ == "__main__":
    main()
