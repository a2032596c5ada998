from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def login(people):
    """login(persona) -> a test client with that persona's session."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
