"""Every record's retention deadline after a demo load, fast. Dangerous module: it writes
RecordRetention past `retention_recompute`.

What it guarantees: the rows equal what `retention_recompute(on=...)` would write (same
schedule, version, trigger date, due date and state; tests/demo recompute after the demo
and find nothing to change), and each batch commits its rows with one `retention.recompute`
journal entry of the service's shape (record range, day, counts by state).

Why it exists: the service builds a model instance per record and asks every schedule
about it: 35 s for the 1.2 million records of `demo --cases 1000000`, this 24 s (and
less since it shares answers). Here the schedules are matched once per distinct (kind,
category, severity, customer tags) with the service's own `matches`, and a deadline comes
from the service's own `deadline`, given only the schedules that match and one reused
instance whose fields are set for the record, once per distinct set of inputs it reads.

It only fills an empty table; with deadlines already present it hands over to the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone

from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.customers.models import Customer
from caseledger.journal import bulk
from caseledger.journal.services import Change, append, write_transaction
from caseledger.retention import deadlines, holds
from caseledger.retention.models import HoldScope, LegalHold, RecordRetention, RetentionSchedule
from caseledger.retention.services import governing_schedules, retention_recompute

COLUMNS = (
    "record_type",
    "record_id",
    "schedule_id",
    "schedule_version",
    "trigger_on",
    "due_on",
    "state",
    "computed_at",
)
Progress = Callable[[int], None]


class _Matched:
    """The schedules matching one shape of record, one object per distinct set (records of
    different shapes that the same schedules govern share their answers), and which
    trigger dates they read."""

    def __init__(self, schedules: list[RetentionSchedule]) -> None:
        self.schedules = schedules
        triggers = {t for s in schedules for t in s.triggers}
        self.created = "created" in triggers
        self.closed = "case_closed" in triggers
        self.ended = "relationship_ended" in triggers
        self.active = "last_activity" in triggers


class _Matcher:
    """Which schedules can govern a record of a given shape, asked of the service's
    `deadlines.matches` once per shape."""

    def __init__(self, schedules: list[RetentionSchedule]) -> None:
        self.schedules = schedules
        self._cases: dict[tuple, _Matched] = {}
        self._customers: dict[tuple, _Matched] = {}
        self._sets: dict[tuple, _Matched] = {}
        # A schedule's tags must all be on the customer; other tags change no answer, so
        # shapes are told apart by the tags some schedule names (far fewer shapes).
        self.relevant = frozenset(t for s in schedules for t in s.tags or ())
        self.triggers = frozenset(t for s in schedules for t in s.triggers)

    def tags(self, tags: list | None) -> tuple:
        return tuple(sorted(self.relevant.intersection(tags or ())))

    def _interned(self, schedules: list[RetentionSchedule]) -> _Matched:
        key = tuple(s.pk for s in schedules)
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = _Matched(schedules)
        return found

    def case(self, kind: str, category: str, severity: str, tags: tuple) -> _Matched:
        key = (kind, category, severity, tags)  # tags: self.tags(...)
        found = self._cases.get(key)
        if found is None:
            probe = Case(kind=kind, category=category, severity=severity)
            probe.customer = Customer(tags=list(tags))
            found = self._cases[key] = self._interned(
                [s for s in self.schedules if deadlines.matches(s, probe)]
            )
        return found

    def customer(self, tags: tuple) -> _Matched:
        found = self._customers.get(tags)
        if found is None:
            probe = Customer(tags=list(tags))
            found = self._customers[tags] = self._interned(
                [s for s in self.schedules if deadlines.matches(s, probe)]
            )
        return found


def _pages(model: Any, fields: tuple[str, ...], size: int) -> Iterator[list[tuple]]:
    last = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:size]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def write_deadlines(
    *, on: dt.date | None = None, batch_size: int = 10_000, progress: Progress | None = None
) -> dict[str, int]:
    """Counts by lifecycle state, like retention_recompute's."""
    on = on or timezone.localdate(clock.now())
    if RecordRetention.objects.exists():
        return retention_recompute(actor=None, on=on, progress=progress)
    progress = progress or (lambda n: None)
    matcher = _Matcher(governing_schedules())
    counts: dict[str, int] = {}
    # What a case needs of its customer: tags, relationship end, restriction.
    people: dict[int, tuple[tuple, dt.date | None, dt.datetime | None]] = {}
    # Moments only some triggers read (deadlines.trigger_date): fetched when one is in use.
    created = "created" in matcher.triggers
    active = "last_activity" in matcher.triggers

    # Reused instances, their fields set per record; Any because a moment no trigger reads
    # is left None even where the column is not nullable.
    probe: Any = Customer()
    customer_fields = (
        "tags", "relationship_ended_on", "restricted_at",
        "created_at" if created else "pk", "updated_at" if active else "pk",
    )  # fmt: skip
    held_customers = _held_customers()
    # A deadline reads a moment only as a local day (deadlines.trigger_date): records alike
    # in schedules, days, relationship end, restriction and hold share one answer.
    zone = timezone.get_current_timezone()
    answers: dict[tuple, tuple] = {}

    def day(moment: dt.datetime | None) -> dt.date | None:
        return None if moment is None else moment.astimezone(zone).date()

    for rows in _pages(Customer, customer_fields, batch_size):
        out = []
        for pk, tags, ended, restricted, created_at, updated_at in rows:
            tag_key = matcher.tags(tags)
            people[pk] = (tag_key, ended, restricted)
            matched = matcher.customer(tag_key)
            held = pk in held_customers
            key: tuple = (
                matched, ended if matched.ended else None,
                day(created_at) if matched.created else None,
                day(updated_at) if matched.active else None, restricted is None, held,
            )  # fmt: skip
            answer = answers.get(key)
            if answer is None:
                probe.pk, probe.tags, probe.relationship_ended_on = pk, list(tag_key), ended
                probe.restricted_at = restricted
                probe.created_at = created_at if created else None
                probe.updated_at = updated_at if active else None
                found = deadlines.deadline(probe, matched.schedules, on=on, held=held)
                answer = answers[key] = _row("customer", pk, found)[2:]
            out.append(("customer", pk, *answer))
        _write("customer", out, on, counts)
        progress(len(rows))

    case: Any = Case()
    owner = Customer()
    case.customer = owner
    case_fields = (
        "kind", "category", "severity", "customer_id", "restricted_at",
        "received_at" if created else "pk", "closed_at", "updated_at" if active else "pk",
    )  # fmt: skip
    held_cases = _held_cases()
    answers.clear()  # a million cases have some tens of thousands of answers
    for rows in _pages(Case, case_fields, batch_size):
        out = []
        for pk, kind, category, severity, customer_id, restricted, *moments in rows:
            tag_key, ended, customer_restricted = people[customer_id]
            matched = matcher.case(kind, category, severity, tag_key)
            held = pk in held_cases
            key = (
                matched, day(moments[1]) if matched.closed else None,
                day(moments[0]) if matched.created else None,
                day(moments[2]) if matched.active else None,
                ended if matched.ended else None, restricted is None,
                customer_restricted is None, held,
            )  # fmt: skip
            answer = answers.get(key)
            if answer is None:
                owner.tags, owner.relationship_ended_on = list(tag_key), ended
                owner.restricted_at = customer_restricted
                case.pk, case.kind, case.category, case.severity = pk, kind, category, severity
                case.restricted_at = restricted
                case.closed_at = moments[1]
                case.received_at = moments[0] if created else None
                case.updated_at = moments[2] if active else None
                found = deadlines.deadline(case, matched.schedules, on=on, held=held)
                answer = answers[key] = _row("case", pk, found)[2:]
            out.append(("case", pk, *answer))
        _write("case", out, on, counts)
        progress(len(rows))
    return counts


def _held_cases() -> set[int]:
    """holds.held_case_ids asks three joined questions of every case it is given (about
    10 µs a case). Given only the cases some active hold names, names the customer of, or
    whose saved filter matches (each one cheap query), it gives the same answer."""
    active = holds.active_holds()
    named = LegalHold.cases.through.objects.filter(legalhold__in=active)
    candidates = set(named.values_list("case_id", flat=True))
    customers = LegalHold.customers.through.objects.filter(legalhold__in=active)
    candidates |= set(
        Case.objects.filter(
            customer_id__in=customers.values_list("customer_id", flat=True)
        ).values_list("pk", flat=True)
    )
    for hold in active.filter(scope=HoldScope.FILTER):
        matching = Case.objects.filter(holds.filter_q(hold.case_filter))
        candidates |= set(matching.values_list("pk", flat=True))
    ids = sorted(candidates)
    held: set[int] = set()
    for start in range(0, len(ids), 5000):
        held |= holds.held_case_ids(ids[start : start + 5000])
    return held


def _held_customers() -> set[int]:
    active = holds.active_holds()
    named = LegalHold.customers.through.objects.filter(legalhold__in=active)
    ids = sorted(set(named.values_list("customer_id", flat=True)))
    held: set[int] = set()
    for start in range(0, len(ids), 5000):
        held |= holds.held_customer_ids(ids[start : start + 5000])
    return held


def _row(record_type: str, pk: int, found: deadlines.Deadline) -> tuple:
    schedule = found.schedule
    return (
        record_type,
        pk,
        schedule.pk if schedule else None,
        schedule.version if schedule else None,
        found.trigger_on.isoformat() if found.trigger_on else None,
        found.due_on.isoformat() if found.due_on else None,
        str(found.state),
    )


def _write(record_type: str, rows: list[tuple], on: dt.date, counts: dict[str, int]) -> None:
    stamp = bulk.db_time(clock.now())
    batch: dict[str, int] = {}
    for row in rows:
        batch[row[6]] = batch.get(row[6], 0) + 1
    with write_transaction():
        bulk.insert_rows(RecordRetention, COLUMNS, [(*row, stamp) for row in rows])
        append(
            actor=None,
            change=Change(
                action="retention.recompute",
                object_type="retention_batch",
                object_id=f"{record_type}:{rows[0][1]}-{rows[-1][1]}",
                state=None,
                extra={"on": on.isoformat(), "records": len(rows), "states": batch},
            ),
        )
    for state, n in batch.items():
        counts[state] = counts.get(state, 0) + n
