"""Templates as data and the process over the API (issue 12): the taxonomy and the step
rules (read by any token; written with `templates:write`, administrators), status moves
with their guards, approvals by a second person, and the acknowledgement to the customer.
Each endpoint parses, calls one service, and renders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import Count, ErrorOut, Flag, QueryId
from caseledger.cases import services, taxonomy
from caseledger.cases.models import Category, StepApproval
from caseledger.cases.queries import case_get
from caseledger.intake.reply.acknowledge import case_acknowledge

router = Router(tags=["templates and process"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
WRITE = "Needs settings.manage (administrators; token scope `templates:write`). Journaled."


class CategoryOut(Schema):
    id: int | None
    scheme: str
    code: str
    parent: str
    label_en: str
    label_zh: str
    industry: str
    position: int
    is_active: bool
    version: int


class CategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str
    label_en: str
    label_zh: str
    scheme: str = "complaint"
    parent: str = ""
    industry: str = ""
    reason: str = ""


class CategoryEditIn(Schema):
    model_config = ConfigDict(extra="forbid")
    label_en: str | None = None
    label_zh: str | None = None
    position: Count | None = None
    is_active: Flag | None = None
    version: Count | None = None
    reason: str = ""


class StepRuleOut(Schema):
    industry: str
    status: str
    fields: list[str]
    reason_required: bool
    approval_severities: list[str]
    within_minutes: int | None
    message_en: str
    message_zh: str
    legal_source: str


class StepRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    fields: list[str] | None = None
    reason_required: Flag | None = None
    approval_severities: list[str] | None = None
    within_minutes: Count | None = None
    message_en: str | None = None
    message_zh: str | None = None
    legal_source: str | None = None
    reason: str = ""


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    status: str
    reason: str = ""
    resolution: str | None = None
    root_cause: str | None = None
    version: Count | None = None


class MoveOut(Schema):
    case_id: int
    status: str
    version: int
    waiting_for_approval: bool
    approval_id: int | None


class ApprovalDecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = ""


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    language: str = ""
    email: Flag = True


def _node(n: taxonomy.Node) -> dict[str, Any]:
    return {
        "id": n.pk, "scheme": n.scheme, "code": n.code, "parent": n.parent,
        "label_en": n.label_en, "label_zh": n.label_zh, "industry": n.industry,
        "position": n.position, "is_active": n.is_active, "version": n.version,
    }  # fmt: skip


def _row(row: Category) -> dict[str, Any]:
    taxonomy.invalidate()
    return next(_node(n) for n in taxonomy.snapshot().nodes if n.pk == row.pk)


@router.get(
    "/taxonomy",
    response={200: list[CategoryOut], **ERRORS},
    summary="The taxonomy",
    description="Categories, subcategories (`parent` set) and sales objection types, with "
    "both labels; `department` limits it to what that department is offered; `all=true` "
    "shows deactivated entries too. Any token.",
)
def taxonomy_list(
    request: HttpRequest, department: QueryId | None = None, all: bool = False
) -> Any:
    actor(request)
    return [_node(n) for n in taxonomy.nodes(department, active_only=not all)]


@router.post(
    "/taxonomy/categories",
    response={201: CategoryOut, **ERRORS},
    summary="Add a category, subcategory or objection type",
    description=WRITE,
)
def category_add(request: HttpRequest, payload: CategoryIn) -> Any:
    data = payload.model_dump(exclude={"reason"})
    if not data["parent"]:
        data.pop("parent")
    row = services.category_create(actor=actor(request), data=data, reason=payload.reason)
    return Status(201, _row(row))


@router.patch(
    "/taxonomy/categories/{category_id}",
    response={200: CategoryOut, **ERRORS},
    summary="Edit an entry (labels, order, active)",
    description="`version` refuses a stale edit with 409. " + WRITE,
)
def category_edit(request: HttpRequest, category_id: int, payload: CategoryEditIn) -> Any:
    data = payload.model_dump(exclude={"reason", "version"}, exclude_none=True)
    row = services.category_update(
        actor=actor(request),
        category=get_object_or_404(Category, pk=category_id),
        data=data,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _row(row)


@router.get(
    "/taxonomy/steps",
    response={200: list[StepRuleOut], **ERRORS},
    summary="What each process step needs",
    description="Per industry template ('' the default). Any token.",
)
def steps_list(request: HttpRequest) -> Any:
    actor(request)
    rules = taxonomy.snapshot().rules
    blank = {"fields": [], "reason_required": False, "approval_severities": [],
             "within_minutes": None, "message_en": "", "message_zh": "", "legal_source": ""}  # fmt: skip
    return [
        {**blank, **rule, "industry": industry, "status": status}
        for (industry, status), rule in sorted(rules.items())
    ]


@router.put(
    "/taxonomy/steps/{status}",
    response={200: StepRuleOut, **ERRORS},
    summary="Set what a move into a status needs",
    description="`industry` query parameter: the template ('' the default). " + WRITE,
)
def step_set(request: HttpRequest, status: str, payload: StepRuleIn, industry: str = "") -> Any:
    data = payload.model_dump(exclude={"reason"}, exclude_none=True)
    row = services.step_rule_set(
        actor=actor(request), status=status, industry=industry, data=data, reason=payload.reason
    )
    return {name: getattr(row, name) for name in StepRuleOut.model_fields}


def _moved(case, approval) -> dict[str, Any]:
    return {
        "case_id": case.pk, "status": case.status, "version": case.version,
        "waiting_for_approval": approval is not None,
        "approval_id": approval.pk if approval is not None else None,
    }  # fmt: skip


@router.post(
    "/cases/{case_id}/move",
    response={200: MoveOut, **ERRORS},
    summary="Move a case to another status",
    description="With the step's guards: required fields (give `resolution`, `root_cause` "
    "here), a reason where one is expected; where the step needs a second person (a "
    "high-severity banking close) the answer says `waiting_for_approval`. Needs "
    "`cases:write`. Journaled.",
)
def move(request: HttpRequest, case_id: str, payload: MoveIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    data = payload.model_dump(include={"resolution", "root_cause"}, exclude_none=True)
    moved = services.case_move(
        actor=user, case=case, status=payload.status, reason=payload.reason, data=data,
        expected_version=payload.version,
    )  # fmt: skip
    return _moved(moved.case, moved.approval)


@router.post(
    "/approvals/{approval_id}/approve",
    response={200: MoveOut, **ERRORS},
    summary="Approve a move as the second person",
    description="Not the person who asked. Needs case.approve (scope `cases:approve`).",
)
def approve(request: HttpRequest, approval_id: int, payload: ApprovalDecideIn) -> Any:
    user = actor(request)
    row = get_object_or_404(StepApproval, pk=approval_id)
    case_get(actor=user, case_id=row.case_id)
    case = services.approval_approve(actor=user, approval=row, reason=payload.reason)
    return _moved(case, None)


@router.post(
    "/approvals/{approval_id}/reject",
    response={200: MoveOut, **ERRORS},
    summary="Reject a move (with a reason)",
    description="Needs case.approve (scope `cases:approve`).",
)
def reject(request: HttpRequest, approval_id: int, payload: ApprovalDecideIn) -> Any:
    user = actor(request)
    row = get_object_or_404(StepApproval, pk=approval_id)
    case = case_get(actor=user, case_id=row.case_id)
    services.approval_reject(actor=user, approval=row, reason=payload.reason)
    return _moved(case, None)


@router.post(
    "/cases/{case_id}/acknowledge",
    response={200: MoveOut, **ERRORS},
    summary="Acknowledge a complaint to the customer",
    description="Sends the step's message (`language`: zh-hans or en; default from the "
    "complaint's text) by e-mail and to the status page, records it, and moves the case to "
    "acknowledged. Needs `cases:write`. Journaled.",
)
def acknowledge(request: HttpRequest, case_id: str, payload: AcknowledgeIn) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    done = case_acknowledge(actor=user, case=case, language=payload.language, email=payload.email)
    return _moved(done.case, None)
