"""Computed deadlines: recompute every record's, one journaled batch at a time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core import clock
from caseledger.journal.models import Entry, Payload
from caseledger.journal.services import record_change, write_transaction
from caseledger.retention import deadlines, sweep
from caseledger.retention.actions import RetentionAction
from caseledger.retention.models import (
    RecordRetention,
    RetentionSchedule,
    ScheduleStatus,
)

# ---- computed deadlines ----------------------------------------------------------------

DEFAULT_BATCH = 500


def governing_schedules() -> list[RetentionSchedule]:
    return list(
        RetentionSchedule.objects.filter(is_current=True)
        .exclude(status=ScheduleStatus.RETIRED)
        .order_by("code")
    )


def retention_recompute(
    *,
    actor: User | None,
    on: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Recompute every case's and customer's deadline, one transaction and one journal
    entry per batch (deadlines are derived data: the entry records the batch's counts, not
    each row). Safe to interrupt and run again: every batch rewrites its rows whole."""
    if actor is not None:
        require(actor, Perm.RETENTION_MANAGE)
    on = on or timezone.localdate(clock.now())
    engine = deadlines.Engine(governing_schedules(), on=on)
    counts: dict[str, int] = {}
    for record_type in ("case", "customer"):
        for batch in sweep.batches(engine, record_type, size=batch_size):
            for state, n in recompute_batch(actor, engine, batch).items():
                counts[state] = counts.get(state, 0) + n
            if progress:
                progress(len(batch.rows))
    return counts


def recompute_day() -> dt.date:
    """The day deadlines are judged on: today, or the day the newest journaled recompute
    judged them on when that is later (a recompute may be asked to look ahead)."""
    today = timezone.localdate(clock.now())
    # The newest recompute entry by the journal's (action, seq) index, then its payload.
    seq = (
        Entry.objects.filter(action=RetentionAction.RECOMPUTE)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    body = (
        None
        if seq is None
        else Payload.objects.filter(entry_id=seq).values_list("body", flat=True).first()
    )
    if body is None:
        return today
    try:
        journaled = dt.date.fromisoformat(json.loads(body)["extra"]["on"])
    except (KeyError, TypeError, ValueError):
        return today
    return max(today, journaled)


def recompute_records(
    *, actor: User | None, record_type: str, where: Q, on: dt.date | None = None
) -> dict[str, int]:
    """Recompute the deadlines of the records `where` selects, from the records and the
    schedules, as the full recompute would on `on` (default `recompute_day()`). A change
    that moves a deadline asks it at once; a disposition proposal asks it first, so a
    deadline or state written straight into the database (a record made due early) is put
    right before anything is proposed, and no forged deadline gets a record destroyed."""
    engine = deadlines.Engine(governing_schedules(), on=on or recompute_day())
    counts: dict[str, int] = {}
    for batch in sweep.batches(engine, record_type, size=DEFAULT_BATCH, where=where):
        for state, n in recompute_batch(actor, engine, batch).items():
            counts[state] = counts.get(state, 0) + n
    return counts


_WRITTEN = ("schedule_id", "schedule_version", "trigger_on", "due_on", "state", "computed_at")


def recompute_batch(actor: User | None, engine: deadlines.Engine, batch: sweep.Batch):
    """Rewrite one batch's deadlines whole (plain rows in, raw multi-row writes out)."""
    from django.db import connection

    from caseledger.journal import bulk

    ops = connection.ops
    stamp = bulk.db_time(clock.now())
    record_type, pks = batch.record_type, batch.pks
    counts: dict[str, int] = {}
    with write_transaction():
        existing = dict(
            RecordRetention.objects.filter(
                batch.within("record_id"), record_type=record_type
            ).values_list("record_id", "pk")
        )
        found = sweep.evaluate(
            engine,
            batch,
            held_pks=sweep.held(batch),
            erasure=sweep.erasure_days(batch),
            # Extensions, open reviews and anonymizations (caseledger.disposition) win.
            adjust=sweep.overrides(batch, engine.on),
        )
        new, changed = [], []
        for record_id, d in found:
            state = str(d.state)
            counts[state] = counts.get(state, 0) + 1
            values = (
                d.schedule.pk if d.schedule else None,
                d.schedule.version if d.schedule else None,
                ops.adapt_datefield_value(d.trigger_on),
                ops.adapt_datefield_value(d.due_on),
                state,
                stamp,
            )
            row = existing.get(record_id)
            if row is None:
                new.append((record_type, record_id, *values))
            else:
                changed.append((*values, row))
        if new:
            bulk.insert_rows(RecordRetention, ("record_type", "record_id", *_WRITTEN), new)
        if changed:
            table = ops.quote_name(RecordRetention._meta.db_table)
            sets = ", ".join(f"{ops.quote_name(c)} = %s" for c in _WRITTEN)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", changed)
        record_change(
            actor=actor,
            action=RetentionAction.RECOMPUTE,
            object_type="retention_batch",
            object_id=f"{record_type}:{pks[0]}-{pks[-1]}",
            after=None,
            extra={"on": engine.on.isoformat(), "records": len(pks), "states": counts},
        )
    return counts
