"""Templates as data and the process over the API (issue 12): an administrator's token
edits the taxonomy and the step rules; an agent moves a case through its guards and
acknowledges it; a high-severity banking close waits for a supervisor's approval."""

from __future__ import annotations

import json

import pytest

from caseledger.cases import taxonomy
from caseledger.cases.models import Case
from caseledger.workflow.industries.services import template_adopt
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


def _put(client, path, body):
    return client.client.put(
        f"/api/v1{path}", json.dumps(body), content_type="application/json",
        **client._headers(None),
    )  # fmt: skip


def test_an_administrator_adds_and_renames_a_category(people, api_as):
    admin = api_as(people.admin, ["templates:write"])

    added = admin.post(
        "/taxonomy/categories",
        {"code": "fees", "parent": "billing", "label_en": "Fees", "label_zh": "手续费"},
    )
    assert added.status_code == 201, added.content
    edited = admin.patch(
        f"/taxonomy/categories/{added.json()['id']}",
        {"label_en": "Account fees", "version": 1},
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = admin.patch(f"/taxonomy/categories/{added.json()['id']}", {"position": 3, "version": 1})
    assert stale.status_code == 409
    listed = admin.get("/taxonomy").json()
    assert {"code": "fees", "parent": "billing", "label_en": "Account fees"}.items() <= next(
        n for n in listed if n["code"] == "fees"
    ).items()
    rule = _put(admin, "/taxonomy/steps/closed", {"fields": ["resolution", "root_cause"]})
    assert rule.status_code == 200 and rule.json()["fields"] == ["resolution", "root_cause"]


def test_an_agent_may_read_the_taxonomy_but_not_edit_it(people, api_as):
    agent = api_as(people.agent)
    assert agent.get("/taxonomy").status_code == 200
    refused = agent.post("/taxonomy/categories", {"code": "x", "label_en": "X", "label_zh": "X"})
    assert refused.status_code == 403
    bad = api_as(people.admin, ["templates:write"]).post(
        "/taxonomy/categories", {"code": "", "label_en": "", "label_zh": "X"}
    )
    assert bad.status_code == 422


def test_a_move_names_what_is_missing_then_closes(people, customer, api_as):
    case = make_case(people.agent, customer)
    agent = api_as(people.agent)

    refused = agent.post(f"/cases/{case.pk}/move", {"status": "closed"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "resolution"
    moved = agent.post(f"/cases/{case.pk}/move", {"status": "closed", "resolution": "Refunded"})
    assert moved.status_code == 200 and moved.json()["status"] == "closed"


def test_a_high_severity_banking_close_waits_for_the_supervisor(people, customer, api_as):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    case = make_case(people.agent, customer, severity="high")

    asked = (
        api_as(people.agent)
        .post(
            f"/cases/{case.pk}/move",
            {"status": "closed", "resolution": "Refunded", "root_cause": "Posting"},
        )
        .json()
    )
    assert asked["waiting_for_approval"] and asked["status"] == "received"
    own = api_as(people.agent, ["cases:approve"]).post(
        f"/approvals/{asked['approval_id']}/approve", {}
    )
    assert own.status_code == 403
    approved = api_as(people.supervisor, ["cases:approve"]).post(
        f"/approvals/{asked['approval_id']}/approve", {"reason": "checked"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "closed"
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_acknowledging_over_the_api(people, customer, api_as):
    case = make_case(people.agent, customer)
    done = api_as(people.agent).post(f"/cases/{case.pk}/acknowledge", {"language": "en"})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    again = api_as(people.agent).post(f"/cases/{case.pk}/acknowledge", {})
    assert again.status_code == 409
