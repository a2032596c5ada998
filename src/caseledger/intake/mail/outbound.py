"""Replies to the customer by e-mail, written on the case page.

The reply is recorded first (an outbound note on the case and a pending message, in one
transaction), then sent through Django's e-mail backend (SMTP settings in
docs/operations/mail.md), then marked sent — or failed, with the reason, and the agent is
told. Sending outside the transaction keeps a slow SMTP server from holding the journal's
write lock; recording first means a reply that went out is never missing from the case.

The subject carries `[CL-…]` and the message In-Reply-To/References, so the customer's
answer threads back onto the case whatever their mail program keeps.
"""

from __future__ import annotations

import io
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Channel, NoteKind
from caseledger.cases.services import case_attachment_add, case_note_add
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError, ValidationFailed
from caseledger.core.state import diff, model_state
from caseledger.core.validate import email_ok
from caseledger.customers.models import ContactKind, ContactPoint
from caseledger.intake.mail.threads import REFERENCE
from caseledger.intake.models import Direction, Mailbox, MailMessage, Outcome
from caseledger.journal.services import Change, append, write_transaction

BODY_MAX = 20000


class NotSent(CaseledgerError):
    code = "not_sent"
    http_status = 502


def _recipient(case: Case, to: str) -> str:
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
    state = model_state(row)
    append(
        actor=actor,
        change=Change(
            action=action,
            object_type="mail_message",
            object_id=str(row.pk),
            root=f"case:{row.case_id}",
            state=state,
            changes=diff(before, state),
            reason=row.reason,
            extra={"channel": Channel.EMAIL, "message_id": row.message_id, "to": row.address},
        ),
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


def mail_reply(*, actor: User, case: Case, body: str, to: str = "") -> MailMessage:
    """Send `body` to the customer of `case` (or `to`) and record it on the case."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationFailed(_("a reply needs some text"), field="body", code="required")
    if len(text) > BODY_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": BODY_MAX}, field="body", code="too_long"
        )
    recipient = _recipient(case, to)
    if not recipient or not email_ok(recipient):
        raise ValidationFailed(
            _("the customer has no e-mail address to reply to; give one"),
            field="to",
            code="required",
        )
    mailbox = (
        Mailbox.objects.filter(department_id=case.department_id, active=True).order_by("pk").first()
    )
    sender = mailbox.address if mailbox else str(settings.DEFAULT_FROM_EMAIL)
    message = build_reply(case, body=text, to=recipient, sender=sender)
    raw = message.message().as_bytes()
    message_id = message.extra_headers["Message-ID"].strip("<>")
    with write_transaction():
        note = case_note_add(
            actor=actor, case=case, body=text, kind=NoteKind.OUTBOUND, channel=Channel.EMAIL
        )
        attachment = case_attachment_add(
            actor=actor, case=case, stream=io.BytesIO(raw), filename=f"reply-{note.pk}.eml",
            content_type="message/rfc822",
        )  # fmt: skip
        row = MailMessage.objects.create(
            message_id=message_id, direction=Direction.OUTBOUND, mailbox=mailbox,
            source=f"reply by {actor.get_username()}", address=recipient,
            subject=message.subject[:200], outcome=Outcome.PENDING, case=case, case_key=case.pk,
            note=note,
            raw_sha256=attachment.sha256, created_at=clock.now(),
        )  # fmt: skip
        _journal(actor, row, "mail.send")
    return _send(actor, row, message)


def _send(actor: User, row: MailMessage, message: EmailMessage) -> MailMessage:
    before = model_state(row)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP refusals, timeouts, a wrong host: all reported alike
        why = f"{type(exc).__name__}: {exc}"[:500]
        with write_transaction():
            row.outcome, row.reason = Outcome.FAILED, why
            row.save(update_fields=["outcome", "reason"])
            _journal(actor, row, "mail.send_failed", before)
        raise NotSent(
            _("the reply is recorded on the case but was not sent: %(why)s") % {"why": why},
            field="body",
        ) from exc
    with write_transaction():
        row.outcome, row.sent_at = Outcome.SENT, clock.now()
        row.save(update_fields=["outcome", "sent_at"])
        _journal(actor, row, "mail.sent", before)
    return row
