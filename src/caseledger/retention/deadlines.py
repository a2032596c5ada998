"""Which schedule governs a record, and when it falls due. Pure functions of the record,
the schedules and the day; retention_recompute stores what they say.

Rules (docs/adr/0007-retention-and-holds.md):
- a schedule matches when each of its non-empty criteria matches (case kind, category,
  risk class = the case's severity, tags all on the customer); industry is informative;
- triggers: the latest of the schedule's trigger dates starts the clock; if any of them
  has not happened yet (case still open, relationship not ended, no warranty date) the
  record is *pending*;
- when several schedules match, the one keeping the record longest governs (pending
  counts as longest): a wrong choice then keeps too long, never disposes too early.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from caseledger.cases.models import Case
from caseledger.customers.models import Customer
from caseledger.retention.models import LifecycleState, RetentionSchedule

DUE_SOON_DAYS = 30


def add_period(day: dt.date, years: int, months: int, days: int) -> dt.date:
    month_index = day.month - 1 + months + 12 * years
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=days)


def _local(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def trigger_date(record: Case | Customer, trigger: str) -> dt.date | None:
    customer = record.customer if isinstance(record, Case) else record
    if trigger == "created":
        return _local(record.received_at if isinstance(record, Case) else record.created_at)
    if trigger == "case_closed":
        return _local(record.closed_at) if isinstance(record, Case) else None
    if trigger == "relationship_ended":
        return customer.relationship_ended_on
    if trigger == "last_activity":
        return _local(record.updated_at)
    return None  # contract_end, warranty_end: not recorded yet


def matches(schedule: RetentionSchedule, record: Case | Customer) -> bool:
    if isinstance(record, Case):
        if schedule.record_kind != "case":
            return False
        for attr, value in (
            ("kind", schedule.case_kind),
            ("category", schedule.category),
            ("severity", schedule.risk_class),
        ):
            if value and getattr(record, attr) != value:
                return False
        customer = record.customer
    else:
        if schedule.record_kind != "customer":
            return False
        if schedule.case_kind or schedule.category or schedule.risk_class:
            return False
        customer = record
    return set(schedule.tags or []) <= set(customer.tags or [])


@dataclass(frozen=True)
class Deadline:
    schedule: RetentionSchedule | None
    trigger_on: dt.date | None
    due_on: dt.date | None
    state: str


def _one(schedule: RetentionSchedule, record: Case | Customer) -> tuple[dt.date | None, ...]:
    dates = [trigger_date(record, t) for t in schedule.triggers]
    if not dates or any(d is None for d in dates):
        return (None, None)
    start = max(d for d in dates if d is not None)
    return (
        start,
        add_period(start, schedule.period_years, schedule.period_months, schedule.period_days),
    )


def restricted(record: Case | Customer) -> bool:
    """Restricted under PIPL Art 47, itself or (a case) through its customer."""
    if record.restricted_at is not None:
        return True
    return isinstance(record, Case) and record.customer.restricted_at is not None


def deadline(
    record: Case | Customer,
    schedules: Iterable[RetentionSchedule],
    *,
    on: dt.date,
    held: bool,
    erasure_on: dt.date | None = None,
) -> Deadline:
    """`erasure_on`: a completed deletion request found no legal period running, so an
    unscheduled record falls due that day; a schedule, when one matches, still governs."""
    best: tuple[RetentionSchedule, dt.date | None, dt.date | None] | None = None
    for schedule in schedules:
        if not matches(schedule, record):
            continue
        start, due = _one(schedule, record)
        if best is None or _keeps_longer(due, best[2]):
            best = (schedule, start, due)
    if best is None and erasure_on is None:
        return Deadline(None, None, None, LifecycleState.UNSCHEDULED)
    governing: RetentionSchedule | None = best[0] if best is not None else None
    start, due = (best[1], best[2]) if best is not None else (None, erasure_on)
    if held:
        state = LifecycleState.HELD
    elif due is None:
        state = LifecycleState.RESTRICTED if restricted(record) else LifecycleState.PENDING
    elif due <= on:
        state = LifecycleState.DUE  # a restriction ends with the legal period it served
    elif restricted(record):
        state = LifecycleState.RESTRICTED
    elif due <= on + dt.timedelta(days=DUE_SOON_DAYS):
        state = LifecycleState.DUE_SOON
    else:
        state = LifecycleState.ACTIVE
    return Deadline(governing, start, due, state)


def _keeps_longer(due: dt.date | None, than: dt.date | None) -> bool:
    if than is None:
        return False
    return due is None or due > than
