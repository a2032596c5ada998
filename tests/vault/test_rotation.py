"""Key rotation: `caseledger keys add`, then `caseledger keys rotate` moves every value to the
new key in journaled batches, and an interrupted run is finished by the next one."""

from __future__ import annotations

from django.db import connection

from caseledger.customers.models import Customer, Identifier
from caseledger.customers.services import customer_state, identifier_add, identifier_reveal
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.vault.keys import load
from tests.cli.helpers import run
from tests.factories import make_customer

PASSPORTS = [f"E{n:08d}" for n in range(1, 8)]


def _customers_with_passports(people, n):
    # No contact points: each customer holds one sealed value (tests/vault/
    # test_every_value_rotates.py rotates contact points too).
    customers = [make_customer(people.agent, people.sales, contact_points=[]) for _ in range(n)]
    for customer, passport in zip(customers, PASSPORTS, strict=False):
        identifier_add(actor=people.agent, customer=customer, kind="passport", value=passport)
    return customers


def test_status_counts_the_values_under_each_key(people):
    _customers_with_passports(people, 3)
    first = load().active_id
    status = run("keys", "status", "--json").json()
    assert status["active"] == first
    assert status["keys"] == [
        {
            "key_id": first,
            "values": 3,
            "active": True,
            "in_ring": True,
            "created": status["keys"][0]["created"],
            "by_holder": {"customers": 3},
        }
    ]
    run("keys", "add")
    status = run("keys", "status", "--json").json()
    assert status["under_old_keys"] == 3
    assert [(k["key_id"], k["values"], k["active"]) for k in status["keys"]] == [
        (first, 3, False),
        (status["active"], 0, True),
    ]
    assert "3 values under old keys" in run("keys", "status").out


def test_rotation_reencrypts_everything_and_journals_each_customer(people):
    customers = _customers_with_passports(people, 5)
    old = load().active_id
    new = run("keys", "add", "--json").json()["active"]
    entries = Entry.objects.count()

    result = run("keys", "rotate", "--batch-size", "2", "--json").json()

    assert result | {"from_keys": None} == {
        "to_key": new,
        "batches": 3,
        "values": 5,
        "customers": 5,
        "records": 5,
        "by_holder": {"customers": 5},
        "from_keys": None,
        "remaining": 0,
    }
    assert result["from_keys"] == {old: 5}
    assert set(Identifier.objects.values_list("key_id", flat=True)) == {new}
    rotated = Entry.objects.filter(seq__gt=entries)
    assert rotated.count() == 5
    assert set(rotated.values_list("action", flat=True)) == {"customer.reencrypt"}
    assert all(new in e.reason for e in rotated)
    for customer in Customer.objects.filter(pk__in=[c.pk for c in customers]):
        assert state_as_of("customer", customer.pk) == customer_state(customer)
    identifier = Identifier.objects.get(customer=customers[0])
    assert (
        identifier_reveal(actor=people.compliance, identifier=identifier, reason="check")
        == (PASSPORTS[0])
    )
    assert verify_chain().ok
    again = run("keys", "rotate", "--json").json()
    assert (again["values"], again["batches"]) == (0, 0)


def test_an_interrupted_rotation_is_finished_by_the_next_run(people):
    _customers_with_passports(people, 4)
    run("keys", "add")
    new = load().active_id

    first = run("keys", "rotate", "--batch-size", "3", "--max-batches", "1", "--json").json()
    assert (first["values"], first["remaining"]) == (3, 1)
    assert Identifier.objects.exclude(key_id=new).count() == 1
    assert (
        "1 values are still under old keys"
        in run("keys", "rotate", "--batch-size", "3", "--max-batches", "0").out
    )

    second = run("keys", "rotate", "--batch-size", "3", "--json").json()
    assert (second["values"], second["remaining"]) == (1, 0)
    assert Identifier.objects.exclude(key_id=new).count() == 0


def test_rotating_twice_moves_values_from_both_old_keys(people):
    customers = _customers_with_passports(people, 2)
    first = load().active_id
    second = run("keys", "add", "--json").json()["active"]
    identifier_add(
        actor=people.agent, customer=customers[0], kind="resident_id", value="11010519491231002X"
    )
    third = run("keys", "add", "--json").json()["active"]
    result = run("keys", "rotate", "--json").json()
    assert result["from_keys"] == {first: 2, second: 1}
    assert set(Identifier.objects.values_list("key_id", flat=True)) == {third}


def test_no_plaintext_anywhere_after_rotation(people):
    _customers_with_passports(people, 3)
    run("keys", "add")
    run("keys", "rotate")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM journal_payload")
        stored = "\n".join(str(r) for r in cursor.fetchall())
        cursor.execute("SELECT * FROM customers_identifier")
        stored += "\n".join(str(r) for r in cursor.fetchall())
    assert not any(p in stored for p in PASSPORTS[:3])
