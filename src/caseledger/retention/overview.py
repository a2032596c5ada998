"""What the retention console shows beyond the counts: when records fall due, month by
month, and which records no schedule governs. Read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.customers.models import Customer
from caseledger.retention.deadlines import add_period
from caseledger.retention.models import LifecycleState, RecordRetention
from caseledger.retention.restriction import hide_restricted

# Records past disposition, or with no deadline at all, have no month to fall due in.
_NO_DUE_MONTH = (LifecycleState.DISPOSED, LifecycleState.UNSCHEDULED)


@dataclass(frozen=True)
class DueMonth:
    month: dt.date | None  # None: already due before this month
    cases: int
    customers: int

    @property
    def total(self) -> int:
        return self.cases + self.customers


def due_by_month(
    *, actor: User | None, on: dt.date | None = None, months: int = 12
) -> list[DueMonth]:
    """Records by the month their retention ends: everything already past due before this
    month in one row, then this month and the next `months - 1`."""
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    today = on or timezone.localdate(clock.now())
    first = today.replace(day=1)
    end = add_period(first, 0, months, 0)
    counted: dict[dt.date | None, dict[str, int]] = {None: {}}
    month = first
    while month < end:
        counted[month] = {}
        month = add_period(month, 0, 1, 0)
    rows = (
        RecordRetention.objects.filter(due_on__lt=end)
        .exclude(state__in=_NO_DUE_MONTH)
        .annotate(month=TruncMonth("due_on"))
        .values("month", "record_type")
        .annotate(n=Count("id"))
    )
    for row in rows:
        bucket = row["month"]
        if isinstance(bucket, dt.datetime):
            bucket = bucket.date()
        key = bucket if bucket is not None and bucket >= first else None
        counts = counted[key]
        counts[row["record_type"]] = counts.get(row["record_type"], 0) + row["n"]
    return [
        DueMonth(month=key, cases=c.get("case", 0), customers=c.get("customer", 0))
        for key, c in counted.items()
    ]


@dataclass(frozen=True)
class Unscheduled:
    total: int
    cases: list[Case]
    customers: list[Customer]


def unscheduled_records(*, actor: User | None, limit: int = 50) -> Unscheduled:
    """The records no schedule governs (never kept forever silently: they are listed here
    until a schedule covers them). Restricted ones only for those who may read them."""
    if actor is not None:
        require(actor, Perm.RETENTION_VIEW)
    base = RecordRetention.objects.filter(state=LifecycleState.UNSCHEDULED)
    found: dict[str, list[Any]] = {}
    for record_type, model in (("case", Case), ("customer", Customer)):
        ids = base.filter(record_type=record_type).order_by("record_id").values("record_id")
        qs = model.objects.filter(pk__in=ids).order_by("pk")
        found[record_type] = list(hide_restricted(qs, actor)[:limit])
    return Unscheduled(total=base.count(), cases=found["case"], customers=found["customer"])
