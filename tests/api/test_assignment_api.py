"""/api/v1/assignment-rules, assignees, absences, repeats and field visibility."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.core import clock
from caseledger.workflow.models import AssignmentRule
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db
SETTINGS = ["settings:write"]


def test_an_administrator_edits_rules_over_the_api_and_bad_input_is_a_clear_422(api_as, people):
    api = api_as(people.admin, SETTINGS)

    made = api.post(
        "/assignment-rules",
        {"name": "账单", "department": "sales", "category": "billing", "strategy": "least_open"},
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    patched = api.patch(f"/assignment-rules/{pk}", {"position": 3, "is_active": False})
    assert patched.status_code == 200 and patched.json()["position"] == 3
    assert [r["id"] for r in api.get("/assignment-rules").json()] == [pk]
    bad = api.post("/assignment-rules", {"name": "x", "department": "nope", "strategy": "dice"})
    assert bad.status_code == 422 and "department" in str(bad.json())
    assert api.post("/assignment-rules", {"colour": "red"}).status_code == 422
    assert api.patch("/assignment-rules/999", {"position": 1}).status_code == 404
    deleted = api.client.delete(
        f"/api/v1/assignment-rules/{pk}", HTTP_AUTHORIZATION=f"Bearer {api.secret}"
    )
    assert deleted.status_code == 204 and not AssignmentRule.objects.exists()
    assert api_as(people.supervisor).get("/assignment-rules").status_code == 403


def test_absences_and_the_assignee_list_over_the_api(api_as, people):
    with clock.frozen(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)):
        _absences_and_assignees(api_as, people)


def _absences_and_assignees(api_as, people):
    case = make_case(people.agent, make_customer(people.agent, people.sales))
    mine = api_as(people.supervisor, ["cases:read"])

    away = mine.post(
        "/users/sam/absences",
        {"starts_on": "2026-03-01", "ends_on": "2026-03-06", "reason": "away"},
    )
    assert away.status_code == 201
    names = [p["username"] for p in mine.get(f"/cases/{case.pk}/assignees").json()]
    assert names == ["alice"]  # sam is away
    other = mine.post(
        "/users/alice/absences", {"starts_on": "2000-01-01", "ends_on": "2000-01-01", "reason": "x"}
    )
    assert other.status_code == 403
    bad = mine.post("/users/sam/absences", {"starts_on": "x", "ends_on": "y", "reason": ""})
    assert bad.status_code == 422
    admin = api_as(people.admin, ["users:write"])
    assert [a["reason"] for a in admin.get("/users/sam/absences").json()] == ["away"]
    gone = admin.client.delete(
        f"/api/v1/absences/{away.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {admin.secret}"
    )
    assert gone.status_code == 204
    assert "sam" in [p["username"] for p in mine.get(f"/cases/{case.pk}/assignees").json()]


def test_field_visibility_over_the_api(api_as, people):
    api = api_as(people.admin, SETTINGS)

    saved = api.client.put(
        "/api/v1/field-visibility",
        '{"role": "supervisor", "field": "phone", "scope": "department"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )
    bad = api.client.put(
        "/api/v1/field-visibility",
        '{"role": "supervisor", "field": "iris", "scope": "always"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )

    assert saved.status_code == 200 and bad.status_code == 422
    rows = {(r["role"], r["field"]): r["scope"] for r in api.get("/field-visibility").json()}
    assert rows[("supervisor", "phone")] == "department" and rows[("agent", "phone")] == "assigned"
