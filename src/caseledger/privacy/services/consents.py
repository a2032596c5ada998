"""Consent: grant and withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.core.errors import Conflict
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers import services as customers
from caseledger.customers.models import Customer
from caseledger.journal.services import write_transaction
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import (
    Consent,
    LegalBasis,
    ObtainedBy,
)
from caseledger.privacy.services.common import record_privacy_change

# ---- consent ----------------------------------------------------------------------------------

CONSENT_FIELDS = (
    "purpose", "data_scope", "channel_scope", "legal_basis", "obtained_by", "granted_at",
    "expires_at", "retention_promised",
)  # fmt: skip


def consent_grant(*, actor: User, customer: Customer, data: Mapping[str, Any]) -> Consent:
    require(actor, Perm.CUSTOMER_MODIFY, customer.department_id)
    c = Collector()
    c.unknown(data, CONSENT_FIELDS)
    clean = {
        "purpose": c.text(data, "purpose", required=True, max_length=200),
        "data_scope": c.text(data, "data_scope", max_length=200) or "",
        "channel_scope": c.text(data, "channel_scope", max_length=100) or "",
        "legal_basis": c.choice(data, "legal_basis", LegalBasis.values, required=True),
        "obtained_by": c.choice(data, "obtained_by", ObtainedBy.values, required=True),
        "granted_at": c.moment(data, "granted_at") or clock.now(),
        "expires_at": c.moment(data, "expires_at"),
        "retention_promised": c.text(data, "retention_promised", max_length=200) or "",
    }
    granted, expires = clean["granted_at"], clean["expires_at"]
    if isinstance(expires, dt.datetime) and isinstance(granted, dt.datetime) and expires <= granted:
        c.add("expires_at", _("must be after granted_at"))
    c.raise_if_any()
    with write_transaction():
        consent = Consent.objects.create(
            customer=customer, recorded_by=actor, created_at=clock.now(), **clean
        )
        record_privacy_change(actor, PrivacyAction.CONSENT_GRANT, consent, None)
    return consent


def consent_withdraw(*, actor: User, consent: Consent, reason: str = "") -> Consent:
    require(actor, Perm.CUSTOMER_MODIFY, consent.customer.department_id)
    reason = customers.clean_reason(reason, required=False)
    with write_transaction():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            raise Conflict(_("this consent was already withdrawn"), field="withdrawn_at")
        before = model_state(current)
        current.withdrawn_at = clock.now()
        current.save(update_fields=["withdrawn_at"])
        record_privacy_change(actor, PrivacyAction.CONSENT_WITHDRAW, current, before, reason=reason)
    return current
