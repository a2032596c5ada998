"""A deletion request (PIPL Art 47) respects legal holds and running retention periods:
refused naming the hold; restricted, with the legal source and date, while a law requires
keeping; otherwise queued for anonymization through disposition review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from caseledger.core import clock
from caseledger.customers.queries import customer_list
from caseledger.journal.models import Entry
from caseledger.privacy import services
from caseledger.privacy.models import RequestStatus
from caseledger.retention.errors import Held
from caseledger.retention.models import RecordRetention
from caseledger.retention.services import hold_place, retention_recompute, schedule_create

NOON = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 22)

# Written against fixed dates: the fixtures are dated at NOON too.
pytestmark = pytest.mark.clock(NOON)


def _deletion(people, customer):
    return services.privacy_request_open(
        actor=people.compliance, customer=customer, kind="deletion"
    )


def _customer_schedule(people, **data):
    return schedule_create(
        actor=people.records_manager,
        data={
            "name": "Customer identity records",
            "record_kind": "customer",
            "period_years": 5,
            "triggers": ["created"],
            "action": "anonymize",
            "legal_source": "Anti-Money Laundering Law Art 19",
            **data,
        },
    )


def test_a_deletion_request_opens_like_any_other(people, customer):
    request = _deletion(people, customer)
    assert request.status == RequestStatus.OPEN and request.outcome == ""


def test_a_hold_on_the_customer_refuses_it_naming_the_hold(people, customer):
    hold_place(
        actor=people.records_manager,
        matter="Regulator inquiry 2026-44",
        reason="r",
        scope="customers",
        customers=[customer.pk],
    )
    request = _deletion(people, customer)
    with pytest.raises(Held, match="Regulator inquiry 2026-44"):
        services.privacy_request_complete(actor=people.compliance, request=request, outcome="ok")
    request.refresh_from_db()
    customer.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.completed_at is None
    assert customer.restricted_at is None
    assert not RecordRetention.objects.filter(erasure_on__isnull=False).exists()


def test_a_hold_on_one_of_its_cases_refuses_it_too(people, customer, case):
    hold_place(
        actor=people.compliance, matter="Lawsuit 7", reason="r", scope="cases", cases=[case.pk]
    )
    request = _deletion(people, customer)
    with pytest.raises(Held, match="Lawsuit 7"):
        services.privacy_request_complete(actor=people.compliance, request=request, outcome="ok")
    assert not Entry.objects.filter(action="privacy.request_complete").exists()


def test_a_running_period_restricts_the_customer_with_source_and_date(people, customer):
    _customer_schedule(people)
    request = _deletion(people, customer)
    with clock.frozen(NOON):
        done = services.privacy_request_complete(
            actor=people.compliance, request=request, outcome="checked the schedules"
        )
    customer.refresh_from_db()
    created = timezone.localdate(customer.created_at)
    due = created.replace(year=created.year + 5)
    assert done.status == RequestStatus.COMPLETED
    assert "restricted under PIPL Art 47" in done.outcome
    for text in (done.outcome, customer.restricted_reason):
        assert "Anti-Money Laundering Law Art 19" in text and due.isoformat() in text
    assert customer.restricted_at is not None
    assert not customer_list(actor=people.agent).filter(pk=customer.pk).exists()
    assert customer.contact_points.count() == 2  # nothing deleted
    assert Entry.objects.filter(action="customer.restrict", actor_name="carl").count() == 1
    row = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
    assert row.state == "restricted" and row.erasure_on is None


def test_an_open_case_keeps_the_customer_until_its_period_has_run(people, customer, case):
    schedule_create(
        actor=people.records_manager,
        data={
            "name": "Complaint files",
            "record_kind": "case",
            "period_years": 3,
            "triggers": ["case_closed"],
            "action": "destroy",
            "legal_source": "Consumer Rights Protection Law",
        },
    )
    done = services.privacy_request_complete(
        actor=people.compliance, request=_deletion(people, customer), outcome="checked"
    )
    assert case.reference in done.outcome and "has not happened yet" in done.outcome
    customer.refresh_from_db()
    assert customer.restricted_at is not None


def test_with_no_period_running_it_is_queued_for_anonymization(people, customer):
    _customer_schedule(people, period_years=0, period_days=1)  # long over
    request = _deletion(people, customer)
    with clock.frozen(NOON + dt.timedelta(days=3)):
        done = services.privacy_request_complete(
            actor=people.compliance, request=request, outcome="no legal duty to keep"
        )
        row = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
        assert row.state == "due" and row.erasure_on == TODAY + dt.timedelta(days=3)
    assert "anonymization required" in done.outcome
    customer.refresh_from_db()
    assert customer.restricted_at is None
    assert Entry.objects.filter(action="retention.erasure_mark").count() == 1


def test_an_unscheduled_customer_falls_due_today_and_stays_due(people, customer):
    with clock.frozen(NOON):
        done = services.privacy_request_complete(
            actor=people.compliance, request=_deletion(people, customer), outcome="none kept"
        )
        row = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
        assert (row.state, row.due_on) == ("due", TODAY)
        retention_recompute(actor=None)  # the nightly recompute keeps the mark
    row.refresh_from_db()
    assert (row.state, row.due_on, row.erasure_on) == ("due", TODAY, TODAY)
    assert done.status == RequestStatus.COMPLETED


def test_api_completes_a_deletion_request(people, customer):
    from tests.api.conftest import ApiClient

    _customer_schedule(people)
    carl = ApiClient(people.compliance, ["customers:read", "customers:reveal"])
    opened = carl.post("/privacy-requests", {"customer": customer.pk, "kind": "deletion"})
    assert opened.json()["status"] == "open"
    done = carl.post(f"/privacy-requests/{opened.json()['id']}/complete", {"outcome": "checked"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed"
    assert "Anti-Money Laundering Law Art 19" in done.json()["outcome"]
