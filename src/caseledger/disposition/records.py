"""Disposing of one record: its content hash, destruction, anonymization, and the
redaction of its journal payloads. Dangerous module: it deletes personal data for good.

Guarantees: each function runs inside the caller's transaction (an item of a batch), so a
record is disposed of completely or not at all; held records are refused by the caller
before anything here runs; journal entries are never removed, only their payloads
redacted with the certificate's number, so the hash chain still verifies. Attachment files
are removed only after the commit, and only when no remaining row names them.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db.models import ProtectedError

from caseledger.cases import storage
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import clock
from caseledger.core.state import model_state
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.journal.canonical import canonical_json
from caseledger.journal.models import Payload
from caseledger.retention.models import LifecycleState, RecordRetention

ANON_TEXT = "[anonymized]"


class Skip(Exception):  # a reason to leave a record alone, not a failure
    """This record cannot be disposed of now; the message says why."""


@dataclass
class Outcome:
    sha256: str
    created_at: Any
    blobs: list[str] = field(default_factory=list)


def root_of(record_type: str, record_id: int) -> str:
    return f"{record_type}:{record_id}"


def load(record_type: str, record_id: int) -> Case | Customer | None:
    model = Case if record_type == "case" else Customer
    return model.objects.select_for_update().filter(pk=record_id).first()


def content(record: Case | Customer) -> dict[str, Any]:
    """Everything the record holds, as plain JSON values (hashed, never stored)."""
    if isinstance(record, Case):
        return {
            "case": model_state(record),
            "notes": [model_state(n) for n in CaseNote.objects.filter(case=record).order_by("pk")],
            "attachments": [
                model_state(a) for a in Attachment.objects.filter(case=record).order_by("pk")
            ],
        }
    return {
        "customer": model_state(record),
        "contact_points": [
            model_state(c) for c in ContactPoint.objects.filter(customer=record).order_by("pk")
        ],
        "identifiers": [
            model_state(i) for i in Identifier.objects.filter(customer=record).order_by("pk")
        ],
    }


def content_sha256(record: Case | Customer) -> str:
    """The hash of what is disposed of. For an archived case that is the full record in its
    segment (the manifest's sha256 for it), not the stub left in the hot tables."""
    if isinstance(record, Case) and record.archived_at is not None:
        from caseledger.archive.queries import record_of

        return record_of(record.pk).sha256
    return hashlib.sha256(canonical_json(content(record)).encode()).hexdigest()


def redact(record_type: str, record_id: int, ref: str, *, before_seq: int | None = None) -> int:
    """Redact every payload of the record's journal entries; returns how many."""
    rows = Payload.objects.filter(entry__root=root_of(record_type, record_id), body__isnull=False)
    if before_seq is not None:
        rows = rows.filter(entry__seq__lt=before_seq)
    return rows.update(body=None, redacted_at=clock.now(), redaction_ref=ref[:100])


def redact_batch(batch: Any) -> int:
    """Redact the payloads of every record a finished batch disposed of, under its
    certificate (which must exist and be journaled already: the database refuses any other
    redaction). For each record, what was journaled before the batch's entry for it."""
    from caseledger.disposition.models import ItemStatus
    from caseledger.journal.models import Entry

    ref = f"disposition {batch.certificate_number}"
    boundary = {
        (otype, oid): seq
        for otype, oid, seq in Entry.objects.filter(
            root=f"disposition_batch:{batch.pk}", action=f"disposition.{batch.action}"
        ).values_list("object_type", "object_id", "seq")
    }
    total = 0
    for record_type, record_id in batch.items.filter(status=ItemStatus.DONE).values_list(
        "record_type", "record_id"
    ):
        before = boundary.get((record_type, str(record_id)))
        total += redact(record_type, record_id, ref, before_seq=before)
    return total


def _purge_archived(case: Case, ref: str) -> None:
    """Remove the case's full record from its archive segment: what is destroyed or
    anonymized must not live on in the archive."""
    from caseledger.archive.purge import archive_purge

    archive_purge(case_ids=[case.pk], ref=ref)


def destroy(record: Case | Customer, ref: str) -> Outcome:
    outcome = Outcome(sha256=content_sha256(record), created_at=record.created_at)
    kind, pk = ("case" if isinstance(record, Case) else "customer"), record.pk
    try:
        if isinstance(record, Case):
            outcome.blobs = sorted(
                set(Attachment.objects.filter(case=record).values_list("sha256", flat=True))
            )
            if record.archived_at is not None:
                _purge_archived(record, ref)
            CaseNote.objects.filter(case=record).delete()
            Attachment.objects.filter(case=record).delete()
            record.delete()
        else:
            _destroy_customer(record)
    except ProtectedError as exc:
        kinds = sorted({str(type(o)._meta.verbose_name) for o in exc.protected_objects})
        raise Skip(f"other records still refer to it ({', '.join(map(str, kinds))})") from exc
    RecordRetention.objects.filter(record_type=kind, record_id=pk).delete()
    return outcome


def _destroy_customer(customer: Customer) -> None:
    from caseledger.privacy.models import OPEN_STATUSES, Consent, PendingChange, PrivacyRequest

    remaining = Case.objects.filter(customer=customer).count()
    if remaining:
        raise Skip(f"the customer still has {remaining} case(s)")
    if Customer.objects.filter(merged_into=customer).exists():
        raise Skip("other customer records were merged into it")
    if PrivacyRequest.objects.filter(customer=customer, status__in=OPEN_STATUSES).exists():
        raise Skip("it has an open privacy request")
    for model in (PendingChange, Consent, PrivacyRequest, ContactPoint, Identifier):
        model.objects.filter(customer=customer).delete()
    customer.delete()


def anonymize(record: Case | Customer, ref: str) -> Outcome:
    """Personal fields to irreversible placeholders; category, dates, severity, channel,
    department and satisfaction stay for the statistics. An archived case's full record
    leaves its segment: the anonymized stub is all that remains."""
    outcome = Outcome(sha256=content_sha256(record), created_at=record.created_at)
    if isinstance(record, Case):
        if record.archived_at is not None:
            _purge_archived(record, ref)
            record.archived_at = None
        outcome.blobs = sorted(
            set(Attachment.objects.filter(case=record).values_list("sha256", flat=True))
        )
        record.subject = ANON_TEXT
        for name in ("description", "customer_request", "resolution", "root_cause"):
            setattr(record, name, "")
        record.order_ref = record.contract_ref = record.restricted_reason = ""
        record.version += 1
        record.save(
            update_fields=[
                "subject", "description", "customer_request", "resolution", "root_cause",
                "order_ref", "contract_ref", "restricted_reason", "version", "archived_at",
            ]
        )  # fmt: skip
        CaseNote.objects.filter(case=record).update(body=ANON_TEXT)
        Attachment.objects.filter(case=record).delete()
        kind = "case"
    else:
        from caseledger.privacy.models import PendingChange, PrivacyRequest

        # Random, not a hash of the name: a hash of a name can be reversed by guessing.
        record.name = f"anon-{secrets.token_hex(8)}"
        record.restricted_reason = ""
        record.version += 1
        record.save(update_fields=["name", "restricted_reason", "version"])
        for model in (ContactPoint, Identifier, PendingChange):
            model.objects.filter(customer=record).delete()
        PrivacyRequest.objects.filter(customer=record).update(details="", outcome="")
        kind = "customer"
    RecordRetention.objects.filter(record_type=kind, record_id=record.pk).update(
        state=LifecycleState.DISPOSED
    )
    return outcome


def is_anonymized(record: Case | Customer) -> bool:
    if isinstance(record, Case):
        return record.subject == ANON_TEXT and not record.description
    return record.name.startswith("anon-") and not record.contact_points.exists()


def remove_unreferenced_blobs(shas: list[str]) -> int:
    """Delete attachment files that no attachment row names any more (idempotent)."""
    still = set(Attachment.objects.filter(sha256__in=shas).values_list("sha256", flat=True))
    removed = 0
    for sha in shas:
        if sha in still:
            continue
        try:
            os.unlink(storage.path_for(sha))
            removed += 1
        except FileNotFoundError:
            pass
        except ValueError:
            continue
    return removed
