"""The assignment page (rules, who sees phones) and the absence page, in both languages;
bad input is a message on the page, never a 500."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.workflow.models import Absence, AssignmentRule, FieldVisibility

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_adds_a_rule_and_sets_who_sees_phones_on_the_web(people):
    admin = _as(people.admin)
    act = "web:assignment_act"

    admin.post(reverse(act, args=["rule"]), {"name": "账单", "department": "sales",
               "category": "billing", "strategy": "round_robin"})  # fmt: skip
    admin.post(reverse(act, args=["visibility"]),
               {"role": "supervisor", "field": "phone", "scope": "department"})  # fmt: skip
    bad = admin.post(reverse(act, args=["rule"]), {"name": "", "strategy": "dice"}, follow=True)
    page = admin.get(reverse("web:assignment"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert AssignmentRule.objects.get().category == "billing"
    assert FieldVisibility.objects.get().scope == "department"
    assert bad.status_code == 200 and "strategy" in bad.content.decode()
    assert "分派规则" in page.content.decode() and "账单" in page.content.decode()
    assert _as(people.agent).get(reverse("web:assignment")).status_code == 403
    rule = AssignmentRule.objects.get()
    admin.post(reverse(act, args=["rule_remove"]), {"rule": str(rule.pk)})
    assert not AssignmentRule.objects.exists()
    assert admin.post(reverse(act, args=["rule_remove"]), {"rule": "x"}).status_code == 302


def test_an_agent_records_and_cancels_an_absence_on_the_web(people):
    agent = _as(people.agent)
    url = reverse("web:absences")

    agent.post(url, {"starts_on": "2030-01-01", "ends_on": "2030-01-03", "reason": "年假"})
    refused = agent.post(url, {"starts_on": "soon", "ends_on": "", "reason": ""}, follow=True)
    away = Absence.objects.get()
    agent.post(url, {"cancel": str(away.pk)})

    assert away.user == people.agent and refused.status_code == 200
    assert "YYYY-MM-DD" in refused.content.decode()
    away.refresh_from_db()
    assert away.cancelled_at is not None
    # an agent cannot record for someone else: the user field is ignored for them
    agent.post(url, {"user": "sam", "starts_on": "2030-02-01", "ends_on": "2030-02-01",
                     "reason": "x"})  # fmt: skip
    assert not Absence.objects.filter(user=people.supervisor).exists()
    assert agent.post(url, {"cancel": "nope"}).status_code == 302


def test_an_administrator_records_absences_for_the_people_who_work_cases(people):
    page = _as(people.admin).get(reverse("web:absences")).content.decode()
    offered = set(re.findall(r'<option value="([^"]+)">', page))

    assert {people.agent.username, people.supervisor.username} <= offered
    # Nobody the assignment rules could give a case to is away by being an auditor.
    assert people.auditor.username not in offered and people.admin.username not in offered
