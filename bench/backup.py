"""Backup benchmark: snapshot throughput and its ratio to `VACUUM INTO` alone, restore time
(RTO, target < 2 min on the 1M-case demo), and drill duration.

    .venv/bin/python bench/backup.py [--quick] [--reuse DIR]

--reuse DIR takes a demo data directory (made with `caseledger demo`); it is copied first
with SQLite's online backup, so the benchmark never writes into it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

RTO_TARGET_S = 120
DB = "caseledger.sqlite3"


def copy_data_dir(source: Path, target: Path) -> None:
    """A consistent copy of a live data directory: the database through SQLite's backup
    API, the keys and checkpoint log as files."""
    with sqlite3.connect(source / DB) as src, sqlite3.connect(target / DB) as dst:
        src.backup(dst, pages=65536)
    for name in ("keys", "checkpoints", "attachments"):
        if (source / name).exists():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
    if (source / "secret_key").exists():
        shutil.copy2(source / "secret_key", target / "secret_key")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--reuse", metavar="DATA_DIR", help="copy this demo data directory first")
    args = p.parse_args()
    cases = 20_000 if args.quick else 200_000
    with common.data_dir("backup", keep=args.keep) as data:
        if args.reuse:
            with common.timer() as copied:
                copy_data_dir(Path(args.reuse), data)
            print(f"copied {args.reuse} in {copied[0]:.0f}s")
            common.caseledger("migrate")
        else:
            common.caseledger("migrate")
            common.caseledger("demo", "--cases", str(cases), "--seed", "1", "--no-progress")
        db_bytes = (data / DB).stat().st_size
        scratch = Path(tempfile.mkdtemp(prefix="caseledger-bench-backup-scratch-"))
        try:
            with common.timer() as vacuum, sqlite3.connect(data / DB) as conn:
                conn.execute("VACUUM INTO ?", (str(scratch / "vacuum.sqlite3"),))
            (scratch / "vacuum.sqlite3").unlink()
            with common.timer() as snapshot:
                run = json.loads(common.caseledger("backup", "run", "--json", "--no-progress"))
            with common.timer() as restore:
                common.caseledger(
                    "restore", "--from", "primary", "--to", str(scratch / "restored"),
                    "--no-progress",
                )  # fmt: skip
            with common.timer() as drill:
                common.caseledger("drill", "--json", "--no-progress")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    mb = db_bytes / 1e6
    destinations = len(run.get("destinations", [])) if isinstance(run, dict) else 0
    common.report(
        f"backup ({mb:,.0f} MB database, {destinations or '?'} destinations)",
        [
            common.Result("VACUUM INTO alone", mb / vacuum[0], "MB/s"),
            common.Result("backup run (all destinations)", mb / snapshot[0], "MB/s"),
            common.Result("backup run", snapshot[0], "s"),
            common.Result(
                "restore (RTO)", restore[0], "s", f"< {RTO_TARGET_S} s", restore[0] < RTO_TARGET_S
            ),
            common.Result("drill (every destination)", drill[0], "s"),
        ],
        [("backup run / VACUUM INTO alone (MB/s)", vacuum[0] / snapshot[0])],
    )


if __name__ == "__main__":
    main()
