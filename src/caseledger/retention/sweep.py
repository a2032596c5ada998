"""Every record's deadline, a batch of plain rows at a time: what `retention_plan` counts,
`retention_recompute` stores and the demo writes (one path, so they cannot disagree).

Dangerous module: a record wrongly left out of `held` could be disposed of under a legal
hold. Guarantees: a batch's held records are exactly those `holds.held_case_ids` /
`holds.held_customer_ids` name: they are asked, but only about the records some active hold
can reach (named by it, of a customer it names, matching its saved filter), which are few;
disposition's overrides (`disposition.overrides.adjusters`) are applied likewise to the
records that have an extension or a disposition item; a kept erasure day is honoured
only as the journal has it (`erasure_days`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Q

from caseledger.cases.models import Case
from caseledger.core import hooks
from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from caseledger.retention import holds
from caseledger.retention.actions import RetentionAction
from caseledger.retention.deadlines import CUSTOMER_ID, Deadline, Engine
from caseledger.retention.models import HoldScope, LegalHold, RecordRetention

Adjust = Callable[[dict[str, Any]], None]


@dataclass
class Batch:
    """One batch of records in primary-key order. `contiguous`: every record between the
    first and the last key is in the batch (a full sweep), so key ranges can stand in for
    key lists in the questions asked about it."""

    record_type: str
    rows: list[tuple]
    contiguous: bool

    @property
    def pks(self) -> list[int]:
        return [r[0] for r in self.rows]

    def within(self, field: str) -> Q:
        if self.contiguous:
            return Q(**{f"{field}__gte": self.rows[0][0], f"{field}__lte": self.rows[-1][0]})
        return Q(**{f"{field}__in": self.pks})


OVERRIDES = "retention.overrides"


def batches(
    engine: Engine, record_type: str, *, size: int, where: Q | None = None
) -> Iterator[Batch]:
    """Keyset pages of `engine.case_fields()` / `engine.customer_fields()` rows."""
    model: Any = Case if record_type == "case" else Customer
    fields = engine.case_fields() if record_type == "case" else engine.customer_fields()
    qs = model.objects.all() if where is None else model.objects.filter(where)
    last = 0
    while True:
        page = qs.filter(pk__gt=last).order_by("pk").values_list(*fields)[:size]
        # Raw rows: the ORM's per-value converters cost more than the deadline itself;
        # Engine takes the driver's values (JSON as text, naive UTC moments on SQLite).
        sql, params = page.query.get_compiler(using=page.db).as_sql()
        with connections[page.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield Batch(record_type, rows, contiguous=where is None)
        last = rows[-1][0]


def held(batch: Batch) -> set[int]:
    active = list(holds.active_holds().values_list("pk", "scope", "case_filter"))
    if not active:
        return set()
    ids = [pk for pk, _scope, _filter in active]
    pks = set(batch.pks)
    named_customers = LegalHold.customers.through.objects.filter(legalhold_id__in=ids)
    if batch.record_type == "customer":
        named = named_customers.filter(batch.within("customer_id"))
        candidates = pks.intersection(named.values_list("customer_id", flat=True))
        return holds.held_customer_ids(sorted(candidates)) if candidates else set()
    named_cases = LegalHold.cases.through.objects.filter(
        batch.within("case_id"), legalhold_id__in=ids
    )
    candidates = pks.intersection(named_cases.values_list("case_id", flat=True))
    of = set(named_customers.values_list("customer_id", flat=True))
    if of:
        candidates |= {r[0] for r in batch.rows if r[CUSTOMER_ID] in of}
    for _pk, scope, case_filter in active:
        if scope == HoldScope.FILTER:
            matching = Case.objects.filter(batch.within("pk"), holds.filter_q(case_filter))
            candidates |= pks.intersection(matching.values_list("pk", flat=True))
    return holds.held_case_ids(sorted(candidates)) if candidates else set()


def overrides(batch: Batch, on: dt.date) -> dict[int, Adjust]:
    """Dispositions that move a record's deadline (extensions, pending items): disposition
    stands higher and registers its answer at start-up (disposition/overrides.py, ADR 0010)."""
    result: dict[int, Adjust] = hooks.one(OVERRIDES)(batch, on)
    return result


def erasure_days(batch: Batch) -> dict[int, dt.date]:
    """The day a deletion request made each record of the batch due, as the journal has
    it: the stored column says which records to ask about, the `retention.erasure_mark`
    entries say the day (the earliest one). A day written straight into the database with
    no journaled mark makes nothing due; one earlier than the mark is moved back to it. A
    mark whose payload a disposition redacted vouches for the stored day."""
    kept: Any = RecordRetention.objects.filter(
        batch.within("record_id"), record_type=batch.record_type, erasure_on__isnull=False
    ).values_list("record_id", "erasure_on")
    stored: dict[int, dt.date] = dict(kept)
    if not stored:
        return {}
    marked: dict[int, dt.date] = {}
    for object_id, body in Entry.objects.filter(
        action=RetentionAction.ERASURE_MARK,
        object_type=batch.record_type,
        object_id__in=[str(pk) for pk in stored],
    ).values_list("object_id", "payload__body"):
        pk = int(object_id)
        day = stored[pk] if body is None else _marked_day(body)
        if day is not None and (pk not in marked or day < marked[pk]):
            marked[pk] = day
    return marked


def _marked_day(body: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(json.loads(body)["extra"]["erasure_on"])
    except (KeyError, TypeError, ValueError):
        return None


def evaluate(
    engine: Engine,
    batch: Batch,
    *,
    held_pks: set[int],
    erasure: dict[int, dt.date],
    adjust: dict[int, Adjust],
) -> Iterator[tuple[int, Deadline]]:
    """(pk, deadline) per row, the overrides applied (a Deadline whose schedule is the
    computed one, and trigger_on, due_on and state as adjusted)."""
    compute = engine.case if batch.record_type == "case" else engine.customer
    for row in batch.rows:
        pk = row[0]
        d = compute(row, held=pk in held_pks, erasure_on=erasure.get(pk))
        fix = adjust.get(pk)
        if fix is not None:
            values: dict[str, Any] = {
                "schedule": d.schedule,
                "schedule_version": d.schedule.version if d.schedule else None,
                "trigger_on": d.trigger_on,
                "due_on": d.due_on,
                "state": d.state,
            }
            fix(values)
            d = Deadline(
                values["schedule"], values["trigger_on"], values["due_on"], values["state"]
            )
        yield pk, d
