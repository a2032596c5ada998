"""API tokens: shown once, stored as a hash, scoped, revocable once."""

from __future__ import annotations

import hashlib

import pytest

from caseledger.accounts.models import ApiToken
from caseledger.accounts.services import token_authenticate, token_create, token_revoke
from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.journal.queries import history


def test_only_the_hash_is_kept_and_the_journal_never_sees_the_token(people):
    token, secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(history(f"token:{token.pk}")[0])
    assert token_authenticate(secret).pk == people.agent.pk


def test_a_revoked_token_stops_working_and_cannot_be_revoked_twice(people):
    token, secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    token_revoke(actor=people.agent, token=token, reason="laptop lost")
    with pytest.raises(NotFound):
        token_authenticate(secret)
    with pytest.raises(Conflict):
        token_revoke(actor=people.agent, token=token)


def test_unknown_scopes_are_named(people):
    with pytest.raises(ValidationFailed) as caught:
        token_create(actor=None, user=people.agent, name="x", scopes=["cases:delete"])
    assert caught.value.field == "scopes" and "cases:delete" in caught.value.message


def test_only_administrators_make_tokens_for_others(people):
    with pytest.raises(PermissionDenied):
        token_create(actor=people.supervisor, user=people.agent, name="x", scopes=["cases:read"])
