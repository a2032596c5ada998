"""The e-mail half of a reply to the customer (the door is intake.reply.services.reply_send).

The reply is recorded first (the outbound note, and here a pending message with the .eml
kept as an attachment, in one transaction), then sent through Django's e-mail backend
(SMTP settings in docs/operations/mail.md), then marked sent — or failed, with the reason,
which the case page shows with "Try again". Sending outside the transaction keeps a slow
SMTP server from holding the journal's write lock; recording first means a reply that went
out is never missing from the case, and one that did not go out is never lost.

The subject carries `[CL-…]` and the message In-Reply-To/References, so the customer's
answer threads back onto the case whatever their mail program keeps.
"""

from __future__ import annotations

import io
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage

from caseledger.accounts.models import User
from caseledger.cases.models import Case, CaseNote, Channel
from caseledger.cases.services import case_attachment_add
from caseledger.core import clock
from caseledger.core.state import model_state
from caseledger.customers.models import ContactKind, ContactPoint
from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail.threads import REFERENCE
from caseledger.intake.models import Direction, Mailbox, MailMessage, Outcome
from caseledger.journal.services import record_change, write_transaction


def recipient_for(case: Case, to: str = "") -> str:
    """`to` if given, else the customer's last sending address, else their e-mail contact."""
    if to:
        return to.strip().lower()
    last = (
        MailMessage.objects.filter(case=case, direction=Direction.INBOUND)
        .exclude(address="")
        .order_by("-pk")
        .first()
    )
    if last is not None:
        return last.address
    point = (
        ContactPoint.objects.filter(customer_id=case.customer_id, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "pk")
        .first()
    )
    return point.value.lower() if point else ""


def _subject(case: Case) -> str:
    base = case.subject if REFERENCE.search(case.subject) else f"{case.subject} [{case.reference}]"
    return f"Re: {base}"[:200]


def _journal(actor: User, row: MailMessage, action: str, before: dict | None = None) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="mail_message",
        object_id=row.pk,
        root=f"case:{row.case_id}",
        before=before,
        after=model_state(row),
        reason=row.reason,
        extra={"channel": Channel.EMAIL, "message_id": row.message_id, "to": row.address},
    )


def build_reply(case: Case, *, body: str, to: str, sender: str) -> EmailMessage:
    history = list(
        MailMessage.objects.filter(case=case).order_by("pk").values_list("message_id", "direction")
    )
    inbound = [mid for mid, way in history if way == Direction.INBOUND]
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    headers = {
        "Message-ID": make_msgid(domain=domain),
        "X-Caseledger-Reference": case.reference,
    }
    if inbound:
        headers["In-Reply-To"] = f"<{inbound[-1]}>"
    if history:
        headers["References"] = " ".join(f"<{mid}>" for mid, _way in history[-20:])
    return EmailMessage(
        subject=_subject(case), body=body, from_email=sender, to=[to], headers=headers
    )


def sender_for(case: Case) -> tuple[Mailbox | None, str]:
    """The department's first active mailbox and its address, else CASELEDGER_EMAIL_FROM."""
    mailbox = (
        Mailbox.objects.filter(department_id=case.department_id, active=True).order_by("pk").first()
    )
    return mailbox, (mailbox.address if mailbox else str(settings.DEFAULT_FROM_EMAIL))


def record(
    actor: User, case: Case, note: CaseNote, message: EmailMessage, mailbox: Mailbox | None
) -> MailMessage:
    """The pending message of `note`, inside the caller's write transaction."""
    raw = message.message().as_bytes()
    attachment = case_attachment_add(
        actor=actor, case=case, stream=io.BytesIO(raw), filename=f"reply-{note.pk}.eml",
        content_type="message/rfc822",
    )  # fmt: skip
    row = MailMessage.objects.create(
        message_id=message.extra_headers["Message-ID"].strip("<>"), direction=Direction.OUTBOUND,
        mailbox=mailbox, source=f"reply by {actor.get_username()}", address=message.to[0],
        subject=message.subject[:200], outcome=Outcome.PENDING, case=case, case_key=case.pk,
        note=note, raw_sha256=attachment.sha256, created_at=clock.now(),
    )  # fmt: skip
    _journal(actor, row, IntakeAction.MAIL_SEND)
    return row


def rebuild(row: MailMessage) -> EmailMessage:
    """The message of a reply that failed, again, with its own Message-ID (a retry is the
    same message, so the customer's program sees one reply however often it is tried)."""
    assert row.case is not None and row.note is not None
    sender = row.mailbox.address if row.mailbox else str(settings.DEFAULT_FROM_EMAIL)
    message = build_reply(row.case, body=row.note.body, to=row.address, sender=sender)
    message.extra_headers["Message-ID"] = f"<{row.message_id}>"
    return message


def send(actor: User, row: MailMessage, message: EmailMessage) -> MailMessage:
    """Hand the message to the backend and journal the outcome; never raises for a
    refusal: the row says FAILED with the reason."""
    before = model_state(row)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP refusals, timeouts, a wrong host: all reported alike
        why = f"{type(exc).__name__}: {exc}"[:500]
        with write_transaction():
            row.outcome, row.reason = Outcome.FAILED, why
            row.save(update_fields=["outcome", "reason"])
            _journal(actor, row, IntakeAction.MAIL_SEND_FAILED, before)
        return row
    with write_transaction():
        row.outcome, row.sent_at, row.reason = Outcome.SENT, clock.now(), ""
        row.save(update_fields=["outcome", "sent_at", "reason"])
        _journal(actor, row, IntakeAction.MAIL_SENT, before)
    return row
