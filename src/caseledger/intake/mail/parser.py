"""Reading one e-mail message into what the intake needs, or saying why it cannot.

`parse(raw)` returns a ParsedMail or raises Unparseable with a reason a person can act on;
it must never raise anything else (a property test feeds it random bytes and MIME trees),
because the caller quarantines on Unparseable and a crash here would lose the message.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from caseledger.core.validate import email_ok
from caseledger.intake.mail.charsets import Undecodable, decode_bytes, header_text
from caseledger.intake.mail.quotes import html_to_text

MAX_PARTS = 200  # a message with more MIME parts than this is refused, not walked
MAX_DEPTH = 20
_MSGID = re.compile(r"<([^<>\s]{1,900})>")
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_BOUNCERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)


class Unparseable(Exception):
    """The message cannot be recorded as it is; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MailFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without angle brackets; derived from the content when absent
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    sender: str  # lower-case address
    sender_name: str
    recipients: tuple[str, ...]
    date: dt.datetime | None
    text: str  # the whole body text (quotes included); quotes.strip_quoted trims it
    files: tuple[MailFile, ...]
    automatic: str  # why this is an auto-reply or bounce, or ""


def message_ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MSGID.findall(value or "")))


def fallback_id(raw: bytes) -> str:
    """A stable id for a message that has none: the same bytes give the same id, so a
    second fetch or import of it is still recognised."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()}@caseledger.invalid"


def parse(raw: bytes) -> ParsedMail:
    try:
        return _parse(raw)
    except Unparseable:
        raise
    except Exception as exc:  # the email package's own failures on hostile input
        raise Unparseable(f"the message structure cannot be read ({type(exc).__name__})") from exc


def _parse(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise Unparseable("the message is empty")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not msg.keys():
        raise Unparseable("the message has no headers")
    name, sender = _from(msg.get("From"))
    automatic = _automatic(msg, sender)
    if not sender or not email_ok(sender):
        if automatic:  # a bounce without a usable sender is still only a bounce
            sender = ""
        else:
            raise Unparseable("the message has no valid sender address (From)")
    ids = message_ids(header_text(msg.get("Message-ID")))
    text, files = _body(msg)
    return ParsedMail(
        message_id=ids[0] if ids else fallback_id(raw),
        in_reply_to=message_ids(header_text(msg.get("In-Reply-To"))),
        references=message_ids(header_text(msg.get("References"))),
        subject=_printable(header_text(msg.get("Subject"))),
        sender=sender,
        sender_name=_printable(name.strip()),
        recipients=tuple(
            addr.lower()
            for _, addr in getaddresses([header_text(v) for v in msg.get_all("To", [])])
            if addr
        ),
        date=_date(msg.get("Date")),
        text=_printable(text),
        files=tuple(files),
        automatic=automatic,
    )


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(text: str) -> str:
    """Text without the control characters mail sometimes carries (NUL among them, which
    PostgreSQL refuses in text); tabs and line ends stay. The raw message is kept whole."""
    return _CONTROLS.sub("", text)


def _from(value: object) -> tuple[str, str]:
    """(display name, lower-case address). The address is split off before the name is
    decoded: a decoded name may hold a comma or brackets ("Zhang, San") that would
    otherwise be read as a second address."""
    if isinstance(value, str) and value.isascii():
        name, address = parseaddr(value)
        return header_text(name), address.strip().lower()
    name, address = parseaddr(header_text(value))
    return name, address.strip().lower()


def _automatic(msg: Message, sender: str) -> str:
    """Why a message was written by a machine (RFC 3834 Auto-Submitted, Precedence,
    the usual vendor headers, delivery status notifications), or ""."""
    submitted = header_text(msg.get("Auto-Submitted")).lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted[:40]}"
    precedence = header_text(msg.get("Precedence")).lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if msg.get(name) is not None:
            return f"{name} header"
    if msg.get_content_type() == "multipart/report" or any(
        part.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
        for part in _walk(msg)
    ):
        return "delivery status notification (bounce)"
    if _BOUNCERS.match(sender or ""):
        return f"sent by {sender} (bounce)"
    return ""


def _walk(msg: Message) -> list[Message]:
    """Every part, refusing trees too big or too deep to be real mail."""
    found: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Unparseable(f"the MIME parts are nested deeper than {MAX_DEPTH} levels")
        found.append(part)
        if len(found) > MAX_PARTS:
            raise Unparseable(f"the message has more than {MAX_PARTS} MIME parts")
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            stack.extend(
                (child, depth + 1) for child in reversed(payload) if isinstance(child, Message)
            )
    return found


def _body(msg: Message) -> tuple[str, list[MailFile]]:
    plain: list[str] = []
    html: list[str] = []
    files: list[MailFile] = []
    for part in _walk(msg):
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = header_text(part.get_filename() or part.get_param("name") or "")
        if disposition == "attachment" or (filename and not ctype.startswith("text/")):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                files.append(MailFile(_safe_name(filename, ctype), ctype, data))
            continue
        if ctype not in ("text/plain", "text/html"):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        try:
            text = decode_bytes(data, part.get_content_charset())
        except Undecodable as exc:
            raise Unparseable(f"the {ctype} part cannot be decoded: {exc}") from exc
        (plain if ctype == "text/plain" else html).append(text)
    if plain:
        return "\n\n".join(t.strip() for t in plain).strip(), files
    return "\n\n".join(html_to_text(t) for t in html).strip(), files


def _safe_name(filename: str, ctype: str) -> str:
    name = filename.replace("\\", "/").split("/")[-1].strip().replace("\x00", "")
    if not name:
        subtype = ctype.split("/")[-1] if "/" in ctype else "bin"
        name = f"attachment.{re.sub(r'[^a-z0-9]+', '', subtype)[:10] or 'bin'}"
    return name[:255]


def _date(value: object) -> dt.datetime | None:
    text = header_text(value)
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


__all__ = ["MailFile", "ParsedMail", "Unparseable", "fallback_id", "parse"]
