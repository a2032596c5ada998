"""How fast `journal verify` walks the chain: entries verified per second over a journal of
about a million entries made by `caseledger demo`.

    .venv/bin/python bench/journal_verify.py [--quick] [--reuse DATA_DIR] [--repeat N] [--profile]
    .venv/bin/python bench/journal_verify.py --records [--cases N] [--reuse DATA_DIR]

Judged by: entries/s >= 300,000 (the best of N timed runs; the median is printed too), and
the ratio to raw sha256 throughput over the same bytes (every entry's header and payload,
hashed in memory on one core). On a shared machine the wall-clock rates follow the load
average (printed); entries per CPU-second (all processes of the run) barely do.

`--records` times the records reconciliation instead (`journal verify --records`: every case
and customer rebuilt from the journal and compared with its row). Judged by: 1M cases in
< 60 s on SQLite, i.e. >= 16,667 cases/s (records/s over cases and customers is printed too).
"""

from __future__ import annotations

import cProfile
import hashlib
import os
import pstats
import resource
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET = 300_000
RECORDS_TARGET = 1_000_000 / 60  # cases/s: 1M cases in < 60 s


def make_journal(cases: int) -> None:
    common.caseledger("migrate", "--no-input")
    # Cases, a fifth as many customers and about a fifth as many notes: ~1.4 entries a case.
    common.caseledger("demo", "--cases", str(cases), "--no-verify", "--no-progress")


def raw_sha256_rate(sample: int = 200_000) -> tuple[float, int]:
    """Entries/s if verifying were nothing but sha256 over each entry's hashed bytes."""
    from django.db import connection

    from caseledger.journal.canonical import canonical_json

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.prev_hash, e.seq, e.at, e.actor_id, e.actor_name, e.via, e.action, "
            "e.object_type, e.object_id, e.root, e.reason, e.payload_hash, p.body "
            "FROM journal_entry e JOIN journal_payload p ON p.entry_id = e.seq "
            "ORDER BY e.seq LIMIT %s",
            [sample],
        )
        rows = cursor.fetchall()
    chunks = []
    for prev, *header, body in rows:
        chunks.append((prev + canonical_json([str(v) for v in header])).encode())
        chunks.append(body.encode())
    size = sum(map(len, chunks))
    sha256 = hashlib.sha256
    with common.timer() as t:
        for chunk in chunks:
            sha256(chunk).digest()
    return len(rows) / t[0], size // max(len(rows), 1)


def cpu_seconds() -> float:
    """CPU time of this process and of every worker it has waited for."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def timed_verify(verify, repeat: int) -> tuple[list[float], float, int]:
    """Entries/s of each of `repeat` runs, entries per CPU-second of the best, entries."""
    rates, per_cpu, entries = [], 0.0, 0
    for _ in range(repeat):
        cpu = cpu_seconds()
        with common.timer() as t:
            report = verify.verify_chain(parallel=True)
        if not report.ok:
            sys.exit(f"journal does not verify: {report.first_problem}")
        entries = report.entries
        rates.append(entries / t[0])
        if rates[-1] == max(rates):
            per_cpu = entries / (cpu_seconds() - cpu)
    return rates, per_cpu, entries


def records(args) -> None:
    cases = args.cases or (10_000 if args.quick else 1_000_000)
    with common.data_dir("reconcile", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            with common.timer() as made:
                make_journal(cases)
            print(f"demo journal made in {made[0]:.0f}s")
        common.django_setup()
        from caseledger.journal.reconcile import reconcile

        reconcile()  # warm the page cache, as a second run would find it
        load_before = os.getloadavg()[0]
        times, cpus = [], []
        for _ in range(args.repeat):
            cpu = cpu_seconds()
            with common.timer() as t:
                report = reconcile()
            times.append(t[0])
            cpus.append(cpu_seconds() - cpu)
            if not report.ok:
                sys.exit(f"records drift from the journal: {report.drifts[0]}")
        load_after = os.getloadavg()[0]
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(reconcile)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    n_cases, n_records = report.checked["case"], sum(report.checked.values())
    best = min(times)
    print(f"load average {load_before:.1f} before the timed runs, {load_after:.1f} after")
    common.report(
        f"journal verify --records ({n_cases:,} cases, {n_records:,} records, "
        f"best of {args.repeat})",
        [
            common.Result(
                "reconcile",
                n_cases / best,
                "cases/s",
                f">= {RECORDS_TARGET:,.0f}/s (1M in < 60 s)",
                n_cases / best >= RECORDS_TARGET,
            ),
            common.Result("reconcile, wall time", best, "s"),
            common.Result("reconcile, median", n_cases / statistics.median(times), "cases/s"),
            common.Result(
                "reconcile, per CPU-second", n_cases / cpus[times.index(best)], "cases/s"
            ),
            common.Result("records (cases + customers)", n_records / best, "records/s"),
            common.Result("1M cases at this rate", 1_000_000 / (n_cases / best), "s"),
        ],
    )


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--reuse", metavar="DATA_DIR", help="verify this demo data directory instead")
    p.add_argument("--repeat", type=int, default=3, metavar="N", help="timed runs (default 3)")
    p.add_argument("--profile", action="store_true", help="print where single-process time goes")
    p.add_argument("--records", action="store_true", help="time the records reconciliation")
    p.add_argument("--cases", type=int, metavar="N", help="demo size for --records (1,000,000)")
    args = p.parse_args()
    if args.records:
        records(args)
        return
    cases = 70_000 if args.quick else 720_000
    with common.data_dir("verify", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            with common.timer() as made:
                make_journal(cases)
            print(f"demo journal made in {made[0]:.0f}s")
        common.django_setup()
        from caseledger.journal import verify

        verify.verify_chain(parallel=True)  # warm the page cache, as a second run would find it
        load_before = os.getloadavg()[0]
        rates, per_cpu, entries = timed_verify(verify, args.repeat)
        limit = verify.PARALLEL_MIN_ENTRIES
        verify.PARALLEL_MIN_ENTRIES = 10**12
        single_rates, single_per_cpu, _ = timed_verify(verify, args.repeat)
        verify.PARALLEL_MIN_ENTRIES = limit
        load_after = os.getloadavg()[0]
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(verify.verify_chain)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
        raw, entry_bytes = raw_sha256_rate()
    rate = max(rates)
    print(f"load average {load_before:.1f} before the timed runs, {load_after:.1f} after")
    common.report(
        f"journal verify ({entries:,} entries, ~{entry_bytes} bytes hashed each, "
        f"best of {args.repeat})",
        [
            common.Result("verify_chain", rate, "entries/s", f">= {TARGET:,}/s", rate >= TARGET),
            common.Result("verify_chain, median", statistics.median(rates), "entries/s"),
            common.Result("verify_chain, per CPU-second", per_cpu, "entries/s"),
            common.Result("verify_chain, one process", max(single_rates), "entries/s"),
            common.Result("one process, median", statistics.median(single_rates), "entries/s"),
            common.Result("one process, per CPU-second", single_per_cpu, "entries/s"),
            common.Result("raw sha256 of the same bytes", raw, "entries/s"),
        ],
        [
            ("verify / raw sha256 (one core)", rate / raw),
            ("one process, per CPU-second / raw sha256", single_per_cpu / raw),
        ],
    )


if __name__ == "__main__":
    main()
