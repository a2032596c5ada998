"""What every privacy write shares: who handles requests, how a change is journaled."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from caseledger.accounts.models import User
from caseledger.core.permissions import PRIVACY_HANDLE
from caseledger.core.state import model_state
from caseledger.journal.services import record_change

PENDING_RECORD = "privacy.pending"
# Who handles privacy requests: the compliance role (the one that may reveal). A dedicated
# permission can replace this without touching callers.
HANDLE = PRIVACY_HANDLE
ANONYMIZATION_REQUIRED = gettext_noop("anonymization required")


def record_privacy_change(
    actor: User | None, action: str, obj: Any, before: dict | None, **kw: Any
) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        root=f"customer:{obj.customer_id}",
        after=model_state(obj),
        before=before,
        **kw,
    )
