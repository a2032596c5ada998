"""Restricting cases and customers under PIPL Art 47, and lifting it. Each endpoint: parse,
one lookup and one service, render. The answer names the record and its restriction only:
once restricted, the record's content is for compliance alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, Reason
from caseledger.cases.queries import case_get
from caseledger.customers.queries import customer_get
from caseledger.retention.services import record_restrict, record_unrestrict

router = Router(tags=["retention"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class RestrictionReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


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


def _on_case(request: HttpRequest, case_id: str, step: Callable[..., Any], reason: str) -> Any:
    """`step` (record_restrict or record_unrestrict) on the case the token's user sees."""
    user = actor(request)
    case = case_get(actor=user, case_id=case_id)
    return _out("case", step(actor=user, reason=reason, case=case))


def _on_customer(
    request: HttpRequest, customer_id: int, step: Callable[..., Any], reason: str
) -> Any:
    """`step` on the customer the token's user sees."""
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    return _out("customer", step(actor=user, reason=reason, customer=customer))


NEEDS = (
    "Needs retention.manage (token scope `retention:write`) and the record visible to the "
    "token (`{read}`; once restricted, also `restricted:read`). Journaled with the reason."
)


@router.post(
    "/cases/{case_id}/restrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Restrict a case (PIPL Art 47)",
    description="From now on only compliance reads the case; it leaves every list, queue "
    "and search for everyone else and refuses every change. 409 when already restricted. "
    + NEEDS.format(read="cases:read"),
)
def restrict_case(request: HttpRequest, case_id: str, payload: RestrictionReasonIn) -> Any:
    return _on_case(request, case_id, record_restrict, payload.reason)


@router.post(
    "/cases/{case_id}/unrestrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Lift a case's restriction",
    description="409 when the case is not restricted. Lifting is for users whose role reads "
    "restricted records (compliance). " + NEEDS.format(read="cases:read"),
)
def unrestrict_case(request: HttpRequest, case_id: str, payload: RestrictionReasonIn) -> Any:
    return _on_case(request, case_id, record_unrestrict, payload.reason)


@router.post(
    "/customers/{customer_id}/restrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Restrict a customer and all their cases (PIPL Art 47)",
    description="409 when already restricted. " + NEEDS.format(read="customers:read"),
)
def restrict_customer(request: HttpRequest, customer_id: int, payload: RestrictionReasonIn) -> Any:
    return _on_customer(request, customer_id, record_restrict, payload.reason)


@router.post(
    "/customers/{customer_id}/unrestrict",
    response={200: RestrictionOut, **ERRORS},
    summary="Lift a customer's restriction",
    description="409 when the customer is not restricted. Lifting is for users whose role "
    "reads restricted records (compliance). " + NEEDS.format(read="customers:read"),
)
def unrestrict_customer(
    request: HttpRequest, customer_id: int, payload: RestrictionReasonIn
) -> Any:
    return _on_customer(request, customer_id, record_unrestrict, payload.reason)
