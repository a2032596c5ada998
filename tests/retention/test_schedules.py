"""Schedules: validation, versioning, presets; deadlines: matching, triggers, states,
unscheduled records, holds, and the plan that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from caseledger.cases import services as cases
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.customers import services as customers
from caseledger.journal.models import Entry
from caseledger.retention.deadlines import add_period
from caseledger.retention.models import RecordRetention, RetentionSchedule
from caseledger.retention.queries import retention_plan
from caseledger.retention.services import (
    hold_place,
    presets_adopt,
    retention_recompute,
    schedule_create,
    schedule_update,
)
from tests.factories import make_case

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def complaints(people, **over):
    data = {
        "name": "Complaint files",
        "record_kind": "case",
        "case_kind": "complaint",
        "period_years": 3,
        "triggers": ["case_closed"],
        "action": "review",
        "legal_source": "common practice, no statute",
        **over,
    }
    return schedule_create(actor=people.records_manager, data=data)


def close(people, case, at):
    with clock.frozen(at):
        for status in ("acknowledged", "assessing", "investigating", "responded"):
            case = cases.case_update(actor=people.agent, case=case, data={"status": status})
        return cases.case_update(
            actor=people.agent, case=case, data={"status": "closed", "resolution": "refunded"}
        )


def row(case):
    return RecordRetention.objects.get(record_type="case", record_id=case.pk)


def test_add_period_clamps_to_the_month_end():
    assert add_period(dt.date(2024, 2, 29), 1, 0, 0) == dt.date(2025, 2, 28)
    assert add_period(dt.date(2026, 1, 31), 0, 1, 1) == dt.date(2026, 3, 1)


def test_schedule_validation_names_the_field(people):
    with pytest.raises(ValidationFailed) as err:
        complaints(people, triggers=["moon_phase"], action="burn")
    assert {e.field for e in err.value.errors} == {"triggers", "action"}
    with pytest.raises(PermissionDenied):
        schedule_create(actor=people.agent, data={})


def test_an_edit_makes_a_new_version_and_keeps_the_old(people):
    v1 = complaints(people)
    v2 = schedule_update(
        actor=people.compliance, schedule=v1, data={"period_years": 5}, reason="policy 2026"
    )
    assert (v2.code, v2.version, v2.period_years) == (v1.code, 2, 5)
    v1.refresh_from_db()
    assert not v1.is_current and v1.period_years == 3
    assert Entry.objects.order_by("-seq").first().action == "retention.schedule_update"


def test_presets_adopt_with_sources_and_unconfirmed_ones_need_confirmation(people):
    adopted = presets_adopt(actor=people.records_manager, industry="securities")
    by_code = {s.code: s for s in adopted}
    assert by_code["securities-aml-customer-identity"].status == "active"
    assert "反洗钱法" in by_code["securities-aml-customer-identity"].legal_source
    assert by_code["securities-securities-account-records"].status == "needs_confirmation"
    assert presets_adopt(actor=people.records_manager, industry="securities") == []
    saas = presets_adopt(actor=people.records_manager, industry="saas")
    assert all("个人信息保护法 Art 19" in s.legal_source for s in saas)
    with pytest.raises(ValidationFailed) as err:
        presets_adopt(actor=people.records_manager, industry="mining")
    assert err.value.field == "industry"


def test_cli_adopts_presets_in_one_step(people, capsys):
    call_command("retention", "presets", "--industry", "insurance", "--as", "rita")
    out = capsys.readouterr().out
    assert "insurance-insurance-complaint" in out and "NEEDS CONFIRMATION" in out
    assert RetentionSchedule.objects.filter(industry="insurance").count() == 3


def test_deadlines_states_and_unscheduled(people, customer):
    complaints(people)
    open_case = make_case(people.agent, customer)
    inquiry = make_case(people.agent, customer, kind="inquiry", category="other", subcategory="")
    closed = close(people, make_case(people.agent, customer), T0)
    counts = retention_recompute(actor=people.records_manager, on=dt.date(2026, 6, 1))
    assert row(closed).due_on == dt.date(2029, 3, 1) and row(closed).state == "active"
    assert row(closed).schedule_version == 1
    assert row(open_case).state == "pending" and row(open_case).due_on is None
    assert row(inquiry).state == "unscheduled"
    assert counts["unscheduled"] == 2  # the inquiry and the customer
    retention_recompute(actor=None, on=dt.date(2029, 2, 10))
    assert row(closed).state == "due_soon"
    retention_recompute(actor=None, on=dt.date(2029, 3, 1))
    assert row(closed).state == "due"


def test_the_longest_keeping_schedule_governs_and_holds_show(people, customer):
    complaints(people)
    complaints(people, name="Billing complaints", category="billing", period_years=7)
    case = close(people, make_case(people.agent, customer), T0)
    retention_recompute(actor=people.compliance, on=dt.date(2026, 6, 1))
    assert row(case).schedule.code == "billing-complaints"
    hold_place(actor=people.compliance, matter="M", reason="r", scope="cases", cases=[case.pk])
    retention_recompute(actor=people.compliance, on=dt.date(2040, 1, 1))
    assert row(case).state == "held"


def test_relationship_end_triggers_customer_schedules(people, customer):
    schedule_create(
        actor=people.records_manager,
        data={
            "name": "AML identity",
            "record_kind": "customer",
            "period_years": 10,
            "triggers": ["relationship_ended"],
            "action": "review",
            "legal_source": "反洗钱法 (2024) Art 34",
        },
    )
    customers.customer_update(
        actor=people.agent,
        customer=customer,
        data={"relationship_status": "ended", "relationship_ended_on": "2026-01-15"},
    )
    retention_recompute(actor=None, on=dt.date(2026, 6, 1))
    got = RecordRetention.objects.get(record_type="customer", record_id=customer.pk)
    assert got.due_on == dt.date(2036, 1, 15) and got.state == "active"


def test_recompute_journals_each_batch_and_plan_changes_nothing(people, customer):
    complaints(people)
    for _ in range(3):
        make_case(people.agent, customer)
    before = Entry.objects.count()
    retention_recompute(actor=people.records_manager, batch_size=2)
    batches = Entry.objects.filter(seq__gt=0).order_by("-seq")[: Entry.objects.count() - before]
    assert {e.action for e in batches} == {"retention.recompute"}
    assert Entry.objects.count() - before == 3  # two case batches, one customer batch
    rows, entries = RecordRetention.objects.count(), Entry.objects.count()
    plan = retention_plan(actor=people.auditor, on=dt.date(2026, 6, 1))
    assert plan["by_state"] == {"pending": 3, "unscheduled": 1}
    assert (RecordRetention.objects.count(), Entry.objects.count()) == (rows, entries)


def test_cli_plan_prints_counts_as_json(people, customer, capsys):
    complaints(people)
    make_case(people.agent, customer)
    call_command("retention", "plan", "--on", "2026-06-01", "--json")
    import json

    plan = json.loads(capsys.readouterr().out)
    assert plan["by_state"] == {"pending": 1, "unscheduled": 1}
    assert not RecordRetention.objects.exists()
    call_command("retention", "recompute", "--no-progress")
    assert RecordRetention.objects.count() == 2


def test_the_worker_job_recomputes(people, customer):
    from caseledger.retention.tasks import recompute

    complaints(people)
    make_case(people.agent, customer)
    assert recompute() == {"pending": 1, "unscheduled": 1}


def test_a_schedule_change_recomputes_after_commit(
    people, customer, django_capture_on_commit_callbacks
):
    make_case(people.agent, customer)
    with django_capture_on_commit_callbacks(execute=True):
        complaints(people)
    assert RecordRetention.objects.get(record_type="case").state == "pending"
