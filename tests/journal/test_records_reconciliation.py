"""Live rows changed behind the services' back are named: every case and customer is rebuilt
from the journal and compared with its row (`journal verify --records`, and the worker's
scheduled `journal.reconcile` job).

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caseledger.cases.services import case_note_add, case_update
from caseledger.customers.services import customer_update
from caseledger.journal.reconcile import reconcile
from caseledger.journal.tasks import RecordsDrifted, reconcile_records
from tests.factories import make_case, make_customer
from tests.journal.tamper import sql


@pytest.fixture
def records(people, customer):
    """Cases and customers with a little history each, all written through the services."""
    cases = [make_case(people.agent, customer) for _ in range(3)]
    case_update(actor=people.agent, case=cases[0], data={"priority": "urgent"})
    case_note_add(actor=people.agent, case=cases[1], body="called back")
    other = make_customer(people.agent, people.sales)
    customer_update(actor=people.agent, customer=other, data={"tags": ["vip"]})
    return cases, [customer, other]


def _verify_records() -> tuple[dict, str]:
    out = io.StringIO()
    try:
        call_command("journal", "verify", "--records", "--json", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 1
        return json.loads(out.getvalue()), str(exc)
    return json.loads(out.getvalue()), ""


def test_records_written_through_the_services_equal_the_journal(records):
    report = reconcile()
    assert report.ok, report.drifts
    assert report.checked == {
        "case": 3,
        "customer": 2,
        "user": 7,
        "token": 0,
        "legal_hold": 0,
        "retention_schedule": 0,
        "department": 2,
        "field_visibility": 0,
        "assignment_rule": 0,
    }
    data, failure = _verify_records()
    assert failure == "" and data["records"]["ok"] is True


def test_a_case_updated_in_the_database_is_named(records):
    cases, _ = records
    sql("UPDATE cases_case SET subject = 'x' WHERE id = %s", [cases[1].pk])
    report = reconcile()
    assert [(d.record, d.label, d.kind) for d in report.drifts] == [
        (f"case:{cases[1].pk}", cases[1].reference, "differs")
    ]
    assert "subject" in report.drifts[0].detail
    data, failure = _verify_records()
    assert f"case:{cases[1].pk}" in failure
    assert data["records"]["total_drifts"] == 1


def test_a_customer_updated_in_the_database_is_named(records):
    _, customers = records
    sql("UPDATE customers_customer SET tags = '[]' WHERE id = %s", [customers[1].pk])
    drifts = reconcile().drifts
    assert [(d.record, d.kind) for d in drifts] == [(f"customer:{customers[1].pk}", "differs")]
    assert "tags" in drifts[0].detail


def test_a_case_deleted_in_the_database_is_named(records):
    cases, _ = records
    sql("DELETE FROM cases_casenote WHERE case_id = %s", [cases[2].pk])
    sql("DELETE FROM retention_recordretention WHERE record_id = %s", [cases[2].pk])
    sql("DELETE FROM workflow_caselink WHERE case_id = %s OR earlier_id = %s", [cases[2].pk] * 2)
    sql("DELETE FROM cases_case WHERE id = %s", [cases[2].pk])
    drifts = reconcile().drifts
    assert [(d.record, d.kind) for d in drifts] == [(f"case:{cases[2].pk}", "deleted")]
    assert "row is gone" in drifts[0].detail


def test_a_case_inserted_without_journal_is_named(records):
    cases, _ = records
    sql(
        "INSERT INTO cases_case (reference, kind, channel, category, subcategory, severity, "
        "priority, status, department_id, assignee_id, customer_id, subject, description, "
        "customer_request, resolution, root_cause, satisfaction, received_at, closed_at, "
        "product_ref, order_ref, contract_ref, created_at, updated_at, version, archived_at, "
        "restricted_at, restricted_reason) "
        "SELECT 'CL-2026-999999', kind, channel, category, subcategory, severity, priority, "
        "status, department_id, assignee_id, customer_id, 'ghost', description, "
        "customer_request, resolution, root_cause, satisfaction, received_at, closed_at, "
        "product_ref, order_ref, contract_ref, created_at, updated_at, version, archived_at, "
        "restricted_at, restricted_reason FROM cases_case WHERE id = %s",
        [cases[0].pk],
    )
    drifts = reconcile().drifts
    assert [(d.label, d.kind) for d in drifts] == [("CL-2026-999999", "unjournaled")]
    assert "no journal history" in drifts[0].detail


def test_every_drifted_row_is_reported_not_only_the_first(records):
    cases, customers = records
    sql("UPDATE cases_case SET subject = 'x'")
    sql("UPDATE customers_customer SET name = 'y'")
    report = reconcile()
    assert report.total_drifts == len(cases) + len(customers)
    assert {d.record for d in report.drifts} == {f"case:{c.pk}" for c in cases} | {
        f"customer:{c.pk}" for c in customers
    }


def test_the_scheduled_job_fails_naming_the_drifted_rows(records):
    cases, _ = records
    assert reconcile_records()["checked"]["case"] == 3
    sql("UPDATE cases_case SET subject = 'x' WHERE id = %s", [cases[0].pk])
    with pytest.raises(RecordsDrifted, match=f"case:{cases[0].pk}"):
        reconcile_records()
