"""The mailboxes' IMAP passwords as a vault key holder (vault.holders). One
`mailbox.reencrypt` entry per mailbox; its journaled state says only that a password is
set, so the entry records the move, never the password or its ciphertext."""

from __future__ import annotations

from typing import Any

from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail.services import mailbox_state
from caseledger.intake.models import Mailbox
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault.holders import SealedColumn


def _journal(actor: Any, mailbox: Mailbox, before: dict[str, Any], reason: str) -> None:
    record_change(
        actor=actor,
        action=IntakeAction.MAILBOX_REENCRYPT,
        object_type="mailbox",
        object_id=mailbox.pk,
        before=before,
        after=mailbox_state(mailbox),
        reason=reason,
    )


def mailbox_password_holder() -> SealedColumn:
    return SealedColumn(
        name="mailboxes",
        rows=Mailbox.objects.all,
        column="password",
        where=lambda m: {"record": "mailbox", "field": "password", "owner": f"mailbox:{m.name}"},
        state=mailbox_state,
        journal=_journal,
        transaction=write_transaction,
    )
