"""Consent records: grant and withdraw, journaled."""

from __future__ import annotations

import pytest

from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.privacy import services

GRANT = {
    "purpose": "marketing SMS",
    "data_scope": "mobile number",
    "channel_scope": "sms",
    "legal_basis": "consent",
    "obtained_by": "form",
    "retention_promised": "until withdrawn",
}


def test_grant_and_withdraw(people, customer):
    consent = services.consent_grant(actor=people.agent, customer=customer, data=GRANT)
    assert consent.withdrawn_at is None and consent.recorded_by == people.agent
    consent = services.consent_withdraw(actor=people.agent, consent=consent, reason="by phone")
    assert consent.withdrawn_at is not None
    assert Entry.objects.filter(action__startswith="privacy.consent_").count() == 2
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=people.agent, consent=consent)


def test_bad_consent_names_the_field_and_outsiders_are_refused(people, customer):
    with pytest.raises(ValidationFailed) as err:
        services.consent_grant(
            actor=people.agent, customer=customer, data={**GRANT, "obtained_by": "telepathy"}
        )
    assert err.value.field == "obtained_by"
    with pytest.raises(ValidationFailed) as err:
        services.consent_grant(
            actor=people.agent,
            customer=customer,
            data={
                **GRANT,
                "granted_at": "2026-01-02T00:00:00+08:00",
                "expires_at": "2026-01-01T00:00:00+08:00",
            },
        )
    assert err.value.field == "expires_at"
    with pytest.raises(PermissionDenied):
        services.consent_grant(actor=people.outsider, customer=customer, data=GRANT)
