"""How fast cases come in: through `case_create` (one journaled transaction each) on SQLite,
against raw single-row SQLite commits on the same machine, and through the REST API.

    .venv/bin/python bench/ingest.py [--quick]

Judged by: case_create cases/s >= 500, and the ratio case_create / raw sqlite3 commits.
Both are measured with the live database's `synchronous=FULL` (every commit fsynced) and,
for the cost of that, again with `synchronous=NORMAL` (the default before issue 11).
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

CASE = {
    "kind": "complaint",
    "channel": "phone",
    "category": "billing",
    "subcategory": "wrong_charge",
    "subject": "重复扣费 Charged twice",
    "description": "客户反映三月账单重复扣费 128 元，要求退款。The March bill was charged twice.",
    "customer_request": "退还多收费用 Refund the second charge",
}


def raw_sqlite_commits(path: Path, count: int, synchronous: str = "FULL") -> float:
    """Rows/s of plain sqlite3 single-row commits with caseledger's WAL settings."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, subject TEXT, body TEXT, at TEXT)")
    body = str(CASE) * 2
    with common.timer() as t:
        for i in range(count):
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO t (subject, body, at) VALUES (?, ?, datetime('now'))",
                (f"case {i}", body),
            )
            db.execute("COMMIT")
    db.close()
    return count / t[0]


def service_ingest(count: int) -> tuple[float, dict]:
    """Cases/s through case_create, each its own journaled transaction."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from caseledger.accounts.services import department_create, user_create
    from caseledger.cases.services import case_create
    from caseledger.core.context import via
    from caseledger.customers.services import customer_create

    department = department_create(actor=None, code="sales", name="销售部 Sales")
    agent = user_create(
        actor=None,
        username="bench.agent",
        password=common.DEMO_PASSWORD,
        roles=["agent"],
        department=department,
    )
    customer = customer_create(
        actor=agent,
        data={
            "kind": "person",
            "name": "王伟",
            "department": department.pk,
            "contact_points": [{"kind": "phone", "value": "13812345678"}],
        },
    )
    data = {**CASE, "department": department.pk, "customer": customer.pk}
    from django.conf import settings

    from caseledger.journal.services import checkpoint_create

    # Interleaved, best of two each: on a shared machine the load moves between runs.
    rates: dict[str, float] = {}
    runs = (("FULL", False), ("FULL", True), ("NORMAL", True)) * 2
    for synchronous, on_writes in runs:
        _set_synchronous(synchronous)
        settings.JOURNAL_CHECKPOINT_ON_WRITES = on_writes
        with via("api"), common.timer() as t:
            for _ in range(count // 2):
                case_create(actor=agent, data=data)
        name = synchronous if on_writes else "no burst checkpoints"
        rates[name] = max(rates.get(name, 0.0), count // 2 / t[0])
    _set_synchronous("FULL")
    settings.JOURNAL_CHECKPOINT_ON_WRITES = True
    # What one burst checkpoint costs: sign, append to the log, copy to each destination.
    with common.timer() as t:
        for _ in range(50):
            checkpoint_create(actor=None)
    rates["checkpoint ms"] = t[0] / 50 * 1000
    return rates, {"department": department.code, "customer": customer.pk}


def _set_synchronous(value: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA synchronous={value}")


def api_ingest(count: int, clients: int, target: dict) -> float | None:
    """Cases/s through POST /api/v1/cases on `caseledger serve`, `clients` at a time."""
    import requests

    token = (
        common.caseledger(
            "token",
            "create",
            "--user",
            "bench.agent",
            "--scopes",
            "cases:write,customers:read",
            "--name",
            "ingest benchmark",
        )
        .strip()
        .splitlines()[-1]
    )
    body = {**CASE, "department": target["department"], "customer": target["customer"]}
    errors: list[str] = []
    with common.server() as base:
        probe = requests.post(
            f"{base}/api/v1/cases",
            json=body,
            timeout=30,
            headers={"Authorization": f"Bearer {token}"},
        )
        if probe.status_code == 404:
            print("POST /api/v1/cases is not in this checkout yet: not measured")
            return None
        if probe.status_code >= 300:
            sys.exit(f"POST /api/v1/cases: HTTP {probe.status_code} {probe.text[:300]}")

        def client(n: int) -> None:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            for _ in range(n):
                r = session.post(f"{base}/api/v1/cases", json=body, timeout=60)
                if r.status_code >= 300:
                    errors.append(f"HTTP {r.status_code}: {r.text[:200]}")

        threads = [
            threading.Thread(target=client, args=(count // clients,)) for _ in range(clients)
        ]
        with common.timer() as t:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    if errors:
        sys.exit(f"{len(errors)} API errors, first: {errors[0]}")
    return (count // clients) * clients / t[0]


def main() -> None:
    args = common.parser(__doc__.splitlines()[0]).parse_args()
    count = 300 if args.quick else 3000
    with common.data_dir("ingest", keep=args.keep) as path:
        raw = raw_sqlite_commits(path / "raw.sqlite3", count)
        raw_normal = raw_sqlite_commits(path / "raw-normal.sqlite3", count, "NORMAL")
        common.django_setup()
        rates, target = service_ingest(count)
        service = rates["FULL"]
        from django.db import connections

        connections.close_all()
        api = api_ingest(count // 2 if args.quick else 2000, 4, target)
        from caseledger.journal.verify import verify_chain

        assert verify_chain().ok, "journal does not verify after the benchmark"
    results = [
        common.Result("case_create (SQLite)", service, "cases/s", ">= 500/s", service >= 500),
        common.Result("case_create, synchronous=NORMAL", rates["NORMAL"], "cases/s"),
        common.Result(
            "case_create, FULL, no burst checkpoints", rates["no burst checkpoints"], "cases/s"
        ),
        common.Result("one checkpoint (sign, log, copies)", rates["checkpoint ms"], "ms"),
        common.Result("raw sqlite3 1-row commits", raw, "rows/s"),
        common.Result("raw sqlite3 commits, synchronous=NORMAL", raw_normal, "rows/s"),
    ]
    if api is not None:
        results.append(common.Result("POST /api/v1/cases (4 clients)", api, "cases/s"))
    ratios = [
        ("case_create / raw sqlite3 commit", service / raw),
        ("case_create FULL / NORMAL", service / rates["NORMAL"]),
        ("case_create with / without burst checkpoints", service / rates["no burst checkpoints"]),
        ("raw commits FULL / NORMAL", raw / raw_normal),
    ]
    if api is not None:
        ratios.append(("API / case_create", api / service))
    common.report(f"ingest ({count} cases)", results, ratios)


if __name__ == "__main__":
    main()
