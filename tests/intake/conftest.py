"""The API clients of tests/api serve the intake tests too; the public form's helpers."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from tests.api.conftest import api_as  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no request counted against the public pages' limits."""
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def solved(client: Client) -> str:
    """A solution of a fresh challenge from /complain/challenge/, as the widget sends it."""
    import altcha

    response = client.get("/complain/challenge/")
    assert response.status_code == 200, response.content
    challenge = altcha.Challenge.from_dict(response.json())
    solution = altcha.solve_challenge(challenge, timeout=10)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def complaint(**overrides) -> dict:
    data = {
        "name": "王小明",
        "phone": "13812345678",
        "email": "wang@example.com",
        "category": "billing",
        "subject": "扣费两次 Charged twice",
        "description": "三月账单扣了两次。The March bill was charged twice.",
        "customer_request": "退还第二笔 Refund the second charge",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def visitor(people) -> Client:
    """Someone on the internet: no login; REMOTE_ADDR 203.0.113.7."""
    return Client(REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def login(people):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
