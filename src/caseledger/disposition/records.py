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
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import ProtectedError

from caseledger.cases import storage
from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import clock, erasure
from caseledger.core.logging import get_logger
from caseledger.core.state import model_state
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.disposition import reach
from caseledger.disposition.actions import DispositionAction
from caseledger.journal.canonical import canonical_json
from caseledger.journal.models import Payload
from caseledger.journal.services import Change
from caseledger.retention.models import LifecycleState, RecordRetention

ANON_TEXT = reach.ANON_TEXT
log = get_logger("caseledger.disposition")


class Skip(Exception):  # a reason to leave a record alone, not a failure
    """This record cannot be disposed of now; the message says why."""


@dataclass
class Outcome:
    sha256: str
    created_at: Any
    blobs: list[str] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)  # whose personal content is gone
    customers: list[int] = field(default_factory=list)
    reached: list[Case | Customer] = field(default_factory=list)  # beyond the record itself


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
    """Remove the case's full record from its archive segment: what is destroyed must not
    live on in the archive."""
    from caseledger.archive.purge import archive_purge

    archive_purge(case_ids=[case.pk], ref=ref)


def destroy(record: Case | Customer, ref: str) -> Outcome:
    outcome = Outcome(sha256=content_sha256(record), created_at=record.created_at)
    kind, pk = key_of(record)
    if kind == "case":
        outcome.cases = [pk]
    else:
        outcome.customers = [pk]
    # Before the rows go: a stored reply may name the case by its reference.
    reach.forget_api_replies(outcome.cases, outcome.customers)
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
    erasure.erase(mode="destroy", case_ids=outcome.cases, customer_ids=outcome.customers)
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
    """Personal content to irreversible placeholders (see `reach`): a case's free text,
    notes and attachments; a customer's name, contact points and identifiers, with every
    customer merged into it and every case of any of them. Category, dates, status,
    channel, department, severity and satisfaction stay for the statistics."""
    outcome = Outcome(sha256=content_sha256(record), created_at=record.created_at)
    if isinstance(record, Case):
        outcome.blobs = reach.anonymize_case(record, ref)
        outcome.cases = [record.pk]
        kind = "case"
    else:
        people = [record, *reach.merged_into(record)]
        cases = list(Case.objects.select_for_update().filter(customer__in=people).order_by("pk"))
        _refuse_held(people[1:], cases)
        for person in people:
            reach.anonymize_customer(person)
        blobs: set[str] = set()
        for case in cases:
            blobs.update(reach.anonymize_case(case, ref))
            outcome.cases.append(case.pk)
            outcome.reached.append(case)
        outcome.reached[:0] = people[1:]
        outcome.customers = [p.pk for p in people]
        outcome.blobs = sorted(blobs)
        kind = "customer"
    RecordRetention.objects.filter(record_type=kind, record_id=record.pk).update(
        state=LifecycleState.DISPOSED
    )
    _erase_copies("anonymize", outcome)
    return outcome


def _refuse_held(customers: list[Customer], cases: list[Case]) -> None:
    """A hold on any record the anonymization would reach keeps the customer whole (the
    caller has checked the customer itself)."""
    from caseledger.retention import holds

    held = holds.held_customer_ids([c.pk for c in customers])
    for customer in customers:
        if customer.pk in held:
            names = "; ".join(
                f"{h.matter} (hold {h.pk})" for h in holds.holds_for_customer(customer)
            )
            raise Skip(f"customer {customer.pk}, merged into it, is under legal hold: {names}")
    held = holds.held_case_ids([c.pk for c in cases])
    for case in cases:
        if case.pk in held:
            names = "; ".join(f"{h.matter} (hold {h.pk})" for h in holds.holds_for_case(case))
            raise Skip(f"its case {case.reference} is under legal hold: {names}")


def _erase_copies(mode: str, outcome: Outcome) -> None:
    """Derived copies go with the record, in the same transaction: the stored API replies
    and every copy an app registered with core.erasure (the search index, ...)."""
    reach.forget_api_replies(outcome.cases, outcome.customers)
    erasure.erase(mode=mode, case_ids=outcome.cases, customer_ids=outcome.customers)


def redact_reached(outcome: Outcome, ref: str, listed: set[tuple[str, int]]) -> int:
    """Redact the journal payloads of the records an anonymization reached beyond the one
    on the certificate (the customer's cases, the customers merged into it), those the
    certificate lists: the database refuses a redaction under a certificate that does not
    list the record (certificates from before reached records were listed do not)."""
    return sum(redact(*key_of(r), ref) for r in outcome.reached if key_of(r) in listed)


def key_of(record: Case | Customer) -> tuple[str, int]:
    return ("case" if isinstance(record, Case) else "customer"), record.pk


def reached_states(outcome: Outcome, ref: str) -> list[Change]:
    """The anonymized state of every reached record, journaled after the redaction."""
    return [
        Change(
            action=DispositionAction.ANONYMIZED_STATE,
            object_type=key_of(r)[0],
            object_id=str(r.pk),
            state=model_state(r),
            reason=ref,
        )
        for r in outcome.reached
    ]


def is_anonymized(record: Case | Customer) -> bool:
    if isinstance(record, Case):
        return reach.case_is_anonymized(record)
    people = [record, *reach.merged_into(record)]
    return all(reach.customer_is_anonymized(p) for p in people) and all(
        reach.case_is_anonymized(c) for c in Case.objects.filter(customer__in=people)
    )


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


def settle_freed_bytes() -> bool:
    """SQLite: fold the write-ahead log into the database file and truncate it, so page
    images written before a disposition (holding what it erased) do not linger in the
    -wal file. secure_delete (settings) has zeroed the freed space in the pages. Returns
    False when a reader kept the log from being emptied (it is emptied at a later
    checkpoint); PostgreSQL: nothing to do here (its dead rows go at VACUUM)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return connection.vendor != "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _log, _done = cursor.fetchone()
    if busy:
        log.warning("disposition.wal_checkpoint_busy")
    return not busy
