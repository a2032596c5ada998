"""Threads of one process writing with group commit on (journal/group_commit.py), on a real
SQLite file, as a server's threads do; prints one JSON line of what happened.

python tests/journal/group_writer.py token 0
    sets up an agent of `sales` and prints an API token of theirs (cases, customers)
python tests/journal/group_writer.py SCENARIO ROUNDS
    refusal:      six writers per round start together; every other one fails after
                  writing (its case must vanish, the others' must stay)
    commit_fails: the COMMIT of the first shared batch fails (every writer in it must be
                  told, none of their cases stored); the next round writes normally
    callbacks:    each writer's on_commit callback: which thread runs it, and whether its
                  case is visible from another connection by then
    solo:         every other writer writes alone on its own connection (group_commit.solo)
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import threading

import django


class Refused(Exception):
    pass


def _token() -> str:
    """A department, an agent and an API token of theirs for intake; prints the secret."""
    from caseledger.accounts.services import department_create, token_create, user_create

    dept = department_create(actor=None, code="sales", name="Sales")
    agent = user_create(
        actor=None, username="writer-a", password=None, roles=["agent"], department=dept
    )
    _, secret = token_create(
        actor=None, user=agent, name="group commit", scopes=["cases:write", "customers:write"]
    )
    return secret


def main() -> None:
    scenario, rounds = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseledger.settings.production")
    django.setup()
    if scenario == "token":
        print(_token())
        return
    from django.conf import settings
    from django.db import transaction

    from caseledger.accounts.models import User
    from caseledger.accounts.services import department_create, user_create
    from caseledger.cases.services import case_create
    from caseledger.customers.services import customer_create
    from caseledger.journal import group_commit
    from caseledger.journal.services import write_transaction

    dept = department_create(actor=None, code="sales", name="Sales")
    actor = user_create(
        actor=None, username="writer-a", password=None, roles=["agent"], department=dept
    )
    customer = customer_create(
        actor=actor, data={"kind": "person", "name": "并发 Concurrent", "department": dept.pk}
    )
    actor = User.objects.get(pk=actor.pk)
    group_commit.enable()
    database = settings.DATABASES["default"]["NAME"]
    out: dict = {"kept": [], "failed": [], "refused": [], "callbacks": [], "errors": []}
    lock = threading.Lock()
    fail_next_commit = [scenario == "commit_fails"]

    def visible(subject: str) -> bool:
        with sqlite3.connect(database) as other:
            return (
                other.execute(
                    "SELECT count(*) FROM cases_case WHERE subject = ?", [subject]
                ).fetchone()[0]
                == 1
            )

    def record(subject: str) -> None:
        case_create(
            actor=actor,
            data={
                "kind": "complaint",
                "channel": "api",
                "category": "service",
                "subject": subject,
                "department": "sales",
                "customer": customer.pk,
            },
        )

    def writer(n: int, start: threading.Barrier) -> None:
        subject = f"round-writer {n}"
        start.wait()
        # `solo`: every other writer goes alone on its own connection (as a bulk load does).
        alone = group_commit.solo() if scenario == "solo" and n % 2 else contextlib.nullcontext()
        try:
            with alone, write_transaction():
                if fail_next_commit[0] and group_commit._state().batch is not None:
                    shared = group_commit._state().connection

                    def broken() -> None:
                        raise django.db.OperationalError("disk I/O error (injected)")

                    shared._commit = broken
                    fail_next_commit[0] = False
                if scenario == "callbacks":
                    me = threading.get_ident()

                    def after() -> None:
                        with lock:
                            out["callbacks"].append([threading.get_ident() == me, visible(subject)])

                    transaction.on_commit(after)
                record(subject)
                if scenario == "refusal" and n % 2:
                    raise Refused
            with lock:
                out["kept"].append(subject)
        except Refused:
            with lock:
                out["refused"].append(subject)
        except group_commit.BatchFailed:
            with lock:
                out["failed"].append(subject)
        except Exception as error:
            with lock:
                out["errors"].append(f"{subject}: {error!r}")

    for r in range(rounds):
        start = threading.Barrier(6)
        threads = [threading.Thread(target=writer, args=(r * 10 + i, start)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with sqlite3.connect(database) as db:
        out["stored"] = [row[0] for row in db.execute("SELECT subject FROM cases_case ORDER BY id")]
    out["stats"] = group_commit.stats
    print(json.dumps(out))


if __name__ == "__main__":
    main()
