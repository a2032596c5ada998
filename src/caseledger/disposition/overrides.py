"""What the deadline recompute must honour from disposition: a reviewer's extension, a
record in an open batch (in review), a record already anonymized (disposed). Called by
retention.services.recompute_batch for each batch of records it rewrites."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from caseledger.retention.deadlines import dated_state
from caseledger.retention.models import LifecycleState

_KEEP = (LifecycleState.HELD, LifecycleState.UNSCHEDULED, LifecycleState.RESTRICTED)


def adjusters(
    record_type: str, record_ids: list[int], on: dt.date
) -> dict[int, Callable[[dict[str, Any]], None]]:
    """For each record with something to honour, a function that corrects its computed
    values (`due_on`, `state`) in place."""
    from caseledger.disposition.models import (
        OPEN_STATUSES,
        BatchAction,
        DispositionExtension,
        DispositionItem,
        ItemStatus,
    )

    extended: dict[int, dt.date] = {}
    for record_id, due_on in (
        DispositionExtension.objects.filter(record_type=record_type, record_id__in=record_ids)
        .order_by("record_id", "extended_at", "id")
        .values_list("record_id", "due_on")
    ):
        extended[record_id] = due_on  # the latest one wins
    in_review = set(
        DispositionItem.objects.filter(
            record_type=record_type,
            record_id__in=record_ids,
            status=ItemStatus.PENDING,
            batch__status__in=OPEN_STATUSES,
        ).values_list("record_id", flat=True)
    )
    anonymized = set(
        DispositionItem.objects.filter(
            record_type=record_type,
            record_id__in=record_ids,
            status=ItemStatus.DONE,
            batch__action=BatchAction.ANONYMIZE,
        ).values_list("record_id", flat=True)
    )
    found: dict[int, Callable[[dict[str, Any]], None]] = {}
    for record_id in set(extended) | in_review | anonymized:

        def adjust(values: dict[str, Any], record_id: int = record_id) -> None:
            if values["state"] in _KEEP:
                return
            if record_id in anonymized:
                values["state"] = LifecycleState.DISPOSED
                return
            new_due = extended.get(record_id)
            if new_due is not None and values["due_on"] is not None and new_due > values["due_on"]:
                values["due_on"] = new_due
                values["state"] = dated_state(new_due, on)
            if record_id in in_review:
                values["state"] = LifecycleState.IN_REVIEW

        found[record_id] = adjust
    return found


def retention_overrides(batch: Any, on: dt.date) -> dict[int, Callable[[dict[str, Any]], None]]:
    """retention.sweep.overrides, answered here (registered in apps.py, ADR 0010): the
    records of this sweep batch (a retention.sweep.Batch) that an extension or a pending
    disposition item adjusts."""
    from caseledger.disposition.models import DispositionExtension, DispositionItem

    pks = set(batch.pks)
    candidates: set[int] = set()
    for model in (DispositionExtension, DispositionItem):
        candidates |= pks.intersection(
            model.objects.filter(
                batch.within("record_id"), record_type=batch.record_type
            ).values_list("record_id", flat=True)
        )
    return adjusters(batch.record_type, sorted(candidates), on) if candidates else {}
