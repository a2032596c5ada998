"""Recording one received message. Dangerous module: a mistake here loses mail.

Guarantees: every message handed to `mail_receive` ends as exactly one of — recorded on a
new or an existing case, ignored (auto-reply, bounce, loop) with the reason, or
quarantined with the reason — and its raw bytes are stored content-addressed first, so
none is lost. A message already seen (same Message-ID, or same bytes in quarantine) is
recognised and records nothing: fetching or importing twice records once.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import storage
from caseledger.cases.models import Case, CaseKind, CaseNote, Channel, NoteKind, Status
from caseledger.cases.services import case_attachment_add, case_note_add, case_update
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError
from caseledger.core.state import model_state
from caseledger.customers.models import ContactKind, CustomerKind
from caseledger.intake.actions import IntakeAction
from caseledger.intake.mail import parser
from caseledger.intake.mail.quotes import strip_quoted
from caseledger.intake.mail.threads import find_case, id_key
from caseledger.intake.models import Direction, Mailbox, MailMessage, Outcome, QuarantinedMessage
from caseledger.intake.services import intake_record
from caseledger.journal.services import record_change, write_transaction

TEXT_MAX = 20000


@dataclass(frozen=True)
class Received:
    outcome: str  # new_case, threaded, ignored, duplicate, quarantined
    message_id: str
    case: Case | None = None
    reason: str = ""


def our_addresses() -> set[str]:
    found = {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}
    found.add((settings.DEFAULT_FROM_EMAIL or "").lower())
    return {a for a in found if a}


def mail_receive(
    *, actor: User, mailbox: Mailbox, raw: bytes, source: str, retry: bool = False
) -> Received:
    """Record `raw`, received through `mailbox` (from `source`: the IMAP folder and UID,
    or the file and position), in the name of `actor` (the mailbox's intake user).
    `retry` takes a quarantined message through again (intake.mail.quarantine)."""
    require(actor, Perm.CASE_MODIFY, mailbox.department_id)
    source = source[:500]
    sha = hashlib.sha256(raw).hexdigest()
    if not retry and QuarantinedMessage.objects.filter(raw_sha256=sha).exists():
        return Received("duplicate", "", reason=_("already in quarantine"))
    try:
        parsed = parser.parse(raw)
    except parser.Unparseable as refused:
        return _quarantine(actor, mailbox, raw, sha, source, refused.reason)
    key = id_key(parsed.message_id)
    if _seen(key):
        return Received("duplicate", key, reason=_("already recorded"))
    if len(raw) > settings.ATTACHMENT_MAX_BYTES:
        why = _("the message is larger than the %(n)d byte attachment limit") % {
            "n": settings.ATTACHMENT_MAX_BYTES
        }
        return _quarantine(actor, mailbox, raw, sha, source, why, parsed)
    ignored = parsed.automatic or (
        _("sent from our own address %(a)s (mail loop)") % {"a": parsed.sender}
        if parsed.sender in our_addresses()
        else ""
    )
    try:
        if ignored:
            return _ignore(actor, mailbox, raw, key, parsed, source, ignored)
        return _record(actor, mailbox, raw, key, parsed, source)
    except CaseledgerError as refused:  # rolled back; keep the message and say why
        return _quarantine(actor, mailbox, raw, sha, source, str(refused), parsed)


def _seen(key: str) -> bool:
    return MailMessage.objects.filter(message_id=key).exists()


def _store(raw: bytes) -> str:
    return storage.store(io.BytesIO(raw), max_bytes=max(len(raw), 1)).sha256


def _journal(actor: User, row: MailMessage, action: str, *, source: str, reason: str) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="mail_message",
        object_id=row.pk,
        root=f"case:{row.case_id}" if row.case_id else "",
        before=None,
        after=model_state(row),
        reason=reason,
        extra={
            "channel": Channel.EMAIL,
            "source": source,
            "message_id": row.message_id,
            "mailbox": row.mailbox.name if row.mailbox else "",
        },
    )


def _row(mailbox: Mailbox, key: str, parsed: parser.ParsedMail, source: str, **kw) -> MailMessage:
    return MailMessage.objects.create(
        message_id=key,
        direction=Direction.INBOUND,
        mailbox=mailbox,
        source=source,
        address=parsed.sender[:320],
        subject=parsed.subject[:200],
        sent_at=parsed.date,
        created_at=clock.now(),
        **kw,
    )


def _ignore(actor, mailbox, raw, key, parsed, source, why: str) -> Received:
    sha = _store(raw)
    with write_transaction():
        if _seen(key):
            return Received("duplicate", key, reason=_("already recorded"))
        row = _row(
            mailbox, key, parsed, source, outcome=Outcome.IGNORED, reason=why, raw_sha256=sha
        )
        _journal(actor, row, IntakeAction.MAIL_IGNORE, source=source, reason=why)
    return Received("ignored", key, reason=why)


def _clip(text: str) -> str:
    if len(text) <= TEXT_MAX:
        return text
    return text[: TEXT_MAX - 80].rstrip() + "\n\n" + _("[cut here: the whole message is attached]")


def _record(actor, mailbox, raw, key, parsed, source) -> Received:
    thread = find_case(parsed, actor=actor)
    text = _clip(strip_quoted(parsed.text)) or _("(no text)")
    label = f"email {key} via mailbox {mailbox.name} ({source})"
    with write_transaction():
        if _seen(key):  # again under the write lock: two pollers may race on one message
            return Received("duplicate", key, reason=_("already recorded"))
        note: CaseNote | None = None
        if thread.case is not None:
            case = thread.case
            note = case_note_add(
                actor=actor, case=case, body=text, kind=NoteKind.INBOUND, channel=Channel.EMAIL
            )
            outcome, how = Outcome.THREADED, thread.how
            if case.status == Status.CLOSED and settings.MAIL_REOPEN_CLOSED:
                # The customer wrote again: the case goes back to someone's work list.
                case = case_update(
                    actor=actor, case=case, data={"status": Status.REOPENED},
                    reason=f"the customer wrote again by e-mail ({key})",
                )  # fmt: skip
        else:
            # A mail program's display name is not a name the sender gave us: no name check.
            case = intake_record(
                actor=actor,
                data=_intake_data(mailbox, parsed, text),
                source=label,
                name_given=False,
            ).case
            outcome, how = Outcome.NEW_CASE, ""
        _attach(actor, case, raw, key, parsed)
        row = _row(
            mailbox, key, parsed, source,
            outcome=outcome, reason=how, case=case, case_key=case.pk, note=note,
            raw_sha256=hashlib.sha256(raw).hexdigest(),
        )  # fmt: skip
        _journal(actor, row, IntakeAction.MAIL_RECEIVE, source=source, reason=label)
    return Received(outcome, key, case=case, reason=how)


def _attach(actor: User, case: Case, raw: bytes, key: str, parsed: parser.ParsedMail) -> None:
    """The whole message as an .eml, then each file it carried."""
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)[:120]
    case_attachment_add(
        actor=actor,
        case=case,
        stream=io.BytesIO(raw),
        filename=f"{stem}.eml",
        content_type="message/rfc822",
    )
    for item in parsed.files:
        case_attachment_add(
            actor=actor,
            case=case,
            stream=io.BytesIO(item.data),
            filename=item.filename,
            content_type=item.content_type,
        )


def _intake_data(mailbox: Mailbox, parsed: parser.ParsedMail, text: str) -> dict:
    now = clock.now()
    received = parsed.date if parsed.date is not None and parsed.date <= now else now
    name = parsed.sender_name or parsed.sender.split("@")[0]
    return {
        "department": mailbox.department,
        "customer": {
            "kind": CustomerKind.PERSON,
            "name": name[:200],
            "contact_points": [{"kind": ContactKind.EMAIL, "value": parsed.sender}],
        },
        "case": {
            "kind": CaseKind.COMPLAINT,
            "channel": Channel.EMAIL,
            "category": mailbox.category,
            "subject": (parsed.subject or _("(no subject)"))[:200],
            "description": text,
            "received_at": received,
        },
    }


def _quarantine(actor, mailbox, raw, sha, source, reason, parsed=None) -> Received:
    stored = bool(raw)
    if stored:
        _store(raw)
    with write_transaction():
        row, created = QuarantinedMessage.objects.get_or_create(
            raw_sha256=sha,
            defaults={
                "size": len(raw),
                "stored": stored,
                "mailbox": mailbox,
                "department_id": mailbox.department_id,
                "source": source,
                "message_id": id_key(parsed.message_id) if parsed else "",
                "sender": (parsed.sender if parsed else "")[:320],
                "subject": (parsed.subject if parsed else "")[:200],
                "reason": reason,
                "created_at": clock.now(),
            },
        )
        if created:
            record_change(
                actor=actor,
                action=IntakeAction.MAIL_QUARANTINE,
                object_type="quarantined_message",
                object_id=row.pk,
                before=None,
                after=model_state(row),
                reason=reason[:2000],
                extra={"channel": Channel.EMAIL, "source": source, "mailbox": mailbox.name},
            )
    return Received("quarantined", row.message_id, reason=reason)
