"""Industry templates: one command adopts SLA policies, statutory deadlines and the holiday
calendar for a department; adopting again changes nothing; two industries, two departments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caseledger.cases.services import case_note_add
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.workflow.clocks.queries import clocks_of, policy_for, rules_for
from caseledger.workflow.industries.data import TEMPLATES
from caseledger.workflow.industries.services import template_adopt
from caseledger.workflow.models import CalendarDay, SlaPolicy, StatutoryRule
from tests.cli.helpers import run
from tests.factories import make_case, make_customer

SH = ZoneInfo("Asia/Shanghai")


def test_banking_for_sales_and_telecom_for_service(people):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    template_adopt(actor=people.admin, industry="telecom", department=people.service)

    sales = {"department_id": people.sales.pk, "kind": "complaint", "priority": "urgent"}
    service = {"department_id": people.service.pk, "kind": "complaint", "priority": "normal"}
    assert (
        policy_for(sales).name == "banking urgent"
        and policy_for(sales).first_response_minutes == 60
    )
    assert policy_for(service).name == "telecom normal"
    assert [r.code for r in rules_for(sales)] == ["cbirc-complaint"]
    assert [r.code for r in rules_for(service)] == ["miit-complaint"]
    assert CalendarDay.objects.filter(calendar="cn").count() == 39


def test_adopting_again_changes_nothing_but_is_recorded(people):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    counts = (SlaPolicy.objects.count(), StatutoryRule.objects.count())
    entries = Entry.objects.count()

    again = template_adopt(actor=people.admin, industry="banking", department=people.sales)

    assert again["sla_policies_changed"] == 0 and again["calendar_days_changed"] == 0
    assert (SlaPolicy.objects.count(), StatutoryRule.objects.count()) == counts
    assert list(
        Entry.objects.filter(seq__gt=0).order_by("-seq").values_list("action", flat=True)[:1]
    ) == ["template.adopt"]
    assert Entry.objects.count() - entries <= 3  # calendar, statutory and template records


def test_refusals(people):
    with pytest.raises(ValidationFailed, match="no template for fishing"):
        template_adopt(actor=people.admin, industry="fishing", department=people.sales)
    with pytest.raises(PermissionDenied):
        template_adopt(actor=people.supervisor, industry="banking", department=people.sales)


def test_the_template_command(people):
    out = run("template", "adopt", "banking", "--department", "sales").out

    assert (
        "banking adopted for sales: 4 SLA policies changed, statutory rules cbirc-complaint" in out
    )
    assert "banking" in run("template", "list").out


def test_adopting_banking_sets_the_next_update_and_the_case_clock_follows_it(people):
    monday_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with clock.frozen(monday_10):
        template_adopt(actor=people.admin, industry="banking", department=people.sales)
        complaint = make_case(people.agent, make_customer(people.agent, people.sales))

    intervals = dict(
        SlaPolicy.objects.filter(department=people.sales).values_list(
            "priority", "next_update_minutes"
        )
    )
    assert intervals == {"urgent": 120, "high": 240, "normal": 480, "low": 960}
    adopted = Entry.objects.filter(action="sla.policy_adopt").first()
    assert adopted is not None and "UNCONFIRMED" in adopted.reason
    state = {"department_id": people.sales.pk, "kind": "complaint", "priority": "normal"}
    assert policy_for(state).next_update_minutes == 480

    with clock.frozen(monday_10.replace(hour=11)):
        case_note_add(actor=people.agent, case=complaint, body="收到 received", kind="outbound")
        update = {c.kind: c for c in clocks_of(complaint.pk)}["next_update"]
    # 8 working hours, not the default 16: Mon 11-12, 13-18 (6 h), Tue 9-11
    assert update.due_at == dt.datetime(2026, 3, 3, 11, 0, tzinfo=SH)


def test_every_industry_gives_each_priority_a_next_update_interval(people):
    for industry in TEMPLATES:
        template_adopt(actor=people.admin, industry=industry, department=people.sales)
        rows = SlaPolicy.objects.filter(department=people.sales, name__startswith=f"{industry} ")
        assert rows.count() == 4
        assert all(r.next_update_minutes for r in rows), industry
