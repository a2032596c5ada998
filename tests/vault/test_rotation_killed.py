"""`caseledger keys rotate` killed with SIGKILL in the middle: every batch is either fully
done (values and journal entries) or not at all, and the next run finishes the job.
Real processes against a database of their own, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.procs import caseledger, isolated_env, python

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CUSTOMERS = 240
BATCH = 4
VALUES = 3  # per customer: a phone, a resident id and a bank card, each sealed

SETUP = f"""
import django; django.setup()
from caseledger.accounts.services import department_create, user_create
from caseledger.customers.services import customer_create, identifier_add
from caseledger.vault.validators import luhn_check_digit, resident_id_check_char
dept = department_create(actor=None, code="sales", name="Sales")
agent = user_create(actor=None, username="agent", password=None, roles=["agent"], department=dept)
for n in range({CUSTOMERS}):
    customer = customer_create(actor=agent, data={{
        "kind": "person", "name": f"客户 {{n}}", "department": dept.pk,
        "contact_points": [{{"kind": "phone", "value": f"1391234{{n:04d}}"}}]}})
    first17 = f"11010519800101{{n:03d}}"
    identifier_add(actor=agent, customer=customer, kind="resident_id",
                   value=first17 + resident_id_check_char(first17))
    card = f"622202{{n:09d}}"
    identifier_add(actor=agent, customer=customer, kind="bank_card",
                   value=card + luhn_check_digit(card))
"""

# Per customer: how many values are under the new key, and whether its newest journal
# entry is a re-encryption whose state equals the live record.
CHECK = """
import json, sys; import django; django.setup()
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.customers.services import customer_state
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
new = sys.argv[1]
rows = []
for customer in Customer.objects.order_by("pk"):
    last = Entry.objects.filter(object_type="customer", object_id=str(customer.pk)).last()
    rows.append({
        "id": customer.pk,
        "moved": sum(m.objects.filter(customer=customer, key_id=new).count()
                     for m in (Identifier, ContactPoint)),
        "values": sum(m.objects.filter(customer=customer).count()
                      for m in (Identifier, ContactPoint)),
        "last_action": last.action,
        "rebuilt": state_as_of("customer", str(customer.pk)) == customer_state(customer),
    })
report = verify_chain()
print(json.dumps({"customers": rows, "ok": report.ok, "problems": [str(p) for p in report.problems],
                  "reencrypt_entries": Entry.objects.filter(action="customer.reencrypt").count()}))
"""


def _moved(env: dict[str, str], data: Path, new: str) -> int:
    """Values under the new key, read by this process straight from the child's database."""
    query = (
        "SELECT (SELECT COUNT(*) FROM customers_identifier WHERE key_id = %s)"
        " + (SELECT COUNT(*) FROM customers_contactpoint WHERE key_id = %s)"
    )
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
            return db.execute(query, [new, new]).fetchone()[0]
    db = sqlite3.connect(f"file:{data / 'caseledger.sqlite3'}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute(query.replace("%s", "?"), [new, new]).fetchone()[0]
    finally:
        db.close()


def _check(env: dict[str, str], new: str) -> dict:
    done = python(env, "-c", CHECK, new)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_a_rotation_killed_mid_run_leaves_whole_batches_and_the_next_run_finishes(tmp_path):
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "-v0").returncode == 0
        setup = python(env, "-c", SETUP)
        _, err = setup.communicate(timeout=600)
        assert setup.returncode == 0, err[-3000:]
        added = caseledger(env, "keys", "add", "--json")
        assert added.returncode == 0, added.stderr
        new = json.loads(added.stdout)["active"]

        rotation = python(
            env, "-m", "caseledger", "keys", "rotate", "--batch-size", str(BATCH), "--json"
        )
        deadline = time.monotonic() + 120
        while _moved(env, tmp_path / "data", new) < 3 * BATCH * VALUES:
            assert rotation.poll() is None, "the rotation finished before it could be killed"
            assert time.monotonic() < deadline, "the rotation made no progress"
            time.sleep(0.005)
        rotation.send_signal(signal.SIGKILL)
        rotation.wait(timeout=30)
        assert rotation.returncode == -signal.SIGKILL

        killed = _check(env, new)
        rows = killed["customers"]
        moved = [r for r in rows if r["moved"]]
        assert 0 < len(moved) < CUSTOMERS, "kill the run earlier: it had already finished"
        # Whole batches only: the customers done are the first ones, in multiples of a
        # batch, each with all its values moved and its re-encryption journaled.
        assert len(moved) % BATCH == 0
        assert rows[: len(moved)] == moved
        assert all(r["moved"] == r["values"] == VALUES for r in moved)
        assert all(r["last_action"] == "customer.reencrypt" for r in moved)
        assert all(r["last_action"] != "customer.reencrypt" for r in rows[len(moved) :])
        assert killed["reencrypt_entries"] == len(moved)
        assert all(r["rebuilt"] for r in rows)
        assert killed["ok"], killed["problems"]

        again = caseledger(env, "keys", "rotate", "--batch-size", str(BATCH), "--json")
        assert again.returncode == 0, again.stderr[-3000:]
        second = json.loads(again.stdout)
        assert second["customers"] == CUSTOMERS - len(moved)
        assert (second["values"], second["remaining"]) == (VALUES * second["customers"], 0)

        finished = _check(env, new)
        assert all(r["moved"] == r["values"] == VALUES for r in finished["customers"])
        assert all(r["rebuilt"] for r in finished["customers"])
        assert finished["reencrypt_entries"] == CUSTOMERS
        assert finished["ok"], finished["problems"]
        verified = caseledger(env, "journal", "verify", "--json")
        assert verified.returncode == 0, verified.stdout + verified.stderr
