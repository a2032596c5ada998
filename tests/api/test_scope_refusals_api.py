"""A refusal caused by a token's scopes blames the scope, names the one that would do, and
does not blame the person's roles."""

from __future__ import annotations


def test_a_token_without_the_scope_is_told_which_scope_would_do(api_as, people, case):
    reader = api_as(people.agent, ["customers:read"])
    response = reader.get(f"/cases/{case.pk}")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["field"] == "scope"
    assert "this token's scopes (customers:read) do not allow case.view" in error["message"]
    assert "cases:read or cases:write" in error["message"]
    assert "lacks permission" not in error["message"]


def test_a_role_that_may_not_is_still_blamed_on_the_role(people):
    import pytest

    from caseledger.accounts.access import require
    from caseledger.accounts.permissions import Perm
    from caseledger.core.errors import PermissionDenied

    people.admin.token_scopes = ["cases:read"]  # the scope is there; the role is not
    with pytest.raises(PermissionDenied, match=r"adam lacks permission case\.view"):
        require(people.admin, Perm.CASE_VIEW)
