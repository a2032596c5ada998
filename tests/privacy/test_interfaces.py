"""Privacy through the web pages and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.core import clock
from caseledger.customers.models import Identifier
from caseledger.privacy import services
from caseledger.privacy.models import ChangeStatus, PendingChange
from caseledger.vault.masking import display_name
from tests.api.conftest import ApiClient

PASSPORT = "E12345678"


@pytest.fixture
def browser():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def test_web_add_waits_for_review_and_another_person_confirms(people, customer, browser):
    alice, sam = browser(people.agent), browser(people.supervisor)
    url = reverse("web:identifier_add", args=[customer.pk])
    response = alice.post(url, {"kind": "passport", "value": PASSPORT, "reason": "scan"})
    assert response.status_code == 302
    assert not Identifier.objects.filter(customer=customer).exists()
    change = PendingChange.objects.get()
    detail = reverse("web:customer_detail", args=[customer.pk])
    own_page = alice.get(detail).content.decode()
    assert change.masked in own_page and PASSPORT not in own_page
    assert reverse("web:pending_change_decide", args=[change.pk]) not in own_page
    assert (
        reverse("web:pending_change_decide", args=[change.pk]) in sam.get(detail).content.decode()
    )
    refused = alice.post(
        reverse("web:pending_change_decide", args=[change.pk]),
        {"decision": "confirm", "reason": "me"},
    )
    assert refused.status_code == 403
    sam.post(
        reverse("web:pending_change_decide", args=[change.pk]),
        {"decision": "confirm", "reason": "passport seen"},
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED
    assert Identifier.objects.filter(customer=customer).count() == 1


def test_web_consent_and_reverification_flags_on_the_customer_page(people, browser):
    from tests.factories import make_customer

    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with clock.frozen(t0):
        customer = make_customer(people.agent, people.sales)
    alice = browser(people.agent)
    alice.post(
        reverse("web:consent_grant", args=[customer.pk]),
        {"purpose": "marketing SMS", "legal_basis": "consent", "obtained_by": "call"},
    )
    with clock.frozen(t0 + dt.timedelta(days=120)):
        page = alice.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
        assert "marketing SMS" in page and 'id="reverify"' in page
        worklist = alice.get(reverse("web:reverification")).content.decode()
        assert display_name(customer) in worklist and customer.name not in worklist
        for point in customer.contact_points.all():  # contact values masked there too
            assert point.value not in worklist


def test_web_privacy_requests_flag_overdue_and_export_json(people, customer, browser):
    carl = browser(people.compliance)
    with clock.frozen(clock.now() - dt.timedelta(days=45)):
        late = services.privacy_request_open(
            actor=people.compliance, customer=customer, kind="access"
        )
    page = carl.get(reverse("web:privacy_request_list")).content.decode()
    assert 'class="overdue"' in page
    export = carl.post(reverse("web:privacy_request_act", args=[late.pk]), {"action": "export"})
    assert export["Content-Type"] == "application/json"
    assert json.loads(export.content)["customer"]["id"] == customer.pk
    assert browser(people.agent).get(reverse("web:privacy_request_list")).status_code == 403


def test_web_access_request_gives_a_readable_copy_of_the_same_export(people, customer, browser):
    from caseledger.journal.models import Entry
    from tests.factories import make_case

    case = make_case(people.agent, customer)
    carl = browser(people.compliance)
    request = services.privacy_request_open(
        actor=people.compliance, customer=customer, kind="access"
    )
    exports = Entry.objects.filter(action__contains="export").count()
    readable = carl.post(
        reverse("web:privacy_request_act", args=[request.pk]), {"action": "export_html"}
    )
    assert readable.status_code == 200 and readable["Content-Type"].startswith("text/html")
    assert readable["Cache-Control"] == "no-store"
    html = readable.content.decode()
    for section in ("customer", "contact_points", "cases", "journal"):
        assert f'id="section-{section}"' in html
    assert case.reference in html and "data-print" in html and "caseledger/print.css" in html
    assert Entry.objects.filter(action__contains="export").count() == exports + 1


def test_api_add_is_pending_listed_and_decided_only_with_approve(people, customer):
    alice = ApiClient(people.agent, ["customers:read", "customers:write"])
    made = alice.post(
        f"/customers/{customer.pk}/identifiers", {"kind": "passport", "value": PASSPORT}
    )
    assert made.status_code == 202, made.content
    body = made.json()
    assert body["status"] == "pending" and PASSPORT not in made.content.decode()
    listed = alice.get(f"/customers/{customer.pk}/pending-changes").json()
    assert [c["id"] for c in listed] == [body["id"]]
    # No token scope carries customer.approve: reviews happen in the web UI for now.
    sam = ApiClient(people.supervisor)
    assert sam.post(f"/pending-changes/{body['id']}/confirm", {"reason": "ok"}).status_code == 403


def test_api_privacy_request_and_export(people, customer):
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    opened = carl.post("/privacy-requests", {"customer": customer.pk, "kind": "access"})
    assert opened.status_code == 201, opened.content
    rid = opened.json()["id"]
    export = carl.post(f"/privacy-requests/{rid}/export", {})
    assert export.status_code == 200 and export.json()["format"].startswith("caseledger")
    done = carl.post(f"/privacy-requests/{rid}/complete", {"outcome": "sent by email"})
    assert done.json()["status"] == "completed"
    deletion = carl.post("/privacy-requests", {"customer": customer.pk, "kind": "deletion"})
    assert deletion.json()["status"] == "open"
