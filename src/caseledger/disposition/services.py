"""Every write of a disposition: propose, approve, reject, extend, execute, and re-apply
after a restore. Permission → validation → write → journal, one transaction each;
execution takes one transaction per record, so a crash resumes at the next record.

Dangerous module: it destroys records. Guarantees: nothing is disposed of without a
proposal and an approval by a different person; held records are refused at proposal and
re-checked, under lock, just before each record is touched; every disposed record is
named with its content hash on a certificate that the database and a file both keep.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from caseledger.accounts.access import can, refuse, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.core.state import model_state, plain
from caseledger.customers.models import Customer
from caseledger.disposition import certificates, records
from caseledger.disposition.models import (
    OPEN_STATUSES,
    BatchAction,
    BatchStatus,
    DispositionBatch,
    DispositionCertificate,
    DispositionExtension,
    DispositionItem,
    ItemStatus,
)
from caseledger.journal.services import Change, append, append_many, write_transaction
from caseledger.retention import holds
from caseledger.retention.deadlines import dated_state
from caseledger.retention.errors import Held
from caseledger.retention.models import (
    Action,
    LifecycleState,
    RecordRetention,
    RetentionSchedule,
)


def batch_state(batch: DispositionBatch) -> dict[str, Any]:
    state = model_state(batch)
    state["items"] = [
        {"type": i.record_type, "id": i.record_id, "status": i.status}
        for i in batch.items.order_by("pk")
    ]
    return state


def _journal_batch(actor, batch, action, before=None, reason="", extra=None) -> None:
    state = batch_state(batch)
    append(
        actor=actor,
        change=Change(
            action=action,
            object_type="disposition_batch",
            object_id=str(batch.pk),
            state=state,
            changes={}
            if before is None
            else {k: [before.get(k), v] for k, v in state.items() if before.get(k) != v},
            reason=reason,
            extra=extra,
        ),
    )


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _held_ids(record_type: str, ids: list[int]) -> set[int]:
    return holds.held_case_ids(ids) if record_type == "case" else holds.held_customer_ids(ids)


def _holds_of(record_type: str, record_id: int) -> list[Any]:
    if record_type == "case":
        case = Case.objects.filter(pk=record_id).first()
        return holds.holds_for_case(case) if case else []
    customer = Customer.objects.filter(pk=record_id).first()
    return holds.holds_for_customer(customer) if customer else []


def _hold_names(found: list[Any]) -> str:
    return "; ".join(f"{h.matter} (hold {h.pk})" for h in found)


def _in_open_batch(record_type: str, ids: Iterable[int]) -> set[int]:
    return set(
        DispositionItem.objects.filter(
            record_type=record_type,
            record_id__in=list(ids),
            status=ItemStatus.PENDING,
            batch__status__in=OPEN_STATUSES,
        ).values_list("record_id", flat=True)
    )


def _parse_ids(values: Iterable[Any], record_type: str) -> list[int]:
    ids: list[int] = []
    refs: list[str] = []
    for value in values:
        text = str(value).strip()
        if text.isdigit():
            ids.append(int(text))
        elif record_type == "case" and text.upper().startswith("CL-"):
            refs.append(text.upper())
        elif text:
            raise ValidationFailed(f"{text!r} is not a record id", field="records", code="invalid")
    if refs:
        found = dict(Case.objects.filter(reference__in=refs).values_list("reference", "pk"))
        missing = [r for r in refs if r not in found]
        if missing:
            raise ValidationFailed(
                f"no such case: {', '.join(missing)}", field="records", code="not_found"
            )
        ids += found.values()
    return sorted(set(ids))


def disposition_propose(
    *,
    actor: User,
    schedule: RetentionSchedule,
    records: Iterable[Any] | None = None,
    action: str = "",
    reason: str = "",
) -> DispositionBatch:
    """Put due records of one schedule up for disposal: the ones named, or every due and
    unheld one. A schedule whose action is "review" needs the action chosen here."""
    require(actor, Perm.DISPOSITION_PROPOSE)
    if schedule.action == Action.REVIEW:
        if action not in BatchAction.values:
            raise ValidationFailed(
                f"schedule {schedule.code} says review: choose destroy or anonymize",
                field="action",
                code="required",
            )
    elif action and action != schedule.action:
        raise ValidationFailed(
            f"schedule {schedule.code} says {schedule.action}, not {action}",
            field="action",
            code="invalid_choice",
        )
    chosen_action = action or schedule.action
    record_type = schedule.record_kind
    if record_type not in ("case", "customer"):
        raise ValidationFailed(
            f"records of kind {record_type} are disposed of with their case",
            field="schedule",
            code="invalid",
        )
    with write_transaction():
        due = RecordRetention.objects.filter(
            record_type=record_type, schedule__code=schedule.code, state=LifecycleState.DUE
        )
        if records is not None:
            wanted = _parse_ids(records, record_type)
            if not wanted:
                raise ValidationFailed("name at least one record", field="records", code="required")
            # Holds first: the daily recompute marks a held record `held`, not `due`, so
            # asking due-ness first would refuse it as "not due" and hide the matter.
            held = sorted(_held_ids(record_type, wanted))
            if held:
                raise Held(
                    f"{record_type} {held[0]} is under legal hold: "
                    f"{_hold_names(_holds_of(record_type, held[0]))}. It cannot be disposed of "
                    "until the hold is released.",
                    field="records",
                )
            due_ids = set(due.filter(record_id__in=wanted).values_list("record_id", flat=True))
            not_due = [i for i in wanted if i not in due_ids]
            if not_due:
                raise ValidationFailed(
                    f"not due under schedule {schedule.code}: {', '.join(map(str, not_due))}",
                    field="records",
                    code="not_due",
                )
            busy = sorted(_in_open_batch(record_type, wanted))
            if busy:
                raise Conflict(
                    f"already in an open disposition batch: {', '.join(map(str, busy))}",
                    field="records",
                )
            ids = wanted
            left_out: dict[str, int] = {}
        else:
            all_due = sorted(due.values_list("record_id", flat=True))
            held_set = _held_ids(record_type, all_due)
            busy_set = _in_open_batch(record_type, all_due)
            ids = [i for i in all_due if i not in held_set and i not in busy_set]
            left_out = {"held": len(held_set), "in_open_batch": len(busy_set - held_set)}
        if not ids:
            raise ValidationFailed(
                f"no due, unheld records under schedule {schedule.code}",
                field="records",
                code="empty",
            )
        now = clock.now()
        batch = DispositionBatch.objects.create(
            key=secrets.token_hex(6),
            schedule=schedule,
            record_type=record_type,
            action=chosen_action,
            reason=(reason or "").strip(),
            proposed_by=actor,
            proposed_at=now,
        )
        model: Any = Case if record_type == "case" else Customer
        rows = model.objects.filter(pk__in=ids).order_by("pk")
        DispositionItem.objects.bulk_create(
            [
                DispositionItem(
                    batch=batch,
                    record_type=record_type,
                    record_id=row.pk,
                    label=row.reference if record_type == "case" else f"customer {row.pk}",
                    department_id=row.department_id,
                    record_created_at=row.created_at,
                )
                for row in rows
            ]
        )
        RecordRetention.objects.filter(record_type=record_type, record_id__in=ids).update(
            state=LifecycleState.IN_REVIEW
        )
        _journal_batch(
            actor,
            batch,
            "disposition.propose",
            reason=batch.reason,
            extra={"records": len(ids), "left_out": left_out} if left_out else None,
        )
    return batch


def _lock(batch: DispositionBatch) -> DispositionBatch:
    return (
        DispositionBatch.objects.select_for_update(of=("self",))
        .select_related("schedule", "proposed_by", "approved_by")
        .get(pk=batch.pk)
    )


def _require_reviewer(actor: User, batch: DispositionBatch) -> None:
    """A second person: may approve every department the batch touches, and is not the
    one who proposed it."""
    require(actor, Perm.DISPOSITION_APPROVE)
    if actor.pk == batch.proposed_by_id:
        raise PermissionDenied(
            gettext(
                "%(user)s proposed batch %(id)s; a second person must review it: ask another "
                "approver (a supervisor of its departments, or a compliance officer)"
            )
            % {"user": actor.get_username(), "id": batch.pk},
            code="same_person",
        )
    departments = set(batch.items.values_list("department_id", flat=True))
    for department_id in sorted(d for d in departments if d is not None):
        require(actor, Perm.DISPOSITION_APPROVE, department_id)


def disposition_approve(
    *, actor: User, batch: DispositionBatch, reason: str = ""
) -> DispositionBatch:
    with write_transaction():
        batch = _lock(batch)
        _require_reviewer(actor, batch)
        if batch.status != BatchStatus.PROPOSED:
            raise Conflict(f"batch {batch.pk} is {batch.status}, not proposed", field="status")
        if not batch.items.filter(status=ItemStatus.PENDING).exists():
            raise Conflict(f"batch {batch.pk} has no records left to dispose of", field="items")
        before = batch_state(batch)
        batch.status = BatchStatus.APPROVED
        batch.approved_by = actor
        batch.approved_at = clock.now()
        batch.decision_reason = (reason or "").strip()
        batch.save(update_fields=["status", "approved_by", "approved_at", "decision_reason"])
        _journal_batch(actor, batch, "disposition.approve", before, batch.decision_reason)
    return batch


def disposition_reject(*, actor: User, batch: DispositionBatch, reason: str) -> DispositionBatch:
    if not (reason or "").strip():
        raise ValidationFailed("a reason is required to reject", field="reason", code="required")
    with write_transaction():
        batch = _lock(batch)
        _require_reviewer(actor, batch)
        if batch.status not in (BatchStatus.PROPOSED, BatchStatus.APPROVED):
            raise Conflict(
                f"batch {batch.pk} is {batch.status}; it cannot be rejected", field="status"
            )
        before = batch_state(batch)
        batch.status = BatchStatus.REJECTED
        batch.rejected_by = actor
        batch.rejected_at = clock.now()
        batch.decision_reason = reason.strip()
        batch.save(update_fields=["status", "rejected_by", "rejected_at", "decision_reason"])
        pending = list(
            batch.items.filter(status=ItemStatus.PENDING).values_list("record_id", flat=True)
        )
        RecordRetention.objects.filter(
            record_type=batch.record_type, record_id__in=pending, state=LifecycleState.IN_REVIEW
        ).update(state=LifecycleState.DUE)
        _journal_batch(actor, batch, "disposition.reject", before, batch.decision_reason)
    return batch


def disposition_extend(
    *,
    actor: User,
    record_type: str,
    record_id: int,
    due_on: dt.date | str,
    reason: str,
    batch: DispositionBatch | None = None,
) -> DispositionExtension:
    """Keep a due record longer, to a new due date, with a reason. The recompute honours
    the latest extension (overrides.py); within a batch, the record leaves it."""
    if record_type not in ("case", "customer"):
        raise ValidationFailed("record type must be case or customer", field="record_type")
    if isinstance(due_on, str):
        try:
            due_on = dt.date.fromisoformat(due_on)
        except ValueError as exc:
            raise ValidationFailed(
                f"{due_on!r} is not a date (YYYY-MM-DD)", field="due_on", code="invalid"
            ) from exc
    if not (reason or "").strip():
        raise ValidationFailed("a reason is required to extend", field="reason", code="required")
    if due_on <= _today():
        raise ValidationFailed("the new due date must be after today", field="due_on")
    model = Case if record_type == "case" else Customer
    record = model.objects.filter(pk=record_id).first()
    if record is None:
        raise ValidationFailed(
            f"no such {record_type}: {record_id}", field="record_id", code="not_found"
        )
    if not (
        can(actor, Perm.DISPOSITION_PROPOSE)
        or can(actor, Perm.DISPOSITION_APPROVE, record.department_id)
    ):
        refuse(actor, Perm.DISPOSITION_APPROVE, record.department_id)
    with write_transaction():
        retention = (
            RecordRetention.objects.select_for_update()
            .filter(record_type=record_type, record_id=record_id)
            .first()
        )
        if retention is None or retention.due_on is None:
            raise Conflict(f"{record_type} {record_id} has no due date to extend", field="due_on")
        if due_on <= retention.due_on:
            raise ValidationFailed(
                f"the new due date must be after the current one ({retention.due_on})",
                field="due_on",
            )
        if batch is not None:
            batch = _lock(batch)
            if batch.status not in (BatchStatus.PROPOSED, BatchStatus.APPROVED):
                raise Conflict(f"batch {batch.pk} is {batch.status}", field="batch")
            updated = batch.items.filter(
                record_type=record_type, record_id=record_id, status=ItemStatus.PENDING
            ).update(status=ItemStatus.EXTENDED, note=f"extended to {due_on}: {reason.strip()}")
            if not updated:
                raise ValidationFailed(
                    f"{record_type} {record_id} is not a pending record of batch {batch.pk}",
                    field="record_id",
                )
        else:
            busy = _in_open_batch(record_type, [record_id])
            if busy:
                raise Conflict(
                    f"{record_type} {record_id} is in an open batch; extend it there",
                    field="batch",
                )
        extension = DispositionExtension.objects.create(
            record_type=record_type,
            record_id=record_id,
            due_on=due_on,
            reason=reason.strip(),
            batch=batch,
            extended_by=actor,
            extended_at=clock.now(),
        )
        before = {"due_on": plain(retention.due_on), "state": retention.state}
        retention.due_on = due_on
        if retention.state not in (LifecycleState.HELD, LifecycleState.UNSCHEDULED):
            retention.state = dated_state(due_on, _today())
        retention.save(update_fields=["due_on", "state"])
        after = {"due_on": plain(due_on), "state": retention.state}
        append(
            actor=actor,
            change=Change(
                action="disposition.extend",
                object_type=record_type,
                object_id=str(record_id),
                state=model_state(extension),
                changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
                reason=extension.reason,
            ),
        )
    return extension


# ---- execution --------------------------------------------------------------------------


def _start(actor: User | None, batch: DispositionBatch) -> DispositionBatch:
    if actor is not None and not (
        can(actor, Perm.DISPOSITION_PROPOSE) or can(actor, Perm.DISPOSITION_APPROVE)
    ):
        refuse(actor, Perm.DISPOSITION_PROPOSE)
    with write_transaction():
        batch = _lock(batch)
        if batch.status in (BatchStatus.EXECUTING, BatchStatus.DONE):
            return batch
        if batch.status != BatchStatus.APPROVED:
            raise Conflict(
                f"batch {batch.pk} is {batch.status}; only an approved batch is executed",
                field="status",
            )
        if batch.approved_by_id is None or batch.approved_by_id == batch.proposed_by_id:
            raise Conflict(f"batch {batch.pk} lacks a second person's approval", field="status")
        before = batch_state(batch)
        batch.status = BatchStatus.EXECUTING
        batch.started_at = clock.now()
        batch.certificate_number = certificates.number_for(batch)
        batch.save(update_fields=["status", "started_at", "certificate_number"])
        _journal_batch(actor, batch, "disposition.execute_start", before)
    return batch


def _execute_item(actor: User | None, batch: DispositionBatch, item_id: int) -> str:
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
            found = _holds_of(item.record_type, item.record_id)
            if found:
                item.status = ItemStatus.SKIPPED
                item.note = f"under legal hold: {_hold_names(found)}"
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
        append(
            actor=actor,
            change=Change(
                action=f"disposition.{batch.action}"
                if item.status == ItemStatus.DONE
                else "disposition.skip",
                object_type=item.record_type,
                object_id=str(item.record_id),
                # Filed under the batch, not the record, so re-applying a destruction
                # after a restore never redacts the evidence that it happened.
                root=f"disposition_batch:{batch.pk}",
                state=None,
                reason=item.note,
                extra={
                    "batch": batch.pk,
                    "certificate": batch.certificate_number,
                    "sha256": item.content_sha256 or None,
                    "status": item.status,
                    "attachment_files": len(blobs),
                    **_reached(outcome),
                },
            ),
        )
        if outcome is not None:
            _list_reached(actor, batch, item, outcome)
            if batch.action == BatchAction.ANONYMIZE and record is not None:
                # After the batch's entries: the redaction at the certificate keeps these.
                _journal_anonymized(actor, item.record_type, record, outcome, ref)
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


def _journal_anonymized(
    actor: User | None, kind: str, record: Any, outcome: records.Outcome, ref: str
) -> None:
    """The state each anonymized record is left in, journaled after the redaction."""
    own = Change(
        action="disposition.anonymized_state",
        object_type=kind,
        object_id=str(record.pk),
        state=model_state(record),
        reason=ref,
    )
    append_many(actor=actor, changes=[own, *records.reached_states(outcome, ref)])


def _reached(outcome: records.Outcome | None) -> dict[str, Any]:
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
        batch = _lock(batch)
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
        _journal_batch(
            actor,
            batch,
            "disposition.certificate",
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
        append(
            actor=actor,
            change=Change(
                action="disposition.execute_pending",
                object_type="disposition_run",
                object_id=clock.now().date().isoformat(),
                state=None,
                extra={"certificates": done},
            ),
        )
    return {"batches": len(done), "certificates": done}


# ---- after a restore ----------------------------------------------------------------------


def reapply_dispositions(*, actor: User | None = None, folder: Any = None) -> dict[str, Any]:
    """Dispose again of what every certificate file says was disposed of, in a database
    restored from a backup older than the disposition; restore missing certificate rows.

    A record is the one on the certificate only if its id and its creation time both match
    (ids can be issued again after a restore). Held records are left and reported."""
    if actor is not None:
        require(actor, Perm.DISPOSITION_PROPOSE)
    documents, problems = certificates.read_all(folder)
    summary: dict[str, Any] = {
        "certificates": len(documents),
        "restored_certificates": 0,
        "destroyed": 0,
        "anonymized": 0,
        "skipped": [],
        "problems": problems,
    }
    for document in documents:
        _reapply_one(actor, document, summary)
    with write_transaction():
        append(
            actor=actor,
            change=Change(
                action="disposition.reapply",
                object_type="disposition_run",
                object_id=clock.now().date().isoformat(),
                state=None,
                extra={k: v for k, v in summary.items() if k != "skipped"}
                | {"skipped": len(summary["skipped"])},
            ),
        )
    records.settle_freed_bytes()
    return summary


def _same_record(record: Case | Customer, entry: dict[str, Any]) -> bool:
    return entry.get("created_at") is None or plain(record.created_at) == entry["created_at"]


def _reapply_one(actor: User | None, document: dict[str, Any], summary: dict[str, Any]) -> None:
    number = document["number"]
    ref = f"disposition {number}"
    action = document["action"]
    with write_transaction():
        if not DispositionCertificate.objects.filter(number=number).exists():
            DispositionCertificate.objects.create(
                number=number,
                batch=None,
                document=document,
                document_sha256=certificates.digest(document),
                schedule_code=document["schedule"]["code"],
                action=action,
                executed_at=dt.datetime.fromisoformat(document["executed_at"]),
                records=document["counts"].get(ItemStatus.DONE, 0),
                created_at=clock.now(),
            )
            summary["restored_certificates"] += 1
            append(
                actor=actor,
                change=Change(
                    action="disposition.certificate_restore",
                    object_type="disposition_certificate",
                    object_id=number,
                    state=None,
                    extra={"sha256": certificates.digest(document)},
                ),
            )
    listed = {
        (entry["type"], int(entry["id"]))
        for entry in document["records"]
        if entry["status"] == ItemStatus.DONE
    }
    for entry in document["records"]:
        if entry["status"] != ItemStatus.DONE:
            continue
        blobs: list[str] = []
        with write_transaction():
            record = records.load(entry["type"], entry["id"])
            if record is None:
                # Gone already; a restored backup may still hold its old journal payloads.
                records.redact(entry["type"], entry["id"], ref)
                continue
            if not _same_record(record, entry):
                continue
            if action == BatchAction.ANONYMIZE and records.is_anonymized(record):
                continue
            found = _holds_of(entry["type"], entry["id"])
            if found:
                summary["skipped"].append(f"{entry['type']} {entry['id']}: {_hold_names(found)}")
                continue
            try:
                with transaction.atomic():
                    outcome = (
                        records.destroy(record, number)
                        if action == BatchAction.DESTROY
                        else records.anonymize(record, number)
                    )
            except records.Skip as exc:
                summary["skipped"].append(f"{entry['type']} {entry['id']}: {exc}")
                continue
            records.redact(entry["type"], entry["id"], ref)
            records.redact_reached(outcome, ref, listed)
            if action == BatchAction.ANONYMIZE:
                _journal_anonymized(actor, entry["type"], record, outcome, ref)
            blobs = outcome.blobs
            summary["destroyed" if action == BatchAction.DESTROY else "anonymized"] += 1
            append(
                actor=actor,
                change=Change(
                    action=f"disposition.reapply_{action}",
                    object_type=entry["type"],
                    object_id=str(entry["id"]),
                    root=f"disposition_certificate:{number}",
                    state=None,
                    reason=ref,
                    extra={"certificate": number, "sha256": outcome.sha256, **_reached(outcome)},
                ),
            )
        if blobs:
            records.remove_unreferenced_blobs(blobs)
