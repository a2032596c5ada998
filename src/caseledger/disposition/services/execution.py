"""Executing an approved batch: one transaction per record, so a crash resumes at the
next one; the certificate at the end."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, refuse
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, choice_word
from caseledger.core.state import model_state
from caseledger.disposition import certificates, records
from caseledger.disposition.actions import DispositionAction
from caseledger.disposition.models import (
    BatchAction,
    BatchStatus,
    DispositionBatch,
    DispositionCertificate,
    DispositionItem,
    ItemStatus,
)
from caseledger.disposition.services.common import (
    batch_state,
    hold_names,
    holds_of,
    journal_batch,
    lock_batch,
)
from caseledger.journal.queries import state_as_of
from caseledger.journal.services import (
    Change,
    append_many,
    record_change,
    write_transaction,
)

# ---- execution --------------------------------------------------------------------------


def _start(actor: User | None, batch: DispositionBatch) -> DispositionBatch:
    if actor is not None and not (
        can(actor, Perm.DISPOSITION_PROPOSE) or can(actor, Perm.DISPOSITION_APPROVE)
    ):
        refuse(actor, Perm.DISPOSITION_PROPOSE)
    with write_transaction():
        batch = lock_batch(batch)
        if batch.status in (BatchStatus.EXECUTING, BatchStatus.DONE):
            return batch
        if batch.status != BatchStatus.APPROVED:
            raise Conflict(
                _("batch %(batch_id)s is %(batch_status)s; only an approved batch is executed")
                % {"batch_id": batch.pk, "batch_status": choice_word(batch)},
                field="status",
            )
        if batch.approved_by_id is None or batch.approved_by_id == batch.proposed_by_id:
            raise Conflict(
                _("batch %(batch_id)s lacks a second person's approval") % {"batch_id": batch.pk},
                field="status",
            )
        before = batch_state(batch)
        _refuse_unjournaled(batch, before)
        batch.status = BatchStatus.EXECUTING
        batch.started_at = clock.now()
        batch.certificate_number = certificates.number_for(batch)
        batch.save(update_fields=["status", "started_at", "certificate_number"])
        journal_batch(actor, batch, DispositionAction.EXECUTE_START, before)
    return batch


def _refuse_unjournaled(batch: DispositionBatch, live: dict[str, Any]) -> None:
    """Nothing is destroyed on a batch that differs from its journal: an approval or an
    item written straight into the database (a second person's approval forged, a record
    added to an approved batch) would otherwise be carried out as if reviewed."""
    if state_as_of("disposition_batch", str(batch.pk)) != live:
        raise Conflict(
            _(
                "batch %(batch_id)s differs from its journal: it was changed outside "
                "caseledger, so it is not carried out (run `caseledger journal verify "
                "--records`)"
            )
            % {"batch_id": batch.pk},
            field="status",
            code="unjournaled",
        )


def _execute_item(actor: User | None, batch: DispositionBatch, item_id: int) -> str:
    """Destroy or anonymise one item of a batch. Long because the item's check, outcome
    and journal entry belong in one transaction."""
    ref = f"disposition {batch.certificate_number}"
    blobs: list[str] = []
    with write_transaction():
        item = DispositionItem.objects.select_for_update().get(pk=item_id)
        if item.status != ItemStatus.PENDING:
            return item.status
        record = records.load(item.record_type, item.record_id)
        outcome = None
        if record is None:
            item.status, item.note = ItemStatus.SKIPPED, "the record no longer exists"
        else:
            found = holds_of(item.record_type, item.record_id)
            if found:
                item.status = ItemStatus.SKIPPED
                item.note = f"under legal hold: {hold_names(found)}"
            else:
                try:
                    with transaction.atomic():
                        if batch.action == BatchAction.DESTROY:
                            outcome = records.destroy(record, batch.certificate_number)
                        else:
                            outcome = records.anonymize(record, batch.certificate_number)
                except records.Skip as exc:
                    item.status, item.note = ItemStatus.SKIPPED, str(exc)
        if outcome is not None:
            item.status = ItemStatus.DONE
            item.content_sha256 = outcome.sha256
            item.blobs = blobs = outcome.blobs
        item.done_at = clock.now()
        item.save(update_fields=["status", "note", "content_sha256", "blobs", "done_at"])
        # The record's journal payloads are redacted when the certificate is issued
        # (_finish): a redaction must name a certificate that exists and lists the record.
        # Everything of the record journaled before this entry is what gets redacted.
        record_change(
            actor=actor,
            action=f"disposition.{batch.action}"
            if item.status == ItemStatus.DONE
            else DispositionAction.SKIP,
            object_type=item.record_type,
            object_id=str(item.record_id),
            root=f"disposition_batch:{batch.pk}",
            after=None,
            reason=item.note,
            extra={
                "batch": batch.pk,
                "certificate": batch.certificate_number,
                "sha256": item.content_sha256 or None,
                "status": item.status,
                "attachment_files": len(blobs),
                **reached(outcome),
            },
        )
        if outcome is not None:
            _list_reached(actor, batch, item, outcome)
            if batch.action == BatchAction.ANONYMIZE and record is not None:
                # After the batch's entries: the redaction at the certificate keeps these.
                journal_anonymized(actor, item.record_type, record, outcome, ref)
    if blobs:
        transaction.on_commit(lambda: records.remove_unreferenced_blobs(blobs))
    return item.status


def _list_reached(
    actor: User | None, batch: DispositionBatch, item: DispositionItem, outcome: records.Outcome
) -> None:
    """Every record an anonymization reached beyond the item's own (the customer's cases,
    the customers merged into it) becomes a done item of the batch with an entry of its
    own: the certificate lists it, so its payloads may be redacted under it (the database
    refuses a redaction the certificate does not list)."""
    through = f"{item.record_type} {item.record_id}"
    now = clock.now()
    changes = []
    for record in outcome.reached:
        kind, pk = records.key_of(record)
        note = f"reached through {through}"
        reached, created = DispositionItem.objects.get_or_create(
            batch=batch,
            record_type=kind,
            record_id=pk,
            defaults={
                "label": record.reference if isinstance(record, Case) else f"customer {pk}",
                "department_id": record.department_id,
                "status": ItemStatus.DONE,
                "note": note,
                "record_created_at": record.created_at,
                "done_at": now,
            },
        )
        if not created:
            if reached.status == ItemStatus.DONE:
                continue
            reached.status, reached.note, reached.done_at = ItemStatus.DONE, note, now
            reached.save(update_fields=["status", "note", "done_at"])
        changes.append(
            Change(
                action=f"disposition.{batch.action}",
                object_type=kind,
                object_id=str(pk),
                root=f"disposition_batch:{batch.pk}",
                state=None,
                reason=note,
                extra={
                    "batch": batch.pk,
                    "certificate": batch.certificate_number,
                    "status": ItemStatus.DONE,
                    "reached_through": through,
                },
            )
        )
    if changes:
        append_many(actor=actor, changes=changes)


def journal_anonymized(
    actor: User | None, kind: str, record: Any, outcome: records.Outcome, ref: str
) -> None:
    """The state each anonymized record is left in, journaled after the redaction."""
    own = Change(
        action=DispositionAction.ANONYMIZED_STATE,
        object_type=kind,
        object_id=str(record.pk),
        state=model_state(record),
        reason=ref,
    )
    append_many(actor=actor, changes=[own, *records.reached_states(outcome, ref)])


def reached(outcome: records.Outcome | None) -> dict[str, Any]:
    """Which other records an anonymization reached (ids only), for the journal."""
    if outcome is None or not outcome.reached:
        return {}
    return {"reached": {"cases": outcome.cases, "customers": outcome.customers}}


def _finish(actor: User | None, batch: DispositionBatch) -> DispositionBatch:
    # Files of items whose commit landed just before a crash: removed again, idempotently.
    leftovers = [
        sha
        for blobs in batch.items.filter(status=ItemStatus.DONE).values_list("blobs", flat=True)
        for sha in blobs or []
    ]
    records.remove_unreferenced_blobs(sorted(set(leftovers)))
    with write_transaction():
        batch = lock_batch(batch)
        if batch.status == BatchStatus.DONE:
            return batch
        executed_at = clock.now()
        document = certificates.build(batch, executed_at)
        # The file first: if the commit below fails, the records are disposed of already
        # and the file is what lets a restore dispose of them again.
        certificates.write(document)
        DispositionCertificate.objects.create(
            number=batch.certificate_number,
            batch=batch,
            document=document,
            document_sha256=certificates.digest(document),
            schedule_code=batch.schedule.code,
            action=batch.action,
            executed_at=executed_at,
            records=document["counts"][ItemStatus.DONE],
            created_at=executed_at,
        )
        before = batch_state(batch)
        batch.status = BatchStatus.DONE
        batch.finished_at = executed_at
        batch.save(update_fields=["status", "finished_at"])
        journal_batch(
            actor,
            batch,
            DispositionAction.CERTIFICATE,
            before,
            extra={
                "certificate": batch.certificate_number,
                "sha256": certificates.digest(document),
                "counts": document["counts"],
            },
        )
        # Certified in the chain now: the payloads of every disposed record go.
        records.redact_batch(batch)
    return batch


def disposition_execute(
    *,
    actor: User | None,
    batch: DispositionBatch,
    progress: Callable[[int], None] | None = None,
) -> DispositionBatch:
    """Carry out an approved batch record by record, then issue its certificate. Run it
    again after a crash: done records stay done, the rest continue."""
    batch = _start(actor, batch)
    if batch.status == BatchStatus.DONE:
        return batch
    pending = list(
        batch.items.filter(status=ItemStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    )
    for n, item_id in enumerate(pending, start=1):
        _execute_item(actor, batch, item_id)
        if progress:
            progress(1)
        _pause_for_fault_tests(n)
    batch = _finish(actor, batch)
    records.settle_freed_bytes()
    return batch


def _pause_for_fault_tests(done: int) -> None:
    """Fault tests kill a real process here, between two committed records."""
    after = os.environ.get("CASELEDGER_DISPOSITION_PAUSE_AFTER")
    if after and done == int(after):
        Path(os.environ["CASELEDGER_DISPOSITION_PAUSE_MARKER"]).touch()
        time.sleep(3600)


def disposition_execute_pending(
    *, actor: User | None, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Execute every approved batch and finish every interrupted one (the retention run
    calls this). Journals a summary even when there was nothing to do."""
    done: list[str] = []
    for batch in DispositionBatch.objects.filter(
        status__in=(BatchStatus.APPROVED, BatchStatus.EXECUTING)
    ).order_by("pk"):
        finished = disposition_execute(actor=actor, batch=batch, progress=progress)
        done.append(finished.certificate_number)
    with write_transaction():
        record_change(
            actor=actor,
            action=DispositionAction.EXECUTE_PENDING,
            object_type="disposition_run",
            object_id=clock.now().date().isoformat(),
            after=None,
            extra={"certificates": done},
        )
    return {"batches": len(done), "certificates": done}
