"""One reply to the customer, whatever way it reaches them: the only door.

`reply_send` records the reply once — an outbound note ("to the customer"), journaled as
`case.note` — which the customer sees on the status page (`/complain/status/`); and, unless
the agent says not to (the answer was given by phone, say), sends it by e-mail when there is
an address to send to: the `to` given, the customer's last sending address, or their e-mail
contact point (intake.mail.outbound). The e-mail is recorded with the note, sent after the
transaction, and its outcome journaled; a refusal never loses the reply: the result says
"failed" with the reason and `reply_retry` sends the same message again.

It lives in intake, above cases, because it joins two channels (the status page and mail);
cases keeps only the note.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, CaseNote, Channel, NoteKind
from caseledger.cases.services import case_note_add
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.validate import email_ok
from caseledger.intake.mail import outbound
from caseledger.intake.models import Direction, MailMessage, Outcome
from caseledger.journal.services import write_transaction

BODY_MAX = 20000


class Email:
    """What became of the e-mail copy of a reply."""

    SENT = "sent"
    FAILED = "failed"  # recorded, not sent: the reason is on the message; try again
    NOT_REQUESTED = "not_requested"  # the agent chose no e-mail
    NO_ADDRESS = "no_address"  # the customer has no e-mail address and none was given


@dataclass(frozen=True)
class Reply:
    note: CaseNote
    email: str
    message: MailMessage | None = None

    @property
    def reason(self) -> str:
        return self.message.reason if self.message is not None else ""


def reply_send(
    *, actor: User, case: Case, body: str, email: bool = True, to: str = "", channel: str = ""
) -> Reply:
    """Record `body` as a reply the customer sees and, if `email`, send it to them.
    `channel` says how a reply that is not e-mailed reached them (default the web form,
    i.e. the status page)."""
    require(actor, Perm.CASE_MODIFY, case.department_id)
    text = _body(body)
    to = (to or "").strip() if isinstance(to, str) else ""
    if to and not email_ok(to):
        raise ValidationFailed(_("is not an e-mail address"), field="to", code="invalid")
    recipient = outbound.recipient_for(case, to) if email else ""
    if recipient and not email_ok(recipient):
        recipient = ""  # a malformed address on file: the reply still reaches the status page
    message = mailbox = None
    if recipient:
        mailbox, sender = outbound.sender_for(case)
        message = outbound.build_reply(case, body=text, to=recipient, sender=sender)
    with write_transaction():
        note = case_note_add(
            actor=actor, case=case, body=text, kind=NoteKind.OUTBOUND,
            channel=Channel.EMAIL if message else (channel or Channel.WEB_FORM),
        )  # fmt: skip
        row = outbound.record(actor, case, note, message, mailbox) if message else None
    if message is None or row is None:
        return Reply(note=note, email=Email.NO_ADDRESS if email else Email.NOT_REQUESTED)
    row = outbound.send(actor, row, message)
    return Reply(note=note, email=_outcome(row), message=row)


def reply_retry(*, actor: User, message: MailMessage) -> Reply:
    """Send a reply whose e-mail failed once more (same Message-ID), once the cause is fixed."""
    case = message.case
    if case is None or message.note is None or message.direction != Direction.OUTBOUND:
        raise ValidationFailed(_("this is not a reply that can be sent again"), field="message")
    require(actor, Perm.CASE_MODIFY, case.department_id)
    if message.outcome != Outcome.FAILED:
        raise Conflict(
            _("this reply's e-mail is not failed: there is nothing to try again"),
            field="message",
            code="not_failed",
        )
    row = outbound.send(actor, message, outbound.rebuild(message))
    return Reply(note=message.note, email=_outcome(row), message=row)


def _body(body: object) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationFailed(_("a reply needs some text"), field="body", code="required")
    if len(text) > BODY_MAX:
        raise ValidationFailed(
            _("must be at most %(n)d characters") % {"n": BODY_MAX}, field="body", code="too_long"
        )
    return text


def _outcome(row: MailMessage) -> str:
    return Email.SENT if row.outcome == Outcome.SENT else Email.FAILED
