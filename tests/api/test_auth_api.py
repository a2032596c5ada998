"""Who may call the API: bearer tokens, their scopes, and the roles behind them."""

from __future__ import annotations

from caseledger.accounts.services import token_revoke
from caseledger.cases.models import Case
from tests.api.conftest import case_body


def test_no_token_or_a_wrong_one_gets_401_json(people, case, client):
    missing = client.get("/api/v1/cases")
    wrong = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer clt_not-a-token")
    not_bearer = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Basic YWxpY2U6cHc=")

    for response in (missing, wrong, not_bearer):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(people, case, api_as):
    api = api_as(people.agent)
    assert api.get(f"/cases/{case.pk}").status_code == 200

    token_revoke(actor=people.agent, token=api.token, reason="laptop lost")

    response = api.get(f"/cases/{case.pk}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_read_only_token_cannot_write(people, customer, case, api_as):
    api = api_as(people.agent, ["cases:read", "customers:read"])

    assert api.get(f"/cases/{case.pk}").status_code == 200
    created = api.post("/cases", case_body(customer))
    changed = api.patch(f"/cases/{case.pk}", {"priority": "high"})

    assert created.status_code == 403
    assert created.json()["error"]["code"] == "forbidden"
    assert changed.status_code == 403
    assert Case.objects.count() == 1


def test_a_token_without_the_cases_scope_cannot_read_cases(people, case, api_as):
    api = api_as(people.agent, ["customers:read"])

    assert api.get("/cases").status_code == 403
    assert api.get(f"/customers/{case.customer_id}").status_code == 200


def test_a_write_token_never_exceeds_its_owners_role(people, customer, case, api_as):
    auditor = api_as(people.auditor, ["cases:write", "customers:write"])

    assert auditor.get(f"/cases/{case.pk}").status_code == 200  # auditors read everything
    created = auditor.post("/cases", case_body(customer))
    changed = auditor.patch(f"/cases/{case.pk}", {"priority": "high"})

    assert created.status_code == 403
    assert changed.status_code == 403
    assert Case.objects.count() == 1


def test_an_administrator_without_a_content_role_sees_no_cases(people, case, api_as):
    api = api_as(people.admin)

    assert api.get("/cases").status_code == 403
    assert api.get(f"/cases/{case.pk}").status_code == 403


def test_responses_never_carry_password_or_token_hashes(people, case, api_as):
    api = api_as(people.agent)
    auditor = api_as(people.auditor)
    responses = [
        api.get(f"/cases/{case.pk}"),
        api.get("/customers"),
        api.get(f"/cases/{case.pk}/history"),
        auditor.get(f"/history/user/{people.agent.pk}"),
        auditor.get(f"/history/token/{api.token.pk}"),
    ]

    assert [r.status_code for r in responses] == [200] * 5
    for body in (r.content for r in responses):
        assert people.agent.password.encode() not in body
        assert api.token.token_hash.encode() not in body
        assert b"token_hash" not in body
