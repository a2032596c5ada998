"""An installation upgraded from plaintext contact points: `caseledger migrate` seals every
value (ciphertext, blind index, mask), journals each customer's change without the values,
and `journal verify --records` still finds every customer equal to its journal."""

from __future__ import annotations

import json

from tests.procs import caseledger, isolated_env, python

PHONE, EMAIL = "+8613912345678", "Old.Customer@example.com"

# Runs on the schema before the sealing (customers 0004): the contact point row and its
# journaled state are written by hand, as caseledger wrote them then.
OLD_CUSTOMER = f"""
import django; django.setup()
from django.db import connection
from caseledger.accounts.services import department_create
from caseledger.core import clock
from caseledger.core.state import model_state
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction
dept = department_create(actor=None, code="sales", name="Sales")
now = clock.now()
with write_transaction():
    customer = Customer.objects.create(kind="person", name="老客户 Old", department=dept,
                                       created_at=now, updated_at=now)
    points = []
    with connection.cursor() as cursor:
        for kind, value in (("phone", "{PHONE}"), ("email", "{EMAIL}")):
            cursor.execute(
                "INSERT INTO customers_contactpoint (customer_id, kind, value, label, is_primary,"
                " verified_at, created_at) VALUES (%s, %s, %s, '', %s, NULL, %s)",
                [customer.pk, kind, value, kind == "phone", now])
            cursor.execute("SELECT MAX(id) FROM customers_contactpoint")
            points.append({{"id": cursor.fetchone()[0], "customer_id": customer.pk, "kind": kind,
                           "value": value, "label": "", "is_primary": kind == "phone",
                           "verified_at": None, "created_at": model_state(customer)["created_at"]}})
    record_change(actor=None, action="customer.create", object_type="customer",
                  object_id=customer.pk, before=None,
                  after={{**model_state(customer), "contact_points": points}})
print(customer.pk)
"""

CHECK = f"""
import json, sys; import django; django.setup()
from django.db import connection
from caseledger.customers.models import ContactPoint
from caseledger.customers.services import customer_state
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
pk = sys.argv[1]
with connection.cursor() as cursor:
    cursor.execute("SELECT * FROM customers_contactpoint")
    rows = repr(cursor.fetchall())
last = Entry.objects.filter(object_type="customer", object_id=pk).last()
points = ContactPoint.objects.filter(customer_id=pk).order_by("id")
print(json.dumps({{
    "plain_in_rows": "{PHONE}" in rows or "Old.Customer" in rows,
    "values": [p.value for p in points],
    "masked": [p.masked for p in points],
    "last_action": last.action,
    "plain_in_entry": "{PHONE}" in last.payload.body or "Old.Customer" in last.payload.body,
    "rebuilt": state_as_of("customer", pk) == customer_state(points[0].customer),
}}))
"""


def test_migrate_seals_plaintext_contact_points_and_journals_each_customer(tmp_path):
    with isolated_env(tmp_path) as env:
        done = caseledger(env, "migrate", "-v0")
        assert done.returncode == 0, done.stderr[-3000:]
        back = caseledger(env, "migrate", "customers", "0004", "-v0")
        assert back.returncode == 0, back.stderr[-3000:]
        old = python(env, "-c", OLD_CUSTOMER)
        out, err = old.communicate(timeout=120)
        assert old.returncode == 0, err[-3000:]
        pk = out.strip().splitlines()[-1]

        forward = caseledger(env, "migrate", "-v0")
        assert forward.returncode == 0, forward.stderr[-3000:]

        check = python(env, "-c", CHECK, pk)
        out, err = check.communicate(timeout=120)
        assert check.returncode == 0, err[-3000:]
        found = json.loads(out.strip().splitlines()[-1])
        assert found == {
            "plain_in_rows": False,
            "values": [PHONE, "Old.Customer@example.com"],
            "masked": ["139******78", "Old.********@example.com"],
            "last_action": "customer.seal_contacts",
            "plain_in_entry": False,
            "rebuilt": True,
        }
        verified = caseledger(env, "journal", "verify", "--records", "--json")
        assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-3000:]
