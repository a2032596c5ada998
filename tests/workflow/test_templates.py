"""Industry templates: one command adopts SLA policies, statutory deadlines and the holiday
calendar for a department; adopting again changes nothing; two industries, two departments."""

from __future__ import annotations

import pytest

from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.workflow.clocks.queries import policy_for, rules_for
from caseledger.workflow.industries.services import template_adopt
from caseledger.workflow.models import CalendarDay, SlaPolicy, StatutoryRule
from tests.cli.helpers import run


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
