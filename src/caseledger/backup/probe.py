"""Inspect a restored copy from a process of its own: `python -m caseledger.backup.probe JSON`.

The restored database is another database than the live one; this process is pointed at it
by its environment (CASELEDGER_DATA_DIR or DATABASE_URL) and reports, as JSON on stdout, the
journal verification against the checkpoint log that came with the backup, the row count of
every table, and the content hashes of the records asked for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection

    from caseledger.backup.compare import content_hashes
    from caseledger.backup.snapshot import record_tables
    from caseledger.journal.verify import verify_chain

    request = json.loads(argv[0]) if argv else {}
    logs = [Path(p) for p in request.get("checkpoint_logs", [])]
    report = verify_chain(checkpoint_logs=logs)
    counts = {}
    with connection.cursor() as cursor:
        for table in record_tables():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    hashes = {kind: content_hashes(kind, ids) for kind, ids in request.get("sample", {}).items()}
    json.dump({"verify": report.as_dict(), "counts": counts, "hashes": hashes}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
