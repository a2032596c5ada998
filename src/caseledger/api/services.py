"""API bookkeeping writes. Not journaled: an idempotency key is not a record, and the
object its request made was journaled by the service that made it."""

from __future__ import annotations

from typing import Any

from caseledger.accounts.models import User
from caseledger.api.models import IdempotencyKey
from caseledger.api.queries import KEY_LIFETIME
from caseledger.core import clock


def idempotency_record(
    *, user: User, key: str, method: str, path: str, request_sha256: str, status: int, body: Any
) -> IdempotencyKey:
    """Store the answer to a create. Call inside the create's transaction, so the key and
    the object commit together; the unique (user, key) constraint refuses a second one."""
    now = clock.now()
    # An expired key may be used afresh; its old row must give way to the unique constraint.
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lte=now - KEY_LIFETIME).delete()
    return IdempotencyKey.objects.create(
        user=user,
        key=key,
        method=method,
        path=path[:500],
        request_sha256=request_sha256,
        response_status=status,
        response_body=body,
        created_at=now,
    )


def idempotency_prune(*, batch: int = 1000) -> int:
    """Delete expired keys in small batches (each its own statement); returns how many."""
    cutoff = clock.now() - KEY_LIFETIME
    removed = 0
    while True:
        ids = list(
            IdempotencyKey.objects.filter(created_at__lte=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return removed
        removed += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
