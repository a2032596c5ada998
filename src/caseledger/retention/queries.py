"""Retention reads: holds, schedules, and deadline counts. Need retention.view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.retention.models import LegalHold, RecordRetention, RetentionSchedule


def hold_list(*, actor: User | None, active: bool | None = None) -> QuerySet[LegalHold]:
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    qs = LegalHold.objects.select_related("owner", "placed_by", "released_by")
    if active is True:
        qs = qs.filter(released_at__isnull=True)
    elif active is False:
        qs = qs.filter(released_at__isnull=False)
    return qs.order_by("-placed_at", "-id")


def hold_get(*, actor: User | None, hold_id: int | str) -> LegalHold:
    hold = hold_list(actor=actor).filter(pk=int(hold_id) if str(hold_id).isdigit() else -1)
    found = hold.first()
    if found is None:
        raise NotFound(f"hold {hold_id} does not exist", field="hold")
    return found


def schedule_list(
    *, actor: User | None, include_old_versions: bool = False
) -> QuerySet[RetentionSchedule]:
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    qs = RetentionSchedule.objects.select_related("owner")
    if not include_old_versions:
        qs = qs.filter(is_current=True)
    return qs.order_by("record_kind", "code", "-version")


def schedule_get(*, actor: User | None, code_or_id: str) -> RetentionSchedule:
    qs = schedule_list(actor=actor)
    text = str(code_or_id)
    found = (qs.filter(pk=text) if text.isdigit() else qs.filter(code=text)).first()
    if found is None:
        raise NotFound(f"schedule {code_or_id} does not exist", field="schedule")
    return found


def retention_counts(*, actor: User | None) -> dict[str, Any]:
    """Stored deadlines by state, and by schedule × action × state (the last recompute)."""
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    by_state: dict[str, int] = {}
    rows = []
    for r in (
        RecordRetention.objects.values("record_type", "schedule__code", "schedule__action", "state")
        .annotate(n=Count("id"))
        .order_by("record_type", "schedule__code", "state")
    ):
        by_state[r["state"]] = by_state.get(r["state"], 0) + r["n"]
        rows.append(
            {
                "record_type": r["record_type"],
                "schedule": r["schedule__code"],
                "action": r["schedule__action"],
                "state": r["state"],
                "records": r["n"],
            }
        )
    return {"by_state": by_state, "rows": rows}


def retention_plan(
    *, actor: User | None, on: dt.date | None = None, progress: Any = None
) -> dict[str, Any]:
    """What a recompute on `on` would say, computed in memory: counts by record type,
    schedule, action and state. Writes nothing."""
    from django.utils import timezone

    from caseledger.cases.models import Case
    from caseledger.core import clock
    from caseledger.customers.models import Customer
    from caseledger.retention import deadlines, holds
    from caseledger.retention.services import governing_schedules

    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    on = on or timezone.localdate(clock.now())
    schedules = governing_schedules()
    counts: dict[tuple[str, str, str, str], int] = {}
    by_state: dict[str, int] = {}
    sources: list[tuple[str, Any, Any]] = [
        ("case", Case.objects.select_related("customer"), holds.held_case_ids),
        ("customer", Customer.objects.all(), holds.held_customer_ids),
    ]
    for record_type, qs, held_ids in sources:
        last = 0
        while True:
            rows = list(qs.filter(pk__gt=last).order_by("pk")[:1000])
            if not rows:
                break
            last = rows[-1].pk
            held = held_ids([r.pk for r in rows])
            for record in rows:
                d = deadlines.deadline(record, schedules, on=on, held=record.pk in held)
                key = (
                    record_type,
                    d.schedule.code if d.schedule else "",
                    d.schedule.action if d.schedule else "",
                    d.state,
                )
                counts[key] = counts.get(key, 0) + 1
                by_state[d.state] = by_state.get(d.state, 0) + 1
            if progress:
                progress(len(rows))
    return {
        "on": on.isoformat(),
        "by_state": by_state,
        "rows": [
            {
                "record_type": k[0],
                "schedule": k[1] or None,
                "action": k[2] or None,
                "state": k[3],
                "records": n,
            }
            for k, n in sorted(counts.items())
        ],
    }
