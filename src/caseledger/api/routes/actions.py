"""Corrective actions (CAPA) over the API: listed and read with `insights:read` (scoped like
the figures: supervisors their departments, compliance and auditors every one); opened and
moved on with `capa:write` (capa.manage: supervisors of the department, compliance). The
services (insights.services) check every rule; a change needs the `version` you read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, ConfigDict

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.errors import require_version
from caseledger.api.pagination import paginate
from caseledger.api.schemas import ErrorOut
from caseledger.api.schemas.base import MAX_ID, Count, InDate, Reason
from caseledger.insights import services
from caseledger.insights.capa_queries import capa_get, capa_list
from caseledger.insights.models import CorrectiveAction

router = Router(tags=["insights"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422, 428): ErrorOut}
READ = "Needs `insights:read`."
WRITE = "Needs `capa:write` (supervisors of the department, compliance). Journaled."

Status = Literal["open", "in_progress", "verifying", "closed"]
CaseId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Text = Annotated[str, Field(min_length=1, max_length=5000, pattern=r"\S")]


class ActionOut(Schema):
    id: int
    department: str = Field(description="its code")
    problem: str
    source: str = Field(description="the root cause or dashboard finding it came from")
    owner: str = Field(description="username")
    due_on: dt.date
    status: Status
    verification: str = Field(description="how the effect was verified (required to close)")
    case_ids: list[int]
    opened_by: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    version: int


class ActionPage(Schema):
    items: list[ActionOut]
    next_cursor: str | None


class ActionQuery(Schema):
    status: Literal["open", "in_progress", "verifying", "closed", "all"] = Field(
        "open", description="`open` (the default): every action not closed yet"
    )
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: Annotated[str, Field(min_length=1, max_length=40)] = Field(description="code or id")
    problem: Text
    source: Annotated[str, Field(max_length=200)] = ""
    owner: Annotated[str, Field(min_length=1, max_length=150)] = Field(
        description="username of the person who fixes it"
    )
    due_on: InDate
    case_ids: list[CaseId] = Field(default_factory=list, max_length=1000)
    reason: str = Field("", max_length=2000, description="why, for the journal")


class ActionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem: Text | None = None
    source: Annotated[str, Field(max_length=200)] | None = None
    owner: Annotated[str, Field(min_length=1, max_length=150)] | None = None
    due_on: InDate | None = None
    case_ids: list[CaseId] | None = Field(None, max_length=1000)
    status: Status | None = Field(
        None, description="open → in_progress/verifying/closed; closed → in_progress (reopen)"
    )
    verification: Annotated[str, Field(max_length=5000)] | None = None
    version: Count | None = Field(
        None, description="required: the version you read; 428 without it, 409 if it moved on"
    )
    reason: Reason | None = None


def _action(capa: CorrectiveAction) -> dict[str, Any]:
    return {
        "id": capa.pk,
        "department": capa.department.code,
        "problem": capa.problem,
        "source": capa.source,
        "owner": capa.owner.get_username(),
        "due_on": capa.due_on,
        "status": capa.status,
        "verification": capa.verification,
        "case_ids": list(capa.case_ids),
        "opened_by": capa.opened_by.get_username(),
        "opened_at": capa.opened_at,
        "closed_at": capa.closed_at,
        "version": capa.version,
    }


@router.get(
    "/insights/corrective-actions",
    response={200: ActionPage, **ERRORS},
    summary="Corrective actions you may see",
    description="Soonest due first. " + READ,
)
def list_actions(request: HttpRequest, params: Query[ActionQuery]) -> Any:
    status = "" if params.status == "all" else params.status
    qs = capa_list(actor=actor(request), status=status).order_by("due_on", "id")
    page = paginate(qs, cursor=params.cursor, limit=params.limit)
    return {"items": [_action(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/insights/corrective-actions/{action_id}",
    response={200: ActionOut, **ERRORS},
    summary="One corrective action",
    description=READ,
)
def get_action(request: HttpRequest, action_id: str) -> Any:
    return _action(capa_get(actor=actor(request), pk=action_id))


@router.post(
    "/insights/corrective-actions",
    response={201: ActionOut, **ERRORS},
    summary="Open a corrective action",
    description="From a case, a root cause or a dashboard finding; linked cases must be ones "
    "you may see. " + WRITE,
    openapi_extra=idempotency.OPENAPI,
)
def open_action(request: HttpRequest, payload: ActionIn) -> HttpResponse:
    data = payload.model_dump(mode="json", exclude={"reason"})
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda capa: idempotency.body_of(ActionOut, _action(capa)),
        make=lambda: services.capa_open(actor=actor(request), data=data, reason=payload.reason),
    )


@router.patch(
    "/insights/corrective-actions/{action_id}",
    response={200: ActionOut, **ERRORS},
    summary="Change, move on, verify or close a corrective action",
    description="Only the fields sent change; closing needs `verification`. `version` (the one "
    "you read) is required: without it 428; if someone changed it since, 409. " + WRITE,
)
def update_action(request: HttpRequest, action_id: str, payload: ActionPatch) -> Any:
    user = actor(request)
    capa = capa_get(actor=user, pk=action_id)
    # A refusal says so before a 428, as a case's PATCH does.
    require(user, Perm.CAPA_MANAGE, capa.department_id)
    require_version(payload.version, "corrective action")
    data = payload.model_dump(mode="json", exclude_unset=True, exclude={"version", "reason"})
    capa = services.capa_update(
        actor=user,
        capa=capa,
        data=data,
        reason=payload.reason or "",
        expected_version=payload.version,
    )
    return _action(capa_get(actor=user, pk=capa.pk))
