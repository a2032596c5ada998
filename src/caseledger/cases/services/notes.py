"""What is added to a case: notes and content-addressed attachments (and removing one)."""

from __future__ import annotations

from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import storage
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import (
    Attachment,
    Case,
    CaseNote,
    Channel,
    NoteKind,
)
from caseledger.cases.services.records import ensure_not_archived
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.holds.guards import ensure_not_held
from caseledger.holds.restriction import ensure_not_restricted
from caseledger.journal.services import record_change, write_transaction


def case_note_add(
    *, actor: User, case: Case, body: str, kind: str = NoteKind.NOTE, channel: str = ""
) -> CaseNote:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    c = Collector()
    data = {"body": body, "kind": kind, "channel": channel}
    body_clean = c.text(data, "body", required=True, max_length=20000)
    c.choice(data, "kind", NoteKind.values, required=True)
    c.choice(data, "channel", Channel.values)
    c.raise_if_any()
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    with write_transaction():
        note = CaseNote.objects.create(
            case=case,
            kind=kind,
            channel=channel or "",
            body=body_clean or "",
            author=actor,
            created_at=clock.now(),
        )
        record_change(
            actor=actor,
            action=CaseAction.NOTE,
            object_type="case_note",
            object_id=str(note.pk),
            root=f"case:{case.pk}",
            after=model_state(note),
            before=None,
        )
    return note


# What the customer sees of a case's notes (the status page; mail sends them): replies
# written to them. Internal notes and what the customer sent are not shown back.
PUBLIC_NOTE_KINDS = (NoteKind.OUTBOUND,)


def case_attachment_add(
    *, actor: User, case: Case, stream: BinaryIO, filename: str, content_type: str = ""
) -> Attachment:
    require(actor, Perm.CASE_MODIFY, case.department_id)
    name = PurePath(filename or "").name.strip()
    if not name:
        raise ValidationFailed(_("a file name is required"), field="filename", code="required")
    if len(name) > 255:
        raise ValidationFailed(
            _("is longer than 255 characters"), field="filename", code="too_long"
        )
    content_type = storage.media_type(content_type, name)
    ensure_not_held(case=case)  # before storing: a held case takes no new files
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    stored = storage.store(stream)
    with write_transaction():
        ensure_not_held(case=case)  # again under the lock: a hold placed meanwhile wins
        attachment = Attachment.objects.create(
            case=case,
            sha256=stored.sha256,
            size=stored.size,
            content_type=content_type,
            filename=name,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        state = model_state(attachment)
        record_change(
            actor=actor,
            action=CaseAction.ATTACHMENT,
            object_type="attachment",
            object_id=str(attachment.pk),
            root=f"case:{case.pk}",
            after=state,
            before=None,
        )
    return attachment


REMOVE_REASON_MAX = 5000


def case_attachment_remove(*, actor: User, attachment: Attachment, reason: str) -> Attachment:
    """Take a wrongly attached file off its case. Only the attachment is marked removed
    (who, when, why): the row and the content file are kept until the case's disposition,
    so the history still shows it. Refused under a legal hold, naming the matter."""
    case = attachment.case
    require(actor, Perm.CASE_MODIFY, case.department_id)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed(_("a reason is required"), field="reason", code="required")
    if len(reason) > REMOVE_REASON_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": REMOVE_REASON_MAX},
            field="reason",
            code="too_long",
        )
    ensure_not_restricted(case=case)
    ensure_not_archived(case)
    with write_transaction():
        current = Attachment.objects.select_for_update().get(pk=attachment.pk)
        ensure_not_held(case=case)  # under the chain lock: a hold placed meanwhile wins
        if current.removed_at is not None:
            raise Conflict(
                _("%(file)s was already removed from %(case)s")
                % {"file": current.filename, "case": case.reference},
                field="attachment",
                code="removed",
            )
        before = model_state(current)
        current.removed_at = clock.now()
        current.removed_by = actor
        current.removed_reason = reason
        current.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        state = model_state(current)
        record_change(
            actor=actor,
            action=CaseAction.ATTACHMENT_REMOVE,
            object_type="attachment",
            object_id=str(current.pk),
            root=f"case:{case.pk}",
            after=state,
            before=before,
            reason=reason,
        )
    return current
