"""Pending identifier changes (maker-checker) as a vault key holder (vault.holders): the
proposed value waits encrypted until a checker decides, and keeps its ciphertext after, so
a key rotation must move it too. One `privacy.change_reencrypt` entry per change."""

from __future__ import annotations

from typing import Any

from caseledger.core.state import model_state
from caseledger.journal.services import write_transaction
from caseledger.privacy.actions import PrivacyAction
from caseledger.privacy.models import PendingChange
from caseledger.privacy.services.common import PENDING_RECORD, record_privacy_change
from caseledger.vault.holders import SealedColumn


def _journal(actor: Any, change: PendingChange, before: dict[str, Any], reason: str) -> None:
    record_privacy_change(actor, PrivacyAction.CHANGE_REENCRYPT, change, before, reason=reason)


def pending_change_holder() -> SealedColumn:
    return SealedColumn(
        name="pending identifier changes",
        rows=PendingChange.objects.all,
        column="ciphertext",
        where=lambda c: {"record": PENDING_RECORD, "field": c.kind, "owner": f"pending:{c.pk}"},
        state=model_state,
        journal=_journal,
        transaction=write_transaction,
        key_column="key_id",
    )
