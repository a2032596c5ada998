"""Review of due records: propose a batch, approve or reject it (a different person),
extend a record's retention instead."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, refuse, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import (
    Conflict,
    ValidationFailed,
    choice_word,
    record_word,
    value_word,
)
from caseledger.core.state import model_state, plain
from caseledger.customers.models import Customer
from caseledger.disposition.actions import DispositionAction
from caseledger.disposition.models import (
    BatchAction,
    BatchStatus,
    DispositionBatch,
    DispositionExtension,
    DispositionItem,
    ItemStatus,
)
from caseledger.disposition.services.common import (
    batch_state,
    held_ids,
    hold_names,
    holds_of,
    in_open_batch,
    journal_batch,
    local_today,
    lock_batch,
    parse_ids,
    require_reviewer,
)
from caseledger.journal.services import (
    record_change,
    write_transaction,
)
from caseledger.retention.deadlines import dated_state
from caseledger.retention.errors import Held
from caseledger.retention.models import (
    Action,
    LifecycleState,
    RecordRetention,
    RetentionSchedule,
)


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
    chosen_action = _chosen_action(schedule, action)
    record_type = schedule.record_kind
    records = None if records is None else list(records)
    _recheck_deadlines(actor, schedule, records)
    with write_transaction():
        due = RecordRetention.objects.filter(
            record_type=record_type, schedule__code=schedule.code, state=LifecycleState.DUE
        )
        if records is not None:
            ids, left_out = _named_due(due, schedule, record_type, records)
        else:
            ids, left_out = _every_unheld_due(due, record_type)
        if not ids:
            raise ValidationFailed(
                _("no due, unheld records under schedule %(schedule_code)s")
                % {"schedule_code": schedule.code},
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
        _add_items(batch, record_type, ids)
        RecordRetention.objects.filter(record_type=record_type, record_id__in=ids).update(
            state=LifecycleState.IN_REVIEW
        )
        journal_batch(
            actor,
            batch,
            DispositionAction.PROPOSE,
            reason=batch.reason,
            extra={"records": len(ids), "left_out": left_out} if left_out else None,
        )
    return batch


def _chosen_action(schedule: RetentionSchedule, action: str) -> str:
    """The action a proposal takes: the schedule's, or the one chosen when the schedule says
    review. Records of a kind other than case and customer go with their case."""
    if schedule.action == Action.REVIEW:
        if action not in BatchAction.values:
            raise ValidationFailed(
                _("schedule %(schedule_code)s says review: choose destroy or anonymize")
                % {"schedule_code": schedule.code},
                field="action",
                code="required",
            )
    elif action and action != schedule.action:
        raise ValidationFailed(
            _("schedule %(schedule_code)s says %(schedule_action)s, not %(action)s")
            % {
                "schedule_code": schedule.code,
                "schedule_action": choice_word(schedule, "action"),
                "action": value_word(BatchAction, action),
            },
            field="action",
            code="invalid_choice",
        )
    if schedule.record_kind not in ("case", "customer"):
        raise ValidationFailed(
            _("records of kind %(record_type)s are disposed of with their case")
            % {"record_type": record_word(schedule.record_kind)},
            field="schedule",
            code="invalid",
        )
    return action or schedule.action


def _recheck_deadlines(actor: User, schedule: RetentionSchedule, records: Any) -> None:
    """The candidates' deadlines computed again from the records before any is proposed:
    the stored deadline is derived data, and one written straight into the database must
    not put a record up for destruction (retention.services.recompute_records). The
    schedules that compute it must be as journaled: one shortened in the database (or an
    older version made current) stops every proposal."""
    from caseledger.retention.reconciled import unjournaled_schedules
    from caseledger.retention.services import governing_schedules, recompute_records

    forged = unjournaled_schedules(governing_schedules())
    if forged:
        raise Conflict(
            _(
                "retention schedule %(schedule_code)s differs from its journal: it was changed "
                "outside caseledger, so nothing is proposed under any schedule (run "
                "`caseledger journal verify --records`)"
            )
            % {"schedule_code": forged[0].code},
            field="schedule",
            code="unjournaled",
        )
    ids: Any
    if records is not None:
        ids = parse_ids(records, schedule.record_kind)
    else:
        ids = RecordRetention.objects.filter(
            record_type=schedule.record_kind,
            schedule__code=schedule.code,
            # Held too: a hold released since the last recompute leaves its records due.
            state__in=(LifecycleState.DUE, LifecycleState.HELD),
        ).values("record_id")
    recompute_records(actor=actor, record_type=schedule.record_kind, where=Q(pk__in=ids))


def _named_due(
    due: Any, schedule: RetentionSchedule, record_type: str, records: Iterable[Any]
) -> tuple[list[int], dict[str, int]]:
    """The records named, each of them due, unheld and in no open batch, or a refusal that
    names the first that is not; nothing is left out."""
    wanted = parse_ids(records, record_type)
    if not wanted:
        raise ValidationFailed(_("name at least one record"), field="records", code="required")
    # Holds first: the daily recompute marks a held record `held`, not `due`, so
    # asking due-ness first would refuse it as "not due" and hide the matter.
    held = sorted(held_ids(record_type, wanted))
    if held:
        raise Held(
            _(
                "%(record_type)s %(record_id)s is under legal hold: %(holds)s. It "
                "cannot be disposed of until the hold is released."
            )
            % {
                "record_type": record_word(record_type),
                "record_id": held[0],
                "holds": hold_names(holds_of(record_type, held[0])),
            },
            field="records",
        )
    due_ids = set(due.filter(record_id__in=wanted).values_list("record_id", flat=True))
    not_due = [i for i in wanted if i not in due_ids]
    if not_due:
        raise ValidationFailed(
            _("not due under schedule %(schedule_code)s: %(not_due)s")
            % {"schedule_code": schedule.code, "not_due": ", ".join(map(str, not_due))},
            field="records",
            code="not_due",
        )
    busy = sorted(in_open_batch(record_type, wanted))
    if busy:
        raise Conflict(
            _("already in an open disposition batch: %(busy)s")
            % {"busy": ", ".join(map(str, busy))},
            field="records",
        )
    return wanted, {}


def _every_unheld_due(due: Any, record_type: str) -> tuple[list[int], dict[str, int]]:
    """Every due record that is neither held nor in an open batch, and how many were left
    out for each of those reasons."""
    all_due = sorted(due.values_list("record_id", flat=True))
    held_set = held_ids(record_type, all_due)
    busy_set = in_open_batch(record_type, all_due)
    ids = [i for i in all_due if i not in held_set and i not in busy_set]
    return ids, {"held": len(held_set), "in_open_batch": len(busy_set - held_set)}


def _add_items(batch: DispositionBatch, record_type: str, ids: list[int]) -> None:
    """One pending item per record, labelled and dated from the record itself."""
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


def disposition_approve(
    *, actor: User, batch: DispositionBatch, reason: str = ""
) -> DispositionBatch:
    with write_transaction():
        batch = lock_batch(batch)
        require_reviewer(actor, batch)
        if batch.status != BatchStatus.PROPOSED:
            raise Conflict(
                _("batch %(batch_id)s is %(batch_status)s, not proposed")
                % {"batch_id": batch.pk, "batch_status": choice_word(batch)},
                field="status",
            )
        if not batch.items.filter(status=ItemStatus.PENDING).exists():
            raise Conflict(
                _("batch %(batch_id)s has no records left to dispose of") % {"batch_id": batch.pk},
                field="items",
            )
        before = batch_state(batch)
        batch.status = BatchStatus.APPROVED
        batch.approved_by = actor
        batch.approved_at = clock.now()
        batch.decision_reason = (reason or "").strip()
        batch.save(update_fields=["status", "approved_by", "approved_at", "decision_reason"])
        journal_batch(actor, batch, DispositionAction.APPROVE, before, batch.decision_reason)
    return batch


def disposition_reject(*, actor: User, batch: DispositionBatch, reason: str) -> DispositionBatch:
    if not (reason or "").strip():
        raise ValidationFailed(_("a reason is required to reject"), field="reason", code="required")
    with write_transaction():
        batch = lock_batch(batch)
        require_reviewer(actor, batch)
        if batch.status not in (BatchStatus.PROPOSED, BatchStatus.APPROVED):
            raise Conflict(
                _("batch %(batch_id)s is %(batch_status)s; it cannot be rejected")
                % {"batch_id": batch.pk, "batch_status": choice_word(batch)},
                field="status",
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
        journal_batch(actor, batch, DispositionAction.REJECT, before, batch.decision_reason)
    return batch


def _require_extender(actor: User, record_type: str, record_id: int) -> None:
    """The record exists, and the actor may propose dispositions or approve them in its
    department."""
    model = Case if record_type == "case" else Customer
    record = model.objects.filter(pk=record_id).first()
    if record is None:
        raise ValidationFailed(
            _("no such %(record_type)s: %(record_id)s")
            % {"record_type": record_word(record_type), "record_id": record_id},
            field="record_id",
            code="not_found",
        )
    if not (
        can(actor, Perm.DISPOSITION_PROPOSE)
        or can(actor, Perm.DISPOSITION_APPROVE, record.department_id)
    ):
        refuse(actor, Perm.DISPOSITION_APPROVE, record.department_id)


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
    due_on = _extension_date(record_type, due_on, reason)
    _require_extender(actor, record_type, record_id)
    with write_transaction():
        retention = (
            RecordRetention.objects.select_for_update()
            .filter(record_type=record_type, record_id=record_id)
            .first()
        )
        if retention is None or retention.due_on is None:
            raise Conflict(
                _("%(record_type)s %(record_id)s has no due date to extend")
                % {"record_type": record_word(record_type), "record_id": record_id},
                field="due_on",
            )
        if due_on <= retention.due_on:
            raise ValidationFailed(
                _("the new due date must be after the current one (%(retention_due_on)s)")
                % {"retention_due_on": retention.due_on},
                field="due_on",
            )
        batch = _leave_batch(batch, record_type, record_id, due_on, reason)
        extension = DispositionExtension.objects.create(
            record_type=record_type,
            record_id=record_id,
            due_on=due_on,
            reason=reason.strip(),
            batch=batch,
            extended_by=actor,
            extended_at=clock.now(),
        )
        record_change(
            actor=actor,
            action=DispositionAction.EXTEND,
            object_type=record_type,
            object_id=str(record_id),
            after=model_state(extension),
            changes=_move_due_date(retention, due_on),
            reason=extension.reason,
        )
    return extension


def _extension_date(record_type: str, due_on: dt.date | str, reason: str) -> dt.date:
    """The new due date of an extension, checked with its record type and reason."""
    if record_type not in ("case", "customer"):
        raise ValidationFailed("record type must be case or customer", field="record_type")
    if isinstance(due_on, str):
        try:
            due_on = dt.date.fromisoformat(due_on)
        except ValueError as exc:
            raise ValidationFailed(
                _("%(due_on)r is not a date (YYYY-MM-DD)") % {"due_on": due_on},
                field="due_on",
                code="invalid",
            ) from exc
    if not (reason or "").strip():
        raise ValidationFailed("a reason is required to extend", field="reason", code="required")
    if due_on <= local_today():
        raise ValidationFailed("the new due date must be after today", field="due_on")
    return due_on


def _leave_batch(
    batch: DispositionBatch | None,
    record_type: str,
    record_id: int,
    due_on: dt.date,
    reason: str,
) -> DispositionBatch | None:
    """Within a batch (locked, returned), the extended record's pending item is marked
    extended; outside one, a record in an open batch is refused (extend it there)."""
    if batch is not None:
        batch = lock_batch(batch)
        if batch.status not in (BatchStatus.PROPOSED, BatchStatus.APPROVED):
            raise Conflict(
                _("batch %(batch_id)s is %(batch_status)s")
                % {"batch_id": batch.pk, "batch_status": choice_word(batch)},
                field="batch",
            )
        updated = batch.items.filter(
            record_type=record_type, record_id=record_id, status=ItemStatus.PENDING
        ).update(status=ItemStatus.EXTENDED, note=f"extended to {due_on}: {reason.strip()}")
        if not updated:
            raise ValidationFailed(
                _("%(record_type)s %(record_id)s is not a pending record of batch %(batch_id)s")
                % {
                    "record_type": record_word(record_type),
                    "record_id": record_id,
                    "batch_id": batch.pk,
                },
                field="record_id",
            )
    else:
        busy = in_open_batch(record_type, [record_id])
        if busy:
            raise Conflict(
                _("%(record_type)s %(record_id)s is in an open batch; extend it there")
                % {"record_type": record_word(record_type), "record_id": record_id},
                field="batch",
            )
    return batch


def _move_due_date(retention: RecordRetention, due_on: dt.date) -> dict[str, list[Any]]:
    """Set the record's new due date (and the state it gives, unless held or unscheduled);
    the fields that changed, as [before, after]."""
    before = {"due_on": plain(retention.due_on), "state": retention.state}
    retention.due_on = due_on
    if retention.state not in (LifecycleState.HELD, LifecycleState.UNSCHEDULED):
        retention.state = dated_state(due_on, local_today())
    retention.save(update_fields=["due_on", "state"])
    after = {"due_on": plain(due_on), "state": retention.state}
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}
