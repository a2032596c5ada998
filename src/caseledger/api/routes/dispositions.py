"""Dispositions: the review list, batches (propose, approve, reject, extend, execute) and
certificates. Token scope dispositions:write for writes, retention:read to read."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut, Id, InDate, Reason
from caseledger.disposition import services
from caseledger.disposition.queries import (
    batch_get,
    batch_list,
    certificate_get,
    certificate_list,
    review_list,
)
from caseledger.retention.queries import schedule_get

router = Router(tags=["dispositions"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class DueScheduleOut(Schema):
    code: str
    name: str
    version: int
    record_type: str
    action: str
    legal_source: str
    due: int
    in_review: int


class ItemOut(Schema):
    record_type: str
    record_id: int
    label: str
    status: str
    note: str
    content_sha256: str


class BatchOut(Schema):
    id: int
    schedule: str
    record_type: str
    action: str
    status: str
    reason: str
    proposed_by: str
    proposed_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    decision_reason: str
    certificate: str | None
    items: list[ItemOut]


class ProposeIn(_Strict):
    schedule: str = Field(description="schedule code or id")
    records: list[str] | None = Field(None, description="ids or case references; omit for all")
    action: Literal["", "destroy", "anonymize"] = ""
    reason: str = ""


class BatchDecideIn(_Strict):
    reason: str = ""


class BatchExtendIn(_Strict):
    record_type: Literal["case", "customer"]
    record_id: Id
    due_on: InDate
    reason: Reason


def _batch(batch: Any) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "schedule": batch.schedule.code,
        "record_type": batch.record_type,
        "action": batch.action,
        "status": batch.status,
        "reason": batch.reason,
        "proposed_by": batch.proposed_by.get_username(),
        "proposed_at": batch.proposed_at,
        "approved_by": batch.approved_by.get_username() if batch.approved_by else None,
        "approved_at": batch.approved_at,
        "decision_reason": batch.decision_reason,
        "certificate": batch.certificate_number or None,
        "items": list(batch.items.order_by("pk")),
    }


@router.get(
    "/dispositions/review",
    response={200: list[DueScheduleOut], **ERRORS},
    summary="Due records by schedule",
)
def review(request: HttpRequest) -> Any:
    return review_list(actor=actor(request))


@router.get("/dispositions", response={200: list[BatchOut], **ERRORS}, summary="List batches")
def list_batches(request: HttpRequest, status: str | None = None) -> Any:
    return [_batch(b) for b in batch_list(actor=actor(request), status=status)[:200]]


@router.post("/dispositions", response={201: BatchOut, **ERRORS}, summary="Propose a batch")
def propose(request: HttpRequest, payload: ProposeIn) -> Any:
    user = actor(request)
    batch = services.disposition_propose(
        actor=user,
        schedule=schedule_get(actor=user, code_or_id=payload.schedule),
        records=payload.records,
        action=payload.action,
        reason=payload.reason,
    )
    return Status(201, _batch(batch))


@router.get(
    "/dispositions/certificates",
    response={200: list[dict[str, Any]], **ERRORS},
    summary="List certificates",
)
def list_certificates(request: HttpRequest) -> Any:
    return [
        {"number": c.number, "action": c.action, "schedule": c.schedule_code,
         "records": c.records, "executed_at": c.executed_at}
        for c in certificate_list(actor=actor(request))[:500]
    ]  # fmt: skip


@router.get(
    "/dispositions/certificates/{number}",
    response={200: dict[str, Any], **ERRORS},
    summary="A certificate of disposition",
)
def get_certificate(request: HttpRequest, number: str) -> Any:
    cert = certificate_get(actor=actor(request), number=number)
    return {**cert.document, "sha256": cert.document_sha256}


@router.get("/dispositions/{batch_id}", response={200: BatchOut, **ERRORS}, summary="A batch")
def get_batch(request: HttpRequest, batch_id: int) -> Any:
    return _batch(batch_get(actor=actor(request), batch_id=batch_id))


@router.post(
    "/dispositions/{batch_id}/approve",
    response={200: BatchOut, **ERRORS},
    summary="Approve (a second person)",
)
def approve(request: HttpRequest, batch_id: int, payload: BatchDecideIn) -> Any:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    return _batch(services.disposition_approve(actor=user, batch=batch, reason=payload.reason))


@router.post(
    "/dispositions/{batch_id}/reject", response={200: BatchOut, **ERRORS}, summary="Reject"
)
def reject(request: HttpRequest, batch_id: int, payload: BatchDecideIn) -> Any:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    return _batch(services.disposition_reject(actor=user, batch=batch, reason=payload.reason))


@router.post(
    "/dispositions/{batch_id}/extend", response={200: BatchOut, **ERRORS}, summary="Extend a record"
)
def extend(request: HttpRequest, batch_id: int, payload: BatchExtendIn) -> Any:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    services.disposition_extend(
        actor=user, record_type=payload.record_type, record_id=payload.record_id,
        due_on=payload.due_on, reason=payload.reason, batch=batch,
    )  # fmt: skip
    return _batch(batch_get(actor=user, batch_id=batch_id))


@router.post(
    "/dispositions/{batch_id}/execute",
    response={200: BatchOut, **ERRORS},
    summary="Execute an approved batch",
)
def execute(request: HttpRequest, batch_id: int) -> Any:
    user = actor(request)
    batch = batch_get(actor=user, batch_id=batch_id)
    return _batch(services.disposition_execute(actor=user, batch=batch))
