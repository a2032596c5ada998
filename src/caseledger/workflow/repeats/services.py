"""Linking a new case to the customer's earlier case on the same subject, journaled."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from caseledger.accounts.models import User
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.state import model_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.models import CaseLink


def earlier_case(case: Case, days: int) -> tuple[Case, str] | None:
    """The customer's newest earlier case within `days` before this one was received, on
    the same category (basis "category") or, failing that, the same product ("product")."""
    since = case.received_at - dt.timedelta(days=days)
    same = Q(category=case.category)
    if case.product_ref:
        same |= Q(product_ref=case.product_ref)
    found = (
        Case.objects.filter(
            same,
            customer_id=case.customer_id,
            received_at__gte=since,
            received_at__lte=case.received_at,
        )
        .exclude(pk=case.pk)
        .order_by("-received_at", "-id")
        .first()
    )
    if found is None:
        return None
    return found, "category" if found.category == case.category else "product"


def link_repeat(*, actor: User | None, case: Case) -> CaseLink | None:
    """cases.CASE_CREATED: link a new case to the customer's earlier one on the same subject
    within the window (journaled on the new case's history); nothing when there is none."""
    days = settings.REPEAT_WINDOW_DAYS
    if days <= 0 or CaseLink.objects.filter(case=case, kind="repeat").exists():
        return None
    found = earlier_case(case, days)
    if found is None:
        return None
    earlier, basis = found
    with write_transaction():
        link = CaseLink.objects.create(
            case=case, earlier=earlier, kind="repeat", basis=basis, created_at=clock.now()
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
