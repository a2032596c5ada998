"""Idempotency-Key: a retried create answers the same and makes nothing new."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from caseledger.api.models import IdempotencyKey
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import clock
from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.sealing import contact_index
from caseledger.journal.models import Entry
from tests.api.conftest import case_body


def test_the_same_key_and_body_returns_the_first_case(people, customer, api_as):
    api = api_as(people.agent)
    entries = Entry.objects.count()

    first = api.post("/cases", case_body(customer), key="order-77-complaint")
    again = api.post("/cases", case_body(customer), key="order-77-complaint")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert Entry.objects.count() == entries + 1


def test_key_order_and_whitespace_do_not_make_a_different_body(people, customer, api_as):
    api = api_as(people.agent)
    body = case_body(customer)
    first = api.post("/cases", body, key="k1")

    reordered = api.client.post(
        "/api/v1/cases",
        json.dumps(dict(reversed(body.items())), indent=2),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert reordered.status_code == 201, reordered.content
    assert reordered.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_or_path_is_refused(people, customer, api_as):
    api = api_as(people.agent)
    first = api.post("/cases", case_body(customer), key="k-reuse")
    entries = Entry.objects.count()

    other_body = api.post("/cases", case_body(customer, subject="Something else"), key="k-reuse")
    other_path = api.post(f"/cases/{first.json()['id']}/notes", {"body": "x"}, key="k-reuse")

    for response in (other_body, other_path):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "idempotency_key_reused"
        assert response.json()["error"]["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1
    assert not CaseNote.objects.exists()
    assert Entry.objects.count() == entries


def test_keys_belong_to_one_user(people, customer, api_as):
    alice, sam = api_as(people.agent), api_as(people.supervisor)

    first = alice.post("/cases", case_body(customer), key="shared")
    second = sam.post("/cases", case_body(customer), key="shared")

    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert Case.objects.count() == 2


def test_a_refused_create_does_not_use_up_the_key(people, customer, api_as):
    api = api_as(people.agent)

    refused = api.post("/cases", case_body(customer, subcategory="nonsense"), key="fix-me")
    fixed = api.post("/cases", case_body(customer), key="fix-me")

    assert refused.status_code == 422
    assert fixed.status_code == 201
    assert Case.objects.count() == 1


def test_a_key_expires_after_a_day(people, customer, api_as):
    api = api_as(people.agent)
    start = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        first = api.post("/cases", case_body(customer), key="daily")
    with clock.frozen(start + dt.timedelta(hours=23)):
        within = api.post("/cases", case_body(customer), key="daily")
    with clock.frozen(start + dt.timedelta(hours=25)):
        after = api.post("/cases", case_body(customer), key="daily")

    assert within.json()["id"] == first.json()["id"]
    assert after.status_code == 201 and after.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.filter(key="daily").count() == 1


def test_every_create_honours_the_key(people, customer, case, api_as):
    api = api_as(people.agent)

    def twice(send):
        first, second = send(), send()
        assert first.status_code == second.status_code == 201, first.content
        assert second.json() == first.json()

    twice(
        lambda: api.post(
            "/customers", {"kind": "person", "name": "王芳", "department": "sales"}, key="c1"
        )
    )
    twice(lambda: api.post(f"/cases/{case.pk}/notes", {"body": "called"}, key="n1"))
    twice(
        lambda: api.post(
            f"/customers/{customer.pk}/contact-points",
            {"kind": "email", "value": "wang@example.com"},
            key="p1",
        )
    )
    twice(
        lambda: api.upload(
            f"/cases/{case.pk}/attachments",
            {"file": SimpleUploadedFile("bill.txt", b"charged twice", content_type="text/plain")},
            key="a1",
        )
    )

    assert Customer.objects.filter(name="王芳").count() == 1
    assert CaseNote.objects.count() == 1
    assert (
        ContactPoint.objects.filter(blind_index=contact_index("email", "wang@example.com")).count()
        == 1
    )
    assert Attachment.objects.count() == 1


def test_an_oversized_key_is_refused(people, customer, api_as):
    response = api_as(people.agent).post("/cases", case_body(customer), key="k" * 201)

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert not Case.objects.exists()


def test_expired_keys_are_pruned_and_live_ones_kept(people, customer, api_as):
    from caseledger.api.services import idempotency_prune

    api = api_as(people.agent)
    start = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)
    for hour, key in ((0, "old-1"), (1, "old-2"), (30, "fresh")):
        with clock.frozen(start + dt.timedelta(hours=hour)):
            api.post("/cases", case_body(customer, subject=key), key=key)

    with clock.frozen(start + dt.timedelta(hours=31)):
        removed = idempotency_prune(batch=1)

    assert removed == 2
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert Case.objects.count() == 3  # pruning forgets answers, never the cases
