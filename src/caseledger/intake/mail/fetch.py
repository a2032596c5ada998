"""Polling mailboxes over IMAP (imap-tools).

Messages are read with BODY.PEEK (the mailbox's \\Seen flags stay as people left them) in
UID order from the last UID recorded; the cursor moves past a message only after
`mail_receive` has recorded, ignored or quarantined it, so a crash re-reads at most that
message, and its Message-ID makes the repeat harmless. A new UIDVALIDITY (the server
renumbered the folder) starts again from the first message, for the same reason.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage

from caseledger.core import clock
from caseledger.core.errors import CaseledgerError, ValidationFailed
from caseledger.core.logging import get_logger
from caseledger.intake.mail.receive import mail_receive
from caseledger.intake.mail.services import mailbox_password
from caseledger.intake.models import Mailbox, MailboxCursor, Security

log = get_logger("caseledger.mail")


class RawMessage(MailMessage):
    """imap-tools' message, keeping the bytes exactly as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, _uid, _flags = self._get_message_data_parts(fetch_data)
        super().__init__(fetch_data)


@dataclass
class FetchReport:
    mailbox: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "mailbox": self.mailbox,
            **self.counts,
            **({"error": self.error} if self.error else {}),
        }


def connect(mailbox: Mailbox) -> BaseMailBox:
    timeout = settings.MAIL_IMAP_TIMEOUT
    box: BaseMailBox
    if mailbox.security == Security.SSL:
        box = MailBox(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    elif mailbox.security == Security.STARTTLS:
        box = MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    else:
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    box.email_message_class = RawMessage
    password = mailbox_password(mailbox)
    if password.isascii() and mailbox.username.isascii():
        return box.login(mailbox.username, password, initial_folder=mailbox.folder)
    # LOGIN takes ASCII only; SASL PLAIN carries UTF-8 (RFC 4616), as Chinese passwords need.
    return box.login_utf8(mailbox.username, password, initial_folder=mailbox.folder)


def fetch_mailbox(mailbox: Mailbox, *, limit: int | None = None) -> FetchReport:
    """Read the mailbox's new messages and record each one."""
    report = FetchReport(mailbox.name)
    if not mailbox.host:
        raise ValidationFailed(
            _("mailbox %(mailbox_name)s has no IMAP host (it is for imports only)")
            % {"mailbox_name": mailbox.name},
            field="mailbox",
        )
    cursor, _created = MailboxCursor.objects.get_or_create(mailbox=mailbox)
    try:
        with connect(mailbox) as box:
            validity = int(box.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
            if cursor.uidvalidity != validity:
                cursor.uidvalidity, cursor.last_uid = validity, 0
            uids = [u for u in box.uids(f"UID {cursor.last_uid + 1}:*") if int(u) > cursor.last_uid]
            wanted = sorted(uids, key=int)[:limit]
            # An empty uid_list would make imap-tools fetch ALL: ask only when there is news.
            for msg in box.fetch(uid_list=wanted, mark_seen=False) if wanted else ():
                where = f"imap {mailbox.name}/{mailbox.folder} uidvalidity {validity} uid {msg.uid}"
                raw = msg.raw if isinstance(msg, RawMessage) else bytes(msg.obj)
                result = mail_receive(
                    actor=mailbox.intake_user, mailbox=mailbox, raw=raw, source=where
                )
                report.counts[result.outcome] = report.counts.get(result.outcome, 0) + 1
                cursor.last_uid = int(msg.uid or 0)
                _save(cursor, "")
    except (OSError, TimeoutError, ssl.SSLError, CaseledgerError) as exc:
        report.error = _describe(exc)
    except Exception as exc:  # imap-tools' own errors (login refused, bad folder, …)
        if type(exc).__module__.startswith("imap_tools") or "imaplib" in type(exc).__module__:
            report.error = _describe(exc)
        else:
            _save(cursor, type(exc).__name__)
            raise
    _save(cursor, report.error)
    if report.error:
        log.warning("mail.fetch_failed", mailbox=mailbox.name, error=report.error)
    return report


def _describe(exc: BaseException) -> str:
    # imaplib puts the server's words in the message; a password never is.
    return re.sub(r"\s+", " ", f"{type(exc).__name__}: {exc}")[:500]


def _save(cursor: MailboxCursor, error: str) -> None:
    cursor.fetched_at = clock.now()
    cursor.last_error = error
    cursor.save()


def fetch_all(*, name: str | None = None, limit: int | None = None) -> list[FetchReport]:
    boxes = Mailbox.objects.filter(active=True).exclude(host="").select_related("intake_user")
    if name:
        boxes = Mailbox.objects.filter(name=name).select_related("intake_user")
        if not boxes.exists():
            raise ValidationFailed(
                _("mailbox %(name)r does not exist") % {"name": name}, field="mailbox"
            )
    return [fetch_mailbox(box, limit=limit) for box in boxes.order_by("name")]
