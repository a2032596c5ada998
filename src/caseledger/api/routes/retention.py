"""Retention schedules and legal holds. Each endpoint: parse, one query or service, render.
The schemas live here, beside the only routes that use them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import Count, ErrorOut, Id, InDate, Reason
from caseledger.retention.queries import hold_get, hold_list, schedule_list
from caseledger.retention.services import hold_place, hold_release, schedule_create

router = Router(tags=["retention"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class HoldIn(_Strict):
    matter: str
    reason: Reason
    scope: Literal["cases", "customers", "filter"]
    cases: list[str] = Field(default_factory=list, description="ids or references")
    customers: list[Id] = Field(default_factory=list)
    filter: dict[str, str] = Field(
        default_factory=dict,
        description="category, subcategory, kind, department, received_from, received_to, q",
    )


class HoldOut(Schema):
    id: int
    matter: str
    reason: str
    scope: str
    owner: str
    cases: list[int]
    customers: list[int]
    filter: dict[str, str]
    placed_at: dt.datetime
    placed_by: str
    released_at: dt.datetime | None
    released_by: str | None
    release_reason: str


class ReleaseIn(_Strict):
    reason: Reason


class ScheduleIn(_Strict):
    code: str = ""
    name: str
    record_kind: Literal["case", "customer", "attachment"]
    industry: str = ""
    case_kind: str = ""
    category: str = ""
    risk_class: str = ""
    tags: list[str] = Field(default_factory=list)
    period_years: Count = 0
    period_months: Count = 0
    period_days: Count = 0
    triggers: list[str]
    action: Literal["destroy", "anonymize", "review"]
    legal_source: str
    next_review_on: InDate | None = None
    status: Literal["active", "needs_confirmation", "retired"] = "active"


class ScheduleOut(Schema):
    id: int
    code: str
    version: int
    name: str
    record_kind: str
    industry: str
    case_kind: str
    category: str
    risk_class: str
    tags: list[str]
    period_years: int
    period_months: int
    period_days: int
    triggers: list[str]
    action: str
    legal_source: str
    next_review_on: dt.date | None
    status: str


def _hold(hold: Any) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "matter": hold.matter,
        "reason": hold.reason,
        "scope": hold.scope,
        "owner": hold.owner.get_username(),
        "cases": sorted(hold.cases.values_list("pk", flat=True)),
        "customers": sorted(hold.customers.values_list("pk", flat=True)),
        "filter": hold.case_filter,
        "placed_at": hold.placed_at,
        "placed_by": hold.placed_by.get_username(),
        "released_at": hold.released_at,
        "released_by": hold.released_by.get_username() if hold.released_by else None,
        "release_reason": hold.release_reason,
    }


@router.get("/holds", response={200: list[HoldOut], **ERRORS}, summary="List legal holds")
def list_holds(request: HttpRequest, active: bool | None = None) -> Any:
    return [_hold(h) for h in hold_list(actor=actor(request), active=active)]


@router.post("/holds", response={201: HoldOut, **ERRORS}, summary="Place a legal hold")
def place_hold(request: HttpRequest, payload: HoldIn) -> Any:
    """Every write to a held record is refused with 409 `held` naming the matter."""
    hold = hold_place(
        actor=actor(request),
        matter=payload.matter,
        reason=payload.reason,
        scope=payload.scope,
        cases=payload.cases,
        customers=payload.customers,
        case_filter=payload.filter,
    )
    return Status(201, _hold(hold))


@router.post(
    "/holds/{hold_id}/release", response={200: HoldOut, **ERRORS}, summary="Release a hold"
)
def release_hold(request: HttpRequest, hold_id: int, payload: ReleaseIn) -> Any:
    user = actor(request)
    hold = hold_release(
        actor=user, hold=hold_get(actor=user, hold_id=hold_id), reason=payload.reason
    )
    return _hold(hold)


@router.get(
    "/retention/schedules",
    response={200: list[ScheduleOut], **ERRORS},
    summary="List current retention schedules",
)
def list_schedules(request: HttpRequest) -> Any:
    return list(schedule_list(actor=actor(request)))


@router.post(
    "/retention/schedules",
    response={201: ScheduleOut, **ERRORS},
    summary="Create a retention schedule",
)
def create_schedule(request: HttpRequest, payload: ScheduleIn) -> Any:
    data = payload.model_dump(mode="json")
    code = data.pop("code")
    return Status(201, schedule_create(actor=actor(request), data=data, code=code))
