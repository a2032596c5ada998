"""An API client per persona: Django's test client with a bearer token of chosen scopes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

ALL_SCOPES = ["cases:read", "cases:write", "customers:read", "customers:write", "journal:read"]


class ApiClient:
    def __init__(self, user, scopes: list[str] | None = None) -> None:
        from caseledger.accounts.services import token_create

        self.user = user
        self.token, self.secret = token_create(
            actor=None, user=user, name="test", scopes=scopes or ALL_SCOPES
        )
        self.client = Client()

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(None))

    def post(self, path: str, body: Any, *, key: str | None = None):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            **self._headers(key),
        )

    def patch(self, path: str, body: Any):
        return self.client.patch(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            **self._headers(None),
        )

    def upload(self, path: str, files: dict[str, Any], *, key: str | None = None):
        return self.client.post(f"/api/v1{path}", files, **self._headers(key))


@pytest.fixture
def api_as(people):
    """api_as(people.agent) or api_as(people.agent, ["cases:read"])."""

    def make(user, scopes: list[str] | None = None) -> ApiClient:
        return ApiClient(user, scopes)

    return make


def case_body(customer, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "complaint",
        "channel": "phone",
        "category": "billing",
        "subcategory": "wrong_charge",
        "subject": "扣费两次 Charged twice",
        "department": "sales",
        "customer": customer.pk,
    }
    body.update(over)
    return body


def make_officer(people, username: str = "officer"):
    """A supervisor who is also records manager and compliance, supervising sales and
    service: who the edge and fuzz tests send as."""
    from caseledger.accounts.services import user_create

    return user_create(
        actor=None,
        username=username,
        password=None,
        roles=["supervisor", "records_manager", "compliance"],
        department=people.sales,
        supervised=[people.sales, people.service],
    )


@pytest.fixture
def officer_api(api_as, people):
    """A token of every scope for `make_officer`'s officer."""
    from caseledger.accounts.permissions import TOKEN_SCOPES

    return api_as(make_officer(people), list(TOKEN_SCOPES))
