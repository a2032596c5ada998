"""Privacy: pending identifier changes (maker-checker), consent, privacy requests and the
access export. Each endpoint: parse, one query or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, Flag, Id, InDate, InTime, Reason
from caseledger.customers.queries import customer_get
from caseledger.privacy import services
from caseledger.privacy.models import LegalBasis, ObtainedBy, RequestKind
from caseledger.privacy.queries import (
    consent_get,
    consents,
    pending_change_get,
    pending_changes,
    privacy_request_get,
    privacy_request_list,
)

router = Router(tags=["privacy"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class PendingChangeOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    kind: str
    masked: str
    replaces: int | None = Field(None, alias="replaces_id")
    reason: str
    status: str
    maker: str = Field(alias="maker.username")
    created_at: dt.datetime


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Reason = Field(description="what the value was checked against; required, journaled")


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    purpose: str
    data_scope: str = ""
    channel_scope: str = ""
    legal_basis: LegalBasis
    obtained_by: ObtainedBy
    granted_at: InTime | None = None
    expires_at: InTime | None = None
    retention_promised: str = ""


class ConsentOut(Schema):
    id: int
    purpose: str
    data_scope: str
    channel_scope: str
    legal_basis: str
    obtained_by: str
    granted_at: dt.datetime
    expires_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    retention_promised: str


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = ""


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    customer: Id
    kind: RequestKind
    received_on: InDate | None = None
    channel: str = ""
    details: str = ""


class RequestOut(Schema):
    id: int
    customer: int = Field(alias="customer_id")
    kind: str
    received_on: dt.date
    due_on: dt.date
    status: str
    handler: int | None = Field(None, alias="handler_id")
    outcome: str
    completed_at: dt.datetime | None


class CompleteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: str
    refused: Flag = False


class ExportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reveal: Flag = Field(False, description="unmasked identifiers; needs a reason, journaled")
    reason: str = ""


@router.get(
    "/customers/{customer_id}/pending-changes",
    response={200: list[PendingChangeOut], **ERRORS},
    summary="Sensitive changes of a customer awaiting a second person",
)
def list_pending(request: HttpRequest, customer_id: int) -> Any:
    user = actor(request)
    return list(
        pending_changes(actor=user, customer=customer_get(actor=user, customer_id=customer_id))
    )


@router.post(
    "/pending-changes/{change_id}/confirm",
    response={200: PendingChangeOut, **ERRORS},
    summary="Confirm a pending change (not its maker; needs customer.approve)",
)
def confirm_pending(request: HttpRequest, change_id: int, payload: DecisionIn) -> Any:
    """Needs a token with the `customers:approve` scope, held by someone other than the maker
    whose role may approve (supervisor, compliance)."""
    user = actor(request)
    change = pending_change_get(actor=user, change_id=change_id)
    services.identifier_change_confirm(actor=user, change=change, reason=payload.reason)
    return pending_change_get(actor=user, change_id=change_id)


@router.post(
    "/pending-changes/{change_id}/reject",
    response={200: PendingChangeOut, **ERRORS},
    summary="Reject a pending change; the customer keeps its old value",
)
def reject_pending(request: HttpRequest, change_id: int, payload: DecisionIn) -> Any:
    """Needs the `customers:approve` scope, like confirm."""
    user = actor(request)
    change = pending_change_get(actor=user, change_id=change_id)
    return services.identifier_change_reject(actor=user, change=change, reason=payload.reason)


@router.get(
    "/customers/{customer_id}/consents",
    response={200: list[ConsentOut], **ERRORS},
    summary="A customer's consent records",
)
def list_consents(request: HttpRequest, customer_id: int) -> Any:
    user = actor(request)
    return list(consents(actor=user, customer=customer_get(actor=user, customer_id=customer_id)))


@router.post(
    "/customers/{customer_id}/consents",
    response={201: ConsentOut, **ERRORS},
    summary="Record a consent",
)
def grant_consent(request: HttpRequest, customer_id: int, payload: ConsentIn) -> Any:
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    data = payload.model_dump(exclude_none=True)
    data["legal_basis"], data["obtained_by"] = payload.legal_basis.value, payload.obtained_by.value
    return Status(201, services.consent_grant(actor=user, customer=customer, data=data))


@router.post(
    "/consents/{consent_id}/withdraw", response={200: ConsentOut, **ERRORS}, summary="Withdraw"
)
def withdraw_consent(request: HttpRequest, consent_id: int, payload: WithdrawIn) -> Any:
    user = actor(request)
    consent = consent_get(actor=user, consent_id=consent_id)
    return services.consent_withdraw(actor=user, consent=consent, reason=payload.reason)


@router.get(
    "/privacy-requests",
    response={200: list[RequestOut], **ERRORS},
    summary="Open privacy requests, soonest due first (`overdue=true`: only late ones)",
)
def list_requests(request: HttpRequest, overdue: bool = False) -> Any:
    qs = privacy_request_list(actor=actor(request), filters={"open": True, "overdue": overdue})
    return list(qs[:500])


@router.post("/privacy-requests", response={201: RequestOut, **ERRORS}, summary="Record one")
def open_request(request: HttpRequest, payload: RequestIn) -> Any:
    user = actor(request)
    customer = customer_get(actor=user, customer_id=payload.customer)
    opened = services.privacy_request_open(
        actor=user,
        customer=customer,
        kind=payload.kind.value,
        received_on=payload.received_on,
        channel=payload.channel,
        details=payload.details,
    )
    return Status(201, opened)


@router.post(
    "/privacy-requests/{request_id}/complete",
    response={200: RequestOut, **ERRORS},
    summary="Complete or refuse a request (deletion: waits for disposition, refused here)",
)
def complete_request(request: HttpRequest, request_id: int, payload: CompleteIn) -> Any:
    user = actor(request)
    found = privacy_request_get(actor=user, request_id=request_id)
    return services.privacy_request_complete(
        actor=user, request=found, outcome=payload.outcome, refused=payload.refused
    )


@router.post(
    "/privacy-requests/{request_id}/export",
    response={200: dict, **ERRORS},
    summary="Everything held about the customer, as JSON (access/copy requests; journaled)",
)
def export_request(request: HttpRequest, request_id: int, payload: ExportIn) -> Any:
    user = actor(request)
    found = privacy_request_get(actor=user, request_id=request_id)
    data = services.privacy_request_export(
        actor=user, request=found, reveal=payload.reveal, reason=payload.reason
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
