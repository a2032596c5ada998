"""The stored copy of the clocks: CaseClock rows (one per clock) and a CaseDue row per case
(its next due time and whether it is breached), what the case list sorts and filters by and
what the sweep acts on. Derived from the journal like an index, so not journaled itself.

Written a batch of cases at a time from one journal read (`recompute`), and moved on with
time by two UPDATEs over indexed moments (`advance`): a running clock turns "due soon" at
its stored `soon_at` and "breached" at its `due_at` unless an event changes it, and any
event is in the journal, which the sweep reads from where it stopped.

Every write here calls the hook CLOCKS_STORED with the ids of the cases whose clock rows it
rewrote or moved, inside the same transaction: higher floors that count clock states
(insights' SLA tally) follow without this floor importing them, and without a scan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from caseledger.cases.models import Case
from caseledger.core import hooks
from caseledger.journal.queries import histories
from caseledger.journal.services import write_transaction
from caseledger.workflow.clocks.compute import Clock, replay
from caseledger.workflow.clocks.queries import ClockContext
from caseledger.workflow.models import CaseClock, CaseDue, ClockState

SOON, BREACHED = ClockState.SOON.value, ClockState.BREACHED.value
# hook: fn(case_ids: list[int]) -> None, called inside the writing transaction after the
# CaseClock rows of those cases changed (insights registers its SLA tally).
CLOCKS_STORED = "workflow.clocks_stored"


def _stored(case_ids: Iterable[int]) -> None:
    ids = sorted(set(case_ids))
    if ids:
        for then in hooks.all_of(CLOCKS_STORED):
            then(ids)


def summary(clocks: Sequence[Any]) -> tuple[dt.datetime | None, str, bool]:
    """(next due, its state, any breached) of a case's clocks (Clock or CaseClock): the
    soonest running clock with a due time; without one, paused, breached or met."""
    running = [c for c in clocks if c.stopped_at is None and c.due_at is not None]
    breached = any(c.state == BREACHED for c in clocks)
    if running:
        first = min(running, key=lambda c: (c.due_at, c.kind))
        return first.due_at, first.state, breached
    if any(c.state == ClockState.PAUSED for c in clocks):
        return None, ClockState.PAUSED.value, breached
    return None, (BREACHED if breached else ClockState.MET.value), breached


def _due_row(case_id: int, clocks: Sequence[Any]) -> CaseDue:
    due_at, state, breached = summary(clocks)
    return CaseDue(case_id=case_id, due_at=due_at, state=state, breached=breached)


def store_clocks(computed: dict[int, list[Clock]], now: dt.datetime) -> None:
    """Replace the stored clocks of these cases with `computed` (case id → clocks)."""
    ids = list(computed)
    rows = [
        CaseClock(
            case_id=case_id,
            kind=c.kind,
            due_at=c.due_at,
            soon_at=c.soon_at,
            stopped_at=c.stopped_at,
            state=c.state,
            computed_at=now,
        )
        for case_id, clocks in computed.items()
        for c in clocks
    ]
    dues = [_due_row(case_id, clocks) for case_id, clocks in computed.items() if clocks]
    with write_transaction():
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            CaseClock.objects.filter(case_id__in=part).delete()
            CaseDue.objects.filter(case_id__in=part).delete()
        CaseClock.objects.bulk_create(rows, batch_size=500)
        CaseDue.objects.bulk_create(dues, batch_size=500)
        _stored(ids)


def recompute(case_ids: Iterable[int], now: dt.datetime, context: ClockContext) -> int:
    """Replay and store the clocks of these cases (one journal query for all of them);
    entries after `now` are left out, as clocks_of does."""
    asked = list(case_ids)
    # A destroyed case (disposition) still has entries but no row: nothing to store.
    ids = sorted(Case.objects.filter(pk__in=asked).values_list("pk", flat=True))
    found = histories(f"case:{i}" for i in ids)
    computed = {}
    for case_id in ids:
        items = [e for e in found.get(f"case:{case_id}", ()) if e.at <= now]
        computed[case_id] = context.compute(replay(items), now)
    store_clocks(computed, now)
    return len(ids)


def advance(now: dt.datetime) -> set[int]:
    """Move running clocks on with time: "due soon" from `soon_at`, "breached" from
    `due_at`, through the (state, moment) indexes; their cases' CaseDue rows follow. The
    ids of the cases whose clocks moved."""
    running = CaseClock.objects.filter(stopped_at__isnull=True)
    breaching = running.filter(state__in=(ClockState.OK, SOON), due_at__lte=now)
    souring = running.filter(state=ClockState.OK, soon_at__lte=now, due_at__gt=now)
    if not (breaching.exists() or souring.exists()):  # a plain read: no write lock
        return set()
    with write_transaction():
        # Read again under the lock: exactly the rows the updates move.
        moved = set(breaching.values_list("case_id", flat=True))
        moved |= set(souring.values_list("case_id", flat=True))
        breaching.update(state=BREACHED, computed_at=now)
        souring.update(state=SOON, computed_at=now)
        resummarise(moved)
        _stored(moved)
    return moved


def resummarise(case_ids: Iterable[int]) -> None:
    """Rewrite the CaseDue rows of these cases from their stored clocks."""
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        by_case: dict[int, list[CaseClock]] = {}
        for row in CaseClock.objects.filter(case_id__in=part):
            by_case.setdefault(row.case_id, []).append(row)
        rows = [_due_row(case_id, clocks) for case_id, clocks in by_case.items()]
        CaseDue.objects.filter(case_id__in=part).delete()
        CaseDue.objects.bulk_create(rows, batch_size=500)


def analyse() -> None:
    """Planner statistics for the clock tables after a big rebuild (SQLite guesses badly
    without them, as it did for the case list)."""
    if connection.vendor == "sqlite" or connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (CaseClock, CaseDue):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
