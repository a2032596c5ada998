"""Calling the customer back: whether a role sees a phone in full is a setting per role and
field (default: agents on the cases assigned to them); every full display is a look in the
journal."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.workflow.visibility.queries import settings_table
from caseledger.workflow.visibility.services import case_contact_show, visibility_set
from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer


@pytest.fixture
def api_as():
    return ApiClient


@pytest.fixture
def assigned(people):
    customer = make_customer(people.agent, people.sales)
    return make_case(people.agent, customer, assignee=people.agent.pk)


def test_the_assigned_agent_sees_the_full_phone_and_the_look_is_journaled(people, assigned):
    phone = assigned.customer.contact_points.get(kind="phone").value

    [shown] = case_contact_show(actor=people.agent, case=assigned)

    assert shown.value == phone and shown.tel == f"tel:{phone}"
    look = Entry.objects.get(action="customer.look", object_id=str(assigned.customer_id))
    body = look.payload.body
    extra = json.loads(body)["extra"]
    assert extra["case"] == assigned.pk and extra["masked"] == [shown.masked]
    assert phone not in json.dumps(extra) and look.actor_id == people.agent.pk


def test_everyone_else_sees_it_masked_until_an_administrator_says_otherwise(people, assigned):
    unassigned = make_case(people.agent, assigned.customer, category="other", subcategory="")
    before = Entry.objects.count()
    for actor, case in ((people.agent, unassigned), (people.supervisor, assigned)):
        with pytest.raises(PermissionDenied, match="does not show"):
            case_contact_show(actor=actor, case=case)
    assert Entry.objects.count() == before  # refused: nothing shown, nothing journaled
    with pytest.raises(PermissionDenied):
        visibility_set(
            actor=people.supervisor, role="supervisor", field="phone", scope="department"
        )
    with pytest.raises(ValidationFailed):
        visibility_set(actor=people.admin, role="boss", field="iris", scope="always")

    visibility_set(actor=people.admin, role="supervisor", field="phone", scope="department")

    assert case_contact_show(actor=people.supervisor, case=unassigned)
    assert settings_table()[("supervisor", "phone")] == "department"
    assert settings_table()[("agent", "email")] == "masked"
    visibility_set(actor=people.admin, role="agent", field="phone", scope="masked", reason="policy")
    with pytest.raises(PermissionDenied):
        case_contact_show(actor=people.agent, case=assigned)


def test_the_agent_calls_back_from_the_case_page(people, assigned):
    client = Client()
    client.force_login(people.agent)
    url = reverse("web:case_detail", args=[assigned.pk])
    phone = assigned.customer.contact_points.get(kind="phone").value

    page = client.get(url).content.decode()
    assert 'id="show-phone"' in page and phone not in page
    shown = client.post(reverse("web:case_phone", args=[assigned.pk])).content.decode()

    assert f'href="tel:{phone}"' in shown
    client.force_login(people.supervisor)
    assert 'id="show-phone"' not in client.get(url).content.decode()
    refused = client.post(reverse("web:case_phone", args=[assigned.pk]))
    assert refused.status_code == 302


def test_the_api_shows_the_phone_to_the_assigned_agent_only(people, assigned, api_as):
    ok = api_as(people.agent, ["cases:read"]).post(f"/cases/{assigned.pk}/phone", {})
    refused = api_as(people.supervisor, ["cases:read"]).post(f"/cases/{assigned.pk}/phone", {})

    assert ok.status_code == 200 and ok.json()[0]["tel"].startswith("tel:")
    assert refused.status_code == 403
