"""API bookkeeping reads."""

from __future__ import annotations

import datetime as dt

from caseledger.accounts.models import User
from caseledger.api.models import IdempotencyKey
from caseledger.core import clock

KEY_LIFETIME = dt.timedelta(hours=24)


def idempotency_find(*, user: User, key: str) -> IdempotencyKey | None:
    """The stored answer for this user's key, unless it has expired."""
    return IdempotencyKey.objects.filter(
        user=user, key=key, created_at__gt=clock.now() - KEY_LIFETIME
    ).first()
