"""Which schedule governs a record, and when it falls due. Pure functions of the record,
the schedules and the day: `deadline` for one model instance (the rules written plainly),
`Engine` for plain rows by the million (what retention_plan counts and retention_recompute
stores, fed by retention.sweep); tests/retention/test_deadlines_engine.py holds the two to
the same answers.

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
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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


def dated_state(due_on: dt.date, on: dt.date) -> str:
    """The state a due date alone gives on `on` (no hold, no restriction): due, due soon
    or active. Disposition extensions use it for the new date they set."""
    if due_on <= on:
        return LifecycleState.DUE
    if due_on <= on + dt.timedelta(days=DUE_SOON_DAYS):
        return LifecycleState.DUE_SOON
    return LifecycleState.ACTIVE


def _keeps_longer(due: dt.date | None, than: dt.date | None) -> bool:
    if than is None:
        return False
    return due is None or due > than


# ---- the engine: the same rules over plain rows, for a million records -----------------
#
# `deadline` above is the rules written out plainly (and what single records use). The
# engine below gives the same answers for rows of plain values: the schedules are matched
# once per record shape (kind, category, severity, the customer tags some schedule names),
# periods are added once per start day, and UTC moments become local days by an offset
# looked up once per UTC day. tests/retention/test_deadlines_engine.py holds it to `deadline`.

# The columns of a case row, in order (the last three its customer's); a moment no
# governing trigger reads is fetched as the (cheap) primary key and never looked at.
CASE_FIELDS = ("pk", "kind", "category", "severity", "restricted_at", "customer_id")
CUSTOMER_ID = 5
CASE_MOMENTS = (
    ("created", "received_at"),
    ("case_closed", "closed_at"),
    ("last_activity", "updated_at"),
)
CASE_CUSTOMER = ("customer__tags", "customer__relationship_ended_on", "customer__restricted_at")
CUSTOMER_FIELDS = ("pk", "tags", "relationship_ended_on", "restricted_at")
CUSTOMER_MOMENTS = (("created", "created_at"), ("last_activity", "updated_at"))


_UNKNOWN: Any = object()


class LocalDays:
    """A moment's local day (timezone.localdate), cheaply: the zone's offset is looked up
    once per day of the moment's own zone (a naive moment is UTC, as SQLite returns them).
    A day in which the offset changes (a DST switch) is converted moment by moment."""

    def __init__(self, zone: dt.tzinfo | None = None) -> None:
        self.zone = zone or timezone.get_current_timezone()
        self._shift: dict[tuple[dt.date, dt.tzinfo | None], dt.timedelta | None] = {}

    def __call__(self, moment: dt.datetime | None) -> dt.date | None:
        if moment is None:
            return None
        key = (moment.date(), moment.tzinfo)
        shift = self._shift.get(key, _UNKNOWN)
        if shift is _UNKNOWN:
            shift = self._shift[key] = self._day_shift(moment)
        if shift is None:
            return self._aware(moment).astimezone(self.zone).date()
        return (moment.replace(tzinfo=None) + shift).date()

    @staticmethod
    def _aware(moment: dt.datetime) -> dt.datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

    def _day_shift(self, moment: dt.datetime) -> dt.timedelta | None:
        """Local wall time minus the moment's own wall time, if the same all day."""
        first = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        last = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
        shifts = {
            self._aware(m).astimezone(self.zone).replace(tzinfo=None) - m.replace(tzinfo=None)
            for m in (first, moment, last)
        }
        return shifts.pop() if len(shifts) == 1 else None


@dataclass(frozen=True)
class _Rule:
    schedule: RetentionSchedule
    triggers: tuple[str, ...]
    period: tuple[int, int, int]


class Engine:
    """`deadline` for plain rows: `case(row, ...)` for a row of `case_fields()`,
    `customer(row, ...)` for a row of `customer_fields()`; the same schedules, in the same
    order (ties go to the earlier schedule, as in `deadline`)."""

    def __init__(self, schedules: Iterable[RetentionSchedule], *, on: dt.date) -> None:
        self.on = on
        self.soon = on + dt.timedelta(days=DUE_SOON_DAYS)
        rules = [
            _Rule(s, tuple(s.triggers or ()), (s.period_years, s.period_months, s.period_days))
            for s in schedules
        ]
        self._case_rules = [r for r in rules if r.schedule.record_kind == "case"]
        self._customer_rules = [
            r
            for r in rules
            if r.schedule.record_kind == "customer"
            and not (r.schedule.case_kind or r.schedule.category or r.schedule.risk_class)
        ]
        # Tags no schedule names change no match: shapes differ only by the named ones.
        self._named_tags = frozenset(t for r in rules for t in r.schedule.tags or ())
        self.case_triggers = frozenset(t for r in self._case_rules for t in r.triggers)
        self.customer_triggers = frozenset(t for r in self._customer_rules for t in r.triggers)
        self.local = LocalDays()
        self._tag_keys: dict[str | tuple, frozenset[str]] = {}
        self._matched: dict[tuple, tuple[_Rule, ...]] = {}
        self._due: dict[tuple[dt.date, tuple[int, int, int]], dt.date] = {}

    # -- what to fetch

    def case_fields(self) -> tuple[str, ...]:
        """CASE_FIELDS, received_at, closed_at, updated_at, then the customer's tags,
        relationship_ended_on and restricted_at."""
        moments = tuple(c if t in self.case_triggers else "pk" for t, c in CASE_MOMENTS)
        tags, ended, restricted = CASE_CUSTOMER
        return (
            *CASE_FIELDS,
            *moments,
            tags if self._named_tags else "pk",
            ended if "relationship_ended" in self.case_triggers else "pk",
            restricted,
        )

    def customer_fields(self) -> tuple[str, ...]:
        """CUSTOMER_FIELDS, created_at, updated_at."""
        moments = tuple(c if t in self.customer_triggers else "pk" for t, c in CUSTOMER_MOMENTS)
        return (*CUSTOMER_FIELDS, *moments)

    def tag_key(self, tags: str | list[str] | None) -> frozenset[str]:
        """A customer's tags (a list, or its JSON text) as far as matching goes."""
        if not tags or not self._named_tags:
            return frozenset()
        raw = tags if isinstance(tags, str) else tuple(tags)
        key = self._tag_keys.get(raw)
        if key is None:
            named = json.loads(raw) if isinstance(raw, str) else raw
            key = self._tag_keys[raw] = self._named_tags.intersection(named or ())
        return key

    # -- deadlines

    def case(self, row: tuple, *, held: bool, erasure_on: dt.date | None = None) -> Deadline:
        """`row`: the values of `case_fields()`."""
        (_pk, kind, category, severity, restricted_at, _customer_id, received, closed, updated,
         tags, ended, customer_restricted) = row  # fmt: skip
        tags = self.tag_key(tags) if self._named_tags else frozenset()
        key = ("case", kind, category, severity, tags)
        rules = self._matched.get(key)
        if rules is None:
            rules = self._matched[key] = self._match_case(kind, category, severity, tags)
        return self._decide(
            rules,
            {"created": received, "case_closed": closed, "last_activity": updated},
            ended,
            held=held,
            restricted=restricted_at is not None or customer_restricted is not None,
            erasure_on=erasure_on,
        )

    def customer(self, row: tuple, *, held: bool, erasure_on: dt.date | None = None) -> Deadline:
        """`row`: the values of `customer_fields()`."""
        _pk, tags, ended, restricted_at, created, updated = row
        key = ("customer", self.tag_key(tags))
        rules = self._matched.get(key)
        if rules is None:
            rules = self._matched[key] = tuple(
                r for r in self._customer_rules if set(r.schedule.tags or ()) <= key[1]
            )
        return self._decide(
            rules,
            {"created": created, "last_activity": updated},
            ended,
            held=held,
            restricted=restricted_at is not None,
            erasure_on=erasure_on,
        )

    def _match_case(self, kind: str, category: str, severity: str, tags: frozenset[str]):
        found = []
        for r in self._case_rules:
            s = r.schedule
            if s.case_kind and s.case_kind != kind:
                continue
            if s.category and s.category != category:
                continue
            if s.risk_class and s.risk_class != severity:
                continue
            if set(s.tags or ()) <= tags:
                found.append(r)
        return tuple(found)

    def _decide(self, rules, moments, ended, *, held, restricted, erasure_on) -> Deadline:
        """`moments`: trigger → UTC moment (None: not happened); `ended`: the
        relationship's end day. Any other trigger has not happened."""
        best: _Rule | None = None
        best_start: dt.date | None = None
        best_due: dt.date | None = None
        days: dict[str, dt.date | None] = {}
        for rule in rules:
            if best is not None and best_due is None:
                break  # pending keeps longest; the first pending schedule governs
            start: dt.date | None = None
            for t in rule.triggers:
                day = days.get(t, _UNKNOWN)
                if day is _UNKNOWN:
                    day = ended if t == "relationship_ended" else self.local(moments.get(t))
                    days[t] = day
                if day is None:
                    start = None
                    break
                if start is None or day > start:
                    start = day
            due = self._add(start, rule.period) if start is not None else None
            if best is None or due is None or due > best_due:  # type: ignore[operator]
                best, best_start, best_due = rule, start, due
        if best is None and erasure_on is None:
            return Deadline(None, None, None, LifecycleState.UNSCHEDULED)
        if best is None:
            best_due = erasure_on
        if held:
            state = LifecycleState.HELD
        elif best_due is None:
            state = LifecycleState.RESTRICTED if restricted else LifecycleState.PENDING
        elif best_due <= self.on:
            state = LifecycleState.DUE
        elif restricted:
            state = LifecycleState.RESTRICTED
        elif best_due <= self.soon:
            state = LifecycleState.DUE_SOON
        else:
            state = LifecycleState.ACTIVE
        return Deadline(best.schedule if best else None, best_start, best_due, state)

    def _add(self, start: dt.date, period: tuple[int, int, int]) -> dt.date:
        key = (start, period)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = add_period(start, *period)
        return due
