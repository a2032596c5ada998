"""/api/v1/users and /api/v1/departments: administrators, with `users:read`/`users:write`."""

from __future__ import annotations

import pytest

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db
WRITE = ["users:write"]


def test_an_administrator_adds_a_department_and_an_agent_who_cannot_log_in_yet(api_as, people):
    api = api_as(people.admin, WRITE)

    dept = api.post("/departments", {"code": "claims", "name": "理赔 Claims"})
    person = api.post("/users", {"username": "cathy", "roles": ["agent"], "department": "claims"})

    assert dept.status_code == 201 and dept.json()["is_active"] is True
    assert person.status_code == 201, person.json()
    assert person.json()["department"] == "claims" and person.json()["roles"] == ["agent"]
    assert not User.objects.get(username="cathy").has_usable_password()
    assert api.post("/users/cathy/password", {}).status_code == 404  # never over the API


def test_the_list_shows_last_login_open_cases_and_tokens(api_as, people):
    customer = make_customer(people.agent, people.sales)
    make_case(people.agent, customer, assignee=people.agent.pk)

    listed = api_as(people.admin, ["users:read"]).get("/users").json()
    rows = {r["username"]: r for r in listed["items"]}

    assert rows["alice"]["open_cases"] == 1 and rows["alice"]["last_login"] is None
    assert rows["adam"]["active_tokens"] == 1  # the token this request used


def test_people_and_departments_come_in_pages_that_add_up_to_everyone(api_as, people):
    from caseledger.accounts.models import Department
    from caseledger.accounts.services import user_create
    from caseledger.workflow.services import user_deactivate

    for n in range(7):
        user_create(
            actor=None, username=f"p{n}", password=None, roles=["agent"], department=people.sales
        )
    gone = user_create(
        actor=None, username="gone", password=None, roles=["agent"], department=people.sales
    )
    user_deactivate(actor=None, user=gone, reason="left")
    api = api_as(people.admin, ["users:read"])

    def walk(path: str, key: str, **filters: str) -> list[str]:
        seen, cursor = [], None
        while True:
            query = {"limit": 3, **filters, **({"cursor": cursor} if cursor else {})}
            body = api.get(path, query).json()
            assert len(body["items"]) <= 3
            seen += [row[key] for row in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                return seen

    users = walk("/users", "username")
    everyone = list(
        User.objects.order_by("-is_active", "username").values_list("username", flat=True)
    )
    assert users == everyone and users[-1] == "gone"  # active first, each once
    assert "gone" not in walk("/users", "username", active="true")
    departments = walk("/departments", "code")
    assert sorted(departments) == sorted(Department.objects.values_list("code", flat=True))
    too_many = api.get("/users?limit=201")
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "limit"


def test_editing_a_person_and_a_department(api_as, people):
    api = api_as(people.admin, WRITE)

    edited = api.patch(
        "/users/alice",
        {"roles": ["agent", "supervisor"], "supervised_departments": ["sales", "service"]},
    )
    renamed = api.patch("/departments/service", {"name": "客服中心", "reason": "rename"})

    assert edited.status_code == 200, edited.json()
    assert edited.json()["supervised_departments"] == ["sales", "service"]
    assert renamed.json()["name"] == "客服中心"


def test_offboarding_over_the_api(api_as, people):
    from caseledger.accounts.services import user_create

    user_create(actor=None, username="bea", password=None, roles=["agent"], department=people.sales)
    customer = make_customer(people.agent, people.sales)
    case = make_case(people.agent, customer, assignee=people.agent.pk)

    response = api_as(people.admin, WRITE).post(
        "/users/alice/deactivate", {"successor": "bea", "reason": "left"}
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["user"]["is_active"] is False and body["successor"] == "bea"
    assert body["moved"] == [
        {"kind": "case", "id": case.pk, "to": Case.objects.get(pk=case.pk).assignee_id}
    ]


def test_refusals_are_clear_errors(api_as, people):
    api = api_as(people.admin, WRITE)

    unknown = api.post("/users/nobody/deactivate", {"reason": "x"})
    no_dept = api.post("/users", {"username": "x", "roles": ["agent"]})
    bad_dept = api.post("/users", {"username": "x", "roles": ["agent"], "department": "nope"})
    members = api.post("/departments/service/deactivate", {"reason": "closing"})
    read_only = api_as(people.admin, ["users:read"]).post(
        "/departments", {"code": "a", "name": "A"}
    )
    agent = api_as(people.agent, WRITE).get("/users")

    assert (
        unknown.status_code == 404
        and "user nobody does not exist" in unknown.json()["error"]["message"]
    )
    assert no_dept.status_code == 422 and no_dept.json()["error"]["field"] == "department"
    assert bad_dept.status_code == 404
    assert members.status_code == 422 and "oscar" in members.json()["error"]["message"]
    assert read_only.status_code == 403
    assert agent.status_code == 403
    assert not User.objects.filter(username="x").exists()
