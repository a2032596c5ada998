"""Assignment over the API: the rules (administrators, scope `settings:write`), whom a case
may be given, absences, a case's chain of repeat complaints, who sees phones in full and
the customer's phone for a call back (journaled as a look)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from caseledger.accounts.queries import user_by
from caseledger.api.auth import actor
from caseledger.api.schemas import Count, ErrorOut, Flag
from caseledger.cases.queries import case_get
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.workflow.assign import absences, rules
from caseledger.workflow.assign.queries import absence_list, assignees_for, rule_list
from caseledger.workflow.models import Absence, AssignmentRule
from caseledger.workflow.repeats.queries import repeat_chain
from caseledger.workflow.visibility import services as visibility
from caseledger.workflow.visibility.queries import visibility_list

router = Router(tags=["assignment"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
SETTINGS = "Needs settings.manage (administrators; token scope `settings:write`). Journaled."


class RuleOut(Schema):
    id: int
    name: str
    position: int
    department: str
    category: str
    channel: str
    product_ref: str
    strategy: str
    is_active: bool


class RuleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    position: Count | None = None
    department: str | None = None
    category: str | None = None
    channel: str | None = None
    product_ref: str | None = None
    strategy: str | None = None
    is_active: Flag | None = None


class PersonOut(Schema):
    id: int
    username: str
    full_name: str


class AbsenceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    starts_on: str
    ends_on: str
    reason: str


class AbsenceOut(Schema):
    id: int
    user: str
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class LinkOut(Schema):
    case_id: int | None
    reference: str
    received_at: dt.datetime | None
    status: str | None
    basis: str


class VisibilityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    role: str
    field: str
    scope: str
    reason: str = ""


class VisibilityOut(Schema):
    role: str
    field: str
    scope: str


class PhoneOut(Schema):
    contact_point: int
    value: str
    masked: str
    tel: str


def _rule_out(r: AssignmentRule) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "position": r.position,
        "department": r.department.code,
        "category": r.category,
        "channel": r.channel,
        "product_ref": r.product_ref,
        "strategy": r.strategy,
        "is_active": r.is_active,
    }


def _absence_out(a: Absence) -> dict[str, Any]:
    return {
        "id": a.pk,
        "user": a.user.username,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "reason": a.reason,
    }


def _number(pk: str) -> int | None:
    """A path id as a row id, or None (not digits, or too large for any row)."""
    return int(pk) if is_id(pk) and len(pk) < 19 else None


def _rule(pk: str) -> AssignmentRule:
    number = _number(pk)
    rows = AssignmentRule.objects.select_related("department")
    found = rows.filter(pk=number).first() if number is not None else None
    if found is None:
        raise NotFound(_("assignment rule %(pk)s does not exist") % {"pk": pk}, field="rule")
    return found


def _given(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.model_dump().items() if v is not None}


@router.get("/assignment-rules", response={200: list[RuleOut], **ERRORS}, description=SETTINGS)
def list_rules(request: HttpRequest) -> Any:
    return [_rule_out(r) for r in rule_list(actor=actor(request))]


@router.post("/assignment-rules", response={201: RuleOut, **ERRORS}, description=SETTINGS)
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    made = rules.assign_rule_set(actor=actor(request), data=_given(payload))
    return Status(201, _rule_out(_rule(str(made.pk))))


@router.patch("/assignment-rules/{pk}", response={200: RuleOut, **ERRORS}, description=SETTINGS)
def update_rule(request: HttpRequest, pk: str, payload: RuleIn) -> Any:
    user = actor(request)
    rule_list(actor=user)  # the permission before the look-up
    made = rules.assign_rule_set(actor=user, data=_given(payload), rule=_rule(pk))
    return _rule_out(_rule(str(made.pk)))


@router.delete("/assignment-rules/{pk}", response={204: None, **ERRORS}, description=SETTINGS)
def delete_rule(request: HttpRequest, pk: str) -> Any:
    user = actor(request)
    rule_list(actor=user)
    rules.assign_rule_remove(actor=user, rule=_rule(pk))
    return Status(204, None)


@router.get(
    "/cases/{case_id}/assignees",
    response={200: list[PersonOut], **ERRORS},
    description="Whom the case may be given: active, present people who may work its "
    "department. Needs `cases:read`.",
)
def list_assignees(request: HttpRequest, case_id: str) -> Any:
    people = assignees_for(actor=actor(request), case_id=case_id)
    return [{"id": u.pk, "username": u.username, "full_name": u.get_full_name()} for u in people]


@router.get(
    "/cases/{case_id}/repeats",
    response={200: list[LinkOut], **ERRORS},
    description="The chain of repeat complaints this case belongs to, oldest first (empty "
    "when none): same customer, same category or product, within the configured window. "
    "Cases of departments the token may not see show their reference only. Needs `cases:read`.",
)
def list_repeats(request: HttpRequest, case_id: str) -> Any:
    return [
        {
            "case_id": link.case_id if link.visible else None,
            "reference": link.reference,
            "received_at": link.received_at if link.visible else None,
            "status": link.status if link.visible else None,
            "basis": link.basis,
        }
        for link in repeat_chain(actor=actor(request), case_id=case_id)
    ]


@router.post(
    "/cases/{case_id}/phone",
    response={200: list[PhoneOut], **ERRORS},
    description="The customer's phone numbers in full, to call them back, for someone the "
    "visibility setting allows (by default: the agent the case is assigned to). Journaled "
    "as a look (customer.look). Needs `cases:read`.",
)
def show_phone(request: HttpRequest, case_id: str) -> Any:
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    shown = visibility.case_contact_show(actor=user, case=case, field="phone")
    return [
        {"contact_point": s.contact_point, "value": s.value, "masked": s.masked, "tel": s.tel}
        for s in shown
    ]


@router.get(
    "/field-visibility", response={200: list[VisibilityOut], **ERRORS}, description=SETTINGS
)
def list_visibility(request: HttpRequest) -> Any:
    table = visibility_list(actor=actor(request))
    return [{"role": r, "field": f, "scope": s} for (r, f), s in sorted(table.items())]


@router.put("/field-visibility", response={200: VisibilityOut, **ERRORS}, description=SETTINGS)
def set_visibility(request: HttpRequest, payload: VisibilityIn) -> Any:
    row = visibility.visibility_set(actor=actor(request), **payload.model_dump())
    return {"role": row.role, "field": row.field, "scope": row.scope}


@router.get(
    "/users/{ref}/absences",
    response={200: list[AbsenceOut], **ERRORS},
    description="A person's absences (their own; anyone's for administrators, scope "
    "`users:write`).",
)
def list_absences(request: HttpRequest, ref: str) -> Any:
    rows = absence_list(actor=actor(request), user=user_by(ref))
    return [_absence_out(a) for a in rows]


@router.post(
    "/users/{ref}/absences",
    response={201: AbsenceOut, **ERRORS},
    description="Record days away (`starts_on`, `ends_on`: YYYY-MM-DD, both included): no "
    "rule and no reassignment gives the person a case meanwhile. Their own, or anyone's for "
    "administrators (scope `users:write`). Journaled.",
)
def add_absence(request: HttpRequest, ref: str, payload: AbsenceIn) -> Any:
    made = absences.absence_add(actor=actor(request), user=user_by(ref), data=payload.model_dump())
    return Status(201, _absence_out(made))


@router.delete(
    "/absences/{pk}",
    response={204: None, **ERRORS},
    description="Cancel an absence (its own person or an administrator). Journaled.",
)
def cancel_absence(request: HttpRequest, pk: str) -> Any:
    number = _number(pk)
    rows = Absence.objects.select_related("user")
    found = rows.filter(pk=number).first() if number is not None else None
    if found is None:
        raise NotFound(_("absence %(pk)s does not exist") % {"pk": pk}, field="absence")
    absences.absence_cancel(actor=actor(request), absence=found)
    return Status(204, None)
