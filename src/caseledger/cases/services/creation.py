"""Recording a new case: `case_create`, and its two halves (`case_check` validates with
nothing written, `case_write` writes and journals) for callers that check before they take
the writers' lock (the intake)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import Case, ReferenceCounter, Status
from caseledger.cases.services.records import (
    CASE_CREATED,
    case_new_clean,
    case_state,
    check_assignee,
    check_category_offered,
    check_subcategory,
    resolve_case_customer,
)
from caseledger.core import clock, hooks
from caseledger.core.insert import insert
from caseledger.core.validate import Collector
from caseledger.customers.models import Customer
from caseledger.journal.services import record_change, write_transaction


@dataclass(frozen=True)
class CaseDraft:
    """A new case that passed every check and is not written yet: `case_check`'s answer,
    which `case_write` writes. The intake checks before it takes the writers' lock, so the
    lock is held only for the writes (docs/benchmarks.md, issue 16)."""

    clean: dict[str, Any]


# `case_check(customer=LATER)`: the customer is not known yet (the intake matches or
# creates it under the lock) and is checked by `case_write(customer=...)`.
LATER: Any = object()


def case_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Case:
    return case_write(actor=actor, draft=case_check(actor=actor, data=data), reason=reason)


def case_check(*, actor: User, data: Mapping[str, Any], customer: Any = None) -> CaseDraft:
    """case_create's permission and validation, with nothing written: every problem at
    once (ValidationFailed), or the draft to write. `customer=LATER` leaves the customer
    out (`data` must not name one) for `case_write` to check."""
    # Permission before validation (DESIGN): someone who may record cases nowhere learns
    # nothing about the fields; the department's own check follows once it is resolved.
    require(actor, Perm.CASE_MODIFY)
    clean, c = case_new_clean(data, actor=actor, customer=customer is not LATER)
    department = clean.get("department")
    require(actor, Perm.CASE_MODIFY, department.pk if department else None)
    if department is not None:
        check_assignee(department.pk, clean.get("assignee"), c)
        if clean.get("category"):
            check_category_offered(department.pk, clean["category"], c)
    check_subcategory(clean.get("category", ""), clean.get("subcategory", ""), c)
    c.raise_if_any()
    return CaseDraft(clean=clean)


def case_write(
    *, actor: User, draft: CaseDraft, reason: str = "", customer: Customer | None = None
) -> Case:
    """Write a checked new case and journal it; `customer` is the one a `case_check(
    customer=LATER)` left out, checked here as `case_create` checks it. The permission is
    asked again (a draft is a plain object anyone could build): a cached look-up."""
    clean = dict(draft.clean)
    require(actor, Perm.CASE_MODIFY, clean["department"].pk)
    if customer is not None or "customer" not in clean:
        c = Collector()
        clean["customer"] = resolve_case_customer(customer, c, actor)
        c.raise_if_any()
    now = clock.now()
    with write_transaction():
        received_at = clean.pop("received_at", None) or now
        case = insert(
            Case(
                reference=_next_reference(received_at),
                received_at=received_at,
                status=Status.RECEIVED,
                created_at=now,
                updated_at=now,
                **clean,
            )
        )
        state = case_state(case)
        record_change(
            actor=actor,
            action=CaseAction.CREATE,
            object_type="case",
            object_id=str(case.pk),
            after=state,
            before=None,
            reason=reason,
        )
        for then in hooks.all_of(CASE_CREATED):
            then(actor=actor, case=case)
    return case


def _next_reference(at) -> str:
    """The next CL-YYYY-NNNNNN. Runs under the journal's write lock, so the counter row is
    never bumped by two writers at once; one statement keeps the hot path short."""
    year = at.astimezone(ZoneInfo(settings.TIME_ZONE)).year
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_referencecounter SET last = last + 1 WHERE year = %s RETURNING last",
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        ReferenceCounter.objects.create(year=year, last=1)
        number = 1
    else:
        number = row[0]
    return f"CL-{year}-{number:06d}"
