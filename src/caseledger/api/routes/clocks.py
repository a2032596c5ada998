"""Clocks over the API: a case's clocks now or as of a past moment (replayed from the
journal), the list of clocks by due time and state, pausing, resuming and extending."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, InTime
from caseledger.cases.queries import case_get, case_list
from caseledger.workflow.clocks import services
from caseledger.workflow.clocks.queries import case_clocks
from caseledger.workflow.models import CaseClock

router = Router(tags=["clocks"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class ClockOut(Schema):
    kind: str
    label: str
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None
    state: str
    breached: bool
    remaining_seconds: int | None
    legal_source: str
    confirmed: bool
    extended: int


class CaseClockOut(Schema):
    case_id: int
    reference: str
    kind: str
    due_at: dt.datetime | None
    state: str


class WaitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str
    kind: str = "customer"


class ResumeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = ""


class ClockExtendIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rule: str
    reason: str
    notice: str


def _out(clocks) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "label": c.label,
            "due_at": c.due_at,
            "stopped_at": c.stopped_at,
            "state": c.state,
            "breached": c.breached,
            "remaining_seconds": int(c.remaining.total_seconds())
            if c.remaining is not None
            else None,
            "legal_source": c.source,
            "confirmed": c.confirmed,
            "extended": c.extended,
        }
        for c in clocks
    ]


@router.get(
    "/cases/{case_id}/clocks",
    response={200: list[ClockOut], **ERRORS},
    summary="A case's clocks",
    description="First response, resolution and statutory deadlines, replayed from the "
    "journal; `as_of` (ISO 8601 with offset) shows them as they stood then. Needs "
    "`cases:read`.",
)
def get_clocks(request: HttpRequest, case_id: str, as_of: InTime | None = None) -> Any:
    return _out(case_clocks(actor=actor(request), case_id=case_id, as_of=as_of))


@router.get(
    "/clocks",
    response={200: list[CaseClockOut], **ERRORS},
    summary="Clocks by due time",
    description="The running clocks of the cases visible to the token, soonest due first "
    "(`sort=-due`: latest first); `state` filters (ok, soon, paused, breached, met). "
    "As of the last sweep (every 5 minutes). Needs `cases:read`.",
)
def list_clocks(
    request: HttpRequest, state: str | None = None, sort: str = "due", limit: int = 50
) -> Any:
    # Walk the clocks in due order through the index and keep the visible ones (EXISTS per
    # row, stopping at the page), rather than listing every visible case first.
    visible = case_list(actor=actor(request)).filter(pk=OuterRef("case_id"))
    rows = CaseClock.objects.filter(Exists(visible), stopped_at__isnull=True).select_related("case")
    rows = rows.filter(state=state) if state else rows.exclude(state="met")
    rows = rows.order_by("-due_at" if sort == "-due" else "due_at", "id")
    return [
        {
            "case_id": r.case_id,
            "reference": r.case.reference,
            "kind": r.kind,
            "due_at": r.due_at,
            "state": r.state,
        }
        for r in rows[: max(1, min(limit, 200))]
    ]


@router.post(
    "/cases/{case_id}/clocks/pause",
    response={200: list[ClockOut], **ERRORS},
    description="Waiting for the customer (`kind`: customer, or appraisal which also stops "
    "statutory deadlines). 409 when already paused. Needs `cases:write`. Journaled.",
)
def pause(request: HttpRequest, case_id: str, payload: WaitIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return _out(services.case_wait(actor=user, case=case, reason=payload.reason, kind=payload.kind))


@router.post(
    "/cases/{case_id}/clocks/resume",
    response={200: list[ClockOut], **ERRORS},
    description="409 when not paused. Needs `cases:write`. Journaled.",
)
def resume(request: HttpRequest, case_id: str, payload: ResumeIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return _out(services.case_resume(actor=user, case=case, reason=payload.reason))


@router.post(
    "/cases/{case_id}/clocks/extend",
    response={200: list[ClockOut], **ERRORS},
    description="The next extension step of a statutory rule, with the notice sent to the "
    "complainant. Needs case.approve (a supervisor or compliance; scope `cases:approve`). "
    "Journaled.",
)
def extend(request: HttpRequest, case_id: str, payload: ClockExtendIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return _out(
        services.case_deadline_extend(
            actor=user, case=case, rule=payload.rule, reason=payload.reason, notice=payload.notice
        )
    )
