"""`caseledger import ARGS` in this process, with the time SQLite spends writing measured.

    .venv/bin/python bench/import_writes.py FILE --as USER --department CODE --commit ...

Run by `bench/import.py --writes`. Every raw insert of the import (`journal.bulk.insert_rows`:
cases, journal entries and payloads, external ids, customers, contact points, problems) and
every commit is timed; the rest of the pass (reading, checking, planning, rendering, hashing)
is what is left. Prints one JSON object: the import's own result, its wall and CPU seconds,
and per table the rows written and the seconds spent inserting them.

The writes alone are the floor no amount of work on the Python side can go below while one
SQLite connection writes the cases with their indexes and the journal (issue 13's 60 s).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common


def main() -> None:
    common.django_setup()
    from django.db.backends.base.base import BaseDatabaseWrapper

    from caseledger.cli.main import main as caseledger
    from caseledger.journal import bulk

    seconds: Counter[str] = Counter()
    rows: Counter[str] = Counter()
    insert = bulk.insert_rows

    def timed_insert(model, columns, values) -> None:
        values = values if isinstance(values, list) else list(values)
        started = time.perf_counter()
        insert(model, columns, values)
        seconds[model.__name__] += time.perf_counter() - started
        rows[model.__name__] += len(values)

    commit = BaseDatabaseWrapper.commit

    def timed_commit(self) -> None:
        started = time.perf_counter()
        commit(self)
        seconds["commit"] += time.perf_counter() - started

    # Every module that bound the function by name at import time gets the timed one.
    for module in list(sys.modules.values()):
        if getattr(module, "insert_rows", None) is insert:
            module.insert_rows = timed_insert  # type: ignore[attr-defined]
    BaseDatabaseWrapper.commit = timed_commit  # type: ignore[method-assign]

    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        caseledger(["caseledger", "import", *sys.argv[1:], "--json", "--no-progress"])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "result": json.loads(out.getvalue()),
                "wall": wall,
                "cpu": cpu,
                "tables": {name: {"rows": rows[name], "seconds": s} for name, s in seconds.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
