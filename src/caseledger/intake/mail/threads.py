"""Which case a message belongs to.

First by the reply headers (In-Reply-To, then References): a message answering one we
recorded or sent belongs to that message's case. Many Chinese webmail clients (QQ Mail
among them) send no reply headers, so then by the case reference we put in every subject,
`[CL-2026-000123]` — but only when the sender is someone the case already knows (the
customer's e-mail address, or an address that wrote to or was written to on the case):
a reference alone is public and guessable, and must not let a stranger add to a case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from caseledger.accounts.access import can
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.customers.models import ContactKind, ContactPoint
from caseledger.customers.sealing import contact_index
from caseledger.intake.mail.parser import ParsedMail
from caseledger.intake.models import MailMessage

REFERENCE = re.compile(r"\[\s*(CL-\d{4}-\d{6})\s*\]", re.IGNORECASE)


def id_key(message_id: str) -> str:
    """The stored form of a Message-ID: itself, or a digest when it is too long to index."""
    if len(message_id) <= 255:
        return message_id
    return "sha256-" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Thread:
    case: Case | None
    how: str  # "in-reply-to", "references", "subject reference and sender", or ""


def find_case(parsed: ParsedMail, *, actor: User) -> Thread:
    for how, ids in (("in-reply-to", parsed.in_reply_to), ("references", parsed.references)):
        if not ids:
            continue
        found = (
            MailMessage.objects.filter(message_id__in=[id_key(i) for i in ids], case__isnull=False)
            .select_related("case")
            .order_by("-pk")
            .first()
        )
        if found is not None and found.case and _workable(actor, found.case):
            return Thread(found.case, how)
    match = REFERENCE.search(parsed.subject or "")
    if match and parsed.sender:
        case = Case.objects.filter(reference=match.group(1).upper()).first()
        if case is not None and _workable(actor, case) and sender_known(case, parsed.sender):
            return Thread(case, "subject reference and sender")
    return Thread(None, "")


def _workable(actor: User, case: Case) -> bool:
    return can(actor, Perm.CASE_MODIFY, case.department_id) and case.archived_at is None


def sender_known(case: Case, address: str) -> bool:
    address = address.strip().lower()
    if not address:
        return False
    index = contact_index(ContactKind.EMAIL, address)
    if ContactPoint.objects.filter(
        customer_id=case.customer_id, kind=ContactKind.EMAIL, blind_index=index
    ).exists():
        return True
    return MailMessage.objects.filter(case=case, address__iexact=address).exists()
