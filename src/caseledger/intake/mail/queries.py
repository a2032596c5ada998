"""Reads of the e-mail channel, scoped by what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from caseledger.accounts.access import department_ids
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.intake.models import Direction, Mailbox, MailMessage, QuarantinedMessage


def quarantine_list(
    *, actor: User | None, mailbox: str = "", resolved: bool = False
) -> QuerySet[QuarantinedMessage]:
    """Quarantined messages of the departments whose cases the actor may view (`None`: the
    system itself, for the CLI). Only headers and the reason: the content stays a file."""
    rows = QuarantinedMessage.objects.select_related("mailbox", "department")
    if actor is not None:
        allowed = department_ids(actor, Perm.CASE_VIEW)
        if allowed is not None:
            rows = rows.filter(department_id__in=allowed)
    if mailbox:
        rows = rows.filter(mailbox__name=mailbox)
    if not resolved:  # what still needs someone; resolved rows stay as evidence
        rows = rows.filter(resolved_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def mailbox_list() -> QuerySet[Mailbox]:
    return Mailbox.objects.select_related("department", "intake_user").order_by("name")


def reply_messages(case_id: int) -> dict[int, MailMessage]:
    """The e-mail of each reply on a case, by note id (for its sent/failed mark); the caller
    has already checked that the actor may see the case."""
    rows = MailMessage.objects.filter(
        case_id=case_id, direction=Direction.OUTBOUND, note__isnull=False
    ).order_by("pk")
    return {row.note_id: row for row in rows if row.note_id is not None}
