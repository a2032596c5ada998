"""A refusal caused by a token's scopes blames the scope, names the one that would do, and
does not blame the person's roles."""

from __future__ import annotations


def test_a_token_without_the_scope_is_told_which_scope_would_do(api_as, people, case):
    reader = api_as(people.agent, ["customers:read"])
    response = reader.get(f"/cases/{case.pk}")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["field"] == "scope"
    assert (
        "This API token may not view cases (case.view): its scopes are customers:read"
        in error["message"]
    )
    assert "cases:read or cases:write" in error["message"]
    assert "lacks permission" not in error["message"]


def test_a_role_that_may_not_is_still_blamed_on_the_role(people):
    import pytest

    from caseledger.accounts.access import require
    from caseledger.accounts.permissions import Perm
    from caseledger.core.errors import PermissionDenied

    people.admin.token_scopes = ["cases:read"]  # the scope is there; the role is not
    with pytest.raises(PermissionDenied, match=r"Your roles \(Administrator\) do not allow you"):
        require(people.admin, Perm.CASE_VIEW)


def test_an_api_refusal_speaks_the_language_the_client_asks_for(api_as, people, case):
    reader = api_as(people.agent, ["customers:read"])
    # The API speaks the language of Accept-Language (Django's LocaleMiddleware; the
    # configured CASELEDGER_LANGUAGE when a client sends none).
    headers = {"HTTP_AUTHORIZATION": f"Bearer {reader.secret}", "HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
    response = reader.client.get(f"/api/v1/cases/{case.pk}", **headers)
    message = response.json()["error"]["message"]
    assert response.status_code == 403 and response["Content-Language"] == "zh-hans"
    assert "此 API 令牌不能查看案件" in message and "cases:read" in message
    assert "may not" not in message


def test_a_refusal_in_another_department_says_where_the_person_may(people, case):
    import pytest

    from caseledger.accounts.access import require
    from caseledger.accounts.permissions import Perm
    from caseledger.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied) as refused:
        require(people.outsider, Perm.CASE_VIEW, case.department_id)
    assert "only in Service 客服部, not in Sales 销售部" in refused.value.message


def test_a_supervisor_refused_a_disposition_elsewhere_reads_where_they_may_in_chinese(people):
    import pytest
    from django.utils import translation

    from caseledger.accounts.access import refuse
    from caseledger.accounts.permissions import Perm
    from caseledger.core.errors import PermissionDenied

    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        refuse(people.supervisor, Perm.DISPOSITION_APPROVE, people.service.pk)
    message = refused.value.shown()
    assert message.startswith("您只能在Sales 销售部批准处置，不能在Service 客服部")
    assert "lacks permission" not in message and "disposition.approve" not in message
