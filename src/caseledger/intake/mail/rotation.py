"""The mailboxes' IMAP passwords as a vault key holder (vault.holders). One
`mailbox.reencrypt` entry per mailbox; its journaled state says only that a password is
set, so the entry records the move, never the password or its ciphertext."""

from __future__ import annotations

from typing import Any

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail.services import mailbox_state
from caseledger.intake.models import Mailbox
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault import crypto
from caseledger.vault.holders import Moved
from caseledger.vault.keys import load


class MailboxPasswordHolder:
    name = "mailboxes"

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for token in Mailbox.objects.exclude(password="").values_list("password", flat=True):
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
            mailboxes = list(
                Mailbox.objects.filter(pk__gt=after).exclude(password="").order_by("pk")
            )
            stale = [m for m in mailboxes if crypto.key_id_of(m.password) != ring.active_id]
            for mailbox in stale[:batch_size]:
                old = crypto.key_id_of(mailbox.password)
                before = mailbox_state(mailbox)
                mailbox.password = crypto.reencrypt(
                    mailbox.password,
                    record="mailbox",
                    field="password",
                    owner=f"mailbox:{mailbox.name}",
                    ring=ring,
                )
                mailbox.save(update_fields=["password"])
                record_change(
                    actor=actor,
                    action=IntakeAction.MAILBOX_REENCRYPT,
                    object_type="mailbox",
                    object_id=mailbox.pk,
                    before=before,
                    after=mailbox_state(mailbox),
                    reason=f"key rotation to vault key {ring.active_id}",
                )
                moved[old] = moved.get(old, 0) + 1
                last = mailbox.pk
        done = sum(moved.values())
        return Moved(values=done, records=done, last=last, from_keys=moved)
