"""Restricting cases and customers under PIPL Art 47, and lifting it. Each endpoint: parse,
one lookup and one service, render. The answer names the record and its restriction only:
once restricted, the record's content is for compliance alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from caseledger.accounts.permissions import GRANTS, Perm
from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.cases.queries import case_get, case_list
from caseledger.core.errors import NotFound
from caseledger.customers.queries import customer_get, customer_list
from caseledger.retention.restriction import Restricted
from caseledger.retention.services import record_restrict, record_unrestrict

router = Router(tags=["retention"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str


class RestrictionOut(Schema):
    record: str
    id: int
    reference: str | None = None
    restricted: bool
    restricted_at: dt.datetime | None
    reason: str


def _out(kind: str, record: Any) -> dict[str, Any]:
    return {
        "record": kind,
        "id": record.pk,
        "reference": getattr(record, "reference", None),
        "restricted": record.restricted_at is not None,
        "restricted_at": record.restricted_at,
        "reason": record.restricted_reason,
    }


def _target(user: Any, get: Any, listing: Any, key: str) -> Any:
    """The record to restrict or lift. No token scope reads restricted records, so a token
    could never name one; naming one is for whoever's role reads them (compliance), with
    retention:write, and the answer carries no content. Department visibility still holds."""
    try:
        return get()
    except Restricted:
        if not any(Perm.RESTRICTED_VIEW in GRANTS.get(r, {}) for r in user.role_set()):
            raise
    qs = listing(actor=user, with_restricted=True)
    found = qs.filter(reference=key.upper()).first() if key.upper().startswith("CL-") else None
    found = found or (qs.filter(pk=key).first() if key.isdigit() else None)
    if found is None:  # cannot happen after Restricted, unless it changed meanwhile
        raise NotFound(f"{key} does not exist or is not visible to you", field="record")
    return found


NEEDS = (
    "Needs retention.manage (token scope `retention:write`) and the record visible to the "
    "token (`{read}`). Journaled with the reason."
)


@router.post(
    "/cases/{case_id}/restrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Restrict a case (PIPL Art 47)",
    description="From now on only compliance reads the case; it leaves every list, queue "
    "and search for everyone else and refuses every change. 409 when already restricted. "
    + NEEDS.format(read="cases:read"),
)
def restrict_case(request: HttpRequest, case_id: str, payload: ReasonIn) -> Any:
    user = actor(request)
    case = _target(user, lambda: case_get(actor=user, case_id=case_id), case_list, case_id)
    return _out("case", record_restrict(actor=user, reason=payload.reason, case=case))


@router.post(
    "/cases/{case_id}/unrestrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Lift a case's restriction",
    description="409 when the case is not restricted. Lifting is for users whose role reads "
    "restricted records (compliance). " + NEEDS.format(read="cases:read"),
)
def unrestrict_case(request: HttpRequest, case_id: str, payload: ReasonIn) -> Any:
    user = actor(request)
    case = _target(user, lambda: case_get(actor=user, case_id=case_id), case_list, case_id)
    return _out("case", record_unrestrict(actor=user, reason=payload.reason, case=case))


@router.post(
    "/customers/{customer_id}/restrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Restrict a customer and all their cases (PIPL Art 47)",
    description="409 when already restricted. " + NEEDS.format(read="customers:read"),
)
def restrict_customer(request: HttpRequest, customer_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    customer = _target(
        user,
        lambda: customer_get(actor=user, customer_id=customer_id),
        lambda **kw: customer_list(filters={"include_merged": True}, **kw),
        str(customer_id),
    )
    return _out("customer", record_restrict(actor=user, reason=payload.reason, customer=customer))


@router.post(
    "/customers/{customer_id}/unrestrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Lift a customer's restriction",
    description="409 when the customer is not restricted. Lifting is for users whose role "
    "reads restricted records (compliance). " + NEEDS.format(read="customers:read"),
)
def unrestrict_customer(request: HttpRequest, customer_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    customer = _target(
        user,
        lambda: customer_get(actor=user, customer_id=customer_id),
        lambda **kw: customer_list(filters={"include_merged": True}, **kw),
        str(customer_id),
    )
    return _out("customer", record_unrestrict(actor=user, reason=payload.reason, customer=customer))
