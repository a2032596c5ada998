"""The mailboxes' IMAP passwords as a vault key holder (vault.holders). One
`mailbox.reencrypt` entry per mailbox; its journaled state says only that a password is
set, so the entry records the move, never the password or its ciphertext."""

from __future__ import annotations

from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail.services import mailbox_state
from caseledger.intake.models import Mailbox
from caseledger.journal.sealed import journaled_sealed_column
from caseledger.vault.holders import SealedColumn


def mailbox_password_holder() -> SealedColumn:
    return journaled_sealed_column(
        name="mailboxes",
        rows=Mailbox.objects.all,
        column="password",
        where=lambda m: {"record": "mailbox", "field": "password", "owner": f"mailbox:{m.name}"},
        state=mailbox_state,
        action=IntakeAction.MAILBOX_REENCRYPT,
        object_type="mailbox",
    )
