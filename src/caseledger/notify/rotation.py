"""The webhooks' signing secrets as a vault key holder (vault.holders). One
`webhook.reencrypt` entry per subscription; its journaled state says only that a secret is
set, so the entry records the move, never the secret or its ciphertext. The secret itself
stays the same: receivers need not change anything."""

from __future__ import annotations

from caseledger.journal.sealed import journaled_sealed_column
from caseledger.notify.actions import NotifyAction
from caseledger.notify.models import Subscription
from caseledger.notify.services import webhook_state
from caseledger.vault.holders import SealedColumn


def webhook_secret_holder() -> SealedColumn:
    return journaled_sealed_column(
        name="webhooks",
        rows=Subscription.objects.all,
        column="secret",
        where=lambda s: {"record": "webhook", "field": "secret", "owner": f"webhook:{s.public_id}"},
        state=webhook_state,
        action=NotifyAction.WEBHOOK_REENCRYPT,
        object_type="webhook",
    )
