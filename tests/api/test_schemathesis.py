"""The API against its own OpenAPI schema, fuzzed by schemathesis (bounded: a few examples per
operation, positive and negative, about a minute in all).

Compliance: no server error (5xx) on any input, and no schema violation either way: every
response matches the documented status codes, content type and body; everything the schema
allows is accepted (or refused only for a documented reason such as a missing record); and
everything the schema forbids is refused.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from caseledger.accounts.permissions import TOKEN_SCOPES

MAX_EXAMPLES = 6

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    with_security_parameters=False,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def _connection_kept():
    """schemathesis calls the WSGI application itself; like Django's test client, keep the
    test's database connection (and its transaction) open across those requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(people, customer, case, _connection_kept):
    """A token of someone who may do most things, everywhere, with every scope."""
    from caseledger.accounts.services import token_create
    from tests.api.conftest import make_officer

    officer = make_officer(people, "fuzzer")
    _, secret = token_create(actor=None, user=officer, name="fuzz", scopes=list(TOKEN_SCOPES))
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
