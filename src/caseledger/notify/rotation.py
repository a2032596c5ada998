"""The webhooks' signing secrets as a vault key holder (vault.holders). One
`webhook.reencrypt` entry per subscription; its journaled state says only that a secret is
set, so the entry records the move, never the secret or its ciphertext. The secret itself
stays the same: receivers need not change anything."""

from __future__ import annotations

from typing import Any

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.journal.services import record_change, write_transaction
from caseledger.notify.actions import NotifyAction
from caseledger.notify.models import Subscription
from caseledger.notify.services import webhook_state
from caseledger.vault import crypto
from caseledger.vault.holders import Moved
from caseledger.vault.keys import load


class WebhookSecretHolder:
    name = "webhooks"

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for token in Subscription.objects.exclude(secret="").values_list("secret", flat=True):
            key_id = crypto.key_id_of(token)
            counts[key_id] = counts.get(key_id, 0) + 1
        return counts

    def rotate_batch(self, *, actor: Any, batch_size: int, after: int) -> Moved:
        if actor is not None:
            require(actor, Perm.SETTINGS_MANAGE)
        ring = load()
        moved: dict[str, int] = {}
        last = after
        with write_transaction():
            subscriptions = Subscription.objects.filter(pk__gt=after).exclude(secret="")
            stale = [
                s
                for s in subscriptions.order_by("pk")
                if crypto.key_id_of(s.secret) != ring.active_id
            ]
            for sub in stale[:batch_size]:
                old = crypto.key_id_of(sub.secret)
                before = webhook_state(sub)
                sub.secret = crypto.reencrypt(
                    sub.secret,
                    record="webhook",
                    field="secret",
                    owner=f"webhook:{sub.public_id}",
                    ring=ring,
                )
                sub.save(update_fields=["secret"])
                record_change(
                    actor=actor,
                    action=NotifyAction.WEBHOOK_REENCRYPT,
                    object_type="webhook",
                    object_id=sub.pk,
                    before=before,
                    after=webhook_state(sub),
                    reason=f"key rotation to vault key {ring.active_id}",
                )
                moved[old] = moved.get(old, 0) + 1
                last = sub.pk
        done = sum(moved.values())
        return Moved(values=done, records=done, last=last, from_keys=moved)
