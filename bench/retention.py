"""Records lifecycle at scale, on the 1M-case demo data: `caseledger retention plan`, then an
archive run of 100k cases (JSON Lines + zstd segments, fsynced, then stubbed and journaled).

    .venv/bin/python bench/retention.py --data-dir /tmp/demo1m-archive [--archive 100000]
    .venv/bin/python bench/retention.py --quick      # a small fresh demo, to check it works
    .venv/bin/python bench/retention.py --data-dir /tmp/demo1m-plan --plan-only

The data directory is changed (cases are archived): pass a copy. Judged by: plan < 30 s;
archiving 100k cases < 60 s; archive MB/s, and its ratio to raw zstd compression of the same
bytes at the same level in this run; segments compress >= 3x. With --plan-only: the plan,
then a full `retention recompute` (what the daily run starts with) instead of the archive.
A data directory with no schedules gets the demo's (every demo industry's presets, each
narrowed to its industry's customers) and the demo's two legal holds, so the plan has work.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

ADOPT = """
from caseledger.accounts.models import User
from caseledger.demo.lifecycle import adopt_schedules, place_holds
from caseledger.retention.models import RetentionSchedule
if not RetentionSchedule.objects.filter(is_current=True).exists():
    adopt_schedules(User.objects.get(username="records"))
    place_holds(User.objects.get(username="compliance"))
print(RetentionSchedule.objects.filter(is_current=True).count())
"""

FAR = "2040-01-01"  # judge inactivity as of a later day, so old-enough closed cases abound


def raw_zstd(names: list[str]) -> tuple[float, int, int]:
    """Seconds to compress, in this process, the uncompressed bytes of the given segments,
    one zstd frame per segment at the archive's level: what archiving would cost if it did
    nothing but compress."""
    import zstandard

    from caseledger.archive import segments, store

    target = store.configured()
    raws = [
        zstandard.ZstdDecompressor().decompress(target.get(segments.data_file(n))) for n in names
    ]
    with common.timer() as t:
        stored = sum(len(zstandard.ZstdCompressor(level=segments.LEVEL).compress(r)) for r in raws)
    return t[0], sum(map(len, raws)), stored


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--data-dir", help="a copy of the 1M-case demo data directory (changed!)")
    p.add_argument("--archive", type=int, default=100_000, help="cases to archive")
    p.add_argument("--plan-only", action="store_true", help="plan and recompute, no archive")
    args = p.parse_args()
    count = 300 if args.quick else args.archive
    with common.data_dir("retention", keep=args.keep, reuse=args.data_dir) as path:
        if not args.data_dir:
            common.caseledger("migrate", "-v0")
            common.caseledger("demo", "--cases", "2000", "--seed", "7")
        common.caseledger("migrate", "-v0")  # the demo data may predate the archive tables
        os.environ["CASELEDGER_PROGRESS"] = "0"
        schedules = common.caseledger("shell", "-c", ADOPT).strip().splitlines()[-1]
        with common.timer() as plan_t:
            plan = json.loads(common.caseledger("retention", "plan", "--json"))
        if args.plan_only:
            plan_only(plan, plan_t[0], schedules, path)
            return
        with common.timer() as run_t:
            out = common.caseledger(
                "archive", "run", "--on", FAR, "--limit", str(count), "--json", "--no-progress"
            )
        run = json.loads(out)
        common.django_setup()
        zstd_seconds, raw_bytes, _stored = raw_zstd(run["segment_names"])
        with common.timer() as verify_t:
            common.caseledger("archive", "verify", "--json")
        cases = common.caseledger("shell", "-c", "from caseledger.cases.models import Case;"
                                  "print(Case.objects.count())").strip().splitlines()[-1]  # fmt: skip
    archive_mbs = run["raw_bytes"] / 1e6 / run_t[0]
    zstd_mbs = raw_bytes / 1e6 / zstd_seconds
    ratio = run["raw_bytes"] / run["stored_bytes"] if run["stored_bytes"] else 0.0
    archived = run["archived"]
    results = [
        common.Result("retention plan", plan_t[0], "s", "< 30 s", plan_t[0] < 30),
        common.Result(
            f"archive run ({archived} cases)",
            run_t[0],
            "s",
            "< 60 s",
            run_t[0] < 60 and archived >= count,
        ),
        common.Result("archive throughput", archive_mbs, "MB/s"),
        common.Result("raw zstd, same bytes", zstd_mbs, "MB/s"),
        common.Result("segment compression", ratio, "x", ">= 3x", ratio >= 3),
        common.Result("archive verify", verify_t[0], "s"),
    ]
    common.report(
        f"retention ({cases} cases, {run['segments']} segments, "
        f"{run['raw_bytes'] / 1e6:.0f} MB raw, data dir {path})",
        results,
        [("archive MB/s / raw zstd MB/s", archive_mbs / zstd_mbs)],
    )
    print(f"  load: {os.getloadavg()}")


def plan_only(plan: dict, plan_seconds: float, schedules: str, path: Path) -> None:
    with common.timer() as recompute_t:
        common.caseledger("retention", "recompute", "--json", "--no-progress")
    records = sum(plan["by_state"].values())
    results = [
        common.Result("retention plan", plan_seconds, "s", "< 30 s", plan_seconds < 30),
        common.Result("plan rate", records / plan_seconds, "records/s"),
        common.Result("retention recompute", recompute_t[0], "s"),
        common.Result("recompute rate", records / recompute_t[0], "records/s"),
    ]
    states = ", ".join(f"{k} {v}" for k, v in sorted(plan["by_state"].items()))
    common.report(
        f"retention plan ({records} records, {schedules} schedules: {states}; data dir {path})",
        results,
    )
    print(f"  load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
