"""The department queue: open, unassigned cases of the departments the actor works, the
ones due soonest first."""

from __future__ import annotations

from django.db.models import F, QuerySet

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Status
from caseledger.holds.restriction import hide_restricted
from caseledger.workflow.clocks.queries import with_next_due


def queue(*, actor: User, department_id: int | None = None) -> QuerySet[Case]:
    require(actor, Perm.CASE_MODIFY)
    qs = Case.objects.filter(assignee__isnull=True, archived_at__isnull=True).exclude(
        status=Status.CLOSED
    )
    allowed = department_ids(actor, Perm.CASE_MODIFY)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    qs = hide_restricted(qs, actor).select_related("department", "customer")
    return with_next_due(qs).order_by(F("next_due").asc(nulls_last=True), "received_at", "id")
