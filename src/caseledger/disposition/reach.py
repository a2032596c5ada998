"""Everything that carries a person's data, and how anonymization rewrites it. Dangerous
module: it overwrites personal data for good.

Anonymizing a customer reaches the customer, every customer merged into it (at any depth),
and every case of any of them: the case's free text, its notes (internal notes and the
communications with the customer), its attachments (the row keeps its size, type and
date; its name and its content address go, and the file goes after the commit when no
other row names it), the stored replies of API requests that named them, and every
derived copy registered with `caseledger.core.erasure`. What stays is what reports count:
category, kind, channel, department, status, severity, priority, satisfaction and dates.

Every function runs inside the caller's transaction (one record of a disposition batch).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import hooks
from caseledger.customers.models import ContactPoint, Customer, Identifier

ANON_TEXT = "[anonymized]"
CASE_TEXT_FIELDS = ("description", "customer_request", "resolution", "root_cause")
CASE_REF_FIELDS = ("order_ref", "contract_ref", "restricted_reason")


def merged_into(customer: Customer) -> list[Customer]:
    """The customers merged into this one, directly or through another merged one."""
    found: list[Customer] = []
    frontier = [customer.pk]
    seen = {customer.pk}
    while frontier:
        batch = list(
            Customer.objects.select_for_update().filter(merged_into_id__in=frontier).order_by("pk")
        )
        batch = [c for c in batch if c.pk not in seen]
        seen.update(c.pk for c in batch)
        found.extend(batch)
        frontier = [c.pk for c in batch]
    return found


def anonymize_case(case: Case, ref: str) -> list[str]:
    """Overwrite the case's personal content; returns the attachment files it named."""
    if case.archived_at is not None:
        from caseledger.archive.purge import archive_purge

        # The full record leaves its segment: the anonymized stub is all that remains.
        archive_purge(case_ids=[case.pk], ref=ref)
        case.archived_at = None
    attachments = Attachment.objects.filter(case=case)
    blobs = sorted({sha for sha in attachments.values_list("sha256", flat=True) if sha})
    case.subject = ANON_TEXT
    for name in (*CASE_TEXT_FIELDS, *CASE_REF_FIELDS):
        setattr(case, name, "")
    case.version += 1
    case.save(
        update_fields=["subject", *CASE_TEXT_FIELDS, *CASE_REF_FIELDS, "version", "archived_at"]
    )
    CaseNote.objects.filter(case=case).update(body=ANON_TEXT)
    # The row stays so a case still counts its attachments; its name and content address go.
    attachments.update(filename=ANON_TEXT, sha256="")
    return blobs


def case_is_anonymized(case: Case) -> bool:
    return (
        case.subject == ANON_TEXT
        and not any(getattr(case, name) for name in CASE_TEXT_FIELDS)
        and not CaseNote.objects.filter(case=case).exclude(body=ANON_TEXT).exists()
        and not Attachment.objects.filter(case=case).exclude(sha256="").exists()
    )


def anonymize_customer(customer: Customer) -> None:
    from caseledger.privacy.models import PendingChange, PrivacyRequest, QualityCheck

    # Random, not a hash of the name: a hash of a name can be reversed by guessing.
    customer.name = f"anon-{secrets.token_hex(8)}"
    customer.restricted_reason = ""
    customer.version += 1
    customer.save(update_fields=["name", "restricted_reason", "version"])
    for model in (ContactPoint, Identifier, PendingChange):
        model.objects.filter(customer=customer).delete()
    PrivacyRequest.objects.filter(customer=customer).update(details="", outcome="")
    QualityCheck.objects.filter(customer=customer).update(note="")


def customer_is_anonymized(customer: Customer) -> bool:
    return customer.name.startswith("anon-") and not customer.contact_points.exists()


FORGET_API_REPLIES = "disposition.forget_api_replies"


def forget_api_replies(case_ids: Iterable[int], customer_ids: Iterable[int]) -> int:
    """Delete the stored answers of idempotent API requests that name these records (a
    reply holds the record as it was). The api app stands higher and registers how at
    start-up (api/forget.py, ADR 0010); with none registered this raises, never skips."""
    deleted: int = hooks.one(FORGET_API_REPLIES)(case_ids, customer_ids)
    return deleted
