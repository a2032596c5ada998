"""Linking a new case to the customer's earlier case on the same subject, journaled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.insert import insert
from caseledger.core.state import model_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.models import CaseLink

# Plain SQL: it runs for every new case, and building the ORM query cost more than running
# it (docs/benchmarks.md, "case_create after issue 12"). Served by case_customer_received.
_EARLIER = (
    "SELECT id, reference, category FROM cases_case"
    " WHERE customer_id = %s AND received_at >= %s AND received_at <= %s AND id <> %s"
    " AND (category = %s{product})"
    " ORDER BY received_at DESC, id DESC LIMIT 1"
)
_EARLIER_BY_CATEGORY = _EARLIER.format(product="")
_EARLIER_BY_CATEGORY_OR_PRODUCT = _EARLIER.format(product=" OR product_ref = %s")


@dataclass(frozen=True)
class Earlier:
    id: int
    reference: str
    basis: str  # category | product


def earlier_case(case: Case, days: int) -> Earlier | None:
    """The customer's newest earlier case within `days` before this one was received, on
    the same category (basis "category") or, failing that, the same product ("product")."""
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [
        case.customer_id,
        adapt(case.received_at - dt.timedelta(days=days)),
        adapt(case.received_at),
        case.pk,
        case.category,
    ]
    sql = _EARLIER_BY_CATEGORY
    if case.product_ref:
        sql = _EARLIER_BY_CATEGORY_OR_PRODUCT
        params.append(case.product_ref)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, reference, category = row
    return Earlier(pk, reference, "category" if category == case.category else "product")


def link_repeat(*, actor: User | None, case: Case) -> CaseLink | None:
    """cases.CASE_CREATED: link a new case to the customer's earlier one on the same subject
    within the window (journaled on the new case's history); nothing when there is none.
    Runs once per case, as it is created (the link is unique per case and earlier case)."""
    days = settings.REPEAT_WINDOW_DAYS
    if days <= 0:
        return None
    earlier = earlier_case(case, days)
    if earlier is None:
        return None
    basis = earlier.basis
    with write_transaction():
        link = insert(
            CaseLink(
                case=case,
                earlier_id=earlier.id,
                kind="repeat",
                basis=basis,
                created_at=clock.now(),
            )
        )
        state = model_state(link)
        state["earlier_reference"] = earlier.reference
        record_change(
            actor=actor,
            action=WorkflowAction.CASE_REPEAT_LINK,
            object_type="case_link",
            object_id=str(link.pk),
            root=f"case:{case.pk}",
            before=None,
            after=state,
            reason=f"repeat of {earlier.reference} within {days} days (same {basis})",
        )
    return link
