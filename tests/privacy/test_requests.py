"""Privacy requests (PIPL Arts 44-47): open, assign, complete, export, overdue."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.privacy import request_due, services, tasks
from caseledger.privacy.models import RequestStatus
from caseledger.privacy.queries import privacy_request_list

NOON = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)  # a Monday, noon in Shanghai


def test_a_request_is_due_in_30_days_by_default(people, customer):
    with clock.frozen(NOON):
        request = services.privacy_request_open(
            actor=people.compliance, customer=customer, kind="access", channel="email"
        )
    assert request.received_on == dt.date(2026, 3, 2)
    assert request.due_on == dt.date(2026, 4, 1)
    assert request.status == RequestStatus.OPEN
    assert Entry.objects.filter(action="privacy.request_open").count() == 1


def test_working_days_skip_weekends_and_listed_holidays(settings, tmp_path):
    holidays = tmp_path / "holidays.txt"
    holidays.write_text("# Qingming\n2026-04-06\n", encoding="utf-8")
    settings.HOLIDAYS_FILE = str(holidays)
    # Friday + 2 working days: Monday is a holiday, so Wednesday.
    assert request_due.due_date(dt.date(2026, 4, 3), days=2, working=True) == dt.date(2026, 4, 8)
    assert request_due.due_date(dt.date(2026, 4, 3), days=2, working=False) == dt.date(2026, 4, 5)
    holidays.write_text("not a date\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"holidays\.txt:1"):
        request_due.holidays()


def test_only_compliance_opens_requests_and_bad_input_names_the_field(people, customer):
    with pytest.raises(PermissionDenied):
        services.privacy_request_open(actor=people.agent, customer=customer, kind="access")
    with pytest.raises(ValidationFailed) as err:
        services.privacy_request_open(actor=people.compliance, customer=customer, kind="forget")
    assert err.value.field == "kind"


def test_assign_and_complete(people, customer):
    request = services.privacy_request_open(
        actor=people.compliance, customer=customer, kind="correction"
    )
    with pytest.raises(ValidationFailed):
        services.privacy_request_assign(
            actor=people.compliance, request=request, handler=people.agent
        )
    request = services.privacy_request_assign(
        actor=people.compliance, request=request, handler=people.compliance
    )
    assert request.status == RequestStatus.IN_PROGRESS
    with pytest.raises(ValidationFailed) as err:
        services.privacy_request_complete(actor=people.compliance, request=request, outcome="")
    assert err.value.field == "outcome"
    done = services.privacy_request_complete(
        actor=people.compliance, request=request, outcome="address corrected"
    )
    assert done.status == RequestStatus.COMPLETED and done.completed_at is not None
    with pytest.raises(Conflict):
        services.privacy_request_complete(actor=people.compliance, request=request, outcome="x")


# Deletion requests: tests/privacy/test_deletion.py.


def test_access_export_is_complete_masked_and_journaled(people, customer, case):
    from caseledger.cases.services import case_note_add
    from caseledger.customers.services import identifier_add

    identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value="11010519491231002X"
    )
    case_note_add(actor=people.agent, case=case, body="called back")
    request = services.privacy_request_open(
        actor=people.compliance, customer=customer, kind="access"
    )
    data = services.privacy_request_export(actor=people.compliance, request=request)
    text = json.dumps(data, ensure_ascii=False)  # machine-readable as it stands
    assert data["customer"]["id"] == customer.pk
    assert len(data["contact_points"]) == 2
    assert data["identifiers"][0]["masked"] and "value" not in data["identifiers"][0]
    assert "11010519491231002X" not in text
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    assert data["notes"][0]["body"] == "called back"
    assert {"customer.create", "case.create"} <= {e["action"] for e in data["journal"]}
    export = Entry.objects.get(action="privacy.export")
    assert "11010519491231002X" not in export.payload.body
    assert not Entry.objects.filter(action="customer.reveal").exists()


def test_an_export_with_reveal_needs_a_reason_and_journals_each_reveal(people, customer):
    from caseledger.customers.services import identifier_add

    identifier_add(
        actor=people.agent, customer=customer, kind="resident_id", value="11010519491231002X"
    )
    request = services.privacy_request_open(
        actor=people.compliance, customer=customer, kind="access"
    )
    with pytest.raises(ValidationFailed):
        services.privacy_request_export(actor=people.compliance, request=request, reveal=True)
    data = services.privacy_request_export(
        actor=people.compliance, request=request, reveal=True, reason=f"request {request.pk}"
    )
    assert data["identifiers"][0]["value"] == "11010519491231002X"
    assert Entry.objects.filter(action="customer.reveal").count() == 1


def test_overdue_requests_are_listed_and_reported_by_the_daily_job(people, customer):
    with clock.frozen(clock.now() - dt.timedelta(days=40)):
        late = services.privacy_request_open(
            actor=people.compliance, customer=customer, kind="restriction"
        )
    services.privacy_request_open(actor=people.compliance, customer=customer, kind="access")
    assert list(privacy_request_list(actor=people.compliance, filters={"overdue": True})) == [late]
    result = tasks.overdue()
    assert result["overdue"] == 1 and result["requests"][0]["id"] == late.pk
