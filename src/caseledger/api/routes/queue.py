"""The department queue over the API: list it, take a case, reassign one with a reason."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from caseledger.accounts.queries import user_by
from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.cases.queries import case_get
from caseledger.workflow.queues import services
from caseledger.workflow.queues.queries import queue

router = Router(tags=["queue"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class QueuedOut(Schema):
    id: int
    reference: str
    department: str
    priority: str
    assignee: str | None


class ReassignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    assignee: str | None = None  # username; null: back to the department queue
    reason: str


def _out(case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "department": case.department.code,
        "priority": case.priority,
        "assignee": case.assignee.username if case.assignee_id else None,
    }


@router.get(
    "/queue",
    response={200: list[QueuedOut], **ERRORS},
    description="Open, unassigned cases of the departments the token's user works, due "
    "soonest first (at most `limit`, 1-200). Needs `cases:write`.",
)
def list_queue(request: HttpRequest, limit: int = 50) -> Any:
    rows = queue(actor=actor(request))[: max(1, min(limit, 200))]
    return [_out(c) for c in rows]


@router.post(
    "/cases/{case_id}/take",
    response={200: QueuedOut, **ERRORS},
    description="Assign to me. 409 when someone holds it. Needs `cases:write`. Journaled.",
)
def take(request: HttpRequest, case_id: str) -> Any:
    user = actor(request)
    return _out(services.case_take(actor=user, case=case_get(actor=user, case_id=case_id)))


@router.post(
    "/cases/{case_id}/reassign",
    response={200: QueuedOut, **ERRORS},
    description="To someone active who may work the case, or back to the queue, with a "
    "reason; a supervisor moves anyone's case (scope `cases:approve`), an agent only their own. Needs "
    "`cases:write`. Journaled.",
)
def reassign(request: HttpRequest, case_id: str, payload: ReassignIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    to = user_by(payload.assignee, field="assignee") if payload.assignee else None
    return _out(services.case_reassign(actor=user, case=case, assignee=to, reason=payload.reason))
