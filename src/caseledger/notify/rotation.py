"""The webhooks' signing secrets as a vault key holder (vault.holders). One
`webhook.reencrypt` entry per subscription; its journaled state says only that a secret is
set, so the entry records the move, never the secret or its ciphertext. The secret itself
stays the same: receivers need not change anything."""

from __future__ import annotations

from typing import Any

from caseledger.journal.services import record_change, write_transaction
from caseledger.notify.actions import NotifyAction
from caseledger.notify.models import Subscription
from caseledger.notify.services import webhook_state
from caseledger.vault.holders import SealedColumn


def _journal(actor: Any, sub: Subscription, before: dict[str, Any], reason: str) -> None:
    record_change(
        actor=actor,
        action=NotifyAction.WEBHOOK_REENCRYPT,
        object_type="webhook",
        object_id=sub.pk,
        before=before,
        after=webhook_state(sub),
        reason=reason,
    )


def webhook_secret_holder() -> SealedColumn:
    return SealedColumn(
        name="webhooks",
        rows=Subscription.objects.all,
        column="secret",
        where=lambda s: {"record": "webhook", "field": "secret", "owner": f"webhook:{s.public_id}"},
        state=webhook_state,
        journal=_journal,
        transaction=write_transaction,
    )
