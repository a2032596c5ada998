"""Pending identifier changes (maker-checker) as a vault key holder (vault.holders): the
proposed value waits encrypted until a checker decides, and keeps its ciphertext after, so
a key rotation must move it too. One `privacy.change_reencrypt` entry per change."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.core.state import model_state
from caseledger.journal.services import write_transaction
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import PendingChange
from caseledger.privacy.services.common import PENDING_RECORD, record_privacy_change
from caseledger.vault import crypto
from caseledger.vault.holders import Moved
from caseledger.vault.keys import load


class PendingChangeHolder:
    name = "pending identifier changes"

    def counts(self) -> dict[str, int]:
        rows = PendingChange.objects.exclude(ciphertext="").values("key_id").annotate(n=Count("id"))
        return {row["key_id"]: row["n"] for row in rows}

    def rotate_batch(self, *, actor: Any, batch_size: int, after: int) -> Moved:
        if actor is not None:
            require(actor, Perm.SETTINGS_MANAGE)
        ring = load()
        moved: dict[str, int] = {}
        last = after
        with write_transaction():
            changes = list(
                PendingChange.objects.filter(pk__gt=after)
                .exclude(ciphertext="")
                .exclude(key_id=ring.active_id)
                .order_by("pk")[:batch_size]
            )
            for change in changes:
                before = model_state(change)
                old = change.key_id
                change.ciphertext = crypto.reencrypt(
                    change.ciphertext,
                    record=PENDING_RECORD,
                    field=change.kind,
                    owner=f"pending:{change.pk}",
                    ring=ring,
                )
                change.key_id = ring.active_id
                change.save(update_fields=["ciphertext", "key_id"])
                record_privacy_change(
                    actor,
                    PrivacyAction.CHANGE_REENCRYPT,
                    change,
                    before,
                    reason=f"key rotation to vault key {ring.active_id}",
                )
                moved[old] = moved.get(old, 0) + 1
                last = change.pk
        return Moved(values=len(changes), records=len(changes), last=last, from_keys=moved)
