"""How fast `journal verify` walks the chain: entries verified per second over a journal of
about a million entries made by `caseledger demo`.

    .venv/bin/python bench/journal_verify.py [--quick] [--reuse DATA_DIR] [--profile]

Judged by: entries/s >= 300,000, and the ratio to raw sha256 throughput over the same bytes
(every entry's header and payload, hashed in memory on one core).
"""

from __future__ import annotations

import cProfile
import hashlib
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET = 300_000


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


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--reuse", metavar="DATA_DIR", help="verify this demo data directory instead")
    p.add_argument("--profile", action="store_true", help="print where single-process time goes")
    args = p.parse_args()
    cases = 70_000 if args.quick else 720_000
    with common.data_dir("verify", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            with common.timer() as made:
                make_journal(cases)
            print(f"demo journal made in {made[0]:.0f}s")
        common.django_setup()
        from caseledger.journal import verify

        verify.verify_chain(parallel=True)  # warm the page cache, as a second run would find it
        with common.timer() as t:
            report = verify.verify_chain(parallel=True)
        if not report.ok:
            sys.exit(f"journal does not verify: {report.first_problem}")
        rate = report.entries / t[0]
        verify.PARALLEL_MIN_ENTRIES = 10**12
        with common.timer() as single:
            verify.verify_chain(parallel=True)
        single_rate = report.entries / single[0]
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(verify.verify_chain)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
        raw, entry_bytes = raw_sha256_rate()
    common.report(
        f"journal verify ({report.entries:,} entries, ~{entry_bytes} bytes hashed each)",
        [
            common.Result("verify_chain", rate, "entries/s", f">= {TARGET:,}/s", rate >= TARGET),
            common.Result("verify_chain, one process", single_rate, "entries/s"),
            common.Result("raw sha256 of the same bytes", raw, "entries/s"),
        ],
        [("verify / raw sha256 (one core)", rate / raw)],
    )


if __name__ == "__main__":
    main()
