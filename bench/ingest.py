"""How fast complaints come in, from the service to the wire, in one run.

    .venv/bin/python bench/ingest.py [--quick] [--postgres URL] [--sweep 2x4,3x4,4x2]

Measures on a fresh database (SQLite in a temporary data directory, or the PostgreSQL
database at URL, emptied first):

* `case_create` and `intake_record` in-process, one journaled transaction each;
* `POST /api/v1/cases` and the one-request `POST /api/v1/intake` (customer matched or
  created, and the case) through `caseledger serve` with its default serving model, at 1
  and 4 concurrent clients (separate processes with keep-alive connections);
* p50/p95 per request, and each API rate over its service's rate.

Judged by (issue 16): API / service >= 0.7 at 4 clients; intake >= 330 complaints/s at 4
clients (50x Request Tracker 5's best default figure here, 6.6/s); p95 < 25 ms at 4 clients.
`--sweep WxT,...` also measures the intake at 4 clients under other workers x threads.
On SQLite it also prints raw single-row sqlite3 commits at synchronous=FULL (the live
default since issue 11: every commit fsynced) and NORMAL, the ceiling each sets on a
single writer; `--synchronous NORMAL` runs the whole benchmark at NORMAL to show the cost.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import resource
import sqlite3
import statistics
import sys
import time
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


def raw_sqlite_commits(path: Path, count: int, synchronous: str) -> float:
    """Rows/s of plain sqlite3 single-row commits with caseledger's WAL settings."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, subject TEXT, body TEXT)")
    body = json.dumps(CASE, ensure_ascii=False) * 2
    with common.timer() as t:
        for i in range(count):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (subject, body) VALUES (?, ?)", (f"case {i}", body))
            db.execute("COMMIT")
    db.close()
    return count / t[0]


def phone(n: int) -> str:
    return f"139{n:08d}"


def intake_body(n: int) -> dict:
    """A complaint from a requester not seen before (the costlier path: a new customer)."""
    return {
        "department": "sales",
        "customer": {
            "kind": "person",
            "name": f"王伟{n}",
            "contact_points": [{"kind": "phone", "value": phone(n)}],
        },
        "case": CASE,
    }


def prepare() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from caseledger.accounts.services import department_create, token_create, user_create
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
    _, secret = token_create(
        actor=None,
        user=agent,
        name="ingest benchmark",
        scopes=["cases:write", "customers:write"],
    )
    return {"agent": agent, "customer": customer.pk, "token": secret}


def service_rates(target: dict, count: int) -> tuple[float, float, float, float]:
    """case_create/s and intake_record/s in this process, through the API's interface, and
    the CPU milliseconds of each call (the figure to compare on a shared machine: wall time
    there measures the other tenants, and each commit's fsync)."""
    from caseledger.cases.services import case_create
    from caseledger.core.context import via
    from caseledger.intake.services import intake_record

    agent = target["agent"]
    data = {**CASE, "department": "sales", "customer": target["customer"]}
    cpu = time.process_time()
    with via("api"), common.timer() as t:
        for _ in range(count):
            case_create(actor=agent, data=data)
    cases, cases_cpu = count / t[0], (time.process_time() - cpu) / count * 1000
    cpu = time.process_time()
    with via("api"), common.timer() as t:
        for i in range(count):
            intake_record(actor=agent, data=intake_body(10_000_000 + i), source="api")
    return cases, cases_cpu, count / t[0], (time.process_time() - cpu) / count * 1000


def _client(port: int, token: str, path: str, bodies: list[bytes], start, out) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, errors = [], []
    start.wait()
    began = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status >= 300:
            errors.append(f"HTTP {response.status}: {answer[:200]!r}")
    out.put((began, time.perf_counter(), latencies, errors))


def api_rate(
    port: int, token: str, path: str, bodies: list[bytes], clients: int, server_pid: int = 0
) -> dict:
    """Requests/s with `clients` processes each sending its share of `bodies` back to back,
    timed from the first request's start to the last one's end; with `server_pid`, also the
    server's and the clients' CPU milliseconds per request."""
    server_cpu = common.tree_cpu(server_pid) if server_pid else 0.0
    client_cpu = _children_cpu()
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    share = len(bodies) // clients
    workers = [
        context.Process(
            target=_client,
            args=(port, token, path, bodies[i * share : (i + 1) * share], start, out),
        )
        for i in range(clients)
    ]
    for w in workers:
        w.start()
    time.sleep(0.2)
    start.set()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    errors = [e for r in results for e in r[3]]
    if errors:
        sys.exit(f"{len(errors)} errors on {path}, first: {errors[0]}")
    latencies = [x for r in results for x in r[2]]
    elapsed = max(r[1] for r in results) - min(r[0] for r in results)
    n = len(latencies)
    return {
        "rate": n / elapsed,
        "p50": common.percentile(latencies, 50) * 1000,
        "p95": common.percentile(latencies, 95) * 1000,
        "server_cpu": (common.tree_cpu(server_pid) - server_cpu) / n * 1000 if server_pid else 0,
        "client_cpu": (_children_cpu() - client_cpu) / n * 1000,
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_api(target: dict, count: int, serve_args: list[str]) -> dict:
    """Cases and intake at 1 and 4 clients against one `caseledger serve`."""
    case_body = json.dumps({**CASE, "department": "sales", "customer": target["customer"]}).encode()
    found: dict = {}
    with common.server(extra=serve_args) as base:
        port = int(base.rsplit(":", 1)[1])
        offset = 20_000_000
        for clients in (1, 4):
            n = count if clients == 4 else count // 2
            found[("cases", clients)] = api_rate(
                port, target["token"], "/api/v1/cases", [case_body] * n, clients, base.pid
            )
            bodies = [json.dumps(intake_body(offset + i)).encode() for i in range(n)]
            offset += n
            found[("intake", clients)] = api_rate(
                port, target["token"], "/api/v1/intake", bodies, clients, base.pid
            )
    return found


def sweep(target: dict, count: int, models: list[str], trials: int) -> None:
    """Intake at 4 clients under other serving models, each `trials` times with a new
    server (and so new connections): a keep-alive connection stays with the worker that
    accepted it, so one run can leave a worker idle and another with three clients; the
    median over trials is the figure, the worst run says how much the spread matters."""
    print(f"\nserving models, intake at 4 clients ({trials} servers each, alternated):")
    offset = 40_000_000
    found: dict[str, list[dict]] = {model: [] for model in models}
    for _ in range(trials):
        for model in models:
            workers, threads = model.split("x")
            with common.server(extra=["--workers", workers, "--threads", threads]) as base:
                port = int(base.rsplit(":", 1)[1])
                bodies = [json.dumps(intake_body(offset + i)).encode() for i in range(count)]
                offset += count
                found[model].append(
                    api_rate(port, target["token"], "/api/v1/intake", bodies, 4, base.pid)
                )
    for model, runs in found.items():
        rates = sorted(r["rate"] for r in runs)
        p95 = statistics.median(r["p95"] for r in runs)
        cpu = statistics.median(r["server_cpu"] for r in runs)
        print(
            f"  {model:>5}: median {statistics.median(rates):7.1f}/s (worst {rates[0]:.1f}, "
            f"best {rates[-1]:.1f})  median p95 {p95:5.1f} ms  server CPU {cpu:.1f} ms/request"
        )


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--postgres", metavar="URL", help="measure on this PostgreSQL database")
    p.add_argument("--sweep", default="", help="also try these workers x threads, e.g. 2x4,3x4")
    p.add_argument("--sweep-trials", type=int, default=3, help="servers per model in --sweep")
    p.add_argument("--synchronous", choices=["FULL", "NORMAL"], help="SQLite's setting to run at")
    args = p.parse_args()
    if args.synchronous:
        os.environ["CASELEDGER_SQLITE_SYNCHRONOUS"] = args.synchronous
    service_count = 300 if args.quick else 2000
    api_count = 200 if args.quick else 2000
    engine = "PostgreSQL" if args.postgres else "SQLite"
    raw: dict[str, float] = {}
    with common.data_dir("ingest", keep=args.keep) as path:
        if not args.postgres:
            for mode in ("FULL", "NORMAL"):
                raw[mode] = raw_sqlite_commits(path / f"raw-{mode}.sqlite3", 300, mode)
        if args.postgres:
            empty_postgres(args.postgres)
            os.environ["DATABASE_URL"] = args.postgres
        common.django_setup()
        target = prepare()
        cases, cases_cpu, intake, intake_cpu = service_rates(target, service_count)
        from django.db import connections

        connections.close_all()
        api = measure_api(target, api_count, [])
        if args.sweep:
            sweep(target, api_count, args.sweep.split(","), args.sweep_trials)
        from caseledger.journal.verify import verify_chain

        assert verify_chain(checkpoint_logs=[]).ok, "the journal does not verify afterwards"
    c4, i4 = api[("cases", 4)], api[("intake", 4)]
    results = [
        common.Result(f"case_create in-process ({engine})", cases, "cases/s"),
        common.Result(f"intake_record in-process ({engine})", intake, "complaints/s"),
        common.Result("  case_create CPU per call", cases_cpu, "ms"),
        common.Result("  intake_record CPU per call", intake_cpu, "ms"),
    ]
    for (kind, clients), r in sorted(api.items()):
        path = "POST /api/v1/cases" if kind == "cases" else "POST /api/v1/intake"
        results.append(common.Result(f"{path}, {clients} client(s)", r["rate"], "req/s"))
        results.append(common.Result("  p50 / p95 (ms)", r["p50"], f"/ {r['p95']:.1f}"))
        results.append(
            common.Result("  server / client CPU per request (ms)", r["server_cpu"],
                          f"/ {r['client_cpu']:.1f}")
        )  # fmt: skip
    results += [
        common.Result("intake at 4 clients", i4["rate"], "complaints/s", ">= 330/s",
                      i4["rate"] >= 330),
        common.Result("p95 at 4 clients (worst)", max(c4["p95"], i4["p95"]), "ms", "< 25 ms",
                      max(c4["p95"], i4["p95"]) < 25),
    ]  # fmt: skip
    for mode, rate in raw.items():
        results.append(common.Result(f"raw sqlite3 1-row commits, {mode}", rate, "rows/s"))
    ratios = [
        ("POST /cases at 4 clients / case_create", c4["rate"] / cases),
        ("POST /intake at 4 clients / intake_record", i4["rate"] / intake),
        ("POST /cases at 1 client / case_create", api[("cases", 1)]["rate"] / cases),
        ("POST /intake at 1 client / intake_record", api[("intake", 1)]["rate"] / intake),
    ]
    # The hardware-free form of "API / service": the service's CPU per call over the whole
    # server's CPU per request (on a shared machine the rates measure the other tenants).
    ratios += [
        ("case_create CPU / server CPU per POST /cases at 4 clients", cases_cpu / c4["server_cpu"]),
        ("intake_record CPU / server CPU per POST /intake at 4 clients",
         intake_cpu / i4["server_cpu"]),
    ]  # fmt: skip
    if raw:
        setting = args.synchronous or "FULL"
        ratios.append((f"case_create / raw commits at {setting}", cases / raw[setting]))
    common.report(f"ingest on {engine} ({service_count} in-process, {api_count} over HTTP)",
                  results, ratios)  # fmt: skip
    verdict = "PASS" if c4["rate"] / cases >= 0.7 else "FAIL"
    print(f"  API / service at 4 clients >= 0.7: {verdict}")


if __name__ == "__main__":
    main()
