"""Maker-checker over the API: the customers:approve scope, and Idempotency-Key on the 202."""

from __future__ import annotations

from caseledger.customers.models import Identifier
from caseledger.journal.models import Entry
from caseledger.privacy.models import ChangeStatus, PendingChange
from tests.api.conftest import ApiClient

PASSPORT = "E12345678"
WRITE = ["customers:read", "customers:write"]


def _propose(api: ApiClient, customer, *, key: str | None = None, value: str = PASSPORT):
    return api.post(
        f"/customers/{customer.pk}/identifiers",
        {"kind": "passport", "value": value, "reason": "scan of the passport"},
        key=key,
    )


def test_a_token_with_customers_approve_confirms_and_rejects(people, customer):
    alice = ApiClient(people.agent, WRITE)
    first = _propose(alice, customer).json()
    second = _propose(alice, customer, value="G87654321").json()
    sam = ApiClient(people.supervisor, ["customers:approve"])
    without = ApiClient(people.supervisor, ["customers:read", "customers:write"])
    assert without.post(
        f"/pending-changes/{first['id']}/confirm", {"reason": "ok"}
    ).status_code == (403)
    # The scope never widens a role: the maker's own approve token is still refused.
    maker = ApiClient(people.agent, ["customers:approve"])
    assert maker.post(f"/pending-changes/{first['id']}/confirm", {"reason": "ok"}).status_code == (
        403
    )

    confirmed = sam.post(f"/pending-changes/{first['id']}/confirm", {"reason": "passport seen"})
    rejected = sam.post(f"/pending-changes/{second['id']}/reject", {"reason": "typo"})

    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == ChangeStatus.CONFIRMED
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == ChangeStatus.REJECTED
    assert Identifier.objects.filter(customer=customer).count() == 1
    assert Entry.objects.filter(action="privacy.change_confirm", via="api").count() == 1


def test_a_replayed_202_returns_the_same_pending_change_and_makes_no_second(people, customer):
    alice = ApiClient(people.agent, WRITE)
    made = _propose(alice, customer, key="scan-42")
    entries = Entry.objects.count()

    replayed = _propose(alice, customer, key="scan-42")

    assert made.status_code == 202, made.content
    assert replayed.status_code == 202
    assert replayed.json() == made.json()
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert PendingChange.objects.count() == 1
    assert Entry.objects.count() == entries
    assert PASSPORT not in replayed.content.decode()
    other_body = _propose(alice, customer, key="scan-42", value="G87654321")
    assert (other_body.status_code, other_body.json()["error"]["code"]) == (
        409,
        "idempotency_key_reused",
    )
    assert _propose(alice, customer, key="scan-43").status_code == 202
    assert PendingChange.objects.count() == 2
